import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmVipsImageProcessor } from '../../../src/adapters/image/wasm-vips-image-processor.js';
import { InMemoryThumbnailQueue } from '../../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { MediabunnyMediaProbe } from '../../../src/adapters/video/mediabunny-media-probe.js';
import { signPhoto } from '../../../src/application/photo-urls.js';
import {
  VideoTranscodeCompletion,
  type VideoTranscodeJob,
} from '../../../src/application/ports/video-transcoder.js';
import { ProcessVideo, transcodeJob } from '../../../src/application/use-cases/process-video.js';
import { RecordTranscode } from '../../../src/application/use-cases/record-transcode.js';
import type { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { defaultVideoRenditionSettings } from '../../../src/domain/video-rendition.js';
import { FailingBlobStore } from '../../support/failing-blob-store.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { photoJpeg } from '../../support/images.js';
import { RecordingVideoTranscoder } from '../../support/recording-video-transcoder.js';
import { expectOk } from '../../support/results.js';
import { useCaseWorld } from '../../support/use-case-world.js';
import { testVideo } from '../../support/videos.js';

/**
 * RecordTranscode on the in-memory adapters and the real wasm-vips pipeline:
 * each test brings a video as far as ProcessVideo takes it (probed, its
 * transcode submitted to a recording transcoder), stores what a transcoder
 * would (an MP4 and a 320x240 JPEG poster), then plays the completion.
 */

let processor: WasmVipsImageProcessor;
let poster: Uint8Array;
let mp4: Uint8Array;

beforeAll(async () => {
  processor = new WasmVipsImageProcessor();
  [poster, mp4] = await Promise.all([photoJpeg({ width: 320, height: 240 }), testVideo('mp4')]);
}, 60_000);

afterAll(async () => {
  await processor?.close();
});

function transcodeWorld(maxAttempts = 3) {
  const world = useCaseWorld();
  const flaky = new FailingBlobStore(world.blobs);
  const transcoder = new RecordingVideoTranscoder();
  const analysis = new InMemoryThumbnailQueue();
  const processVideo = new ProcessVideo(
    world.photos,
    world.blobs,
    new MediabunnyMediaProbe(),
    transcoder,
    world.clock,
    world.limits,
    defaultVideoRenditionSettings,
  );
  const recordTranscode = new RecordTranscode(
    world.photos,
    flaky,
    processor,
    transcoder,
    world.clock,
    world.limits,
    { renditions: world.settings, maxAttempts },
    analysis,
  );
  /** A video whose original has landed and been accepted: `processing`, nothing submitted yet. */
  const accepted = async (): Promise<Photo> => {
    const ownerId = uniqueOwner('video');
    const { photo } = expectOk(
      await world.registerUpload.execute({
        ownerId,
        filename: 'clip.mp4',
        contentType: 'video/mp4',
        size: mp4.byteLength,
      }),
    );
    await world.blobs.put(StorageKeys.original(ownerId, photo.id), mp4, { contentType: 'video/mp4' });
    return expectOk(await world.acceptUpload.execute({ ownerId, photoId: photo.id, enqueue: false }));
  };
  /** A video whose transcode has been submitted: its job, and the record as it stands. */
  const submitted = async (): Promise<{ video: Photo; job: VideoTranscodeJob }> => {
    const { ownerId, id } = await accepted();
    expect((await processVideo.execute({ ownerId, photoId: id })).kind).toBe('submitted');
    const video = (await world.photos.get(ownerId, id)) as Photo;
    return { video, job: transcoder.jobs.at(-1) as VideoTranscodeJob };
  };
  /** Stores what a transcoder makes for the job, and the `done` completion that says so. */
  const transcoded = async (job: VideoTranscodeJob): Promise<VideoTranscodeCompletion> => {
    await world.blobs.put(job.outputs.video, mp4, { contentType: 'video/mp4' });
    await world.blobs.put(job.outputs.poster, poster, { contentType: 'image/jpeg' });
    for (const key of job.outputs.frames) await world.blobs.put(key, poster, { contentType: 'image/jpeg' });
    return VideoTranscodeCompletion.done(job, {
      width: 320,
      height: 240,
      durationMs: 3008,
      videoBytes: mp4.byteLength,
      posterBytes: poster.byteLength,
      frameBytes: job.outputs.frames.map(() => poster.byteLength),
    });
  };
  const failed = (job: VideoTranscodeJob, permanent: boolean): VideoTranscodeCompletion => ({
    ownerId: job.ownerId,
    photoId: job.photoId,
    status: 'failed',
    reason: permanent
      ? 'ffmpeg could not transcode the video (exit 1): bad data'
      : 'ffmpeg was ended by SIGKILL',
    permanent,
  });
  return { ...world, flaky, transcoder, analysis, recordTranscode, accepted, submitted, transcoded, failed };
}

describe('RecordTranscode', () => {
  it("makes the poster's renditions and ThumbHash, records the MP4, and marks the video ready", async () => {
    const w = transcodeWorld();
    const { video, job } = await w.submitted();
    const outcome = await w.recordTranscode.execute(await w.transcoded(job));

    expect(outcome.kind).toBe('ready');
    const ready = (await w.photos.get(video.ownerId, video.id)) as Photo;
    expect(ready).toMatchObject({
      kind: 'video',
      status: 'ready',
      width: 320,
      height: 240,
      durationMs: 3008,
    });
    expect(ready.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(ready.renditions.map((r) => [r.preset, r.width, r.height, r.format])).toEqual([
      ['thumb', 240, 240, 'webp'],
      ['preview', 320, 240, 'webp'],
      ['large', 320, 240, 'webp'],
    ]);
    for (const r of ready.renditions) expect((await w.blobs.head(r.key))?.contentType).toBe('image/webp');
    expect(ready.video).toMatchObject({
      attempts: 1,
      mp4: { key: job.outputs.video, width: 320, height: 240, durationMs: 3008, bytes: mp4.byteLength },
      poster: { key: job.outputs.poster, width: 320, height: 240, bytes: poster.byteLength },
      // A quarter, half and three quarters of the way through the 3 s clip, for analysis.
      frames: [1, 2, 3].map((n) => ({
        key: StorageKeys.videoFrame(video.ownerId, video.id, n),
        atMs: n * 750,
        bytes: poster.byteLength,
      })),
    });
    expect(ready.video?.plan.frameTimesMs).toEqual([750, 1500, 2250]);
    // Its URLs: the MP4 beside the poster's renditions.
    const { urls } = await signPhoto(ready, w.signer);
    expect(urls.video?.mp4).toMatch(new RegExp(`^/files/renditions/.*/${video.id}/video\\.mp4\\?`));
    expect(Object.keys(urls.renditions)).toEqual(['thumb', 'preview', 'large']);
    // The poster's analysis is asked for, now that there is a poster.
    expect(w.analysis.waiting).toEqual([{ ownerId: video.ownerId, photoId: video.id }]);
  });

  it('changes nothing when the completion is delivered again', async () => {
    const w = transcodeWorld();
    const { video, job } = await w.submitted();
    const completion = await w.transcoded(job);
    await w.recordTranscode.execute(completion);
    const ready = await w.photos.get(video.ownerId, video.id);
    const keys = w.blobs.keys();

    expect(await w.recordTranscode.execute(completion)).toEqual({ kind: 'skipped', reason: 'already-done' });
    expect(await w.recordTranscode.execute(w.failed(job, true))).toEqual({
      kind: 'skipped',
      reason: 'already-done',
    });
    expect(await w.photos.get(video.ownerId, video.id)).toEqual(ready);
    expect(w.blobs.keys()).toEqual(keys);
    expect(w.transcoder.jobs).toHaveLength(1);
  });

  it("fails the video for good with the transcoder's reason", async () => {
    const w = transcodeWorld();
    const { video, job } = await w.submitted();
    expect((await w.recordTranscode.execute(w.failed(job, true))).kind).toBe('failed');
    expect((await w.photos.get(video.ownerId, video.id))?.failure).toEqual({
      code: 'transcode-failed',
      message: 'ffmpeg could not transcode the video (exit 1): bad data',
    });
    expect(w.analysis.waiting).toEqual([]);
  });

  it('submits the same transcode again after a failure that may pass, and gives up after the last try', async () => {
    const w = transcodeWorld(2);
    const { video, job } = await w.submitted();
    expect((await w.recordTranscode.execute(w.failed(job, false))).kind).toBe('resubmitted');
    expect(w.transcoder.jobs).toEqual([job, job]);
    expect((await w.photos.get(video.ownerId, video.id))?.video?.attempts).toBe(2);

    expect((await w.recordTranscode.execute(w.failed(job, false))).kind).toBe('failed');
    expect((await w.photos.get(video.ownerId, video.id))?.failure?.message).toBe(
      'ffmpeg was ended by SIGKILL (gave up after 2 tries)',
    );
    expect(w.transcoder.jobs).toHaveLength(2);
  });

  it('removes what the transcode stored for a video deleted meanwhile', async () => {
    const w = transcodeWorld();
    const { video, job } = await w.submitted();
    const completion = await w.transcoded(job);
    expectOk(await w.deletePhoto.execute({ ownerId: video.ownerId, photoId: video.id }));
    await w.blobs.put(job.outputs.video, mp4, { contentType: 'video/mp4' });
    await w.blobs.put(job.outputs.poster, poster, { contentType: 'image/jpeg' });
    for (const key of job.outputs.frames) await w.blobs.put(key, poster, { contentType: 'image/jpeg' });
    expect(job.outputs.frames).toHaveLength(3);

    expect(await w.recordTranscode.execute(completion)).toEqual({ kind: 'skipped', reason: 'deleted' });
    expect(w.blobs.keys(`renditions/${video.ownerId}/`)).toEqual([]);
    expect(w.blobs.keys(`originals/${video.ownerId}/`)).toEqual([]);
  });

  it('throws, recording nothing, on a completion that overtook the record of its submission', async () => {
    const w = transcodeWorld();
    const video = await w.accepted();
    const job = transcodeJob(video, { width: 320, height: 240, posterAtMs: 300 }, 3000);
    await expect(w.recordTranscode.execute(await w.transcoded(job))).rejects.toThrow(/not recorded yet/);
    expect(await w.photos.get(video.ownerId, video.id)).toEqual(video);
  });

  it('throws, recording nothing, when storage fails, and records the completion tried again', async () => {
    const w = transcodeWorld();
    const { video, job } = await w.submitted();
    const completion = await w.transcoded(job);
    w.flaky.failNextGets(1);
    await expect(w.recordTranscode.execute(completion)).rejects.toThrow(/injected failure/);
    expect((await w.photos.get(video.ownerId, video.id))?.status).toBe('processing');
    expect((await w.recordTranscode.execute(completion)).kind).toBe('ready');
  });
});
