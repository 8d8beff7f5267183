import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAwsConfig } from '../../../src/entrypoints/composition/aws-config.js';
import { awsAdapters } from '../../../src/entrypoints/composition/aws-module.js';
import { rekognitionAnalyzer } from '../../../src/entrypoints/composition/rekognition-module.js';
import { LAMBDA_SDK_TIMEOUTS } from '../../../src/entrypoints/composition/sdk-client-options.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';

/**
 * The SDK clients of the composition root (S3, SQS, DynamoDB, and Rekognition's
 * in its own module) retry a transient error 5 times (6 attempts), where the
 * SDK's default gives up after 3 (S3, SQS) or 4 (DynamoDB): each service here is
 * a server on 127.0.0.1 that answers 503 to the first calls it gets, then what
 * the service would answer. An attempt that goes silent times out and is
 * retried the same way; the SDK's default waits for ever.
 */

interface Flaky {
  readonly url: string;
  /** Calls seen. */
  calls: number;
  /** How many of the first calls are answered 503. */
  failFirst: number;
  /** Whether to leave every call unanswered, its connection open. */
  silent: boolean;
  readonly server: Server;
}

async function flaky(answer: (res: ServerResponse) => void): Promise<Flaky> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (state.silent) {
        state.calls++;
        return;
      }
      if (state.calls++ < state.failFirst) {
        res.writeHead(503, { 'content-length': '0' });
        res.end();
        return;
      }
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: Flaky = { url: `http://127.0.0.1:${port}`, calls: 0, failFirst: 0, silent: false, server };
  return state;
}

const json = (body: unknown) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
};

let s3: Flaky;
let sqs: Flaky;
let dynamodb: Flaky;
let rekognition: Flaky;
let container: Container;
/** The same composition with timeouts short enough for a test. */
let impatient: Container;
const SHORT_TIMEOUTS = { connectionTimeout: 1_000, socketTimeout: 150 };

beforeAll(async () => {
  s3 = await flaky((res) => {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>',
    );
  });
  sqs = await flaky(json({ QueueUrls: [] }));
  dynamodb = await flaky(json({ TableNames: [] }));
  rekognition = await flaky(json({ Labels: [{ Name: 'Dog', Confidence: 97.5 }], ModerationLabels: [] }));
  // As the Lambdas are configured: the SDK reads endpoints and credentials from the environment.
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.url);
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.url);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.url);
  vi.stubEnv('AWS_ENDPOINT_URL_REKOGNITION', rekognition.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  const config = parseAwsConfig({
    PHOTOS_BUCKET: 'pixport-photos',
    PHOTOS_TABLE: 'pixport-photos',
    THUMBNAIL_QUEUE_URL: `${sqs.url}/000000000000/pixport-thumbnails`,
    AWS_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: 'true',
  });
  container = new Container();
  container.load(awsAdapters(config), rekognitionAnalyzer(config));
  impatient = new Container();
  impatient.load(
    awsAdapters(config, { timeouts: SHORT_TIMEOUTS }),
    rekognitionAnalyzer(config, { timeouts: SHORT_TIMEOUTS }),
  );
});

afterAll(async () => {
  vi.unstubAllEnvs();
  container.get(T.S3Client).destroy();
  container.get(T.SQSClient).destroy();
  container.get(T.DynamoDBClient).destroy();
  impatient.get(T.DynamoDBClient).destroy();
  for (const { server } of [s3, sqs, dynamodb, rekognition]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("the composition root's SDK clients", () => {
  it('get through 5 transient errors in a row: S3, SQS and DynamoDB', async () => {
    for (const service of [s3, sqs, dynamodb]) service.failFirst = 5;
    const [buckets, queues, tables] = await Promise.all([
      container.get(T.S3Client).send(new ListBucketsCommand({})),
      container.get(T.SQSClient).send(new ListQueuesCommand({})),
      container.get(T.DynamoDBClient).send(new ListTablesCommand({})),
    ]);
    expect(buckets.Buckets ?? []).toEqual([]);
    expect(queues.QueueUrls).toEqual([]);
    expect(tables.TableNames).toEqual([]);
    expect([s3.calls, sqs.calls, dynamodb.calls]).toEqual([6, 6, 6]);
  });

  it('give up after the 6th attempt', async () => {
    dynamodb.calls = 0;
    dynamodb.failFirst = 6;
    const call = container.get(T.DynamoDBClient).send(new ListTablesCommand({}));
    await expect(call).rejects.toMatchObject({ $metadata: { httpStatusCode: 503, attempts: 6 } });
    expect(dynamodb.calls).toBe(6);
  });

  it("get Rekognition's two calls through 5 transient errors (the analysis Lambda's module)", async () => {
    rekognition.calls = 0;
    // The two calls run side by side and share the 5 errors, so neither can meet more than 5:
    // both come through with 6 attempts, where the SDK's default 3 would fail one of them.
    rekognition.failFirst = 5;
    const analysis = await container.get(T.ImageAnalyzer).analyze({
      key: 'renditions/alice/p/analysis.jpg',
      bytes: new Uint8Array(0),
      contentType: 'image/jpeg',
    });
    expect(analysis.ok && analysis.value.labels.map((l) => l.name)).toEqual(['Dog']);
    expect(rekognition.calls).toBe(7);
  });

  it('give up an attempt that goes silent, retry it, and fail after the 6th as a timeout', async () => {
    expect(LAMBDA_SDK_TIMEOUTS).toEqual({ connectionTimeout: 3_000, socketTimeout: 10_000 });
    dynamodb.calls = 0;
    dynamodb.silent = true;
    try {
      const call = impatient.get(T.DynamoDBClient).send(new ListTablesCommand({}));
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 6 } });
      expect(dynamodb.calls).toBe(6);
    } finally {
      dynamodb.silent = false;
    }
  });

  it('time out and retry a silent attempt, then take the answer that comes', async () => {
    s3.calls = 0;
    s3.failFirst = 0;
    s3.silent = true;
    const call = impatient.get(T.S3Client).send(new ListBucketsCommand({}));
    // The first attempt hangs; let the second one be answered.
    while (s3.calls < 1) await new Promise((r) => setTimeout(r, 10));
    s3.silent = false;
    const buckets = await call;
    expect(buckets.Buckets ?? []).toEqual([]);
    expect(s3.calls).toBe(2);
  });
});
