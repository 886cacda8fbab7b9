/**
 * Sample values at the bit level. Prometheus tells NaNs apart by their bits: a
 * staleness marker is the NaN `0x7ff0000000000002`, an ordinary NaN parsed from text is
 * `0x7ff8000000000001`. JavaScript keeps these bits in typed arrays and plain number
 * variables, but may change them (set the quiet bit, or canonicalise) when a NaN goes
 * through arithmetic or is stored in a plain `Array` — so pass values in `Float64Array`s
 * when the bits matter.
 */

const scratch = new Float64Array(2);
const words = new Uint32Array(scratch.buffer);
/** Index of the high 32-bit word of a float64 in `words` (0 on big-endian hosts). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function fromBits(hi: number, lo: number): number {
  words[HI] = hi;
  words[LO] = lo;
  return scratch[0]!;
}

/** The staleness marker, `0x7ff0000000000002` (a signalling NaN). */
export const STALE_NAN: number = fromBits(0x7ff00000, 0x00000002);

/** Prometheus's canonical NaN for parsed values, `0x7ff8000000000001` (value.NormalNaN). */
export const NORMAL_NAN: number = fromBits(0x7ff80000, 0x00000001);

/** True when `v` has exactly the staleness marker's bits. */
export function isStaleNaN(v: number): boolean {
  scratch[0] = v;
  return words[HI] === 0x7ff00000 && words[LO] === 0x00000002;
}

/** True when `a` and `b` have identical bits (so `0 !== -0`, and NaNs by payload). */
export function sameBits(a: number, b: number): boolean {
  scratch[0] = a;
  scratch[1] = b;
  return words[0] === words[2] && words[1] === words[3];
}
