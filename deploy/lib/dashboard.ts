import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Dashboard, GraphWidget, type IMetric, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The custom metrics' namespace (node-lambda.ts sets it as POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'Pixport';
/** The `service` dimension Powertools gives the thumbnail worker's metrics. */
export const WORKER_SERVICE = 'pixport-thumbnails';

/** A queue worth watching, with the name the dashboard gives it. */
export interface WatchedQueue {
  readonly name: string;
  readonly queue: IQueue;
}

/** A Lambda worth watching, with the name the dashboard gives it. */
export interface WatchedFunction {
  readonly name: string;
  readonly fn: IFunction;
}

/** Options of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly api: HttpApi;
  /** The consumers' queues: their oldest message's age. */
  readonly queues: readonly WatchedQueue[];
  /** Every dead-letter queue: its depth. */
  readonly deadLetterQueues: readonly WatchedQueue[];
  /** Every Lambda of the app: errors and durations. */
  readonly functions: readonly WatchedFunction[];
}

/**
 * One CloudWatch dashboard with what an operator looks at first: uploads (the API's
 * requests, uploads the worker accepted), thumbnails made and failed, how long jobs
 * wait, the DLQs' depths, and each Lambda's errors and durations. The custom metrics
 * are the worker's EMF metrics (Powertools: namespace Pixport, dimension `service`).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const worker = (metricName: string, label: string, statistic = 'Sum'): Metric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: WORKER_SERVICE },
        statistic,
        period,
        label,
      });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Pixport\nUploads, thumbnails, queues and Lambdas. Alarms go to the alarm topic; ' +
              'the runbooks are in docs/deploy.md (Operations, Bring a photo back).',
            width: 24,
            height: 2,
          }),
        ],
        [
          graph(
            'Uploads',
            [
              worker('UploadsAccepted', 'uploads accepted (originals landed)'),
              props.api.metricCount({ period, statistic: 'Sum', label: 'API requests' }),
            ],
            [
              props.api.metricClientError({ period, statistic: 'Sum', label: 'API 4xx (429 included)' }),
              props.api.metricServerError({ period, statistic: 'Sum', label: 'API 5xx' }),
            ],
          ),
          graph(
            'Thumbnails',
            [worker('ThumbnailsMade', 'made'), worker('ThumbnailsFailed', 'failed (bad images)')],
            [worker('ThumbnailDuration', 'render p90 (ms)', 'p90')],
          ),
        ],
        [
          graph(
            'Queue age (oldest job, s)',
            props.queues.map(({ name, queue }) =>
              queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: name }),
            ),
          ),
          graph(
            'Dead-letter queues (messages)',
            props.deadLetterQueues.map(({ name, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
            ),
          ),
        ],
        [
          graph(
            'Lambda errors and throttles',
            props.functions.map(({ name, fn }) => fn.metricErrors({ period, statistic: 'Sum', label: name })),
            props.functions.map(({ name, fn }) =>
              fn.metricThrottles({ period, statistic: 'Sum', label: `${name} throttled` }),
            ),
          ),
          graph(
            'Lambda duration (p90, ms)',
            props.functions.map(({ name, fn }) =>
              fn.metricDuration({ period, statistic: 'p90', label: name }),
            ),
          ),
        ],
      ],
    });
  }
}
