/**
 * `MemoryStorage`: the in-memory reference implementation of the engine's `Storage`.
 *
 * Every series has a dense id (`0..n-1`, never reused) and its samples in
 * time-partitioned chunks (see `series.ts`). An inverted index (`label-index.ts`) maps
 * each label name and value to the ascending ids of the series carrying it; matchers are
 * evaluated as unions, intersections and differences of those lists.
 */
import {
  compareStrings,
  type Labels,
  type Matcher,
  type MetricMetadata,
  type ReadMemory,
  type SelectHints,
  type SeriesColumns,
  type Storage,
  type StorageSeries,
  type TimeRange,
} from '@promql-ts/engine';
import { StorageError } from './errors.js';
import { LabelIndex } from './label-index.js';
import {
  type LabelsInput,
  labelsEqual,
  labelsHash,
  labelValue,
  normalizeLabels,
} from './labels.js';
import { NewestTable } from './newest-table.js';
import { EMPTY_POSTINGS, intersect, type Postings, subtract } from './postings.js';
import { SHORT_RUN, touchRun } from './prefetch.js';
import { RecentSamples } from './recent-samples.js';
import {
  Arena,
  type ChunkContext,
  copySamples,
  lowerBound,
  lowerBoundInside,
  MemSeries,
} from './series.js';
import { sameBits } from './values.js';

/** What to do with a sample older than the newest sample of its series. */
export type OutOfOrderPolicy = 'reject' | 'accept';

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Width of a time partition in milliseconds (default 7,200,000 = 2 h, Prometheus's
   * block range). Each series keeps one chunk per partition it has samples in.
   */
  readonly chunkRangeMs?: number;
  /**
   * `'reject'` (default) refuses a sample older than its series' newest sample with
   * `out of order sample`, as Prometheus's TSDB does without an out-of-order window.
   * `'accept'` inserts it in time order.
   */
  readonly outOfOrder?: OutOfOrderPolicy;
  /** How many rejected samples a {@link WriteResult} lists (default 100). */
  readonly maxRejections?: number;
  /**
   * How many of each series' newest samples to keep also side by side with other
   * series' (default 0: none), for short reads at the recent end (an instant query's
   * `rate(x[5m])` reads 21 samples at 15 s scrapes): they then come from one array in
   * series order instead of from every series' own chunk, 1.2 to 1.5 times faster for
   * such queries with cold caches. Costs 16 bytes per kept sample per series (32: 512
   * bytes, about 0.6 more bytes per sample of a 6 h series), which is why it is off by
   * default. See `recent-samples.ts`.
   */
  readonly recentSamples?: number;
}

/** Why a sample was refused. The first two are Prometheus's error messages. */
export type RejectionReason =
  | 'duplicate sample for timestamp'
  | 'invalid timestamp'
  | 'out of order sample';

/**
 * The outcome of writing one sample: `'added'`; `'identical'` when the series already
 * has this timestamp with a bit-identical value (accepted as a no-op, as in Prometheus);
 * or the reason it was refused.
 */
export type AppendStatus = 'added' | 'identical' | RejectionReason;

/** A refused sample. */
export interface SampleRejection {
  readonly labels: Labels;
  readonly timestampMs: number;
  readonly value: number;
  readonly reason: RejectionReason;
}

/** The outcome of a write: counts, and the first rejections (see `maxRejections`). */
export interface WriteResult {
  /** Samples stored. */
  readonly added: number;
  /** Samples equal to one already stored (same timestamp, same value bits): no-ops. */
  readonly identical: number;
  /** Samples refused; every other sample of the write was kept. */
  readonly rejected: number;
  /** The first refused samples, in input order. */
  readonly rejections: readonly SampleRejection[];
}

/** What a deletion removed. */
export interface DeleteResult {
  readonly samples: number;
  /** Series left without samples, and so removed from the index. */
  readonly series: number;
}

/** Size figures of a {@link MemoryStorage}. */
export interface StorageStats {
  readonly series: number;
  readonly samples: number;
  readonly chunks: number;
  /** Bytes of sample buffers, spare head capacity included. */
  readonly sampleBytes: number;
  /** Smallest and largest timestamp held; `NaN` when empty. */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
}

const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;

/** Counts samples written and keeps the first rejections. */
class WriteTally {
  added = 0;
  identical = 0;
  rejected = 0;
  readonly rejections: SampleRejection[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  count(status: AppendStatus, labels: Labels, timestampMs: number, value: number): void {
    if (status === 'added') this.added++;
    else if (status === 'identical') this.identical++;
    else {
      this.rejected++;
      if (this.rejections.length < this.#max) {
        this.rejections.push({ labels, timestampMs, value, reason: status });
      }
    }
  }

  result(): WriteResult {
    return {
      added: this.added,
      identical: this.identical,
      rejected: this.rejected,
      rejections: this.rejections,
    };
  }
}

/** Series whose rings a read prefetches at a time (see RecentSamples.prefetch). */
const PREFETCH_BLOCK = 256;

/**
 * An in-memory time-series store implementing the engine's `Storage` interface, with an
 * inverted label index, time-partitioned `Float64Array` chunks and zero-copy reads.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage();
 * storage.addSeries({ __name__: 'up', job: 'api' }, [0, 15_000, 30_000], [1, 1, 0]);
 * const [s] = storage.select([compileMatcher('=', '__name__', 'up')], hints);
 * s.chunks[0].values; // Float64Array [1, 1, 0], a view, not a copy
 * ```
 */
export class MemoryStorage implements Storage {
  readonly #ctx: ChunkContext;
  readonly #outOfOrder: OutOfOrderPolicy;
  readonly #maxRejections: number;

  /** Series by id; `undefined` once deleted. */
  readonly #series: (MemSeries | undefined)[] = [];
  /** Each series' labels by id, beside `#series`: reads need them without the series. */
  readonly #labels: (Labels | undefined)[] = [];
  /** Each series' newest partition by id (see `newest-table.ts`). */
  readonly #newest = new NewestTable();
  /** Each series' last samples by id (see `recent-samples.ts`). */
  readonly #recent: RecentSamples;
  /** Label-set hash → series id, or `~i` for the colliding ids in `#collisions[i]`. */
  readonly #byHash = new Map<number, number>();
  readonly #collisions: number[][] = [];
  readonly #index = new LabelIndex();
  readonly #metadata = new Map<string, MetricMetadata>();
  #live = 0;
  #samples = 0;
  /** Ids of all live series, ascending; rebuilt lazily after series come or go. */
  #all: Uint32Array | null = null;
  /**
   * The ids of earlier reads' matcher sets, by the matchers' text; emptied when series
   * come or go. A dashboard's queries select the same series again and again, and a
   * selector of several matchers intersects their postings every time (for
   * `http_requests_total{job="api",code="200"}` over 10,000 series, a sixth of an instant
   * query's time with the caches cold).
   */
  #postingsCache = new Map<string, Postings>();
  /** Ids held by {@link #postingsCache}, in all. */
  #postingsCached = 0;
  /**
   * The last reads' ids by their matchers themselves ({@link RECENT_LISTS} lists of them,
   * copied when read, as a caller may change an array it passes again): an engine that
   * keeps its compiled matchers with a parsed query (as promql-ts does) passes the same
   * matcher objects each time the query runs, found here by comparing references, without
   * building their text and hashing it. Emptied with {@link #postingsCache}.
   */
  readonly #recentMatchers: (readonly Matcher[] | null)[] = new Array(RECENT_LISTS).fill(null);
  readonly #recentIds: (Postings | null)[] = new Array(RECENT_LISTS).fill(null);
  #recentNext = 0;
  #recentUsed = false;

  constructor(options: MemoryStorageOptions = {}) {
    const range = options.chunkRangeMs ?? DEFAULT_CHUNK_RANGE_MS;
    if (!Number.isSafeInteger(range) || range <= 0) {
      throw new StorageError('invalid_argument', 'chunkRangeMs must be a positive integer');
    }
    const policy = options.outOfOrder ?? 'reject';
    if (policy !== 'reject' && policy !== 'accept') {
      throw new StorageError('invalid_argument', `unknown outOfOrder policy ${String(policy)}`);
    }
    const recent = options.recentSamples ?? 0;
    if (!Number.isSafeInteger(recent) || recent < 0 || recent > 1 << 16) {
      throw new StorageError(
        'invalid_argument',
        'recentSamples must be an integer from 0 to 65536',
      );
    }
    this.#recent = new RecentSamples(recent);
    this.#ctx = { arena: new Arena(), rangeMs: range };
    this.#outOfOrder = policy;
    this.#maxRejections = options.maxRejections ?? 100;
  }

  // === Writes ===

  /**
   * The id ("reference") of the series with these labels, creating the series if it is
   * new. Use it with {@link appendRef} to skip label handling on every sample.
   *
   * @throws InvalidLabelsError if the labels are invalid (see `normalizeLabels`).
   */
  ref(labels: LabelsInput): number {
    return this.#getOrCreate(normalizeLabels(labels)).id;
  }

  /** The labels of series `ref`. */
  labelsOf(ref: number): Labels {
    return this.#seriesById(ref).labels;
  }

  /**
   * Appends one sample to series `ref` (from {@link ref}). Amortised O(1) when the sample
   * is newer than the series' newest one, and allocation-free except when a chunk fills
   * up or a partition starts.
   */
  appendRef(ref: number, timestampMs: number, value: number): AppendStatus {
    const s = this.#seriesById(ref);
    if (!Number.isSafeInteger(timestampMs)) return 'invalid timestamp';
    if (timestampMs > s.maxT) {
      s.appendInOrder(timestampMs, value, this.#ctx);
      this.#samples++;
      return 'added';
    }
    if (timestampMs === s.maxT) {
      // Provenance: memSeries.appendable in prometheus/prometheus tsdb/head_append.go —
      // only the newest sample is compared, by bits.
      return sameBits(s.newestValue(), value) ? 'identical' : 'duplicate sample for timestamp';
    }
    if (this.#outOfOrder === 'reject') return 'out of order sample';
    const status = s.insert(timestampMs, value, this.#ctx);
    if (status === 'added') this.#samples++;
    return status;
  }

  /**
   * Appends one sample to the series with these labels. Timestamps are integer
   * milliseconds. Out-of-order and duplicate samples follow Prometheus (see
   * {@link AppendStatus}) or the `outOfOrder` option.
   *
   * @throws InvalidLabelsError if the labels are invalid.
   */
  append(labels: LabelsInput, timestampMs: number, value: number): WriteResult {
    const tally = new WriteTally(this.#maxRejections);
    const s = this.#getOrCreate(normalizeLabels(labels));
    tally.count(this.appendRef(s.id, timestampMs, value), s.labels, timestampMs, value);
    this.#dropIfEmpty(s);
    return tally.result();
  }

  /**
   * Adds many samples to one series. When the timestamps are strictly increasing and all
   * newer than the series' samples (the usual case), they are copied in bulk into exact-
   * size chunks; otherwise each sample is appended in turn, and the refused ones are
   * reported while all others are kept. Pass values as a `Float64Array` when NaN payloads
   * (staleness markers) must survive bit for bit.
   *
   * @throws InvalidLabelsError if the labels are invalid.
   * @throws StorageError if the two arrays differ in length.
   */
  addSeries(
    labels: LabelsInput,
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
  ): WriteResult {
    if (timestamps.length !== values.length) {
      throw new StorageError(
        'invalid_argument',
        `timestamps and values differ in length (${timestamps.length} vs ${values.length})`,
      );
    }
    const tally = new WriteTally(this.#maxRejections);
    const s = this.#getOrCreate(normalizeLabels(labels));
    const n = timestamps.length;
    let clean = n > 0;
    let prev = s.maxT;
    for (let i = 0; i < n && clean; i++) {
      const t = timestamps[i]!;
      clean = t > prev && Number.isSafeInteger(t);
      prev = t;
    }
    if (clean) {
      s.appendBulk(timestamps, values, this.#ctx);
      this.#samples += n;
      tally.added = n;
    } else {
      for (let i = 0; i < n; i++) {
        const t = timestamps[i]!;
        const v = values[i]!;
        tally.count(this.appendRef(s.id, t, v), s.labels, t, v);
      }
    }
    this.#dropIfEmpty(s);
    return tally.result();
  }

  /**
   * Records metadata of a metric family, merged into what is known: a field left out
   * keeps its previous value (`unknown` type, empty help and unit at first).
   */
  setMetadata(metric: string, metadata: Partial<MetricMetadata>): void {
    const old = this.#metadata.get(metric);
    this.#metadata.set(metric, {
      type: metadata.type ?? old?.type ?? 'unknown',
      help: metadata.help ?? old?.help ?? '',
      unit: metadata.unit ?? old?.unit ?? '',
    });
  }

  /**
   * Seals every head chunk into exact-size storage, releasing the capacity kept for
   * appends (the text loader calls this when it finishes). Appending afterwards works,
   * but the first append to a series copies its newest chunk back into a head, so do not
   * trim after every small write.
   */
  trim(): void {
    for (const s of this.#series) if (s !== undefined) s.trim();
  }

  // === Retention ===

  /** Drops every sample older than `timestampMs`; series left empty disappear. */
  deleteBefore(timestampMs: number): DeleteResult {
    let samples = 0;
    let series = 0;
    for (const s of this.#series) {
      if (s === undefined) continue;
      const removed = s.deleteRange(Number.NEGATIVE_INFINITY, timestampMs, false, this.#ctx);
      samples += removed;
      this.#samples -= removed;
      if (this.#dropIfEmpty(s)) series++;
    }
    return { samples, series };
  }

  /**
   * Drops the samples of the series matching all `matchers` (all series when empty) in
   * `range` (inclusive; all time when omitted). Series left empty disappear.
   */
  deleteSeries(matchers: readonly Matcher[], range?: TimeRange): DeleteResult {
    const start = range?.startMs ?? Number.NEGATIVE_INFINITY;
    const end = range?.endMs ?? Number.POSITIVE_INFINITY;
    const ids = Array.from(this.#postingsFor(matchers));
    let samples = 0;
    let series = 0;
    for (const id of ids) {
      const s = this.#series[id]!;
      const removed = s.deleteRange(start, end, true, this.#ctx);
      samples += removed;
      this.#samples -= removed;
      if (this.#dropIfEmpty(s)) series++;
    }
    return { samples, series };
  }

  // === Reads (the Storage interface) ===

  /**
   * See `Storage.select`. A chunk wholly inside the range comes back as the stored chunk
   * itself, others as `subarray` views cut to the range. Honours `hints.limit` (at most
   * that many series, by id).
   */
  select(matchers: readonly Matcher[], hints: SelectHints): StorageSeries[] {
    const ids = this.#postingsFor(matchers);
    const start = hints.startMs;
    const end = hints.endMs;
    const limit = hints.limit !== undefined && hints.limit > 0 ? hints.limit : Infinity;
    const out: StorageSeries[] = [];
    for (let i = 0; i < ids.length && out.length < limit; i++) {
      const s = this.#series[ids[i]!]!;
      const chunks = s.chunksIn(start, end);
      if (chunks.length > 0) out.push({ labels: s.labels, chunks });
    }
    return out;
  }

  /**
   * See `Storage.selectColumns`: the series of `select`, with the number of their samples
   * in `[hints.startMs, hints.endMs]`; `copy` copies those samples straight from the
   * chunks. A series that gains samples in the range after the call still gives exactly
   * the counted number (its first ones). With `hints.latestOnly`, only each series' newest
   * sample in the range is counted and copied.
   *
   * Recent reads are counted without touching the series object: a read of only the
   * newest sample from the {@link NewestTable}'s last time and value; a short read at the
   * recent end from the ring of recent samples, when enabled (`recentSamples`); any read
   * that starts in a series' newest partition from the table's record of that partition.
   * The count records where the samples are, and `copy` copies them as they were when
   * counted, even if deleted since (nothing is modified in place; a ring that moved on is
   * read through the series instead). Other ranges go through the series, and a copy
   * that finds fewer samples than counted fails with a `StorageError` (`changed`).
   */
  selectColumns(
    matchers: readonly Matcher[],
    hints: SelectHints,
    memory?: ReadMemory,
  ): SeriesColumns {
    const ids = this.#postingsFor(matchers);
    const start = hints.startMs;
    const end = hints.endMs;
    const limit = hints.limit !== undefined && hints.limit > 0 ? hints.limit : Infinity;
    // An instant selector at one time needs only each series' newest sample.
    const latest = hints.latestOnly === true;
    const { first, last, lastValue, tsAt, vsAt, len, arrays } = this.#newest;
    const recent = this.#recent;
    const { k, data: ring, written, next, filled } = recent;
    const n = Math.min(ids.length, limit);
    // The read's columns share one buffer: a typed array with a buffer of its own costs
    // a system allocation and the garbage collector's bookkeeping (microseconds each),
    // a view of a shared one next to nothing. The engine's memory for the query, when it
    // gives some, saves even that one.
    const doubles = latest ? 2 : 1;
    const bytes = 8 * doubles * n + 4 * (4 * n + 1) + n;
    const given = memory?.(bytes);
    const buffer = given?.buffer ?? new ArrayBuffer(bytes);
    let used = given?.byteOffset ?? 0;
    const cut = (bytes: number): number => {
      const here = used;
      used += bytes;
      return here;
    };
    const ringFrom = new Float64Array(buffer, cut(8 * n), n);
    // FROM_LAST's values (its times go in `ringFrom`); only latest reads use it.
    const lastV = latest ? new Float64Array(buffer, cut(8 * n), n) : ringFrom;
    const picked = new Uint32Array(buffer, cut(4 * n), n);
    const tsFrom = new Int32Array(buffer, cut(4 * n), n);
    const vsFrom = new Int32Array(buffer, cut(4 * n), n);
    const offsets = new Uint32Array(buffer, cut(4 * (n + 1)), n + 1);
    // Per picked series, where its samples are: FROM_LAST (its newest sample, copied
    // into `ringFrom` and `lastV` by the count), FROM_RING (number of the first in
    // `ringFrom`), FROM_ARRAY (`arrays`, index of the first timestamp and of the first
    // value), or FROM_SERIES (read through the series).
    const kind = new Uint8Array(buffer, cut(n), n);
    const from: (Float64Array | null)[] = new Array(n);
    let count = 0;
    for (let i = 0; i < ids.length && count < limit; i++) {
      // The newest-sample table answers latest reads; other reads of short windows go to
      // the rings, fetched a block of series at a time first (a block's rings, 128 KiB at
      // 32 samples, stay in the core's cache until the count and the copy read them).
      // Fetching only the timestamps here and the values in the copy was slower.
      if (!latest && i % PREFETCH_BLOCK === 0) {
        recent.prefetch(ids, start, i, Math.min(ids.length, i + PREFETCH_BLOCK));
      }
      const id = ids[i]!;
      let found = -1;
      if (latest && last[id]! <= end) {
        // The newest sample is the one wanted, and the table holds it.
        if (last[id]! < start) continue;
        kind[count] = FROM_LAST;
        ringFrom[count] = last[id]!;
        const v = lastValue[id]!;
        lastV[count] = v;
        // A NaN again as bytes, so that its payload (the staleness marker) survives.
        if (Number.isNaN(v)) lastV.set(lastValue.subarray(id, id + 1), count);
        found = 1;
      }
      if (found < 0 && recent.holdsFrom(id, start)) {
        const f = filled[id]!;
        // Walk back from the newest sample: past those after end, then those in range
        // (for the newest sample only, no further than one).
        const base = id * 2 * k;
        let slot = next[id] === 0 ? k - 1 : next[id]! - 1;
        let j = 0;
        while (j < f && ring[base + slot]! > end) {
          j++;
          slot = slot === 0 ? k - 1 : slot - 1;
        }
        const newestIn = j;
        const stop = latest ? Math.min(f, j + 1) : f;
        while (j < stop && ring[base + slot]! >= start) {
          j++;
          slot = slot === 0 ? k - 1 : slot - 1;
        }
        found = j - newestIn;
        if (found === 0) continue;
        kind[count] = FROM_RING;
        ringFrom[count] = written[id]! - newestIn - found;
      }
      const t0 = first[id]!;
      if (found < 0 && t0 <= start) {
        // The newest partition holds every sample at or after start.
        const l = last[id]!;
        if (l < start) continue;
        const array = arrays[id]!;
        const lo0 = tsAt[id]!;
        const hi0 = lo0 + len[id]!;
        let lo: number;
        let hi: number;
        if (latest) {
          hi = l <= end ? hi0 : lowerBound(array, lo0, hi0, Math.floor(end) + 1);
          if (hi === lo0 || array[hi - 1]! < start) continue;
          lo = hi - 1;
        } else {
          lo = t0 >= start ? lo0 : lowerBoundInside(array, lo0, hi0, start, t0, l);
          hi = l <= end ? hi0 : lowerBound(array, lo, hi0, Math.floor(end) + 1);
          if (hi <= lo) continue;
        }
        kind[count] = FROM_ARRAY;
        from[count] = array;
        tsFrom[count] = lo;
        vsFrom[count] = vsAt[id]! + lo - lo0;
        found = hi - lo;
      } else if (found < 0) {
        const s = this.#series[id]!;
        found = s.countIn(start, end);
        if (found === 0) continue;
        if (latest) found = 1;
        kind[count] = FROM_SERIES;
      }
      picked[count] = id;
      offsets[count + 1] = offsets[count]! + found;
      count++;
    }
    const labels: Labels[] = new Array(count);
    for (let i = 0; i < count; i++) labels[i] = this.#labels[picked[i]!]!;
    const series = this.#series;
    return {
      labels,
      offsets: offsets.subarray(0, count + 1),
      copy(fromRow, toRow, timestamps, values) {
        const base = offsets[fromRow]!;
        // Short runs of chunk samples are fetched for all rows first (see prefetch.ts; the
        // rings' were fetched by the count).
        for (let i = fromRow; i < toRow; i++) {
          const want = offsets[i + 1]! - offsets[i]!;
          if (kind[i] !== FROM_ARRAY || want > SHORT_RUN) continue;
          touchRun(from[i]!, tsFrom[i]!, want);
          touchRun(from[i]!, vsFrom[i]!, want);
        }
        for (let i = fromRow; i < toRow; i++) {
          const at = offsets[i]! - base;
          const want = offsets[i + 1]! - offsets[i]!;
          let copied = -1;
          if (kind[i] === FROM_LAST) {
            timestamps[at] = ringFrom[i]!;
            values[at] = lastV[i]!;
            if (Number.isNaN(values[at]!)) values.set(lastV.subarray(i, i + 1), at);
            copied = at + 1;
          } else if (kind[i] === FROM_RING) {
            copied = recent.copy(picked[i]!, ringFrom[i]!, want, timestamps, values, at);
          } else if (kind[i] === FROM_ARRAY) {
            // Positions recorded by the count stay valid: nothing is modified in place.
            const array = from[i]!;
            const lo = tsFrom[i]!;
            copied = copySamples(
              array,
              array,
              lo,
              lo + want,
              timestamps,
              values,
              at,
              vsFrom[i]! - lo,
            );
          }
          if (copied < 0) {
            // Read through the series (also when the ring has moved on since the count).
            const s = series[picked[i]!];
            copied =
              s === undefined
                ? at
                : latest
                  ? s.copyLatestIn(start, end, timestamps, values, at)
                  : s.copyIn(start, end, timestamps, values, at, want);
          }
          if (copied !== at + want) {
            throw new StorageError(
              'changed',
              `series ${JSON.stringify(Object.fromEntries(labels[i]!.map((l) => [l.name, l.value])))} lost samples while a query read it`,
            );
          }
        }
      },
    };
  }

  /** See `Storage.labelNames`. */
  labelNames(matchers: readonly Matcher[], range: TimeRange): string[] {
    const names = new Set<string>();
    if (matchers.length === 0) {
      for (const [name, values] of this.#index.byName) {
        for (const e of values.values()) {
          if (this.#anyIn(e.ids, range)) {
            names.add(name);
            break;
          }
        }
      }
    } else {
      const ids = this.#postingsFor(matchers);
      for (let i = 0; i < ids.length; i++) {
        const s = this.#series[ids[i]!]!;
        if (s.hasSamplesIn(range.startMs, range.endMs)) {
          for (const l of s.labels) names.add(l.name);
        }
      }
    }
    return [...names].sort(compareStrings);
  }

  /** See `Storage.labelValues`. */
  labelValues(name: string, matchers: readonly Matcher[], range: TimeRange): string[] {
    const values = new Set<string>();
    if (matchers.length === 0) {
      const byValue = this.#index.byName.get(name);
      if (byValue !== undefined) {
        for (const [value, e] of byValue) if (this.#anyIn(e.ids, range)) values.add(value);
      }
    } else {
      const ids = this.#postingsFor(matchers);
      for (let i = 0; i < ids.length; i++) {
        const s = this.#series[ids[i]!]!;
        const v = labelValue(s.labels, name);
        if (v !== '' && s.hasSamplesIn(range.startMs, range.endMs)) values.add(v);
      }
    }
    return [...values].sort(compareStrings);
  }

  /** See `Storage.series`. */
  series(matchers: readonly Matcher[], range: TimeRange): Labels[] {
    const ids = this.#postingsFor(matchers);
    const out: Labels[] = [];
    for (let i = 0; i < ids.length; i++) {
      const s = this.#series[ids[i]!]!;
      if (s.hasSamplesIn(range.startMs, range.endMs)) out.push(s.labels);
    }
    return out;
  }

  /** See `Storage.metadata`: one entry per known family, names in sorted order. */
  metadata(metric?: string): Map<string, MetricMetadata[]> {
    const out = new Map<string, MetricMetadata[]>();
    if (metric !== undefined) {
      const m = this.#metadata.get(metric);
      if (m !== undefined) out.set(metric, [m]);
      return out;
    }
    for (const name of [...this.#metadata.keys()].sort(compareStrings)) {
      out.set(name, [this.#metadata.get(name)!]);
    }
    return out;
  }

  /** Counts and sizes, for monitoring and benchmarks. */
  stats(): StorageStats {
    let chunks = 0;
    let bytes = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of this.#series) {
      if (s === undefined || s.samples === 0) continue;
      chunks += s.chunkCount();
      bytes += s.sampleBytes();
      if (s.minT < min) min = s.minT;
      if (s.maxT > max) max = s.maxT;
    }
    return {
      series: this.#live,
      samples: this.#samples,
      chunks,
      sampleBytes: bytes,
      minTimeMs: chunks === 0 ? Number.NaN : min,
      maxTimeMs: chunks === 0 ? Number.NaN : max,
    };
  }

  // === Internals: series ===

  #seriesById(ref: number): MemSeries {
    const s = this.#series[ref];
    if (s === undefined) throw new StorageError('invalid_argument', `no series with ref ${ref}`);
    return s;
  }

  /** The series with exactly these (normalised) labels, or undefined. */
  #find(labels: Labels, h: number): MemSeries | undefined {
    const e = this.#byHash.get(h);
    if (e === undefined) return undefined;
    if (e >= 0) {
      const s = this.#series[e]!;
      return labelsEqual(s.labels, labels) ? s : undefined;
    }
    for (const id of this.#collisions[~e]!) {
      const s = this.#series[id]!;
      if (labelsEqual(s.labels, labels)) return s;
    }
    return undefined;
  }

  #getOrCreate(labels: Labels): MemSeries {
    const h = labelsHash(labels);
    const found = this.#find(labels, h);
    if (found !== undefined) return found;
    const id = this.#series.length;
    const s = new MemSeries(id, this.#index.add(id, labels), this.#newest, this.#recent);
    this.#seriesChanged();
    this.#series.push(s);
    this.#labels.push(s.labels);
    const e = this.#byHash.get(h);
    if (e === undefined) this.#byHash.set(h, id);
    else if (e >= 0) {
      this.#collisions.push([e, id]);
      this.#byHash.set(h, ~(this.#collisions.length - 1));
    } else this.#collisions[~e]!.push(id);
    this.#live++;
    return s;
  }

  /** Removes `s` from the index when it holds no sample; true if it did. */
  #dropIfEmpty(s: MemSeries): boolean {
    if (s.samples > 0 || this.#series[s.id] !== s) return false;
    this.#series[s.id] = undefined;
    this.#labels[s.id] = undefined;
    this.#newest.clear(s.id);
    this.#recent.reset(s.id);
    const h = labelsHash(s.labels);
    const e = this.#byHash.get(h)!;
    if (e >= 0) this.#byHash.delete(h);
    else {
      const list = this.#collisions[~e]!;
      list.splice(list.indexOf(s.id), 1);
      if (list.length === 1) this.#byHash.set(h, list[0]!);
    }
    this.#index.remove(s.id, s.labels);
    this.#live--;
    this.#seriesChanged();
    return true;
  }

  #anyIn(ids: readonly number[], range: TimeRange): boolean {
    for (const id of ids) {
      if (this.#series[id]!.hasSamplesIn(range.startMs, range.endMs)) return true;
    }
    return false;
  }

  // === Internals: index ===

  #allPostings(): Uint32Array {
    if (this.#all === null) {
      const all = new Uint32Array(this.#live);
      let n = 0;
      for (let id = 0; id < this.#series.length; id++) {
        if (this.#series[id] !== undefined) all[n++] = id;
      }
      this.#all = all;
    }
    return this.#all;
  }

  /**
   * Ids of the series matching every matcher, ascending.
   *
   * Provenance: the semantics of PostingsForMatchers in prometheus/prometheus
   * tsdb/querier.go — a matcher that accepts `""` also selects series without the label,
   * so it is applied by subtracting the series whose value it rejects.
   */
  #postingsFor(matchers: readonly Matcher[]): Postings {
    if (matchers.length === 0) return this.#allPostings();
    const lists = this.#recentMatchers;
    for (let i = 0; i < RECENT_LISTS; i++) {
      const list = lists[i];
      if (list && sameMatchers(list, matchers)) return this.#recentIds[i]!;
    }
    const ids = this.#postingsByText(matchers);
    const at = this.#recentNext;
    lists[at] = matchers.slice();
    this.#recentIds[at] = ids;
    this.#recentNext = (at + 1) % RECENT_LISTS;
    this.#recentUsed = true;
    return ids;
  }

  /** {@link #postingsFor} by the matchers' text. */
  #postingsByText(matchers: readonly Matcher[]): Postings {
    // One `=` matcher is one lookup in the index: nothing to keep.
    if (matchers.length === 1 && matchers[0]!.type === '=') return this.#computePostings(matchers);
    let key = '';
    for (const m of matchers) key += `${m.type}\u0000${m.name}\u0000${m.value}\u0001`;
    const cached = this.#postingsCache.get(key);
    if (cached !== undefined) return cached;
    const ids = this.#computePostings(matchers);
    if (this.#postingsCached + ids.length > POSTINGS_CACHE_IDS) this.#clearPostingsCache();
    if (ids.length <= POSTINGS_CACHE_IDS) {
      this.#postingsCache.set(key, ids);
      this.#postingsCached += ids.length;
    }
    return ids;
  }

  /** Series came or went: the lists of ids built before are out of date. */
  #seriesChanged(): void {
    this.#all = null;
    if (this.#postingsCache.size > 0 || this.#recentUsed) this.#clearPostingsCache();
  }

  #clearPostingsCache(): void {
    this.#postingsCache.clear();
    this.#postingsCached = 0;
    if (this.#recentUsed) {
      this.#recentMatchers.fill(null);
      this.#recentIds.fill(null);
      this.#recentUsed = false;
    }
  }

  /** {@link #postingsFor}, from the index. */
  #computePostings(matchers: readonly Matcher[]): Postings {
    const positive: Matcher[] = [];
    const negative: Matcher[] = [];
    for (const m of matchers) (m.matches('') ? negative : positive).push(m);
    // Cheap, selective lookups first: they shrink the candidates the others filter.
    positive.sort((a, b) => cost(a) - cost(b));
    let result: Postings | null = null;
    for (const m of positive) {
      if (
        result !== null &&
        m.setMatches === null &&
        result.length < this.#index.valueCount(m.name)
      ) {
        result = this.#filter(result, m);
      } else {
        const p = this.#index.postingsWhere(m, true);
        result = result === null ? p : intersect(result, p);
      }
      if (result.length === 0) return EMPTY_POSTINGS;
    }
    for (const m of negative) {
      const base: Postings = result ?? this.#allPostings();
      if (m.setMatches === null && base.length < this.#index.valueCount(m.name)) {
        result = this.#filter(base, m);
      } else {
        result = subtract(base, this.#index.postingsWhere(m, false));
      }
      if (result.length === 0) return EMPTY_POSTINGS;
    }
    return result ?? this.#allPostings();
  }

  /** Keeps the candidates whose own value of `m.name` matches (absent = `""`). */
  #filter(ids: Postings, m: Matcher): Postings {
    const out = new Uint32Array(ids.length);
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (m.matches(labelValue(this.#series[id]!.labels, m.name))) out[n++] = id;
    }
    return out.subarray(0, n);
  }
}

/** Where a column read's series has its samples (see `selectColumns`). */
const FROM_SERIES = 0;
const FROM_ARRAY = 1;
const FROM_RING = 2;
const FROM_LAST = 3;

/** Ids the cache of matcher sets' postings holds at most (16 MiB); emptied beyond. */
const POSTINGS_CACHE_IDS = 1 << 22;

/** Matcher lists whose ids {@link MemoryStorage} keeps by the list itself. */
const RECENT_LISTS = 16;

/** Whether two matcher lists hold the same matchers, in order. */
function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rough cost rank of evaluating a matcher through the index. */
function cost(m: Matcher): number {
  if (m.type === '=') return 0;
  if (m.setMatches !== null) return 1;
  return 2;
}
