import { spawn } from 'node:child_process';

/** How an ffmpeg run ended. */
export type FfmpegExit =
  | { readonly kind: 'ok' }
  /** ffmpeg refused or failed: a non-zero exit code, with what it said last. */
  | { readonly kind: 'failed'; readonly code: number; readonly stderr: string }
  /** Ended by a signal nobody here sent (out of memory, a shutdown): may pass on another try. */
  | { readonly kind: 'killed'; readonly signal: string; readonly stderr: string }
  /** Ran past the timeout and was ended. */
  | { readonly kind: 'timed-out'; readonly stderr: string }
  /** The binary could not be started (missing, not executable). */
  | { readonly kind: 'not-started'; readonly message: string };

/** The bytes of stderr kept: ffmpeg at `-loglevel error` says little, but a damaged file repeats itself. */
const STDERR_TAIL_BYTES = 8192;

/**
 * The last `lines` lines of ffmpeg's stderr, with the pointer addresses
 * ffmpeg prints (`[h264 @ 0x55d0c0]`) dropped so that reasons read the same
 * each time, joined with "; ".
 *
 * @example lastLines('[h264 @ 0x1d02] Error splitting the input into NAL units.\n', 3)
 * // '[h264] Error splitting the input into NAL units.'
 */
export function lastLines(stderr: string, lines = 3): string {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.replace(/ @ 0x[0-9a-f]+\]/gi, ']').trim())
    .filter((line) => line.length > 0)
    .slice(-lines)
    .join('; ');
}

/**
 * Runs ffmpeg with these arguments; resolves with how it ended, never
 * rejects. stderr is kept to its last 8 KiB; stdout is ignored.
 */
export function runFfmpeg(path: string, args: readonly string[], timeoutMs: number): Promise<FfmpegExit> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'not-started', message: error.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ kind: 'timed-out', stderr });
      else if (signal) resolve({ kind: 'killed', signal, stderr });
      else if (code === 0) resolve({ kind: 'ok' });
      else resolve({ kind: 'failed', code: code ?? -1, stderr });
    });
  });
}
