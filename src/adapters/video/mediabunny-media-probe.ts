import {
  CustomSource,
  Input,
  type InputTrack,
  type InputVideoTrack,
  MATROSKA,
  MP4,
  QTFF,
  WEBM,
} from 'mediabunny';
import {
  ByteRangeSource,
  type MediaProbe,
  type MediaProbeRejection,
  type MediaProbeResult,
} from '../../application/ports/media-probe.js';
import { CorruptVideoError, UnsupportedVideoError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';
import { VideoContainer } from '../../domain/video-container.js';
import { Rotation, rotatedSize } from '../../domain/video-rendition.js';

/** Options of the mediabunny probe. */
export interface MediabunnyMediaProbeOptions {
  /**
   * Video packets averaged for the frame rate (default 120): the first few
   * seconds, read from the sample table in an MP4 and from the first clusters
   * in a WebM, never the whole file.
   */
  readonly fpsPackets?: number;
  /**
   * How mediabunny reads ahead of what it asked for (default `network`: few,
   * larger reads, which suits a source behind object storage).
   */
  readonly prefetch?: 'none' | 'fileSystem' | 'network';
}

const CONTAINER_OF_FORMAT: Record<string, VideoContainer> = {
  MP4: 'mp4',
  'QuickTime File Format': 'mov',
  WebM: 'webm',
  Matroska: 'matroska',
};

const NAMES: Record<VideoContainer, string> = { mp4: 'MP4', mov: 'MOV', webm: 'WebM', matroska: 'Matroska' };

/** The codec as mediabunny names it, or the container's own id for one it does not know. */
const codecName = async (track: InputTrack): Promise<string> => {
  const codec = await track.getCodec();
  if (codec) return codec;
  const id = await track.getInternalCodecId();
  if (typeof id === 'string') return id.trim() || 'unknown';
  if (typeof id === 'number') return `0x${id.toString(16)}`;
  return 'unknown';
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A MediaProbe on mediabunny, a TypeScript container parser that runs in
 * Node, Workers and browsers alike. It sniffs the first bytes with the
 * domain's `VideoContainer.sniff`, then reads only the header and index it
 * needs through the source's ranges; no frame is decoded.
 *
 * A source that throws is a failure of storage and is thrown again; anything
 * mediabunny cannot make sense of in an accepted container is a
 * `CorruptVideoError`, and a file with tracks but no video an
 * `UnsupportedVideoError`.
 */
export class MediabunnyMediaProbe implements MediaProbe {
  constructor(private readonly options: MediabunnyMediaProbeOptions = {}) {}

  async probe(given: Uint8Array | ByteRangeSource): Promise<Result<MediaProbeResult, MediaProbeRejection>> {
    const source = given instanceof Uint8Array ? ByteRangeSource.ofBytes(given) : given;
    const head =
      source.size === 0
        ? new Uint8Array(0)
        : await source.read(0, Math.min(source.size, VideoContainer.sniffBytes));
    const sniffed = VideoContainer.sniff(head);
    if (sniffed.kind !== 'video') return err(VideoContainer.refusal(sniffed.what));

    let sourceFailure: { error: unknown } | undefined;
    const input = new Input({
      formats: [MP4, QTFF, WEBM, MATROSKA],
      source: new CustomSource({
        getSize: () => source.size,
        read: async (start, end) => {
          try {
            return await source.read(start, end);
          } catch (error) {
            sourceFailure ??= { error };
            throw error;
          }
        },
        prefetchProfile: this.options.prefetch ?? 'network',
      }),
    });
    const name = NAMES[sniffed.container];
    try {
      return await this.read(input, sniffed.container, name);
    } catch (error) {
      if (sourceFailure) throw sourceFailure.error;
      return err(new CorruptVideoError(`the ${name} cannot be read: ${messageOf(error)}`, { cause: error }));
    } finally {
      input.dispose();
    }
  }

  private async read(
    input: Input,
    sniffed: VideoContainer,
    name: string,
  ): Promise<Result<MediaProbeResult, MediaProbeRejection>> {
    const container = CONTAINER_OF_FORMAT[(await input.getFormat()).name] ?? sniffed;
    const tracks = await input.getTracks();
    if (tracks.length === 0) {
      return err(new CorruptVideoError(`the ${name} has no tracks: it is cut short or damaged`));
    }
    const video = await input.getPrimaryVideoTrack();
    if (!video) return err(new UnsupportedVideoError(`the ${name} has no video track, only sound`));
    const audio = await input.getPrimaryAudioTrack();

    const width = await video.getCodedWidth();
    const height = await video.getCodedHeight();
    if (!(width > 0 && height > 0)) {
      return err(new CorruptVideoError(`the ${name} gives its picture no size`));
    }
    const rotation = Rotation.of(await video.getRotation()) ?? 0;
    const display = rotatedSize(
      { width: await video.getSquarePixelWidth(), height: await video.getSquarePixelHeight() },
      rotation,
    );
    const seconds = (await input.getDurationFromMetadata()) ?? (await input.computeDuration());
    if (!Number.isFinite(seconds) || seconds <= 0) {
      return err(new CorruptVideoError(`the ${name} has no duration: it holds no frames`));
    }
    const fps = await this.fps(video);
    const audioCodec = audio ? await codecName(audio) : undefined;
    return ok({
      container,
      durationMs: Math.round(seconds * 1000),
      width,
      height,
      rotation,
      displayWidth: display.width,
      displayHeight: display.height,
      ...(fps !== undefined ? { fps } : {}),
      videoCodec: await codecName(video),
      hasAudio: audio !== null,
      ...(audioCodec !== undefined ? { audioCodec } : {}),
    });
  }

  /** The average frame rate over the first packets, to three decimals; undefined with fewer than two. */
  private async fps(video: InputVideoTrack): Promise<number | undefined> {
    const stats = await video.computePacketStats(this.options.fpsPackets ?? 120);
    if (stats.packetCount < 2 || !Number.isFinite(stats.averagePacketRate)) return undefined;
    return Math.round(stats.averagePacketRate * 1000) / 1000;
  }
}
