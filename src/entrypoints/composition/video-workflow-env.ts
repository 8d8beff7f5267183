import * as z from 'zod';
import type { MediaConvertJobConfig } from '../../adapters/aws/mediaconvert-job-request.js';
import { parseEnv } from './config-env.js';

/** What the AWS video workflow's Lambdas read besides the AWS configuration. */
export interface VideoWorkflowEnv {
  /**
   * As whom MediaConvert runs (the Probe step builds the request with it). The job goes to
   * the on-demand Default queue: the only one the state machine may create jobs on.
   */
  readonly mediaConvert: Pick<MediaConvertJobConfig, 'roleArn'>;
  /** The analysis consumer's queue, where uploads are analysed: a video's poster is analysed once it exists. */
  readonly analysisQueueUrl?: string;
}

const Vars = z.object({
  /** The role MediaConvert assumes (deploy/lib/video.ts makes it); the Probe step needs it. */
  MEDIACONVERT_ROLE_ARN: z
    .string()
    .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN')
    .optional(),
  ANALYSIS_QUEUE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * The video workflow's variables; `requireRole` for the Probe step, which builds
 * the MediaConvert request. A bad value throws at start, naming it.
 *
 * @example
 * const env = parseVideoWorkflowEnv(process.env, { requireRole: true });
 */
export function parseVideoWorkflowEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly requireRole?: boolean } = {},
): VideoWorkflowEnv {
  const v = parseEnv(Vars, env);
  if (options.requireRole && !v.MEDIACONVERT_ROLE_ARN) {
    throw new Error(
      'invalid configuration: MEDIACONVERT_ROLE_ARN is required (the Probe step builds the MediaConvert job)',
    );
  }
  return {
    mediaConvert: { roleArn: v.MEDIACONVERT_ROLE_ARN ?? '' },
    ...(v.ANALYSIS_QUEUE_URL ? { analysisQueueUrl: v.ANALYSIS_QUEUE_URL } : {}),
  };
}
