/**
 * base64url without padding (RFC 4648, section 5), on `btoa`/`atob` so it runs
 * unchanged in Node, workerd and a browser. The gallery cursor and the HMAC
 * URL signatures are written in it.
 *
 * @example
 * Base64Url.encode(new Uint8Array([251, 255])) // '-_8'
 * Base64Url.decode('-_8') // Uint8Array [251, 255]
 * Base64Url.decode('not base64!') // undefined
 */
export const Base64Url = {
  encode(bytes: Uint8Array): string {
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  },

  /** The bytes, or `undefined` for text that is no base64url; the empty text is zero bytes. */
  decode(text: string): Uint8Array<ArrayBuffer> | undefined {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
    try {
      return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    } catch {
      return undefined;
    }
  },
};
