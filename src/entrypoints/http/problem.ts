import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod';
import { DomainError } from '../../domain/domain-error.js';
import {
  FileTooLargeError,
  InvalidCursorError,
  InvalidInputError,
  InvalidSignatureError,
  NotMultipartUploadError,
  PhotoFailedError,
  PhotoNotFoundError,
  PhotoNotReadyError,
  PhotoRejectedError,
  PresetNotFoundError,
  QuotaExceededError,
  UnsupportedMediaTypeError,
  UploadAlreadyReceivedError,
  UploadExpiredError,
  UploadMissingError,
  UploadPartMismatchError,
  UploadPartMissingError,
} from '../../domain/errors.js';
import {
  ContentTypeMismatchError,
  FileNotFoundError,
  MethodNotAllowedError,
  RangeNotSatisfiableError,
  RequestAbortedError,
  RouteNotFoundError,
  SizeMismatchError,
  UnauthorizedError,
} from './errors.js';

/** An RFC 9457 problem document, with Pixport's stable `code`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  /** The part at fault (RFC 9457 extension member), when completing a multipart upload. */
  partNumber?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

const problem = (status: number, code: string, detail: string, field?: string): ProblemBody => ({
  type: `https://pixport.dev/problems/${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  code,
  ...(field ? { field } : {}),
});

/** The one place where errors become HTTP status codes. Unknown errors are 500 and say nothing inside. */
export function toProblem(error: unknown): { body: ProblemBody; headers?: Record<string, string> } {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const keys = issue && 'keys' in issue ? (issue.keys as string[]) : [];
    const field = keys.length > 0 ? keys.join(', ') : path;
    const detail =
      keys.length > 0 ? `unknown field ${field}` : `${field || 'input'}: ${issue?.message ?? 'invalid'}`;
    return { body: problem(400, 'invalid-input', detail, field || undefined) };
  }
  if (error instanceof DomainError) {
    if (error instanceof InvalidInputError)
      return { body: problem(400, error.code, error.message, error.field) };
    if (error instanceof InvalidCursorError)
      return { body: problem(400, error.code, error.message, 'cursor') };
    if (error instanceof InvalidSignatureError) return { body: problem(403, error.code, error.message) };
    if (error instanceof PhotoNotFoundError) return { body: problem(404, error.code, error.message) };
    if (error instanceof PresetNotFoundError)
      return { body: problem(404, error.code, error.message, 'preset') };
    // Moderation blocked it: its files are as good as gone.
    if (error instanceof PhotoRejectedError) return { body: problem(404, error.code, error.message) };
    if (error instanceof PhotoFailedError) return { body: problem(409, error.code, error.message) };
    if (error instanceof PhotoNotReadyError) {
      return { body: problem(409, error.code, error.message), headers: { 'Retry-After': '2' } };
    }
    if (
      error instanceof UploadMissingError ||
      error instanceof UploadAlreadyReceivedError ||
      error instanceof NotMultipartUploadError
    ) {
      return { body: problem(409, error.code, error.message) };
    }
    if (error instanceof UploadPartMissingError || error instanceof UploadPartMismatchError) {
      return { body: { ...problem(400, error.code, error.message, 'parts'), partNumber: error.partNumber } };
    }
    if (error instanceof UploadExpiredError) return { body: problem(410, error.code, error.message) };
    if (error instanceof FileTooLargeError) return { body: problem(413, error.code, error.message) };
    // One photo too many is a 429 (no Retry-After: room comes from deleting photos); a file
    // whose bytes do not fit in what is left is a 413.
    if (error instanceof QuotaExceededError)
      return { body: problem(error.limit === 'photos' ? 429 : 413, error.code, error.message) };
    if (error instanceof UnsupportedMediaTypeError) return { body: problem(415, error.code, error.message) };
    return { body: problem(400, error.code, error.message) };
  }
  if (error instanceof UnauthorizedError) {
    return { body: problem(401, error.code, error.message), headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (error instanceof RouteNotFoundError) return { body: problem(404, error.code, error.message) };
  if (error instanceof MethodNotAllowedError) {
    return { body: problem(405, error.code, error.message), headers: { Allow: error.allow.join(', ') } };
  }
  if (error instanceof FileNotFoundError) return { body: problem(404, error.code, error.message) };
  if (error instanceof RangeNotSatisfiableError) {
    return {
      body: problem(416, error.code, error.message, 'Range'),
      headers: { 'Content-Range': `bytes */${error.size}` },
    };
  }
  if (error instanceof ContentTypeMismatchError)
    return { body: problem(415, error.code, error.message, error.field) };
  if (error instanceof SizeMismatchError)
    return { body: problem(400, error.code, error.message, error.field) };
  if (error instanceof RequestAbortedError) return { body: problem(400, error.code, error.message) };
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 413 ? 'file-too-large' : 'bad-request';
    return { body: problem(error.status, code, error.message || TITLES[error.status] || 'request refused') };
  }
  return { body: problem(500, 'internal', 'something went wrong on our side; it has been logged') };
}

/** A problem+json Response. */
export function problemResponse(error: unknown, requestId?: string): Response {
  const { body, headers } = toProblem(error);
  return new Response(JSON.stringify(requestId ? { ...body, requestId } : body), {
    status: body.status as ContentfulStatusCode,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}
