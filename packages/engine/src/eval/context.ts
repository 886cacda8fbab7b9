/**
 * The state of one query while it runs: its options, kernels, the series every selector
 * read, its warnings and infos, sample accounting against `maxSamples`, and the deadline.
 */
import type { Kernels } from '@promql-ts/kernels';
import { Annotations } from '../annotations.js';
import { CanceledError, LimitError, TimeoutError, TOO_MANY_SAMPLES } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { SelectPlan } from '../plan/nodes.js';
import type { Grid, Value } from '../value.js';
import type { LoadedSeries } from './series.js';

/** One running query. */
export class EvalContext {
  readonly annotations = new Annotations();
  /** Samples currently held by the query (Prometheus's `currentSamples`). */
  private currentSamples = 0;
  /** The most samples held at once. */
  peakSamples = 0;
  /** Samples read from storage. */
  totalQueryableSamples = 0;
  private readonly deadline: number;
  /** Values counted as held, and the samples each was counted for (see evaluator.ts). */
  readonly heldValues: Value[] = [];
  readonly heldCounts: number[] = [];

  constructor(
    readonly kernels: Kernels,
    readonly options: ResolvedOptions,
    /** The query's own grid (the outermost evaluation). */
    readonly grid: Grid,
    /** True for `evaluateRange`, false for `evaluate`. */
    readonly isRangeQuery: boolean,
    /** By select id. */
    private readonly loaded: readonly (LoadedSeries | undefined)[],
    /** When the query began (`performance.now()`). */
    began: number,
  ) {
    this.deadline = began + options.timeoutMs;
  }

  /** The series of a storage read. */
  series(select: SelectPlan): LoadedSeries {
    const s = this.loaded[select.id];
    if (s === undefined) throw new Error(`select ${select.id} was not loaded`);
    return s;
  }

  /** Whether names are kept until the end of the query (delayed name removal). */
  get delayedNameRemoval(): boolean {
    return this.options.delayedNameRemoval;
  }

  /** Fails the query when it was canceled or ran out of time. */
  checkInterrupt(where = 'expression evaluation'): void {
    const signal = this.options.signal;
    if (signal?.aborted) throw new CanceledError(where);
    if (performance.now() > this.deadline) throw new TimeoutError(where);
  }

  /** Accounts for `n` more samples held; fails the query beyond `maxSamples`. */
  hold(n: number): void {
    this.currentSamples += n;
    if (this.currentSamples > this.peakSamples) this.peakSamples = this.currentSamples;
    if (this.currentSamples > this.options.maxSamples) throw new LimitError(TOO_MANY_SAMPLES);
  }

  /**
   * Accounts for `n` samples held for a moment on top of what is held now (a window being
   * read): they count towards the peak and the limit, then are gone.
   */
  holdBriefly(n: number): void {
    this.hold(n);
    this.release(n);
  }

  /** Accounts for `n` samples no longer held. */
  release(n: number): void {
    this.currentSamples -= n;
  }
}
