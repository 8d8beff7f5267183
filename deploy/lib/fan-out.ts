import { Duration } from 'aws-cdk-lib';
import { type Bucket, EventType } from 'aws-cdk-lib/aws-s3';
import { SnsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORIGINALS_PREFIX } from './storage.js';

/** Receives of one message before it is dead-lettered, for every consumer. */
export const MAX_RECEIVE_COUNT = 5;
/** How long a dead letter waits for a redrive. */
export const DLQ_RETENTION = Duration.days(14);

/** Options of {@link UploadFanOut}. */
export interface UploadFanOutProps {
  readonly photos: Bucket;
}

/**
 * One event per upload, fanned out: S3 allows one destination per event type and
 * prefix, so ObjectCreated under `originals/` goes to one SNS topic, and each
 * consumer subscribes its own queue to it ({@link ConsumerQueue}).
 */
export class UploadFanOut extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: UploadFanOutProps) {
    super(scope, id);
    // No SSE: S3 would need a customer managed KMS key (and its key policy) to publish to
    // an encrypted topic; the notification carries a key and a size, nothing of the photo.
    this.topic = new Topic(this, 'Topic', { displayName: 'Pixport uploads', enforceSSL: true });
    props.photos.addEventNotification(EventType.OBJECT_CREATED, new SnsDestination(this.topic), {
      prefix: ORIGINALS_PREFIX,
    });
  }
}

/** Options of {@link consumerQueue}. */
export interface ConsumerQueueProps {
  /** The upload topic to subscribe to. */
  readonly uploads: ITopic;
  /** The consuming Lambda's timeout: the visibility timeout is six times it (AWS's advice for SQS event sources). */
  readonly workerTimeout: Duration;
}

/** A consumer's queue and its DLQ. */
export interface ConsumerQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/**
 * One consumer's queue on the upload topic, made in the consumer's construct as
 * `Jobs` and `Dead Letters` (the ids the thumbnail queue had before the fan-out, so
 * it is kept on update): raw message delivery (the body is the S3 notification
 * itself, as when S3 sent to SQS directly) and its own DLQ, so a slow or failing
 * consumer never holds up another.
 *
 * @example
 * const { queue, deadLetterQueue } = consumerQueue(this, { uploads, workerTimeout: Duration.seconds(60) });
 */
export function consumerQueue(scope: Construct, props: ConsumerQueueProps): ConsumerQueue {
  const deadLetterQueue = new Queue(scope, 'Dead Letters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  const queue = new Queue(scope, 'Jobs', {
    // SSE-SQS, not KMS: SNS can deliver to it without a key policy.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * 6),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
  });
  props.uploads.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
  return { queue, deadLetterQueue };
}
