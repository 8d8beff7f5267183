// The part of oidc-provider (panva/node-oidc-provider, which ships no types)
// that test/support/oidc-provider.ts uses, typed for the root `tsc`.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What `findAccount` returns: the account and the claims the provider may put in tokens. */
  export interface Account {
    readonly accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** A grant: what one account allowed one client. */
  export interface Grant {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { clientId: string; accountId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  /** The Koa context the provider hands to its configuration functions, as far as used. */
  export interface ProviderContext {
    readonly oidc: {
      readonly provider: Provider;
      readonly client: { readonly clientId: string; grantTypeAllowed(type: string): boolean };
      readonly session: { readonly accountId: string; grantIdFor(clientId: string): string | undefined };
      readonly result?: { readonly consent?: { readonly grantId?: string } };
    };
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly Grant: GrantConstructor;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
