/**
 * The {@link Kernels} interface over a WebAssembly instance. Each method checks its
 * arguments, places them in the instance's memory (arena buffers in place, other arrays
 * copied in), calls one export for the whole batch, copies outputs back to arrays that
 * live outside the memory, and releases its scratch space.
 */

import { type Arena, WasmArena } from './arena.js';
import {
  AGGREGATE_OP_IDS,
  BINARY_OP_IDS,
  MATH_FUNCTION_IDS,
  RANGE_FUNCTION_IDS,
} from './constants.js';
import type { KernelBackend, Kernels } from './kernels.js';
import { binaryRows } from './reference.js';
import type {
  AggregateOp,
  BinaryOp,
  BinaryOptions,
  ClassicHistograms,
  HistogramQuantileOutput,
  InstantSelectorOptions,
  InstantSelectorOutput,
  MathFunction,
  RangeFunction,
  RangeFunctionOptions,
  SeriesBatch,
  SeriesSource,
  StepGrid,
  StepMatrix,
} from './types.js';
import {
  checkGrid,
  checkGroups,
  checkHistograms,
  checkInput,
  checkLength,
  checkMatrix,
  checkRangeAggregate,
  checkRangeOptions,
  durationSeconds,
  isSource,
} from './validate.js';

/** The module's exports (see assembly/index.ts). Pointers and lengths are numbers. */
export interface KernelExports {
  heap_base(): number;
  select_instant(
    ts: number,
    vals: number,
    off: number,
    nSeries: number,
    startMs: number,
    stepMs: number,
    nSteps: number,
    lookbackMs: number,
    leftOpen: number,
    offsetMs: number,
    atMs: number,
    hasAt: number,
    outVals: number,
    outMask: number,
    outTs: number,
  ): void;
  count_stale(vals: number, len: number): number;
  row_points(mask: number, nRows: number, nSteps: number, out: number): void;
  compact_stale(
    ts: number,
    vals: number,
    off: number,
    n: number,
    outTs: number,
    outVals: number,
    outOff: number,
  ): number;
  range_eval(
    fn: number,
    ts: number,
    vals: number,
    off: number,
    nSeries: number,
    startMs: number,
    stepMs: number,
    nSteps: number,
    rangeMs: number,
    offsetMs: number,
    atMs: number,
    hasAt: number,
    leftOpen: number,
    modifier: number,
    lookbackMs: number,
    legacy: number,
    rangeSeconds: number,
    p1: number,
    p2: number,
    scratch: number,
    maxLen: number,
    outVals: number,
    outMask: number,
  ): number;
  range_window_samples(): number;
  aggregate(
    op: number,
    vals: number,
    mask: number,
    groups: number,
    nSeries: number,
    nGroups: number,
    nSteps: number,
    param: number,
    scratch: number,
    outVals: number,
    outMask: number,
  ): number;
  aggregate_begin(
    op: number,
    nGroups: number,
    nSteps: number,
    scratch: number,
    outMask: number,
  ): void;
  aggregate_fold(
    op: number,
    vals: number,
    mask: number,
    groups: number,
    nSeries: number,
    nGroups: number,
    nSteps: number,
    scratch: number,
    outVals: number,
    outMask: number,
  ): void;
  aggregate_end(
    op: number,
    nGroups: number,
    nSteps: number,
    scratch: number,
    outVals: number,
    outMask: number,
  ): void;
  binary_op(
    op: number,
    lhs: number,
    rhs: number,
    nRows: number,
    nSteps: number,
    lhsScalar: number,
    rhsScalar: number,
    lhsMask: number,
    rhsMask: number,
    returnBool: number,
    outVals: number,
    outMask: number,
  ): void;
  unary_op(fn: number, input: number, n: number, out: number): void;
  round_op(input: number, nRows: number, nSteps: number, nearest: number, out: number): void;
  clamp_op(
    input: number,
    mask: number,
    nRows: number,
    nSteps: number,
    lo: number,
    hi: number,
    outVals: number,
    outMask: number,
  ): void;
  histogram_quantile(
    bounds: number,
    bucketOff: number,
    nHist: number,
    counts: number,
    mask: number,
    nSteps: number,
    q: number,
    scratch: number,
    maxBuckets: number,
    outVals: number,
    outMask: number,
    fixFlags: number,
    fixDetail: number,
  ): number;
  histogram_fraction(
    bounds: number,
    bucketOff: number,
    nHist: number,
    counts: number,
    mask: number,
    nSteps: number,
    lower: number,
    upper: number,
    scratch: number,
    maxBuckets: number,
    outVals: number,
    outMask: number,
  ): number;
}

type Typed = Float64Array | Uint32Array | Uint8Array;

const MODIFIER_IDS = { none: 0, anchored: 1, smoothed: 2 } as const;

/**
 * Where one call's arrays live in memory. Pointers of arrays already in the memory
 * are taken before anything is allocated (allocating may grow the memory, which
 * detaches those arrays); everything else is allocated and copied afterwards.
 */
class Placement {
  /** Addresses of the inputs, in the order given (0 for an absent optional array). */
  readonly inputs: number[] = [];
  /** Addresses of the outputs, in the order given. */
  readonly outputs: number[] = [];
  /** Address of the scratch space. */
  scratch = 0;
  private readonly copyBack: { dst: Typed; ptr: number }[] = [];

  constructor(
    private readonly arena: WasmArena,
    inputs: readonly (Typed | undefined)[],
    outputs: readonly (Typed | undefined)[],
    scratchBytes: number,
  ) {
    const buffer = arena.memory.buffer;
    const inside = (a: Typed | undefined): number =>
      a !== undefined && a.buffer === buffer ? a.byteOffset : -1;
    const inPtrs = inputs.map(inside);
    const outPtrs = outputs.map(inside);
    for (let i = 0; i < inputs.length; i++) {
      const a = inputs[i];
      let ptr = inPtrs[i] as number;
      // Empty arrays (a detached view reads as one) need no memory.
      if (a === undefined || a.byteLength === 0) ptr = 0;
      else if (ptr < 0) {
        ptr = arena.alloc(a.byteLength);
        new Uint8Array(arena.memory.buffer, ptr, a.byteLength).set(
          new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
        );
      }
      this.inputs.push(ptr);
    }
    for (let i = 0; i < outputs.length; i++) {
      const a = outputs[i];
      let ptr = outPtrs[i] as number;
      if (a === undefined || a.byteLength === 0) ptr = 0;
      else if (ptr < 0) {
        ptr = arena.alloc(a.byteLength);
        this.copyBack.push({ dst: a, ptr });
      }
      this.outputs.push(ptr);
    }
    if (scratchBytes > 0) this.scratch = arena.alloc(scratchBytes);
  }

  /** Allocates more scratch space after placement. */
  alloc(bytes: number): number {
    return this.arena.alloc(bytes);
  }

  /** Copies results to the outputs that live outside the memory. */
  finish(): void {
    const buffer = this.arena.memory.buffer;
    for (const { dst, ptr } of this.copyBack) {
      new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(
        new Uint8Array(buffer, ptr, dst.byteLength),
      );
    }
  }
}

/**
 * Selectors and range functions over more samples than this run in batches of rows (see
 * inBatches): 128 KiB of samples at a time, which with the batch's output stays within a
 * core's second-level cache, and keeps a query's WebAssembly memory small. (Twice that ran
 * no faster on the benchmark's queries: this size was 1.01× of it over 18 range-function
 * cases in a paired comparison. It doubled the memory an instant query over long windows
 * takes.)
 */
const RANGE_BATCH_SAMPLES = 1 << 13;

function longestRun(offsets: Uint32Array, n: number): number {
  let longest = 0;
  for (let s = 0; s < n; s++)
    longest = Math.max(longest, (offsets[s + 1] as number) - (offsets[s] as number));
  return longest;
}

/** Kernels running in a WebAssembly instance (built with or without SIMD). */
export class WasmKernels implements Kernels {
  readonly arena: Arena;
  private readonly wasmArena: WasmArena;

  constructor(
    readonly backend: KernelBackend,
    private readonly exports: KernelExports,
    memory: WebAssembly.Memory,
  ) {
    this.wasmArena = new WasmArena(memory, exports.heap_base());
    this.arena = this.wasmArena;
  }

  // Runs body with the arrays placed; frees the call's scratch afterwards.
  private call<R>(
    inputs: readonly (Typed | undefined)[],
    outputs: readonly (Typed | undefined)[],
    scratchBytes: number,
    body: (p: Placement) => R,
  ): R {
    const mark = this.wasmArena.mark();
    try {
      const p = new Placement(this.wasmArena, inputs, outputs, scratchBytes);
      const result = body(p);
      p.finish();
      return result;
    } finally {
      this.wasmArena.release(mark);
    }
  }

  instantSelector(
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: InstantSelectorOptions,
    out: InstantSelectorOutput,
  ): void {
    const n = checkInput(input);
    checkGrid(grid);
    checkMatrix(out, n * grid.nSteps, 'out');
    if (out.ts !== undefined) checkLength(out.ts, n * grid.nSteps, 'out.ts');
    const whole = this.wholeBatch(input, n);
    if (whole !== null) {
      this.instantSelectorCall(whole, n, grid, options, out);
      return;
    }
    const nSteps = grid.nSteps;
    this.inBatches(input, n, (part, a, b) => {
      const rows = {
        values: out.values.subarray(a * nSteps, b * nSteps),
        mask: out.mask.subarray(a * nSteps, b * nSteps),
        ts: out.ts?.subarray(a * nSteps, b * nSteps),
      };
      this.instantSelectorCall(part(), b - a, grid, options, rows);
    });
  }

  private instantSelectorCall(
    input: SeriesBatch,
    n: number,
    grid: StepGrid,
    options: InstantSelectorOptions,
    out: InstantSelectorOutput,
  ): void {
    const atMs = options.atMs ?? null;
    // Timestamps nobody wants are not written (address 0).
    const outputs = [out.values, out.mask, out.ts];
    this.call([input.ts, input.values, input.offsets], outputs, 0, (p) => {
      const [ts, vals, off] = p.inputs as [number, number, number];
      const [ov, om] = p.outputs as [number, number];
      const ot = out.ts === undefined ? 0 : (p.outputs[2] as number);
      this.exports.select_instant(
        ts,
        vals,
        off,
        n,
        grid.startMs,
        grid.stepMs,
        grid.nSteps,
        options.lookbackMs,
        (options.leftOpen ?? true) ? 1 : 0,
        options.offsetMs ?? 0,
        atMs ?? 0,
        atMs === null ? 0 : 1,
        ov,
        om,
        ot,
      );
    });
  }

  rangeFunction(
    fn: RangeFunction,
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: RangeFunctionOptions,
    out: StepMatrix,
  ): number {
    const id = RANGE_FUNCTION_IDS[fn];
    if (id === undefined) throw new RangeError(`kernels: unknown range function ${fn}`);
    const n = checkInput(input);
    checkGrid(grid);
    checkMatrix(out, n * grid.nSteps, 'out');
    checkRangeOptions(fn, options, grid.nSteps);
    const whole = this.wholeBatch(input, n);
    if (whole !== null) return this.rangeFunctionCall(id, whole, n, grid, options, out);
    const counts = options.counts === undefined ? undefined : { windowSamples: 0 };
    const batchOptions = counts === undefined ? options : { ...options, counts };
    let flags = 0;
    let windowSamples = 0;
    this.inBatches(input, n, (part, a, b) => {
      const rows = {
        values: out.values.subarray(a * grid.nSteps, b * grid.nSteps),
        mask: out.mask.subarray(a * grid.nSteps, b * grid.nSteps),
      };
      flags |= this.rangeFunctionCall(id, part(), b - a, grid, batchOptions, rows);
      if (counts !== undefined) windowSamples += counts.windowSamples;
    });
    if (options.counts !== undefined) options.counts.windowSamples = windowSamples;
    return flags;
  }

  /**
   * The batch itself when one kernel call should take it whole (it is in the memory
   * already, or small); null when it goes in batches of rows (see inBatches).
   */
  private wholeBatch(input: SeriesBatch | SeriesSource, n: number): SeriesBatch | null {
    if (isSource(input)) return null;
    const inMemory = input.ts.buffer === this.wasmArena.memory.buffer;
    return inMemory || (input.offsets[n] as number) <= RANGE_BATCH_SAMPLES ? input : null;
  }

  /**
   * Calls `body` for consecutive batches of rows `[a, b)` of about RANGE_BATCH_SAMPLES
   * samples each (rows are independent for a range function): only one batch's samples
   * are in the memory at a time (less memory, and the kernel reads them while they are
   * still in cache). A source writes each batch straight into the memory; a batch's part
   * is copied in when the kernel is called. `part()` views the batch: call it after any
   * allocation (growing the memory detaches views). Memory `body` allocates is freed
   * after it.
   */
  private inBatches(
    input: SeriesBatch | SeriesSource,
    n: number,
    body: (part: () => SeriesBatch, a: number, b: number) => void,
  ): void {
    const offsets = input.offsets;
    const arena = this.wasmArena;
    for (let a = 0; a < n; ) {
      const lo = offsets[a] as number;
      let b = a + 1;
      while (b < n && (offsets[b + 1] as number) - lo <= RANGE_BATCH_SAMPLES) b++;
      const hi = offsets[b] as number;
      const rows = b - a;
      const mark = arena.mark();
      try {
        let part: () => SeriesBatch;
        if (isSource(input)) {
          const tsPtr = arena.alloc((hi - lo) * 8);
          const valuesPtr = arena.alloc((hi - lo) * 8);
          const offsetsPtr = arena.alloc((rows + 1) * 4);
          part = () => ({
            ts: new Float64Array(arena.memory.buffer, tsPtr, hi - lo),
            values: new Float64Array(arena.memory.buffer, valuesPtr, hi - lo),
            offsets: new Uint32Array(arena.memory.buffer, offsetsPtr, rows + 1),
          });
          const { ts, values } = part();
          input.copy(a, b, ts, values);
        } else {
          const fixed = {
            ts: input.ts.subarray(lo, hi),
            values: input.values.subarray(lo, hi),
            offsets: new Uint32Array(rows + 1),
          };
          part = () => fixed;
        }
        const partOffsets = part().offsets;
        for (let r = a; r <= b; r++) partOffsets[r - a] = (offsets[r] as number) - lo;
        body(part, a, b);
      } finally {
        arena.release(mark);
      }
      a = b;
    }
  }

  rangeAggregate(
    fn: RangeFunction,
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: RangeFunctionOptions,
    op: AggregateOp,
    groups: Uint32Array,
    nGroups: number,
    out: StepMatrix,
    rowPoints: Uint32Array,
  ): number {
    const id = RANGE_FUNCTION_IDS[fn];
    if (id === undefined) throw new RangeError(`kernels: unknown range function ${fn}`);
    const opId = AGGREGATE_OP_IDS[op];
    if (opId === undefined) throw new RangeError(`kernels: unknown aggregation ${op}`);
    const n = checkRangeAggregate(fn, input, grid, options, op, groups, nGroups, out, rowPoints);
    const nSteps = grid.nSteps;
    const cells = nGroups * nSteps;
    const arena = this.wasmArena;
    const mark = arena.mark();
    try {
      // The groups' state stays in the memory while the batches fold into it.
      const outVals = arena.alloc(cells * 8);
      const outMask = arena.alloc(cells);
      const state = arena.alloc(25 * cells);
      const groupsPtr = arena.alloc(n * 4);
      new Uint32Array(arena.memory.buffer, groupsPtr, n).set(groups.subarray(0, n));
      this.exports.aggregate_begin(opId, nGroups, nSteps, state, outMask);
      const counts = options.counts === undefined ? undefined : { windowSamples: 0 };
      const batchOptions = counts === undefined ? options : { ...options, counts };
      let flags = 0;
      let windowSamples = 0;
      this.inBatches(input, n, (part, a, b) => {
        const rowCells = (b - a) * nSteps;
        const valsPtr = arena.alloc(rowCells * 8);
        const maskPtr = arena.alloc(rowCells);
        const view = () => ({
          values: new Float64Array(arena.memory.buffer, valsPtr, rowCells),
          mask: new Uint8Array(arena.memory.buffer, maskPtr, rowCells),
        });
        flags |= this.rangeFunctionCall(id, part(), b - a, grid, batchOptions, view());
        if (counts !== undefined) windowSamples += counts.windowSamples;
        this.exports.aggregate_fold(
          opId,
          valsPtr,
          maskPtr,
          groupsPtr + a * 4,
          b - a,
          nGroups,
          nSteps,
          state,
          outVals,
          outMask,
        );
        const pointsPtr = arena.alloc((b - a) * 4);
        this.exports.row_points(maskPtr, b - a, nSteps, pointsPtr);
        rowPoints.set(new Uint32Array(arena.memory.buffer, pointsPtr, b - a), a);
      });
      this.exports.aggregate_end(opId, nGroups, nSteps, state, outVals, outMask);
      out.values.set(new Float64Array(arena.memory.buffer, outVals, cells));
      out.mask.set(new Uint8Array(arena.memory.buffer, outMask, cells));
      if (options.counts !== undefined) options.counts.windowSamples = windowSamples;
      return flags;
    } finally {
      arena.release(mark);
    }
  }

  private rangeFunctionCall(
    id: number,
    input: SeriesBatch,
    n: number,
    grid: StepGrid,
    options: RangeFunctionOptions,
    out: StepMatrix,
  ): number {
    const total = input.offsets[n] as number;
    const maxLen = longestRun(input.offsets, n);
    const atMs = options.atMs ?? null;
    const inputs = [input.ts, input.values, input.offsets, options.param, options.param2];
    return this.call(inputs, [out.values, out.mask], 28 * maxLen + 16, (p) => {
      let [ts, vals, off] = p.inputs as [number, number, number];
      const [, , , p1, p2] = p.inputs as number[];
      const [ov, om] = p.outputs as [number, number];
      // Range functions never see staleness markers: drop them first.
      if (total > 0 && this.exports.count_stale(vals, total) > 0) {
        const cts = p.alloc(total * 8);
        const cvals = p.alloc(total * 8);
        const coff = p.alloc((n + 1) * 4);
        this.exports.compact_stale(ts, vals, off, n, cts, cvals, coff);
        ts = cts;
        vals = cvals;
        off = coff;
      }
      const flags = this.exports.range_eval(
        id,
        ts,
        vals,
        off,
        n,
        grid.startMs,
        grid.stepMs,
        grid.nSteps,
        options.rangeMs,
        options.offsetMs ?? 0,
        atMs ?? 0,
        atMs === null ? 0 : 1,
        (options.leftOpen ?? true) ? 1 : 0,
        MODIFIER_IDS[options.modifier ?? 'none'],
        options.lookbackMs ?? 0,
        options.legacyExtrapolation ? 1 : 0,
        durationSeconds(options.rangeMs),
        p1 as number,
        p2 as number,
        p.scratch,
        maxLen,
        ov,
        om,
      );
      if (options.counts) options.counts.windowSamples = this.exports.range_window_samples();
      return flags;
    });
  }

  aggregate(
    op: AggregateOp,
    input: StepMatrix,
    groups: Uint32Array,
    nGroups: number,
    nSteps: number,
    out: StepMatrix,
    param?: Float64Array,
  ): number {
    const id = AGGREGATE_OP_IDS[op];
    if (id === undefined) throw new RangeError(`kernels: unknown aggregation ${op}`);
    const n = checkGroups(op, input, groups, nGroups, nSteps, out, param);
    const cells = nGroups * nSteps;
    const scratch = Math.max(25 * cells, 8 * (nGroups + 2) + 16 * n) + 16;
    return this.call(
      [input.values, input.mask, groups, param],
      [out.values, out.mask],
      scratch,
      (p) => {
        const [vals, mask, grp, par] = p.inputs as [number, number, number, number];
        const [ov, om] = p.outputs as [number, number];
        return this.exports.aggregate(
          id,
          vals,
          mask,
          grp,
          n,
          nGroups,
          nSteps,
          par,
          p.scratch,
          ov,
          om,
        );
      },
    );
  }

  binary(
    op: BinaryOp,
    lhs: Float64Array,
    rhs: Float64Array,
    out: StepMatrix,
    options: BinaryOptions,
  ): void {
    const id = BINARY_OP_IDS[op];
    if (id === undefined) throw new RangeError(`kernels: unknown binary operator ${op}`);
    const rows = binaryRows(lhs, rhs, out, options);
    const lhsScalar = options.lhsScalar ?? false;
    const rhsScalar = options.rhsScalar ?? false;
    const lhsMask = lhsScalar ? undefined : options.lhsMask;
    const rhsMask = rhsScalar ? undefined : options.rhsMask;
    this.call([lhs, rhs, lhsMask, rhsMask], [out.values, out.mask], 0, (p) => {
      const [l, r, lm, rm] = p.inputs as [number, number, number, number];
      const [ov, om] = p.outputs as [number, number];
      this.exports.binary_op(
        id,
        l,
        r,
        rows,
        options.nSteps,
        lhsScalar ? 1 : 0,
        rhsScalar ? 1 : 0,
        lm,
        rm,
        options.returnBool ? 1 : 0,
        ov,
        om,
      );
    });
  }

  math(fn: MathFunction, input: Float64Array, out: Float64Array): void {
    const id = MATH_FUNCTION_IDS[fn];
    if (id === undefined) throw new RangeError(`kernels: unknown math function ${fn}`);
    checkLength(out, input.length, 'out');
    this.call([input], [out], 0, (p) => {
      this.exports.unary_op(id, p.inputs[0] as number, input.length, p.outputs[0] as number);
    });
  }

  round(input: Float64Array, toNearest: Float64Array, nSteps: number, out: Float64Array): void {
    checkLength(toNearest, nSteps, 'toNearest');
    checkLength(out, input.length, 'out');
    if (nSteps <= 0 || input.length % nSteps !== 0) {
      throw new RangeError('kernels: input length must be a multiple of nSteps');
    }
    this.call([input, toNearest], [out], 0, (p) => {
      const [inp, near] = p.inputs as [number, number];
      this.exports.round_op(inp, input.length / nSteps, nSteps, near, p.outputs[0] as number);
    });
  }

  clamp(
    input: Float64Array,
    min: Float64Array,
    max: Float64Array,
    nSteps: number,
    out: StepMatrix,
    inputMask?: Uint8Array,
  ): void {
    checkLength(min, nSteps, 'min');
    checkLength(max, nSteps, 'max');
    checkMatrix(out, input.length, 'out');
    if (inputMask) checkLength(inputMask, input.length, 'inputMask');
    if (nSteps <= 0 || input.length % nSteps !== 0) {
      throw new RangeError('kernels: input length must be a multiple of nSteps');
    }
    this.call([input, inputMask, min, max], [out.values, out.mask], 0, (p) => {
      const [inp, mask, lo, hi] = p.inputs as [number, number, number, number];
      const [ov, om] = p.outputs as [number, number];
      this.exports.clamp_op(inp, mask, input.length / nSteps, nSteps, lo, hi, ov, om);
    });
  }

  histogramQuantile(
    input: ClassicHistograms,
    q: Float64Array,
    out: HistogramQuantileOutput,
  ): number {
    const [nHist, , largest] = checkHistograms(input);
    const { nSteps } = input;
    checkLength(q, nSteps, 'q');
    checkMatrix(out, nHist * nSteps, 'out');
    if (out.fixFlags) checkLength(out.fixFlags, nHist * nSteps, 'fixFlags');
    if (out.fixDetail) checkLength(out.fixDetail, 3 * nHist * nSteps, 'fixDetail');
    const inputs = [input.upperBounds, input.bucketOffsets, input.counts, input.mask, q];
    const outputs = [out.values, out.mask, out.fixFlags, out.fixDetail];
    return this.call(inputs, outputs, 16 * largest + 16, (p) => {
      const [bounds, off, counts, mask, qp] = p.inputs as [number, number, number, number, number];
      const [ov, om, ff, fd] = p.outputs as [number, number, number, number];
      return this.exports.histogram_quantile(
        bounds,
        off,
        nHist,
        counts,
        mask,
        nSteps,
        qp,
        p.scratch,
        largest,
        ov,
        om,
        ff,
        fd,
      );
    });
  }

  histogramFraction(
    input: ClassicHistograms,
    lower: Float64Array,
    upper: Float64Array,
    out: StepMatrix,
  ): number {
    const [nHist, , largest] = checkHistograms(input);
    const { nSteps } = input;
    checkLength(lower, nSteps, 'lower');
    checkLength(upper, nSteps, 'upper');
    checkMatrix(out, nHist * nSteps, 'out');
    const inputs = [input.upperBounds, input.bucketOffsets, input.counts, input.mask, lower, upper];
    return this.call(inputs, [out.values, out.mask], 16 * largest + 16, (p) => {
      const [bounds, off, counts, mask, lo, hi] = p.inputs as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const [ov, om] = p.outputs as [number, number];
      return this.exports.histogram_fraction(
        bounds,
        off,
        nHist,
        counts,
        mask,
        nSteps,
        lo,
        hi,
        p.scratch,
        largest,
        ov,
        om,
      );
    });
  }
}
