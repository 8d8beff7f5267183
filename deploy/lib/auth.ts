import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { PageAuthConfig } from '../../src/entrypoints/composition/config-env.js';

/** An identity provider the service trusts instead of the user pool it would create. */
export interface ExistingIssuer {
  /** The `iss` of its tokens, e.g. `https://example.eu.auth0.com/`. */
  readonly issuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values. */
  readonly audience: string[];
  /** The page's client at that provider: public, authorization code with PKCE, redirects to the site. */
  readonly clientId: string;
  /** Where the page ends the provider session, for a provider whose discovery document names none. */
  readonly endSessionEndpoint?: string;
  /** Where the page sends a person to sign up, for a provider that has such a page. */
  readonly signUpEndpoint?: string;
}

/** Options of {@link Auth}. */
export interface AuthProps {
  /** The site, `https://host` without a trailing slash: the page signs in and out back to `${siteUrl}/`. */
  readonly siteUrl: string;
  /** Trust this issuer; when absent, a Cognito user pool, its domain and the page's client are created. */
  readonly existingIssuer?: ExistingIssuer;
  /** The managed login domain's prefix. Default `<stack name>-<account id>`, cleaned up for Cognito. */
  readonly domainPrefix?: string;
  /** May people create their own account (verified by an emailed code)? Default true. */
  readonly selfSignUp?: boolean;
  /** Where else the client may send people back after sign-in and sign-out, e.g. `http://localhost:3000/`. */
  readonly extraRedirectUrls?: string[];
}

/** The scopes the page asks for: enough for the ID token to name the person signed in. */
const SCOPES = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];

/** Cognito refuses a domain prefix with one of these in it. */
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/**
 * Who may call the API, and how the page signs people in.
 *
 * By default: a Cognito user pool (email sign-in, self sign-up with an emailed code
 * unless turned off), a managed login domain, and one public app client for the
 * page: authorization code only (the page always adds PKCE), `openid email profile`,
 * redirects to the site alone plus any extra URLs, refresh tokens that rotate. The
 * JWT authorizer accepts that client's access tokens (Cognito puts the client id in
 * `client_id`, which API Gateway checks as the audience). With an existing issuer,
 * nothing Cognito is created and the operator names the page's client. The API takes
 * the owner from `sub`.
 *
 * The user pool is retained on stack deletion, like the photos: owners are `sub`
 * values, and a new pool would give every user a new one, orphaning their photos.
 */
export class Auth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly issuer: string;
  /** The `auth` block of the page's config.json. */
  readonly pageConfig: PageAuthConfig;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  /** The managed login domain: sign-in, sign-up and sign-out pages, and the OAuth endpoints. */
  readonly domain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const siteRedirect = `${props.siteUrl}/`;
    const page = (issuer: string, clientId: string) =>
      ({
        mode: 'jwt',
        issuer,
        clientId,
        scope: SCOPES.map((s) => s.scopeName).join(' '),
        redirectUri: siteRedirect,
        logoutUri: siteRedirect,
      }) as const;
    let audience: string[];
    if (props.existingIssuer) {
      const existing = props.existingIssuer;
      if (existing.audience.length === 0) throw new Error('an existing issuer needs an audience');
      if (props.domainPrefix !== undefined || props.selfSignUp !== undefined || props.extraRedirectUrls) {
        throw new Error(
          'the domain prefix, self sign-up and extra redirect URLs set up a Cognito user pool; ' +
            'with an existing issuer, configure them at that provider',
        );
      }
      this.issuer = existing.issuer;
      audience = existing.audience;
      this.pageConfig = {
        ...page(existing.issuer, existing.clientId),
        ...(existing.endSessionEndpoint ? { endSessionEndpoint: existing.endSessionEndpoint } : {}),
        ...(existing.signUpEndpoint ? { signUpEndpoint: existing.signUpEndpoint } : {}),
      };
    } else {
      const selfSignUp = props.selfSignUp ?? true;
      const redirects = [siteRedirect, ...(props.extraRedirectUrls ?? []).map(redirectUrl)];
      const userPool = new UserPool(this, 'Users', {
        // Managed login and refresh token rotation both need the Essentials plan (Lite has neither).
        featurePlan: FeaturePlan.ESSENTIALS,
        selfSignUpEnabled: selfSignUp,
        signInAliases: { email: true },
        autoVerify: { email: true },
        userVerification: { emailStyle: VerificationEmailStyle.CODE },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        passwordPolicy: { minLength: 12 },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = userPool.addClient('Web', {
        generateSecret: false,
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
          scopes: SCOPES,
          callbackUrls: redirects,
          logoutUrls: redirects,
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        // Listed so that Cognito's default list does not apply: it carries ALLOW_REFRESH_TOKEN_AUTH,
        // which rotation refuses, and ALLOW_CUSTOM_AUTH, which nothing here uses. SRP never sends
        // the password; the page itself uses none of these API flows, only the OAuth endpoints.
        authFlows: { userSrp: true },
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
        // The page keeps the refresh token in the tab's sessionStorage: a day bounds a stolen one,
        // and each refresh replaces it (the old one stays valid 10 s, for a retry). A rotated token
        // keeps the first one's expiry, so a session lasts a day from sign-in at most.
        refreshTokenValidity: Duration.days(1),
        refreshTokenRotationGracePeriod: Duration.seconds(10),
      });
      const domain = userPool.addDomain('SignIn', {
        cognitoDomain: { domainPrefix: domainPrefix(props.domainPrefix, Stack.of(this)) },
        managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
      });
      // Managed login (version 2) serves a client's pages only once the client has a style;
      // Cognito's own default style will do, and can be changed in the branding editor.
      new CfnManagedLoginBranding(this, 'Branding', {
        userPoolId: userPool.userPoolId,
        clientId: client.userPoolClientId,
        useCognitoProvidedValues: true,
      });

      this.userPool = userPool;
      this.userPoolClient = client;
      this.domain = domain;
      this.issuer = `https://${userPool.userPoolProviderUrl}`;
      audience = [client.userPoolClientId];
      const managedLogin = domain.baseUrl();
      this.pageConfig = {
        ...page(this.issuer, client.userPoolClientId),
        // Cognito's discovery document names no end_session_endpoint, so the page is told.
        endSessionEndpoint: `${managedLogin}/logout`,
        ...(selfSignUp ? { signUpEndpoint: `${managedLogin}/signup` } : {}),
      };
    }
    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, { jwtAudience: audience });
  }
}

/**
 * The managed login domain's prefix: the one given, checked, or `<stack name>-<account id>`,
 * which is unique in a region (prefixes are global per region) and valid for Cognito.
 *
 * @example
 * domainPrefix(undefined, stack) // 'pixport-123456789012' (or `pixport-${AWS::AccountId}`)
 */
function domainPrefix(given: string | undefined, stack: Stack): string {
  if (given !== undefined) {
    if (
      !Token.isUnresolved(given) &&
      (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(given) || RESERVED_IN_PREFIX.test(given))
    ) {
      throw new Error(
        `the auth domain prefix ${JSON.stringify(given)} is not valid for Cognito: 1-63 lowercase letters, ` +
          'digits and inner hyphens, without "aws", "amazon" or "cognito"',
      );
    }
    return given;
  }
  let name = stack.stackName.toLowerCase();
  while (RESERVED_IN_PREFIX.test(name)) name = name.replace(RESERVED_IN_PREFIX, '');
  // 63 at most, less the hyphen and the 12-digit account id.
  name = name
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  return `${name || 'pixport'}-${stack.account}`;
}

/**
 * An extra redirect URL as Cognito will compare it: absolute, HTTPS or `http://localhost`
 * (Cognito's only exception), no fragment, and normalized (`http://localhost:3000` gains
 * the `/` the page sends).
 */
function redirectUrl(url: string): string {
  if (Token.isUnresolved(url)) return url;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const allowed =
    parsed !== undefined &&
    parsed.hash === '' &&
    (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && parsed.hostname === 'localhost'));
  if (!allowed) {
    throw new Error(
      `the redirect URL ${JSON.stringify(url)} is not one Cognito takes: an absolute https:// URL, ` +
        'or http://localhost, without a fragment',
    );
  }
  return parsed.href;
}
