import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readContext } from '../../deploy/lib/context.js';
import { defaultLimits } from '../../src/domain/limits.js';
import { asSub, onlyResource, pageConfigOf, resourcesOf, type Synthesized, synthesize } from './synth.js';

describe('with an existing issuer, a custom domain, extra origins and an alarm email', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(
      {
        existingIssuer: {
          issuer: 'https://id.example.com/',
          audience: ['pixport-api', 'pixport-web'],
          clientId: 'pixport-web',
          endSessionEndpoint: 'https://id.example.com/v2/logout',
        },
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

  it('trusts the given issuer and audience and creates nothing Cognito', () => {
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::Cognito::UserPoolDomain',
      'AWS::Cognito::ManagedLoginBranding',
    ]) {
      s.template.resourceCountIs(type, 0);
    }
    const [, authorizer] = onlyResource(s.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties?.JwtConfiguration).toEqual({
      Issuer: 'https://id.example.com/',
      Audience: ['pixport-api', 'pixport-web'],
    });
    const outputs = Object.keys(s.template.findOutputs('*'));
    expect(outputs).not.toContain('UserPoolId');
    expect(outputs).not.toContain('AuthDomainUrl');
    expect(outputs).toContain('JwtIssuer');
  });

  it("tells the page the issuer, the operator's client and logout endpoint, and the custom domain as redirect", () => {
    expect(pageConfigOf(s)).toEqual({
      apiBase: '/api',
      analysis: true,
      video: true,
      limits: {
        maxOriginalBytes: defaultLimits.maxOriginalBytes,
        video: { maxBytes: defaultLimits.video.maxBytes },
      },
      auth: {
        mode: 'jwt',
        issuer: 'https://id.example.com/',
        clientId: 'pixport-web',
        scope: 'openid email profile',
        redirectUri: 'https://photos.example.com/',
        logoutUri: 'https://photos.example.com/',
        endSessionEndpoint: 'https://id.example.com/v2/logout',
      },
    });
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

describe('with self sign-up off, extra redirect URLs and a chosen domain prefix', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(
      {
        selfSignUp: false,
        extraAuthUrls: ['http://localhost:3000', 'https://staging.example.com/gallery/'],
        authDomainPrefix: 'photos-example',
      },
      { bundle: false },
    );
  });

  it('lets only admins create users', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('redirects to the site and the extra URLs (normalized as the page sends them) after sign-in and sign-out', () => {
    const client = onlyResource(s.template, 'AWS::Cognito::UserPoolClient')[1].Properties ?? {};
    const [distribution] = onlyResource(s.template, 'AWS::CloudFront::Distribution');
    const expected = [
      `https://\${${distribution}.DomainName}/`,
      'http://localhost:3000/',
      'https://staging.example.com/gallery/',
    ];
    expect((client.CallbackURLs as unknown[]).map(asSub)).toEqual(expected);
    expect((client.LogoutURLs as unknown[]).map(asSub)).toEqual(expected);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
  });

  it('names the managed login domain with the prefix, and gives the page no sign-up endpoint', () => {
    const [domainId, domain] = onlyResource(s.template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties).toMatchObject({ Domain: 'photos-example', ManagedLoginVersion: 2 });
    const { auth } = pageConfigOf(s) as { auth: Record<string, unknown> };
    expect(auth.endSessionEndpoint).toBe(
      `https://\${${domainId}}.auth.\${AWS::Region}.amazoncognito.com/logout`,
    );
    expect(auth).not.toHaveProperty('signUpEndpoint');
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
        authClientId: 'web',
        authEndSessionEndpoint: 'https://id.example.com/logout',
        authSignUpEndpoint: 'https://id.example.com/signup',
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
        existingIssuer: {
          issuer: 'https://id.example.com/',
          audience: ['a', 'b'],
          clientId: 'web',
          endSessionEndpoint: 'https://id.example.com/logout',
          signUpEndpoint: 'https://id.example.com/signup',
        },
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

  it('reads the user pool parameters', () => {
    expect(
      read({
        authDomainPrefix: 'photos-example',
        selfSignUp: 'false',
        extraAuthUrls: 'http://localhost:3000/, https://staging.example.com/',
      }).props,
    ).toEqual({
      authDomainPrefix: 'photos-example',
      selfSignUp: false,
      extraAuthUrls: ['http://localhost:3000/', 'https://staging.example.com/'],
    });
    expect(read({ selfSignUp: 'true' }).props.selfSignUp).toBe(true);
  });

  it('takes booleans and lists as JSON too (from cdk.json)', () => {
    expect(read({ selfSignUp: false }).props.selfSignUp).toBe(false);
    expect(read({ allowedOrigins: ['https://a.example.com'] }).props.allowedOrigins).toEqual([
      'https://a.example.com',
    ]);
  });

  it.each([
    [{ jwtIssuer: 'https://id.example.com/' }, /jwtIssuer, jwtAudience and authClientId go together/],
    [
      { jwtIssuer: 'https://id.example.com/', jwtAudience: 'api' },
      /jwtIssuer, jwtAudience and authClientId go together/,
    ],
    [{ authClientId: 'web' }, /jwtIssuer, jwtAudience and authClientId go together/],
    [{ authEndSessionEndpoint: 'https://id.example.com/logout' }, /give jwtIssuer too/],
    [
      { jwtIssuer: 'https://id.example.com/', jwtAudience: 'api', authClientId: 'web', selfSignUp: 'false' },
      /set up the Cognito user pool/,
    ],
    [{ selfSignUp: 'no' }, /selfSignUp is true or false/],
    [{ domainName: 'photos.example.com' }, /certificateArn/],
    [{ hostedZoneId: 'Z1' }, /hostedZoneId and hostedZoneName/],
    [{ logRetentionDays: '45' }, /logRetentionDays/],
  ])('refuses an incomplete or invalid set: %o', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
