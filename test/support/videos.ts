import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { locateFfmpeg } from '../../src/adapters/video/ffmpeg-locator.js';

/**
 * Test videos, made by ffmpeg when a test first asks for one (none is
 * committed), once per test process, into a cache directory under the
 * system's temporary one that test processes share. It is named by a hash of
 * this file and of the ffmpeg, so changing a recipe here makes a new one, and
 * a video is written under a scratch name, then renamed into place. (Vitest
 * ends its workers without an `exit` event: directories per process would
 * pile up.) They are small (320x240, 3 s, ultrafast x264): the six take about a second
 * to make, the 4K one (three frames) most of it.
 *
 * - `mp4`: H.264 + AAC in an MP4, moov at the end (ffmpeg's default);
 * - `rotated-mov`: a phone-style MOV, 320x240 stored, 90° clockwise in its track
 *   matrix (what an iPhone writes for portrait), a blue top-left quarter on red,
 *   and where it was shot (`TEST_LOCATION`);
 * - `webm`: VP8 + Opus;
 * - `corrupt-mp4`: the `mp4` cut in half, so its moov (at the end) is lost;
 * - `over-limit-mp4`: 4096x2304, over the 3840x2160 limit, no audio, 0.1 s;
 * - `avi`: MPEG-4 part 2 in AVI, which is refused;
 * - `sound-only-mp4`: AAC in an MP4 with no video track;
 * - derived for the transcoder: `cut-short-mp4` (moov first, media cut at 40%:
 *   it probes, but two thirds of it cannot be decoded) and `bad-codec-config-mp4`
 *   (its avcC garbled: it probes, and ffmpeg cannot decode it);
 * - for the analysis of sampled frames: `dog-later-mp4`, 4 s of two of the
 *   test photographs (test/fixtures/photos): the mountain meadow for 1.5 s, where
 *   the poster is taken, then the beagles, where the later frames are.
 */
export type TestVideo =
  | 'mp4'
  | 'rotated-mov'
  | 'webm'
  | 'corrupt-mp4'
  | 'over-limit-mp4'
  | 'avi'
  | 'sound-only-mp4'
  | 'cut-short-mp4'
  | 'bad-codec-config-mp4'
  | 'dog-later-mp4';

/** The length of every test video but the 4K one, in milliseconds. */
export const TEST_VIDEO_MS = 3000;

const FILES: Record<TestVideo, string> = {
  mp4: 'clip.mp4',
  'rotated-mov': 'rotated.mov',
  webm: 'clip.webm',
  'corrupt-mp4': 'corrupt.mp4',
  'over-limit-mp4': 'over-limit.mp4',
  avi: 'clip.avi',
  'sound-only-mp4': 'sound-only.mp4',
  'cut-short-mp4': 'cut-short.mp4',
  'bad-codec-config-mp4': 'bad-codec-config.mp4',
  'dog-later-mp4': 'dog-later.mp4',
};

const run = promisify(execFile);
const made = new Map<TestVideo, Promise<string>>();

/** The shared cache directory of these recipes and this ffmpeg. */
const cacheDir = (() => {
  let dir: string | undefined;
  return (): string => {
    if (!dir) {
      const recipes = readFileSync(fileURLToPath(import.meta.url));
      const hash = createHash('sha256').update(recipes).update(testFfmpeg()).digest('hex').slice(0, 12);
      dir = join(tmpdir(), `pixport-test-videos-${hash}`);
      mkdirSync(dir, { recursive: true });
    }
    return dir;
  };
})();

/** The ffmpeg the tests make videos with: the npm one or the system's; the tests need one. */
export function testFfmpeg(): string {
  const found = locateFfmpeg({ searchPath: process.env.PATH });
  if (!found) throw new Error('the video tests need ffmpeg: run npm install, or put ffmpeg on the PATH');
  return found.path;
}

const ffmpeg = async (args: string[]): Promise<void> => {
  await run(testFfmpeg(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
};

const seconds = String(TEST_VIDEO_MS / 1000);
const picture = `testsrc=size=320x240:rate=30:duration=${seconds}`;
const sound = `sine=frequency=440:sample_rate=48000:duration=${seconds}`;
const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** Where the video is, made on first use. */
export function testVideoPath(name: TestVideo): Promise<string> {
  let path = made.get(name);
  if (!path) {
    path = cached(name);
    made.set(name, path);
    path.catch(() => made.delete(name));
  }
  return path;
}

/** The cached video, or a new one made under a name of its own and renamed into place. */
async function cached(name: TestVideo): Promise<string> {
  const path = join(cacheDir(), FILES[name]);
  if (existsSync(path)) return path;
  const scratch = join(cacheDir(), `.${randomUUID()}`);
  mkdirSync(scratch);
  try {
    renameSync(await make(name, scratch), path);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return path;
}

/** The video's bytes, a fresh copy each call. */
export async function testVideo(name: TestVideo): Promise<Uint8Array> {
  return new Uint8Array(readFileSync(await testVideoPath(name)));
}

/** Where phones say a video was shot (QuickTime's ©xyz); the transcoder must not copy it. */
export const TEST_LOCATION = '+48.8584+002.2945/';

/** Makes the video in `dir`; returns where. */
async function make(name: TestVideo, dir: string): Promise<string> {
  const out = join(dir, FILES[name]);
  const lavfi = (source: string) => ['-f', 'lavfi', '-i', source];
  const aac = ['-c:a', 'aac', '-shortest'];
  switch (name) {
    case 'mp4':
      await ffmpeg([...lavfi(picture), ...lavfi(sound), ...x264, ...aac, out]);
      return out;
    case 'rotated-mov': {
      // A blue top-left quarter on red: after a quarter turn clockwise it is the top-right one.
      const quarters = `color=c=red:size=320x240:rate=30:duration=${seconds},drawbox=x=0:y=0:w=160:h=120:color=blue:t=fill`;
      await ffmpeg([
        ...lavfi(quarters),
        ...lavfi(sound),
        ...x264,
        ...aac,
        '-metadata',
        `location=${TEST_LOCATION}`,
        '-f',
        'mov',
        out,
      ]);
      writeFileSync(out, withVideoMatrix(readFileSync(out), QUARTER_TURN_CLOCKWISE(240)));
      return out;
    }
    case 'webm': {
      const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k'];
      await ffmpeg([...lavfi(picture), ...lavfi(sound), ...vp8, '-c:a', 'libopus', '-shortest', out]);
      return out;
    }
    case 'corrupt-mp4': {
      const bytes = readFileSync(await testVideoPath('mp4'));
      writeFileSync(out, bytes.subarray(0, bytes.length >> 1));
      return out;
    }
    case 'over-limit-mp4':
      await ffmpeg([...lavfi('testsrc=size=4096x2304:rate=30'), '-frames:v', '3', ...x264, out]);
      return out;
    case 'avi':
      await ffmpeg([...lavfi(picture), '-c:v', 'mpeg4', '-f', 'avi', out]);
      return out;
    case 'sound-only-mp4':
      await ffmpeg([...lavfi(sound), ...aac, '-f', 'mp4', out]);
      return out;
    case 'cut-short-mp4': {
      const faststart = join(dir, 'faststart.mp4');
      await ffmpeg(['-i', await testVideoPath('mp4'), '-c', 'copy', '-movflags', '+faststart', faststart]);
      const bytes = readFileSync(faststart);
      writeFileSync(out, bytes.subarray(0, Math.round(bytes.length * 0.4)));
      return out;
    }
    case 'dog-later-mp4': {
      const photo = (name: string) => fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url));
      // Each photo letterboxed into 640x480, so the two can be joined.
      const fit =
        'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1';
      await ffmpeg([
        ...['-loop', '1', '-t', '1.5', '-i', photo('mountain-meadow.jpg')],
        ...['-loop', '1', '-t', '2.5', '-i', photo('beagles.jpg')],
        '-filter_complex',
        `[0:v]${fit}[a];[1:v]${fit}[b];[a][b]concat=n=2:v=1[v]`,
        ...['-map', '[v]', '-r', '30'],
        ...x264,
        out,
      ]);
      return out;
    }
    case 'bad-codec-config-mp4': {
      const bytes = new Uint8Array(readFileSync(await testVideoPath('mp4')));
      const avcC = Buffer.from(bytes).indexOf('avcC');
      if (avcC < 0) throw new Error('no avcC box in the test MP4');
      bytes.fill(0xff, avcC + 4, avcC + 24);
      writeFileSync(out, bytes);
      return out;
    }
  }
}

/** An ISO-BMFF box: its type and where it starts and ends. */
export interface Box {
  readonly type: string;
  readonly at: number;
  readonly end: number;
}

/** The boxes between `from` and `to`, 64-bit and to-the-end sizes included. */
export function boxesIn(bytes: Uint8Array, from = 0, to = bytes.length): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    let size = view.getUint32(at);
    if (size === 1) size = Number(view.getBigUint64(at + 8));
    if (size === 0) size = to - at;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (size < 8 || at + size > to) throw new Error(`${type} box at ${at} has a bad size`);
    boxes.push({ type, at, end: at + size });
    at += size;
  }
  return boxes;
}

/** The top-level box types in file order: `moov` before `mdat` is what lets an MP4 play while it downloads. */
export function topLevelBoxes(bytes: Uint8Array): string[] {
  return boxesIn(bytes).map((b) => b.type);
}

/** A track matrix (a, b, u, c, d, v, x, y, w) as tkhd stores it, 16.16 and 2.30 fixed point. */
type Matrix = readonly [number, number, number, number, number, number, number, number, number];

/** The matrix an iPhone writes for a portrait video: a quarter turn clockwise, moved back into view. */
const QUARTER_TURN_CLOCKWISE = (storedHeight: number): Matrix => [
  0,
  0x10000,
  0,
  -0x10000,
  0,
  0,
  storedHeight * 0x10000,
  0,
  0x40000000,
];

/**
 * A copy whose video track's tkhd carries `matrix`. Written into the bytes
 * rather than asked of ffmpeg, whose `rotate` tag has meant either direction
 * depending on the version and on whether the stream is copied.
 */
function withVideoMatrix(file: Uint8Array, matrix: Matrix): Uint8Array {
  const bytes = new Uint8Array(file);
  const view = new DataView(bytes.buffer);
  const moov = boxesIn(bytes).find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov box');
  for (const trak of boxesIn(bytes, moov.at + 8, moov.end).filter((b) => b.type === 'trak')) {
    const isVideo = Buffer.from(bytes.subarray(trak.at, trak.end)).includes('vide');
    const tkhd = boxesIn(bytes, trak.at + 8, trak.end).find((b) => b.type === 'tkhd');
    if (!isVideo || !tkhd) continue;
    // After the header and version/flags: 3 (v0) or 3 64-bit-ish fields, then fixed fields, then the matrix.
    const version = bytes[tkhd.at + 8];
    const matrixAt = tkhd.at + 8 + 4 + (version === 1 ? 32 : 20) + 8 + 8;
    matrix.forEach((n, i) => {
      view.setInt32(matrixAt + 4 * i, n);
    });
    return bytes;
  }
  throw new Error('no video track');
}
