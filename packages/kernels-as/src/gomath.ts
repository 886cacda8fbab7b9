// Go's `math` package in TypeScript: the twin of assembly/gomath.ts. Both files perform
// the same IEEE-754 operations in the same order, so the WebAssembly kernels and the
// TypeScript reference agree bit for bit. JavaScript's own Math functions are not used
// for anything that rounds, because V8's fdlibm ports differ from Go's algorithms.
//
// Semantics follow golang/go src/math (exp.go, log.go, log10.go, log1p.go, frexp.go,
// ldexp.go, bits.go, sin.go, tan.go, trig_reduce.go, atan.go, asin.go, atan2.go,
// sinh.go, tanh.go, asinh.go, acosh.go, atanh.go, pow.go, mod.go, modf.go): the
// portable Go algorithms (FreeBSD msun and Cephes).

const PI = Math.PI;
const PI_2 = 1.5707963267948966;
const PI_4 = 0.7853981633974483;
const PI3_4 = 2.356194490192345;
const FOUR_OVER_PI = 1.2732395447351628;
const INV_LN10 = Math.LOG10E;
const INV_LN2 = Math.LOG2E;
const SQRT2_2 = Math.SQRT1_2;
const SMALLEST_NORMAL = 2.2250738585072014e-308;
const TWO52 = 4503599627370496.0;

// Scratch for reading and writing the words of a float64 (little-endian hosts only).
const f64Scratch = new Float64Array(1);
const u32Scratch = new Uint32Array(f64Scratch.buffer);

function isInf(x: number): boolean {
  return x > Number.MAX_VALUE || x < -Number.MAX_VALUE;
}

/** The second result of {@link frexp}: the binary exponent. */
let frexpExp = 0;

/**
 * Go's math.Frexp: returns the fraction in [0.5, 1); the exponent is left in a module
 * variable read with {@link lastFrexpExp} (so hot loops allocate no tuple).
 */
export function frexp(f: number): number {
  if (f === 0 || isInf(f) || Number.isNaN(f)) {
    frexpExp = 0;
    return f;
  }
  let e = 0;
  if (Math.abs(f) < SMALLEST_NORMAL) {
    f = f * TWO52;
    e = -52;
  }
  f64Scratch[0] = f;
  const hi = u32Scratch[1];
  e += ((hi >>> 20) & 0x7ff) - 1023 + 1;
  u32Scratch[1] = (hi & ~(0x7ff << 20)) | (1022 << 20);
  frexpExp = e;
  return f64Scratch[0];
}

/** The exponent produced by the last {@link frexp} call. */
export function lastFrexpExp(): number {
  return frexpExp;
}

/** Go's math.Ldexp: frac × 2**exp with Go's underflow and overflow handling. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || isInf(frac) || Number.isNaN(frac)) return frac;
  if (Math.abs(frac) < SMALLEST_NORMAL) {
    frac = frac * TWO52;
    exp -= 52;
  }
  f64Scratch[0] = frac;
  const hi = u32Scratch[1];
  exp += ((hi >>> 20) & 0x7ff) - 1023;
  if (exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > 1023) return frac < 0 ? -Infinity : Infinity;
  let m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 1.1102230246251565e-16; // 2**-53
  }
  u32Scratch[1] = (hi & ~(0x7ff << 20)) | ((exp + 1023) << 20);
  return m * f64Scratch[0];
}

// ===== Exponential and logarithms (exp.go, log.go, log10.go, log1p.go) =====

function expmulti(hi: number, lo: number, k: number): number {
  const P1 = 1.6666666666666666e-1;
  const P2 = -2.7777777777015593e-3;
  const P3 = 6.613756321437934e-5;
  const P4 = -1.6533902205465252e-6;
  const P5 = 4.1381367970572385e-8;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  return ldexp(y, k);
}

/** Go's math.Exp (portable algorithm). */
export function exp(x: number): number {
  const Ln2Hi = 6.931471803691238e-1;
  const Ln2Lo = 1.9082149292705877e-10;
  const Log2e = Math.LOG2E;
  const Overflow = 7.09782712893384e2;
  const Underflow = -7.451332191019411e2;
  const NearZero = 3.725290298461914e-9; // 2**-28
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > Overflow) return Infinity;
  if (x < Underflow) return 0;
  if (-NearZero < x && x < NearZero) return 1 + x;
  let k = 0;
  if (x < 0) k = Math.trunc(Log2e * x - 0.5);
  else if (x > 0) k = Math.trunc(Log2e * x + 0.5);
  const hi = x - k * Ln2Hi;
  const lo = k * Ln2Lo;
  return expmulti(hi, lo, k);
}

/** Go's math.Log (portable algorithm). */
export function log(x: number): number {
  const Ln2Hi = 6.931471803691238e-1;
  const Ln2Lo = 1.9082149292705877e-10;
  const L1 = 6.666666666666735e-1;
  const L2 = 3.999999999940942e-1;
  const L3 = 2.857142874366239e-1;
  const L4 = 2.2222198432149784e-1;
  const L5 = 1.818357216161805e-1;
  const L6 = 1.5313837699209373e-1;
  const L7 = 1.4798198605116586e-1;
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  let f1 = frexp(x);
  let ki = frexpExp;
  if (f1 < SQRT2_2) {
    f1 *= 2;
    ki--;
  }
  const f = f1 - 1;
  const k = ki;
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
export function log10(x: number): number {
  return log(x) * INV_LN10;
}

/** Go's math.Log2. */
export function log2(x: number): number {
  const frac = frexp(x);
  const e = frexpExp;
  // Exact powers of two get exact results.
  if (frac === 0.5) return e - 1;
  return log(frac) * INV_LN2 + e;
}

/** Go's math.Log1p (portable algorithm). */
export function log1p(x: number): number {
  const Sqrt2M1 = 4.1421356237309503e-1;
  const Sqrt2HalfM1 = -2.928932188134525e-1;
  const Small = 1.862645149230957e-9; // 2**-29
  const Tiny = 5.551115123125783e-17; // 2**-54
  const Two53 = 9007199254740992.0;
  const Ln2Hi = 6.931471803691238e-1;
  const Ln2Lo = 1.9082149292705877e-10;
  const Lp1 = 6.666666666666735e-1;
  const Lp2 = 3.999999999940942e-1;
  const Lp3 = 2.857142874366239e-1;
  const Lp4 = 2.2222198432149784e-1;
  const Lp5 = 1.818357216161805e-1;
  const Lp6 = 1.5313837699209373e-1;
  const Lp7 = 1.4798198605116586e-1;
  if (x < -1 || Number.isNaN(x)) return NaN;
  if (x === -1) return -Infinity;
  if (x === Infinity) return Infinity;
  const absx = Math.abs(x);
  let f = 0;
  // The mantissa of u as (hi 20 bits, lo 32 bits); only its zeroness and its
  // comparison with the mantissa of sqrt(2) matter.
  let iuHi = 0;
  let iuLo = 0;
  let k = 1;
  if (absx < Sqrt2M1) {
    if (absx < Small) {
      if (absx < Tiny) return x;
      return x - x * x * 0.5;
    }
    if (x > Sqrt2HalfM1) {
      k = 0;
      f = x;
      iuLo = 1;
    }
  }
  let c = 0;
  if (k !== 0) {
    let u: number;
    if (absx < Two53) {
      u = 1.0 + x;
      f64Scratch[0] = u;
      k = (u32Scratch[1] >>> 20) - 1023;
      if (k > 0) c = 1.0 - (u - x);
      else c = x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      f64Scratch[0] = u;
      k = (u32Scratch[1] >>> 20) - 1023;
      c = 0;
    }
    iuHi = u32Scratch[1] & 0x000fffff;
    iuLo = u32Scratch[0];
    // Compare the mantissa with that of sqrt(2), 0x6a09e667f3bcd.
    if (iuHi < 0x6a09e || (iuHi === 0x6a09e && iuLo < 0x667f3bcd)) {
      u32Scratch[1] = iuHi | 0x3ff00000;
      u32Scratch[0] = iuLo;
      u = f64Scratch[0];
    } else {
      k++;
      u32Scratch[1] = iuHi | 0x3fe00000;
      u32Scratch[0] = iuLo;
      u = f64Scratch[0];
      // iu = (0x0010000000000000 - iu) >> 2, which is zero only for the three largest
      // mantissas; only its zeroness is used below.
      iuHi = iuHi === 0xfffff && iuLo >= 0xfffffffd ? 0 : 1;
      iuLo = 0;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (iuHi === 0 && iuLo === 0) {
    if (f === 0) {
      if (k === 0) return 0;
      c += k * Ln2Lo;
      return k * Ln2Hi + c;
    }
    const R0 = hfsq * (1.0 - 0.6666666666666666 * f);
    if (k === 0) return f - R0;
    return k * Ln2Hi - (R0 - (k * Ln2Lo + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * Ln2Hi - (hfsq - (s * (hfsq + R) + (k * Ln2Lo + c)) - f);
}

// ===== Trigonometry (sin.go, tan.go, trig_reduce.go) =====

const PI4A = 7.853981256484985e-1;
const PI4B = 3.774894707930798e-8;
const PI4C = 2.6951514290790595e-15;
const REDUCE_THRESHOLD = 536870912.0; // 1 << 29

const SIN0 = 1.5896230157654656e-10;
const SIN1 = -2.5050747762857807e-8;
const SIN2 = 2.7557313621385722e-6;
const SIN3 = -1.984126982958954e-4;
const SIN4 = 8.333333333322118e-3;
const SIN5 = -1.666666666666663e-1;
const COS0 = -1.1358536521387682e-11;
const COS1 = 2.087570084197473e-9;
const COS2 = -2.755731417929674e-7;
const COS3 = 2.4801587288851704e-5;
const COS4 = -1.3888888888873056e-3;
const COS5 = 4.1666666666666595e-2;

/** Binary digits of 4/pi, 64 bits per word: 4/pi = sum M_PI4[i] * 2^(-64*i). */
const M_PI4: readonly bigint[] = [
  0x0000000000000001n,
  0x45f306dc9c882a53n,
  0xf84eafa3ea69bb81n,
  0xb6c52b3278872083n,
  0xfca2c757bd778ac3n,
  0x6e48dc74849ba5c0n,
  0x0c925dd413a32439n,
  0xfc3bd63962534e7dn,
  0xd1046bea5d768909n,
  0xd338e04d68befc82n,
  0x7323ac7306a673e9n,
  0x3908bf177bf25076n,
  0x3ff12fffbc0b301fn,
  0xde5e2316b414da3en,
  0xda6cfd9e4f96136en,
  0x9e8c7ecd3cbfd45an,
  0xea4f758fd7cbe2f6n,
  0x7a0e73ef14a525d4n,
  0xd7f6bf623f1aba10n,
  0xac06608df8f6d757n,
];

const MASK64 = 0xffffffffffffffffn;

// Go's uint64 shifts: counts >= 64 give 0.
function shl64(x: bigint, s: number): bigint {
  return s >= 64 || s < 0 ? 0n : (x << BigInt(s)) & MASK64;
}

function shr64(x: bigint, s: number): bigint {
  return s >= 64 || s < 0 ? 0n : x >> BigInt(s);
}

/** Octant found by the last range reduction. */
let trigJ = 0;

// Payne-Hanek reduction by pi/4 for huge x (Go's trigReduce); stores j in trigJ.
function trigReduce(x: number): number {
  if (x < PI_4) {
    trigJ = 0;
    return x;
  }
  f64Scratch[0] = x;
  let ix = (BigInt(u32Scratch[1]) << 32n) | BigInt(u32Scratch[0]);
  const exp = Number((ix >> 52n) & 0x7ffn) - 1023 - 52;
  ix &= ~(0x7ffn << 52n) & MASK64;
  ix |= 1n << 52n;
  const digit = Math.floor((exp + 61) / 64);
  const bitshift = (exp + 61) % 64;
  const d = (i: number): bigint => M_PI4[i] ?? 0n;
  const z0 = shl64(d(digit), bitshift) | shr64(d(digit + 1), 64 - bitshift);
  const z1 = shl64(d(digit + 1), bitshift) | shr64(d(digit + 2), 64 - bitshift);
  const z2 = shl64(d(digit + 2), bitshift) | shr64(d(digit + 3), 64 - bitshift);
  const z2hi = (z2 * ix) >> 64n;
  const z1full = z1 * ix;
  const z1hi = z1full >> 64n;
  const z1lo = z1full & MASK64;
  const z0lo = (z0 * ix) & MASK64;
  const loSum = z1lo + z2hi;
  const lo = loSum & MASK64;
  const carry = loSum >> 64n;
  let hi = (z0lo + z1hi + carry) & MASK64;
  let j = Number(hi >> 61n);
  hi = ((hi << 3n) & MASK64) | (lo >> 61n);
  const lz = hi === 0n ? 64 : 64 - hi.toString(2).length;
  const e = BigInt(1023 - (lz + 1));
  hi = shl64(hi, lz + 1) | shr64(lo, 64 - (lz + 1));
  hi = hi >> 12n;
  hi |= e << 52n;
  u32Scratch[0] = Number(hi & 0xffffffffn);
  u32Scratch[1] = Number(hi >> 32n);
  let z = f64Scratch[0];
  if ((j & 1) === 1) {
    j++;
    j &= 7;
    z--;
  }
  trigJ = j;
  return z * PI_4;
}

function sinPoly(z: number, zz: number): number {
  return z + z * zz * (((((SIN0 * zz + SIN1) * zz + SIN2) * zz + SIN3) * zz + SIN4) * zz + SIN5);
}

function cosPoly(zz: number): number {
  return (
    1.0 -
    0.5 * zz +
    zz * zz * (((((COS0 * zz + COS1) * zz + COS2) * zz + COS3) * zz + COS4) * zz + COS5)
  );
}

// Shared Cody-Waite reduction: returns z, stores the octant in trigJ.
function reduce(x: number): number {
  if (x >= REDUCE_THRESHOLD) return trigReduce(x);
  let j = Math.trunc(x * FOUR_OVER_PI);
  let y = j;
  if ((j & 1) === 1) {
    j++;
    y++;
  }
  trigJ = j & 7;
  return x - y * PI4A - y * PI4B - y * PI4C;
}

/** Go's math.Sin. */
export function sin(x: number): number {
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
export function cos(x: number): number {
  if (Number.isNaN(x) || isInf(x)) return NaN;
  let sign = false;
  x = Math.abs(x);
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
export function tan(x: number): number {
  const P0 = -1.3093693918138379e4;
  const P1 = 1.1535166483858742e6;
  const P2 = -1.7956525197648488e7;
  const Q1 = 1.3681296347069296e4;
  const Q2 = -1.3208923444021097e6;
  const Q3 = 2.500838018233579e7;
  const Q4 = -5.3869575592945464e7;
  if (x === 0 || Number.isNaN(x)) return x;
  if (isInf(x)) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let z: number;
  let j: number;
  if (x >= REDUCE_THRESHOLD) {
    z = trigReduce(x);
    j = trigJ;
  } else {
    j = Math.trunc(x * FOUR_OVER_PI);
    let y = j;
    if ((j & 1) === 1) {
      j++;
      y++;
    }
    z = x - y * PI4A - y * PI4B - y * PI4C;
  }
  const zz = z * z;
  let y: number;
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

function xatan(x: number): number {
  const P0 = -8.750608600031904e-1;
  const P1 = -1.6157537187333652e1;
  const P2 = -7.500855792314705e1;
  const P3 = -1.2288666844901361e2;
  const P4 = -6.485021904942025e1;
  const Q0 = 2.4858464901423062e1;
  const Q1 = 1.6502700983169885e2;
  const Q2 = 4.3288106049129027e2;
  const Q3 = 4.853903996359137e2;
  const Q4 = 1.945506571482614e2;
  let z = x * x;
  z =
    (z * ((((P0 * z + P1) * z + P2) * z + P3) * z + P4)) /
    (((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4);
  z = x * z + x;
  return z;
}

function satan(x: number): number {
  const Morebits = 6.123233995736766e-17;
  const Tan3pio8 = 2.414213562373095;
  if (x <= 0.66) return xatan(x);
  if (x > Tan3pio8) return PI_2 - xatan(1 / x) + Morebits;
  return PI_4 + xatan((x - 1) / (x + 1)) + 0.5 * Morebits;
}

/** Go's math.Atan. */
export function atan(x: number): number {
  if (x === 0) return x;
  if (x > 0) return satan(x);
  return -satan(-x);
}

/** Go's math.Asin. */
export function asin(x: number): number {
  if (x === 0) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x > 1) return NaN;
  let temp = Math.sqrt(1 - x * x);
  if (x > 0.7) temp = PI_2 - satan(temp / x);
  else temp = satan(x / temp);
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Acos. */
export function acos(x: number): number {
  return PI_2 - asin(x);
}

/** Go's math.Atan2. */
export function atan2(y: number, x: number): number {
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  if (y === 0) {
    // y is ±0 here, so Go's Copysign(0, y) is y itself.
    if (x >= 0 && !Object.is(x, -0)) return y;
    return copysign(PI, y);
  }
  if (x === 0) return copysign(PI_2, y);
  if (isInf(x)) {
    if (x === Infinity) return isInf(y) ? copysign(PI_4, y) : copysign(0, y);
    return isInf(y) ? copysign(PI3_4, y) : copysign(PI, y);
  }
  if (isInf(y)) return copysign(PI_2, y);
  const q = atan(y / x);
  if (x < 0) {
    if (q <= 0) return q + PI;
    return q - PI;
  }
  return q;
}

/** Go's math.Copysign: |x| with the sign bit of y. */
export function copysign(x: number, y: number): number {
  const neg = y < 0 || (y === 0 && 1 / y < 0) || (Number.isNaN(y) && signBitOfNaN(y));
  const ax = Math.abs(x);
  return neg ? -ax : ax;
}

function signBitOfNaN(y: number): boolean {
  f64Scratch[0] = y;
  return u32Scratch[1] >>> 31 === 1;
}

// ===== Hyperbolic functions (sinh.go, tanh.go, asinh.go, acosh.go, atanh.go) =====

/** Go's math.Sinh. */
export function sinh(x: number): number {
  const P0 = -6.307673640497717e5;
  const P1 = -8.991272022039509e4;
  const P2 = -2.894211355989564e3;
  const P3 = -2.630563213397497e1;
  const Q0 = -6.307673640497717e5;
  const Q1 = 1.521517378790019e4;
  const Q2 = -1.736789535582337e2;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: number;
  if (x > 21) {
    temp = exp(x) / 2;
  } else if (x > 0.5) {
    temp = (exp(x) - exp(-x)) / 2;
  } else {
    const sq = x * x;
    temp = (((P3 * sq + P2) * sq + P1) * sq + P0) * x;
    temp = temp / (((sq + Q2) * sq + Q1) * sq + Q0);
  }
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Cosh. */
export function cosh(x: number): number {
  x = Math.abs(x);
  if (x > 21) return exp(x) / 2;
  return (exp(x) + exp(-x)) / 2;
}

/** Go's math.Tanh. */
export function tanh(x: number): number {
  const HALF_MAXLOG = 44.014845965556525;
  const P0 = -9.643991794250523e-1;
  const P1 = -9.928772310019185e1;
  const P2 = -1.6146876844170845e3;
  const Q0 = 1.1281167849163293e2;
  const Q1 = 2.2354883906010045e3;
  const Q2 = 4.844063053251255e3;
  let z = Math.abs(x);
  if (z > HALF_MAXLOG) return x < 0 ? -1 : 1;
  if (z >= 0.625) {
    const s = exp(2 * z);
    z = 1 - 2 / (s + 1);
    if (x < 0) z = -z;
    return z;
  }
  if (x === 0) return x;
  const s = x * x;
  return x + (x * s * ((P0 * s + P1) * s + P2)) / (((s + Q0) * s + Q1) * s + Q2);
}

/** Go's math.Asinh. */
export function asinh(x: number): number {
  const Ln2 = 6.931471805599453e-1;
  const NearZero = 3.725290298461914e-9; // 2**-28
  const Large = 268435456.0; // 2**28
  if (Number.isNaN(x) || isInf(x)) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: number;
  if (x > Large) temp = log(x) + Ln2;
  else if (x > 2) temp = log(2 * x + 1 / (Math.sqrt(x * x + 1) + x));
  else if (x < NearZero) temp = x;
  else temp = log1p(x + (x * x) / (1 + Math.sqrt(1 + x * x)));
  if (sign) temp = -temp;
  return temp;
}

/** Go's math.Acosh. */
export function acosh(x: number): number {
  const Ln2 = 6.931471805599453e-1;
  const Large = 268435456.0; // 2**28
  if (x < 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return 0;
  if (x >= Large) return log(x) + Ln2;
  if (x > 2) return log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
  const t = x - 1;
  return log1p(t + Math.sqrt(2 * t + t * t));
}

/** Go's math.Atanh. */
export function atanh(x: number): number {
  const NearZero = 3.725290298461914e-9; // 2**-28
  if (x < -1 || x > 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return Infinity;
  if (x === -1) return -Infinity;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  let temp: number;
  if (x < NearZero) {
    temp = x;
  } else if (x < 0.5) {
    temp = x + x;
    temp = 0.5 * log1p(temp + (temp * x) / (1 - x));
  } else {
    temp = 0.5 * log1p((x + x) / (1 - x));
  }
  if (sign) temp = -temp;
  return temp;
}

// ===== Pow and Mod (pow.go, mod.go, modf.go) =====

// Go's isOddInt: x is an integer, and odd, with |x| < 2**63.
function isOddInt(x: number): boolean {
  const xi = Math.trunc(x);
  if (x - xi !== 0) return false;
  if (Math.abs(xi) >= 9.223372036854776e18) return false;
  // Integers of magnitude >= 2**53 are even.
  return Math.abs(xi) < 9007199254740992 && Math.abs(xi % 2) === 1;
}

/** Go's math.Pow, including its special cases (Pow(1, NaN) = 1, Pow(-1, ±Inf) = 1). */
export function pow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    if (y < 0) {
      if (isOddInt(y)) return copysign(Infinity, x);
      return Infinity;
    }
    if (isOddInt(y)) return x;
    return 0;
  }
  if (isInf(y)) {
    if (x === -1) return 1;
    if (Math.abs(x) < 1 === (y === Infinity)) return 0;
    return Infinity;
  }
  if (isInf(x)) {
    if (x === -Infinity) return pow(1 / x, -y);
    if (y < 0) return 0;
    return Infinity;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);
  if (y === Math.trunc(y) && y >= -128 && y <= 127) {
    // Small integer exponents: repeated squaring, as Go does for float64(int8(y)) == y.
    let isNegative = false;
    if (y < 0) {
      isNegative = true;
      y = -y;
    }
    let n = y;
    let r = 1.0;
    while (n > 1) {
      let tmp = x;
      let c = 1;
      while (c <= n >>> 1) {
        tmp *= tmp;
        c *= 2;
      }
      n = n - c;
      r *= tmp;
    }
    for (let i = 0; i < n; i++) r *= x;
    if (isNegative) return 1 / r;
    return r;
  }
  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  let yf = ay - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 9.223372036854776e18) {
    if (x === -1) return 1;
    if (Math.abs(x) < 1 === y > 0) return 0;
    return Infinity;
  }
  let a1 = 1.0;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = exp(yf * log(x));
  }
  let x1 = frexp(x);
  let xe = frexpExp;
  // yi is a non-negative integer below 2**63; walk its bits from the bottom (halving
  // and flooring are exact on such doubles).
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -4096 || 4096 < xe) {
      ae += xe;
      break;
    }
    if (i % 2 === 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

/** Go's math.Mod: the remainder of x/y with the sign of x (exact, like JavaScript's %). */
export function mod(x: number, y: number): number {
  if (y === 0 || isInf(x) || Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x % y;
}

// ===== Max and Min (dim.go) =====

/** Go's math.Max: +Inf wins over NaN, NaN wins over numbers, +0 wins over -0. */
export function max(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? y : x;
  return Math.max(x, y);
}

/** Go's math.Min: -Inf wins over NaN, NaN wins over numbers, -0 wins over +0. */
export function min(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? x : y;
  return Math.min(x, y);
}
