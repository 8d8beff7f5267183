import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../application/ports/blob-store.js';
import type { MediaProbe } from '../../application/ports/media-probe.js';
import {
  VideoTranscodeCompletion,
  type VideoTranscodeJob,
  type VideoTranscoder,
  type VideoTranscodeSink,
} from '../../application/ports/video-transcoder.js';
import { durationText } from '../../domain/video-limits.js';
import { defaultFfmpegEncoding, type FfmpegEncoding, ffmpegTranscodeArguments } from './ffmpeg-arguments.js';
import { type FfmpegExit, lastLines, runFfmpeg } from './ffmpeg-process.js';

/** What the transcoder works with: where originals and outputs are, where completions go, what reads the output. */
export interface FfmpegVideoTranscoderDeps {
  readonly store: BlobStore;
  readonly sink: VideoTranscodeSink;
  /** Reads the MP4 ffmpeg made: its duration is reported, and checked against the original's. */
  readonly probe: MediaProbe;
}

/** Typed configuration, parsed in the composition root. */
export interface FfmpegVideoTranscoderConfig {
  /** The binary (`locateFfmpeg`); undefined when there is none, and every job then fails saying so. */
  readonly ffmpegPath: string | undefined;
  /** Where each job gets its own temporary directory (default the system's). */
  readonly workDir?: string;
  /** Jobs run at once (default 1: ffmpeg uses every core for one). */
  readonly concurrency?: number;
  /** A run longer than this is ended and fails (default 1 hour). */
  readonly timeoutMs?: number;
  readonly encoding?: Partial<FfmpegEncoding>;
  /** Tries to hand a completion to the sink before it is given up (default 5), this far apart (default 1 s). */
  readonly deliveryAttempts?: number;
  readonly deliveryRetryDelayMs?: number;
  /** Told of a completion the sink refused every time: the dev server logs it. */
  readonly onDeliveryError?: (error: unknown, completion: VideoTranscodeCompletion) => void;
}

const CACHE = 'public, max-age=31536000, immutable';

/** A failure of this run; `permanent: false` may pass when the job is submitted again. */
class TranscodeFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The failure an ffmpeg run that did not end well amounts to. */
const failureOf = (exit: Exclude<FfmpegExit, { kind: 'ok' }>, timeoutMs: number): TranscodeFailure => {
  switch (exit.kind) {
    case 'not-started':
      return new TranscodeFailure(`ffmpeg could not be started: ${exit.message}`, true);
    case 'timed-out':
      return new TranscodeFailure(`ffmpeg took longer than ${durationText(timeoutMs)} and was stopped`, true);
    case 'killed':
      return new TranscodeFailure(`ffmpeg was ended by ${exit.signal}: ${lastLines(exit.stderr)}`, false);
    case 'failed':
      return new TranscodeFailure(
        `ffmpeg could not transcode the video (exit ${exit.code}): ${lastLines(exit.stderr) || 'it said nothing'}`,
        true,
      );
  }
};

/**
 * A VideoTranscoder that runs ffmpeg in this process: for the dev server and
 * tests. Each job reads its original from the BlobStore into a temporary
 * file, runs one ffmpeg (`ffmpegTranscodeArguments`: H.264/AAC MP4 with the
 * moov atom first at the plan's size, a JPEG poster and the plan's sampled
 * frames, all from one decode), checks the MP4's duration with the probe,
 * stores them, and hands a completion to the sink.
 * Jobs wait in memory: a restart loses the ones not done, which the video
 * queue's redelivery brings back.
 */
export class FfmpegVideoTranscoder implements VideoTranscoder {
  private readonly waiting: VideoTranscodeJob[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly encoding: FfmpegEncoding;

  constructor(
    private readonly deps: FfmpegVideoTranscoderDeps,
    private readonly config: FfmpegVideoTranscoderConfig,
  ) {
    this.encoding = { ...defaultFfmpegEncoding, ...config.encoding };
  }

  async submit(job: VideoTranscodeJob): Promise<void> {
    const { width, height } = job.plan;
    if (!(width >= 2 && height >= 2 && width % 2 === 0 && height % 2 === 0)) {
      throw new TypeError(`a transcode needs even sides of 2 px or more, not ${width}x${height}`);
    }
    this.waiting.push(job);
    this.pump();
  }

  /** Resolves once no job is waiting or running (completions delivered or given up). */
  onIdle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < (this.config.concurrency ?? 1) && this.waiting.length > 0) {
      const job = this.waiting.shift() as VideoTranscodeJob;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
    if (this.running === 0 && this.waiting.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(job: VideoTranscodeJob): Promise<void> {
    let completion: VideoTranscodeCompletion;
    try {
      completion = await this.transcode(job);
    } catch (error) {
      const failure =
        error instanceof TranscodeFailure
          ? error
          : new TranscodeFailure(`the transcode could not run: ${messageOf(error)}`, false);
      completion = {
        ownerId: job.ownerId,
        photoId: job.photoId,
        status: 'failed',
        reason: failure.message,
        permanent: failure.permanent,
      };
    }
    await this.deliver(completion);
  }

  private async transcode(job: VideoTranscodeJob): Promise<VideoTranscodeCompletion> {
    const ffmpeg = this.config.ffmpegPath;
    if (!ffmpeg) {
      throw new TranscodeFailure(
        'no ffmpeg on this server: videos cannot be transcoded (run npm install, or put ffmpeg on the PATH)',
        true,
      );
    }
    const original = await this.deps.store.get(job.originalKey).catch((error: unknown) => {
      throw new TranscodeFailure(`the original could not be read: ${messageOf(error)}`, false);
    });
    if (!original) throw new TranscodeFailure(`the original ${job.originalKey} is gone`, true);
    const dir = await mkdtemp(join(this.config.workDir ?? tmpdir(), 'pixport-ffmpeg-'));
    try {
      const files = {
        input: join(dir, 'original'),
        video: join(dir, 'video.mp4'),
        poster: join(dir, 'poster.jpg'),
        frames: job.outputs.frames.map((_, i) => join(dir, `frame-${i + 1}.jpg`)),
      };
      await writeFile(files.input, original.bytes);
      const timeoutMs = this.config.timeoutMs ?? 3_600_000;
      const exit = await runFfmpeg(
        ffmpeg,
        ffmpegTranscodeArguments(files, job.plan, this.encoding),
        timeoutMs,
      );
      if (exit.kind !== 'ok') throw failureOf(exit, timeoutMs);
      const video = new Uint8Array(await readFile(files.video));
      const readIfMade = (file: string) =>
        readFile(file).then(
          (b) => new Uint8Array(b),
          () => new Uint8Array(0),
        );
      const poster = await readIfMade(files.poster);
      // A frame time past where the picture really ends finds no frame: that frame is left out.
      const frames = await Promise.all(files.frames.map(readIfMade));
      if (poster.byteLength === 0) {
        throw new TranscodeFailure(
          `ffmpeg found no frame for the poster at ${durationText(job.plan.posterAtMs)}`,
          true,
        );
      }
      const durationMs = await this.checkedDuration(video, job);
      await Promise.all([
        this.deps.store.put(job.outputs.video, video, { contentType: 'video/mp4', cacheControl: CACHE }),
        this.deps.store.put(job.outputs.poster, poster, { contentType: 'image/jpeg', cacheControl: CACHE }),
        ...frames.flatMap((frame, i) => {
          const key = job.outputs.frames[i];
          return frame.byteLength > 0 && key
            ? [this.deps.store.put(key, frame, { contentType: 'image/jpeg', cacheControl: CACHE })]
            : [];
        }),
      ]).catch((error: unknown) => {
        throw new TranscodeFailure(`the outputs could not be stored: ${messageOf(error)}`, false);
      });
      return VideoTranscodeCompletion.done(job, {
        width: job.plan.width,
        height: job.plan.height,
        durationMs,
        videoBytes: video.byteLength,
        posterBytes: poster.byteLength,
        frameBytes: frames.map((f) => f.byteLength),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The MP4's duration, which must come near the original's: ffmpeg ends
   * without an error when the media of a damaged file stops early, and so a
   * cut-short MP4 would pass for the video. More than a second and 5% short fails.
   */
  private async checkedDuration(video: Uint8Array, job: VideoTranscodeJob): Promise<number> {
    const probed = await this.deps.probe.probe(video);
    if (!probed.ok)
      throw new TranscodeFailure(`ffmpeg made an MP4 that cannot be read: ${probed.error.message}`, true);
    const { durationMs } = probed.value;
    const shortBy = job.durationMs - durationMs;
    if (shortBy > 1000 && shortBy > job.durationMs * 0.05) {
      throw new TranscodeFailure(
        `only ${durationText(durationMs)} of ${durationText(job.durationMs)} could be decoded: the original is damaged or cut short`,
        true,
      );
    }
    return durationMs;
  }

  private async deliver(completion: VideoTranscodeCompletion): Promise<void> {
    const attempts = this.config.deliveryAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.sink.deliver(completion);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          this.config.onDeliveryError?.(error, completion);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.config.deliveryRetryDelayMs ?? 1000));
      }
    }
  }
}
