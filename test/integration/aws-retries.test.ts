import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { QuotaFreeRetryStrategy } from '../../src/adapters/aws/quota-free-retry-strategy.js';
import { type Fault, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';

/**
 * Why the Lambdas' SDK clients retry with QuotaFreeRetryStrategy: a DynamoDB
 * client makes 300 PutItems one after another through a proxy that fails 30% of
 * calls, and the SDK's own strategy drops some once its retry quota has run dry,
 * even with as many attempts as ours, while ours drops none.
 *
 * The faults follow a fixed pattern, so the outcome depends on no draw: of
 * every 10 calls the proxy sees, the first 3 fail (answered 500 before, after,
 * before being carried out; PutItem is idempotent). A call that meets them
 * succeeds on its 4th attempt, which the SDK allows DynamoDB (4 attempts), and
 * spends 42 of the SDK's 500 retry tokens, getting 14 back; the 6 calls after it
 * earn 1 each. So the SDK's quota is down by 22 every 7 calls and runs out after
 * about 150: from there most calls that meet a fault are not retried at all.
 */

const aws = inject('aws');
const CALLS = 300;
const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey };
const threeInTen = (call: number): Fault | undefined => (['before', 'after', 'before'] as const)[call % 10];
const proxies: FaultProxy[] = [];

/** Sends {@link CALLS} PutItems one at a time under `pk`, through a proxy of its own; counts what failed. */
async function putThroughFaults(
  pk: string,
  config: Partial<ConstructorParameters<typeof DynamoDBClient>[0]>,
): Promise<{ failed: string[]; faults: number }> {
  const proxy = await startFaultProxy({
    service: 'dynamodb',
    upstream: aws.dynamodbEndpoint,
    rate: 0.3,
    random: Math.random,
    schedule: threeInTen,
  });
  proxies.push(proxy);
  const client = new DynamoDBClient({ region: aws.region, credentials, endpoint: proxy.url, ...config });
  const failed: string[] = [];
  try {
    for (let i = 0; i < CALLS; i++) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: aws.table,
            Item: { pk: { S: pk }, sk: { S: String(i).padStart(4, '0') } },
          }),
        );
      } catch (error) {
        failed.push((error as Error).name);
      }
    }
  } finally {
    client.destroy();
  }
  return { failed, faults: proxy.counts.failedBefore + proxy.counts.failedAfter };
}

/** The items under `pk`, read straight from dynalite. */
async function stored(pk: string): Promise<number> {
  const client = new DynamoDBClient({ region: aws.region, credentials, endpoint: aws.dynamodbEndpoint });
  try {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: aws.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return count;
  } finally {
    client.destroy();
  }
}

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
});

describe('an SDK client under 30% transient faults, 300 calls in a row', () => {
  const run = `${Date.now()}`;

  it('drops none with QuotaFreeRetryStrategy, while the SDK strategy drops some, at 4 attempts or at 6', async () => {
    // The delays are the unit test's business; here they are short, so the test is quick.
    const ours = new QuotaFreeRetryStrategy({ baseDelayMs: 1, throttlingBaseDelayMs: 1 });
    const [withOurs, withDefault, withSixAttempts] = await Promise.all([
      putThroughFaults(`aws-retries#${run}#ours`, { retryStrategy: ours, maxAttempts: ours.maxAttempts }),
      putThroughFaults(`aws-retries#${run}#sdk`, {}),
      putThroughFaults(`aws-retries#${run}#sdk-6`, { maxAttempts: 6 }),
    ]);

    expect(withOurs.faults).toBeGreaterThanOrEqual(90);
    expect(withOurs.failed).toEqual([]);
    expect(await stored(`aws-retries#${run}#ours`)).toBe(CALLS);
    for (const sdk of [withDefault, withSixAttempts]) {
      // Dozens, each the proxy's 500 that the quota left unretried.
      expect(sdk.failed.length).toBeGreaterThan(10);
      expect(new Set(sdk.failed)).toEqual(new Set(['InternalServerError']));
    }
  });
});
