import { compileMatcher } from '@promql-ts/engine';
import { parse } from '@promql-ts/parser';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import {
  applyLoad,
  firstUnsupportedRead,
  floatSamples,
  LoadError,
  nhcbSeriesLabels,
} from './load.js';
import { parseTestFile } from './promqltest/parse.js';
import { isStaleMarker } from './promqltest/series.js';
import type { LoadCommand } from './promqltest/types.js';

const load = (text: string) => parseTestFile(text).commands[0] as LoadCommand;
const L = (o: Record<string, string>) =>
  Object.keys(o)
    .sort()
    .map((name) => ({ name, value: o[name]! }));

describe('floatSamples', () => {
  test('value i at i × interval; omitted values add nothing; stale keeps its bits', () => {
    const s = floatSamples(load('load 30s\n  a{b=""} 1 _ stale 4\n').series[0]!, 30_000);
    expect([...s.timestamps]).toEqual([0, 60_000, 90_000]);
    expect(s.values[0]).toBe(1);
    expect(isStaleMarker(s.values[1]!)).toBe(true);
    // Empty label values are dropped, as the TSDB does.
    expect(s.labels).toEqual(L({ __name__: 'a' }));
  });
});

describe('applyLoad', () => {
  test('floats go to the storage; histograms and start timestamps are reported', () => {
    const storage = new MemoryStorage();
    const unsupported = applyLoad(
      storage,
      load('load 1m\n  f 1 2\n  h {{count:1}}\n  s@st -1m\n  s 5\n'),
    );
    expect(unsupported.map((u) => [u.labels.map((l) => l.value).join(), u.reason, u.line])).toEqual(
      [
        ['h', 'native histograms', 3],
        ['s', 'start timestamps', 5],
      ],
    );
    expect(storage.stats().series).toBe(2);
  });

  test('out-of-order and conflicting samples are refused', () => {
    const storage = new MemoryStorage();
    applyLoad(storage, load('load 1m\n  a 1 2\n'));
    expect(() => applyLoad(storage, load('load 1m\n  a 3\n'))).toThrow(LoadError);
    expect(() => applyLoad(storage, load('load 1m\n  a _ 7\n'))).toThrow(
      /duplicate sample for timestamp/,
    );
    // The same value again is accepted, as in Prometheus.
    expect(() => applyLoad(storage, load('load 1m\n  a _ 2\n'))).not.toThrow();
  });

  test('load_with_nhcb reports the derived custom-bucket series', () => {
    const unsupported = applyLoad(
      new MemoryStorage(),
      load(
        'load_with_nhcb 1m\n  x_bucket{le="1", j="a"} 1\n  x_bucket{le="+Inf", j="a"} 2\n  x_sum{j="a"} 3\n  y 1\n',
      ),
    );
    expect(unsupported.map((u) => u.labels)).toEqual([L({ __name__: 'x', j: 'a' })]);
  });
});

describe('nhcbSeriesLabels', () => {
  test('base name without the suffix, no le', () => {
    expect(nhcbSeriesLabels(L({ __name__: 'rq_bucket', le: '0.5', job: 'a' }))).toEqual(
      L({ __name__: 'rq', job: 'a' }),
    );
    expect(nhcbSeriesLabels(L({ __name__: 'rq_count' }))).toEqual(L({ __name__: 'rq' }));
    expect(nhcbSeriesLabels(L({ __name__: 'rq' }))).toBeNull();
    expect(nhcbSeriesLabels(L({ job: 'a' }))).toBeNull();
  });
});

describe('firstUnsupportedRead', () => {
  const unsupported = [
    { labels: L({ __name__: 'h', job: 'a' }), reason: 'native histograms' as const, line: 2 },
  ];
  const reads = (q: string) =>
    firstUnsupportedRead(parse(q, { experimental: true }), unsupported) !== null;

  test('a selector whose matchers all accept the series reads it', () => {
    expect(reads('h')).toBe(true);
    expect(reads('rate(h{job=~"a|b"}[5m])')).toBe(true);
    expect(reads('max_over_time(sum(h)[5m:1m])')).toBe(true);
    expect(reads('{__name__=~".+"}')).toBe(true);
  });

  test('one matcher that refuses it is enough not to read it', () => {
    expect(reads('h{job="b"}')).toBe(false);
    expect(reads('other')).toBe(false);
    expect(reads('h{missing="x"}')).toBe(false);
  });

  test('info() reads target_info implicitly', () => {
    const ti = [
      { labels: L({ __name__: 'target_info' }), reason: 'native histograms' as const, line: 1 },
    ];
    expect(firstUnsupportedRead(parse('info(up)', { experimental: true }), ti)).not.toBeNull();
  });

  test('matchers compile as the engine compiles them', () => {
    expect(compileMatcher('=~', 'job', 'a').matches('a')).toBe(true);
  });
});
