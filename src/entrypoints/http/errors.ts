/** A request without a valid identity. Belongs to the HTTP edge, not the domain. */
export class UnauthorizedError extends Error {
  readonly code = 'unauthorized';
  constructor(message = 'a valid bearer token is required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A signed `/files` URL whose object is gone (deleted since it was signed). */
export class FileNotFoundError extends Error {
  readonly code = 'file-not-found';
  constructor(message = 'the file does not exist (any more)') {
    super(message);
    this.name = 'FileNotFoundError';
  }
}

/** An upload sent with another Content-Type than the one its URL was signed for. */
export class ContentTypeMismatchError extends Error {
  readonly code = 'content-type-mismatch';
  readonly field = 'Content-Type';
  constructor(readonly expected: string) {
    super(`this upload must be sent as ${expected}`);
    this.name = 'ContentTypeMismatchError';
  }
}

/** An upload of another size than the one its URL was signed for. */
export class SizeMismatchError extends Error {
  readonly code = 'size-mismatch';
  readonly field = 'Content-Length';
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`expected exactly ${expected} bytes, got ${received}`);
    this.name = 'SizeMismatchError';
  }
}

/**
 * The client went away while its body was being read (a cancelled upload, a
 * closed tab): its fault, not the server's, and nobody is left to read the answer.
 */
export class RequestAbortedError extends Error {
  readonly code = 'request-aborted';
  constructor(options?: { cause?: unknown }) {
    super('the request body ended before it was complete: the client aborted it', options);
    this.name = 'RequestAbortedError';
  }
}

/** No route has this path. */
export class RouteNotFoundError extends Error {
  readonly code = 'route-not-found';
  constructor(message = 'no such route') {
    super(message);
    this.name = 'RouteNotFoundError';
  }
}

/** A route has this path, but not this method; `allow` lists the methods it has. */
export class MethodNotAllowedError extends Error {
  readonly code = 'method-not-allowed';
  constructor(
    readonly method: string,
    readonly allow: readonly string[],
  ) {
    super(`${method} is not allowed here; use ${allow.join(', ')}`);
    this.name = 'MethodNotAllowedError';
  }
}

/** A `Range` that starts past the end of the file; `size` is the file's, for `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiableError extends Error {
  readonly code = 'range-not-satisfiable';
  constructor(readonly size: number) {
    super(`the range asked for starts past the end of the file (${size} bytes)`);
    this.name = 'RangeNotSatisfiableError';
  }
}
