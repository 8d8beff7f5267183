import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DLQ_RETENTION } from './fan-out.js';
import { LAMBDA_ENTRIES } from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';

/** Options of {@link PurgedUploads}. */
export interface PurgedUploadsProps {
  /** The photos table, with a stream of old images. */
  readonly table: Table;
  readonly logRetention: RetentionDays;
  readonly environment: Record<string, string>;
}

/**
 * Releases the quota of photos that DynamoDB's TTL deleted. A pending photo whose
 * upload never completed is purged by the table itself (no code runs), so the
 * table's stream hands each such deletion to a small Lambda, which takes the photo
 * off its owner's usage (ReleasePurgedUploads). The event source's filter passes
 * only TTL deletions (REMOVE by the DynamoDB service itself): the API's own deletes
 * release as they delete, and never reach the Lambda. A record that keeps failing
 * goes to a DLQ of its own after 10 tries.
 */
export class PurgedUploads extends Construct {
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PurgedUploadsProps) {
    super(scope, id);
    this.fn = new NodeLambda(this, 'Release', {
      entry: LAMBDA_ENTRIES['purged-uploads'],
      description: 'Pixport: releases the quota of uploads that the table purged by TTL',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
      environment: props.environment,
    }).fn;
    this.deadLetterQueue = new Queue(this, 'Dead Letters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    this.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('REMOVE'),
            userIdentity: {
              type: FilterRule.isEqual('Service'),
              principalId: FilterRule.isEqual('dynamodb.amazonaws.com'),
            },
          }),
        ],
      }),
    );
    // Reads and updates the owners' usage items; the event source grants the stream reads.
    props.table.grantReadWriteData(this.fn);
  }
}
