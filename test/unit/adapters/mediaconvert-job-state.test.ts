import { describe, expect, it } from 'vitest';
import { MediaConvertCompletions } from '../../../src/adapters/aws/mediaconvert-completions.js';
import {
  MediaConvertJobState,
  MediaConvertReportError,
} from '../../../src/adapters/aws/mediaconvert-job-state.js';
import { InMemoryBlobStore } from '../../../src/adapters/memory/in-memory-blob-store.js';
import type { VideoTranscodeJob } from '../../../src/application/ports/video-transcoder.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';

/**
 * The sample events of the MediaConvert User Guide ("Events with COMPLETE status",
 * "File group", "Events with ERROR status"), as published, but for the JSON slips of
 * the published text (a `000000` code, trailing commas, `blackSegments` written as an
 * object inside an array), which no real event carries; and with our user metadata,
 * which MediaConvert copies from the job into every event.
 */
const userMetadata = { ownerId: 'c0ffee00-sub', photoId: '0190f3a1-7c2d-7e5f-8a9b-0c1d2e3f4a5b' };

const completeEvent = {
  version: '0',
  id: '1234abcd-12ab-34cd-56ef-1234567890ab',
  'detail-type': 'MediaConvert Job State Change',
  source: 'aws.mediaconvert',
  account: '111122223333',
  time: '2022-12-19T19:07:12Z',
  region: 'us-west-2',
  resources: ['arn:aws:mediaconvert:us-west-2::jobs/1671476818694-phptj0'],
  detail: {
    timestamp: 1671476832124,
    accountId: '111122223333',
    queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default',
    jobId: '1671476818694-phptj0',
    status: 'COMPLETE',
    userMetadata,
    warnings: [{ code: 0, count: 1 }],
    outputGroupDetails: [
      {
        outputDetails: [
          {
            outputFilePaths: ['s3://amzn-s3-demo-bucket/file/file.mp4'],
            durationInMs: 30041,
            videoDetails: {
              widthInPx: 1920,
              heightInPx: 1080,
              qvbrAvgQuality: 7.38,
              qvbrMinQuality: 7,
              qvbrMaxQuality: 8,
              qvbrMinQualityLocation: 2168,
              qvbrMaxQualityLocation: 25025,
            },
          },
        ],
        type: 'FILE_GROUP',
      },
      {
        // "FILE_GROUP (with additional frame capture output)": the final captured image.
        outputDetails: [
          {
            outputFilePaths: ['s3://amzn-s3-demo-bucket/frameoutput/file.0000036.jpg'],
            durationInMs: 30041,
            videoDetails: { widthInPx: 1920, heightInPx: 1080 },
          },
        ],
        type: 'FILE_GROUP',
      },
    ],
    paddingInserted: 0,
    blackVideoDetected: 10,
    blackSegments: [{ start: 0, end: 10 }],
  },
};

const errorEvent = {
  version: '0',
  id: '1234abcd-12ab-34cd-56ef-1234567890ab',
  'detail-type': 'MediaConvert Job State Change',
  source: 'aws.mediaconvert',
  account: '111122223333',
  time: '2018-01-07T23:35:20Z',
  region: 'us-west-2',
  resources: ['arn:aws:mediaconvert:us-west-2:111122223333:jobs/1515368087458-qnoxtd'],
  detail: {
    timestamp: 1515368120764,
    accountId: '111122223333',
    queue: 'arn:aws:mediaconvert:us-west-2:111122223333:queues/Default',
    jobId: '1515368087458-qnoxtd',
    status: 'ERROR',
    errorCode: 1040,
    errorMessage: 'Example error message',
    userMetadata: {},
  },
};

describe('MediaConvertJobState.fromEvent (EventBridge `MediaConvert Job State Change`)', () => {
  it('reads a COMPLETE event: the job, its metadata, each output with its path, duration and size', () => {
    expect(MediaConvertJobState.fromEvent(completeEvent)).toEqual({
      status: 'complete',
      jobId: '1671476818694-phptj0',
      userMetadata,
      outputGroups: [
        [{ paths: ['s3://amzn-s3-demo-bucket/file/file.mp4'], durationMs: 30041, width: 1920, height: 1080 }],
        [
          {
            paths: ['s3://amzn-s3-demo-bucket/frameoutput/file.0000036.jpg'],
            durationMs: 30041,
            width: 1920,
            height: 1080,
          },
        ],
      ],
    });
  });

  it("reads an ERROR event: MediaConvert's code and message", () => {
    const outcome = MediaConvertJobState.fromEvent(errorEvent);
    expect(outcome).toEqual({
      status: 'error',
      jobId: '1515368087458-qnoxtd',
      userMetadata: {},
      errorCode: 1040,
      errorMessage: 'Example error message',
    });
    expect(outcome.status === 'error' && MediaConvertJobState.reason(outcome)).toBe(
      'MediaConvert could not transcode the video (error 1040): Example error message',
    );
  });

  it.each(['PROGRESSING', 'STATUS_UPDATE', 'INPUT_INFORMATION', 'SUBMITTED'])(
    'takes %s for a job still running',
    (status) => {
      const event = { ...errorEvent, detail: { ...errorEvent.detail, status } };
      expect(MediaConvertJobState.fromEvent(event)).toMatchObject({ status: 'running', state: status });
    },
  );

  it('refuses what is not a MediaConvert event', () => {
    expect(() => MediaConvertJobState.fromEvent({ ...completeEvent, source: 'aws.s3' })).toThrow(
      MediaConvertReportError,
    );
    expect(() => MediaConvertJobState.fromEvent('COMPLETE')).toThrow(MediaConvertReportError);
  });
});

describe('MediaConvertJobState.fromJob (GetJob, what `createJob.sync` returns)', () => {
  const job = {
    Id: '1671476818694-phptj0',
    Arn: 'arn:aws:mediaconvert:eu-west-1:111122223333:jobs/1671476818694-phptj0',
    Status: 'COMPLETE',
    Role: 'arn:aws:iam::111122223333:role/MediaConvert',
    UserMetadata: userMetadata,
    OutputGroupDetails: [
      { OutputDetails: [{ DurationInMs: 3000, VideoDetails: { WidthInPx: 320, HeightInPx: 240 } }] },
      { OutputDetails: [{ DurationInMs: 3000, VideoDetails: { WidthInPx: 320, HeightInPx: 240 } }] },
    ],
  };

  it('reads the job, bare or as `{ Job }`; GetJob names no output paths', () => {
    const expected = {
      status: 'complete',
      jobId: '1671476818694-phptj0',
      userMetadata,
      outputGroups: [
        [{ paths: [], durationMs: 3000, width: 320, height: 240 }],
        [{ paths: [], durationMs: 3000, width: 320, height: 240 }],
      ],
    };
    expect(MediaConvertJobState.fromJob(job)).toEqual(expected);
    expect(MediaConvertJobState.fromJob({ Job: job })).toEqual(expected);
  });

  it('reads a failed job and a canceled one as errors', () => {
    expect(
      MediaConvertJobState.fromJob({
        ...job,
        Status: 'ERROR',
        ErrorCode: 1010,
        ErrorMessage: 'Unsupported codec',
      }),
    ).toMatchObject({ status: 'error', errorCode: 1010, errorMessage: 'Unsupported codec' });
    expect(MediaConvertJobState.fromJob({ ...job, Status: 'CANCELED' })).toMatchObject({
      status: 'error',
      errorMessage: 'the job was canceled',
    });
  });
});

describe('MediaConvertJobState.fromTaskFailure (a Catch of the `.sync` task)', () => {
  it('finds the job in the Cause, in either form', () => {
    const asJob = JSON.stringify({
      Job: { Id: 'j', Status: 'ERROR', ErrorCode: 1030, ErrorMessage: 'Bad input' },
    });
    expect(MediaConvertJobState.fromTaskFailure({ Error: 'States.TaskFailed', Cause: asJob })).toMatchObject({
      status: 'error',
      errorCode: 1030,
      errorMessage: 'Bad input',
    });
    expect(
      MediaConvertJobState.fromTaskFailure({ Error: 'States.TaskFailed', Cause: JSON.stringify(errorEvent) }),
    ).toMatchObject({ errorCode: 1040, errorMessage: 'Example error message' });
  });

  it('names the error and keeps the Cause when it carries no job', () => {
    expect(
      MediaConvertJobState.fromTaskFailure({
        Error: 'MediaConvert.BadRequestException',
        Cause: '{"errorMessage":"Invalid role","errorCode":400}',
      }),
    ).toMatchObject({
      status: 'error',
      errorCode: 400,
      errorMessage: 'MediaConvert.BadRequestException: Invalid role',
    });
    expect(MediaConvertJobState.fromTaskFailure({ Error: 'States.Timeout', Cause: '' })).toMatchObject({
      errorMessage: 'States.Timeout',
    });
  });
});

describe('MediaConvertCompletions (outcome + storage -> the port completion)', () => {
  const owner = 'c0ffee00-sub' as OwnerId;
  const photo = '0190f3a1-7c2d-7e5f-8a9b-0c1d2e3f4a5b' as PhotoId;
  const base = `renditions/${owner}/${photo}`;
  const job: VideoTranscodeJob = {
    ownerId: owner,
    photoId: photo,
    originalKey: `originals/${owner}/${photo}`,
    outputs: {
      video: `${base}/video.mp4`,
      poster: `${base}/poster.jpg`,
      frames: [`${base}/frame-1.jpg`, `${base}/frame-2.jpg`],
    },
    plan: { width: 320, height: 240, posterAtMs: 300, frameTimesMs: [1000, 2000] },
    durationMs: 3000,
  };
  const complete = MediaConvertJobState.fromJob({
    Status: 'COMPLETE',
    UserMetadata: userMetadata,
    OutputGroupDetails: [
      { OutputDetails: [{ DurationInMs: 2990, VideoDetails: { WidthInPx: 320, HeightInPx: 240 } }] },
    ],
  });
  const stored = async () => {
    const blobs = new InMemoryBlobStore();
    await blobs.put(`${base}/video.mp4`, new Uint8Array(5000), { contentType: 'video/mp4' });
    await blobs.put(`${base}/poster.0000000.jpg`, new Uint8Array(100), { contentType: 'image/jpeg' });
    await blobs.put(`${base}/poster.0000001.jpg`, new Uint8Array(222), { contentType: 'image/jpeg' });
    // The sampled frames: the first frame, then one a second.
    for (const [n, size] of [100, 301, 302].entries()) {
      await blobs.put(`${base}/frame.000000${n}.jpg`, new Uint8Array(size), { contentType: 'image/jpeg' });
    }
    return blobs;
  };

  it('reports the MP4, the last capture moved to the poster key and the sampled frames moved to theirs, with their sizes', async () => {
    const blobs = await stored();
    const completion = await new MediaConvertCompletions(blobs, { bucket: 'pixport-photos' }).of(
      job,
      complete,
    );
    expect(completion).toEqual({
      ownerId: owner,
      photoId: photo,
      status: 'done',
      outputs: {
        video: {
          key: `${base}/video.mp4`,
          contentType: 'video/mp4',
          width: 320,
          height: 240,
          durationMs: 2990,
          bytes: 5000,
        },
        poster: { key: `${base}/poster.jpg`, contentType: 'image/jpeg', width: 320, height: 240, bytes: 222 },
        frames: [
          { key: `${base}/frame-1.jpg`, atMs: 1000, bytes: 301 },
          { key: `${base}/frame-2.jpg`, atMs: 2000, bytes: 302 },
        ],
      },
    });
    expect(await blobs.head(`${base}/poster.jpg`)).toMatchObject({ size: 222, contentType: 'image/jpeg' });
    expect(await blobs.head(`${base}/frame-2.jpg`)).toMatchObject({ size: 302, contentType: 'image/jpeg' });
    expect(blobs.keys(`${base}/frame.`)).toEqual([]);
    expect(await blobs.head(`${base}/poster.0000000.jpg`)).toBeUndefined();
    expect(await blobs.head(`${base}/poster.0000001.jpg`)).toBeUndefined();
    // Once more (a retried Record step): the poster is already where it belongs.
    expect(await new MediaConvertCompletions(blobs, { bucket: 'pixport-photos' }).of(job, complete)).toEqual(
      completion,
    );
  });

  it('follows the capture an event names, within the poster of this job only', async () => {
    const blobs = await stored();
    const event = {
      ...completeEvent,
      detail: {
        ...completeEvent.detail,
        outputGroupDetails: [
          completeEvent.detail.outputGroupDetails[0],
          { outputDetails: [{ outputFilePaths: [`s3://pixport-photos/${base}/poster.0000000.jpg`] }] },
        ],
      },
    };
    const completion = await new MediaConvertCompletions(blobs, { bucket: 'pixport-photos' }).of(
      job,
      MediaConvertJobState.fromEvent(event),
    );
    expect(completion.status === 'done' && completion.outputs.poster.bytes).toBe(100);
  });

  it("fails for good with MediaConvert's error, or when an output is missing", async () => {
    const blobs = new InMemoryBlobStore();
    const completions = new MediaConvertCompletions(blobs, { bucket: 'pixport-photos' });
    expect(await completions.of(job, MediaConvertJobState.fromEvent(errorEvent))).toEqual({
      ownerId: owner,
      photoId: photo,
      status: 'failed',
      reason: 'MediaConvert could not transcode the video (error 1040): Example error message',
      permanent: true,
    });
    expect(await completions.of(job, complete)).toMatchObject({ status: 'failed', permanent: true });
    await blobs.put(`${base}/video.mp4`, new Uint8Array(5), { contentType: 'video/mp4' });
    expect(await completions.of(job, complete)).toMatchObject({
      status: 'failed',
      reason: 'MediaConvert reported the job complete, but made no poster frame',
    });
  });
});
