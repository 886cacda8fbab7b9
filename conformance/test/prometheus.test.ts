/**
 * Integration test against a real Prometheus 3.5.3 (Debian's package, installed without
 * root by scripts/prometheus/install.sh): generate a small dataset, backfill it with
 * promtool, start the server, check that it holds exactly the samples the `MemoryStorage`
 * holds, run a handful of corpus queries, stop it by its PID. Needs Debian's package
 * mirror the first time; fails with the installer's message when it cannot be reached.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Labels, QueryResult } from '@promql-ts/engine';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PrometheusClient } from '../src/differential/client.js';
import { generateCorpus } from '../src/differential/corpus.js';
import {
  diffQueryValues,
  type QueryTarget,
  runDifferentialCase,
} from '../src/differential/diff.js';
import { type Dataset, generateDataset, loadDataset } from '../src/differential/generate.js';
import {
  compareSamples,
  readPrometheusSamples,
  readStorageSamples,
} from '../src/differential/samples.js';
import {
  installPrometheus,
  type PrometheusServer,
  startPrometheus,
  stopPrometheus,
  writeOpenMetricsFile,
} from '../src/differential/server.js';

const VERSION = '3.5.3';
let dir: string;
let server: PrometheusServer | undefined;
let client: PrometheusClient;
let data: Dataset;
const storage = new MemoryStorage();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promql-ts-conformance-'));
  try {
    await installPrometheus(VERSION, 100_000);
  } catch (e) {
    throw new Error(
      `Could not install Prometheus ${VERSION} from Debian's packages (is the Debian mirror reachable?): ${(e as Error).message}`,
    );
  }
  data = generateDataset({ seed: 42, instances: 3, durationMs: 2 * 3600_000, intervalMs: 15_000 });
  loadDataset(storage, data);
  const om = join(dir, 'data.om');
  await writeOpenMetricsFile(data, om);
  server = await startPrometheus(VERSION, { runDir: join(dir, 'run'), backfill: om });
  client = new PrometheusClient(server.url, { timeoutMs: 20_000 });
}, 110_000);

afterAll(async () => {
  if (server !== undefined) {
    await stopPrometheus(server);
    expect(() => process.kill(server!.pid, 0)).toThrow();
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 60_000);

/**
 * An independent answer to a few queries, computed from the generated samples: instant
 * selectors with the 5-minute lookback and `sum_over_time` over left-open windows.
 */
function oracle(dataset: Dataset): QueryTarget {
  const lastIn = (ts: Float64Array, from: number, to: number): number => {
    let k = -1;
    for (let i = 0; i < ts.length; i++) if (ts[i]! > from && ts[i]! <= to) k = i;
    return k;
  };
  const withoutName = (l: Labels) => l.filter((x) => x.name !== '__name__');
  const answer = (query: string, t: number): QueryResult['value'] => {
    const m = /^(up|sum_over_time\(up\[15m\]\))$/.exec(query);
    if (m === null) throw new Error(`the oracle does not know ${query}`);
    const ups = dataset.series.filter((s) =>
      s.labels.some((l) => l.name === '__name__' && l.value === 'up'),
    );
    const samples = [];
    for (const s of ups) {
      if (query === 'up') {
        const k = lastIn(s.timestamps, t - 300_000, t);
        if (k >= 0) samples.push({ metric: s.labels, t, v: s.values[k]! });
      } else {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < s.timestamps.length; i++) {
          if (s.timestamps[i]! > t - 900_000 && s.timestamps[i]! <= t) {
            sum += s.values[i]!;
            n++;
          }
        }
        if (n > 0) samples.push({ metric: withoutName(s.labels), t, v: sum });
      }
    }
    return { type: 'vector', samples };
  };
  const wrap = (value: QueryResult['value']): QueryResult => ({
    query: '',
    value,
    warnings: [],
    infos: [],
    stats: {
      totalQueryableSamples: 0,
      peakSamples: 0,
      timings: { parseMs: 0, planMs: 0, evalMs: 0, totalMs: 0 },
    },
  });
  return {
    instant: async (q, t) => wrap(answer(q, t)),
    range: async (q, r) => {
      const byKey = new Map<string, { metric: Labels; ts: number[]; vs: number[] }>();
      for (let t = r.startMs; t <= r.endMs; t += r.stepMs) {
        const v = answer(q, t);
        if (v.type !== 'vector') continue;
        for (const s of v.samples) {
          const k = JSON.stringify(s.metric);
          const e = byKey.get(k) ?? { metric: s.metric, ts: [], vs: [] };
          e.ts.push(t);
          e.vs.push(s.v);
          byKey.set(k, e);
        }
      }
      const series = [...byKey.values()].map((e) => ({
        metric: e.metric,
        timestamps: Float64Array.from(e.ts),
        values: Float64Array.from(e.vs),
      }));
      return wrap({ type: 'matrix', series });
    },
  };
}

describe(`Prometheus ${VERSION} from Debian`, () => {
  test('runs the expected version', async () => {
    const info = await client.buildInfo();
    expect(info.version.startsWith(VERSION)).toBe(true);
  });

  test('holds exactly the samples the MemoryStorage holds', async () => {
    const fromPrometheus = await readPrometheusSamples(client, data.startMs, data.endMs);
    const fromMemory = await readStorageSamples(storage, data.startMs, data.endMs);
    const c = compareSamples(fromMemory, fromPrometheus);
    expect(c.differences).toEqual([]);
    expect(c.series).toBe(data.series.length);
    expect(c.samples).toBe(data.samples);
  });

  test('answers a handful of corpus queries: failures where expected, results otherwise', async () => {
    const wanted = new Set([
      'aggr-rate',
      'histogram-quantile-sum',
      'subquery',
      'set-op-plain',
      'label-replace',
      'many-to-many',
      'matcher-empty',
      'at',
    ]);
    const corpus = generateCorpus({
      startMs: data.startMs,
      endMs: data.endMs,
      instantTimes: 1,
    }).filter((c) => wanted.has(c.template));
    expect(corpus.length).toBeGreaterThanOrEqual(12);
    for (const c of corpus) {
      const run =
        c.mode === 'instant'
          ? client.instant(c.query, c.timeMs)
          : client.range(c.query, { startMs: c.startMs, endMs: c.endMs, stepMs: c.stepMs });
      if (c.shouldFail) {
        await expect(run, c.id).rejects.toThrow();
      } else {
        const r = await run;
        const size =
          r.value.type === 'vector'
            ? r.value.samples.length
            : r.value.type === 'matrix'
              ? r.value.series.length
              : 1;
        expect(size, c.id).toBeGreaterThan(0);
      }
    }
  });

  test('agrees with an independent computation from the generated samples', async () => {
    const reference = oracle(data);
    const t = data.startMs + 3600_000;
    for (const query of ['up', 'sum_over_time(up[15m])']) {
      const ours = await reference.instant(query, t);
      const theirs = await client.instant(query, t);
      expect(diffQueryValues(theirs.value, ours.value), query).toEqual([]);
      const r = await runDifferentialCase(
        {
          id: `${query}:range`,
          template: 'oracle',
          query,
          mode: 'range',
          timeMs: data.endMs,
          startMs: data.startMs,
          endMs: data.endMs,
          stepMs: 60_000,
          shouldFail: false,
          orderMatters: false,
        },
        client,
        reference,
      );
      expect(r.differences, query).toEqual([]);
      expect(r.status).toBe('match');
    }
  });
});
