/** A request without a valid identity. Belongs to the HTTP edge, not the domain. */
export class UnauthorizedError extends Error {
  readonly code = 'unauthorized';
  constructor(message = 'a valid bearer token is required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A route- or edge-level refusal that has no domain meaning (unknown preset, unknown route ...). */
export class EdgeError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 409 | 413 | 415,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EdgeError';
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
