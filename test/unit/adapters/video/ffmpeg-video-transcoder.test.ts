import { describe, expect, it } from 'vitest';
import { InMemoryBlobStore } from '../../../../src/adapters/memory/in-memory-blob-store.js';
import {
  FfmpegVideoTranscoder,
  type FfmpegVideoTranscoderConfig,
} from '../../../../src/adapters/video/ffmpeg-video-transcoder.js';
import { MediabunnyMediaProbe } from '../../../../src/adapters/video/mediabunny-media-probe.js';
import type { BlobStore } from '../../../../src/application/ports/blob-store.js';
import type {
  VideoTranscodeCompletion,
  VideoTranscodeJob,
} from '../../../../src/application/ports/video-transcoder.js';
import type { PhotoId } from '../../../../src/domain/photo-id.js';
import { videoTranscoderContract } from '../../../contract/video-transcoder.contract.js';
import { FailingBlobStore } from '../../../support/failing-blob-store.js';
import { photoIdAt, uniqueOwner } from '../../../support/fixtures.js';
import { testFfmpeg, testVideo } from '../../../support/videos.js';

/** Completions by photo, whether they arrive before or after a test asks for them. */
class CompletionBox {
  private readonly arrived = new Map<string, VideoTranscodeCompletion>();
  private readonly waiting = new Map<string, (c: VideoTranscodeCompletion) => void>();

  readonly sink = {
    deliver: async (completion: VideoTranscodeCompletion): Promise<void> => {
      const waiter = this.waiting.get(completion.photoId);
      if (waiter) waiter(completion);
      else this.arrived.set(completion.photoId, completion);
    },
  };

  completion(photoId: PhotoId): Promise<VideoTranscodeCompletion> {
    const done = this.arrived.get(photoId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.waiting.set(photoId, resolve));
  }
}

const transcoderOn = <S extends BlobStore>(store: S, config: Partial<FfmpegVideoTranscoderConfig> = {}) => {
  const box = new CompletionBox();
  const transcoder = new FfmpegVideoTranscoder(
    { store, sink: box.sink, probe: new MediabunnyMediaProbe() },
    { ffmpegPath: testFfmpeg(), ...config },
  );
  return { transcoder, store, box, completion: (id: PhotoId) => box.completion(id) };
};

videoTranscoderContract('FfmpegVideoTranscoder on InMemoryBlobStore', async () =>
  transcoderOn(new InMemoryBlobStore()),
);

/** A job for the test MP4 (3 s, 320x240), its original put in `store`. */
const mp4Job = async (store: BlobStore): Promise<VideoTranscodeJob> => {
  const ownerId = uniqueOwner('video');
  const photoId = photoIdAt();
  const originalKey = `originals/${ownerId}/${photoId}`;
  await store.put(originalKey, await testVideo('mp4'), { contentType: 'video/mp4' });
  return {
    ownerId,
    photoId,
    originalKey,
    outputs: {
      video: `renditions/${ownerId}/${photoId}/video.mp4`,
      poster: `renditions/${ownerId}/${photoId}/poster.jpg`,
      frames: [],
    },
    plan: { width: 320, height: 240, posterAtMs: 300 },
    durationMs: 3000,
  };
};

describe('FfmpegVideoTranscoder', { timeout: 60_000 }, () => {
  it('without ffmpeg, fails every video for good, saying so', async () => {
    const { transcoder, store, box } = transcoderOn(new InMemoryBlobStore(), { ffmpegPath: undefined });
    const job = await mp4Job(store);
    await transcoder.submit(job);
    expect(await box.completion(job.photoId)).toMatchObject({
      status: 'failed',
      permanent: true,
      reason:
        'no ffmpeg on this server: videos cannot be transcoded (run npm install, or put ffmpeg on the PATH)',
    });
  });

  it('reports storage failing as worth another try, and succeeds on it', async () => {
    const store = new FailingBlobStore(new InMemoryBlobStore());
    const job = await mp4Job(store);
    const attempt = async () => {
      const { transcoder, box } = transcoderOn(store);
      await transcoder.submit(job);
      return box.completion(job.photoId);
    };
    store.failNextGets(1);
    expect(await attempt()).toMatchObject({
      status: 'failed',
      permanent: false,
      reason: expect.stringMatching(/^the original could not be read: injected failure: get/),
    });
    store.failNextPuts(1);
    expect(await attempt()).toMatchObject({
      status: 'failed',
      permanent: false,
      reason: expect.stringMatching(/^the outputs could not be stored: injected failure: put/),
    });
    expect(await attempt()).toMatchObject({ status: 'done' });
  });

  it('stops ffmpeg past the timeout and fails for good', async () => {
    const { transcoder, store, box } = transcoderOn(new InMemoryBlobStore(), { timeoutMs: 1 });
    const job = await mp4Job(store);
    await transcoder.submit(job);
    const completion = await box.completion(job.photoId);
    expect(completion).toMatchObject({ status: 'failed', permanent: true });
    expect(completion.status === 'failed' && completion.reason).toMatch(/^ffmpeg took longer than 0\.001 s/);
  });

  it('hands a completion to a failing sink again, and tells of one it gave up on', async () => {
    const store = new InMemoryBlobStore();
    let refusals = 2;
    const delivered: VideoTranscodeCompletion[] = [];
    const givenUp: VideoTranscodeCompletion[] = [];
    const sink = {
      deliver: async (c: VideoTranscodeCompletion) => {
        if (refusals-- > 0) throw new Error('queue unavailable');
        delivered.push(c);
      },
    };
    const config = { ffmpegPath: undefined, deliveryAttempts: 3, deliveryRetryDelayMs: 1 };
    const transcoder = new FfmpegVideoTranscoder(
      { store, sink, probe: new MediabunnyMediaProbe() },
      { ...config, onDeliveryError: (_e, c) => givenUp.push(c) },
    );
    await transcoder.submit(await mp4Job(store));
    await transcoder.onIdle();
    expect(delivered).toHaveLength(1);
    expect(givenUp).toHaveLength(0);

    refusals = 3;
    await transcoder.submit(await mp4Job(store));
    await transcoder.onIdle();
    expect(delivered).toHaveLength(1);
    expect(givenUp).toHaveLength(1);
  });

  it('refuses at submit a plan H.264 cannot carry', async () => {
    const { transcoder, store } = transcoderOn(new InMemoryBlobStore());
    const job = await mp4Job(store);
    await expect(transcoder.submit({ ...job, plan: { ...job.plan, width: 321 } })).rejects.toThrow(
      'a transcode needs even sides of 2 px or more, not 321x240',
    );
  });

  it('runs jobs one after another by default, each to its completion', async () => {
    const { transcoder, store, box } = transcoderOn(new InMemoryBlobStore());
    const jobs = await Promise.all([mp4Job(store), mp4Job(store), mp4Job(store)]);
    for (const job of jobs) await transcoder.submit(job);
    await transcoder.onIdle();
    for (const job of jobs) expect(await box.completion(job.photoId)).toMatchObject({ status: 'done' });
    expect(store.keys('renditions/').length).toBe(6);
  });
});
