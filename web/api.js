/**
 * The page's client for the Pixport HTTP API. Everything that knows about
 * origins, identity headers and problem+json lives here, so the UI code only
 * deals in photos and messages.
 */

const OWNER_KEY = 'pixport.owner';

/**
 * The server's rule for owner ids (src/domain/owner-id.ts): they go into
 * storage and table keys. Checked here so "Acting as" never saves one the API
 * would refuse on every request.
 */
const OWNER_ID = /^[A-Za-z0-9_][A-Za-z0-9._@:|+=-]{0,127}$/;
export const OWNER_ID_RULE =
  '1-128 letters, digits and . _ @ : | + = -, not starting with a dot (no spaces or emoji)';

/** @param {string} value */
export const isOwnerId = (value) => OWNER_ID.test(value);

/** A refusal from the API, carrying the problem document's `detail` for the user. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} detail
   * @param {number} [partNumber] the part at fault, when completing a multipart upload
   */
  constructor(status, code, detail, partNumber) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.partNumber = partNumber;
  }
}

/**
 * The page may call the API no more: the session cannot be refreshed (or the
 * API refused even a fresh token). The sign-in screen says so; callers only
 * stop what they were doing.
 */
export class SessionEndedError extends Error {
  constructor() {
    super('Your session ended — sign in again');
    this.name = 'SessionEndedError';
  }
}

/**
 * A failure in words for the user: the API's own sentence when it gave one. A
 * TypeError is what fetch throws when no answer came at all.
 *
 * @param {unknown} error
 */
export function messageOf(error) {
  if (error instanceof ApiError || error instanceof SessionEndedError) return error.message;
  if (error instanceof TypeError) return 'the server could not be reached.';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a failed response as problem+json when it is one; a proxy or a CDN may
 * answer with HTML or nothing, and the user still deserves a sentence.
 *
 * @param {Response} res
 * @returns {Promise<ApiError>}
 */
export async function problemOf(res) {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && typeof body.detail === 'string')
      return new ApiError(res.status, body.code ?? '', body.detail, body.partNumber);
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(res.status, '', `the server answered ${res.status} ${res.statusText}`.trim());
}

/**
 * A photo or a video as the API describes it; `urls` are signed and expire. `labels`,
 * `moderation` and `analysis` come once the analysis consumer has seen it
 * (labels most confident first); `rejected` is a photo moderation holds under
 * a blocking policy: `failure` says why and nothing of it is served. A video
 * (`kind: 'video'`) has its length in `durationMs` and its display size once
 * probed; once ready, its `renditions` and `placeholder` are its poster
 * frame's, and `urls.video.mp4` the MP4 a browser plays.
 *
 * @typedef {{ name: string, confidence: number, parents: string[] }} Label
 * @typedef {{ name: string, parent: string, confidence: number, taxonomyLevel: number }} ModerationLabel
 * @typedef {{ verdict: 'allow' | 'review' | 'block', labels: ModerationLabel[], modelVersion: string }} Moderation
 * @typedef {{ id: string, kind?: 'photo' | 'video', filename: string, contentType: string, size: number,
 *   status: 'pending' | 'processing' | 'ready' | 'failed' | 'rejected',
 *   width?: number, height?: number, durationMs?: number, placeholder?: string,
 *   failure?: { code: string, message: string },
 *   renditions?: { preset: string, width: number, height: number }[],
 *   labels?: Label[], moderation?: Moderation, analysis?: { status: 'done' | 'failed', reason?: string },
 *   urls?: { original: string, thumbnails: Record<string, string>, video?: { mp4: string } } }} Photo
 */

/**
 * How `POST /uploads` says to send the bytes: one signed request, or parts.
 *
 * @typedef {{ method: 'PUT' | 'POST', url: string, headers?: Record<string, string>,
 *   fields?: Record<string, string>, expiresAt: string }} SingleTarget
 * @typedef {{ method: 'MULTIPART', partSize: number, partCount: number, expiresAt: string }} MultipartPlan
 * @typedef {SingleTarget | MultipartPlan} UploadPlan
 * @typedef {{ partNumber: number, etag: string, size: number }} ReceivedPart
 * @typedef {{ partNumber: number, url: string, headers?: Record<string, string> }} SignedPart
 */

/**
 * JWT mode's sign-in settings (see web/auth.js): the issuer and the page's
 * public client there, where the provider sends the browser back, and the
 * endpoints an issuer's discovery may lack.
 *
 * @typedef {{ mode: 'jwt', issuer: string, clientId: string, scope: string, redirectUri: string,
 *   logoutUri: string, endSessionEndpoint?: string, signUpEndpoint?: string }} JwtAuth
 * `analysis`: whether uploads are analysed (absent from an older server: maybe, so the page waits a while).
 * `video`: whether videos are accepted (absent: yes; the server says so when it refuses one).
 * `limits`: the largest photo and the largest video the service takes, where it says (else its defaults).
 *
 * @typedef {{ apiBase: string, auth: { mode: 'dev' } | JwtAuth, analysis?: boolean, video?: boolean,
 *   limits?: { maxOriginalBytes?: number, video?: { maxBytes?: number } } }} PageConfig
 */

/**
 * How the Api proves who is asking in JWT mode (web/auth.js owns the tokens):
 * `token` gives a current access token, `unauthorized` one after the API
 * refused `token` (refreshing once for all who saw it), and `end` gives up.
 *
 * @typedef {{ token: () => Promise<string>, unauthorized: (refused: string) => Promise<string>,
 *   end: () => void }} Credentials
 */

/**
 * Loads `config.json` from beside the page: the same files are served by the
 * dev server and by CloudFront, and only this document says where the API is.
 *
 * @returns {Promise<PageConfig>}
 */
export async function loadConfig() {
  const res = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  const config = await res.json();
  const auth = config.auth?.mode === 'jwt' ? config.auth : { mode: 'dev' };
  const analysis = typeof config.analysis === 'boolean' ? { analysis: config.analysis } : {};
  const video = typeof config.video === 'boolean' ? { video: config.video } : {};
  return { apiBase: config.apiBase ?? '', auth, ...analysis, ...video, limits: config.limits };
}

/**
 * Talks to one API: in dev mode as the owner kept in localStorage (so a reload
 * keeps who you act as), in JWT mode with the bearer tokens of `credentials`.
 */
export class Api {
  /**
   * @param {PageConfig} config
   * @param {Credentials} [credentials] JWT mode's tokens
   */
  constructor(config, credentials) {
    this.mode = config.auth.mode;
    this.credentials = credentials;
    // '' means same origin; otherwise a base such as https://api.example.com/prod.
    this.base = config.apiBase.replace(/\/+$/, '');
    this.origin = this.base ? new URL(this.base, location.href).origin : location.origin;
  }

  /** The owner id acted as in dev mode; one an older page saved that the API refuses counts as none. */
  get owner() {
    const saved = localStorage.getItem(OWNER_KEY) ?? '';
    return isOwnerId(saved) ? saved : '';
  }

  set owner(value) {
    if (value && !isOwnerId(value)) throw new RangeError(`not an owner id: ${value}`);
    if (value) localStorage.setItem(OWNER_KEY, value);
    else localStorage.removeItem(OWNER_KEY);
  }

  /**
   * This Api, pinned to the owner it acts as now: an upload keeps talking as
   * the owner who started it after "Acting as" switches. JWT mode's tokens
   * are the session's either way.
   *
   * @returns {Api}
   */
  pinned() {
    return Object.create(this, { owner: { value: this.owner } });
  }

  /**
   * A URL the API handed out (signed file URLs, upload targets) may be relative
   * to the API's origin, not to the page, which can live on another host.
   *
   * @param {string} url
   */
  resolve(url) {
    return new URL(url, `${this.origin}/`).href;
  }

  /**
   * @param {string} path
   * @param {RequestInit & { json?: unknown }} init
   * @param {string} [token]
   */
  send(path, init, token) {
    const headers = /** @type {Record<string, string>} */ ({ Accept: 'application/json', ...init.headers });
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (this.mode === 'dev' && this.owner) headers['X-Owner-Id'] = this.owner;
    let body = init.body;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    return fetch(`${this.base}${path}`, { ...init, headers, body });
  }

  /**
   * One API call. A 401 in JWT mode gets one silent refresh and one retry; a
   * 401 to the fresh token too ends the session instead of refreshing again,
   * so a token the API will never take cannot make the page loop.
   *
   * @param {string} path
   * @param {RequestInit & { json?: unknown }} [init]
   */
  async request(path, init = {}) {
    const { credentials } = this;
    let token = credentials ? await credentials.token() : undefined;
    let res = await this.send(path, init, token);
    if (res.status === 401 && credentials && token) {
      token = await credentials.unauthorized(token);
      res = await this.send(path, init, token);
      if (res.status === 401) {
        credentials.end();
        throw new SessionEndedError();
      }
    }
    if (!res.ok) throw await problemOf(res);
    return res.status === 204 ? undefined : res.json();
  }

  /**
   * A page of the owner's photos, newest first; with `label`, only those analysis gave it (any case).
   *
   * @param {{ limit?: number, cursor?: string, label?: string }} page
   * @returns {Promise<{ items: Photo[], nextCursor?: string }>}
   */
  listPhotos({ limit = 24, cursor, label } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    if (label) query.set('label', label);
    return this.request(`/photos?${query}`);
  }

  /**
   * @param {string} id
   * @returns {Promise<Photo>}
   */
  getPhoto(id) {
    return this.request(`/photos/${encodeURIComponent(id)}`);
  }

  /** @param {string} id */
  deletePhoto(id) {
    return this.request(`/photos/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  /** @param {{ filename: string, contentType: string, size: number }} file */
  registerUpload(file) {
    return this.request('/uploads', { method: 'POST', json: file });
  }

  /**
   * Where an upload stands, to resume it: `receivedParts`, and no `upload` once its bytes have landed.
   *
   * @param {string} id
   * @returns {Promise<{ photo: Photo, upload?: UploadPlan, receivedParts: ReceivedPart[] }>}
   */
  getUpload(id) {
    return this.request(`/uploads/${encodeURIComponent(id)}`);
  }

  /**
   * Signed URLs of up to 100 parts of a multipart upload.
   *
   * @param {string} id
   * @param {number[]} partNumbers
   * @returns {Promise<{ parts: SignedPart[], expiresAt: string }>}
   */
  signParts(id, partNumbers) {
    return this.request(`/uploads/${encodeURIComponent(id)}/parts`, {
      method: 'POST',
      json: { partNumbers },
    });
  }

  /**
   * Joins the parts; safe to repeat. A 400 names the part at fault in `partNumber`.
   *
   * @param {string} id
   * @param {{ partNumber: number, etag: string }[]} parts
   * @returns {Promise<{ photo: Photo }>}
   */
  completeUpload(id, parts) {
    return this.request(`/uploads/${encodeURIComponent(id)}/complete`, { method: 'POST', json: { parts } });
  }

  /**
   * Cancels an upload that has not completed: its parts and its photo go. A 409 once it has.
   *
   * @param {string} id
   */
  abortUpload(id) {
    return this.request(`/uploads/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
}
