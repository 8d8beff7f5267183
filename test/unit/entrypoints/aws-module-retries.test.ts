import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAwsConfig } from '../../../src/entrypoints/composition/aws-config.js';
import { awsAdapters } from '../../../src/entrypoints/composition/aws-module.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';

/**
 * The SDK clients of the composition root retry a transient error 5 times (6
 * attempts), where the SDK's default gives up after 3 (S3, SQS) or 4
 * (DynamoDB): each service here is a server on 127.0.0.1 that answers 503 to
 * the first calls it gets, then what the service would answer.
 */

interface Flaky {
  readonly url: string;
  /** Calls seen. */
  calls: number;
  /** How many of the first calls are answered 503. */
  failFirst: number;
  readonly server: Server;
}

async function flaky(answer: (res: ServerResponse) => void): Promise<Flaky> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
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
  const state: Flaky = { url: `http://127.0.0.1:${port}`, calls: 0, failFirst: 0, server };
  return state;
}

const json = (body: unknown) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
};

let s3: Flaky;
let sqs: Flaky;
let dynamodb: Flaky;
let container: Container;

beforeAll(async () => {
  s3 = await flaky((res) => {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>',
    );
  });
  sqs = await flaky(json({ QueueUrls: [] }));
  dynamodb = await flaky(json({ TableNames: [] }));
  // As the Lambdas are configured: the SDK reads endpoints and credentials from the environment.
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.url);
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.url);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  container = new Container();
  container.load(
    awsAdapters(
      parseAwsConfig({
        PHOTOS_BUCKET: 'pixport-photos',
        PHOTOS_TABLE: 'pixport-photos',
        THUMBNAIL_QUEUE_URL: `${sqs.url}/000000000000/pixport-thumbnails`,
        AWS_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
      }),
    ),
  );
});

afterAll(async () => {
  vi.unstubAllEnvs();
  container.get(T.S3Client).destroy();
  container.get(T.SQSClient).destroy();
  container.get(T.DynamoDBClient).destroy();
  for (const { server } of [s3, sqs, dynamodb]) {
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
});
