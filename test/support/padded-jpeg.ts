/** Bytes of one COM segment's text at most: its length field (2 bytes, itself included) tops out at 65535. */
const COM_TEXT = 65_533;

/**
 * A JPEG of at least `minBytes`, still valid and showing the same picture: COM
 * (comment) segments inserted after its APPn segments, which decoders skip.
 * For uploads over the multipart threshold without encoding megapixels of
 * noise. Plain bytes, no Node: workerd tests use it too.
 *
 * @example paddedJpeg(await photoJpeg({ width: 64, height: 48 }), 7 * 1024 * 1024)
 */
export function paddedJpeg(jpeg: Uint8Array, minBytes: number): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  let at = 2;
  // Past the APPn segments (JFIF, Exif): readers look for those right after SOI.
  while (jpeg[at] === 0xff && (jpeg[at + 1] ?? 0) >= 0xe0 && (jpeg[at + 1] ?? 0) <= 0xef) {
    at += 2 + (((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0));
  }
  const missing = Math.max(0, minBytes - jpeg.byteLength);
  const segments = Math.ceil(missing / (COM_TEXT + 4));
  const out = new Uint8Array(jpeg.byteLength + segments * (COM_TEXT + 4));
  out.set(jpeg.subarray(0, at), 0);
  let to = at;
  for (let i = 0; i < segments; i++) {
    out.set([0xff, 0xfe, 0xff, 0xff], to);
    out.fill(0x20 + (i % 90), to + 4, to + 4 + COM_TEXT);
    to += COM_TEXT + 4;
  }
  out.set(jpeg.subarray(at), to);
  return out;
}
