import { err, ok, type Result } from './result.js';
import type { Size } from './sizing.js';

/**
 * What a HEIF file (HEIC, or HEIF of other codecs) declares about its primary
 * image, read from the `meta` box alone: no pixel is decoded, so the pixel
 * limit is applied to a HEIC as to any other format before a decoder allocates.
 */
export interface HeifHeader {
  /** The primary item's type: `hvc1` (HEVC), `grid` (tiles, as phones write), `av01` ... */
  readonly itemType: string;
  /** The coded size (`ispe`): what a decoder allocates, and what the pixel limit is applied to. */
  readonly coded: Size;
  /** The size once `clap`, `irot` and `imir` are applied in their order: what a viewer shows. */
  readonly display: Size;
  /**
   * The EXIF orientation (1-8) that turns the cropped image into the displayed one: `irot`
   * and `imir` together, so 5-8 when they turn it by a quarter. `imir` axis 0 flips top to
   * bottom and 1 left to right, as libheif applies them.
   */
  readonly orientation: number;
  /** The ICC profile of the primary image, or of its first tile when only the tiles carry one. */
  readonly icc?: Uint8Array;
}

interface Box {
  readonly type: string;
  /** Where the box's payload starts (after size, type and any large size). */
  readonly start: number;
  readonly end: number;
}

/** A 2x2 integer matrix on (x right, y down): how a transform moves a pixel. */
type Turn = readonly [number, number, number, number];

// Stored-to-display matrices of the EXIF orientations, index = orientation - 1.
const EXIF_TURNS: readonly Turn[] = [
  [1, 0, 0, 1],
  [-1, 0, 0, 1],
  [-1, 0, 0, -1],
  [1, 0, 0, -1],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, -1, -1, 0],
  [0, 1, -1, 0],
];
const QUARTER_ANTICLOCKWISE: Turn = [0, 1, -1, 0];
const FLIP_TOP_BOTTOM: Turn = [1, 0, 0, -1];
const FLIP_LEFT_RIGHT: Turn = [-1, 0, 0, 1];

/** `b` after `a`. */
const then = (a: Turn, b: Turn): Turn => [
  b[0] * a[0] + b[1] * a[2],
  b[0] * a[1] + b[1] * a[3],
  b[2] * a[0] + b[3] * a[2],
  b[2] * a[1] + b[3] * a[3],
];

class Reader {
  readonly bytes: Uint8Array;
  readonly #view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(at: number): number {
    return this.#view.getUint8(at);
  }
  u16(at: number): number {
    return this.#view.getUint16(at);
  }
  u32(at: number): number {
    return this.#view.getUint32(at);
  }
  i32(at: number): number {
    return this.#view.getInt32(at);
  }
  text(at: number, length: number): string {
    return String.fromCharCode(...this.bytes.subarray(at, at + length));
  }

  /**
   * The boxes between `from` and `to`. A box that runs past `to` is an error,
   * unless `cutShort` and it is not a `meta`: then it ends the list, as the
   * last box of a file cut short (its `mdat`) does.
   */
  boxes(from: number, to: number, cutShort = false): Box[] {
    const found: Box[] = [];
    let at = from;
    while (at + 8 <= to) {
      let size = this.u32(at);
      const type = this.text(at + 4, 4);
      let header = 8;
      if (size === 1) {
        if (at + 16 > to) throw new HeaderError(`the ${type} box is cut short`);
        const high = this.u32(at + 8);
        size = high * 2 ** 32 + this.u32(at + 12);
        header = 16;
      } else if (size === 0) {
        size = to - at;
      }
      if (size < header) throw new HeaderError(`the ${type} box has a size smaller than its header`);
      if (at + size > to) {
        if (cutShort && type !== 'meta') break;
        throw new HeaderError(`the ${type} box runs past its end`);
      }
      found.push({ type, start: at + header, end: at + size });
      at += size;
    }
    return found;
  }
}

/** A header that cannot be read; its message says where. */
class HeaderError extends Error {}

const needs = (box: Box, length: number): void => {
  if (box.end - box.start < length) throw new HeaderError(`the ${box.type} box is too short`);
};

/** The children of a box, after `skip` bytes of its own fields. */
const childrenOf = (r: Reader, box: Box, skip: number): Box[] => r.boxes(box.start + skip, box.end);

const only = (boxes: Box[], type: string): Box | undefined => boxes.find((b) => b.type === type);

/** The primary item's id (`pitm`). */
function primaryId(r: Reader, pitm: Box): number {
  needs(pitm, 6);
  const wide = r.u8(pitm.start) !== 0;
  needs(pitm, wide ? 8 : 6);
  return wide ? r.u32(pitm.start + 4) : r.u16(pitm.start + 4);
}

/** Each item's type, by id (`iinf` of `infe` version 2 and 3, the versions HEIF uses). */
function itemTypes(r: Reader, iinf: Box): Map<number, string> {
  needs(iinf, 6);
  const skip = r.u8(iinf.start) === 0 ? 6 : 8;
  const types = new Map<number, string>();
  for (const infe of childrenOf(r, iinf, skip).filter((b) => b.type === 'infe')) {
    needs(infe, 4);
    const version = r.u8(infe.start);
    if (version < 2) continue;
    const wide = version >= 3;
    needs(infe, wide ? 14 : 12);
    const id = wide ? r.u32(infe.start + 4) : r.u16(infe.start + 4);
    types.set(id, r.text(infe.start + (wide ? 10 : 8), 4));
  }
  return types;
}

/** The items a `dimg` reference of `from` points at (a grid's tiles), in order. */
function derivedFrom(r: Reader, iref: Box | undefined, from: number): number[] {
  if (!iref) return [];
  needs(iref, 4);
  const wide = r.u8(iref.start) !== 0;
  const idSize = wide ? 4 : 2;
  const id = (at: number) => (wide ? r.u32(at) : r.u16(at));
  for (const ref of childrenOf(r, iref, 4)) {
    needs(ref, idSize + 2);
    if (ref.type !== 'dimg' || id(ref.start) !== from) continue;
    const count = r.u16(ref.start + idSize);
    needs(ref, idSize + 2 + count * idSize);
    return Array.from({ length: count }, (_, i) => id(ref.start + idSize + 2 + i * idSize));
  }
  return [];
}

/** The properties (`ipco` children) associated with `item` by `ipma`, in the listed order. */
function propertiesOf(r: Reader, ipco: Box, ipma: Box, item: number): Box[] {
  const properties = childrenOf(r, ipco, 0);
  needs(ipma, 8);
  const version = r.u8(ipma.start);
  const wideIndex = (r.u8(ipma.start + 3) & 1) === 1;
  const count = r.u32(ipma.start + 4);
  let at = ipma.start + 8;
  for (let entry = 0; entry < count; entry++) {
    const idSize = version < 1 ? 2 : 4;
    if (at + idSize + 1 > ipma.end) throw new HeaderError('the ipma box is too short');
    const id = version < 1 ? r.u16(at) : r.u32(at);
    const associations = r.u8(at + idSize);
    at += idSize + 1;
    const size = wideIndex ? 2 : 1;
    if (at + associations * size > ipma.end) throw new HeaderError('the ipma box is too short');
    if (id === item) {
      const found: Box[] = [];
      for (let a = 0; a < associations; a++) {
        const index = wideIndex ? r.u16(at + a * 2) & 0x7fff : r.u8(at + a) & 0x7f;
        const property = properties[index - 1];
        if (index > 0 && property) found.push(property);
      }
      return found;
    }
    at += associations * size;
  }
  return [];
}

/** The ICC profile a `colr` box carries, if it is of type `prof` or `rICC`. */
function iccOf(r: Reader, properties: Box[]): Uint8Array | undefined {
  for (const colr of properties.filter((p) => p.type === 'colr')) {
    needs(colr, 4);
    const kind = r.text(colr.start, 4);
    if (kind === 'prof' || kind === 'rICC') return r.bytes.slice(colr.start + 4, colr.end);
  }
  return undefined;
}

/** A clean aperture's size (`clap`), rounded as libheif rounds it, within the current size. */
function clapSize(r: Reader, clap: Box, current: Size): Size {
  needs(clap, 16);
  const side = (n: number, d: number, max: number): number => {
    if (d === 0) throw new HeaderError('the clap box divides by zero');
    return Math.min(max, Math.max(1, Math.round(n / d)));
  };
  return {
    width: side(r.u32(clap.start), r.u32(clap.start + 4), current.width),
    height: side(r.u32(clap.start + 8), r.u32(clap.start + 12), current.height),
  };
}

/**
 * Reads the primary image's header of a HEIF file: its item type, coded size
 * (`ispe`), display size after `clap`/`irot`/`imir`, the EXIF-style
 * orientation those amount to, and its ICC profile. Never decodes a pixel and
 * never throws: a header it cannot read is an error with the reason.
 *
 * @example
 * readHeifHeader(iphoneHeic)
 * // ok({ itemType: 'grid', coded: { width: 4032, height: 3024 }, display: { width: 3024, height: 4032 }, orientation: 6, icc })
 */
export function readHeifHeader(bytes: Uint8Array): Result<HeifHeader, string> {
  const r = new Reader(bytes);
  try {
    // Only the meta box matters here: a file cut short in its mdat still has a readable header.
    const meta = only(r.boxes(0, bytes.length, true), 'meta');
    if (!meta) return err('there is no meta box, so no still image (a sequence alone?)');
    needs(meta, 4);
    const parts = childrenOf(r, meta, 4);
    const pitm = only(parts, 'pitm');
    const iinf = only(parts, 'iinf');
    const iprp = only(parts, 'iprp');
    if (!pitm || !iinf || !iprp) return err('the meta box lacks a primary item, its type or its properties');
    const primary = primaryId(r, pitm);
    const itemType = itemTypes(r, iinf).get(primary);
    if (!itemType) return err(`the primary item ${primary} is not described`);
    const iprpParts = childrenOf(r, iprp, 0);
    const ipco = only(iprpParts, 'ipco');
    const ipmas = iprpParts.filter((b) => b.type === 'ipma');
    if (!ipco || ipmas.length === 0) return err('the properties box lacks ipco or ipma');
    const properties = ipmas.flatMap((ipma) => propertiesOf(r, ipco, ipma, primary));

    const ispe = properties.find((p) => p.type === 'ispe');
    if (!ispe) return err('the primary image has no ispe (its size)');
    needs(ispe, 12);
    const coded = { width: r.u32(ispe.start + 4), height: r.u32(ispe.start + 8) };
    if (coded.width === 0 || coded.height === 0) return err('the primary image has no pixels');

    // Transforms apply in the order the properties are listed (ISO/IEC 23008-12, 6.5.1).
    let current: Size = coded;
    let turn: Turn = EXIF_TURNS[0] as Turn;
    for (const property of properties) {
      if (property.type === 'clap') current = clapSize(r, property, current);
      if (property.type === 'irot') {
        needs(property, 1);
        for (let q = 0; q < (r.u8(property.start) & 3); q++) {
          turn = then(turn, QUARTER_ANTICLOCKWISE);
          current = { width: current.height, height: current.width };
        }
      }
      if (property.type === 'imir') {
        needs(property, 1);
        turn = then(turn, (r.u8(property.start) & 1) === 0 ? FLIP_TOP_BOTTOM : FLIP_LEFT_RIGHT);
      }
    }
    const orientation = EXIF_TURNS.findIndex((t) => t.every((v, i) => v === turn[i])) + 1;

    let icc = iccOf(r, properties);
    if (!icc && itemType === 'grid') {
      const [firstTile] = derivedFrom(r, only(parts, 'iref'), primary);
      if (firstTile !== undefined)
        icc = iccOf(
          r,
          ipmas.flatMap((ipma) => propertiesOf(r, ipco, ipma, firstTile)),
        );
    }
    return ok({ itemType, coded, display: current, orientation, ...(icc ? { icc } : {}) });
  } catch (e) {
    if (e instanceof HeaderError || e instanceof RangeError) return err(e.message);
    throw e;
  }
}
