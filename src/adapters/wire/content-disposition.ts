/** RFC 5987 value: encodeURIComponent leaves these as they are, but they are no attr-char. */
const rfc5987 = (value: string): string =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The `Content-Disposition` of an original served under its display name
 * (RFC 6266): `inline`, so a browser shows it, with an ASCII `filename`
 * fallback (anything else, and `"` and `\`, become `_`) and the UTF-8 name in
 * `filename*` (RFC 5987). The S3 signer asks S3 to answer with it, and the
 * `/files` routes answer with it themselves, so both say the same.
 *
 * @example
 * contentDisposition('Été "1".jpg')
 * // `inline; filename="_t_ _1_.jpg"; filename*=UTF-8''%C3%89t%C3%A9%20%221%22.jpg`
 */
export const contentDisposition = (name: string): string =>
  `inline; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${rfc5987(name)}`;
