/**
 * Base of every expected failure in Pixport. `code` is stable: clients and the
 * HTTP error mapper key on it, so never rename one.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
