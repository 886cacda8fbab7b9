import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { columnStorage, regular } from '../../test/array-storage.js';
import { evaluate, evaluateRange } from '../index.js';
import type { SeriesColumns, Storage } from '../storage.js';

const S = 1000;
/** Bytes of state each read keeps (see statefulStorage). */
const STATE = 64 << 10;

/**
 * A storage whose every column read keeps 64 KiB of state on the JavaScript heap for its
 * copy function (as an adapter's decoding buffers would): a read the engine keeps
 * referenced after its query shows as that much memory kept.
 */
function statefulStorage(): Storage {
  const base = columnStorage(
    Array.from({ length: 50 }, (_, i) => ({
      labels: { __name__: 'x_total', instance: `i${i}` },
      samples: regular(
        15 * S,
        Array.from({ length: 81 }, (_, j) => j * (i + 1)),
      ),
    })),
  );
  return Object.assign(Object.create(base) as Storage, {
    selectColumns(...args: Parameters<NonNullable<Storage['selectColumns']>>): SeriesColumns {
      const c = base.selectColumns!(...args) as SeriesColumns;
      const state = new Array<number>(STATE / 8).fill(0.5);
      return {
        labels: c.labels,
        offsets: c.offsets,
        copy(from, to, ts, values) {
          state[from] = to;
          c.copy(from, to, ts, values);
        },
      };
    },
  });
}

/**
 * Bytes that the young-generation collections during `run` moved to the old generation.
 * Objects get there at their second young collection, that is only when still referenced
 * long after they were made; counted per young collection, so that a full collection
 * (which would free them again) does not hide them.
 */
async function promotedDuring(run: () => Promise<void>): Promise<number> {
  const profiler = new v8.GCProfiler();
  profiler.start();
  await run();
  let bytes = 0;
  const old = (spaces: readonly { spaceName: string; spaceUsedSize: number }[]) =>
    spaces
      .filter((s) => s.spaceName === 'old_space' || s.spaceName === 'lo_space')
      .reduce((sum, s) => sum + s.spaceUsedSize, 0);
  for (const r of profiler.stop().statistics) {
    if (r.gcType !== 'Scavenge') continue;
    bytes += old(r.afterGC.heapSpaceStatistics) - old(r.beforeGC.heapSpaceStatistics);
  }
  return bytes;
}

describe('what a query keeps after it ends', () => {
  // 400 instant and 400 range queries read 800 × 64 KiB = 50 MiB of state. When each
  // range selector's value had a hidden class of its own (an object literal with a getter,
  // see SourcedRange), these runs promoted 40–62 MiB; now 0.1–5 MiB (up to 12 once), what
  // was in flight at a young collection, and what V8 itself keeps.
  const QUERIES = 400;
  const storage = statefulStorage();
  const t = 20 * 60 * S;

  it.each([
    ['a range function over a range selector', 'rate(x_total[5m])'],
    ['a subquery', 'max_over_time(rate(x_total[1m])[5m:1m])'],
    ['an instant selector', 'x_total'],
  ])('nothing of its storage reads: %s', async (_, query) => {
    for (let i = 0; i < 20; i++) await evaluate(query, storage, t);
    const promoted = await promotedDuring(async () => {
      for (let i = 0; i < QUERIES; i++) {
        await evaluate(query, storage, t);
        await evaluateRange(query, storage, { start: t - 5 * 60 * S, end: t, stepMs: 60 * S });
      }
    });
    expect(promoted).toBeLessThan((QUERIES * 2 * STATE) / 2);
  });
});
