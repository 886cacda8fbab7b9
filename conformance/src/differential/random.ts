/**
 * A small seeded pseudo-random generator (SplitMix32-style mixing of a 32-bit counter), so
 * that generated data and corpora are identical on every machine and run.
 */

/** A deterministic source of random numbers. */
export class Random {
  #state: number;

  /** A generator for `seed`; generators with different seeds give unrelated sequences. */
  constructor(seed: number) {
    this.#state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  }

  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A normally distributed value (Box–Muller). */
  normal(mean = 0, stddev = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A generator derived from this one and `salt`, independent of later draws here. */
  fork(salt: number): Random {
    return new Random((this.#state ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}
