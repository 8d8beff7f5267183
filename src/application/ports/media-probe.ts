import type { CorruptVideoError, UnsupportedVideoError } from '../../domain/errors.js';
import type { Result } from '../../domain/result.js';
import type { VideoContainer } from '../../domain/video-container.js';
import type { Rotation } from '../../domain/video-rendition.js';

/**
 * Bytes read by range, so that probing a 2 GiB original reads its header and
 * index (a few hundred KB) instead of loading it. `read` returns exactly the
 * bytes from `start` (inclusive) to `end` (exclusive); a failure to read throws,
 * and is never taken for a damaged file.
 */
export interface ByteRangeSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export const ByteRangeSource = {
  /**
   * A source over bytes already in memory.
   *
   * @example await probe.probe(ByteRangeSource.ofBytes(bytes))
   */
  ofBytes(bytes: Uint8Array): ByteRangeSource {
    return { size: bytes.byteLength, read: async (start, end) => bytes.subarray(start, end) };
  },
};

/**
 * What a video's container says, read without decoding a frame. Codecs are
 * named as WebCodecs-minded parsers name them: `avc` (H.264), `hevc`, `vp8`,
 * `vp9`, `av1`, `prores`; `aac`, `opus`, `mp3`, `vorbis`, `flac`, `ac3`,
 * `pcm-s16` ...; a codec the parser does not know is named by the
 * container's own id (e.g. `mp4v` or `V_MPEG2`).
 */
export interface MediaProbeResult {
  readonly container: VideoContainer;
  /** Duration of the longest track, in whole milliseconds. */
  readonly durationMs: number;
  /** Stored (coded) size of the picture, before rotation: what the limits are checked against. */
  readonly width: number;
  readonly height: number;
  /** Clockwise rotation for display. */
  readonly rotation: Rotation;
  /** Size a player shows: pixel aspect ratio and rotation applied. */
  readonly displayWidth: number;
  readonly displayHeight: number;
  /** Average frames a second over the first frames; absent when the track gives no timing to measure. */
  readonly fps?: number;
  readonly videoCodec: string;
  readonly hasAudio: boolean;
  /** The primary audio track's codec, when there is one. */
  readonly audioCodec?: string;
}

/** Why a file cannot be probed as a video; both permanent, neither worth a retry. */
export type MediaProbeRejection = UnsupportedVideoError | CorruptVideoError;

/**
 * Reads a video's container header: container, duration, size, rotation,
 * codecs, audio. Refusals of the input are returned: another format (AVI,
 * an image), no video track (`UnsupportedVideoError`), or a container that
 * cannot be read (`CorruptVideoError`). A failure of the source itself
 * (storage unavailable) throws, so the job is retried.
 */
export interface MediaProbe {
  probe(source: Uint8Array | ByteRangeSource): Promise<Result<MediaProbeResult, MediaProbeRejection>>;
}
