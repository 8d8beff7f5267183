import type { Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { MAX_QUOTA_PHOTOS } from '../../src/domain/owner-usage.js';
import type { ModerationSettings } from './analysis.js';
import { DEFAULT_API_THROTTLE } from './api.js';
import type { ExistingIssuer } from './auth.js';
import type { PixportStackProps } from './pixport-stack.js';

/** The stack name and props read from CDK context (`-c key=value` or deploy/cdk.json). */
export interface PixportContext {
  readonly stackName: string;
  readonly props: PixportStackProps;
}

const list = (value: unknown): string[] | undefined => {
  if (value === undefined || value === '') return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const trimmed = items.map((s) => s.trim()).filter((s) => s !== '');
  return trimmed.length > 0 ? trimmed : undefined;
};

const text = (value: unknown): string | undefined =>
  value === undefined || value === '' ? undefined : String(value);

/** A whole number of at least `min`, or undefined when not given. */
const whole = (key: string, value: unknown, min: number): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${key} is a whole number, ${min} or more, not ${JSON.stringify(value)}`);
  return n;
};

const flag = (key: string, value: unknown): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${key} is true or false, not ${JSON.stringify(value)}`);
};

/**
 * Reads the deploy parameters from context; every key is optional.
 *
 * @example
 * npx cdk deploy -c alarmEmail=ops@example.com -c extraAuthUrls=http://localhost:3000/
 */
export function readContext(node: Node): PixportContext {
  const get = (key: string): unknown => node.tryGetContext(key);
  const existingIssuer = readExistingIssuer(get);
  const authDomainPrefix = text(get('authDomainPrefix'));
  const selfSignUp = flag('selfSignUp', get('selfSignUp'));
  const extraAuthUrls = list(get('extraAuthUrls'));
  if (existingIssuer && (authDomainPrefix !== undefined || selfSignUp !== undefined || extraAuthUrls)) {
    throw new Error(
      'authDomainPrefix, selfSignUp and extraAuthUrls set up the Cognito user pool; with jwtIssuer, ' +
        'configure sign-up and redirect URLs at your provider',
    );
  }
  const domainName = text(get('domainName'));
  const certificateArn = text(get('certificateArn'));
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('domainName needs certificateArn (an ACM certificate in us-east-1), and the reverse');
  }
  const hostedZoneId = text(get('hostedZoneId'));
  const zoneName = text(get('hostedZoneName'));
  if ((hostedZoneId === undefined) !== (zoneName === undefined)) {
    throw new Error('hostedZoneId and hostedZoneName go together');
  }
  if (hostedZoneId && !domainName) throw new Error('hostedZoneId is only used with domainName');
  const account = text(get('account'));
  const region = text(get('region'));
  const env: Environment | undefined =
    account || region ? { ...(account ? { account } : {}), ...(region ? { region } : {}) } : undefined;
  const retentionDays = text(get('logRetentionDays'));
  const logRetention = retentionDays === undefined ? undefined : Number(retentionDays);
  if (logRetention !== undefined && !Object.values(RetentionDays).includes(logRetention)) {
    throw new Error(`logRetentionDays must be one of CloudWatch's retentions, not ${retentionDays}`);
  }
  const allowedOrigins = list(get('allowedOrigins'));
  const alarmEmail = text(get('alarmEmail'));
  const originalVersionRetentionDays = whole(
    'originalVersionRetentionDays',
    get('originalVersionRetentionDays'),
    1,
  );
  const apiRateLimit = whole('apiRateLimit', get('apiRateLimit'), 1);
  const apiBurstLimit = whole('apiBurstLimit', get('apiBurstLimit'), 1);
  const workerMaxConcurrency = whole('workerMaxConcurrency', get('workerMaxConcurrency'), 2);
  if (workerMaxConcurrency !== undefined && workerMaxConcurrency > 1000) {
    throw new Error(
      `workerMaxConcurrency is 2 to 1000 (an SQS event source's range), not ${workerMaxConcurrency}`,
    );
  }
  const quotaMaxPhotos = whole('quotaMaxPhotos', get('quotaMaxPhotos'), 1);
  if (quotaMaxPhotos !== undefined && quotaMaxPhotos > MAX_QUOTA_PHOTOS) {
    throw new Error(
      `quotaMaxPhotos is at most ${MAX_QUOTA_PHOTOS} (the usage ledger counts an owner's photos in one DynamoDB item), not ${quotaMaxPhotos}`,
    );
  }
  const quotaMaxBytes = whole('quotaMaxBytes', get('quotaMaxBytes'), 1);
  const accessLogRetentionDays = whole('accessLogRetentionDays', get('accessLogRetentionDays'), 1);
  const webAclArn = text(get('webAclArn'));
  const wafRateLimit = whole('wafRateLimit', get('wafRateLimit'), 10);
  if (webAclArn !== undefined && wafRateLimit !== undefined) {
    throw new Error('webAclArn names an existing web ACL; wafRateLimit makes one: give one of them');
  }
  if (webAclArn !== undefined && !/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\//.test(webAclArn)) {
    throw new Error(`webAclArn is the ARN of a CloudFront (global) web ACL in us-east-1, not ${webAclArn}`);
  }
  const analysis = flag('analysis', get('analysis'));
  const video = flag('video', get('video'));
  const moderation = readModeration(get);
  return {
    stackName: text(get('stackName')) ?? 'Pixport',
    props: {
      ...(env ? { env } : {}),
      ...(allowedOrigins ? { allowedOrigins } : {}),
      ...(existingIssuer ? { existingIssuer } : {}),
      ...(authDomainPrefix !== undefined ? { authDomainPrefix } : {}),
      ...(selfSignUp !== undefined ? { selfSignUp } : {}),
      ...(extraAuthUrls ? { extraAuthUrls } : {}),
      ...(domainName && certificateArn
        ? {
            domain: {
              domainName,
              certificateArn,
              ...(hostedZoneId && zoneName ? { hostedZone: { hostedZoneId, zoneName } } : {}),
            },
          }
        : {}),
      ...(alarmEmail ? { alarmEmail } : {}),
      ...(originalVersionRetentionDays !== undefined ? { originalVersionRetentionDays } : {}),
      ...(apiRateLimit !== undefined || apiBurstLimit !== undefined
        ? {
            apiThrottle: {
              rateLimit: apiRateLimit ?? DEFAULT_API_THROTTLE.rateLimit,
              burstLimit: apiBurstLimit ?? DEFAULT_API_THROTTLE.burstLimit,
            },
          }
        : {}),
      ...(workerMaxConcurrency !== undefined ? { workerMaxConcurrency } : {}),
      ...(accessLogRetentionDays !== undefined ? { accessLogRetentionDays } : {}),
      ...(webAclArn !== undefined ? { webAcl: { arn: webAclArn } } : {}),
      ...(wafRateLimit !== undefined ? { webAcl: { rateLimit: wafRateLimit } } : {}),
      ...(quotaMaxPhotos !== undefined || quotaMaxBytes !== undefined
        ? {
            ownerQuota: {
              ...(quotaMaxPhotos !== undefined ? { maxPhotos: quotaMaxPhotos } : {}),
              ...(quotaMaxBytes !== undefined ? { maxBytes: quotaMaxBytes } : {}),
            },
          }
        : {}),
      ...(analysis !== undefined ? { analysis } : {}),
      ...(video !== undefined ? { video } : {}),
      ...(moderation ? { moderation } : {}),
      ...(logRetention !== undefined ? { logRetention: logRetention as RetentionDays } : {}),
    },
  };
}

/** `jwtIssuer`, `jwtAudience` and `authClientId`, all or none, and the optional endpoints that go with them. */
function readExistingIssuer(get: (key: string) => unknown): ExistingIssuer | undefined {
  const issuer = text(get('jwtIssuer'));
  const audience = list(get('jwtAudience'));
  const clientId = text(get('authClientId'));
  const endSessionEndpoint = text(get('authEndSessionEndpoint'));
  const signUpEndpoint = text(get('authSignUpEndpoint'));
  const given = [issuer, audience, clientId].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 3) {
    throw new Error(
      'jwtIssuer, jwtAudience and authClientId go together: give all three, or none for a new user pool',
    );
  }
  if (issuer === undefined || audience === undefined || clientId === undefined) {
    if (endSessionEndpoint !== undefined || signUpEndpoint !== undefined) {
      throw new Error(
        'authEndSessionEndpoint and authSignUpEndpoint describe an existing issuer: give jwtIssuer too',
      );
    }
    return undefined;
  }
  return {
    issuer,
    audience,
    clientId,
    ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
    ...(signUpEndpoint ? { signUpEndpoint } : {}),
  };
}

/** `moderationMode`, `moderationReviewAt`, `moderationBlockAt`, `moderationCategories`; undefined when none is set. */
function readModeration(get: (key: string) => unknown): ModerationSettings | undefined {
  const mode = text(get('moderationMode'));
  if (mode !== undefined && mode !== 'flag' && mode !== 'block') {
    throw new Error(`moderationMode is flag or block, not ${JSON.stringify(mode)}`);
  }
  const percent = (key: string): number | undefined => {
    const value = text(get(key));
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 100)
      throw new Error(`${key} is 0-100, not ${JSON.stringify(value)}`);
    return n;
  };
  const reviewAt = percent('moderationReviewAt');
  const blockAt = percent('moderationBlockAt');
  const categories = list(get('moderationCategories'));
  const settings: ModerationSettings = {
    ...(mode ? { mode } : {}),
    ...(reviewAt !== undefined ? { reviewAt } : {}),
    ...(blockAt !== undefined ? { blockAt } : {}),
    ...(categories ? { categories } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}
