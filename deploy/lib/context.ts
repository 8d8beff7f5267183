import type { Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
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

/**
 * Reads the deploy parameters from context; every key is optional.
 *
 * @example
 * npx cdk deploy -c alarmEmail=ops@example.com -c allowedOrigins=http://localhost:5173
 */
export function readContext(node: Node): PixportContext {
  const get = (key: string): unknown => node.tryGetContext(key);
  const issuer = text(get('jwtIssuer'));
  const audience = list(get('jwtAudience'));
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new Error('jwtIssuer and jwtAudience go together: give both, or neither for a new user pool');
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
  return {
    stackName: text(get('stackName')) ?? 'Pixport',
    props: {
      ...(env ? { env } : {}),
      ...(allowedOrigins ? { allowedOrigins } : {}),
      ...(issuer && audience ? { existingIssuer: { issuer, audience } } : {}),
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
      ...(logRetention !== undefined ? { logRetention: logRetention as RetentionDays } : {}),
    },
  };
}
