/** Pixels of a decoded image, four bytes a pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const inflate = async (data: Uint8Array): Promise<Uint8Array> => {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Decodes a small non-interlaced 8-bit PNG (grey, grey+alpha, RGB, RGBA or
 * palette) to RGBA with the platform's DecompressionStream: enough to read the
 * tiny PNG the Images binding makes for a ThumbHash, without WebAssembly.
 * Anything else throws.
 *
 * @example const { width, height, rgba } = await decodePng(pngBytes);
 */
export async function decodePng(png: Uint8Array): Promise<RgbaImage> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (png.length < 33 || view.getUint32(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let colourType = 0;
  let palette: Uint8Array = new Uint8Array(0);
  let alphas: Uint8Array = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const depth = png[at + 16];
      colourType = png[at + 17] ?? -1;
      if (depth !== 8 || png[at + 20] !== 0 || CHANNELS[colourType] === undefined) {
        throw new Error('only non-interlaced 8-bit PNGs are decoded');
      }
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') alphas = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width === 0 || height === 0 || width * height > 1 << 20) throw new Error('PNG size out of range');
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of idat) {
    joined.set(d, offset);
    offset += d.length;
  }
  const raw = await inflate(joined);

  const channels = CHANNELS[colourType] as number;
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error('PNG data is truncated');
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (rows[out + x - channels] ?? 0) : 0;
      const b = y > 0 ? (rows[out - stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (rows[out - stride + x - channels] ?? 0) : 0;
      const v = line[x] ?? 0;
      const predictor =
        filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      if (filter === undefined || filter > 4) throw new Error('unknown PNG filter');
      rows[out + x] = (v + predictor) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const o = i * 4;
    if (colourType === 6) rgba.set(rows.subarray(s, s + 4), o);
    else if (colourType === 2) rgba.set([rows[s] ?? 0, rows[s + 1] ?? 0, rows[s + 2] ?? 0, 255], o);
    else if (colourType === 0) rgba.set([rows[s] ?? 0, rows[s] ?? 0, rows[s] ?? 0, 255], o);
    else if (colourType === 4) rgba.set([rows[s] ?? 0, rows[s] ?? 0, rows[s] ?? 0, rows[s + 1] ?? 255], o);
    else {
      const p = rows[s] ?? 0;
      rgba.set([palette[p * 3] ?? 0, palette[p * 3 + 1] ?? 0, palette[p * 3 + 2] ?? 0, alphas[p] ?? 255], o);
    }
  }
  return { width, height, rgba };
}
