import {
  ffmpegVersion,
  type LocateFfmpegOptions,
  locateFfmpeg,
} from '../../adapters/video/ffmpeg-locator.js';

/** The dev server's ffmpeg, if one runs, and the line `npm run dev` prints about it. */
export interface LocalFfmpeg {
  /** Absent when none was found or the one found does not run: then every video fails, saying so. */
  readonly path?: string;
  readonly line: string;
}

/**
 * Finds the ffmpeg `npm run dev` transcodes videos with (the one
 * @ffmpeg-installer/ffmpeg installed, else one on the search path) and checks
 * it runs, for the start-up line: its version, or "no ffmpeg found: videos will fail".
 *
 * @example
 * const ffmpeg = await localFfmpeg({ searchPath: process.env.PATH });
 * console.log(ffmpeg.line); // 'Videos: ffmpeg version N-... (npm: /…/ffmpeg)'
 */
export async function localFfmpeg(options: LocateFfmpegOptions): Promise<LocalFfmpeg> {
  const found = locateFfmpeg(options);
  if (!found) {
    return {
      line: 'Videos: no ffmpeg found: videos will fail (npm install brings one, or put ffmpeg on the PATH)',
    };
  }
  const version = await ffmpegVersion(found.path);
  if (!version) return { line: `Videos: the ffmpeg at ${found.path} does not run: videos will fail` };
  return { path: found.path, line: `Videos: ${version} (${found.source}: ${found.path})` };
}
