/**
 * A map keyed by float64 values that tells -0 from +0, as `Object.is` does (a `Map` keys
 * numbers by SameValueZero, which merges them); every NaN is one key, as in a `Map`. It
 * suits caches of what depends on a value's formatting, where 0 and -0 differ ("0", "-0")
 * and all NaNs print alike.
 */
export class FloatKeyMap<V> {
  private readonly map = new Map<number, V>();
  private negZero: V | undefined;
  private hasNegZero = false;

  /** The value stored for `key`, or undefined. */
  get(key: number): V | undefined {
    if (key === 0 && 1 / key < 0) return this.negZero;
    return this.map.get(key);
  }

  /** Stores `value` for `key`. */
  set(key: number, value: V): void {
    if (key === 0 && 1 / key < 0) {
      this.negZero = value;
      this.hasNegZero = true;
    } else {
      this.map.set(key, value);
    }
  }

  /** Whether `key` has a value. */
  has(key: number): boolean {
    if (key === 0 && 1 / key < 0) return this.hasNegZero;
    return this.map.has(key);
  }

  /** Number of keys. */
  get size(): number {
    return this.map.size + (this.hasNegZero ? 1 : 0);
  }
}

/**
 * `format` memoised per distinct float (-0 and +0 apart, NaNs together): for formatting
 * that is pure and gives every NaN the same text, such as Go's `FormatFloat`.
 */
export function memoFormat(format: (v: number) => string): (v: number) => string {
  const cache = new FloatKeyMap<string>();
  return (v) => {
    let s = cache.get(v);
    if (s === undefined) {
      s = format(v);
      cache.set(v, s);
    }
    return s;
  };
}

/** Integer keys below this go to a table instead of a map (when the index has one). */
const DENSE_LIMIT = 256;

/**
 * A {@link FloatKeyMap} to non-negative integers, with a table for the keys 0, 1, …, 255
 * (not -0), the usual values of gauges that count things: the table is made at the first
 * such key when `dense` is set, and makes their look-up an array read.
 */
export class FloatIndex {
  private table: Int32Array | null = null; // index + 1 per small integer key, 0: none
  private readonly map = new FloatKeyMap<number>();

  constructor(private readonly dense: boolean) {}

  /** The index stored for `key`, or -1. */
  get(key: number): number {
    const t = this.table;
    if (t !== null && key >= 0 && key < DENSE_LIMIT) {
      const k = key | 0;
      if (k === key && (k !== 0 || 1 / key > 0)) return t[k]! - 1;
    }
    return this.map.get(key) ?? -1;
  }

  /**
   * {@link get} for a key of the table: the index stored (-1: none) when `key` is one of
   * the table's small integers and the table exists, else -2 (ask {@link get}). Keeps a
   * caller's loop free of the map.
   */
  getInTable(key: number): number {
    const t = this.table;
    if (t !== null && key >= 0 && key < DENSE_LIMIT) {
      const k = key | 0;
      if (k === key && (k !== 0 || 1 / key > 0)) return t[k]! - 1;
    }
    return -2;
  }

  /** Stores `index` (≥ 0) for `key`. */
  set(key: number, index: number): void {
    if (this.dense && key >= 0 && key < DENSE_LIMIT) {
      const k = key | 0;
      if (k === key && (k !== 0 || 1 / key > 0)) {
        this.table ??= new Int32Array(DENSE_LIMIT);
        this.table[k] = index + 1;
        return;
      }
    }
    this.map.set(key, index);
  }
}
