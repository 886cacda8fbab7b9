/**
 * Per-query buffers. An {@link Arena} hands out typed-array buffers for one query and
 * frees them all at once with {@link Arena.reset}.
 *
 * The memory contract (WebAssembly arenas): all buffers live in one
 * `WebAssembly.Memory`. When an allocation needs more room the memory grows, and
 * growing detaches every typed array previously created over it. So a buffer is a
 * handle, not an array: read `buf.array` each time you need the data, and never keep
 * the returned typed array across an allocation or a kernel call (kernel calls may
 * allocate scratch space). `buf.array` re-creates the view when the memory has grown
 * and is cheap otherwise.
 */

/** A buffer handed out by an {@link Arena}. */
export interface Buf<T extends Float64Array | Uint32Array | Uint8Array> {
  /** Element count. */
  readonly length: number;
  /**
   * Byte offset inside the arena's memory (WebAssembly arenas; -1 for heap arenas).
   */
  readonly ptr: number;
  /** The data, as a view that is valid until the next allocation or kernel call. */
  readonly array: T;
}

/** Allocates per-query buffers; see the module comment for the memory contract. */
export interface Arena {
  /** A buffer of `length` float64s (zero-filled). */
  f64(length: number): Buf<Float64Array>;
  /** A buffer of `length` uint32s (zero-filled). */
  u32(length: number): Buf<Uint32Array>;
  /** A buffer of `length` bytes (zero-filled). */
  u8(length: number): Buf<Uint8Array>;
  /** A float64 buffer holding a copy of `source`. */
  f64From(source: ArrayLike<number>): Buf<Float64Array>;
  /** A uint32 buffer holding a copy of `source`. */
  u32From(source: ArrayLike<number>): Buf<Uint32Array>;
  /** A byte buffer holding a copy of `source`. */
  u8From(source: ArrayLike<number>): Buf<Uint8Array>;
  /** The current allocation position, for {@link release}. */
  mark(): number;
  /** Frees everything allocated since `mark` (buffers from before stay valid). */
  release(mark: number): void;
  /**
   * Frees every buffer. Reading `array` from a buffer allocated before the reset
   * throws, so a use after the query has ended shows up at once.
   */
  reset(): void;
  /** Bytes currently allocated. */
  readonly bytesInUse: number;
}

/** Every allocation starts on a 16-byte boundary (the width of a SIMD vector). */
const ALIGN = 16;

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

type ViewCtor = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

class WasmBuf<T extends Float64Array | Uint32Array | Uint8Array> implements Buf<T> {
  private view: T;

  constructor(
    private readonly arena: WasmArena,
    private readonly ctor: ViewCtor,
    readonly ptr: number,
    readonly length: number,
    private readonly epoch: number,
    private readonly limit: number,
  ) {
    this.view = new ctor(arena.memory.buffer, ptr, length) as T;
  }

  get array(): T {
    if (this.epoch !== this.arena.epoch || this.arena.top < this.limit) {
      throw new Error('kernels: buffer used after its arena was reset or released');
    }
    if (this.view.buffer !== this.arena.memory.buffer) {
      this.view = new this.ctor(this.arena.memory.buffer, this.ptr, this.length) as T;
    }
    return this.view;
  }
}

/**
 * The arena of a WebAssembly kernel instance: a bump allocator over the instance's
 * memory, starting above the module's static data (`__heap_base`).
 */
export class WasmArena implements Arena {
  /** Incremented by {@link reset}; buffers from older epochs refuse to be read. */
  epoch = 0;
  /** The first free byte. */
  top: number;

  constructor(
    /** The memory the kernels import. */
    readonly memory: WebAssembly.Memory,
    /** The lowest address the arena may use. */
    private readonly base: number,
  ) {
    this.top = alignUp(base, ALIGN);
  }

  get bytesInUse(): number {
    return this.top - alignUp(this.base, ALIGN);
  }

  /**
   * Reserves `bytes` bytes and returns their address; grows the memory (doubling) when
   * needed. Growing detaches every existing view.
   */
  alloc(bytes: number): number {
    const ptr = alignUp(this.top, ALIGN);
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const needPages = Math.ceil((end - have) / 65536);
      const havePages = have / 65536;
      const grow = Math.max(needPages, Math.min(havePages, 16384));
      try {
        this.memory.grow(grow);
      } catch {
        this.memory.grow(needPages);
      }
    }
    this.top = end;
    return ptr;
  }

  private make<T extends Float64Array | Uint32Array | Uint8Array>(
    ctor: ViewCtor,
    length: number,
  ): WasmBuf<T> {
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError(`kernels: bad buffer length ${length}`);
    const ptr = this.alloc(length * ctor.BYTES_PER_ELEMENT);
    new Uint8Array(this.memory.buffer, ptr, length * ctor.BYTES_PER_ELEMENT).fill(0);
    return new WasmBuf<T>(this, ctor, ptr, length, this.epoch, this.top);
  }

  f64(length: number): Buf<Float64Array> {
    return this.make<Float64Array>(Float64Array, length);
  }

  u32(length: number): Buf<Uint32Array> {
    return this.make<Uint32Array>(Uint32Array, length);
  }

  u8(length: number): Buf<Uint8Array> {
    return this.make<Uint8Array>(Uint8Array, length);
  }

  f64From(source: ArrayLike<number>): Buf<Float64Array> {
    const buf = this.f64(source.length);
    buf.array.set(source);
    return buf;
  }

  u32From(source: ArrayLike<number>): Buf<Uint32Array> {
    const buf = this.u32(source.length);
    buf.array.set(source);
    return buf;
  }

  u8From(source: ArrayLike<number>): Buf<Uint8Array> {
    const buf = this.u8(source.length);
    buf.array.set(source);
    return buf;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark > this.top || mark < alignUp(this.base, ALIGN)) {
      throw new RangeError('kernels: release() with a mark this arena did not hand out');
    }
    this.top = mark;
  }

  reset(): void {
    this.top = alignUp(this.base, ALIGN);
    this.epoch++;
  }
}

class HeapBuf<T extends Float64Array | Uint32Array | Uint8Array> implements Buf<T> {
  readonly ptr = -1;

  constructor(
    private readonly arena: HeapArena,
    private readonly data: T,
    private readonly epoch: number,
    private readonly limit: number,
  ) {}

  get length(): number {
    return this.data.length;
  }

  get array(): T {
    if (this.epoch !== this.arena.epoch || this.arena.top < this.limit) {
      throw new Error('kernels: buffer used after its arena was reset or released');
    }
    return this.data;
  }
}

/**
 * The arena of the reference kernels: ordinary typed arrays on the JavaScript heap,
 * with the same handle API and the same use-after-reset checks as {@link WasmArena}.
 */
export class HeapArena implements Arena {
  /** Incremented by {@link reset}. */
  epoch = 0;
  /** Bytes handed out so far (the "address" of the next buffer). */
  top = 0;

  get bytesInUse(): number {
    return this.top;
  }

  private make<T extends Float64Array | Uint32Array | Uint8Array>(data: T): HeapBuf<T> {
    this.top += alignUp(data.byteLength, ALIGN);
    return new HeapBuf(this, data, this.epoch, this.top);
  }

  f64(length: number): Buf<Float64Array> {
    return this.make(new Float64Array(length));
  }

  u32(length: number): Buf<Uint32Array> {
    return this.make(new Uint32Array(length));
  }

  u8(length: number): Buf<Uint8Array> {
    return this.make(new Uint8Array(length));
  }

  // Copies use set(), which copies a typed array's bytes and so keeps NaN payloads
  // (staleness markers) intact.
  f64From(source: ArrayLike<number>): Buf<Float64Array> {
    const data = new Float64Array(source.length);
    data.set(source);
    return this.make(data);
  }

  u32From(source: ArrayLike<number>): Buf<Uint32Array> {
    const data = new Uint32Array(source.length);
    data.set(source);
    return this.make(data);
  }

  u8From(source: ArrayLike<number>): Buf<Uint8Array> {
    const data = new Uint8Array(source.length);
    data.set(source);
    return this.make(data);
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark > this.top || mark < 0)
      throw new RangeError('kernels: release() with a mark this arena did not hand out');
    this.top = mark;
  }

  reset(): void {
    this.top = 0;
    this.epoch++;
  }
}
