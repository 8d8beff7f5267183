import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFfmpeg } from '../../../src/entrypoints/node/local-ffmpeg.js';

/** What `npm run dev` says about its ffmpeg at start, and whether it transcodes with it. */
describe('localFfmpeg', () => {
  it('names the ffmpeg npm install brought, with its version line', async () => {
    const found = await localFfmpeg({ searchPath: '' });
    expect(found.path).toMatch(/ffmpeg(\.exe)?$/);
    expect(found.line).toMatch(/^Videos: ffmpeg version \S+.* \(npm: .*ffmpeg(\.exe)?\)$/);
  });

  it('says videos will fail when there is none', async () => {
    expect(await localFfmpeg({ searchPath: '', fromPackage: false })).toEqual({
      line: 'Videos: no ffmpeg found: videos will fail (npm install brings one, or put ffmpeg on the PATH)',
    });
  });

  it('says so of an ffmpeg on the PATH that does not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixport-ffmpeg-'));
    try {
      writeFileSync(join(dir, 'ffmpeg'), '#!/bin/sh\nexit 1\n');
      chmodSync(join(dir, 'ffmpeg'), 0o755);
      const found = await localFfmpeg({ searchPath: dir, fromPackage: false });
      expect(found.path).toBeUndefined();
      expect(found.line).toBe(`Videos: the ffmpeg at ${join(dir, 'ffmpeg')} does not run: videos will fail`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
