import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { SHORT_RUN, touched, touchRun } from './prefetch.js';
import { RecentSamples } from './recent-samples.js';

/** A Float64Array view that records which indices are read. */
function recording(a: Float64Array): { array: Float64Array; reads: Set<number> } {
  const reads = new Set<number>();
  const array = new Proxy(a, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.add(Number(key));
      const v = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { array, reads };
}

/**
 * Whether `reads` cover every cache line of the index runs of `want` wherever lines start:
 * within each run, the first and last index are read and reads are at most 8 apart.
 */
function coversRuns(want: ReadonlySet<number>, reads: ReadonlySet<number>): boolean {
  const sorted = [...want].sort((x, y) => x - y);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const inRun = [...reads]
      .filter((r) => r >= sorted[i]! && r <= sorted[j]!)
      .sort((x, y) => x - y);
    if (inRun[0] !== sorted[i] || inRun.at(-1) !== sorted[j]) return false;
    for (let r = 1; r < inRun.length; r++) if (inRun[r]! - inRun[r - 1]! > 8) return false;
    i = j + 1;
  }
  return true;
}

describe('touchRun', () => {
  test.prop([fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 100 })])(
    'reads every 64-byte line of the run, and nothing outside it',
    (from, n) => {
      const { array, reads } = recording(new Float64Array(from + n + 8).map((_, i) => i + 1));
      const before = touched();
      touchRun(array, from, n);
      const run = new Set(Array.from({ length: n }, (_, i) => from + i));
      for (const i of reads) expect(run.has(i)).toBe(true);
      expect(coversRuns(run, reads)).toBe(true);
      // What it read is what it summed (the loads are used).
      let sum = 0;
      for (let j = 0; j < n; j += 8) sum += from + j + 1;
      if (n > 0) sum += from + n;
      expect(touched() - before).toBe(sum);
    },
  );
});

describe('RecentSamples.prefetch', () => {
  /** A ring of k samples per series; series 1 gets samples at t = 1…pushes. */
  function ring(k: number, pushes: number) {
    const recent = new RecentSamples(k);
    recent.ensure(2);
    for (const id of [0, 1, 2]) recent.reset(id);
    for (let t = 1; t <= pushes; t++) recent.push(1, t, -t);
    const { array, reads } = recording(recent.data);
    recent.data = array;
    // Sample t (numbered from written - pushes) is in slot (t - 1) % k.
    const slot = (t: number) => (t - 1) % k;
    return { recent, reads, slot };
  }

  test.prop([
    fc.integer({ min: 1, max: 100 }),
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 400 }),
  ])(
    'reads the newest samples of the rings a read from start uses, wrapped or not',
    (k, pushes, start) => {
      const { recent, reads, slot } = ring(k, pushes);
      recent.prefetch([0, 1, 2], start, 0, 3);
      const kept = Math.min(pushes, k);
      const used = kept > 0 && (pushes - kept + 1 <= start || pushes <= k);
      // Timestamps and values of series 1's newest min(kept, SHORT_RUN) samples.
      const want = new Set<number>();
      if (used) {
        for (let t = pushes - Math.min(kept, SHORT_RUN) + 1; t <= pushes; t++) {
          want.add(2 * k + slot(t)).add(2 * k + k + slot(t));
        }
      }
      for (const i of reads) expect(want.has(i)).toBe(true);
      expect(coversRuns(want, reads)).toBe(true);
    },
  );
});
