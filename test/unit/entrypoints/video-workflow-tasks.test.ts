import { describe, expect, it } from 'vitest';
import { MediaConvertCompletions } from '../../../src/adapters/aws/mediaconvert-completions.js';
import { MediaConvertWorkflowTranscoder } from '../../../src/adapters/aws/mediaconvert-workflow-transcoder.js';
import { InMemoryBlobStore } from '../../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../../src/adapters/memory/in-memory-photo-repository.js';
import type { MediaProbe, MediaProbeResult } from '../../../src/application/ports/media-probe.js';
import type { VideoTranscodeCompletion } from '../../../src/application/ports/video-transcoder.js';
import { transcodeJob } from '../../../src/application/use-cases/process-video.js';
import { Photo } from '../../../src/domain/photo.js';
import { PhotoId } from '../../../src/domain/photo-id.js';
import { ok } from '../../../src/domain/result.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import {
  MalformedTaskInputError,
  VideoWorkflowTasks,
} from '../../../src/entrypoints/lambda/video-workflow-tasks.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';

/**
 * The video workflow's task code on its own: what the pipe's enrichment lets
 * through, and what the steps refuse to read. The whole workflow, on the use
 * cases, runs in test/deploy/video.test.ts.
 */

const BUCKET = 'pixport-photos';
const record = (body: string) => ({ messageId: crypto.randomUUID(), body });
const created = (key: string, bucket = BUCKET) =>
  record(
    JSON.stringify({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: bucket }, object: { key } },
        },
      ],
    }),
  );

const registered = async (photos: InMemoryPhotoRepository, contentType: 'video/mp4' | 'image/jpeg') => {
  const ownerId = uniqueOwner('tasks');
  const id = photoIdAt();
  const photo = Photo.register({
    id,
    ownerId,
    filename: 'clip',
    contentType,
    size: 1000,
    now: new Date(PhotoId.timestampOf(id)),
  });
  await photos.save(photo);
  return photo;
};

describe('VideoWorkflowTasks.start (the pipe enrichment)', () => {
  it('lets uploads of video items through, one execution input each, and drops everything else with a reason', async () => {
    const photos = new InMemoryPhotoRepository();
    const video = await registered(photos, 'video/mp4');
    const image = await registered(photos, 'image/jpeg');
    const dropped: string[] = [];
    const start = VideoWorkflowTasks.start({ bucket: BUCKET, photos });
    const inputs = await start(
      [
        created(StorageKeys.original(video.ownerId, video.id)),
        created(StorageKeys.original(image.ownerId, image.id)),
        created(StorageKeys.original(video.ownerId, photoIdAt())),
        created(StorageKeys.original(video.ownerId, video.id), 'another-bucket'),
        record(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' })),
        record('not json'),
      ],
      (reason) => dropped.push(reason.split(':')[0] ?? reason),
    );
    expect(inputs).toEqual([{ ownerId: video.ownerId, photoId: video.id }]);
    expect(dropped).toEqual(['not a video', 'no such item', 'bucket another-bucket', 's3', 'malformed']);
  });

  it('refuses a batch that is not a list of messages', async () => {
    const start = VideoWorkflowTasks.start({ bucket: BUCKET, photos: new InMemoryPhotoRepository() });
    await expect(start({ Records: [] })).rejects.toBeInstanceOf(MalformedTaskInputError);
  });
});

describe('VideoWorkflowTasks.probe and record', () => {
  it('refuses an execution input that names no Pixport item, before anything is read', async () => {
    const handOff = new MediaConvertWorkflowTranscoder({ bucket: BUCKET, roleArn: 'arn:aws:iam::1:role/r' });
    const probe = VideoWorkflowTasks.probe({
      processVideo: {
        execute: () => {
          throw new Error('not to be called');
        },
      },
      handOff,
    });
    await expect(probe({ ownerId: 'alice', photoId: '../../etc' })).rejects.toThrow(/^not a Pixport item/);
    await expect(probe('alice')).rejects.toBeInstanceOf(MalformedTaskInputError);
  });

  it('builds the keys it reads and writes from the ids, whatever else travels in the state', async () => {
    const blobs = new InMemoryBlobStore();
    const delivered: VideoTranscodeCompletion[] = [];
    const recordStep = VideoWorkflowTasks.record({
      completions: new MediaConvertCompletions(blobs, { bucket: BUCKET }),
      record: async (completion) => {
        delivered.push(completion);
        return { kind: 'skipped', reason: 'deleted' };
      },
    });
    const ownerId = uniqueOwner('tasks');
    const photoId = photoIdAt();
    const plan = { width: 320, height: 240, posterAtMs: 300 };
    const job = { ownerId, photoId, plan, durationMs: 3000, outputs: { video: 'originals/someone/else' } };
    const result = await recordStep({
      job,
      error: {
        Error: 'States.TaskFailed',
        Cause: '{"Job":{"Status":"ERROR","ErrorCode":1010,"ErrorMessage":"x"}}',
      },
    });
    expect(result).toEqual({ outcome: 'skipped', reason: 'deleted' });
    expect(delivered).toEqual([
      {
        ownerId,
        photoId,
        status: 'failed',
        reason: 'MediaConvert could not transcode the video (error 1010): x',
        permanent: true,
      },
    ]);
    expect(transcodeJob({ ownerId, id: photoId }, plan, 3000).outputs.video).toBe(
      StorageKeys.videoMp4(ownerId, photoId),
    );
  });
});

describe('MediaConvertWorkflowTranscoder', () => {
  const probed = (hasAudio: boolean): MediaProbeResult => ({
    container: 'mp4',
    durationMs: 3000,
    width: 320,
    height: 240,
    rotation: 0,
    displayWidth: 320,
    displayHeight: 240,
    videoCodec: 'avc',
    hasAudio,
  });
  const job = () => {
    const ownerId = uniqueOwner('tasks');
    return transcodeJob({ ownerId, id: photoIdAt() }, { width: 320, height: 240, posterAtMs: 300 }, 3000);
  };

  it('hands the job over with the CreateJob request, once, asking for sound only when the probe found some', async () => {
    const handOff = new MediaConvertWorkflowTranscoder({ bucket: BUCKET, roleArn: 'arn:aws:iam::1:role/r' });
    const silent: MediaProbe = { probe: async () => ok(probed(false)) };
    await handOff.watching(silent).probe(new Uint8Array(1));
    const first = job();
    await handOff.submit(first);
    const handed = handOff.take();
    expect(handed?.job).toEqual(first);
    expect(handed?.createJob.Settings?.OutputGroups?.[0]?.Outputs?.[0]?.AudioDescriptions).toBeUndefined();
    expect(handOff.take()).toBeUndefined();
    // What one job's probe found does not carry over to the next.
    await handOff.submit(job());
    expect(
      handOff.take()?.createJob.Settings?.OutputGroups?.[0]?.Outputs?.[0]?.AudioDescriptions,
    ).toHaveLength(1);
  });
});
