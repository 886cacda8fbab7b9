/**
 * Differential runs of promql-ts against real Prometheus servers (Debian's packages,
 * installed without root by scripts/prometheus/install.sh): 3.5.3, and 2.42 in compat
 * mode 'prometheus2'. For each, the generated dataset of `pnpm conformance:prometheus` (4
 * instances, 2 h, seed 1: about 100 series, 43,000 samples) is backfilled into the server
 * and loaded into a `MemoryStorage`, both are checked to hold the same samples, and every
 * corpus case runs against both. One test per case: it matches, or is listed in
 * `expected-failures-differential.txt` with its reason and mismatches; a listed case that
 * matches fails its test too (remove its line), so the list only shrinks.
 *
 * While the 3.5.3 server runs, the test also checks the server against an independent
 * computation from the generated samples, runs the `--url` mode (read the raw samples
 * back through the HTTP API, find staleness markers, build a corpus from the metrics found)
 * against it on part of the corpus, and compares the HTTP API of `@promql-ts/server` (over
 * the same `MemoryStorage`, with the server's settings) with the server's byte for byte:
 * one test per request of `src/differential/api-corpus.ts` (status, Content-Type, body),
 * listed in the same expected-failures file as `differential:api:3.5.3:<request id>`.
 *
 * Needs Debian's package mirror the first time (about 60 MB of packages); fails with the
 * installer's message when it cannot be reached. Environment:
 * `CONFORMANCE_PROMETHEUS_VERSIONS=3.5.3` runs only these versions (comma-separated);
 * `CONFORMANCE_VERBOSE=1` prints each run's report.
 */
import type { Labels, QueryResult } from '@promql-ts/engine';
import { type RunningServer, startServer } from '@promql-ts/server';
import { describe, expect, test } from 'vitest';
import {
  type ApiComparison,
  describeApiRequest,
  runApiComparison,
  withoutMetadata,
} from '../src/differential/api.js';
import { generateApiCorpus } from '../src/differential/api-corpus.js';
import {
  type DifferentialResult,
  diffQueryValues,
  type QueryTarget,
} from '../src/differential/diff.js';
import {
  apiKey,
  checkApiDifferential,
  checkDifferential,
  differentialKey,
  readDifferentialExpectedFailures,
} from '../src/differential/expected.js';
import type { Dataset } from '../src/differential/generate.js';
import { runUrl } from '../src/differential/remote.js';
import { countResults, formatDifferentialReport, matchRate } from '../src/differential/report.js';
import { type DifferentialRun, runLocal, serverVersion } from '../src/differential/run.js';

const versions = (process.env.CONFORMANCE_PROMETHEUS_VERSIONS ?? '3.5.3,2.42')
  .split(',')
  .map((v) => serverVersion(v.trim()).name);
const verbose = process.env.CONFORMANCE_VERBOSE === '1';

/**
 * An independent answer to two queries, computed from the generated samples: `up` with the
 * 5-minute lookback, and `sum_over_time(up[15m])` over left-open windows.
 */
function oracle(dataset: Dataset): QueryTarget {
  const withoutName = (l: Labels) => l.filter((x) => x.name !== '__name__');
  const answer = (query: string, t: number): QueryResult['value'] => {
    const ups = dataset.series.filter((s) =>
      s.labels.some((l) => l.name === '__name__' && l.value === 'up'),
    );
    const samples = [];
    for (const s of ups) {
      if (query === 'up') {
        let k = -1;
        for (let i = 0; i < s.timestamps.length; i++)
          if (s.timestamps[i]! > t - 300_000 && s.timestamps[i]! <= t) k = i;
        if (k >= 0) samples.push({ metric: s.labels, t, v: s.values[k]! });
      } else if (query === 'sum_over_time(up[15m])') {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < s.timestamps.length; i++) {
          if (s.timestamps[i]! > t - 900_000 && s.timestamps[i]! <= t) {
            sum += s.values[i]!;
            n++;
          }
        }
        if (n > 0) samples.push({ metric: withoutName(s.labels), t, v: sum });
      } else {
        throw new Error(`the oracle does not know ${query}`);
      }
    }
    return { type: 'vector', samples };
  };
  const wrap = (value: QueryResult['value']): QueryResult =>
    ({ value, warnings: [], infos: [] }) as unknown as QueryResult;
  return {
    instant: async (q, t) => wrap(answer(q, t)),
    range: async () => {
      throw new Error('the oracle answers instant queries only');
    },
  };
}

/** Templates whose answers depend on the data at the window's edges (for the `--url` run). */
const EDGE_TEMPLATES = new Set([
  'selector',
  'matcher-eq',
  'matcher-re',
  'offset',
  'offset-negative',
  'at',
  'range-selector',
  'staleness-gaps',
  'over-time',
  'rate',
  'subquery',
  'subquery-offset',
  'subquery-nested',
  'histogram-quantile',
]);

interface Extra {
  buildVersion: string;
  oracle: { query: string; differences: string[] }[];
  url: DifferentialRun | null;
  urlError: string | null;
  /** The HTTP API comparison (3.5.3 only). */
  api: ApiComparison[] | null;
  apiError: string | null;
  apiMs: number;
}

const runs: { version: string; run: DifferentialRun | null; error: string | null; extra: Extra }[] =
  [];
for (const version of versions) {
  const extra: Extra = {
    buildVersion: '',
    oracle: [],
    url: null,
    urlError: null,
    api: null,
    apiError: null,
    apiMs: 0,
  };
  try {
    // The defaults of `pnpm conformance:prometheus` (4 instances, 2 h): outcomes can depend
    // on the data, and the expected-failures list is written from that command.
    const run = await runLocal({
      version,
      withServer: async ({ client, dataset, server, storage, settings }) => {
        extra.buildVersion = (await client.buildInfo()).version;
        if (version !== '3.5.3') return;
        // The HTTP API of @promql-ts/server against the server's, with the server's query
        // settings (start.sh's evaluation_interval of 1m is the subquery step), over the
        // same samples and, as for backfilled blocks in Prometheus, no metadata.
        const apiStarted = performance.now();
        let ours: RunningServer | null = null;
        try {
          ours = await startServer({
            storage: withoutMetadata(storage),
            port: 0,
            ui: false,
            compat: settings.compat,
            experimental: settings.experimental,
            lookbackDeltaMs: settings.lookbackDeltaMs,
            maxSamples: settings.maxSamples,
            timeoutMs: settings.timeoutMs,
            defaultSubqueryStepMs: settings.defaultSubqueryStepMs,
            delayedNameRemoval: settings.delayedNameRemoval,
          });
          extra.api = await runApiComparison({
            referenceUrl: server.url,
            candidateUrl: ours.url,
            requests: generateApiCorpus(dataset),
          });
        } catch (e) {
          extra.apiError = (e as Error).message;
        } finally {
          await ours?.close();
          extra.apiMs = performance.now() - apiStarted;
        }
        const reference = oracle(dataset);
        const t = dataset.startMs + 40 * 60_000;
        for (const query of ['up', 'sum_over_time(up[15m])']) {
          const theirs = await client.instant(query, t);
          const ours = await reference.instant(query, t);
          extra.oracle.push({ query, differences: diffQueryValues(theirs.value, ours.value) });
        }
        try {
          extra.url = await runUrl({
            url: server.url,
            startMs: dataset.startMs,
            endMs: dataset.endMs,
            instantTimes: 2,
            templates: (id) => EDGE_TEMPLATES.has(id),
          });
        } catch (e) {
          extra.urlError = (e as Error).message;
        }
      },
    });
    runs.push({ version, run, error: null, extra });
    const c = countResults(run.results);
    console.log(
      `differential ${version}: ${c.match} match, ${c.mismatch} mismatch, ${c.notApplicable} n/a, match rate ${matchRate(c)}, ${(run.durationMs / 1000).toFixed(1)}s`,
    );
    if (verbose) console.log(formatDifferentialReport(run));
    if (extra.api !== null) {
      const same = extra.api.filter((r) => r.status === 'match').length;
      console.log(
        `differential ${version} HTTP API: ${same} of ${extra.api.length} requests answered byte for byte alike, ${(extra.apiMs / 1000).toFixed(1)}s`,
      );
    }
  } catch (e) {
    runs.push({
      version,
      run: null,
      error: `Could not run Prometheus ${version} (is Debian's package mirror reachable?): ${(e as Error).message}`,
      extra,
    });
  }
}

const expected = new Map(readDifferentialExpectedFailures().map((e) => [e.key, e]));

for (const { version, run, error, extra } of runs) {
  describe(`Prometheus ${version}`, () => {
    test('installs, starts, and holds exactly the generated samples', () => {
      expect(error).toBeNull();
      expect(extra.buildVersion.startsWith(version === '3.5.3' ? '3.5.' : '2.42.')).toBe(true);
      expect(run!.samples!.differenceCount).toBe(0);
      expect(run!.samples!.samples).toBeGreaterThan(5000);
    });
    if (run === null) return;

    test('the corpus compares something: selectors and aggregations have answers', () => {
      const answered = (template: string) =>
        run.results.filter((r) => r.template === template && (r.referenceSize ?? 0) > 0).length;
      for (const t of ['selector', 'aggr-rate', 'histogram-quantile-sum', 'subquery', 'at'])
        expect(answered(t), t).toBeGreaterThan(0);
      for (const r of run.results.filter((x) => x.template === 'many-to-many'))
        expect(r.referenceError, r.id).not.toBeNull();
      const sizes = run.results.map((r) => r.referenceSize ?? 0);
      expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(run.results.length / 2);
    });

    if (version === '3.5.3') {
      test('the server agrees with an independent computation from the samples', () => {
        expect(extra.oracle.map((o) => o.query)).toEqual(['up', 'sum_over_time(up[15m])']);
        for (const o of extra.oracle) expect(o.differences, o.query).toEqual([]);
      });

      test('--url mode: reads the window back, finds no staleness markers in backfilled data', () => {
        expect(extra.urlError).toBeNull();
        const url = extra.url!;
        expect(url.results.length).toBeGreaterThan(100);
        expect(url.data.join('\n')).toMatch(/^0 staleness markers found by [1-9]\d* probes/m);
        expect(url.data.join('\n')).toMatch(/histograms http_request_duration_seconds/);
        // Queries that match on the whole data match on the evaluation window too: data at
        // the window's edges, or staleness markers, make no difference.
        const failing = new Set(
          run.results.filter((r) => r.status === 'mismatch').map((r) => r.query),
        );
        const edgeOnly = url.results.filter(
          (r) => r.status === 'mismatch' && !failing.has(r.query),
        );
        expect(edgeOnly.map((r) => `${r.id}: ${r.differences[0]}`)).toEqual([]);
      });
    }

    if (version === '3.5.3') {
      describe('HTTP API, byte for byte (@promql-ts/server)', () => {
        test('the comparison ran', () => {
          expect(extra.apiError).toBeNull();
          expect(extra.api?.length ?? 0).toBeGreaterThan(100);
        });
        for (const r of extra.api ?? []) {
          const listed = expected.get(apiKey(version, r.id));
          test(`${r.id}: ${describeApiRequest(r.request)}`, () => {
            if (listed === undefined) {
              expect(r.status, r.differences.join('\n')).toBe('match');
            } else {
              expect(
                r.status,
                `listed as an expected failure (${listed.reason}) but matches: remove line ${listed.line} of expected-failures-differential.txt`,
              ).toBe('mismatch');
            }
          });
        }
      });
    }

    describe('cases', () => {
      for (const r of run.results) {
        const key = differentialKey(version, r.id);
        const listed = expected.get(key);
        test(`${r.id}: ${r.query}`, () => {
          if (listed === undefined) {
            expect(r.status, explain(r)).not.toBe('mismatch');
          } else {
            expect(
              r.status,
              `listed as an expected failure (${listed.reason}) but ${r.status === 'match' ? 'matches' : 'does not apply'}: remove line ${listed.line} of expected-failures-differential.txt`,
            ).toBe('mismatch');
          }
        });
      }
    });
  });
}

function explain(r: DifferentialResult): string {
  return [`${r.mode} ${r.query}`, ...r.differences.slice(0, 5)].join('\n');
}

test('every expected differential failure names a case of a version that ran', () => {
  const check = checkDifferential(
    runs.flatMap(({ version, run }) =>
      run === null ? [] : [{ version, results: run.results, complete: run.complete }],
    ),
    [...expected.values()],
  );
  expect(check.unknown.map((e) => `line ${e.line}: ${e.key}`)).toEqual([]);
  for (const { version, extra } of runs) {
    if (extra.api === null) continue;
    const api = checkApiDifferential(version, extra.api, [...expected.values()]);
    expect(api.unknown.map((e) => `line ${e.line}: ${e.key}`)).toEqual([]);
  }
});
