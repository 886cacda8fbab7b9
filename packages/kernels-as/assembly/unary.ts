// Elementwise math functions (abs, ceil, ..., deg, rad), round and clamp.

import { ldb, ldf, stb, stf } from './common';
import {
  goAcos,
  goAcosh,
  goAsin,
  goAsinh,
  goAtan,
  goAtanh,
  goCos,
  goCosh,
  goExp,
  goLog,
  goLog2,
  goLog10,
  goMax,
  goMin,
  goSin,
  goSinh,
  goTan,
  goTanh,
} from './gomath';

export const U_ABS: i32 = 0;
export const U_CEIL: i32 = 1;
export const U_FLOOR: i32 = 2;
export const U_EXP: i32 = 3;
export const U_LN: i32 = 4;
export const U_LOG2: i32 = 5;
export const U_LOG10: i32 = 6;
export const U_SQRT: i32 = 7;
export const U_SGN: i32 = 8;
export const U_SIN: i32 = 9;
export const U_COS: i32 = 10;
export const U_TAN: i32 = 11;
export const U_ASIN: i32 = 12;
export const U_ACOS: i32 = 13;
export const U_ATAN: i32 = 14;
export const U_SINH: i32 = 15;
export const U_COSH: i32 = 16;
export const U_TANH: i32 = 17;
export const U_ASINH: i32 = 18;
export const U_ACOSH: i32 = 19;
export const U_ATANH: i32 = 20;
export const U_DEG: i32 = 21;
export const U_RAD: i32 = 22;
export const U_NEG: i32 = 23;

const PI: f64 = Math.PI;

function apply(fn: i32, x: f64): f64 {
  switch (fn) {
    case U_EXP:
      return goExp(x);
    case U_LN:
      return goLog(x);
    case U_LOG2:
      return goLog2(x);
    case U_LOG10:
      return goLog10(x);
    case U_SGN:
      return x < 0 ? -1 : x > 0 ? 1 : x;
    case U_SIN:
      return goSin(x);
    case U_COS:
      return goCos(x);
    case U_TAN:
      return goTan(x);
    case U_ASIN:
      return goAsin(x);
    case U_ACOS:
      return goAcos(x);
    case U_ATAN:
      return goAtan(x);
    case U_SINH:
      return goSinh(x);
    case U_COSH:
      return goCosh(x);
    case U_TANH:
      return goTanh(x);
    case U_ASINH:
      return goAsinh(x);
    case U_ACOSH:
      return goAcosh(x);
    case U_ATANH:
      return goAtanh(x);
    case U_DEG:
      return (x * 180) / PI;
    case U_RAD:
      return (x * PI) / 180;
    default:
      return x;
  }
}

/**
 * out[k] = fn(in[k]) for n values. Semantics follow prometheus/prometheus
 * promql/functions.go (funcAbs ... funcDeg, funcRad, funcSgn) with Go's math package.
 */
export function unary_op(fn: i32, inPtr: usize, n: i32, outPtr: usize): void {
  let k = 0;
  // The exact operations vectorise lane by lane.
  if (ASC_FEATURE_SIMD && fn <= U_FLOOR) {
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(inPtr + ((<usize>k) << 3));
      let r: v128;
      if (fn === U_ABS) r = f64x2.abs(x);
      else if (fn === U_CEIL) r = f64x2.ceil(x);
      else r = f64x2.floor(x);
      v128.store(outPtr + ((<usize>k) << 3), r);
    }
  }
  if (ASC_FEATURE_SIMD && (fn === U_SQRT || fn === U_NEG)) {
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(inPtr + ((<usize>k) << 3));
      v128.store(outPtr + ((<usize>k) << 3), fn === U_SQRT ? f64x2.sqrt(x) : f64x2.neg(x));
    }
  }
  switch (fn) {
    case U_ABS:
      for (; k < n; k++) stf(outPtr, k, abs<f64>(ldf(inPtr, k)));
      break;
    case U_CEIL:
      for (; k < n; k++) stf(outPtr, k, ceil<f64>(ldf(inPtr, k)));
      break;
    case U_FLOOR:
      for (; k < n; k++) stf(outPtr, k, floor<f64>(ldf(inPtr, k)));
      break;
    case U_SQRT:
      for (; k < n; k++) stf(outPtr, k, sqrt<f64>(ldf(inPtr, k)));
      break;
    case U_NEG:
      for (; k < n; k++) stf(outPtr, k, -ldf(inPtr, k));
      break;
    default:
      for (; k < n; k++) stf(outPtr, k, apply(fn, ldf(inPtr, k)));
  }
}

/**
 * round(v, toNearest) over an nRows × nSteps matrix with toNearest per step: ties
 * round up. Semantics follow prometheus/prometheus promql/functions.go funcRound.
 */
export function round_op(
  inPtr: usize,
  nRows: i32,
  nSteps: i32,
  nearestPtr: usize,
  outPtr: usize,
): void {
  for (let r = 0; r < nRows; r++) {
    const row = r * nSteps;
    for (let i = 0; i < nSteps; i++) {
      const inv = 1.0 / ldf(nearestPtr, i);
      stf(outPtr, row + i, floor<f64>(ldf(inPtr, row + i) * inv + 0.5) / inv);
    }
  }
}

/**
 * clamp(v, min, max) over an nRows × nSteps matrix with bounds per step: no output where
 * max < min, else max(min, min(max, v)) with Go's math.Max/Min. Semantics follow
 * prometheus/prometheus promql/functions.go clamp.
 */
export function clamp_op(
  inPtr: usize,
  maskPtr: usize,
  nRows: i32,
  nSteps: i32,
  loPtr: usize,
  hiPtr: usize,
  outVals: usize,
  outMask: usize,
): void {
  for (let r = 0; r < nRows; r++) {
    const row = r * nSteps;
    for (let i = 0; i < nSteps; i++) {
      const lo = ldf(loPtr, i);
      const hi = ldf(hiPtr, i);
      const present = hi < lo ? 0 : maskPtr !== 0 ? ldb(maskPtr, row + i) : 1;
      stf(outVals, row + i, present !== 0 ? goMax(lo, goMin(hi, ldf(inPtr, row + i))) : 0);
      stb(outMask, row + i, present);
    }
  }
}
