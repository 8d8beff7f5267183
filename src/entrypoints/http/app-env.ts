import type { OwnerId } from '../../domain/owner-id.js';

/** What the API's middleware hands its routes: the caller and the request id. */
export type AppEnv = { Variables: { owner: OwnerId; requestId: string } };
