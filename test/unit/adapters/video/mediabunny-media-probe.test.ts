import { describe, expect, it } from 'vitest';
import { MediabunnyMediaProbe } from '../../../../src/adapters/video/mediabunny-media-probe.js';
import { ByteRangeSource, type MediaProbeResult } from '../../../../src/application/ports/media-probe.js';
import { CorruptVideoError, UnsupportedVideoError } from '../../../../src/domain/errors.js';
import { defaultVideoLimits, videoLimitError } from '../../../../src/domain/video-limits.js';
import { TEST_VIDEO_MS, type TestVideo, testVideo } from '../../../support/videos.js';

// The first test makes the videos with ffmpeg (about a second, the 4K one most of it).
const MAKING = 30_000;

const probe = new MediabunnyMediaProbe();

const probed = async (name: TestVideo): Promise<MediaProbeResult> => {
  const result = await probe.probe(await testVideo(name));
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
};

const MiB = 1024 * 1024;

/** A source whose size and bytes are given by `read`, counting the bytes asked for. */
const counting = (inner: ByteRangeSource) => {
  let total = 0;
  const source: ByteRangeSource = {
    size: inner.size,
    read: (start, end) => {
      total += end - start;
      return inner.read(start, end);
    },
  };
  return { source, bytesRead: () => total };
};

/** `bytes` followed by a top-level `free` box of `size` bytes, read without ever being allocated. */
const withTrailingFreeBox = (bytes: Uint8Array, size: number): ByteRangeSource => {
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, size);
  header.set([0x66, 0x72, 0x65, 0x65], 4);
  const byteAt = (i: number): number =>
    i < bytes.length ? (bytes[i] as number) : i < bytes.length + 8 ? (header[i - bytes.length] as number) : 0;
  return {
    size: bytes.length + size,
    read: async (start, end) => Uint8Array.from({ length: end - start }, (_, k) => byteAt(start + k)),
  };
};

describe('MediabunnyMediaProbe', () => {
  it(
    'reads an H.264 MP4 with AAC sound',
    async () => {
      expect(await probed('mp4')).toEqual({
        container: 'mp4',
        durationMs: TEST_VIDEO_MS,
        width: 320,
        height: 240,
        rotation: 0,
        displayWidth: 320,
        displayHeight: 240,
        fps: 30,
        videoCodec: 'avc',
        hasAudio: true,
        audioCodec: 'aac',
      });
    },
    MAKING,
  );

  it('reads a phone-style MOV turned a quarter clockwise: stored 320x240, shown 240x320', async () => {
    expect(await probed('rotated-mov')).toMatchObject({
      container: 'mov',
      width: 320,
      height: 240,
      rotation: 90,
      displayWidth: 240,
      displayHeight: 320,
      videoCodec: 'avc',
      audioCodec: 'aac',
    });
  });

  it('reads a WebM with VP8 and Opus', async () => {
    const webm = await probed('webm');
    expect(webm).toMatchObject({ container: 'webm', width: 320, height: 240, rotation: 0 });
    expect(webm).toMatchObject({ videoCodec: 'vp8', hasAudio: true, audioCodec: 'opus' });
    expect(Math.abs(webm.durationMs - TEST_VIDEO_MS)).toBeLessThanOrEqual(50);
    expect(webm.fps).toBeCloseTo(30, 1);
  });

  it('reads a 4K video without sound, which the default limits then refuse by its size', async () => {
    const big = await probed('over-limit-mp4');
    expect(big).toMatchObject({ width: 4096, height: 2304, hasAudio: false, durationMs: 100 });
    expect(big.audioCodec).toBeUndefined();
    expect(videoLimitError(big, defaultVideoLimits)?.message).toBe(
      'the picture is 4096x2304, over the limit of 3840x2160 (either way up)',
    );
    expect(videoLimitError(await probed('mp4'), defaultVideoLimits)).toBeUndefined();
  });

  it('refuses an MP4 cut before its moov as corrupt', async () => {
    const result = await probe.probe(await testVideo('corrupt-mp4'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(CorruptVideoError);
    expect(result.error.message).toBe('the MP4 has no tracks: it is cut short or damaged');
  });

  it('refuses an AVI by its magic bytes, saying what to send instead', async () => {
    const result = await probe.probe(await testVideo('avi'));
    expect(result.ok ? undefined : result.error).toBeInstanceOf(UnsupportedVideoError);
    expect(result.ok ? undefined : result.error.message).toBe(
      'the file is AVI, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)',
    );
  });

  it.each([
    ['an empty file', new Uint8Array(0), UnsupportedVideoError, /an empty file/],
    [
      'a JPEG',
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
      UnsupportedVideoError,
      /unrecognised format/,
    ],
    [
      'an ftyp and nothing else',
      new Uint8Array([0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]),
      CorruptVideoError,
      /MP4/,
    ],
  ])('refuses %s', async (_name, bytes, type, message) => {
    const result = await probe.probe(bytes);
    expect(result.ok ? undefined : result.error).toBeInstanceOf(type);
    expect(result.ok ? '' : result.error.message).toMatch(message);
  });

  it('refuses an MP4 with sound only: no video track', async () => {
    const result = await probe.probe(await testVideo('sound-only-mp4'));
    expect(result.ok ? undefined : result.error).toBeInstanceOf(UnsupportedVideoError);
    expect(result.ok ? '' : result.error.message).toBe('the MP4 has no video track, only sound');
  });

  it('reads a large source by its ranges: the header and index, not the media', async () => {
    // The MP4 (moov at the end) followed by a 64 MiB `free` box, as a source that makes its zeros on demand.
    const { source, bytesRead } = counting(withTrailingFreeBox(await testVideo('mp4'), 64 * MiB));
    const result = await probe.probe(source);
    expect(result.ok && result.value).toEqual(await probed('mp4'));
    expect(bytesRead()).toBeLessThan(MiB);
  });

  it('throws what the source throws: storage failing is not a damaged file', async () => {
    const mp4 = await testVideo('mp4');
    let reads = 0;
    const failing: ByteRangeSource = {
      size: mp4.byteLength,
      // The sniff reads first; every read of the parser after it fails.
      read: async (start, end) => {
        if (++reads > 1) throw new Error('storage is down');
        return mp4.slice(start, end);
      },
    };
    await expect(probe.probe(failing)).rejects.toThrow('storage is down');
    await expect(probe.probe(ByteRangeSource.ofBytes(mp4))).resolves.toMatchObject({ ok: true });
  });
});
