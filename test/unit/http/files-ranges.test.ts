import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { parseByteRange } from '../../../src/entrypoints/http/byte-range.js';
import { createAppHarness } from '../../support/app-harness.js';
import { patternBytes, photoIdAt } from '../../support/fixtures.js';

/** The signed `/files` GET route with `Range`, as a video player seeks: 206, 416, or the whole file. */

const SIZE = 10_000;

async function storedVideo() {
  const h = createAppHarness();
  const key = StorageKeys.videoMp4('dev' as OwnerId, photoIdAt());
  const bytes = patternBytes(SIZE, 3);
  await h.blobs.put(key, bytes, { contentType: 'video/mp4' });
  const url = await h.signer.signGet(key);
  const get = (range?: string) =>
    h.app.request(url, range === undefined ? {} : { headers: { Range: range } });
  return { h, bytes, get };
}

describe('GET /files with a Range', () => {
  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=9000-', 9000, 9999],
    ['bytes=-500', 9500, 9999],
    ['bytes=9990-20000', 9990, 9999],
    ['bytes=0-0', 0, 0],
    ['bytes=-20000', 0, 9999],
  ])('answers %s with 206 and those bytes alone', async (range, start, end) => {
    const { bytes, get } = await storedVideo();
    const res = await get(range);
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.subarray(start, end + 1));
  });

  it('serves the whole file, saying it takes ranges, when none is asked', async () => {
    const { bytes, get } = await storedVideo();
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-range')).toBeNull();
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it.each(['bytes=10000-', 'bytes=20000-20010', 'bytes=-0'])(
    'answers %s, past the end, with 416 and the size in Content-Range',
    async (range) => {
      const { get } = await storedVideo();
      const res = await get(range);
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${SIZE}`);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 416, code: 'range-not-satisfiable' });
    },
  );

  it.each(['bytes=0-1,5-9', 'items=0-5', 'bytes=5-1', 'bytes=abc', 'bytes=-'])(
    'ignores %s, which it does not serve, and sends the whole file',
    async (range) => {
      const { bytes, get } = await storedVideo();
      const res = await get(range);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(bytes.byteLength);
    },
  );

  it('checks the signature before anything, a range or not', async () => {
    const { h } = await storedVideo();
    const key = StorageKeys.videoMp4('dev' as OwnerId, photoIdAt());
    const url = (await h.signer.signGet(key)).replace(/sig=[^&]+/, 'sig=AAAA');
    const res = await h.app.request(url, { headers: { Range: 'bytes=0-9' } });
    expect(res.status).toBe(403);
  });
});

describe('parseByteRange', () => {
  test.prop([fc.integer({ min: 1, max: 1e9 }), fc.nat(), fc.nat()])(
    'serves a range inside the file, or says why not',
    (size, a, b) => {
      const parsed = parseByteRange(`bytes=${a}-${b}`, size);
      if (b < a) expect(parsed).toEqual({ kind: 'whole' });
      else if (a >= size) expect(parsed).toEqual({ kind: 'unsatisfiable' });
      else expect(parsed).toEqual({ kind: 'range', start: a, end: Math.min(b, size - 1) });
    },
  );

  test.prop([fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 2e9 })])(
    'serves the last n bytes of a suffix range, never before the start',
    (size, n) => {
      const parsed = parseByteRange(`bytes=-${n}`, size);
      if (size === 0) expect(parsed).toEqual({ kind: 'unsatisfiable' });
      else expect(parsed).toEqual({ kind: 'range', start: Math.max(0, size - n), end: size - 1 });
    },
  );

  it('reads no header as the whole file, and an empty file has no range to give', () => {
    expect(parseByteRange(undefined, 10)).toEqual({ kind: 'whole' });
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});
