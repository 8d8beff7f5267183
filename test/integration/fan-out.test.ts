import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseWorkerMessage } from '../../src/entrypoints/lambda/worker-message.js';

/**
 * The upload fan-out as deploy/lib/fan-out.ts builds it, on fauxqs: one SNS topic, one
 * SQS queue (with its own DLQ) per consumer, subscribed with RawMessageDelivery. fauxqs
 * has no S3 event notifications, so the test publishes the S3-shaped event to the topic
 * itself, as S3 would.
 */

const aws = inject('aws');
const common = {
  region: aws.region,
  endpoint: aws.sqsEndpoint,
  credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
};
const sns = new SNSClient(common);
const sqs = new SQSClient({ ...common, useQueueUrlAsEndpoint: false });
const run = Date.now().toString(36);

const s3Event = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: aws.region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: aws.bucket, arn: `arn:aws:s3:::${aws.bucket}` },
          object: { key, size: 1234, eTag: '0123456789abcdef' },
        },
      },
    ],
  });

interface Consumer {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** A consumer's queue and DLQ (after 2 receives), subscribed to the topic with raw delivery. */
async function consumer(topicArn: string, name: string): Promise<Consumer> {
  const dlqName = `${name}-${run}-dlq`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
  const queueName = `${name}-${run}`;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${aws.region}:000000000000:${dlqName}`,
          maxReceiveCount: 2,
        }),
      },
    }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:${aws.region}:000000000000:${queueName}`,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { queueUrl: queue.QueueUrl as string, deadLetterQueueUrl: dlq.QueueUrl as string };
}

const receive = async (queueUrl: string, waitSeconds = 1): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    )
  ).Messages ?? [];

const depth = async (queueUrl: string): Promise<number> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};

let topicArn: string;
let thumbnails: Consumer;
let analysis: Consumer;

beforeAll(async () => {
  topicArn = (await sns.send(new CreateTopicCommand({ Name: `pixport-uploads-${run}` }))).TopicArn as string;
  thumbnails = await consumer(topicArn, 'fan-out-thumbnails');
  analysis = await consumer(topicArn, 'fan-out-analysis');
});

afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

describe('upload fan-out (SNS -> one SQS queue per consumer, raw delivery)', () => {
  it('delivers one S3-shaped event to both queues, body unchanged, which the worker parses', async () => {
    const key = 'originals/alice/0190a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
    const body = s3Event(key);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body }));

    for (const { queueUrl } of [thumbnails, analysis]) {
      const [message, ...more] = await receive(queueUrl);
      expect(more).toEqual([]);
      // Raw delivery: the S3 notification itself, not wrapped in an SNS envelope.
      expect(message?.Body).toBe(body);
      expect(parseWorkerMessage(message?.Body as string, aws.bucket)).toEqual({
        kind: 'original-created',
        key,
        job: { ownerId: 'alice', photoId: '0190a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b' },
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }));
    }
  });

  it('never delays one consumer while a poisoned message fails in the other until it is dead-lettered', async () => {
    const poison = s3Event('originals/bob/0190a3b4-5c6d-7e8f-9a0b-000000000001');
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: poison }));

    // Analysis fails the message: it is neither deleted nor finished, and comes back once
    // its visibility ends (at once here) until the second receive moves it to the DLQ.
    const [first] = await receive(analysis.queueUrl);
    expect(first?.Body).toBe(poison);
    // Meanwhile thumbnails takes the same event, and the next one, at once.
    const [taken] = await receive(thumbnails.queueUrl, 0);
    expect(taken?.Body).toBe(poison);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: thumbnails.queueUrl, ReceiptHandle: taken?.ReceiptHandle }),
    );
    const next = s3Event('originals/bob/0190a3b4-5c6d-7e8f-9a0b-000000000002');
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: next }));
    const [after] = await receive(thumbnails.queueUrl, 0);
    expect(after?.Body).toBe(next);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: thumbnails.queueUrl, ReceiptHandle: after?.ReceiptHandle }),
    );

    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: analysis.queueUrl,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const received = await receive(analysis.queueUrl);
    const again = received.find((m) => m.Body === poison);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: analysis.queueUrl,
        ReceiptHandle: again?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    // A third receive finds it gone to the analysis DLQ; nothing went to the thumbnail DLQ.
    const third = await receive(analysis.queueUrl);
    expect(third.map((m) => m.Body)).not.toContain(poison);
    const dead = await receive(analysis.deadLetterQueueUrl);
    expect(dead.map((m) => m.Body)).toContain(poison);
    expect(await depth(thumbnails.deadLetterQueueUrl)).toBe(0);
    expect(await depth(thumbnails.queueUrl)).toBe(0);
  });
});
