// Elementwise binary operators with Go's float semantics, between two vectors
// (aligned nRows × nSteps matrices), a vector and a scalar (one value per step), or two
// scalars. Semantics follow prometheus/prometheus promql/engine.go vectorElemBinop,
// VectorBinop and VectorscalarBinop.

import { ldb, ldf, stb, stf } from './common';
import { goAtan2, goMod, goPow } from './gomath';

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;
export const OP_DIV: i32 = 3;
export const OP_MOD: i32 = 4;
export const OP_POW: i32 = 5;
export const OP_ATAN2: i32 = 6;
export const OP_EQ: i32 = 7;
export const OP_NE: i32 = 8;
export const OP_GT: i32 = 9;
export const OP_LT: i32 = 10;
export const OP_GE: i32 = 11;
export const OP_LE: i32 = 12;

function arith(op: i32, l: f64, r: f64): f64 {
  switch (op) {
    case OP_ADD:
      return l + r;
    case OP_SUB:
      return l - r;
    case OP_MUL:
      return l * r;
    case OP_DIV:
      return l / r;
    case OP_MOD:
      return goMod(l, r);
    case OP_POW:
      return goPow(l, r);
    default:
      return goAtan2(l, r);
  }
}

function compare(op: i32, l: f64, r: f64): bool {
  switch (op) {
    case OP_EQ:
      return l === r;
    case OP_NE:
      return l !== r;
    case OP_GT:
      return l > r;
    case OP_LT:
      return l < r;
    case OP_GE:
      return l >= r;
    default:
      return l <= r;
  }
}

// Lanes of all ones where the two mask bytes at ptr are non-zero.
function maskLanes(ptr: usize): v128 {
  const m = i64x2.replace_lane(i64x2.splat(-(<i64>load<u8>(ptr))), 1, -(<i64>load<u8>(ptr + 1)));
  return v128.not(i64x2.eq(m, i64x2.splat(0)));
}

/**
 * Applies op to every cell of the nRows × nSteps output. A scalar operand (lhsScalar
 * or rhsScalar) holds one value per step and is always present; a vector operand may
 * carry a presence mask (0 = none, all present). Arithmetic writes op(lhs, rhs) where
 * both sides are present. A comparison with returnBool writes 1 or 0 there; without it,
 * it keeps the vector side's value (the lhs when both are vectors) only where the
 * comparison holds. Absent cells hold value 0.
 */
export function binary_op(
  op: i32,
  lhsPtr: usize,
  rhsPtr: usize,
  nRows: i32,
  nSteps: i32,
  lhsScalar: i32,
  rhsScalar: i32,
  lhsMask: usize,
  rhsMask: usize,
  returnBool: i32,
  outVals: usize,
  outMask: usize,
): void {
  const isCompare = op >= OP_EQ;
  const keepRhs = lhsScalar !== 0 && rhsScalar === 0;
  for (let r = 0; r < nRows; r++) {
    const row = r * nSteps;
    const lBase = lhsScalar !== 0 ? lhsPtr : lhsPtr + ((<usize>row) << 3);
    const rBase = rhsScalar !== 0 ? rhsPtr : rhsPtr + ((<usize>row) << 3);
    const lm = lhsMask !== 0 && lhsScalar === 0 ? lhsMask + <usize>row : 0;
    const rm = rhsMask !== 0 && rhsScalar === 0 ? rhsMask + <usize>row : 0;
    const oBase = outVals + ((<usize>row) << 3);
    if (isCompare) {
      compareRow(
        op,
        lBase,
        rBase,
        lm,
        rm,
        nSteps,
        returnBool !== 0,
        keepRhs,
        oBase,
        outMask + <usize>row,
      );
    } else {
      arithRow(op, lBase, rBase, nSteps, oBase);
      maskRow(lm, rm, nSteps, oBase, outMask + <usize>row);
    }
  }
}

// Values of one row of an arithmetic operator, one tight loop per operator.
function arithRow(op: i32, lBase: usize, rBase: usize, n: i32, oBase: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op <= OP_DIV) {
    for (; i + 2 <= n; i += 2) {
      const off = (<usize>i) << 3;
      const L = v128.load(lBase + off);
      const R = v128.load(rBase + off);
      let val: v128;
      if (op === OP_ADD) val = f64x2.add(L, R);
      else if (op === OP_SUB) val = f64x2.sub(L, R);
      else if (op === OP_MUL) val = f64x2.mul(L, R);
      else val = f64x2.div(L, R);
      v128.store(oBase + off, val);
    }
  }
  switch (op) {
    case OP_MOD:
      for (; i < n; i++) stf(oBase, i, goMod(ldf(lBase, i), ldf(rBase, i)));
      break;
    case OP_POW:
      for (; i < n; i++) stf(oBase, i, goPow(ldf(lBase, i), ldf(rBase, i)));
      break;
    case OP_ATAN2:
      for (; i < n; i++) stf(oBase, i, goAtan2(ldf(lBase, i), ldf(rBase, i)));
      break;
    default:
      for (; i < n; i++) stf(oBase, i, arith(op, ldf(lBase, i), ldf(rBase, i)));
  }
}

// Presence of one row of an arithmetic result: both sides present; absent cells get 0.
function maskRow(lm: usize, rm: usize, n: i32, oBase: usize, mBase: usize): void {
  if (lm === 0 && rm === 0) {
    memory.fill(mBase, 1, <usize>n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const present = (lm === 0 || ldb(lm, i) !== 0) && (rm === 0 || ldb(rm, i) !== 0);
    stb(mBase, i, present ? 1 : 0);
    if (!present) stf(oBase, i, 0);
  }
}

// One row of a comparison: a filter (keeping a value where it holds) or a bool.
function compareRow(
  op: i32,
  lBase: usize,
  rBase: usize,
  lm: usize,
  rm: usize,
  n: i32,
  returnBool: bool,
  keepRhs: bool,
  oBase: usize,
  mBase: usize,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const ones = v128.not(v128.splat<i64>(0));
    for (; i + 2 <= n; i += 2) {
      const off = (<usize>i) << 3;
      const L = v128.load(lBase + off);
      const R = v128.load(rBase + off);
      let present = ones;
      if (lm !== 0) present = v128.and(present, maskLanes(lm + <usize>i));
      if (rm !== 0) present = v128.and(present, maskLanes(rm + <usize>i));
      let cond: v128;
      if (op === OP_EQ) cond = f64x2.eq(L, R);
      else if (op === OP_NE) cond = f64x2.ne(L, R);
      else if (op === OP_GT) cond = f64x2.gt(L, R);
      else if (op === OP_LT) cond = f64x2.lt(L, R);
      else if (op === OP_GE) cond = f64x2.ge(L, R);
      else cond = f64x2.le(L, R);
      let val: v128;
      if (returnBool) {
        val = v128.and(f64x2.splat(1), cond);
      } else {
        val = v128.and(keepRhs ? R : L, cond);
        present = v128.and(present, cond);
      }
      v128.store(oBase + off, v128.and(val, present));
      stb(mBase, i, <i32>(i64x2.extract_lane(present, 0) !== 0));
      stb(mBase, i + 1, <i32>(i64x2.extract_lane(present, 1) !== 0));
    }
  }
  for (; i < n; i++) {
    const l = ldf(lBase, i);
    const rv = ldf(rBase, i);
    let present = (lm === 0 || ldb(lm, i) !== 0) && (rm === 0 || ldb(rm, i) !== 0);
    let val: f64 = 0;
    if (present) {
      const holds = compare(op, l, rv);
      if (returnBool) val = holds ? 1 : 0;
      else if (holds) val = keepRhs ? rv : l;
      else present = false;
    }
    stf(oBase, i, val);
    stb(mBase, i, present ? 1 : 0);
  }
}
