/**
 * The emulator's notion of time. Batches move through their lifecycle on emulated time, which
 * runs `scale` times faster than real time (3600: a 24-hour window passes in 24 seconds) and can
 * be pushed forward by hand in tests (`advance`). With `instant`, batches finish on their first
 * read after creation.
 */
export class EmulatorClock {
  readonly scale: number;
  readonly instant: boolean;
  private readonly realStart = Date.now();
  private offsetMs = 0;

  constructor(options: { scale: number; instant: boolean }) {
    this.scale = options.scale;
    this.instant = options.instant;
  }

  /** Emulated time in epoch milliseconds. */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.scale + this.offsetMs;
  }

  /** Emulated time in epoch seconds, as the providers report timestamps. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Moves emulated time forward. */
  advance(milliseconds: number): void {
    if (milliseconds < 0) throw new RangeError('the emulator clock only moves forward');
    this.offsetMs += milliseconds;
  }

  /** Real milliseconds until emulated time reaches `emulatedMs`, or Infinity when the clock is frozen. */
  realDelayUntil(emulatedMs: number): number {
    const remaining = emulatedMs - this.now();
    if (remaining <= 0) return 0;
    return this.scale === 0 ? Number.POSITIVE_INFINITY : remaining / this.scale;
  }
}
