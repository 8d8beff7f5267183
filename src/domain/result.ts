/**
 * The outcome of an operation whose failure is expected (bad input, a missing
 * photo, an image we cannot read). Infrastructure failures throw instead.
 *
 * @example
 * const r = ByteSize.parse(12);
 * if (!r.ok) return r;
 * use(r.value);
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
