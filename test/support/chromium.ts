import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, as the browser tests drive it. Without the
 * background-networking flags it tries Google's hosts at every start, which
 * this machine's closed network refuses many times over.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
