// Time as a dependency, so tests can move it and expiry logic never reads Date.now() directly.
export interface Clock {
  now(): Date;
  /**
   * Clocks backed by shared state (the sandbox clock, moved by another process) refresh it. Jobs that
   * act on time (ACH settlement) call it first; plain clocks leave it out.
   */
  sync?(): Promise<void>;
  /**
   * The time without the sandbox's offset, for timestamps other systems check against their own clocks
   * (a webhook JWT's `iat`). Clocks without an offset leave it out: their now() is that time.
   */
  wall?(): Date;
}

/** `clock` as its wall time: what a JWT is stamped and checked with, whatever the sandbox clock says. */
export function wallClock(clock: Clock): Clock {
  return { now: () => clock.wall?.() ?? clock.now() };
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string | number = Date.now()) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(to: Date | string | number): void {
    this.ms = new Date(to).getTime();
  }
}
