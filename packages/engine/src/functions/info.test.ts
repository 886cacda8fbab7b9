import { describe, expect, it } from 'vitest';
import { arrayStorage, type TestSeries } from '../../test/array-storage.js';
import { evaluateRange } from '../evaluate.js';
import { labelsToString } from '../labels.js';

const M = 60_000;

/** Samples every `stepMs` from 0; null leaves a gap, 'stale' writes a staleness marker. */
function every(
  stepMs: number,
  values: readonly (number | null | 'stale')[],
): TestSeries['samples'] {
  const out: [number, number | 'stale'][] = [];
  values.forEach((v, i) => {
    if (v !== null) out.push([i * stepMs, v]);
  });
  return out;
}

async function range(
  series: readonly TestSeries[],
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<Record<string, (number | null)[]>> {
  const r = await evaluateRange(
    query,
    arrayStorage(series),
    { start: startMs, end: endMs, stepMs },
    { experimental: true, delayedNameRemoval: true },
  );
  if (r.value.type !== 'matrix') throw new Error(`not a matrix: ${r.value.type}`);
  const nSteps = Math.floor((endMs - startMs) / stepMs) + 1;
  const out: Record<string, (number | null)[]> = {};
  for (const s of r.value.series) {
    const row: (number | null)[] = Array(nSteps).fill(null);
    s.timestamps.forEach((t, i) => {
      row[(t - startMs) / stepMs] = s.values[i]!;
    });
    out[labelsToString(s.metric)] = row;
  }
  return out;
}

const base: TestSeries[] = [
  {
    labels: { __name__: 'metric', instance: 'a', job: '1', label: 'value' },
    samples: every(5 * M, [0, 1, 2]),
  },
  {
    labels: {
      __name__: 'metric_with_overlapping_label',
      instance: 'a',
      job: '1',
      label: 'value',
      data: 'base',
    },
    samples: every(5 * M, [0, 1, 2]),
  },
  {
    labels: {
      __name__: 'target_info',
      instance: 'a',
      job: '1',
      data: 'info',
      another_data: 'another info',
    },
    samples: every(5 * M, [1, 1, 1]),
  },
  {
    labels: { __name__: 'build_info', instance: 'a', job: '1', build_data: 'build' },
    samples: every(5 * M, [1, 1, 1]),
  },
];

describe('info', () => {
  it('adds all data labels of target_info', async () => {
    expect(await range(base, 'info(metric, {__name__="target_info"})', 0, 10 * M, 5 * M)).toEqual({
      '{__name__="metric", another_data="another info", data="info", instance="a", job="1", label="value"}':
        [0, 1, 2],
    });
  });

  it('adds only the selected data labels, and not those the series has', async () => {
    expect(await range(base, 'info(metric, {data=~".+"})', 0, 10 * M, 5 * M)).toEqual({
      '{__name__="metric", data="info", instance="a", job="1", label="value"}': [0, 1, 2],
    });
    expect(
      await range(base, 'info(metric_with_overlapping_label, {data=~".+"})', 0, 10 * M, 5 * M),
    ).toEqual({
      '{__name__="metric_with_overlapping_label", data="base", instance="a", job="1", label="value"}':
        [0, 1, 2],
    });
  });

  it('drops series without info when a data matcher needs a value', async () => {
    expect(await range(base, 'info(metric, {non_existent=~".+"})', 0, 10 * M, 5 * M)).toEqual({});
    expect(await range(base, 'info(metric, {non_existent=~".*"})', 0, 10 * M, 5 * M)).toEqual({
      '{__name__="metric", instance="a", job="1", label="value"}': [0, 1, 2],
    });
  });

  it('picks info metrics with negative name matchers among *_info', async () => {
    expect(await range(base, 'info(metric, {__name__!="target_info"})', 0, 10 * M, 5 * M)).toEqual({
      '{__name__="metric", build_data="build", instance="a", job="1", label="value"}': [0, 1, 2],
    });
    expect(
      await range(base, 'info(metric, {__name__!~".+_info", data=~".+"})', 0, 10 * M, 5 * M),
    ).toEqual({});
  });

  it('does not enrich info series themselves', async () => {
    expect(await range(base, 'info(build_info, {__name__=~".+_info"})', 0, 10 * M, 5 * M)).toEqual({
      '{__name__="build_info", build_data="build", instance="a", job="1"}': [1, 1, 1],
    });
  });

  it('prefers the newest of two info series, and fails on a tie', async () => {
    const series: TestSeries[] = [
      { labels: { __name__: 'metric', instance: 'a', job: '1' }, samples: every(5 * M, [0, 1, 2]) },
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', data: 'old' },
        samples: every(5 * M, [1, 1, null]),
      },
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', data: 'new' },
        samples: every(5 * M, [null, null, 1]),
      },
    ];
    expect(await range(series, 'info(metric, {__name__="target_info"})', 0, 10 * M, 5 * M)).toEqual(
      {
        '{__name__="metric", data="old", instance="a", job="1"}': [0, 1, null],
        '{__name__="metric", data="new", instance="a", job="1"}': [null, null, 2],
      },
    );
    const tie: TestSeries[] = [
      series[0]!,
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', data: 'x' },
        samples: every(5 * M, [1]),
      },
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', data: 'y' },
        samples: every(5 * M, [1]),
      },
    ];
    await expect(range(tie, 'info(metric, {__name__="target_info"})', 0, 0, 5 * M)).rejects.toThrow(
      'found duplicate series for info metric: existing {__name__="target_info", data="x", instance="a", job="1"} @ 0, new {__name__="target_info", data="y", instance="a", job="1"} @ 0',
    );
  });

  it('fails on conflicting data labels of two info metrics', async () => {
    const series: TestSeries[] = [
      { labels: { __name__: 'metric', instance: 'a', job: '1' }, samples: every(M, [1, 2, 3]) },
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', x: 'from_target' },
        samples: every(M, [1, 1, 1]),
      },
      {
        labels: { __name__: 'build_info', instance: 'a', job: '1', x: 'from_build' },
        samples: every(M, [1, 1, 1]),
      },
    ];
    await expect(range(series, 'info(metric, {__name__=~".+_info"})', 0, 2 * M, M)).rejects.toThrow(
      'conflicting label: x',
    );
  });

  it('samples info series with the lookback, after stale markers fall back', async () => {
    const series: TestSeries[] = [
      {
        labels: { __name__: 'metric', instance: 'a', job: '1' },
        samples: every(M, [0, null, 2, 3, 4]),
      },
      {
        labels: { __name__: 'target_info', instance: 'a', job: '1', data: 'info' },
        samples: every(M, [1, null, 1, 'stale', null]),
      },
    ];
    expect(await range(series, 'info(metric, {__name__="target_info"})', M, 4 * M, M)).toEqual({
      '{__name__="metric", data="info", instance="a", job="1"}': [0, 2, null, null],
      '{__name__="metric", instance="a", job="1"}': [null, null, 3, 4],
    });
    expect(
      await range(series, 'info(metric offset 1m, {__name__="target_info"})', M, 4 * M, M),
    ).toEqual({
      '{__name__="metric", data="info", instance="a", job="1"}': [0, 0, null, null],
      '{__name__="metric", instance="a", job="1"}': [null, null, 2, 3],
    });
    expect(await range(series, 'info(metric @ 60, {__name__="target_info"})', M, 4 * M, M)).toEqual(
      {
        '{__name__="metric", data="info", instance="a", job="1"}': [0, 0, 0, 0],
      },
    );
  });
});
