// The kernels' WebAssembly exports. Every export takes pointers and lengths into the
// imported memory, which the TypeScript side owns; nothing here allocates, and the
// module imports nothing but that memory.

export { aggregate, aggregate_begin, aggregate_end, aggregate_fold } from './aggregate';
export { binary_op } from './binary';
export { histogram_fraction, histogram_quantile } from './histogram';
export { range_eval, range_window_samples } from './range';
export { compact_stale, count_stale, row_points, select_instant } from './select';
export { clamp_op, round_op, unary_op } from './unary';

/** First free byte above the module's static data: the arena starts here. */
export function heap_base(): usize {
  return __heap_base;
}

/** Replaces AssemblyScript's imported abort (see `--use abort=` in asconfig.json). */
// biome-ignore lint/correctness/noUnusedVariables: referenced by name from asconfig.json
function abortKernel(_msg: usize, _file: usize, _line: u32, _col: u32): void {
  unreachable();
}
