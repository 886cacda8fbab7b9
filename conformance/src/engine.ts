/**
 * promql-ts as the runner's {@link QueryEngine}: the runner's settings mapped to
 * `evaluate`/`evaluateRange` options. Prometheus's v3.14 test engine removes metric names
 * late (`EnableDelayedNameRemoval`), its v2.42 one does not; so does this adapter.
 */
import { type EvaluateOptions, evaluate, evaluateRange } from '@promql-ts/engine';
import type { EvalOptions, QueryEngine } from './runner.js';

/** The engine options matching the runner's settings. */
export function engineOptions(o: EvalOptions): EvaluateOptions {
  return {
    compat: o.compat,
    experimental: o.experimental,
    lookbackDeltaMs: o.lookbackDeltaMs,
    maxSamples: o.maxSamples,
    timeoutMs: o.timeoutMs,
    defaultSubqueryStepMs: o.noStepSubqueryIntervalMs,
    delayedNameRemoval: o.compat === 'prometheus3',
  };
}

/** promql-ts, for {@link runTestFile}. */
export const promqlTsEngine: QueryEngine = {
  instant: (query, storage, timeMs, options) =>
    evaluate(query, storage, timeMs, engineOptions(options)),
  range: (query, storage, range, options) =>
    evaluateRange(
      query,
      storage,
      { start: range.startMs, end: range.endMs, stepMs: range.stepMs },
      engineOptions(options),
    ),
};
