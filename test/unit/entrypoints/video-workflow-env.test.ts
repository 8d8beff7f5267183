import { describe, expect, it } from 'vitest';
import { parseVideoWorkflowEnv } from '../../../src/entrypoints/composition/video-workflow-env.js';

describe('parseVideoWorkflowEnv', () => {
  it('reads the MediaConvert role and the analysis queue', () => {
    expect(
      parseVideoWorkflowEnv({
        MEDIACONVERT_ROLE_ARN: 'arn:aws:iam::123456789012:role/Pixport-VideoMediaConvertRole-AbC123',
        ANALYSIS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analysis',
      }),
    ).toEqual({
      mediaConvert: { roleArn: 'arn:aws:iam::123456789012:role/Pixport-VideoMediaConvertRole-AbC123' },
      analysisQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analysis',
    });
  });

  it('wants the role where the request is built, and refuses what is not a role ARN', () => {
    expect(() => parseVideoWorkflowEnv({}, { requireRole: true })).toThrow(
      /MEDIACONVERT_ROLE_ARN is required/,
    );
    expect(() => parseVideoWorkflowEnv({ MEDIACONVERT_ROLE_ARN: 'my-role' })).toThrow(
      /MEDIACONVERT_ROLE_ARN must be an IAM role ARN/,
    );
    expect(parseVideoWorkflowEnv({})).toEqual({ mediaConvert: { roleArn: '' } });
  });
});
