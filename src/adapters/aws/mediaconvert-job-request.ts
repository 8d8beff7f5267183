import type { CreateJobRequest, OutputGroup } from '@aws-sdk/client-mediaconvert';
import type { VideoTranscodeJob } from '../../application/ports/video-transcoder.js';

/** Where MediaConvert reads and writes, and as whom; parsed once in the composition root. */
export interface MediaConvertJobConfig {
  /** The photos bucket: originals are read from it and the outputs written to it. */
  readonly bucket: string;
  /** The role MediaConvert assumes to read the original and write the outputs. */
  readonly roleArn: string;
  /** A queue's ARN; MediaConvert's on-demand `Default` queue when left out. */
  readonly queueArn?: string;
  /** QVBR quality, 1-10 (default 7: AWS's advice for 720p and 1080p web video). */
  readonly qvbrQualityLevel?: number;
  /** AAC bit rate in bit/s (default 128,000, the ffmpeg transcoder's). */
  readonly audioBitrate?: number;
  /** The poster's JPEG quality, 1-100 (default 90). */
  readonly posterQuality?: number;
}

/** A job to submit, and what the probe said of its sound: no audio track means no AAC track asked for. */
export interface MediaConvertJobInput extends VideoTranscodeJob {
  /** Whether the original has sound; unknown is taken as yes. */
  readonly hasAudio?: boolean;
}

/** The keys MediaConvert stores under, for a job's `outputs`. */
export interface MediaConvertOutputKeys {
  /** The MP4: exactly `outputs.video` (`…/video.mp4`). */
  readonly video: string;
  /** The poster's frame captures, first to last: the last one is the poster. */
  readonly captures: readonly string[];
  /**
   * The sampled frames' captures (`…/frame.NNNNNNN.jpg`), first to last: the
   * first is the video's first frame, then one per time in `plan.frameTimesMs`.
   * None when the plan samples none.
   */
  readonly frameCaptures: readonly string[];
}

const AUDIO_SELECTOR = 'Audio Selector 1';
// MediaConvert names frame captures `<base>.NNNNNNN.jpg`: the capture's number, 0-based,
// zero-padded to seven digits (FrameCaptureSettings in the API reference).
const captureName = (base: string, n: number): string => `${base}.${String(n).padStart(7, '0')}.jpg`;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** `key` without its extension: what MediaConvert's Destination wants (it appends the extension itself). */
const baseOf = (key: string, extension: string): string => {
  if (!key.endsWith(extension)) throw new TypeError(`${key} does not end with ${extension}`);
  return key.slice(0, -extension.length);
};

/**
 * The frame capture that makes the poster. Frame capture encodes the first frame
 * of the output, then one every FramerateDenominator/FramerateNumerator seconds,
 * up to MaxCaptures: so with the denominator the poster time in milliseconds over
 * a numerator of 1000, the second capture is the frame at the poster time, and
 * MaxCaptures 2 stops there. (Clipping the input to start at the poster time
 * would clip the MP4 too: InputClippings belong to the input, which both outputs
 * of the one job share.) A poster time of 0 needs only the first capture.
 */
const posterCapture = (posterAtMs: number): { numerator: number; denominator: number; captures: number } => {
  if (posterAtMs <= 0) return { numerator: 1, denominator: 1, captures: 1 };
  const ms = Math.round(posterAtMs);
  const divisor = gcd(1000, ms);
  return { numerator: 1000 / divisor, denominator: ms / divisor, captures: 2 };
};

/**
 * The frame capture that samples the plan's frames: its times are evenly
 * spaced, the first one interval in (`sampledFrameTimesMs`), so a capture of
 * the first frame then one every interval, `times + 1` captures in all, takes
 * each of them as capture 1, 2, 3...; undefined when there are none.
 */
const framesCapture = (
  frameTimesMs: readonly number[],
): { numerator: number; denominator: number; captures: number } | undefined => {
  const interval = frameTimesMs[0];
  if (interval === undefined) return undefined;
  if (!frameTimesMs.every((t, i) => Number.isInteger(t) && t === (i + 1) * interval && interval > 0)) {
    throw new TypeError(`frames at ${frameTimesMs.join(', ')} ms are not evenly spaced from the start`);
  }
  const divisor = gcd(1000, interval);
  return { numerator: 1000 / divisor, denominator: interval / divisor, captures: frameTimesMs.length + 1 };
};

/** Where a job's sampled frames are captured: `frame` beside the poster (`renditions/o/p/frame`). */
const framesBaseOf = (job: Pick<VideoTranscodeJob, 'outputs'>): string =>
  `${job.outputs.poster.slice(0, job.outputs.poster.lastIndexOf('/') + 1)}frame`;

/**
 * H.264's most bits a second under QVBR (which MediaConvert requires): about 3 bits
 * a pixel a second, so 6 Mbit/s at 1080p and 2.8 at 720p, between 1 and 8 Mbit/s.
 * QVBR spends less wherever the picture lets it.
 */
const maxBitrate = (width: number, height: number): number =>
  Math.min(8_000_000, Math.max(1_000_000, Math.round((width * height * 3) / 100_000) * 100_000));

/**
 * The one MediaConvert job of a transcode, as the CreateJob API and Step Functions'
 * `mediaconvert:createJob` integration both take it (PascalCase, as the SDK's input).
 * Keys are derived from the job's deterministic outputs, never from user input.
 */
export const MediaConvertJobRequest = {
  /**
   * The CreateJob request for one transcode: one input (the original, rotated
   * upright as its container says: `Rotate: AUTO`) and two or three File output groups:
   *
   * - `MP4`: H.264 (High, QVBR, single pass: the Basic tier) at exactly the plan's
   *   size with square pixels, AAC-LC stereo 48 kHz when the original has sound,
   *   the moov atom first (`MoovPlacement: PROGRESSIVE_DOWNLOAD`). Its Destination
   *   is the output key without `.mp4`, which MediaConvert appends: the file lands
   *   at exactly `outputs.video`.
   * - `Poster`: a frame capture (JPEG) of the plan's size, at the poster time (see
   *   `posterCapture`); it lands as `<poster base>.0000001.jpg`, which the
   *   workflow's Record step copies to `outputs.poster` (`captureKeys`).
   * - `Frames`, when the plan samples frames: a frame capture of the plan's size
   *   every interval (`framesCapture`), landing as `frame.0000001.jpg` and on
   *   beside the poster; the Record step copies each to its `outputs.frames` key.
   *
   * `UserMetadata` carries the owner and item, so a `MediaConvert Job State Change`
   * event can be correlated; `StatusUpdateInterval` is MediaConvert's least
   * frequent (one a minute is all anyone watches).
   *
   * @example MediaConvertJobRequest.build(job, { bucket: 'pixport-photos', roleArn })
   */
  build(job: MediaConvertJobInput, config: MediaConvertJobConfig): CreateJobRequest {
    const { width, height, posterAtMs } = job.plan;
    const s3 = (key: string) => `s3://${config.bucket}/${key}`;
    const capture = posterCapture(posterAtMs);
    const frames = framesCapture(job.plan.frameTimesMs ?? []);
    const withAudio = job.hasAudio !== false;
    const frameCapture = (
      name: string,
      destination: string,
      rate: { numerator: number; denominator: number; captures: number },
    ): OutputGroup => ({
      Name: name,
      OutputGroupSettings: {
        Type: 'FILE_GROUP_SETTINGS',
        FileGroupSettings: { Destination: s3(destination) },
      },
      Outputs: [
        {
          Extension: 'jpg',
          ContainerSettings: { Container: 'RAW' },
          VideoDescription: {
            Width: width,
            Height: height,
            ScalingBehavior: 'STRETCH_TO_OUTPUT',
            CodecSettings: {
              Codec: 'FRAME_CAPTURE',
              FrameCaptureSettings: {
                FramerateNumerator: rate.numerator,
                FramerateDenominator: rate.denominator,
                MaxCaptures: rate.captures,
                Quality: config.posterQuality ?? 90,
              },
            },
          },
        },
      ],
    });
    return {
      Role: config.roleArn,
      ...(config.queueArn ? { Queue: config.queueArn } : {}),
      UserMetadata: { ownerId: job.ownerId, photoId: job.photoId },
      StatusUpdateInterval: 'SECONDS_60',
      Settings: {
        TimecodeConfig: { Source: 'ZEROBASED' },
        Inputs: [
          {
            FileInput: s3(job.originalKey),
            TimecodeSource: 'ZEROBASED',
            VideoSelector: { Rotate: 'AUTO' },
            ...(withAudio ? { AudioSelectors: { [AUDIO_SELECTOR]: { DefaultSelection: 'DEFAULT' } } } : {}),
          },
        ],
        OutputGroups: [
          {
            Name: 'MP4',
            OutputGroupSettings: {
              Type: 'FILE_GROUP_SETTINGS',
              FileGroupSettings: { Destination: s3(baseOf(job.outputs.video, '.mp4')) },
            },
            Outputs: [
              {
                Extension: 'mp4',
                ContainerSettings: {
                  Container: 'MP4',
                  Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD', FreeSpaceBox: 'EXCLUDE' },
                },
                VideoDescription: {
                  Width: width,
                  Height: height,
                  ScalingBehavior: 'STRETCH_TO_OUTPUT',
                  TimecodeInsertion: 'DISABLED',
                  CodecSettings: {
                    Codec: 'H_264',
                    H264Settings: {
                      RateControlMode: 'QVBR',
                      QvbrSettings: { QvbrQualityLevel: config.qvbrQualityLevel ?? 7 },
                      MaxBitrate: maxBitrate(width, height),
                      CodecProfile: 'HIGH',
                      CodecLevel: 'AUTO',
                      QualityTuningLevel: 'SINGLE_PASS',
                      SceneChangeDetect: 'TRANSITION_DETECTION',
                      InterlaceMode: 'PROGRESSIVE',
                      FramerateControl: 'INITIALIZE_FROM_SOURCE',
                      ParControl: 'SPECIFIED',
                      ParNumerator: 1,
                      ParDenominator: 1,
                    },
                  },
                },
                ...(withAudio
                  ? {
                      AudioDescriptions: [
                        {
                          AudioSourceName: AUDIO_SELECTOR,
                          CodecSettings: {
                            Codec: 'AAC',
                            AacSettings: {
                              Bitrate: config.audioBitrate ?? 128_000,
                              CodingMode: 'CODING_MODE_2_0',
                              SampleRate: 48_000,
                              CodecProfile: 'LC',
                              RateControlMode: 'CBR',
                            },
                          },
                        },
                      ],
                    }
                  : {}),
              },
            ],
          },
          frameCapture('Poster', baseOf(job.outputs.poster, '.jpg'), capture),
          ...(frames ? [frameCapture('Frames', framesBaseOf(job), frames)] : []),
        ],
      },
    };
  },

  /**
   * Where MediaConvert stores a job's outputs: the MP4 at `outputs.video`, the
   * poster's frame captures beside `outputs.poster` (its base, `.NNNNNNN.jpg`),
   * and the sampled frames' captures (`frame.NNNNNNN.jpg`), first to last.
   *
   * @example MediaConvertJobRequest.outputKeys(job).captures // ['renditions/o/p/poster.0000000.jpg', '…/poster.0000001.jpg']
   */
  outputKeys(job: Pick<VideoTranscodeJob, 'outputs' | 'plan'>): MediaConvertOutputKeys {
    const base = baseOf(job.outputs.poster, '.jpg');
    const { captures } = posterCapture(job.plan.posterAtMs);
    const frames = framesCapture(job.plan.frameTimesMs ?? [])?.captures ?? 0;
    return {
      video: job.outputs.video,
      captures: Array.from({ length: captures }, (_, n) => captureName(base, n)),
      frameCaptures: Array.from({ length: frames }, (_, n) => captureName(framesBaseOf(job), n)),
    };
  },
};
