import { readFileSync } from 'node:fs';

/**
 * The HEIC samples committed in test/fixtures/heic (how each was made is in
 * make.ts there: sharp draws them, Debian's heif-enc encodes them), and the
 * byte edits the tests derive the damaged ones with. Nothing here needs
 * heif-enc: the samples are committed, so the tests run wherever Node does.
 */

/** The samples, by file name without `.heic`. */
export type HeicSample = 'photo' | 'rotated' | 'alpha' | 'p3' | 'two-images' | 'large';

/** A committed sample's bytes, a fresh copy each call so a test may edit them. */
export function heicSample(name: HeicSample): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/heic/${name}.heic`, import.meta.url)));
}

/** An ISO-BMFF box: its type, where it starts, where its payload starts, where it ends. */
export interface Box {
  readonly type: string;
  readonly at: number;
  readonly start: number;
  readonly end: number;
}

const FULL_BOX_SKIP: Record<string, number> = { meta: 4, iinf: 6 };

/** The boxes between `from` and `to` (plain 32-bit sizes, as heif-enc writes them). */
export function boxesIn(bytes: Uint8Array, from = 0, to = bytes.length): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (size < 8 || at + size > to) throw new Error(`${type} box at ${at} has a bad size`);
    boxes.push({ type, at, start: at + 8, end: at + size });
    at += size;
  }
  return boxes;
}

/** The box at `path` (e.g. `['meta', 'iprp', 'ipco']`); the first of each type. */
export function boxAt(bytes: Uint8Array, path: readonly string[]): Box {
  let box: Box | undefined;
  for (const type of path) {
    const from = box ? box.start + (FULL_BOX_SKIP[box.type] ?? 0) : 0;
    box = boxesIn(bytes, from, box?.end ?? bytes.length).find((b) => b.type === type);
    if (!box) throw new Error(`no ${path.join('/')} box`);
  }
  if (!box) throw new Error('an empty path');
  return box;
}

/** A copy whose every `ispe` declares `width` x `height`: the header lies, the pixels stay. */
export function withIspe(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const ipco = boxAt(out, ['meta', 'iprp', 'ipco']);
  for (const ispe of boxesIn(out, ipco.start, ipco.end).filter((b) => b.type === 'ispe')) {
    view.setUint32(ispe.start + 4, width);
    view.setUint32(ispe.start + 8, height);
  }
  return out;
}

/** A copy whose primary item (`pitm`, version 0) is `itemId`. */
export function withPrimary(bytes: Uint8Array, itemId: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint16(boxAt(out, ['meta', 'pitm']).start + 4, itemId);
  return out;
}

/**
 * The first `keep` of the coded image data: the header is whole (so the size
 * and the pixel limit read fine), the HEVC stream stops mid-picture, as an
 * upload cut off by a dropped connection leaves it.
 */
export function truncatedHeic(bytes: Uint8Array, keep = 0.6): Uint8Array {
  const mdat = boxAt(bytes, ['mdat']);
  return bytes.slice(0, mdat.start + Math.floor((mdat.end - mdat.start) * keep));
}
