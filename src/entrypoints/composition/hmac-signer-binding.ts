import type { Bind } from 'inversify';
import { HmacUrlSigner, type HmacUrlSignerConfig } from '../../adapters/crypto/hmac-url-signer.js';
import { TOKENS as T } from './tokens.js';

/**
 * Binds the HMAC URL signer as the UrlSigner, and as itself for the `/files`
 * routes that verify its URLs: the memory and Cloudflare families both sign
 * this way, on the core's Clock.
 *
 * @example
 * new ContainerModule(({ bind }) => bindHmacUrlSigner(bind, { secret, baseUrl: '/files' }));
 */
export function bindHmacUrlSigner(bind: Bind, config: HmacUrlSignerConfig): void {
  bind(T.HmacUrlSigner)
    .toResolvedValue((clock) => new HmacUrlSigner(config, clock), [T.Clock])
    .inSingletonScope();
  bind(T.UrlSigner).toService(T.HmacUrlSigner);
}
