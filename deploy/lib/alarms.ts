import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Options of {@link Alarms}. */
export interface AlarmsProps {
  readonly deadLetterQueue: Queue;
  readonly queue: Queue;
  readonly worker: IFunction;
  readonly httpHandler: IFunction;
  readonly api: HttpApi;
  /** The analysis consumer, when deployed: its queue, DLQ (and worker) get alarms of their own. */
  readonly analysis?: { readonly queue: Queue; readonly deadLetterQueue: Queue; readonly worker?: IFunction };
  /** The video workflow, when deployed: its queue's DLQ and age, and executions that failed or timed out. */
  readonly video?: {
    readonly queue: Queue;
    readonly deadLetterQueue: Queue;
    readonly stateMachine: IStateMachine;
  };
  /** Subscribed to the alarm topic when given (the address must confirm it). */
  readonly email?: string;
}

/**
 * What someone should hear about, sent to one SNS topic (alarm and recovery):
 * anything in the DLQ, worker invocations that failed as a whole (crash, timeout,
 * out of memory: single bad photos are partial batch failures, not errors), jobs
 * waiting too long, API 5xx and HTTP handler errors.
 */
export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Pixport alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: Metric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };
    const fiveMinutes = Duration.minutes(5);

    alarm(
      'Dead Letters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      1,
      'Thumbnail jobs failed 5 times and were dead-lettered: fix the cause, then redrive the DLQ.',
    );
    if (props.analysis) {
      alarm(
        'Analysis Dead Letters',
        props.analysis.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
        'Analysis jobs failed 5 times and were dead-lettered: fix the cause, then redrive the DLQ.',
      );
      alarm(
        'Analysis Job Age',
        props.analysis.queue.metricApproximateAgeOfOldestMessage({
          period: fiveMinutes,
          statistic: 'Maximum',
        }),
        30 * 60,
        'An analysis job has waited over 30 minutes: the worker is falling behind, failing or throttled by Rekognition.',
      );
      if (props.analysis.worker) {
        alarm(
          'Analysis Worker Errors',
          props.analysis.worker.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          1,
          'The analysis worker failed whole invocations (crash, timeout or out of memory).',
        );
      }
    }
    if (props.video) {
      alarm(
        'Video Dead Letters',
        props.video.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
        'Video uploads could not be handed to the video workflow 5 times and were dead-lettered: fix the cause, then redrive the DLQ.',
      );
      alarm(
        'Video Job Age',
        props.video.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
        15 * 60,
        'A video upload has waited over 15 minutes for its workflow to start: the pipe or its start step is failing.',
      );
      alarm(
        'Video Workflow Failures',
        props.video.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        'A video workflow execution failed (a step kept failing): see its history, fix the cause, then redrive it from the failed state.',
      );
      alarm(
        'Video Workflow Timeouts',
        props.video.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        'A video workflow execution ran past its timeout (MediaConvert queued or ran for hours).',
      );
    }
    alarm(
      'Worker Errors',
      props.worker.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      1,
      'The thumbnail worker failed whole invocations (crash, timeout or out of memory).',
    );
    alarm(
      'Job Age',
      props.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
      15 * 60,
      'A thumbnail job has waited over 15 minutes: the worker is falling behind or failing.',
    );
    alarm(
      'Api 5xx',
      props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
      5,
      'The HTTP API answered 5xx at least 5 times in 5 minutes.',
    );
    alarm(
      'Http Errors',
      props.httpHandler.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      1,
      'The HTTP handler failed invocations (crash, timeout, or a cold start that found bad configuration).',
    );
  }
}
