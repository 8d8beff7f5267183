import type { Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';

/**
 * The events AWS hands the Lambdas, shaped as test/integration/aws-path.test.ts
 * shapes them: API Gateway HTTP API (payload 2.0) behind the JWT authorizer,
 * S3 ObjectCreated notifications, and SQS batches as the event source mapping
 * builds them from received messages.
 */

let requests = 0;

/**
 * A Lambda context whose remaining time counts down from `timeoutMs`.
 *
 * @example
 * await handler(event, lambdaContext('pixport-thumbnails', 8_000));
 */
export function lambdaContext(name: string, timeoutMs: number, region = 'us-east-1'): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
    memoryLimitInMB: '1769',
    awsRequestId: `chaos-${++requests}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/12/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * An API Gateway v2 event for `owner` (the token's `sub`).
 *
 * @example
 * await http(apiEvent('POST', '/uploads', 'alice', { filename: 'a.jpg', contentType: 'image/jpeg', size: 1 }), ctx);
 */
export function apiEvent(
  method: string,
  path: string,
  owner: string,
  body?: unknown,
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      host: 'api.photos.example.com',
      'user-agent': 'bench-chaos',
      'x-forwarded-proto': 'https',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'chaos',
      authorizer: { jwt: { claims: { sub: owner, token_use: 'access' }, scopes: null } },
      domainName: 'api.photos.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bench-chaos' },
      requestId: `api-${++requests}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
  return event as APIGatewayProxyEventV2;
}

/** S3's notification encoding of a key: form-style, `/` kept, space as `+`. */
const notificationKey = (key: string): string =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');

/**
 * The body S3 puts in the queue for an ObjectCreated:Put of `key`.
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: objectCreated(bucket, key, 1234) }));
 */
export function objectCreated(bucket: string, key: string, size: number, region = 'us-east-1'): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AROAEXAMPLE:pixport-api' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'chaos' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'originals-created',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: notificationKey(key),
            size,
            eTag: 'd41d8cd98f00b204e9800998ecf8427e',
            sequencer: Date.now().toString(16).toUpperCase(),
          },
        },
      },
    ],
  });
}

/**
 * The SQS event the event source mapping makes of received messages.
 *
 * @example
 * const event = sqsEvent(received.Messages ?? [], queueArn);
 */
export function sqsEvent(messages: readonly Message[], queueArn: string, region = 'us-east-1'): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp:
          m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}
