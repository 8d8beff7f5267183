import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** An ffmpeg binary that was found, and where it came from. */
export interface LocatedFfmpeg {
  readonly path: string;
  /** `npm`: the binary @ffmpeg-installer/ffmpeg installed; `path`: one on the system's PATH. */
  readonly source: 'npm' | 'path';
}

/** Where to look; the composition root passes the process's PATH, so this file reads no environment. */
export interface LocateFfmpegOptions {
  /** The PATH to search, as the environment spells it (entries joined by `:`, `;` on Windows). */
  readonly searchPath?: string;
  /** Whether to ask @ffmpeg-installer/ffmpeg first (default true); false in tests of the fallback. */
  readonly fromPackage?: boolean;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The binary of @ffmpeg-installer/ffmpeg, which throws (a string) when its platform package is missing. */
const fromInstaller = (): string | undefined => {
  try {
    const require = createRequire(import.meta.url);
    const installed = require('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof installed.path === 'string' && executable(installed.path) ? installed.path : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Finds an ffmpeg to transcode with: the one `npm install` brought
 * (@ffmpeg-installer/ffmpeg, a static build with libx264), else `ffmpeg` on
 * the PATH, else undefined, and the caller says "no ffmpeg: videos will fail".
 *
 * @example locateFfmpeg({ searchPath: process.env.PATH }) // { path: '/…/ffmpeg', source: 'npm' }
 */
export function locateFfmpeg(options: LocateFfmpegOptions = {}): LocatedFfmpeg | undefined {
  if (options.fromPackage ?? true) {
    const path = fromInstaller();
    if (path) return { path, source: 'npm' };
  }
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (options.searchPath ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const path = join(dir, name);
      if (executable(path)) return { path, source: 'path' };
    }
  }
  return undefined;
}

/**
 * The first line of `ffmpeg -version` (e.g. "ffmpeg version 4.1 ..."), for the
 * dev server to say which ffmpeg it runs; undefined when the binary does not run.
 */
export function ffmpegVersion(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: 10_000 }, (error, stdout) => {
      resolve(error ? undefined : stdout.split('\n')[0]?.trim() || undefined);
    });
  });
}
