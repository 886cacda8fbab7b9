/**
 * A minimal `Storage` over arrays, for the engine's own tests (the real adapter lives in
 * `@promql-ts/storage-mem`, which depends on this package).
 */
import { compareLabels, labelsFrom } from '../src/labels.js';
import type {
  Labels,
  Matcher,
  ReadMemory,
  SelectHints,
  SeriesColumns,
  Storage,
  StorageSeries,
  TimeRange,
} from '../src/storage.js';

/**
 * One series: labels and samples `[ms, value]`, `'stale'` for a staleness marker (a
 * StaleNaN in a plain array would lose its bit pattern: V8 canonicalises NaNs there).
 */
export interface TestSeries {
  readonly labels: Record<string, string>;
  readonly samples: readonly (readonly [number, number | 'stale'])[];
}

function toValues(samples: TestSeries['samples']): Float64Array {
  const out = new Float64Array(samples.length);
  samples.forEach(([, v], i) => {
    out[i] = v === 'stale' ? Number.NaN : v;
    if (v === 'stale') new Uint32Array(out.buffer, i * 8, 2).set([2, 0x7ff00000]);
  });
  return out;
}

function matchesAll(ls: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.matches(ls.find((l) => l.name === m.name)?.value ?? ''));
}

/** A storage holding `series`, answering every call by scanning them. */
export function arrayStorage(series: readonly TestSeries[]): Storage & { selects: number } {
  const all = series.map((s) => ({
    labels: labelsFrom(Object.entries(s.labels)),
    ts: Float64Array.from(s.samples.map(([t]) => t)),
    values: toValues(s.samples),
  }));
  const inRange = (s: (typeof all)[number], r: TimeRange) =>
    s.ts.some((t) => t >= r.startMs && t <= r.endMs);
  const storage = {
    selects: 0,
    select(matchers: readonly Matcher[], hints: TimeRange): StorageSeries[] {
      storage.selects++;
      return all
        .filter((s) => matchesAll(s.labels, matchers) && inRange(s, hints))
        .map((s) => ({
          labels: s.labels,
          chunks: [{ kind: 'float' as const, timestamps: s.ts, values: s.values }],
        }));
    },
    labelNames(matchers: readonly Matcher[], r: TimeRange): string[] {
      const names = new Set<string>();
      for (const s of all)
        if (matchesAll(s.labels, matchers) && inRange(s, r))
          for (const l of s.labels) names.add(l.name);
      return [...names].sort();
    },
    labelValues(name: string, matchers: readonly Matcher[], r: TimeRange): string[] {
      const values = new Set<string>();
      for (const s of all) {
        const v = s.labels.find((l) => l.name === name)?.value;
        if (v !== undefined && matchesAll(s.labels, matchers) && inRange(s, r)) values.add(v);
      }
      return [...values].sort();
    },
    series(matchers: readonly Matcher[], r: TimeRange): Labels[] {
      return all
        .filter((s) => matchesAll(s.labels, matchers) && inRange(s, r))
        .map((s) => s.labels)
        .sort(compareLabels);
    },
  };
  return storage;
}

/** Samples every `stepMs` from 0: `values[i]` at `i * stepMs` (null = no sample). */
export function regular(stepMs: number, values: readonly (number | null)[]): [number, number][] {
  const out: [number, number][] = [];
  values.forEach((v, i) => {
    if (v !== null) out.push([i * stepMs, v]);
  });
  return out;
}

/**
 * {@link arrayStorage} that also answers `selectColumns`, as a storage holding its
 * samples in memory does: the engine then copies samples out on demand.
 */
export function columnStorage(
  series: readonly TestSeries[],
): Storage & { selects: number; given: { bytes: Uint8Array; byteOffset: number }[] } {
  const storage = arrayStorage(series);
  // What the engine's `memory` gave, as handed out (checked by tests).
  const given: { bytes: Uint8Array; byteOffset: number }[] = [];
  return Object.assign(storage, {
    given,
    selectColumns(
      matchers: readonly Matcher[],
      hints: SelectHints,
      memory?: ReadMemory,
    ): SeriesColumns {
      const found = storage.select(matchers, hints) as StorageSeries[];
      const parts = found.map((s) => {
        const { timestamps, values } = s.chunks[0]!;
        const lo = timestamps.findIndex((t) => t >= hints.startMs);
        let hi = timestamps.findIndex((t) => t > hints.endMs);
        if (hi < 0) hi = timestamps.length;
        return { ts: timestamps.subarray(lo, hi), values: values.subarray(lo, hi) };
      });
      let offsets: Uint32Array = new Uint32Array(found.length + 1);
      if (memory !== undefined) {
        // As an adapter would: its offsets in the query's memory.
        const m = memory(4 * (found.length + 1));
        given.push({ bytes: m.slice(), byteOffset: m.byteOffset });
        offsets = new Uint32Array(m.buffer, m.byteOffset, found.length + 1);
      }
      parts.forEach((p, i) => {
        offsets[i + 1] = offsets[i]! + p.ts.length;
      });
      return {
        labels: found.map((s) => s.labels),
        offsets,
        copy(from, to, ts, values) {
          for (let i = from; i < to; i++) {
            ts.set(parts[i]!.ts, offsets[i]! - offsets[from]!);
            values.set(parts[i]!.values, offsets[i]! - offsets[from]!);
          }
        },
      };
    },
  });
}
