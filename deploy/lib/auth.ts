import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { AccountRecovery, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** An identity provider the service trusts instead of the user pool it would create. */
export interface ExistingIssuer {
  /** The `iss` of its tokens, e.g. `https://example.eu.auth0.com/`. */
  readonly issuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values. */
  readonly audience: string[];
}

/** Options of {@link Auth}. */
export interface AuthProps {
  /** Trust this issuer; when absent, a Cognito user pool and app client are created. */
  readonly existingIssuer?: ExistingIssuer;
}

/**
 * Who may call the API: a JWT authorizer over a Cognito user pool created here
 * (email sign-in, no self sign-up, an app client with USER_PASSWORD_AUTH and SRP),
 * or over an existing issuer and audience. The API takes the owner from `sub`.
 *
 * The user pool is retained on stack deletion, like the photos: owners are `sub`
 * values, and a new pool would give every user a new one, orphaning their photos.
 */
export class Auth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly issuer: string;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    let audience: string[];
    if (props.existingIssuer) {
      if (props.existingIssuer.audience.length === 0) throw new Error('an existing issuer needs an audience');
      this.issuer = props.existingIssuer.issuer;
      audience = props.existingIssuer.audience;
    } else {
      this.userPool = new UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        autoVerify: { email: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        passwordPolicy: { minLength: 12 },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.userPoolClient = this.userPool.addClient('Web', {
        authFlows: { userPassword: true, userSrp: true },
        generateSecret: false,
        preventUserExistenceErrors: true,
        disableOAuth: true,
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(30),
      });
      this.issuer = `https://${this.userPool.userPoolProviderUrl}`;
      audience = [this.userPoolClient.userPoolClientId];
    }
    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, { jwtAudience: audience });
  }
}
