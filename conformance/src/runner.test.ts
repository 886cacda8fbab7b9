import type { Labels, QueryResult, QueryValue, Storage } from '@promql-ts/engine';
import { PromQLError } from '@promql-ts/parser';
import type { MemoryStorage } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import { readStorageSamples } from './differential/samples.js';
import { type EvalOptions, type QueryEngine, type RangeSpec, runTestFile } from './runner.js';

// === A test double: an engine that answers from a fixed table ===

/** A query error, as the real engine would throw one. */
class QueryError extends PromQLError {
  readonly code = 'execution' as const;
}

type Call =
  | { kind: 'instant'; query: string; t: number }
  | { kind: 'range'; query: string; startMs: number; endMs: number; stepMs: number };
type Answer = QueryResult | Error | ((call: Call) => QueryResult | Error);

/**
 * Answers `instant:<query>@<t>` / `range:<query>@<start>:<end>:<step>`, else
 * `instant:<query>` / `range:<query>` for any time; anything else is a crash.
 */
class TableEngine implements QueryEngine {
  readonly calls: string[] = [];
  readonly storages: Storage[] = [];
  readonly options: EvalOptions[] = [];
  readonly #table: Record<string, Answer>;

  constructor(table: Record<string, Answer>) {
    this.#table = table;
  }

  #answer(call: Call, specific: string, generic: string): Promise<QueryResult> {
    this.calls.push(specific);
    const a = this.#table[specific] ?? this.#table[generic];
    if (a === undefined) return Promise.reject(new Error(`no answer for ${specific}`));
    const r = typeof a === 'function' ? a(call) : a;
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  }

  instant(query: string, storage: Storage, t: number, options: EvalOptions): Promise<QueryResult> {
    this.storages.push(storage);
    this.options.push(options);
    return this.#answer({ kind: 'instant', query, t }, `instant:${query}@${t}`, `instant:${query}`);
  }

  range(query: string, storage: Storage, r: RangeSpec, options: EvalOptions): Promise<QueryResult> {
    this.storages.push(storage);
    this.options.push(options);
    return this.#answer(
      { kind: 'range', query, ...r },
      `range:${query}@${r.startMs}:${r.endMs}:${r.stepMs}`,
      `range:${query}`,
    );
  }
}

const L = (o: Record<string, string>): Labels =>
  Object.keys(o)
    .sort()
    .map((name) => ({ name, value: o[name]! }));

const result = (value: QueryValue, warnings: string[] = [], infos: string[] = []): QueryResult => ({
  query: '',
  value,
  warnings: warnings.map((message) => ({ message, pos: null })),
  infos: infos.map((message) => ({ message, pos: null })),
  stats: {
    totalQueryableSamples: 0,
    peakSamples: 0,
    timings: { parseMs: 0, planMs: 0, evalMs: 0, totalMs: 0 },
  },
});

const vec = (...samples: [Record<string, string>, number][]) =>
  result({ type: 'vector', samples: samples.map(([m, v]) => ({ metric: L(m), t: 0, v })) });

/** A range answer: each series with the same value at every step of the asked range. */
const steady =
  (...series: [Record<string, string>, number][]) =>
  (call: Call): QueryResult => {
    if (call.kind !== 'range') return new Error('not a range call') as never;
    const ts: number[] = [];
    for (let t = call.startMs; t <= call.endMs; t += call.stepMs) ts.push(t);
    return result({
      type: 'matrix',
      series: series.map(([m, v]) => ({
        metric: L(m),
        timestamps: Float64Array.from(ts),
        values: Float64Array.from(ts.map(() => v)),
      })),
    });
  };

const run = (
  text: string,
  engine: QueryEngine,
  compat: 'prometheus2' | 'prometheus3' = 'prometheus3',
) => runTestFile(text, engine, { file: 't.test', compat });

// === Tests ===

describe('instant evals', () => {
  test('the query, its @-pinned forms at other times, each followed by a range query', async () => {
    const engine = new TableEngine({
      'instant:x': vec([{ __name__: 'x' }, 1]),
      'instant:x @ 60.000': vec([{ __name__: 'x' }, 1]),
      'range:x': steady([{ __name__: 'x' }, 1]),
      'range:x @ 60.000': steady([{ __name__: 'x' }, 1]),
    });
    const r = await run('eval instant at 1m x\n  x 1\n', engine);
    expect(r.cases).toMatchObject([
      { key: 't.test:1', status: 'pass', queries: 12, message: null },
    ]);
    expect(engine.calls).toEqual([
      'instant:x@60000',
      'range:x@0:120000:60000',
      'instant:x @ 60.000@-600000',
      'range:x @ 60.000@-660000:-540000:60000',
      'instant:x @ 60.000@0',
      'range:x @ 60.000@-60000:60000:60000',
      'instant:x @ 60.000@12000',
      'range:x @ 60.000@-48000:72000:60000',
      'instant:x @ 60.000@60000',
      'range:x @ 60.000@0:120000:60000',
      'instant:x @ 60.000@600000',
      'range:x @ 60.000@540000:660000:60000',
    ]);
  });

  test('the engine gets the test engine settings of Prometheus 3', async () => {
    const engine = new TableEngine({
      'instant:time()': result({ type: 'scalar', t: 0, v: 0 }),
      'range:time()': steady([{}, 0]),
    });
    await run('eval instant at 0 time()\n  0\n', engine);
    expect(engine.options[0]).toEqual({
      compat: 'prometheus3',
      experimental: true,
      lookbackDeltaMs: 300_000,
      maxSamples: 10_000,
      timeoutMs: 100_000,
      noStepSubqueryIntervalMs: 60_000,
    });
  });

  test('a wrong value fails with the differences', async () => {
    const engine = new TableEngine({
      'instant:x': vec([{ __name__: 'x' }, 2], [{ __name__: 'y' }, 1]),
    });
    const [c] = (await run('eval instant at 1m x\n  x 1\n', engine)).cases;
    expect(c!.status).toBe('fail');
    expect(c!.message).toBe('error in eval x (line 1): expected 1 for {__name__="x"} but got 2');
    expect(c!.differences).toEqual([
      'expected 1 for {__name__="x"} but got 2',
      'unexpected metric {__name__="y"} in result, has value 1',
    ]);
    expect(c!.queries).toBe(1);
  });

  test('a range-mode answer that differs at the middle step fails the case', async () => {
    const engine = new TableEngine({
      'instant:time()': result({ type: 'scalar', t: 60_000, v: 60 }),
      'range:time()': steady([{}, 61]),
    });
    const [c] = (await run('eval instant at 1m time()\n  60\n', engine)).cases;
    expect(c!.message).toBe(
      'error in eval time() (line 1) range mode: expected scalar 60 but got 61',
    );
  });

  test('expect string and expect range vector skip the range-mode query', async () => {
    const engine = new TableEngine({ 'instant:"a"': result({ type: 'string', t: 0, v: 'a' }) });
    const [c] = (await run('eval instant at 0 "a"\n  expect string "a"\n', engine)).cases;
    expect(c!.status).toBe('pass');
    expect(engine.calls.every((k) => k.startsWith('instant:'))).toBe(true);
  });

  test('queries using start(), end(), range() or step() skip the range-mode query', async () => {
    const engine = new TableEngine({
      'instant:count_over_time(x[step()])': vec(),
      'instant:count_over_time(x[step()] @ 60.000)': vec(),
    });
    const [c] = (await run('eval instant at 1m count_over_time(x[step()])\n', engine)).cases;
    expect(c!.status).toBe('pass');
    expect(engine.calls.filter((k) => k.startsWith('range:'))).toEqual([]);
  });

  test('ordered evals still run the range query but do not compare it', async () => {
    const engine = new TableEngine({
      'instant:sort(x)': vec([{ a: '1' }, 1], [{ a: '2' }, 2]),
      'instant:sort(x @ 60.000)': vec([{ a: '1' }, 1], [{ a: '2' }, 2]),
      'range:sort(x)': steady([{ a: '1' }, 5]),
      'range:sort(x @ 60.000)': steady([{ a: '1' }, 5]),
    });
    const [c] = (
      await run('eval instant at 1m sort(x)\n  expect ordered\n  {a="1"} 1\n  {a="2"} 2\n', engine)
    ).cases;
    expect(c!.status).toBe('pass');
    expect(engine.calls.filter((k) => k.startsWith('range:'))).toHaveLength(6);
  });

  test('an unsorted range-mode matrix fails', async () => {
    const engine = new TableEngine({
      'instant:x': vec([{ a: '1' }, 1], [{ a: '2' }, 1]),
      'range:x': steady([{ a: '2' }, 1], [{ a: '1' }, 1]),
    });
    const [c] = (await run('eval instant at 0 x\n  {a="1"} 1\n  {a="2"} 1\n', engine)).cases;
    expect(c!.message).toMatch(/matrix results should always be sorted by labels/);
  });
});

describe('expected failures and annotations', () => {
  test('expect fail: every query must fail with a matching message', async () => {
    const err = new QueryError('vector cannot contain metrics with the same labelset');
    const engine = new TableEngine({ 'instant:x': err, 'instant:x @ 0.000': err });
    const text =
      'eval instant at 0 x\n  expect fail msg: vector cannot contain metrics with the same labelset\n';
    expect((await run(text, engine)).cases[0]!.status).toBe('pass');
    expect(engine.calls).toEqual([
      'instant:x@0',
      'instant:x @ 0.000@-1000',
      'instant:x @ 0.000@0',
      'instant:x @ 0.000@1000',
    ]);
  });

  test('expect fail with another message, or no error, fails', async () => {
    const wrong = new TableEngine({ 'instant:x': new QueryError('other') });
    expect(
      (await run('eval instant at 0 x\n  expect fail regex: same labelset\n', wrong)).cases[0]!
        .message,
    ).toMatch(/expected error matching "same labelset"/);
    const none = new TableEngine({ 'instant:x': vec() });
    expect((await run('eval instant at 0 x\n  expect fail\n', none)).cases[0]!.message).toBe(
      'expected error evaluating query "x" (line 1) but got none',
    );
  });

  test('an unexpected error fails', async () => {
    const engine = new TableEngine({ 'instant:x': new QueryError('boom') });
    expect((await run('eval instant at 0 x\n', engine)).cases[0]!.message).toBe(
      'error evaluating query "x" (line 1): boom',
    );
  });

  test('a crash (not a PromQLError) fails even where an error is expected', async () => {
    const engine = new TableEngine({ 'instant:x': new TypeError('undefined is not a function') });
    const [c] = (await run('eval instant at 0 x\n  expect fail\n', engine)).cases;
    expect(c!.status).toBe('fail');
    expect(c!.message).toMatch(/engine crashed evaluating query "x".*TypeError/);
  });

  test('warnings are checked against expect lines', async () => {
    const w = 'PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1';
    const answer = (call: Call) =>
      call.kind === 'instant' ? result({ type: 'vector', samples: [] }, [w]) : steady()(call);
    const engine = new TableEngine({
      'instant:x': answer,
      'instant:x @ 0.000': answer,
      'range:x': answer,
      'range:x @ 0.000': answer,
    });
    expect(
      (await run(`eval instant at 0 x\n  expect warn msg: ${w}\n`, engine)).cases[0]!.status,
    ).toBe('pass');
    expect(
      (await run('eval instant at 0 x\n  expect no_warn\n', engine)).cases[0]!.message,
    ).toMatch(/unexpected warning annotations/);
    expect((await run('eval instant at 0 x\n  expect no_info\n', engine)).cases[0]!.status).toBe(
      'pass',
    );
  });
});

describe('range evals', () => {
  test('one range query, compared as a matrix', async () => {
    const engine = new TableEngine({ 'range:x@0:120000:60000': steady([{ __name__: 'x' }, 3]) });
    const r = await run('eval range from 0 to 2m step 1m x\n  x 3 3 3\n', engine);
    expect(r.cases).toMatchObject([{ mode: 'range', status: 'pass', queries: 1 }]);
  });

  test('a missing step is a difference', async () => {
    const engine = new TableEngine({ 'range:x': steady([{ __name__: 'x' }, 3]) });
    const [c] = (await run('eval range from 0 to 2m step 1m x\n  x 3 _ 3\n', engine)).cases;
    expect(c!.message).toMatch(/expected 2 float points/);
  });

  test('expect fail on a range query', async () => {
    const engine = new TableEngine({
      'range:x': new QueryError('many-to-many matching not allowed'),
    });
    expect(
      (await run('eval range from 0 to 1m step 1m x\n  expect fail regex: many-to-many\n', engine))
        .cases[0]!.status,
    ).toBe('pass');
  });
});

describe('storage, loads and unsupported data', () => {
  test('loads add to one storage; clear starts a fresh one', async () => {
    const engine = new TableEngine({ 'range:a': steady(), 'range:b': steady() });
    const text =
      'load 1m\n  a{i="1"} 1 2 stale\n\nload 1m\n  b 5 _ 7\n\neval range from 0 to 1m step 1m a\n\nclear\nload 1m\n  c 1\n\neval range from 0 to 1m step 1m b\n';
    const r = await run(text, engine);
    expect(r.cases.map((c) => c.status)).toEqual(['pass', 'pass']);
    const [first, second] = engine.storages as MemoryStorage[];
    expect(first).not.toBe(second);
    const before = await readStorageSamples(first!, 0, 1e6);
    expect(
      [...before.values()].map((s) => [
        s.labels.map((l) => l.value).join(','),
        s.timestamps,
        s.values.map(String),
      ]),
    ).toEqual([
      ['a,1', [0, 60_000, 120_000], ['1', '2', 'NaN']],
      ['b', [0, 120_000], ['5', '7']],
    ]);
    const after = await readStorageSamples(second!, 0, 1e6);
    expect([...after.keys()]).toHaveLength(1);
  });

  test('a load the storage refuses stops the file, as in Prometheus', async () => {
    const engine = new TableEngine({});
    const text =
      'load 1m\n  a 1 2\n\nload 1m\n  a _ 9\n\neval instant at 0 a\n\nclear\n\neval instant at 0 a\n';
    const r = await run(text, engine);
    expect(r.error).toMatch(/load at line 4 failed: line 5: duplicate sample for timestamp/);
    expect(r.cases.map((c) => [c.status, c.message?.startsWith('not run')])).toEqual([
      ['fail', true],
      ['fail', true],
    ]);
    expect(engine.calls).toEqual([]);
  });

  test('evals reading native histograms are unsupported; others run', async () => {
    const engine = new TableEngine({
      'instant:floats': vec(),
      'instant:floats @ 0.000': vec(),
      'range:floats': steady(),
      'range:floats @ 0.000': steady(),
    });
    const text =
      'load 1m\n  hist {{count:1}} {{count:2}}\n  floats 1\n\neval instant at 0 hist\n\neval instant at 0 floats\n\neval instant at 0 count({__name__=~".+"})\n';
    const r = await run(text, engine);
    expect(r.cases.map((c) => [c.line, c.status])).toEqual([
      [5, 'unsupported'],
      [7, 'pass'],
      [9, 'unsupported'],
    ]);
    expect(r.cases[0]!.message).toBe('native histograms: the query reads series loaded at line 2');
  });

  test('load_with_nhcb: the derived histogram series are unsupported, the classic ones are loaded', async () => {
    const engine = new TableEngine({ 'range:x_bucket': steady() });
    const text =
      'load_with_nhcb 1m\n  x_bucket{le="1"} 1\n  x_bucket{le="+Inf"} 2\n\neval range from 0 to 1m step 1m x_bucket\n\neval range from 0 to 1m step 1m x\n';
    const r = await run(text, engine);
    expect(r.cases.map((c) => c.status)).toEqual(['pass', 'unsupported']);
  });

  test('start timestamps make reading evals unsupported', async () => {
    const r = await run(
      'load 1m\n  c@st -1m -1m\n  c 1 2\n\neval range from 0 to 1m step 1m rate(c[5m])\n',
      new TableEngine({}),
    );
    expect(r.cases[0]).toMatchObject({
      status: 'unsupported',
      message: 'start timestamps: the query reads series loaded at line 3',
    });
  });

  test('an expected native histogram is unsupported', async () => {
    const r = await run('eval instant at 0 x\n  x {{count:1}}\n', new TableEngine({}));
    expect(r.cases[0]!.status).toBe('unsupported');
  });
});

describe('Prometheus 2 rules', () => {
  test('eval_fail accepts any error; annotations are not checked', async () => {
    const engine = new TableEngine({
      'instant:x': new QueryError('whatever'),
      'instant:x @ 0.000': new QueryError('whatever'),
    });
    expect((await run('eval_fail instant at 0 x\n', engine, 'prometheus2')).cases[0]!.status).toBe(
      'pass',
    );
  });

  test('a string result fails; settings are those of the 2.x test engine', async () => {
    const engine = new TableEngine({ 'instant:"a"': result({ type: 'string', t: 0, v: 'a' }) });
    const r = await run('eval instant at 0 "a"\n', engine, 'prometheus2');
    expect(r.cases[0]!.message).toMatch(/unexpected result type string/);
    expect(engine.options[0]).toMatchObject({ compat: 'prometheus2', experimental: false });
  });

  test('the range-mode query runs for every instant eval', async () => {
    const engine = new TableEngine({
      'instant:x': vec([{ a: '1' }, 1]),
      'instant:x @ 0.000': vec([{ a: '1' }, 1]),
      'range:x': steady([{ a: '1' }, 1]),
      'range:x @ 0.000': steady([{ a: '1' }, 1]),
    });
    const r = await run('eval instant at 0 x\n  {a="1"} 1\n', engine, 'prometheus2');
    expect(r.cases[0]).toMatchObject({ status: 'pass', queries: 8 });
  });
});

describe('run options and file problems', () => {
  test('lines selects evals; onCase reports each', async () => {
    const seen: number[] = [];
    const engine = new TableEngine({ 'range:a': steady() });
    const text = 'eval range from 0 to 0 step 1m a\n\neval range from 0 to 0 step 1m b\n';
    const r = await runTestFile(text, engine, {
      file: 'f',
      lines: new Set([1]),
      onCase: (c) => seen.push(c.line),
    });
    expect(r.cases.map((c) => c.line)).toEqual([1]);
    expect(seen).toEqual([1]);
  });

  test('a file that does not parse is a file error with no cases', async () => {
    const r = await run('bogus\n', new TableEngine({}));
    expect(r).toMatchObject({ cases: [], error: 'parse error: 1: invalid command "bogus"' });
  });

  test('a query our parser rejects fails its case', async () => {
    const r = await run('eval instant at 0 sum(\n', new TableEngine({}));
    expect(r.cases[0]).toMatchObject({ status: 'fail' });
    expect(r.cases[0]!.message).toMatch(/parse error/);
  });
});
