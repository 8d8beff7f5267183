import type { Clock } from '../../src/application/ports/clock.js';

/**
 * A Clock that only moves when a test moves it, so expiries and timestamps are
 * exact. `now()` returns a copy: callers cannot move the clock by accident.
 *
 * It starts at a fixed 2026 date. Start it at `Date.now()` where something
 * outside the clock's reach compares with the wall clock: the UrlSigner
 * contract checks that a target's `expiresAt` lies ahead of `Date.now()`.
 *
 * @example
 * const clock = new ManualClock(Date.now());
 * clock.advance(61_000); // a 60 s signed URL has now expired
 */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | number = Date.parse('2026-03-01T12:00:00Z')) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }

  set(at: Date | number): void {
    this.ms = typeof at === 'number' ? at : at.getTime();
  }
}
