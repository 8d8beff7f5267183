import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readContext } from '../../deploy/lib/context.js';
import { onlyResource, resourcesOf, type Synthesized, synthesize } from './synth.js';

describe('with an existing issuer, a custom domain, extra origins and an alarm email', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(
      {
        existingIssuer: { issuer: 'https://id.example.com/', audience: ['pixport-api', 'pixport-web'] },
        domain: {
          domainName: 'photos.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
          hostedZone: { hostedZoneId: 'Z0123456789', zoneName: 'example.com' },
        },
        allowedOrigins: ['http://localhost:5173'],
        alarmEmail: 'ops@example.com',
        logRetention: RetentionDays.ONE_WEEK,
      },
      { bundle: false },
    );
  });

  it('trusts the given issuer and audience and creates no user pool', () => {
    s.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    const [, authorizer] = onlyResource(s.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties?.JwtConfiguration).toEqual({
      Issuer: 'https://id.example.com/',
      Audience: ['pixport-api', 'pixport-web'],
    });
    const outputs = Object.keys(s.template.findOutputs('*'));
    expect(outputs).not.toContain('UserPoolId');
    expect(outputs).toContain('JwtIssuer');
  });

  it('serves the site on the domain with the certificate, and aliases it in Route 53', () => {
    const [, distribution] = onlyResource(s.template, 'AWS::CloudFront::Distribution');
    expect(distribution.Properties?.DistributionConfig).toMatchObject({
      Aliases: ['photos.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        SslSupportMethod: 'sni-only',
      },
    });
    const records = Object.values(resourcesOf(s.template, 'AWS::Route53::RecordSet')).map(
      (r) => r.Properties,
    );
    expect(records.map((r) => r?.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record).toMatchObject({ Name: 'photos.example.com.', HostedZoneId: 'Z0123456789' });
      expect(record?.AliasTarget).toMatchObject({ HostedZoneId: expect.anything() });
    }
    expect(s.template.findOutputs('SiteUrl').SiteUrl?.Value).toBe('https://photos.example.com');
  });

  it('allows the site and the extra origins, and no others, for uploads and the API', () => {
    const photos = Object.values(resourcesOf(s.template, 'AWS::S3::Bucket')).find(
      (b) => b.Properties?.CorsConfiguration,
    );
    expect(photos?.Properties?.CorsConfiguration).toMatchObject({
      CorsRules: [{ AllowedOrigins: ['https://photos.example.com', 'http://localhost:5173'] }],
    });
    const http = Object.values(resourcesOf(s.template, 'AWS::Lambda::Function')).find(
      (f) => f.Properties?.Description === 'Pixport HTTP API (hono)',
    );
    expect(http?.Properties?.Environment).toMatchObject({
      Variables: { ALLOWED_ORIGINS: 'https://photos.example.com,http://localhost:5173' },
    });
  });

  it('subscribes the email to the alarm topic and keeps logs a week', () => {
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const groups = Object.values(resourcesOf(s.template, 'AWS::Logs::LogGroup')).map(
      (g) => g.Properties?.RetentionInDays,
    );
    expect(groups).toContain(7);
  });
});

describe('context', () => {
  const read = (context: Record<string, unknown>) => readContext(new App({ context }).node);

  it('has a default for everything', () => {
    expect(read({})).toEqual({ stackName: 'Pixport', props: {} });
  });

  it('reads every parameter', () => {
    expect(
      read({
        stackName: 'PixportStaging',
        account: '111111111111',
        region: 'eu-west-1',
        allowedOrigins: 'http://localhost:5173, https://app.example.com',
        jwtIssuer: 'https://id.example.com/',
        jwtAudience: 'a,b',
        domainName: 'photos.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        hostedZoneId: 'Z1',
        hostedZoneName: 'example.com',
        alarmEmail: 'ops@example.com',
        logRetentionDays: '90',
      }),
    ).toEqual({
      stackName: 'PixportStaging',
      props: {
        env: { account: '111111111111', region: 'eu-west-1' },
        allowedOrigins: ['http://localhost:5173', 'https://app.example.com'],
        existingIssuer: { issuer: 'https://id.example.com/', audience: ['a', 'b'] },
        domain: {
          domainName: 'photos.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
          hostedZone: { hostedZoneId: 'Z1', zoneName: 'example.com' },
        },
        alarmEmail: 'ops@example.com',
        logRetention: RetentionDays.THREE_MONTHS,
      },
    });
  });

  it('takes lists as JSON arrays too (from cdk.json)', () => {
    expect(read({ allowedOrigins: ['https://a.example.com'] }).props.allowedOrigins).toEqual([
      'https://a.example.com',
    ]);
  });

  it.each([
    [{ jwtIssuer: 'https://id.example.com/' }, /jwtIssuer and jwtAudience/],
    [{ domainName: 'photos.example.com' }, /certificateArn/],
    [{ hostedZoneId: 'Z1' }, /hostedZoneId and hostedZoneName/],
    [{ logRetentionDays: '45' }, /logRetentionDays/],
  ])('refuses an incomplete or invalid set: %o', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
