import { type RandomSource, randomToken, seededRandom } from '../core/random.js';

/** Identifiers in each provider's own format, reproducible from the emulator's seed. */
export class IdGenerator {
  private readonly random: RandomSource;

  constructor(seed: number) {
    this.random = seededRandom(`ids:${seed}`);
  }

  /** `prefix` followed by `length` base-62 characters, e.g. `file-…`, `batch_…`, `msgbatch_01…`. */
  next(prefix: string, length = 24): string {
    return prefix + randomToken(this.random, length);
  }
}
