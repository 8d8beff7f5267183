/** The time, from a port so that tests and every runtime agree on it. */
export interface Clock {
  now(): Date;
}
