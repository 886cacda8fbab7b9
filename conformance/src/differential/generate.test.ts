import { loadText, MemoryStorage } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import {
  type Dataset,
  DEFAULT_START_MS,
  formatBucketBound,
  formatOpenMetricsTimestamp,
  formatOpenMetricsValue,
  type GeneratedSeries,
  generateDataset,
  HISTOGRAM_BOUNDS,
  loadDataset,
  openMetricsChunks,
} from './generate.js';
import { compareSamples, readStorageSamples } from './samples.js';

const small = generateDataset({ seed: 3, instances: 4, durationMs: 3 * 3600_000 });
const name = (s: GeneratedSeries) => s.labels.find((l) => l.name === '__name__')!.value;
const label = (s: GeneratedSeries, n: string) => s.labels.find((l) => l.name === n)?.value;
const all = (d: Dataset, metric: string) => d.series.filter((s) => name(s) === metric);

describe('generateDataset', () => {
  test('deterministic: the same seed gives the same samples, another seed others', () => {
    const again = generateDataset({ seed: 3, instances: 4, durationMs: 3 * 3600_000 });
    expect(again).toEqual(small);
    const other = generateDataset({ seed: 4, instances: 4, durationMs: 3 * 3600_000 });
    expect(other.series.map((s) => [...s.values])).not.toEqual(
      small.series.map((s) => [...s.values]),
    );
  });

  test('sized by instances, duration and interval', () => {
    const d = generateDataset({
      instances: 2,
      durationMs: 10 * 60_000,
      intervalMs: 30_000,
      missedScrapeProbability: 0,
    });
    expect(new Set(d.series.map((s) => label(s, 'instance')))).toEqual(
      new Set(['node-0:9100', 'node-1:9100']),
    );
    expect(d.startMs).toBe(DEFAULT_START_MS);
    for (const s of d.series) {
      for (const t of s.timestamps) expect(t >= d.startMs && t <= d.endMs).toBe(true);
      for (let i = 1; i < s.timestamps.length; i++)
        expect((s.timestamps[i]! - s.timestamps[i - 1]!) % 30_000).toBe(0);
    }
    expect(d.samples).toBe(d.series.reduce((n, s) => n + s.timestamps.length, 0));
    expect(() => generateDataset({ intervalMs: 0 })).toThrow(RangeError);
  });

  test('progress is reported per instance', () => {
    const seen: number[] = [];
    generateDataset({
      instances: 3,
      durationMs: 60_000,
      onProgress: (p) => seen.push(p.instancesDone),
    });
    expect(seen).toEqual([1, 2, 3]);
  });

  test('counters only fall at resets, and some do reset', () => {
    let resets = 0;
    for (const s of small.series.filter((x) => name(x).endsWith('_total'))) {
      for (let i = 1; i < s.values.length; i++) if (s.values[i]! < s.values[i - 1]!) resets++;
    }
    expect(resets).toBeGreaterThan(0);
  });

  test('classic histograms: buckets cumulative in le, +Inf bucket equals _count', () => {
    const buckets = all(small, 'http_request_duration_seconds_bucket');
    const counts = all(small, 'http_request_duration_seconds_count');
    expect(buckets.length).toBe(counts.length * HISTOGRAM_BOUNDS.length);
    for (const c of counts) {
      const mine = buckets
        .filter((b) => label(b, 'instance') === label(c, 'instance'))
        .sort((a, b) => Number(label(a, 'le')) - Number(label(b, 'le')));
      const inf = mine.find((b) => label(b, 'le') === '+Inf')!;
      expect([...inf.values]).toEqual([...c.values]);
      for (let k = 1; k < mine.length; k++) {
        mine[k]!.values.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(mine[k - 1]!.values[i]!);
        });
      }
    }
    expect(buckets.map((b) => label(b, 'le'))).toContain('1.0');
  });

  test('outages write up=0 and nothing else; missed scrapes leave gaps', () => {
    const up = all(small, 'up');
    expect(up.some((s) => s.values.includes(0))).toBe(true);
    for (const u of up) {
      const mem = small.series.find(
        (s) =>
          name(s) === 'process_resident_memory_bytes' &&
          label(s, 'instance') === label(u, 'instance'),
      )!;
      const upTimes = new Set([...u.timestamps].filter((_, i) => u.values[i] === 1));
      expect(new Set(mem.timestamps)).toEqual(upTimes);
    }
    const expected = Math.floor((3 * 3600_000) / 15_000) + 1;
    expect(up.some((u) => u.timestamps.length < expected)).toBe(true);
  });

  test('NaN, +Inf and -Inf appear; temperatures go below zero', () => {
    const ratios = all(small, 'queue_fill_ratio').flatMap((s) => [...s.values]);
    expect(ratios.some(Number.isNaN)).toBe(true);
    expect(ratios).toContain(Infinity);
    expect(ratios).toContain(-Infinity);
    expect(all(small, 'node_temperature_celsius').some((s) => s.values.some((v) => v < 0))).toBe(
      true,
    );
  });
});

describe('OpenMetrics output', () => {
  test('value and timestamp formats', () => {
    expect(['NaN', '+Inf', '-Inf', '-0', '1.5', '1e+21'].map(String)).toEqual(
      [Number.NaN, Infinity, -Infinity, -0, 1.5, 1e21].map(formatOpenMetricsValue),
    );
    expect(formatOpenMetricsTimestamp(1_672_531_200_005)).toBe('1672531200.005');
    expect(formatBucketBound(1)).toBe('1.0');
    expect(formatBucketBound(0.25)).toBe('0.25');
    expect(formatBucketBound(Infinity)).toBe('+Inf');
  });

  test('types, help, contiguous families, # EOF at the end', () => {
    const text = [...openMetricsChunks(small, 4096)].join('');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE http_requests counter\n');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram\n');
    const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE'));
    expect(new Set(typeLines).size).toBe(typeLines.length);
  });

  test('parsed back by the OpenMetrics loader, it holds exactly the generated samples', async () => {
    const viaText = new MemoryStorage();
    await loadText(viaText, openMetricsChunks(small, 1000), { format: 'openmetrics' });
    const direct = new MemoryStorage();
    expect(loadDataset(direct, small)).toBe(small.samples);
    const a = await readStorageSamples(direct, small.startMs, small.endMs);
    const b = await readStorageSamples(viaText, small.startMs, small.endMs);
    const c = compareSamples(a, b);
    expect(c.differences).toEqual([]);
    expect(c.samples).toBe(small.samples);
  });
});
