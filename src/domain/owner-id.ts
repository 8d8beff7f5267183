import { InvalidInputError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** Who owns a photo: an identity's subject (a Cognito `sub`, `auth0|123`, or a dev name). */
export type OwnerId = string & { readonly __brand: 'OwnerId' };

// Owner ids go into storage keys and table keys, so no '/', no '#', no leading dot, no spaces.
const OWNER_ID = /^[A-Za-z0-9_][A-Za-z0-9._@:|+=-]{0,127}$/;

export const OwnerId = {
  pattern: OWNER_ID,
  parse(value: unknown): Result<OwnerId, InvalidInputError> {
    if (typeof value !== 'string' || !OWNER_ID.test(value)) {
      return err(
        new InvalidInputError(
          'owner id must be 1-128 characters of letters, digits and ._@:|+=- and not start with a dot',
          'ownerId',
        ),
      );
    }
    return ok(value as OwnerId);
  },
};
