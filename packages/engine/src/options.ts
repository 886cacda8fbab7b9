/**
 * Options of `evaluate` / `evaluateRange`, with Prometheus's defaults.
 */
import type { Kernels } from '@promql-ts/kernels';

/** Which Prometheus to follow where 2.x and 3.x give different answers. */
export type Compat = 'prometheus3' | 'prometheus2';

/** Options of a query. */
export interface EvaluateOptions {
  /**
   * How far back an instant selector looks for a sample, in milliseconds. Default
   * 300000 (5 minutes), Prometheus's `--query.lookback-delta`.
   */
  readonly lookbackDeltaMs?: number;
  /** `'prometheus3'` (default) or `'prometheus2'`: closed windows, the 2.x subquery
   * boundary, 2.42's rate extrapolation, `holt_winters`. */
  readonly compat?: Compat;
  /**
   * The most samples a query may hold in memory at once; beyond it the query fails with a
   * `LimitError`. Default 50,000,000, Prometheus's `--query.max-samples`.
   */
  readonly maxSamples?: number;
  /** Milliseconds after which the query fails with a `TimeoutError`. Default 2 minutes. */
  readonly timeoutMs?: number;
  /** Cancels the query (it fails with a `CanceledError`). */
  readonly signal?: AbortSignal;
  /** Enable every experimental function and feature, as Prometheus's feature flags do. */
  readonly experimental?: boolean;
  /** Step of subqueries written without one (`x[1h:]`), in milliseconds. Default 60000. */
  readonly defaultSubqueryStepMs?: number;
  /**
   * Keep `__name__` until the end of the query and drop it then, as Prometheus's
   * `promql-delayed-name-removal` feature does. Default false, as in Prometheus.
   */
  readonly delayedNameRemoval?: boolean;
  /**
   * How many cells (series × steps) one batch of a range query's steps may hold per
   * operator: longer range queries are evaluated in batches of steps, which bounds the
   * memory of intermediate results. Default 4,194,304.
   */
  readonly maxBatchCells?: number;
  /**
   * The numeric kernels to use. By default one WebAssembly instance shared by every
   * query of this process (see `@promql-ts/kernels`).
   */
  readonly kernels?: Kernels;
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly lookbackDeltaMs: number;
  readonly compat: Compat;
  readonly maxSamples: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | null;
  readonly experimental: boolean;
  readonly defaultSubqueryStepMs: number;
  readonly delayedNameRemoval: boolean;
  readonly maxBatchCells: number;
}

/** Prometheus's default lookback delta. */
export const DEFAULT_LOOKBACK_MS = 5 * 60 * 1000;
/** Prometheus's default `--query.max-samples`. */
export const DEFAULT_MAX_SAMPLES = 50_000_000;
/** Prometheus's default `--query.timeout`. */
export const DEFAULT_TIMEOUT_MS = 2 * 60 * 1000;
/** Prometheus's default evaluation interval, used as the step of step-less subqueries. */
export const DEFAULT_SUBQUERY_STEP_MS = 60 * 1000;

/** Default cells per batch of steps. */
export const DEFAULT_BATCH_CELLS = 1 << 22;

/** Fills in the defaults. */
export function resolveOptions(o: EvaluateOptions = {}): ResolvedOptions {
  const lookback = o.lookbackDeltaMs ?? 0;
  return {
    lookbackDeltaMs: lookback > 0 ? lookback : DEFAULT_LOOKBACK_MS,
    compat: o.compat ?? 'prometheus3',
    maxSamples: o.maxSamples ?? DEFAULT_MAX_SAMPLES,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: o.signal ?? null,
    experimental: o.experimental ?? false,
    defaultSubqueryStepMs: o.defaultSubqueryStepMs ?? DEFAULT_SUBQUERY_STEP_MS,
    delayedNameRemoval: o.delayedNameRemoval ?? false,
    maxBatchCells:
      o.maxBatchCells !== undefined && o.maxBatchCells > 0 ? o.maxBatchCells : DEFAULT_BATCH_CELLS,
  };
}
