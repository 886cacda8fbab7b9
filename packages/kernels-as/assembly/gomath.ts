// Go's `math` package, re-implemented in AssemblyScript so that every kernel computes
// exactly what src/gomath.ts (the TypeScript twin of this file) computes. The two files
// perform the same IEEE-754 operations in the same order; keep them in step.
//
// Semantics follow golang/go src/math (exp.go, log.go, log10.go, log1p.go, frexp.go,
// ldexp.go, bits.go, sin.go, tan.go, trig_reduce.go, atan.go, asin.go, atan2.go,
// sinh.go, tanh.go, asinh.go, acosh.go, atanh.go, pow.go, mod.go, modf.go): the
// portable Go algorithms (FreeBSD msun and Cephes). On amd64 Go uses assembly for Exp
// and Log, so Prometheus can differ from these in the last bit; PromQL's conformance
// tests compare with a relative tolerance, which these meet.

const PI: f64 = Math.PI;
const PI_2: f64 = 1.5707963267948966;
const PI_4: f64 = 0.7853981633974483;
const PI3_4: f64 = 2.356194490192345;
const FOUR_OVER_PI: f64 = 1.2732395447351628;
const INV_LN10: f64 = Math.LOG10E;
const INV_LN2: f64 = Math.LOG2E;
const SQRT2_2: f64 = Math.SQRT1_2;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;
const TWO52: f64 = 4503599627370496.0;

// ===== Bits helpers (bits.go, frexp.go, ldexp.go) =====

/** A 64-bit constant from its high and low words (keeps literals within 53 bits). */
export function bits64(hi: u32, lo: u32): u64 {
  return ((<u64>hi) << 32) | <u64>lo;
}

/** Second result of {@link goFrexp}: the binary exponent. */
export let frexpExp: i32 = 0;

function isInf(x: f64): bool {
  return x > f64.MAX_VALUE || x < -f64.MAX_VALUE;
}

/** Go's math.Frexp: returns the fraction in [0.5, 1) and stores the exponent in frexpExp. */
export function goFrexp(f: f64): f64 {
  if (f === 0 || isInf(f) || Number.isNaN(f)) {
    frexpExp = 0;
    return f;
  }
  let e: i32 = 0;
  if (abs<f64>(f) < SMALLEST_NORMAL) {
    f = f * TWO52;
    e = -52;
  }
  let x = reinterpret<u64>(f);
  e += <i32>((x >> 52) & 0x7ff) - 1023 + 1;
  x &= ~((<u64>0x7ff) << 52);
  x |= (<u64>1022) << 52;
  frexpExp = e;
  return reinterpret<f64>(x);
}

/** Go's math.Ldexp: frac × 2**exp with Go's underflow and overflow handling. */
export function goLdexp(frac: f64, exp: i32): f64 {
  if (frac === 0 || isInf(frac) || Number.isNaN(frac)) return frac;
  if (abs<f64>(frac) < SMALLEST_NORMAL) {
    frac = frac * TWO52;
    exp -= 52;
  }
  let x = reinterpret<u64>(frac);
  exp += <i32>((x >> 52) & 0x7ff) - 1023;
  if (exp < -1075) return copysign<f64>(0, frac);
  if (exp > 1023) return frac < 0 ? -Infinity : Infinity;
  let m: f64 = 1;
  if (exp < -1022) {
    exp += 53;
    m = 1.1102230246251565e-16; // 2**-53
  }
  x &= ~((<u64>0x7ff) << 52);
  x |= (<u64>(exp + 1023)) << 52;
  return m * reinterpret<f64>(x);
}

// ===== Exponential and logarithms (exp.go, log.go, log10.go, log1p.go) =====

function expmulti(hi: f64, lo: f64, k: i32): f64 {
  const P1: f64 = 1.6666666666666666e-1;
  const P2: f64 = -2.7777777777015593e-3;
  const P3: f64 = 6.613756321437934e-5;
  const P4: f64 = -1.6533902205465252e-6;
  const P5: f64 = 4.1381367970572385e-8;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  return goLdexp(y, k);
}

/** Go's math.Exp (portable algorithm). */
export function goExp(x: f64): f64 {
  const Ln2Hi: f64 = 6.931471803691238e-1;
  const Ln2Lo: f64 = 1.9082149292705877e-10;
  const Log2e: f64 = Math.LOG2E;
  const Overflow: f64 = 7.09782712893384e2;
  const Underflow: f64 = -7.451332191019411e2;
  const NearZero: f64 = 3.725290298461914e-9; // 2**-28
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > Overflow) return Infinity;
  if (x < Underflow) return 0;
  if (-NearZero < x && x < NearZero) return 1 + x;
  let k: i32 = 0;
  if (x < 0) k = <i32>(Log2e * x - 0.5);
  else if (x > 0) k = <i32>(Log2e * x + 0.5);
  const hi = x - <f64>k * Ln2Hi;
  const lo = <f64>k * Ln2Lo;
  return expmulti(hi, lo, k);
}

/** Go's math.Log (portable algorithm). */
export function goLog(x: f64): f64 {
  const Ln2Hi: f64 = 6.931471803691238e-1;
  const Ln2Lo: f64 = 1.9082149292705877e-10;
  const L1: f64 = 6.666666666666735e-1;
  const L2: f64 = 3.999999999940942e-1;
  const L3: f64 = 2.857142874366239e-1;
  const L4: f64 = 2.2222198432149784e-1;
  const L5: f64 = 1.818357216161805e-1;
  const L6: f64 = 1.5313837699209373e-1;
  const L7: f64 = 1.4798198605116586e-1;
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  let f1 = goFrexp(x);
  let ki = frexpExp;
  if (f1 < SQRT2_2) {
    f1 *= 2;
    ki--;
  }
  const f = f1 - 1;
  const k = <f64>ki;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * Ln2Hi - (hfsq - (s * (hfsq + R) + k * Ln2Lo) - f);
}

/** Go's math.Log10. */
export function goLog10(x: f64): f64 {
  return goLog(x) * INV_LN10;
}

/** Go's math.Log2. */
export function goLog2(x: f64): f64 {
  const frac = goFrexp(x);
  const e = frexpExp;
  // Exact powers of two get exact results.
  if (frac === 0.5) return <f64>(e - 1);
  return goLog(frac) * INV_LN2 + <f64>e;
}

/** Go's math.Log1p (portable algorithm). */
export function goLog1p(x: f64): f64 {
  const Sqrt2M1: f64 = 4.1421356237309503e-1;
  const Sqrt2HalfM1: f64 = -2.928932188134525e-1;
  const Small: f64 = 1.862645149230957e-9; // 2**-29
  const Tiny: f64 = 5.551115123125783e-17; // 2**-54
  const Two53: f64 = 9007199254740992.0;
  const Ln2Hi: f64 = 6.931471803691238e-1;
  const Ln2Lo: f64 = 1.9082149292705877e-10;
  const Lp1: f64 = 6.666666666666735e-1;
  const Lp2: f64 = 3.999999999940942e-1;
  const Lp3: f64 = 2.857142874366239e-1;
  const Lp4: f64 = 2.2222198432149784e-1;
  const Lp5: f64 = 1.818357216161805e-1;
  const Lp6: f64 = 1.5313837699209373e-1;
  const Lp7: f64 = 1.4798198605116586e-1;
  if (x < -1 || Number.isNaN(x)) return NaN;
  if (x === -1) return -Infinity;
  if (x === Infinity) return Infinity;
  const absx = abs<f64>(x);
  let f: f64 = 0;
  let iu: u64 = 0;
  let k: i32 = 1;
  if (absx < Sqrt2M1) {
    if (absx < Small) {
      if (absx < Tiny) return x;
      return x - x * x * 0.5;
    }
    if (x > Sqrt2HalfM1) {
      k = 0;
      f = x;
      iu = 1;
    }
  }
  let c: f64 = 0;
  if (k !== 0) {
    let u: f64;
    if (absx < Two53) {
      u = 1.0 + x;
      iu = reinterpret<u64>(u);
      k = <i32>((iu >> 52) - 1023);
      if (k > 0) c = 1.0 - (u - x);
      else c = x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      iu = reinterpret<u64>(u);
      k = <i32>((iu >> 52) - 1023);
      c = 0;
    }
    iu &= bits64(0x000fffff, 0xffffffff);
    if (iu < bits64(0x0006a09e, 0x667f3bcd)) {
      u = reinterpret<f64>(iu | bits64(0x3ff00000, 0x00000000));
    } else {
      k++;
      u = reinterpret<f64>(iu | bits64(0x3fe00000, 0x00000000));
      iu = (bits64(0x00100000, 0x00000000) - iu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const fk = <f64>k;
  if (iu === 0) {
    if (f === 0) {
      if (k === 0) return 0;
      c += fk * Ln2Lo;
      return fk * Ln2Hi + c;
    }
    const R0 = hfsq * (1.0 - 0.6666666666666666 * f);
    if (k === 0) return f - R0;
    return fk * Ln2Hi - (R0 - (fk * Ln2Lo + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return fk * Ln2Hi - (hfsq - (s * (hfsq + R) + (fk * Ln2Lo + c)) - f);
}

// ===== Trigonometry (sin.go, tan.go, trig_reduce.go) =====

const PI4A: f64 = 7.853981256484985e-1;
const PI4B: f64 = 3.774894707930798e-8;
const PI4C: f64 = 2.6951514290790595e-15;
const REDUCE_THRESHOLD: f64 = 536870912.0; // 1 << 29

const SIN0: f64 = 1.5896230157654656e-10;
const SIN1: f64 = -2.5050747762857807e-8;
const SIN2: f64 = 2.7557313621385722e-6;
const SIN3: f64 = -1.984126982958954e-4;
const SIN4: f64 = 8.333333333322118e-3;
const SIN5: f64 = -1.666666666666663e-1;
const COS0: f64 = -1.1358536521387682e-11;
const COS1: f64 = 2.087570084197473e-9;
const COS2: f64 = -2.755731417929674e-7;
const COS3: f64 = 2.4801587288851704e-5;
const COS4: f64 = -1.3888888888873056e-3;
const COS5: f64 = 4.1666666666666595e-2;

/** Octant found by the last range reduction (the second result of Go's trigReduce). */
let trigJ: u64 = 0;

// Binary digits of 4/pi, 64 bits per word: 4/pi = sum mPi4[i] * 2^(-64*i).
function mPi4(i: u32): u64 {
  switch (i) {
    case 0:
      return bits64(0x00000000, 0x00000001);
    case 1:
      return bits64(0x45f306dc, 0x9c882a53);
    case 2:
      return bits64(0xf84eafa3, 0xea69bb81);
    case 3:
      return bits64(0xb6c52b32, 0x78872083);
    case 4:
      return bits64(0xfca2c757, 0xbd778ac3);
    case 5:
      return bits64(0x6e48dc74, 0x849ba5c0);
    case 6:
      return bits64(0x0c925dd4, 0x13a32439);
    case 7:
      return bits64(0xfc3bd639, 0x62534e7d);
    case 8:
      return bits64(0xd1046bea, 0x5d768909);
    case 9:
      return bits64(0xd338e04d, 0x68befc82);
    case 10:
      return bits64(0x7323ac73, 0x06a673e9);
    case 11:
      return bits64(0x3908bf17, 0x7bf25076);
    case 12:
      return bits64(0x3ff12fff, 0xbc0b301f);
    case 13:
      return bits64(0xde5e2316, 0xb414da3e);
    case 14:
      return bits64(0xda6cfd9e, 0x4f96136e);
    case 15:
      return bits64(0x9e8c7ecd, 0x3cbfd45a);
    case 16:
      return bits64(0xea4f758f, 0xd7cbe2f6);
    case 17:
      return bits64(0x7a0e73ef, 0x14a525d4);
    case 18:
      return bits64(0xd7f6bf62, 0x3f1aba10);
    default:
      return bits64(0xac06608d, 0xf8f6d757);
  }
}

// Go's shifts yield 0 for counts >= 64; WebAssembly's wrap the count.
function shl64(x: u64, s: u32): u64 {
  return s >= 64 ? 0 : x << (<u64>s);
}

function shr64(x: u64, s: u32): u64 {
  return s >= 64 ? 0 : x >> <u64>s;
}

// High 64 bits of the 128-bit product a*b (Go's bits.Mul64 hi).
function mulHi64(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// Payne-Hanek reduction by pi/4 for x >= 2**29: returns z and stores j in trigJ.
function trigReduce(x: f64): f64 {
  if (x < PI_4) {
    trigJ = 0;
    return x;
  }
  let ix = reinterpret<u64>(x);
  const exp = <i32>((ix >> 52) & 0x7ff) - 1023 - 52;
  ix &= ~((<u64>0x7ff) << 52);
  ix |= (<u64>1) << 52;
  const digit = <u32>(exp + 61) / 64;
  const bitshift = <u32>(exp + 61) % 64;
  const z0 = shl64(mPi4(digit), bitshift) | shr64(mPi4(digit + 1), 64 - bitshift);
  const z1 = shl64(mPi4(digit + 1), bitshift) | shr64(mPi4(digit + 2), 64 - bitshift);
  const z2 = shl64(mPi4(digit + 2), bitshift) | shr64(mPi4(digit + 3), 64 - bitshift);
  const z2hi = mulHi64(z2, ix);
  const z1hi = mulHi64(z1, ix);
  const z1lo = z1 * ix;
  const z0lo = z0 * ix;
  const lo = z1lo + z2hi;
  const carry: u64 = lo < z1lo ? 1 : 0;
  let hi = z0lo + z1hi + carry;
  let j = hi >> 61;
  hi = (hi << 3) | (lo >> 61);
  const lz = <u32>clz<u64>(hi);
  const e = <u64>(1023 - (lz + 1));
  hi = shl64(hi, lz + 1) | shr64(lo, 64 - (lz + 1));
  hi = hi >> 12;
  hi |= e << 52;
  let z = reinterpret<f64>(hi);
  if ((j & 1) === 1) {
    j++;
    j &= 7;
    z--;
  }
  trigJ = j;
  return z * PI_4;
}

function sinPoly(z: f64, zz: f64): f64 {
  return z + z * zz * (((((SIN0 * zz + SIN1) * zz + SIN2) * zz + SIN3) * zz + SIN4) * zz + SIN5);
}

function cosPoly(zz: f64): f64 {
  return (
    1.0 -
    0.5 * zz +
    zz * zz * (((((COS0 * zz + COS1) * zz + COS2) * zz + COS3) * zz + COS4) * zz + COS5)
  );
}

// Shared Cody-Waite reduction: returns z, stores the octant in trigJ.
function reduce(x: f64): f64 {
  if (x >= REDUCE_THRESHOLD) return trigReduce(x);
  let j = <u64>(x * FOUR_OVER_PI);
  let y = <f64>j;
  if ((j & 1) === 1) {
    j++;
    y++;
  }
  trigJ = j & 7;
  return x - y * PI4A - y * PI4B - y * PI4C;
}

/** Go's math.Sin. */
export function goSin(x: f64): f64 {
  if (x === 0 || Number.isNaN(x)) return x;
  if (isInf(x)) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  const z = reduce(x);
  let j = trigJ;
  if (j > 3) {
    sign = !sign;
    j -= 4;
  }
  const zz = z * z;
  let y = j === 1 || j === 2 ? cosPoly(zz) : sinPoly(z, zz);
  if (sign) y = -y;
  return y;
}

/** Go's math.Cos. */
export function goCos(x: f64): f64 {
  if (Number.isNaN(x) || isInf(x)) return NaN;
  let sign = false;
  x = abs<f64>(x);
  const z = reduce(x);
  let j = trigJ;
  if (j > 3) {
    j -= 4;
    sign = !sign;
  }
  if (j > 1) sign = !sign;
  const zz = z * z;
  let y = j === 1 || j === 2 ? sinPoly(z, zz) : cosPoly(zz);
  if (sign) y = -y;
  return y;
}

/** Go's math.Tan. */
export function goTan(x: f64): f64 {
  const P0: f64 = -1.3093693918138379e4;
  const P1: f64 = 1.1535166483858742e6;
  const P2: f64 = -1.7956525197648488e7;
  const Q1: f64 = 1.3681296347069296e4;
  const Q2: f64 = -1.3208923444021097e6;
  const Q3: f64 = 2.500838018233579e7;
  const Q4: f64 = -5.3869575592945464e7;
  if (x === 0 || Number.isNaN(x)) return x;
  if (isInf(x)) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let z: f64;
  let j: u64;
  if (x >= REDUCE_THRESHOLD) {
    z = trigReduce(x);
    j = trigJ;
  } else {
    j = <u64>(x * FOUR_OVER_PI);
    let y = <f64>j;
    if ((j & 1) === 1) {
      j++;
      y++;
    }
    z = x - y * PI4A - y * PI4B - y * PI4C;
  }
  const zz = z * z;
  let y: f64;
  if (zz > 1e-14) {
    y = z + z * ((zz * ((P0 * zz + P1) * zz + P2)) / ((((zz + Q1) * zz + Q2) * zz + Q3) * zz + Q4));
  } else {
    y = z;
  }
  if ((j & 2) === 2) y = -1 / y;
  if (sign) y = -y;
  return y;
}

// ===== Inverse trigonometry (atan.go, asin.go, atan2.go) =====

function xatan(x: f64): f64 {
  const P0: f64 = -8.750608600031904e-1;
  const P1: f64 = -1.6157537187333652e1;
  const P2: f64 = -7.500855792314705e1;
  const P3: f64 = -1.2288666844901361e2;
  const P4: f64 = -6.485021904942025e1;
  const Q0: f64 = 2.4858464901423062e1;
  const Q1: f64 = 1.6502700983169885e2;
  const Q2: f64 = 4.3288106049129027e2;
  const Q3: f64 = 4.853903996359137e2;
  const Q4: f64 = 1.945506571482614e2;
  let z = x * x;
  z =
    (z * ((((P0 * z + P1) * z + P2) * z + P3) * z + P4)) /
    (((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4);
  z = x * z + x;
  return z;
}

function satan(x: f64): f64 {
  const Morebits: f64 = 6.123233995736766e-17;
  const Tan3pio8: f64 = 2.414213562373095;
  if (x <= 0.66) return xatan(x);
  if (x > Tan3pio8) return PI_2 - xatan(1 / x) + Morebits;
  return PI_4 + xatan((x - 1) / (x + 1)) + 0.5 * Morebits;
}

/** Go's math.Atan. */
export function goAtan(x: f64): f64 {
  if (x === 0) return x;
  if (x > 0) return satan(x);
  return -satan(-x);
}

/** Go's math.Asin. */
export function goAsin(x: f64): f64 {
  if (x === 0) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x > 1) return NaN;
  let temp = sqrt<f64>(1 - x * x);
  if (x > 0.7) temp = PI_2 - satan(temp / x);
  else temp = satan(x / temp);
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Acos. */
export function goAcos(x: f64): f64 {
  return PI_2 - goAsin(x);
}

/** Go's math.Atan2. */
export function goAtan2(y: f64, x: f64): f64 {
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  if (y === 0) {
    if (x >= 0 && reinterpret<u64>(x) >> 63 === 0) return copysign<f64>(0, y);
    return copysign<f64>(PI, y);
  }
  if (x === 0) return copysign<f64>(PI_2, y);
  if (isInf(x)) {
    if (x === Infinity) {
      return isInf(y) ? copysign<f64>(PI_4, y) : copysign<f64>(0, y);
    }
    return isInf(y) ? copysign<f64>(PI3_4, y) : copysign<f64>(PI, y);
  }
  if (isInf(y)) return copysign<f64>(PI_2, y);
  const q = goAtan(y / x);
  if (x < 0) {
    if (q <= 0) return q + PI;
    return q - PI;
  }
  return q;
}

// ===== Hyperbolic functions (sinh.go, tanh.go, asinh.go, acosh.go, atanh.go) =====

/** Go's math.Sinh. */
export function goSinh(x: f64): f64 {
  const P0: f64 = -6.307673640497717e5;
  const P1: f64 = -8.991272022039509e4;
  const P2: f64 = -2.894211355989564e3;
  const P3: f64 = -2.630563213397497e1;
  const Q0: f64 = -6.307673640497717e5;
  const Q1: f64 = 1.521517378790019e4;
  const Q2: f64 = -1.736789535582337e2;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: f64;
  if (x > 21) {
    temp = goExp(x) / 2;
  } else if (x > 0.5) {
    temp = (goExp(x) - goExp(-x)) / 2;
  } else {
    const sq = x * x;
    temp = (((P3 * sq + P2) * sq + P1) * sq + P0) * x;
    temp = temp / (((sq + Q2) * sq + Q1) * sq + Q0);
  }
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Cosh. */
export function goCosh(x: f64): f64 {
  x = abs<f64>(x);
  if (x > 21) return goExp(x) / 2;
  return (goExp(x) + goExp(-x)) / 2;
}

/** Go's math.Tanh. */
export function goTanh(x: f64): f64 {
  const HALF_MAXLOG: f64 = 44.014845965556525;
  const P0: f64 = -9.643991794250523e-1;
  const P1: f64 = -9.928772310019185e1;
  const P2: f64 = -1.6146876844170845e3;
  const Q0: f64 = 1.1281167849163293e2;
  const Q1: f64 = 2.2354883906010045e3;
  const Q2: f64 = 4.844063053251255e3;
  let z = abs<f64>(x);
  if (z > HALF_MAXLOG) {
    return x < 0 ? -1 : 1;
  }
  if (z >= 0.625) {
    const s = goExp(2 * z);
    z = 1 - 2 / (s + 1);
    if (x < 0) z = -z;
    return z;
  }
  if (x === 0) return x;
  const s = x * x;
  return x + (x * s * ((P0 * s + P1) * s + P2)) / (((s + Q0) * s + Q1) * s + Q2);
}

/** Go's math.Asinh. */
export function goAsinh(x: f64): f64 {
  const Ln2: f64 = 6.931471805599453e-1;
  const NearZero: f64 = 3.725290298461914e-9; // 2**-28
  const Large: f64 = 268435456.0; // 2**28
  if (Number.isNaN(x) || isInf(x)) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: f64;
  if (x > Large) temp = goLog(x) + Ln2;
  else if (x > 2) temp = goLog(2 * x + 1 / (sqrt<f64>(x * x + 1) + x));
  else if (x < NearZero) temp = x;
  else temp = goLog1p(x + (x * x) / (1 + sqrt<f64>(1 + x * x)));
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Acosh. */
export function goAcosh(x: f64): f64 {
  const Ln2: f64 = 6.931471805599453e-1;
  const Large: f64 = 268435456.0; // 2**28
  if (x < 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return 0;
  if (x >= Large) return goLog(x) + Ln2;
  if (x > 2) return goLog(2 * x - 1 / (x + sqrt<f64>(x * x - 1)));
  const t = x - 1;
  return goLog1p(t + sqrt<f64>(2 * t + t * t));
}

/** Go's math.Atanh. */
export function goAtanh(x: f64): f64 {
  const NearZero: f64 = 3.725290298461914e-9; // 2**-28
  if (x < -1 || x > 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return Infinity;
  if (x === -1) return -Infinity;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: f64;
  if (x < NearZero) {
    temp = x;
  } else if (x < 0.5) {
    temp = x + x;
    temp = 0.5 * goLog1p(temp + (temp * x) / (1 - x));
  } else {
    temp = 0.5 * goLog1p((x + x) / (1 - x));
  }
  if (sign) temp = -temp;
  return temp;
}

// ===== Pow and Mod (pow.go, mod.go, modf.go) =====

// Go's isOddInt: x is an integer, and odd, with |x| < 2**63.
function isOddInt(x: f64): bool {
  const xi = trunc<f64>(x);
  if (x - xi !== 0) return false;
  if (abs<f64>(xi) >= 9.223372036854776e18) return false;
  return (<i64>xi & 1) === 1;
}

/** Go's math.Pow, including its special cases (Pow(1, NaN) = 1, Pow(-1, ±Inf) = 1). */
export function goPow(x: f64, y: f64): f64 {
  if (y === 0 || x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    if (y < 0) {
      if (isOddInt(y)) return copysign<f64>(Infinity, x);
      return Infinity;
    }
    if (isOddInt(y)) return x;
    return 0;
  }
  if (isInf(y)) {
    if (x === -1) return 1;
    if (abs<f64>(x) < 1 === (y === Infinity)) return 0;
    return Infinity;
  }
  if (isInf(x)) {
    if (x === -Infinity) return goPow(1 / x, -y);
    if (y < 0) return 0;
    return Infinity;
  }
  if (y === 0.5) return sqrt<f64>(x);
  if (y === -0.5) return 1 / sqrt<f64>(x);
  if (y === trunc<f64>(y) && y >= -128 && y <= 127) {
    // Small integer exponents: repeated squaring, as Go does for float64(int8(y)) == y.
    let isNegative = false;
    if (y < 0) {
      isNegative = true;
      y = -y;
    }
    let n = <u32>y;
    let r: f64 = 1.0;
    while (n > 1) {
      let tmp = x;
      let c: u32 = 1;
      while (c <= n / 2) {
        tmp *= tmp;
        c *= 2;
      }
      n = n - c;
      r *= tmp;
    }
    for (let i: u32 = 0; i < n; i++) r *= x;
    if (isNegative) return 1 / r;
    return r;
  }
  const ay = abs<f64>(y);
  let yi = trunc<f64>(ay);
  let yf = ay - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 9.223372036854776e18) {
    if (x === -1) return 1;
    if (abs<f64>(x) < 1 === y > 0) return 0;
    return Infinity;
  }
  let a1: f64 = 1.0;
  let ae: i32 = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = goExp(yf * goLog(x));
  }
  let x1 = goFrexp(x);
  let xe = frexpExp;
  for (let i = <i64>yi; i !== 0; i >>= 1) {
    if (xe < -4096 || 4096 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1) === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return goLdexp(a1, ae);
}

/**
 * Go's math.Mod: the remainder of x/y with the sign of x. The remainder is exact, so any
 * exact method gives Go's result; this one divides the integer mantissas (Go's
 * Frexp/Ldexp loop is far slower). Special cases as Go: Mod(±Inf, y), Mod(NaN, y),
 * Mod(x, 0) and Mod(x, NaN) are NaN; Mod(x, ±Inf) = x.
 */
export function goMod(x: f64, y: f64): f64 {
  if (y === 0 || isInf(x) || Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (abs<f64>(x) < abs<f64>(y)) return x;
  const ux = reinterpret<u64>(x);
  const uy = reinterpret<u64>(y);
  let ex = <i32>((ux >> 52) & 0x7ff);
  let ey = <i32>((uy >> 52) & 0x7ff);
  let mx = ux & bits64(0x000fffff, 0xffffffff);
  let my = uy & bits64(0x000fffff, 0xffffffff);
  // Mantissas with the leading 1 at bit 52 (subnormals normalised).
  if (ex === 0) {
    const shift = <i32>clz<u64>(mx) - 11;
    mx <<= <u64>shift;
    ex = 1 - shift;
  } else {
    mx |= (<u64>1) << 52;
  }
  if (ey === 0) {
    const shift = <i32>clz<u64>(my) - 11;
    my <<= <u64>shift;
    ey = 1 - shift;
  } else {
    my |= (<u64>1) << 52;
  }
  // (mx * 2^(ex-ey)) mod my, eleven bits at a time: mx < 2^53, so mx << 11 fits in
  // 64 bits. |x| >= |y|, so ex >= ey.
  let d = ex - ey;
  while (d > 11) {
    mx = (mx << 11) % my;
    d -= 11;
  }
  mx = (mx << (<u64>d)) % my;
  ex = ey;
  const sign = ux & bits64(0x80000000, 0x00000000);
  if (mx === 0) return reinterpret<f64>(sign);
  const shift = <i32>clz<u64>(mx) - 11;
  mx <<= <u64>shift;
  ex -= shift;
  if (ex > 0)
    return reinterpret<f64>(sign | ((<u64>ex) << 52) | (mx & bits64(0x000fffff, 0xffffffff)));
  // A subnormal result; the bits shifted out are zero because the remainder is exact.
  return reinterpret<f64>(sign | (mx >> <u64>(1 - ex)));
}

// ===== Max and Min (dim.go) =====

/** Go's math.Max: +Inf wins over NaN, NaN wins over numbers, +0 wins over -0. */
export function goMax(x: f64, y: f64): f64 {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return reinterpret<u64>(x) >> 63 !== 0 ? y : x;
  return x > y ? x : y;
}

/** Go's math.Min: -Inf wins over NaN, NaN wins over numbers, -0 wins over +0. */
export function goMin(x: f64, y: f64): f64 {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return reinterpret<u64>(x) >> 63 !== 0 ? x : y;
  return x < y ? x : y;
}
