/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector, with vector matching
 * (`on`/`ignoring`, `group_left`/`group_right`, `fill*`), the set operators and `bool`.
 *
 * Semantics follow prometheus/prometheus promql/engine.go (the BinaryExpr case of eval,
 * VectorAnd/VectorOr/VectorUnless, VectorBinop, resultMetric, VectorscalarBinop,
 * scalarBinop, vectorElemBinop) and rangeEval's collection of the per-step results.
 *
 * Everything is columnar: the matching is worked out once per row (signatures, then which
 * row of one side pairs with which row of the other), the paired values are gathered into
 * aligned matrices and one kernel call does the arithmetic for every pair and step. The
 * per-step rules Prometheus applies (a signature matches only where both sides have a
 * point at that step, duplicate series only conflict when present at the same step) are
 * expressed as presence masks.
 */
import type { BinaryOp as KernelBinaryOp } from '@promql-ts/kernels';
import { type BinaryOp, isSetOp, quoteGo, type VectorMatching } from '@promql-ts/parser';
import { messages } from '../annotations.js';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import { derivedFromList, namesKey, projectionOrdinals } from '../label-list-cache.js';
import { LabelSetIndex } from '../label-set-index.js';
import {
  dropLabels,
  dropMetricName,
  findLabel,
  hasMetadataLabel,
  keepLabels,
  labelsToString,
  METRIC_NAME,
  matchLabels,
  replaceLabel,
} from '../labels.js';
import type { BinaryPlan } from '../plan/nodes.js';
import { f64, i32, u8 } from '../pool.js';
import type { Labels } from '../storage.js';
import {
  copyMask,
  copyValues,
  type Grid,
  hasPoint,
  knownDistinct,
  markDistinct,
  type StepScalars,
  type StepVectors,
  selectRows,
  type Value,
} from '../value.js';
import { SAME_LABELSET } from './checks.js';

/** Evaluates a binary operation at every step of `grid`. */
export function evalBinary(
  ctx: EvalContext,
  plan: BinaryPlan,
  lhs: Value,
  rhs: Value,
  grid: Grid,
): StepVectors | StepScalars {
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') return scalarScalar(ctx, plan, lhs, rhs);
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    if (isSetOp(plan.op)) {
      return collectSteps(ctx, setOperation(plan, lhs, rhs), grid, null);
    }
    const { value, error } = vectorVector(ctx, plan, lhs, rhs);
    return collectSteps(ctx, value, grid, error);
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') {
    return collectSteps(ctx, vectorScalar(ctx, plan, lhs, rhs.values, false), grid, null);
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') {
    return collectSteps(ctx, vectorScalar(ctx, plan, rhs, lhs.values, true), grid, null);
  }
  throw new Error(`binary ${plan.op} between a ${lhs.kind} and a ${rhs.kind} value`);
}

// ===== Shared rules =====

/** The native-histogram trim operators: on floats they give nothing but an info. */
function isTrimOp(op: BinaryOp): op is '</' | '>/' {
  return op === '</' || op === '>/';
}

/**
 * Whether the result is no longer the input metric (Prometheus's changesMetricSchema):
 * arithmetic, including atan2 in 3.x; Prometheus 2.x kept the name for atan2.
 */
function changesMetricSchema(op: BinaryOp, compat2: boolean): boolean {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
      return true;
    case 'atan2':
      return !compat2;
    default:
      return false;
  }
}

/** Labels Prometheus 3.x drops with the name: the schema metadata labels. */
const SCHEMA_LABELS = [METRIC_NAME, '__type__', '__unit__'];

/** Drops the metric name as the selected Prometheus version does. */
function nameDropper(compat2: boolean): (ls: Labels) => Labels {
  return compat2 ? dropMetricName : (ls) => dropLabels(ls, SCHEMA_LABELS);
}

/** A per-step failure of the operation, raised once the steps before it are collected. */
interface StepError {
  readonly step: number;
  readonly message: string;
}

/** The matching a vector/vector operation gets when the plan has none. */
function defaultMatching(op: BinaryOp): VectorMatching {
  return {
    card: isSetOp(op) ? 'many-to-many' : 'one-to-one',
    matchingLabels: [],
    on: false,
    include: [],
    fillValues: { lhs: null, rhs: null },
  };
}

/**
 * Join signatures of both sides' rows as small integers: rows with equal ordinals match.
 * With `on` the signature is the named labels; otherwise every label but those named and
 * the metric name.
 */
function signatureOrdinals(
  matching: VectorMatching,
  lhs: readonly Labels[],
  rhs: readonly Labels[],
): { lhs: Int32Array; rhs: Int32Array; count: number } {
  const names = matching.on
    ? [...matching.matchingLabels].sort()
    : [METRIC_NAME, ...matching.matchingLabels].sort();
  // Numbered as one list, lhs then rhs, once for the same rows of an earlier query (see
  // label-list-cache.ts).
  const { ords, count } = projectionOrdinals(
    matching.on ? { kind: 'on', names } : { kind: 'without', names },
    lhs.length === 0 ? rhs : rhs.length === 0 ? lhs : [...lhs, ...rhs],
    null,
  );
  const l = i32(lhs.length);
  l.set(ords.subarray(0, lhs.length));
  const r = i32(rhs.length);
  r.set(ords.subarray(lhs.length));
  return { lhs: l, rhs: r, count };
}

/** Per signature and step: whether any row of `v` with that signature has a point. */
function signaturePresence(v: StepVectors, sigs: Int32Array, nSigs: number): Uint8Array {
  const n = v.nSteps;
  const mask = v.mask;
  const out = u8(nSigs * n);
  for (let r = 0; r < v.labels.length; r++) {
    const src = r * n;
    const dst = sigs[r]! * n;
    for (let s = 0; s < n; s++) out[dst + s]! |= mask[src + s]!;
  }
  return out;
}

/** Per step: whether `v` has any point (Prometheus's "empty vector" short-circuits). */
function anyPresence(v: StepVectors): Uint8Array {
  const n = v.nSteps;
  const mask = v.mask;
  const out = u8(n);
  for (let r = 0; r < v.labels.length; r++) {
    const base = r * n;
    for (let s = 0; s < n; s++) out[s]! |= mask[base + s]!;
  }
  return out;
}

// ===== scalar op scalar =====

function scalarScalar(
  ctx: EvalContext,
  plan: BinaryPlan,
  lhs: StepScalars,
  rhs: StepScalars,
): StepScalars {
  const op = plan.op;
  if (isSetOp(op) || isTrimOp(op)) {
    throw new ExecutionError(`operator ${quoteGo(op)} not allowed for Scalar operations`);
  }
  const n = lhs.values.length;
  const values = f64(n);
  if (n > 0) {
    // Comparisons between scalars always yield 1 or 0 (the parser demands `bool`).
    ctx.kernels.binary(
      op,
      lhs.values,
      rhs.values,
      { values, mask: u8(n) },
      { nSteps: n, lhsScalar: true, rhsScalar: true, returnBool: true },
    );
  }
  return { kind: 'scalar', values };
}

// ===== vector op scalar, scalar op vector =====

function vectorScalar(
  ctx: EvalContext,
  plan: BinaryPlan,
  vec: StepVectors,
  scalar: Float64Array,
  scalarLeft: boolean,
): StepVectors {
  const op = plan.op;
  const n = vec.nSteps;
  const rows = vec.labels.length;
  const cells = rows * n;
  const values = f64(cells);
  const mask = u8(cells);
  if (isTrimOp(op)) {
    // Every float sample fails with an info, and nothing is returned.
    if (vec.mask.includes(1)) {
      ctx.annotations.info(messages.incompatibleTypesInBinOp('float', op, 'float'), plan.ast.pos);
    }
    return { ...vec, values, mask, dropName: u8(rows) };
  }
  if (isSetOp(op)) throw new Error(`set operator ${op} between a vector and a scalar`);
  if (cells > 0) {
    ctx.kernels.binary(
      op,
      scalarLeft ? scalar : vec.values,
      scalarLeft ? vec.values : scalar,
      { values, mask },
      {
        nSteps: n,
        lhsScalar: scalarLeft,
        rhsScalar: !scalarLeft,
        lhsMask: scalarLeft ? undefined : vec.mask,
        rhsMask: scalarLeft ? vec.mask : undefined,
        returnBool: plan.returnBool,
      },
    );
  }
  const compat2 = ctx.options.compat === 'prometheus2';
  const drops = changesMetricSchema(op, compat2) || plan.returnBool;
  if (!drops)
    return {
      kind: 'vector',
      labels: vec.labels,
      dropName: vec.dropName.slice(),
      values,
      mask,
      nSteps: n,
    };
  const dropName = nameDropper(compat2);
  return {
    kind: 'vector',
    labels: ctx.delayedNameRemoval ? vec.labels : vec.labels.map(dropName),
    dropName: u8(rows).fill(1),
    values,
    mask,
    nSteps: n,
  };
}

// ===== and, or, unless =====

/**
 * The set operators, per step: `and` keeps a left point when the right side has a point
 * with its signature, `unless` when it has none; `or` is the left side plus the right
 * points whose signature the left side lacks at that step.
 */
function setOperation(plan: BinaryPlan, lhs: StepVectors, rhs: StepVectors): StepVectors {
  const n = lhs.nSteps;
  const matching = plan.matching ?? defaultMatching(plan.op);
  const sigs = signatureOrdinals(matching, lhs.labels, rhs.labels);
  // Each side's rows are kept where `mask & (present[sig] ^ flip)`.
  const out = new RowBuilder(n);
  if (plan.op === 'or') {
    const leftPresent = signaturePresence(lhs, sigs.lhs, sigs.count);
    out.addFiltered(lhs, sigs.lhs, null, 0);
    out.addFiltered(rhs, sigs.rhs, leftPresent, 1);
  } else {
    const rightPresent = signaturePresence(rhs, sigs.rhs, sigs.count);
    out.addFiltered(lhs, sigs.lhs, rightPresent, plan.op === 'unless' ? 1 : 0);
  }
  return out.build();
}

/** Collects rows of filtered vectors, leaving out rows that end up without points. */
class RowBuilder {
  private readonly parts: {
    v: StepVectors;
    sigs: Int32Array;
    present: Uint8Array | null;
    flip: number;
    rows: number[];
  }[] = [];

  constructor(private readonly n: number) {}

  /** Adds the rows of `v` at the steps where `present[sig]` (xor `flip`) holds. */
  addFiltered(v: StepVectors, sigs: Int32Array, present: Uint8Array | null, flip: number): void {
    const n = this.n;
    const mask = v.mask;
    const rows: number[] = [];
    for (let r = 0; r < v.labels.length; r++) {
      const base = r * n;
      const sp = sigs[r]! * n;
      for (let s = 0; s < n; s++) {
        if ((mask[base + s]! & (present === null ? 1 : present[sp + s]! ^ flip)) === 1) {
          rows.push(r);
          break;
        }
      }
    }
    this.parts.push({ v, sigs, present, flip, rows });
  }

  build(): StepVectors {
    const n = this.n;
    const total = this.parts.reduce((t, p) => t + p.rows.length, 0);
    const values = f64(total * n);
    const mask = u8(total * n);
    const dropName = u8(total);
    const labels: Labels[] = [];
    let i = 0;
    for (const { v, sigs, present, flip, rows } of this.parts) {
      const vMask = v.mask;
      const vValues = v.values;
      for (const r of rows) {
        const src = r * n;
        const dst = i * n;
        if (present === null) {
          copyValues(values, dst, vValues, src, n);
          copyMask(mask, dst, vMask, src, n);
        } else {
          const sp = sigs[r]! * n;
          for (let s = 0; s < n; s++) {
            const m = vMask[src + s]! & (present[sp + s]! ^ flip);
            mask[dst + s] = m;
            values[dst + s] = m === 1 ? vValues[src + s]! : 0;
          }
        }
        dropName[i] = v.dropName[r]!;
        labels.push(v.labels[r]!);
        i++;
      }
    }
    return { kind: 'vector', labels, dropName, values, mask, nSteps: n };
  }
}

// ===== vector op vector =====

/**
 * Arithmetic and comparisons between two vectors.
 *
 * Prometheus works on the "many" side and the "one" side (for group_right the right side
 * is the many side; the operands keep their order in the arithmetic). Each output row is a
 * pair:
 * - (many row, one row) with equal signatures, present where both are;
 * - (many row, fill) with `fill_right`/`fill`: present where the many row is and no one
 *   row of its signature is;
 * - (fill, one row) with `fill_left`/`fill`: present where the one row is and no many row
 *   of its signature is.
 * (As in Prometheus, for group_right the right fill value stands in for the missing "one"
 * side, the left side, and the left fill value for the missing "many" side.)
 */
function vectorVector(
  ctx: EvalContext,
  plan: BinaryPlan,
  lhs: StepVectors,
  rhs: StepVectors,
): { value: StepVectors; error: StepError | null } {
  const op = plan.op;
  const n = lhs.nSteps;
  const matching = plan.matching ?? defaultMatching(op);
  if (matching.card === 'many-to-many')
    throw new Error('many-to-many only allowed for set operators');
  const compat2 = ctx.options.compat === 'prometheus2';
  const trim = isTrimOp(op);
  const sigs = signatureOrdinals(matching, lhs.labels, rhs.labels);
  const nSigs = sigs.count;
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const manySig = swapped ? sigs.rhs : sigs.lhs;
  const oneSig = swapped ? sigs.lhs : sigs.rhs;
  const fillOne = compat2 ? null : matching.fillValues.rhs;
  const fillMany = compat2 ? null : matching.fillValues.lhs;
  const nMany = many.labels.length;
  const nOne = one.labels.length;

  // The one side's rows by signature, in row order.
  const oneStart = i32(nSigs + 1);
  const manyPerSig = i32(nSigs);
  for (let r = 0; r < nOne; r++) oneStart[oneSig[r]! + 1]!++;
  for (let s = 0; s < nSigs; s++) oneStart[s + 1]! += oneStart[s]!;
  const oneRows = i32(nOne);
  const oneIdx = i32(nOne);
  {
    const next = oneStart.slice(0, nSigs);
    for (let r = 0; r < nOne; r++) {
      const sig = oneSig[r]!;
      oneIdx[r] = next[sig]! - oneStart[sig]!;
      oneRows[next[sig]!++] = r;
    }
  }
  for (let r = 0; r < nMany; r++) manyPerSig[manySig[r]!]!++;

  // Pairs: per many row its one rows (then its fill pair), then the fill-left pairs.
  const withFillOne = fillOne !== null ? 1 : 0;
  const pairStart = i32(nMany);
  let nPairs = 0;
  for (let m = 0; m < nMany; m++) {
    pairStart[m] = nPairs;
    const sig = manySig[m]!;
    nPairs += oneStart[sig + 1]! - oneStart[sig]! + withFillOne;
  }
  const fillManyStart = nPairs;
  if (fillMany !== null) nPairs += nOne;

  // Presence of every pair at every step.
  const mMask = many.mask;
  const oMask = one.mask;
  const present = u8(nPairs * n);
  const pairMany = i32(nPairs).fill(-1);
  const pairOne = i32(nPairs).fill(-1);
  const oneSigPresent = fillOne !== null ? signaturePresence(one, oneSig, nSigs) : null;
  const manySigPresent = fillMany !== null ? signaturePresence(many, manySig, nSigs) : null;
  for (let m = 0; m < nMany; m++) {
    const sig = manySig[m]!;
    const mBase = m * n;
    let p = pairStart[m]!;
    for (let j = oneStart[sig]!; j < oneStart[sig + 1]!; j++, p++) {
      const o = oneRows[j]!;
      const oBase = o * n;
      const pBase = p * n;
      pairMany[p] = m;
      pairOne[p] = o;
      for (let s = 0; s < n; s++) present[pBase + s] = mMask[mBase + s]! & oMask[oBase + s]!;
    }
    if (oneSigPresent !== null) {
      const pBase = p * n;
      const sp = sig * n;
      pairMany[p] = m;
      for (let s = 0; s < n; s++) {
        present[pBase + s] = mMask[mBase + s]! & (oneSigPresent[sp + s]! ^ 1);
      }
    }
  }
  if (manySigPresent !== null) {
    for (let o = 0; o < nOne; o++) {
      const pBase = (fillManyStart + o) * n;
      const oBase = o * n;
      const sp = oneSig[o]! * n;
      pairOne[fillManyStart + o] = o;
      for (let s = 0; s < n; s++) {
        present[pBase + s] = oMask[oBase + s]! & (manySigPresent[sp + s]! ^ 1);
      }
    }
  }

  // Only pairs present at some step are computed: their presence rows are moved to the
  // front, in order.
  const liveIndex = i32(nPairs).fill(-1);
  let nLive = 0;
  for (let p = 0; p < nPairs; p++) {
    if (!hasPoint(present, p * n, n)) continue;
    if (nLive !== p) present.copyWithin(nLive * n, p * n, (p + 1) * n);
    liveIndex[p] = nLive++;
  }
  const cells = nLive * n;
  const livePresent = present.subarray(0, cells);
  const liveMany = i32(nLive);
  const liveOne = i32(nLive);
  for (let p = 0; p < nPairs; p++) {
    const i = liveIndex[p]!;
    if (i < 0) continue;
    liveMany[i] = pairMany[p]!;
    liveOne[i] = pairOne[p]!;
  }

  // Gather the operands of the live pairs. A side whose rows already line up with the
  // pairs (the usual one-to-one case) is used as it is.
  const manyAligned = fillMany === null && isIdentity(liveMany, nMany);
  const oneAligned = fillOne === null && isIdentity(liveOne, nOne);
  const manyVals = manyAligned ? many.values : gatherRows(many.values, liveMany, n, fillMany);
  const oneVals = oneAligned ? one.values : gatherRows(one.values, liveOne, n, fillOne);
  const lhsVals = swapped ? oneVals : manyVals;
  const rhsVals = swapped ? manyVals : oneVals;
  // The kernel may write over an operand it was given, but not over an input vector.
  const values = !(swapped ? oneAligned : manyAligned)
    ? lhsVals
    : !(swapped ? manyAligned : oneAligned)
      ? rhsVals
      : f64(cells);
  const mask = livePresent;
  if (trim) {
    // Each pairing fails with an info (Prometheus then also pairs every one-side point
    // with the left fill value, since no signature is ever recorded as matched).
    if (nLive > 0 || (fillMany !== null && one.mask.includes(1))) {
      ctx.annotations.info(messages.incompatibleTypesInBinOp('float', op, 'float'), plan.ast.pos);
    }
    values.fill(0);
    mask.fill(0);
  } else if (cells > 0) {
    if (isSetOp(op)) throw new Error(`set operator ${op} in vector arithmetic`);
    ctx.kernels.binary(
      op as KernelBinaryOp,
      lhsVals,
      rhsVals,
      { values, mask },
      {
        nSteps: n,
        lhsMask: livePresent,
        returnBool: plan.returnBool,
      },
    );
  }

  // Output labels (Prometheus's resultMetric), computed once per pair; for the same
  // operand series and pairs as in an earlier query, those made then (label-list-cache.ts).
  const pairing = [op, plan.returnBool, matching, compat2, ctx.delayedNameRemoval];
  const labels = derivedFromList(
    `pairLabels${JSON.stringify(pairing)}`,
    many.labels.length === 0 ? one.labels : [...many.labels, ...one.labels],
    () => pairLabels(ctx, plan, matching, many, one, liveMany, liveOne),
    [liveMany, liveOne, Int32Array.of(nMany)],
  ).slice();
  const value: StepVectors = {
    kind: 'vector',
    labels,
    dropName: u8(nLive).fill(plan.returnBool ? 1 : 0),
    values,
    mask,
    nSteps: n,
  };

  // Matching errors need two rows of one signature on the one side, or (one-to-one) on the
  // many side, or (group_x) two many-side rows of a signature with the same result labels.
  // Only such signatures are replayed step by step.
  const oneToOne = matching.card === 'one-to-one';
  let suspect: Uint8Array | null = null;
  const markSuspect = (sig: number) => {
    suspect ??= u8(nSigs);
    suspect[sig] = 1;
  };
  for (let sig = 0; sig < nSigs; sig++) {
    if (oneStart[sig + 1]! - oneStart[sig]! > 1 || (oneToOne && manyPerSig[sig]! > 1)) {
      markSuspect(sig);
    }
  }
  // For group_x: each many-side pair's result labels as a number, unique per signature.
  const outputOrd = i32(oneToOne ? 0 : nPairs).fill(-1);
  let nOutputs = 0;
  if (!oneToOne && !groupOutputsDistinct(many, matching.include)) {
    const ords = new Map<number, number>();
    const outputs = new LabelSetIndex(undefined, nLive);
    const owner: number[] = [];
    for (let m = 0; m < nMany; m++) {
      const sig = manySig[m]!;
      if (manyPerSig[sig]! < 2) continue;
      const end = m + 1 < nMany ? pairStart[m + 1]! : fillManyStart;
      for (let p = pairStart[m]!; p < end; p++) {
        const live = liveIndex[p]!;
        if (live < 0) continue;
        const key = outputs.add(labels[live]!) * nSigs + sig;
        let ord = ords.get(key);
        if (ord === undefined) {
          ord = ords.size;
          ords.set(key, ord);
          owner.push(m);
        } else if (owner[ord] !== m) {
          markSuspect(sig);
        }
        outputOrd[p] = ord;
      }
    }
    nOutputs = ords.size;
  }
  let error: StepError | null = null;
  if (suspect !== null) {
    // Which pairings Prometheus records as matched: all in 3.x (except those that fail, as
    // trim operators on floats do); in 2.x only those a comparison keeps.
    const counted: Counted = trim ? 'none' : compat2 ? mask : 'all';
    error = firstMatchingError({
      matching,
      swapped,
      n,
      lhs,
      rhs,
      many,
      one,
      manySig,
      oneSig,
      nSigs,
      suspect,
      pairStart,
      oneIdx,
      oneCountOf: (sig) => oneStart[sig + 1]! - oneStart[sig]!,
      fillOne,
      hasFill: fillOne !== null || fillMany !== null,
      counted,
      liveIndex,
      outputOrd,
      nOutputs,
    });
  }
  // No signature had two one-side rows, two many-side rows (one-to-one) or two rows with
  // the same result labels (group_x): every result's labels are then its own (results of
  // different signatures differ in a matching label; fill pairs are left to the check).
  if (suspect === null && fillOne === null && fillMany === null) markDistinct(labels);
  return { value, error };
}

/**
 * Whether group_x results of different many-side rows can never have the same labels, so
 * that no signature needs the check for it (nor numbers its results for the replay of
 * suspect signatures): when the many side's rows are known distinct and none has a label
 * that the result sets (an included one) or may drop (a metadata label), each result
 * keeps every label of its many-side row, fill pairs too, and distinct rows give distinct
 * results.
 */
function groupOutputsDistinct(many: StepVectors, include: readonly string[]): boolean {
  if (!knownDistinct(many.labels)) return false;
  // Which labels the rows have, for the same rows as in an earlier query: kept then
  // (label-list-cache.ts), as reading them is a trip to memory per label when cold.
  return derivedFromList(`keepsAll${namesKey(include)}`, many.labels, () => {
    for (const ls of many.labels) {
      if (hasMetadataLabel(ls)) return false;
      for (const name of include) if (findLabel(ls, name) !== undefined) return false;
    }
    return true;
  });
}

/** Whether `rows` is 0, 1, …, count - 1. */
function isIdentity(rows: Int32Array, count: number): boolean {
  if (rows.length !== count) return false;
  for (let i = 0; i < count; i++) if (rows[i] !== i) return false;
  return true;
}

/** The rows `rows` of a matrix; a row index of -1 is filled with `fill`. */
function gatherRows(
  values: Float64Array,
  rows: Int32Array,
  n: number,
  fill: number | null,
): Float64Array {
  const out = f64(rows.length * n);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0) copyValues(out, i * n, values, r * n, n);
    else out.fill(fill ?? 0, i * n, (i + 1) * n);
  }
  return out;
}

/** Prometheus's resultMetric for every pair. */
function pairLabels(
  ctx: EvalContext,
  plan: BinaryPlan,
  matching: VectorMatching,
  many: StepVectors,
  one: StepVectors,
  pairMany: Int32Array,
  pairOne: Int32Array,
): Labels[] {
  const compat2 = ctx.options.compat === 'prometheus2';
  const dropName = nameDropper(compat2);
  const changes = changesMetricSchema(plan.op, compat2);
  const boolDrop = plan.returnBool && !ctx.delayedNameRemoval;
  const { on, matchingLabels: names, include } = matching;
  const oneToOne = matching.card === 'one-to-one';

  /** The result's labels from the left operand of Prometheus's (possibly swapped) pair. */
  const base = (ls: Labels): Labels => {
    let out = changes ? dropName(ls) : ls;
    if (oneToOne) out = on ? keepLabels(out, names) : dropLabels(out, names);
    return out;
  };
  /**
   * Adds the `group_x` labels from the "one" side (its label objects themselves, shared by
   * every result that copies them) and drops the name for `bool`.
   */
  const finish = (b: Labels, oneSide: Labels): Labels => {
    let out = b;
    for (const ln of include) {
      out = replaceLabel(out, findLabel(oneSide, ln) ?? { name: ln, value: '' });
    }
    return boolDrop ? dropName(out) : out;
  };

  const manyBase: (Labels | undefined)[] = new Array(many.labels.length);
  const manyFinal: (Labels | undefined)[] = new Array(many.labels.length);
  const out: Labels[] = new Array(pairMany.length);
  for (let p = 0; p < pairMany.length; p++) {
    const m = pairMany[p]!;
    const o = pairOne[p]!;
    if (m < 0) {
      // Filled many side: its labels are the one side's matching labels.
      const ls = one.labels[o]!;
      out[p] = finish(base(matchLabels(ls, on, names)), ls);
      continue;
    }
    const ml = many.labels[m]!;
    if (include.length === 0) {
      manyFinal[m] ??= finish(base(ml), ml);
      out[p] = manyFinal[m]!;
      continue;
    }
    manyBase[m] ??= base(ml);
    out[p] = finish(manyBase[m]!, o >= 0 ? one.labels[o]! : matchLabels(ml, on, names));
  }
  return out;
}

/** Pairings recorded as matches: all of them, none, or those a mask marks. */
type Counted = 'all' | 'none' | Uint8Array;

interface MatchingState {
  readonly matching: VectorMatching;
  readonly swapped: boolean;
  readonly n: number;
  readonly lhs: StepVectors;
  readonly rhs: StepVectors;
  readonly many: StepVectors;
  readonly one: StepVectors;
  readonly manySig: Int32Array;
  readonly oneSig: Int32Array;
  readonly nSigs: number;
  /** Signatures whose pairings may fail (see vectorVector). */
  readonly suspect: Uint8Array;
  readonly pairStart: Int32Array;
  /** Index of each one-side row among its signature's one-side rows. */
  readonly oneIdx: Int32Array;
  readonly oneCountOf: (sig: number) => number;
  readonly fillOne: number | null;
  readonly hasFill: boolean;
  /** Which pairings are recorded as matches (per live pair and step for a mask). */
  readonly counted: Counted;
  /** Per pair: its row among the live pairs, or -1 when never present. */
  readonly liveIndex: Int32Array;
  /** group_x: per many-side pair, its result labels as a number (see vectorVector). */
  readonly outputOrd: Int32Array;
  readonly nOutputs: number;
}

const EXPLICIT_GROUPING =
  'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)';
const UNIQUE_GROUPING = 'multiple matches for labels: grouping labels must ensure unique matches';

/**
 * The first step at which Prometheus's VectorBinop fails, with its message: replays its
 * checks step by step (duplicate series on the "one" side, then the pairings of the
 * many side in row order) for the rows of the suspect signatures only.
 */
function firstMatchingError(st: MatchingState): StepError | null {
  const { n, many, one, manySig, oneSig, suspect, counted, matching } = st;
  const anyL = anyPresence(st.lhs);
  const anyR = anyPresence(st.rhs);
  const oneRows: number[] = [];
  for (let r = 0; r < one.labels.length; r++) if (suspect[oneSig[r]!] === 1) oneRows.push(r);
  const manyRows: number[] = [];
  for (let r = 0; r < many.labels.length; r++) if (suspect[manySig[r]!] === 1) manyRows.push(r);
  // Per signature: the step at which it last had a one-side point, and that row.
  const oneAt = i32(st.nSigs).fill(-1);
  const oneRow = i32(st.nSigs);
  const matchedAt = i32(st.nSigs).fill(-1);
  const outputAt = i32(st.nOutputs).fill(-1);
  const oneToOne = matching.card === 'one-to-one';
  const oneMask = one.mask;
  const manyMask = many.mask;

  for (let s = 0; s < n; s++) {
    // Nothing is matched at a step where both sides are empty, or one is and no fill is set.
    const proceed =
      (anyL[s] === 1 && anyR[s] === 1) || (st.hasFill && (anyL[s] === 1 || anyR[s] === 1));
    if (!proceed) continue;
    for (const r of oneRows) {
      if (oneMask[r * n + s] !== 1) continue;
      const sig = oneSig[r]!;
      if (oneAt[sig] === s) {
        return { step: s, message: duplicateSeriesMessage(st, r, oneRow[sig]!) };
      }
      oneAt[sig] = s;
      oneRow[sig] = r;
    }
    for (const m of manyRows) {
      if (manyMask[m * n + s] !== 1) continue;
      const sig = manySig[m]!;
      let p: number;
      if (oneAt[sig] === s) p = st.pairStart[m]! + st.oneIdx[oneRow[sig]!]!;
      else if (st.fillOne !== null) p = st.pairStart[m]! + st.oneCountOf(sig);
      else continue;
      const live = st.liveIndex[p]!;
      if (live < 0 || counted === 'none') continue;
      if (counted !== 'all' && counted[live * n + s] !== 1) continue;
      if (oneToOne) {
        if (matchedAt[sig] === s) return { step: s, message: EXPLICIT_GROUPING };
        matchedAt[sig] = s;
      } else {
        // A signature with a single many-side row cannot repeat a result.
        const ord = st.outputOrd[p]!;
        if (ord < 0) continue;
        if (outputAt[ord] === s) return { step: s, message: UNIQUE_GROUPING };
        outputAt[ord] = s;
      }
    }
  }
  return null;
}

/** Prometheus's error for two series of one signature on the "one" side at one step. */
function duplicateSeriesMessage(st: MatchingState, row: number, first: number): string {
  const { on, matchingLabels } = st.matching;
  const ls = st.one.labels[row]!;
  const group = labelsToString(matchLabels(ls, on, matchingLabels));
  const side = st.swapped ? 'left' : 'right';
  return (
    `found duplicate series for the match group ${group} on the ${side} hand-side of the ` +
    `operation: [${labelsToString(ls)}, ${labelsToString(st.one.labels[first]!)}]` +
    ';many-to-many matching not allowed: matching labels must be unique on one side'
  );
}

// ===== Collecting the steps =====

/**
 * What Prometheus's rangeEval does with the per-step results: an instant evaluation
 * returns the vector as it is (failing on two equal label sets unless names are removed
 * late); a range evaluation joins the points of equal label sets into one series, failing
 * when two have a point at the same step. A per-step error of the operation fails the
 * query unless an earlier step already failed.
 */
function collectSteps(
  ctx: EvalContext,
  v: StepVectors,
  grid: Grid,
  error: StepError | null,
): StepVectors {
  const n = v.nSteps;
  const rows = v.labels.length;
  const vMask = v.mask;
  const vValues = v.values;
  const nonEmpty: number[] = [];
  for (let r = 0; r < rows; r++) if (hasPoint(vMask, r * n, n)) nonEmpty.push(r);
  if (grid.startMs === grid.endMs) {
    if (error !== null) throw new ExecutionError(error.message);
    if (!ctx.delayedNameRemoval && !knownDistinct(v.labels)) {
      const seen = new LabelSetIndex(undefined, nonEmpty.length);
      for (const r of nonEmpty) {
        const before = seen.size;
        if (seen.add(v.labels[r]!) < before) throw new ExecutionError(SAME_LABELSET);
      }
    }
    return nonEmpty.length === rows ? v : selectRows(v, nonEmpty);
  }
  const limit = error === null ? n : error.step;
  // Group the non-empty rows by label set, in order of first appearance (rows known
  // distinct are each a group of their own).
  const groups: number[][] = [];
  let merged = false;
  if (!knownDistinct(v.labels)) {
    const groupOf = new LabelSetIndex(undefined, nonEmpty.length);
    for (const r of nonEmpty) {
      const g = groupOf.add(v.labels[r]!);
      if (g === groups.length) {
        groups.push([r]);
      } else {
        groups[g]!.push(r);
        merged = true;
      }
    }
  }
  if (!merged) {
    if (error !== null) throw new ExecutionError(error.message);
    return nonEmpty.length === rows ? v : selectRows(v, nonEmpty);
  }
  const values = f64(groups.length * n);
  const mask = u8(groups.length * n);
  const dropName = u8(groups.length);
  for (let g = 0; g < groups.length; g++) {
    const dst = g * n;
    // The series takes the name-dropping flag of its first point.
    let firstStep = n;
    for (const r of groups[g]!) {
      const src = r * n;
      for (let s = 0; s < n; s++) {
        if (vMask[src + s] !== 1) continue;
        if (mask[dst + s] === 1) {
          if (s < limit) throw new ExecutionError(SAME_LABELSET);
          continue;
        }
        mask[dst + s] = 1;
        values[dst + s] = vValues[src + s]!;
        if (s < firstStep) {
          firstStep = s;
          dropName[g] = v.dropName[r]!;
        }
      }
    }
  }
  if (error !== null) throw new ExecutionError(error.message);
  const labels = groups.map((g) => v.labels[g[0]!]!);
  return { kind: 'vector', labels, dropName, values, mask, nSteps: n };
}
