/**
 * The purged-uploads Lambda: DynamoDB stream records of photo items that the
 * table's TTL deleted (a pending photo whose upload never completed, past its
 * grace period). It releases what each counted against its owner's quota, as
 * SweepStaleUploads does where the store has no expiry of its own. The event
 * source's filter passes only TTL deletions (REMOVE by the DynamoDB service).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { Container } from 'inversify';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { parsePurgedPhoto } from './purged-photo.js';
import { traced } from './tracing.js';

const config = parseAwsConfig(process.env);
const logger = new Logger({ serviceName: 'pixport-purged-uploads' });
const tracer = new Tracer({ serviceName: 'pixport-purged-uploads' });

const container = new Container();
container.load(
  coreModule(config),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
);
const releasePurgedUploads = container.get(T.ReleasePurgedUploads);

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** One stream record; throwing reports it, so the stream retries from it. */
async function handleRecord(record: DynamoDBRecord): Promise<void> {
  const photo = parsePurgedPhoto(record);
  if (!photo) return;
  const { released } = await releasePurgedUploads.execute({ photos: [photo] });
  logger.info('purged upload released', { ownerId: photo.ownerId, photoId: photo.id, released });
}

/**
 * The Lambda handler: reports the records that failed, so the stream retries
 * from the first of them and the ones before are not released twice.
 *
 * @example
 * await handler({ Records: [{ eventName: 'REMOVE', dynamodb: { OldImage: { ... } } }] }, context);
 */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return traced(tracer, () => processPartialResponse(event, handleRecord, processor, { context }));
};
