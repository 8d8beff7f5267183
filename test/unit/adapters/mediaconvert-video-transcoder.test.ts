import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaConvertJobRequest } from '../../../src/adapters/aws/mediaconvert-job-request.js';
import { MediaConvertVideoTranscoder } from '../../../src/adapters/aws/mediaconvert-video-transcoder.js';
import type { VideoTranscodeJob } from '../../../src/application/ports/video-transcoder.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';

/**
 * There is no MediaConvert emulator, so this test checks the CreateJob request as
 * the real SDK serializes and signs it: the client's endpoint is an HTTP server on
 * 127.0.0.1 that records each request and answers as MediaConvert's REST API does
 * (201 with `{ job }`, or its error body). The request body is compared with the
 * job settings as MediaConvert's API reference documents them (JSON, camelCase);
 * the comment on each group of settings says which part of the documentation
 * asks for it. Everything but the network is the production code path.
 */

interface Captured {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

let server: Server;
let endpoint: string;
const captured: Captured[] = [];
let answer: { status: number; body: unknown; headers?: Record<string, string> } = {
  status: 201,
  body: { job: { id: '1700000000000-abc123', status: 'SUBMITTED' } },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  new MediaConvertClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });

const ROLE = 'arn:aws:iam::123456789012:role/Pixport-VideoMediaConvertRole';
const owner = 'c0ffee00-sub' as OwnerId;
const photo = '0190f3a1-7c2d-7e5f-8a9b-0c1d2e3f4a5b' as PhotoId;

/** A 3 s phone video planned as the use case plans it: 1080x1920 upright, poster at 10 %. */
const job = (over: Partial<VideoTranscodeJob> = {}): VideoTranscodeJob => ({
  ownerId: owner,
  photoId: photo,
  originalKey: `originals/${owner}/${photo}`,
  outputs: {
    video: `renditions/${owner}/${photo}/video.mp4`,
    poster: `renditions/${owner}/${photo}/poster.jpg`,
    frames: [1, 2, 3].map((n) => `renditions/${owner}/${photo}/frame-${n}.jpg`),
  },
  plan: { width: 1080, height: 1920, posterAtMs: 3000, frameTimesMs: [7500, 15_000, 22_500] },
  durationMs: 30_000,
  ...over,
});

/** The job's settings as they crossed the wire, loosely typed for reading. */
interface WireSettings {
  readonly inputs: Record<string, unknown>[];
  readonly outputGroups: {
    readonly outputs: {
      readonly videoDescription: { readonly codecSettings: Record<string, Record<string, unknown>> };
    }[];
  }[];
}
const settingsOf = (body: Record<string, unknown>) => body.settings as WireSettings;
const codecOf = (body: Record<string, unknown>, group: number) =>
  settingsOf(body).outputGroups[group]?.outputs[0]?.videoDescription.codecSettings;

const submitted = async (j: VideoTranscodeJob & { hasAudio?: boolean }) => {
  captured.length = 0;
  await new MediaConvertVideoTranscoder(client(), { bucket: 'pixport-photos', roleArn: ROLE }).submit(j);
  expect(captured).toHaveLength(1);
  return captured[0] as Captured;
};

/**
 * The job as MediaConvert's API reference (CreateJob, "jobs" resource) spells it on
 * the wire. Documented where it is asked for:
 * - role, userMetadata, statusUpdateInterval: CreateJob's request body; user metadata
 *   comes back in every `MediaConvert Job State Change` event (`detail.userMetadata`).
 * - inputs[].videoSelector.rotate AUTO: "If your input video container is .mov or .mp4
 *   and your input has rotation metadata, you can choose Automatic to have the service
 *   rotate your video according to the rotation specified in the metadata."
 * - fileGroupSettings.destination: "the S3 output location and the output filename
 *   base"; the extension (`mp4`, and `jpg` for frame capture) is appended.
 * - mp4Settings.moovPlacement PROGRESSIVE_DOWNLOAD: "To place the MOOV atom at the
 *   beginning of your output, which is useful for progressive downloading".
 * - h264Settings QVBR with maxBitrate: "Maximum bitrate ... Required when Rate control
 *   mode is QVBR"; SINGLE_PASS keeps the output in the Basic tier ("Multi pass HQ ...
 *   incur pro-tier pricing").
 * - frameCaptureSettings: "Frame capture will encode the first frame of the output
 *   stream, then one frame every framerateDenominator/framerateNumerator seconds";
 *   "maxCaptures: Maximum number of captures (encoded jpg output files)".
 */
const documentedJob = {
  role: ROLE,
  userMetadata: { ownerId: owner, photoId: photo },
  statusUpdateInterval: 'SECONDS_60',
  settings: {
    timecodeConfig: { source: 'ZEROBASED' },
    inputs: [
      {
        fileInput: `s3://pixport-photos/originals/${owner}/${photo}`,
        timecodeSource: 'ZEROBASED',
        videoSelector: { rotate: 'AUTO' },
        audioSelectors: { 'Audio Selector 1': { defaultSelection: 'DEFAULT' } },
      },
    ],
    outputGroups: [
      {
        name: 'MP4',
        outputGroupSettings: {
          type: 'FILE_GROUP_SETTINGS',
          fileGroupSettings: { destination: `s3://pixport-photos/renditions/${owner}/${photo}/video` },
        },
        outputs: [
          {
            extension: 'mp4',
            containerSettings: {
              container: 'MP4',
              mp4Settings: { moovPlacement: 'PROGRESSIVE_DOWNLOAD', freeSpaceBox: 'EXCLUDE' },
            },
            videoDescription: {
              width: 1080,
              height: 1920,
              scalingBehavior: 'STRETCH_TO_OUTPUT',
              timecodeInsertion: 'DISABLED',
              codecSettings: {
                codec: 'H_264',
                h264Settings: {
                  rateControlMode: 'QVBR',
                  qvbrSettings: { qvbrQualityLevel: 7 },
                  maxBitrate: 6_200_000,
                  codecProfile: 'HIGH',
                  codecLevel: 'AUTO',
                  qualityTuningLevel: 'SINGLE_PASS',
                  sceneChangeDetect: 'TRANSITION_DETECTION',
                  interlaceMode: 'PROGRESSIVE',
                  framerateControl: 'INITIALIZE_FROM_SOURCE',
                  parControl: 'SPECIFIED',
                  parNumerator: 1,
                  parDenominator: 1,
                },
              },
            },
            audioDescriptions: [
              {
                audioSourceName: 'Audio Selector 1',
                codecSettings: {
                  codec: 'AAC',
                  aacSettings: {
                    bitrate: 128_000,
                    codingMode: 'CODING_MODE_2_0',
                    sampleRate: 48_000,
                    codecProfile: 'LC',
                    rateControlMode: 'CBR',
                  },
                },
              },
            ],
          },
        ],
      },
      {
        name: 'Poster',
        outputGroupSettings: {
          type: 'FILE_GROUP_SETTINGS',
          fileGroupSettings: { destination: `s3://pixport-photos/renditions/${owner}/${photo}/poster` },
        },
        outputs: [
          {
            extension: 'jpg',
            containerSettings: { container: 'RAW' },
            videoDescription: {
              width: 1080,
              height: 1920,
              scalingBehavior: 'STRETCH_TO_OUTPUT',
              codecSettings: {
                codec: 'FRAME_CAPTURE',
                // The first frame, then one every 3000/1000 s: the second capture is at 3 s.
                frameCaptureSettings: {
                  framerateNumerator: 1,
                  framerateDenominator: 3,
                  maxCaptures: 2,
                  quality: 90,
                },
              },
            },
          },
        ],
      },
      {
        name: 'Frames',
        outputGroupSettings: {
          type: 'FILE_GROUP_SETTINGS',
          fileGroupSettings: { destination: `s3://pixport-photos/renditions/${owner}/${photo}/frame` },
        },
        outputs: [
          {
            extension: 'jpg',
            containerSettings: { container: 'RAW' },
            videoDescription: {
              width: 1080,
              height: 1920,
              scalingBehavior: 'STRETCH_TO_OUTPUT',
              codecSettings: {
                codec: 'FRAME_CAPTURE',
                // The first frame, then one every 15/2 s: captures 1-3 are at 7.5, 15 and 22.5 s.
                frameCaptureSettings: {
                  framerateNumerator: 2,
                  framerateDenominator: 15,
                  maxCaptures: 4,
                  quality: 90,
                },
              },
            },
          },
        ],
      },
    ],
  },
};

describe('MediaConvertVideoTranscoder (CreateJob as the SDK serializes it; no MediaConvert emulator exists)', () => {
  it('sends the documented job: one input rotated upright, an MP4 with its moov first, a one-frame poster and three sampled frames', async () => {
    const request = await submitted(job());
    const { clientRequestToken, ...body } = request.body;
    expect(body).toEqual(documentedJob);
    // CreateJob's idempotency token, which the SDK fills in.
    expect(clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('posts to the regional REST path, signed for mediaconvert in its region', async () => {
    const request = await submitted(job());
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/2017-08-29/jobs');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/mediaconvert\/aws4_request, /,
    );
    // The default endpoint the SDK resolves (no account endpoint, no DescribeEndpoints).
    const resolved = await new MediaConvertClient({ region: 'eu-west-1' }).config.endpointProvider({
      Region: 'eu-west-1',
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(resolved.url.href).toBe('https://mediaconvert.eu-west-1.amazonaws.com/');
  });

  it('asks for no sound track when the original has none', async () => {
    const { body } = await submitted({ ...job(), hasAudio: false });
    const settings = settingsOf(body);
    expect(settings.inputs[0]).not.toHaveProperty('audioSelectors');
    expect(settings.outputGroups[0]?.outputs[0]).not.toHaveProperty('audioDescriptions');
  });

  it.each([
    // posterAtMs, numerator, denominator, captures
    [3000, 1, 3, 2],
    [300, 10, 3, 2],
    [1234, 500, 617, 2],
    [0, 1, 1, 1],
  ])('takes the poster at %i ms: %i/%i fps, %i captures', async (posterAtMs, numerator, denominator, n) => {
    const { body } = await submitted(job({ plan: { width: 320, height: 240, posterAtMs } }));
    expect(codecOf(body, 1)?.frameCaptureSettings).toEqual({
      framerateNumerator: numerator,
      framerateDenominator: denominator,
      maxCaptures: n,
      quality: 90,
    });
    // The second capture falls at exactly the poster time.
    if (n === 2) expect((denominator / numerator) * 1000).toBeCloseTo(posterAtMs, 9);
  });

  it('keeps H.264 within 1-8 Mbit/s at about 3 bits a pixel', async () => {
    const rate = async (width: number, height: number) => {
      const { body } = await submitted(job({ plan: { width, height, posterAtMs: 100 } }));
      return codecOf(body, 0)?.h264Settings?.maxBitrate;
    };
    expect(await rate(320, 240)).toBe(1_000_000);
    expect(await rate(1280, 720)).toBe(2_800_000);
    expect(await rate(1920, 1080)).toBe(6_200_000);
  });

  it('throws when MediaConvert refuses the job, so the queue retries', async () => {
    answer = {
      status: 400,
      body: { message: 'Invalid role: the role cannot be assumed by MediaConvert' },
      headers: { 'x-amzn-errortype': 'BadRequestException' },
    };
    try {
      await expect(submitted(job())).rejects.toMatchObject({
        name: 'BadRequestException',
        message: 'Invalid role: the role cannot be assumed by MediaConvert',
      });
    } finally {
      answer = { status: 201, body: { job: { id: '1', status: 'SUBMITTED' } } };
    }
  });
});

describe('MediaConvertJobRequest.outputKeys', () => {
  it('maps the MP4 to the job output key exactly, and names the captures the poster and the frames come from', () => {
    expect(MediaConvertJobRequest.outputKeys(job())).toEqual({
      video: `renditions/${owner}/${photo}/video.mp4`,
      captures: [
        `renditions/${owner}/${photo}/poster.0000000.jpg`,
        `renditions/${owner}/${photo}/poster.0000001.jpg`,
      ],
      frameCaptures: [0, 1, 2, 3].map((n) => `renditions/${owner}/${photo}/frame.000000${n}.jpg`),
    });
    const still = job({
      outputs: { ...job().outputs, frames: [] },
      plan: { width: 2, height: 2, posterAtMs: 0, frameTimesMs: [] },
    });
    expect(MediaConvertJobRequest.outputKeys(still)).toEqual({
      video: `renditions/${owner}/${photo}/video.mp4`,
      captures: [`renditions/${owner}/${photo}/poster.0000000.jpg`],
      frameCaptures: [],
    });
  });

  it('asks for no frames group when the plan samples none, and refuses frames not evenly spaced', async () => {
    const still = job({
      outputs: { ...job().outputs, frames: [] },
      plan: { ...job().plan, frameTimesMs: [] },
    });
    const { settings } = (await submitted(still)).body as { settings: { outputGroups: { name: string }[] } };
    expect(settings.outputGroups.map((g) => g.name)).toEqual(['MP4', 'Poster']);
    const uneven = job({ plan: { ...job().plan, frameTimesMs: [7500, 15_000, 20_000] } });
    expect(() => MediaConvertJobRequest.build(uneven, { bucket: 'b', roleArn: ROLE })).toThrow(
      /evenly spaced/,
    );
  });

  it('refuses output keys whose extension does not match what MediaConvert appends', () => {
    const wrong = job({
      outputs: { video: 'renditions/o/p/video.mov', poster: 'renditions/o/p/poster.jpg', frames: [] },
    });
    expect(() => MediaConvertJobRequest.build(wrong, { bucket: 'b', roleArn: ROLE })).toThrow(/\.mp4/);
  });
});
