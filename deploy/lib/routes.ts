/** One API Gateway route of the HTTP API; `path` in API Gateway syntax. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  readonly path: string;
  /** Reachable without a token. */
  readonly public?: true;
}

/**
 * The routes of the HTTP API: those of the app's OpenAPI document
 * (src/entrypoints/http/openapi.ts; a test keeps the two in step), plus the CORS
 * preflight, which the app's CORS middleware answers. Explicit routes rather than
 * `ANY /{proxy+}`, so the authorizer sits on each one and nothing unlisted is
 * reachable through API Gateway.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/health', public: true },
  { method: 'GET', path: '/openapi.json', public: true },
  { method: 'OPTIONS', path: '/{proxy+}', public: true },
  { method: 'POST', path: '/uploads' },
  { method: 'GET', path: '/uploads/{id}' },
  { method: 'DELETE', path: '/uploads/{id}' },
  { method: 'POST', path: '/uploads/{id}/parts' },
  { method: 'POST', path: '/uploads/{id}/complete' },
  { method: 'POST', path: '/photos' },
  { method: 'GET', path: '/photos' },
  { method: 'GET', path: '/photos/{id}' },
  { method: 'DELETE', path: '/photos/{id}' },
  { method: 'GET', path: '/photos/{id}/original' },
  { method: 'GET', path: '/photos/{id}/thumbnails/{preset}' },
];
