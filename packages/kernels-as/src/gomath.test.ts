// Go's math package semantics: accuracy against the high-precision values in Go's own
// tests (golang/go src/math/all_test.go, inputs vf), and the special cases where Go
// differs from JavaScript (Pow(1, NaN) = 1, Pow(-1, ±Inf) = 1, Max(+Inf, NaN) = +Inf...).
// Every check runs on the TypeScript port and through both WebAssembly builds.

import { beforeAll, describe, expect, test } from 'vitest';
import { type Implementations, implementations } from '../test/support.js';
import * as go from './gomath.js';
import type { Kernels, MathFunction } from './index.js';

const vf = [
  4.9790119248836735, 7.738872474578105, -0.2768800571920016, -5.010603618271075, 9.636293707198417,
  2.9263772392439646, 5.229083431459307, 2.7279399104360103, 1.825308091680855, -8.685924768575601,
];

// Go's tolerance(a, b, e): relative to the expected value b.
function within(actual: number, expected: number, e: number): boolean {
  if (actual === expected) return true;
  const d = Math.abs(actual - expected);
  return d < (expected !== 0 ? Math.abs(e * expected) : e);
}
const VERYCLOSE = 4e-16;
const CLOSE = 1e-14;

interface Golden {
  fn: MathFunction;
  input: (x: number) => number;
  want: number[];
  tolerance: number;
}

const GOLDEN: Golden[] = [
  {
    fn: 'exp',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      1.4533071302642136e2, 2.295882257569445e3, 7.581454257485166e-1, 6.666877842179101e-3,
      1.5310493273896034e4, 1.865990751799933e1, 1.8662167355098714e2, 1.5301332413189378e1,
      6.204706343064688, 1.6894712385826522e-4,
    ],
  },
  {
    fn: 'ln',
    input: Math.abs,
    tolerance: VERYCLOSE,
    want: [
      1.605231462693063, 2.046256001870877, -1.2841708730962658, 1.6115563905281545,
      2.265536564487202, 1.073765220891838, 1.6542360106073546, 1.0035467127723465,
      6.017487901457805e-1, 2.1617038728473528,
    ],
  },
  {
    fn: 'log10',
    input: Math.abs,
    tolerance: VERYCLOSE,
    want: [
      6.971431664250829e-1, 8.886776901739321e-1, -5.577083240065893e-1, 6.998900476822995e-1,
      9.839100285068423e-1, 4.663303102929515e-1, 7.184255711724233e-1, 4.358347996891777e-1,
      2.6133617905227036e-1, 9.38816063486494e-1,
    ],
  },
  {
    fn: 'log2',
    input: Math.abs,
    tolerance: CLOSE,
    want: [
      2.315859470706219, 2.9521233862883918, -1.852666950270033, 2.3249844127278863,
      3.268478366538305, 1.5491157592596971, 2.3865580889631732, 1.4478118658170853,
      8.681399954042511e-1, 3.1186794572273424,
    ],
  },
  {
    fn: 'sin',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      -9.646661658600928e-1, 9.933822527164654e-1, -2.7335587039794396e-1, 9.55862576850428e-1,
      -2.0994210667799693e-1, 2.1355787807998605e-1, -8.694568971167362e-1, 4.019566681155578e-1,
      9.6778633541688e-1, -6.734405869050345e-1,
    ],
  },
  {
    fn: 'cos',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      2.634752140995199e-1, 1.1485512608482198e-1, 9.619129732564077e-1, 2.938141150061715e-1,
      -9.777138189897924e-1, -9.769304134430322e-1, 4.940088096948647e-1, -9.156586902101893e-1,
      -2.5177293138931034e-1, -7.392413515956766e-1,
    ],
  },
  {
    fn: 'tan',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      -3.6613165650402277, 8.649002326485975, -2.8417941955033615e-1, 3.2532901859747287,
      2.1472756403802937e-1, -2.18600910711067e-1, -1.760002817872368, -4.389808914752818e-1,
      -3.8438855602011306, 9.109887933776851e-1,
    ],
  },
  {
    fn: 'asin',
    input: (x) => x / 10,
    tolerance: VERYCLOSE,
    want: [
      5.211769721841744e-1, 8.849561986582524e-1, -2.7691544662819412e-2, -5.248236093526893e-1,
      1.3002662421166553, 2.9698415875871903e-1, 5.502593846808337e-1, 2.76295978616772e-1,
      1.8355989225745148e-1, -1.0523547536021498,
    ],
  },
  {
    fn: 'acos',
    input: (x) => x / 10,
    tolerance: CLOSE,
    want: [
      1.0496193546107222, 6.858401281366443e-1, 1.598487871457716, 2.095619936147586,
      2.705300846782414e-1, 1.2738121680361776, 1.0205369421140629, 1.2945003481781245,
      1.387236434537445, 2.6231510803970464,
    ],
  },
  {
    fn: 'atan',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      1.3725902621296215, 1.442290609645298, -2.7011324359471756e-1, -1.373807768454338,
      1.4673921193587667, 1.2415173565870168, 1.3818396865615168, 1.219430584463967,
      1.0696031952318783, -1.4561721938838086,
    ],
  },
  {
    fn: 'sinh',
    input: (x) => x,
    tolerance: CLOSE,
    want: [
      7.266191608420853e1, 1.1479409110035194e3, -2.8043136512812517e-1, -7.499429091181587e1,
      7.655246604290676e3, 9.303158342167201, 9.33081575582811e1, 7.617989313726914,
      3.0217691805496156, -2.959505757244495e3,
    ],
  },
  {
    fn: 'cosh',
    input: (x) => x,
    tolerance: CLOSE,
    want: [
      7.266879694221284e1, 1.1479413465659254e3, 1.038576790876642, 7.500095778965805e1,
      7.655246669605358e3, 9.356749175832126, 9.331351599270606e1, 7.683343099462465,
      3.182937162515072, 2.959505926191619e3,
    ],
  },
  {
    fn: 'tanh',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      9.999053120693634e-1, 9.999996205708529e-1, -2.700150509731868e-1, -9.999111094306172e-1,
      9.999999914679847e-1, 9.942724943612523e-1, 9.999425760098314e-1, 9.914940950977288e-1,
      9.493650129623968e-1, -9.999999429137403e-1,
    ],
  },
  {
    fn: 'asinh',
    input: (x) => x,
    tolerance: VERYCLOSE,
    want: [
      2.3083139124923524, 2.743551594301594, -2.734590853488009e-1, -2.314515764471834,
      2.9613652154015058, 1.7949041616585821, 2.3564032905983505, 1.7287118790768439,
      1.3626658083714827, -2.8581483626513915,
    ],
  },
  {
    fn: 'acosh',
    input: (x) => 1 + Math.abs(x),
    tolerance: VERYCLOSE,
    want: [
      2.474334700415901, 2.857638534429277, 7.279696150298106e-1, 2.479679441883145,
      3.055202074230606, 2.0442385926885867, 2.5158701513104513, 1.9905083928241163,
      1.6988625798424035, 2.9611454842470386,
    ],
  },
  {
    fn: 'atanh',
    input: (x) => x / 10,
    tolerance: VERYCLOSE,
    want: [
      5.465116371225194e-1, 1.0299474112843112, -2.7695084420740135e-2, -5.507209611920719e-1,
      1.9943940993171843, 3.014486045780897e-1, 5.803342720694219e-1, 2.7987997499441514e-1,
      1.8459947964298795e-1, -1.3273186910532646,
    ],
  },
];

let impls: Implementations;
beforeAll(async () => {
  impls = await implementations();
});

function runMath(k: Kernels, fn: MathFunction, inputs: number[]): number[] {
  const out = new Float64Array(inputs.length);
  k.math(fn, Float64Array.from(inputs), out);
  return Array.from(out);
}

describe('accuracy against Go\u2019s high-precision test values', () => {
  for (const g of GOLDEN) {
    test(`${g.fn}`, () => {
      const inputs = vf.map(g.input);
      for (const [name, k] of Object.entries(impls)) {
        runMath(k, g.fn, inputs).forEach((got, i) => {
          expect(
            within(got, g.want[i] as number, g.tolerance),
            `${name} ${g.fn}(${inputs[i]}) = ${got}, want ${g.want[i]}`,
          ).toBe(true);
        });
      }
    });
  }

  test('huge arguments: Payne-Hanek reduction within an ulp of V8’s fdlibm', () => {
    const inputs = [
      2 ** 29,
      2 ** 29 + 1,
      1e10,
      123456789012.5,
      1e15,
      1e22,
      1e300,
      2 ** 1000,
      1.7976931348623157e308,
    ];
    for (const [name, k] of Object.entries(impls)) {
      const sin = runMath(k, 'sin', inputs);
      const cos = runMath(k, 'cos', inputs);
      const tan = runMath(k, 'tan', inputs);
      inputs.forEach((x, i) => {
        expect(Math.abs((sin[i] as number) - Math.sin(x)), `${name} sin(${x})`).toBeLessThanOrEqual(
          2.3e-16,
        );
        expect(Math.abs((cos[i] as number) - Math.cos(x)), `${name} cos(${x})`).toBeLessThanOrEqual(
          2.3e-16,
        );
        expect(within(tan[i] as number, Math.tan(x), 1e-14), `${name} tan(${x})`).toBe(true);
      });
    }
  });

  test('Pow(10, vf) and Mod(10, vf) and Atan2(10, vf)', () => {
    const pow = [
      9.528223263164841e4, 5.48115993529999e7, 5.28591217158944e-1, 9.758799195728648e-6,
      4.328064329346045e9, 8.440676180503455e2, 1.6946633276191194e5, 5.344904014755194e2,
      6.688182138451415e1, 2.0609869004248745e-9,
    ];
    const fmod = [
      4.1976150232653e-2, 2.2611275254218954, 3.2317941087942614e-2, 4.989396381728925,
      3.637062928015826e-1, 1.220868282268106, 4.770916568540693, 1.8161802686919692,
      8.734595415957247e-1, 1.3140752314243986,
    ];
    const atan2 = [
      1.1088291730037005, 9.121818318871581e-1, 1.5984772603216204, 2.0352918654092087,
      8.039181913904472e-1, 1.2861075249894662, 1.0889904479131696, 1.3044821793397925,
      1.3902530903455392, 2.2859857424479144,
    ];
    for (const [name, k] of Object.entries(impls)) {
      const ten = new Float64Array(vf.length).fill(10);
      const out = { values: new Float64Array(vf.length), mask: new Uint8Array(vf.length) };
      const opts = { nSteps: vf.length };
      k.binary('^', ten, Float64Array.from(vf), out, opts);
      out.values.forEach((got, i) => {
        expect(within(got, pow[i] as number, CLOSE), `${name} Pow(10, ${vf[i]})`).toBe(true);
      });
      k.binary('%', ten, Float64Array.from(vf), out, opts);
      // Mod is exact: Go's test compares with ==.
      out.values.forEach((got, i) => {
        expect(got, `${name} Mod(10, ${vf[i]})`).toBe(fmod[i]);
      });
      k.binary('atan2', ten, Float64Array.from(vf), out, opts);
      out.values.forEach((got, i) => {
        expect(within(got, atan2[i] as number, VERYCLOSE), `${name} Atan2(10, ${vf[i]})`).toBe(
          true,
        );
      });
    }
  });
});

const PI = Math.PI;
const NEXT_UP_1 = 1.0000000000000002;
const NEXT_DOWN_1 = 0.9999999999999999;

// (x, y, Go's Pow(x, y)) from golang/go src/math/all_test.go vfpowSC/powSC.
const POW_SPECIAL: [number, number, number][] = [
  [-Infinity, -PI, 0],
  [-Infinity, -3, -0],
  [-Infinity, -0, 1],
  [-Infinity, 0, 1],
  [-Infinity, 1, -Infinity],
  [-Infinity, 3, -Infinity],
  [-Infinity, PI, Infinity],
  [-Infinity, NaN, NaN],
  [-PI, -Infinity, 0],
  [-PI, -PI, NaN],
  [-PI, -0, 1],
  [-PI, 0, 1],
  [-PI, 1, -PI],
  [-PI, PI, NaN],
  [-PI, Infinity, Infinity],
  [-PI, NaN, NaN],
  [-1, -Infinity, 1],
  [-1, Infinity, 1],
  [-1, NaN, NaN],
  [-0.5, -Infinity, Infinity],
  [-0.5, Infinity, 0],
  [-0, -Infinity, Infinity],
  [-0, -PI, Infinity],
  [-0, -3, -Infinity],
  [-0, 3, -0],
  [-0, PI, 0],
  [-0, Infinity, 0],
  [0, -Infinity, Infinity],
  [0, -PI, Infinity],
  [0, -3, Infinity],
  [0, -0, 1],
  [0, 0, 1],
  [0, 3, 0],
  [0, PI, 0],
  [0, Infinity, 0],
  [0, NaN, NaN],
  [0.5, -Infinity, Infinity],
  [0.5, Infinity, 0],
  [1, -Infinity, 1],
  [1, Infinity, 1],
  [1, NaN, 1],
  [PI, -Infinity, 0],
  [PI, -0, 1],
  [PI, 0, 1],
  [PI, 1, PI],
  [PI, Infinity, Infinity],
  [PI, NaN, NaN],
  [Infinity, -PI, 0],
  [Infinity, -0, 1],
  [Infinity, 0, 1],
  [Infinity, 1, Infinity],
  [Infinity, PI, Infinity],
  [Infinity, NaN, NaN],
  [NaN, -PI, NaN],
  [NaN, -0, 1],
  [NaN, 0, 1],
  [NaN, 1, NaN],
  [NaN, PI, NaN],
  [NaN, NaN, NaN],
  [2, 2 ** 32, Infinity],
  [2, -(2 ** 32), 0],
  [-2, 2 ** 32 + 1, -Infinity],
  [0.5, 2 ** 45, 0],
  [0.5, -(2 ** 45), Infinity],
  [NEXT_UP_1, 2 ** 63, Infinity],
  [NEXT_DOWN_1, 2 ** 63, 0],
  [-NEXT_DOWN_1, 2 ** 63, 0],
  [-NEXT_UP_1, 2 ** 63, Infinity],
];

// (x, y, Go's Mod(x, y)) from all_test.go vffmodSC/fmodSC.
const MOD_SPECIAL: [number, number, number][] = [
  [-Infinity, -Infinity, NaN],
  [-Infinity, -PI, NaN],
  [-Infinity, 0, NaN],
  [-Infinity, PI, NaN],
  [-Infinity, Infinity, NaN],
  [-Infinity, NaN, NaN],
  [-PI, -Infinity, -PI],
  [-PI, 0, NaN],
  [-PI, Infinity, -PI],
  [-PI, NaN, NaN],
  [-0, -Infinity, -0],
  [-0, 0, NaN],
  [-0, Infinity, -0],
  [-0, NaN, NaN],
  [0, -Infinity, 0],
  [0, 0, NaN],
  [0, Infinity, 0],
  [0, NaN, NaN],
  [PI, -Infinity, PI],
  [PI, 0, NaN],
  [PI, Infinity, PI],
  [PI, NaN, NaN],
  [Infinity, -Infinity, NaN],
  [Infinity, -PI, NaN],
  [Infinity, 0, NaN],
  [Infinity, PI, NaN],
  [Infinity, Infinity, NaN],
  [Infinity, NaN, NaN],
  [NaN, -Infinity, NaN],
  [NaN, -PI, NaN],
  [NaN, 0, NaN],
  [NaN, PI, NaN],
  [NaN, Infinity, NaN],
  [NaN, NaN, NaN],
  // The sign of the result is the dividend's, also for exact zeros.
  [-4, 2, -0],
  [4, -2, 0],
  [-7, 3, -1],
  [7, -3, 1],
  [5e-324, 5e-324, 0],
  [1e308, 3e-308, 1e308 % 3e-308],
];

// (y, x, Go's Atan2(y, x)) from all_test.go vfatan2SC/atan2SC.
const ATAN2_SPECIAL: [number, number, number][] = [
  [-Infinity, -Infinity, (-3 * PI) / 4],
  [-Infinity, -PI, -PI / 2],
  [-Infinity, 0, -PI / 2],
  [-Infinity, PI, -PI / 2],
  [-Infinity, Infinity, -PI / 4],
  [-Infinity, NaN, NaN],
  [-PI, -Infinity, -PI],
  [-PI, 0, -PI / 2],
  [-PI, Infinity, -0],
  [-PI, NaN, NaN],
  [-0, -Infinity, -PI],
  [-0, -PI, -PI],
  [-0, -0, -PI],
  [-0, 0, -0],
  [-0, PI, -0],
  [-0, Infinity, -0],
  [-0, NaN, NaN],
  [0, -Infinity, PI],
  [0, -PI, PI],
  [0, -0, PI],
  [0, 0, 0],
  [0, PI, 0],
  [0, Infinity, 0],
  [0, NaN, NaN],
  [PI, -Infinity, PI],
  [PI, 0, PI / 2],
  [PI, Infinity, 0],
  [PI, NaN, NaN],
  [Infinity, -Infinity, (3 * PI) / 4],
  [Infinity, -PI, PI / 2],
  [Infinity, 0, PI / 2],
  [Infinity, PI, PI / 2],
  [Infinity, Infinity, PI / 4],
  [Infinity, NaN, NaN],
  [NaN, NaN, NaN],
];

function binaryScalar(k: Kernels, op: '%' | '^' | 'atan2', x: number, y: number): number {
  const out = { values: new Float64Array(1), mask: new Uint8Array(1) };
  k.binary(op, new Float64Array([x]), new Float64Array([y]), out, { nSteps: 1 });
  return out.values[0] as number;
}

describe('Go special cases', () => {
  test('Pow follows Go (IEEE 754-2008), not JavaScript\u2019s **', () => {
    // Where Go and JavaScript disagree:
    expect(1 ** Number.NaN).toBeNaN();
    expect((-1) ** Number.POSITIVE_INFINITY).toBeNaN();
    for (const [name, k] of Object.entries(impls)) {
      for (const [x, y, want] of POW_SPECIAL) {
        expect(binaryScalar(k, '^', x, y), `${name} Pow(${x}, ${y})`).toBe(want);
      }
      expect(go.pow(1, Number.NaN)).toBe(1);
    }
  });

  test('Mod follows Go', () => {
    for (const [name, k] of Object.entries(impls)) {
      for (const [x, y, want] of MOD_SPECIAL) {
        expect(binaryScalar(k, '%', x, y), `${name} Mod(${x}, ${y})`).toBe(want);
      }
    }
  });

  test('Atan2 follows Go', () => {
    for (const [name, k] of Object.entries(impls)) {
      for (const [y, x, want] of ATAN2_SPECIAL) {
        expect(binaryScalar(k, 'atan2', y, x), `${name} Atan2(${y}, ${x})`).toBe(want);
      }
    }
  });

  test('Max and Min follow Go: +Inf beats NaN in Max, -Inf beats NaN in Min', () => {
    // (x, y, Max, Min) from all_test.go vffdimSC, fmaxSC, fminSC.
    const cases: [number, number, number, number][] = [
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [-Infinity, Infinity, Infinity, -Infinity],
      [-Infinity, NaN, NaN, -Infinity],
      [-0, -0, -0, -0],
      [-0, 0, 0, -0],
      [0, -0, 0, -0],
      [0, 0, 0, 0],
      [Infinity, -Infinity, Infinity, -Infinity],
      [Infinity, Infinity, Infinity, Infinity],
      [Infinity, NaN, Infinity, NaN],
      [NaN, -Infinity, NaN, -Infinity],
      [NaN, -0, NaN, NaN],
      [NaN, 0, NaN, NaN],
      [NaN, Infinity, Infinity, NaN],
      [NaN, NaN, NaN, NaN],
    ];
    for (const [x, y, max, min] of cases) {
      expect(go.max(x, y), `Max(${x}, ${y})`).toBe(max);
      expect(go.min(x, y), `Min(${x}, ${y})`).toBe(min);
    }
    // JavaScript's Math.max returns NaN here; clamp uses Go's semantics.
    expect(Math.max(Infinity, Number.NaN)).toBeNaN();
    for (const [name, k] of Object.entries(impls)) {
      const out = { values: new Float64Array(1), mask: new Uint8Array(1) };
      k.clamp(
        new Float64Array([Number.NaN]),
        new Float64Array([-Infinity]),
        new Float64Array([-Infinity]),
        1,
        out,
      );
      expect(out.values[0], `${name} clamp(NaN, -Inf, -Inf)`).toBe(-Infinity);
    }
  });

  test('other special cases', () => {
    const cases: [MathFunction, number, number][] = [
      ['acosh', -Infinity, NaN],
      ['acosh', 0.5, NaN],
      ['acosh', 1, 0],
      ['acosh', Infinity, Infinity],
      ['asin', -PI, NaN],
      ['asin', -0, -0],
      ['asin', 0, 0],
      ['asin', PI, NaN],
      ['asinh', -Infinity, -Infinity],
      ['asinh', -0, -0],
      ['atan', -Infinity, -PI / 2],
      ['atan', -0, -0],
      ['atan', Infinity, PI / 2],
      ['atanh', -1, -Infinity],
      ['atanh', -0, -0],
      ['atanh', 1, Infinity],
      ['atanh', PI, NaN],
      ['cos', Infinity, NaN],
      ['cosh', -0, 1],
      ['cosh', -Infinity, Infinity],
      ['exp', -Infinity, 0],
      ['exp', -2000, 0],
      ['exp', 2000, Infinity],
      ['exp', 7.097827128933841e2, Infinity],
      ['exp', 1, Math.E],
      ['ln', -PI, NaN],
      ['ln', -0, -Infinity],
      ['ln', 1, 0],
      ['log2', 8, 3],
      ['log2', 0.5, -1],
      ['log10', 100, 2],
      ['sin', -0, -0],
      ['sin', Infinity, NaN],
      ['sinh', -0, -0],
      ['sqrt', -0, -0],
      ['sqrt', -PI, NaN],
      ['tanh', -Infinity, -1],
      ['tanh', -0, -0],
      ['tanh', Infinity, 1],
      ['sgn', -0, -0],
      ['sgn', -3, -1],
      ['sgn', 2, 1],
      ['sgn', NaN, NaN],
      ['abs', -0, 0],
      ['ceil', -0.5, -0],
      ['floor', -0, -0],
      ['deg', PI, 180],
      ['rad', 180, PI],
    ];
    for (const [name, k] of Object.entries(impls)) {
      for (const [fn, x, want] of cases)
        expect(runMath(k, fn, [x])[0], `${name} ${fn}(${x})`).toBe(want);
    }
  });

  test('round uses Prometheus’s floor(v * (1/toNearest) + 0.5) / (1/toNearest): ties round up', () => {
    const input = new Float64Array([2.5, -2.5, 0.5, -0.5, 1234.5678, 0.49999999999999994]);
    const cases: [number, number[]][] = [
      // 0.49999999999999994 + 0.5 rounds to 1 in float64, so it rounds up; -0.5 gives +0.
      [1, [3, -2, 1, 0, 1235, 1]],
      [10, [0, 0, 0, 0, 1230, 0]],
    ];
    for (const [name, k] of Object.entries(impls)) {
      for (const [toNearest, want] of cases) {
        const out = new Float64Array(input.length);
        k.round(input, new Float64Array([toNearest]), 1, out);
        expect(Array.from(out), `${name} round(_, ${toNearest})`).toEqual(want);
      }
      const out = new Float64Array(1);
      k.round(new Float64Array([1234.5678]), new Float64Array([0.01]), 1, out);
      expect(out[0]).toBe(1234.57);
    }
  });
});
