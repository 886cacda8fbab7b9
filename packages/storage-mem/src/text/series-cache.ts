/**
 * The text loader's map from a line's series text (`up{job="api"}`, exactly as written)
 * to its storage ref, built for the per-line hot path:
 *
 * - Prediction: exposition files repeat the same series order (one scrape after another,
 *   or one series' samples in a row), so each entry remembers which entry followed it
 *   last time, and the next line is first compared with that guess. The comparison is
 *   `text.slice(…) === key`, which V8 runs as a memory compare on a cheap sliced string
 *   (measured several times faster than `startsWith` or a character loop).
 * - Otherwise the series text is looked up in a `Map`, one per normalisation mode (the
 *   parser's `le` / `quantile` handling: the same text can mean different labels under a
 *   histogram or summary TYPE).
 *
 * Keys are copied out of the decoded block they come from, so the cache does not keep
 * whole input blocks alive.
 */

/** Entries kept before the cache starts over (bounds the loader's own memory). */
const MAX_ENTRIES = 1 << 20;

export class SeriesCache {
  #keys: string[] = [];
  #refs: number[] = [];
  #modes: number[] = [];
  /** Entry id → id of the entry on the line after it last time, or -1. */
  #next = new Int32Array(1024).fill(-1);
  readonly #byMode: [Map<string, number>, Map<string, number>, Map<string, number>] = [
    new Map(),
    new Map(),
    new Map(),
  ];
  #prev = -1;

  /** The entry predicted for a line whose series text starts at `p`, or -1. */
  predict(text: string, p: number, mode: number): number {
    if (this.#prev < 0) return -1;
    const g = this.#next[this.#prev]!;
    if (g < 0 || this.#modes[g] !== mode) return -1;
    const key = this.#keys[g]!;
    return text.slice(p, p + key.length) === key ? g : -1;
  }

  /** The entry whose key is `key` in `mode`, or -1. */
  lookup(key: string, mode: number): number {
    return this.#byMode[mode]!.get(key) ?? -1;
  }

  /** Adds an entry and returns its id. */
  add(key: string, ref: number, mode: number): number {
    if (this.#keys.length >= MAX_ENTRIES) this.#clear();
    // `slice` may share the memory of the whole decoded block; concatenating and slicing
    // again makes V8 flatten the key into its own string.
    const own = `${key} `.slice(0, -1);
    const id = this.#keys.length;
    this.#keys.push(own);
    this.#refs.push(ref);
    this.#modes.push(mode);
    if (id >= this.#next.length) {
      const grown = new Int32Array(this.#next.length * 2).fill(-1);
      grown.set(this.#next);
      this.#next = grown;
    }
    this.#byMode[mode]!.set(own, id);
    return id;
  }

  /** Records that entry `id` is on the current line (teaches the prediction). */
  follow(id: number): void {
    if (this.#prev >= 0) this.#next[this.#prev] = id;
    this.#prev = id;
  }

  keyLength(id: number): number {
    return this.#keys[id]!.length;
  }

  ref(id: number): number {
    return this.#refs[id]!;
  }

  #clear(): void {
    this.#keys = [];
    this.#refs = [];
    this.#modes = [];
    this.#next.fill(-1);
    for (const m of this.#byMode) m.clear();
    this.#prev = -1;
  }
}
