import { expect } from 'vitest';
import type { Result } from '../../src/domain/result.js';

/** The value of a Result that must be ok; fails the test with the error otherwise. */
export function expectOk<T, E>(result: Result<T, E>): T {
  if (!result.ok) expect.fail(`expected ok, got ${String(result.error)}`);
  return result.value;
}

/** The error of a Result that must have failed, checked to be an instance of `type`. */
export function expectErr<T, E, C extends E>(
  result: Result<T, E>,
  type: abstract new (...args: never[]) => C,
): C {
  if (result.ok) expect.fail(`expected a ${type.name}, got ok`);
  expect(result.error).toBeInstanceOf(type);
  return result.error as C;
}
