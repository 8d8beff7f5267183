import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegVersion, locateFfmpeg } from '../../../../src/adapters/video/ffmpeg-locator.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding a file named ffmpeg, executable or not. */
const dirWithFfmpeg = (mode: number): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pixport-locator-'));
  dirs.push(dir);
  const path = join(dir, 'ffmpeg');
  writeFileSync(path, '#!/bin/sh\necho "ffmpeg version test-double"\n');
  chmodSync(path, mode);
  return dir;
};

describe('locateFfmpeg', () => {
  it('finds the binary npm installed first, and it runs', async () => {
    const found = locateFfmpeg({ searchPath: '' });
    expect(found?.source).toBe('npm');
    expect(found?.path).toMatch(/@ffmpeg-installer/);
    expect(await ffmpegVersion(found?.path ?? '')).toMatch(/^ffmpeg version /);
  });

  it('falls back to an executable ffmpeg on the PATH, skipping entries without one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pixport-locator-'));
    dirs.push(empty);
    const notExecutable = dirWithFfmpeg(0o644);
    const executable = dirWithFfmpeg(0o755);
    const searchPath = ['', empty, notExecutable, executable].join(delimiter);
    expect(locateFfmpeg({ searchPath, fromPackage: false })).toEqual({
      path: join(executable, 'ffmpeg'),
      source: 'path',
    });
  });

  it('finds none when there is none, for the caller to say that videos will fail', () => {
    expect(locateFfmpeg({ fromPackage: false })).toBeUndefined();
    expect(locateFfmpeg({ searchPath: dirWithFfmpeg(0o644), fromPackage: false })).toBeUndefined();
  });

  it('gives no version for a binary that does not run as ffmpeg', async () => {
    expect(await ffmpegVersion(join(dirWithFfmpeg(0o644), 'ffmpeg'))).toBeUndefined();
    expect(await ffmpegVersion('/nonexistent/ffmpeg')).toBeUndefined();
  });
});
