/** The typed arrays of the by-id tables (`newest-table.ts`, `recent-samples.ts`). */
type Column = Float64Array | Int32Array | Uint8Array;

/** A copy of column `a` with room for `size` elements, the new ones set to `fill`. */
export function grown<T extends Column>(a: T, size: number, fill = 0): T {
  const out = new (a.constructor as new (length: number) => T)(size);
  if (fill !== 0) out.fill(fill);
  out.set(a);
  return out;
}

/**
 * The size a by-id column of `old` entries grows to, to hold id `id`: by a quarter at
 * least, as the spare entries count towards the bytes per sample held.
 */
export function grownSize(old: number, id: number): number {
  return Math.max(64, Math.ceil(old * 1.25), id + 1);
}
