/** Where and how a client sends an original's bytes. */
export interface UploadTarget {
  readonly method: 'PUT' | 'POST';
  /** Absolute, or relative to the API's origin. */
  readonly url: string;
  /** Headers the client must send with a PUT. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Form fields the client must send before the file with a POST. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** One object to read, as {@link UrlSigner.signGets} takes it. */
export interface SignGetRequest {
  readonly key: string;
  readonly downloadName?: string;
  readonly contentType?: string;
}

/** Short-lived URLs for reading and writing objects without the API in the path. */
export interface UrlSigner {
  /** A URL that reads the object; `downloadName` asks the browser to save it under that name. */
  signGet(key: string, options?: { downloadName?: string; contentType?: string }): Promise<string>;
  /**
   * The URLs `signGet` would give for each request, in order, at one instant:
   * a gallery page's 80-100 URLs in one call, which reads the clock once and
   * waits once rather than per URL.
   */
  signGets(requests: readonly SignGetRequest[]): Promise<string[]>;
  /** A target that accepts exactly `size` bytes of `contentType` for the key, until it expires. */
  signUpload(key: string, options: { contentType: string; size: number }): Promise<UploadTarget>;
}
