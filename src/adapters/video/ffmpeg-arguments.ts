import type { VideoRenditionPlan } from '../../domain/video-rendition.js';

/** How the MP4 is encoded: libx264 and ffmpeg's own AAC encoder. */
export interface FfmpegEncoding {
  /** x264 preset: speed against size at the same quality (default `veryfast`). */
  readonly preset: string;
  /** x264 constant rate factor, 0-51, lower is better (default 23, x264's own). */
  readonly crf: number;
  /** AAC bit rate in kbit/s (default 128). */
  readonly audioKbps: number;
  /** JPEG quality of the poster on ffmpeg's 2-31 scale, lower is better (default 3). */
  readonly posterQuality: number;
}

export const defaultFfmpegEncoding: FfmpegEncoding = {
  preset: 'veryfast',
  crf: 23,
  audioKbps: 128,
  posterQuality: 3,
};

/** Where ffmpeg reads and writes, and what it makes. */
export interface FfmpegTranscodeFiles {
  readonly input: string;
  readonly video: string;
  readonly poster: string;
  /** One file per time in the plan's `frameTimesMs`, in order. */
  readonly frames: readonly string[];
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The ffmpeg command line for one transcode, in one decode of the original:
 *
 * - ffmpeg rotates the frames as the container asks (autorotate, on by default)
 *   before the filter graph, and writes no rotation into the output, so the
 *   plan's size is the display size of the MP4 and of the poster;
 * - `scale` to exactly the plan's even size (the domain decided it), square
 *   pixels (`setsar=1`), then `split` into the MP4, the poster and the
 *   sampled frames;
 * - H.264 High in yuv420p (what every browser plays) and AAC from the first
 *   audio stream, if any; `+faststart` moves the moov atom before the media so
 *   the MP4 plays while it downloads;
 * - no metadata or chapters are copied: phones put the place a video was shot
 *   into the container, as they put GPS into a photo's EXIF;
 * - the poster is the first frame at or after `posterAtMs`, as a JPEG, and
 *   each sampled frame the first at or after its time in `frameTimesMs`.
 *
 * @example ffmpegTranscodeArguments(files, { width: 1280, height: 720, posterAtMs: 1000, frameTimesMs: [2500, 5000, 7500] }, defaultFfmpegEncoding)
 */
export function ffmpegTranscodeArguments(
  files: FfmpegTranscodeFiles,
  plan: VideoRenditionPlan,
  encoding: FfmpegEncoding,
): string[] {
  const times = plan.frameTimesMs ?? [];
  if (times.length !== files.frames.length) {
    throw new TypeError(`${times.length} frame times but ${files.frames.length} frame files`);
  }
  const still = (label: string, atMs: number, file: string): string[] => [
    ...['-map', `[${label}]`, '-ss', seconds(atMs), '-frames:v', '1'],
    ...['-q:v', String(encoding.posterQuality), '-f', 'image2', file],
  ];
  const frameLabels = times.map((_, i) => `frame${i + 1}`);
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y'],
    ...['-i', files.input],
    '-filter_complex',
    `[0:v:0]scale=${plan.width}:${plan.height},setsar=1,split=${2 + times.length}[video][poster]${frameLabels.map((l) => `[${l}]`).join('')}`,
    ...['-map', '[video]', '-map', '0:a:0?'],
    ...['-map_metadata', '-1', '-map_chapters', '-1'],
    ...['-c:v', 'libx264', '-preset', encoding.preset, '-crf', String(encoding.crf)],
    ...['-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', `${encoding.audioKbps}k`],
    ...['-movflags', '+faststart', '-f', 'mp4', files.video],
    ...still('poster', plan.posterAtMs, files.poster),
    ...times.flatMap((atMs, i) => still(frameLabels[i] ?? '', atMs, files.frames[i] ?? '')),
  ];
}
