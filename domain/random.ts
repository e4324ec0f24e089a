/**
 * A seeded source of randomness: the sim's whole behaviour follows from its seed, so a run (and a
 * test) can be replayed exactly. mulberry32: tiny, fast, and plenty for a demo; not cryptographic.
 */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
};

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Uniform in [min, max). */
export function between(rng: Random, min: number, max: number): number {
  return min + (max - min) * rng.next();
}

/** A whole number in [min, max], both ends included. */
export function intBetween(rng: Random, min: number, max: number): number {
  return Math.floor(between(rng, min, max + 1));
}

/** True with probability `p`. */
export function chance(rng: Random, p: number): boolean {
  return rng.next() < p;
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick: no items to pick from");
  return items[Math.floor(rng.next() * items.length)]!;
}

/** `count` distinct items (fewer if there are fewer), in random order. */
export function sample<T>(rng: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    out.push(pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!);
  }
  return out;
}

/** A standard normal draw (Box-Muller), for GPS noise that clusters near the truth. */
export function normal(rng: Random): number {
  const u = Math.max(rng.next(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * The wait until the next arrival of a Poisson process with `ratePerMinute`: exponentially
 * distributed with mean 60 000 / rate ms, so arrivals are memoryless, as independent customers are.
 */
export function poissonGapMs(rng: Random, ratePerMinute: number): number {
  if (!(ratePerMinute > 0)) throw new Error("ratePerMinute must be > 0");
  const u = Math.max(1 - rng.next(), Number.EPSILON);
  return (-Math.log(u) * 60_000) / ratePerMinute;
}
