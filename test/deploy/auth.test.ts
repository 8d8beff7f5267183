import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Auth, type AuthProps } from '../../deploy/lib/auth.js';
import { onlyResource } from './synth.js';

/** Auth alone in a stack pinned to an account (no Lambdas, no bundling), and its template. */
const auth = (stackName: string, props: Partial<AuthProps> = {}): Template => {
  const stack = new Stack(new App(), stackName, { env: { account: '111111111111', region: 'eu-west-1' } });
  new Auth(stack, 'Auth', { siteUrl: 'https://photos.example.com', ...props });
  return Template.fromStack(stack);
};
const domainOf = (template: Template): unknown =>
  onlyResource(template, 'AWS::Cognito::UserPoolDomain')[1].Properties?.Domain;

describe('the managed login domain prefix', () => {
  it.each([
    ['Pixport', 'pixport-111111111111'],
    ['PixportStaging', 'pixportstaging-111111111111'],
    // Cognito refuses "aws", "amazon" and "cognito" anywhere in a prefix.
    ['AwsCognitoPhotos', 'photos-111111111111'],
    ['Amazawsonx', 'x-111111111111'],
    ['Aws', 'pixport-111111111111'],
    [`P${'x'.repeat(80)}`, `p${'x'.repeat(49)}-111111111111`],
  ])('derives one Cognito takes from stack %s: %s', (stackName, prefix) => {
    expect(domainOf(auth(stackName))).toBe(prefix);
  });

  it('takes the one given', () => {
    expect(domainOf(auth('Pixport', { domainPrefix: 'photos-example' }))).toBe('photos-example');
  });

  it.each(['Photos', 'my_photos', '-photos', 'photos-', 'photos-aws', 'my-cognito', 'x'.repeat(64)])(
    'refuses %s',
    (domainPrefix) => {
      expect(() => auth('Pixport', { domainPrefix })).toThrow(
        /auth domain prefix .* is not valid for Cognito/,
      );
    },
  );
});

describe('the extra redirect URLs', () => {
  it.each([
    'http://example.com/',
    'http://127.0.0.1:3000/',
    'localhost:3000',
    'ftp://localhost/',
    'https://photos.example.com/#signed-in',
  ])('refuses %s, which Cognito would', (url) => {
    expect(() => auth('Pixport', { extraRedirectUrls: [url] })).toThrow(
      /redirect URL .* is not one Cognito takes/,
    );
  });
});

describe('with an existing issuer', () => {
  it('refuses options that only a Cognito user pool has', () => {
    const existingIssuer = { issuer: 'https://id.example.com/', audience: ['api'], clientId: 'web' };
    expect(() => auth('Pixport', { existingIssuer, selfSignUp: false })).toThrow(/with an existing issuer/);
    expect(() => auth('Pixport', { existingIssuer: { ...existingIssuer, audience: [] } })).toThrow(
      /needs an audience/,
    );
  });
});
