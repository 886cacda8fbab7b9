/**
 * A map that keeps its `capacity` most recently used entries: the process-wide caches of
 * parsed queries (`parse-cache.ts`) and compiled regular expressions use it. A `Map`'s
 * iteration order is its insertion order, so a hit is moved to the end, and eviction
 * takes from the front.
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The value of `key`, now the most recently used, or undefined. */
  get(key: K): V | undefined {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
    }
    return hit;
  }

  /** Sets `key`, dropping the least recently used entries beyond the capacity. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#evict();
  }

  /** Changes the capacity (0 keeps nothing), dropping entries beyond it. */
  resize(capacity: number): void {
    this.#capacity = capacity;
    this.#evict();
  }

  get size(): number {
    return this.#map.size;
  }

  #evict(): void {
    for (const key of this.#map.keys()) {
      if (this.#map.size <= this.#capacity) return;
      this.#map.delete(key);
    }
  }
}
