/**
 * Measuring helpers shared by the benchmarks: statistics, the machine's description, and
 * the memory a query of ours needs at its peak (JS heap, off-heap `external` memory and
 * the kernels' WebAssembly memory).
 */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Kernels } from '@promql-ts/kernels';

/** The median (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The geometric mean of positive numbers (NaN for none). */
export function geomean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/** A duration in ms with a precision that suits its size. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/**
 * The process's minor page faults so far (Linux's /proc/self/stat), or null where that
 * cannot be read. A fault maps one 4 KiB page the process touches for the first time,
 * or again after it was given back to the system; on a virtual machine each can cost
 * microseconds, which on a query that writes a fresh megabyte adds up to milliseconds.
 */
export function minorFaults(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces):
    // state is the first, minflt the 8th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = Number(fields[7]);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * What one minor page fault costs on this machine, in microseconds (null where faults
 * cannot be counted): the time to touch each 4 KiB page of a fresh 16 MiB buffer, over
 * the faults that took.
 */
export function pageFaultCostUs(): number | null {
  const bytes = 16 << 20;
  const f0 = minorFaults();
  const t0 = performance.now();
  const fresh = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) fresh[i] = 1;
  const us = (performance.now() - t0) * 1000;
  const f1 = minorFaults();
  return f0 === null || f1 === null || f1 - f0 < 1000 ? null : us / (f1 - f0);
}

/** The machine: CPU model × cores, memory, kernel, Node version. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
}

v8.setFlagsFromString('--expose_gc');
const v8gc = vm.runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;
/** A full garbage collection (V8's `gc()`, exposed without `--expose-gc`). */
export const gc = (): void => v8gc();
/** A young-generation collection: frees short-lived garbage, keeps optimised code. */
const minorGc = (): void => v8gc({ type: 'minor' });

/** Bytes of the kernels' WebAssembly memory (0 for the TypeScript reference kernels). */
export function wasmBytes(kernels: Kernels): number {
  const memory = (kernels.arena as { memory?: unknown }).memory;
  return memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0;
}

/** The peak memory of one run, as growth over the state before it (after a full GC). */
export interface MemoryPeak {
  /**
   * Peak of JS heap used + external memory over the baseline, with the kernels'
   * WebAssembly memory counted by what its arena handed out rather than by its grown size.
   */
  readonly totalBytes: number;
  /** JS heap used at that peak, over the baseline. */
  readonly heapBytes: number;
  /** External memory (array buffers, WebAssembly memory) at that peak, over the baseline. */
  readonly externalBytes: number;
  /** Growth of the kernels' WebAssembly memory during the run (part of external). */
  readonly wasmBytes: number;
  /** Highest point of the kernels' arena during the run, over where it started. */
  readonly arenaBytes: number;
  /** Garbage collections during the run. */
  readonly gcs: number;
}

/** The internals of a WebAssembly kernels instance's arena (`WasmArena`) that we observe. */
interface ObservedArena {
  alloc(bytes: number): number;
  top: number;
  memory: WebAssembly.Memory;
}

/**
 * Follows a WebAssembly arena's allocations (by wrapping its `alloc` on this instance):
 * when its memory grew and how high it got. Null for other arenas.
 */
function followArena(kernels: Kernels): {
  readonly timeline: { t: number; size: number; top: number }[];
  readonly base: number;
  stop(): void;
} | null {
  const arena = kernels.arena as unknown as Partial<ObservedArena>;
  if (typeof arena.alloc !== 'function' || typeof arena.top !== 'number') return null;
  if (!(arena.memory instanceof WebAssembly.Memory)) return null;
  const a = arena as ObservedArena;
  const original = a.alloc;
  const own = Object.hasOwn(a, 'alloc');
  const timeline: { t: number; size: number; top: number }[] = [];
  a.alloc = function (this: ObservedArena, bytes: number): number {
    const ptr = original.call(this, bytes);
    timeline.push({ t: performance.now(), size: this.memory.buffer.byteLength, top: this.top });
    return ptr;
  };
  return {
    timeline,
    base: a.top,
    stop: () => {
      if (own) a.alloc = original;
      else delete (a as Partial<ObservedArena>).alloc;
    },
  };
}

/** One collection as `v8.GCProfiler` reports it (the fields read here). */
interface GcRecord {
  readonly gcType: string;
  readonly beforeGC: { readonly heapSpaceStatistics: readonly SpaceUse[] };
  readonly afterGC: { readonly heapSpaceStatistics: readonly SpaceUse[] };
}
interface SpaceUse {
  readonly spaceName: string;
  readonly spaceUsedSize: number;
}

/**
 * What the young-generation collections among `records` moved into the old generation:
 * the growth of the old spaces (`old_space`, `lo_space`) across each scavenge, in bytes,
 * and the number of scavenges. An object survives a scavenge only while something still
 * refers to it, and is moved to the old generation at its second; so objects of a query
 * that got there had stayed referenced long after the query, and are freed only by the
 * next full collection (their array buffers' memory with them, which the C allocator then
 * maps afresh for later queries, a page fault per 4 KiB). A query that holds nothing past
 * its end promotes only what was in flight at a scavenge: a few KiB.
 */
export function promotedBytes(records: readonly GcRecord[]): { bytes: number; scavenges: number } {
  const old = (spaces: readonly SpaceUse[]) =>
    spaces.reduce(
      (sum, s) =>
        s.spaceName === 'old_space' || s.spaceName === 'lo_space' ? sum + s.spaceUsedSize : sum,
      0,
    );
  let bytes = 0;
  let scavenges = 0;
  for (const r of records) {
    if (r.gcType !== 'Scavenge') continue;
    scavenges++;
    bytes += old(r.afterGC.heapSpaceStatistics) - old(r.beforeGC.heapSpaceStatistics);
  }
  return { bytes, scavenges };
}

/**
 * Measures the peak memory of `run`: the largest `used_heap_size + external_memory` V8
 * reported, just before each garbage collection during the run (from `v8.GCProfiler`) and
 * at its end, minus the same sum before it. The end value holds the result, which the
 * caller keeps.
 *
 * Before the measured run: two full GCs, then three unmeasured runs, then two
 * young-generation GCs that free their garbage, and a wait for external memory to
 * settle. A full GC deoptimises compiled code that refers to objects it freed (V8's "weak
 * objects"), so a run right after one would run partly interpreted, boxing every number
 * it reads on the heap: memory a warm engine does not use. The unmeasured runs compile the code again (one was not always enough: V8
 * optimises in the background, and a measured run sometimes still found a function
 * unoptimised and allocated several times its usual memory), as Prometheus's measured
 * query follows a trivial one.
 *
 * The kernels' WebAssembly memory is part of V8's external memory at its committed size;
 * it only grows, by doubling, and the pages its arena never handed out are never touched
 * (so never resident). At each of those points the WebAssembly memory's growth is
 * therefore replaced by the arena's high point so far (the arena zero-fills what it hands
 * out). Pass a fresh kernels instance, so that the growth is what the query needed.
 */
export async function measurePeak<T>(
  run: () => Promise<T>,
  kernels: Kernels,
): Promise<{ peak: MemoryPeak; value: T }> {
  gc();
  gc();
  for (let i = 0; i < 3; i++) await run();
  // Two young-generation GCs: the second waits for the first's concurrent sweeping of
  // array buffers, whose release lowers external memory. Then until external memory is
  // still: a buffer of the unmeasured runs released during the measured run would lower
  // the measured growth (below zero, at times).
  minorGc();
  minorGc();
  let external = v8.getHeapStatistics().external_memory;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 2));
    const now = v8.getHeapStatistics().external_memory;
    if (now === external) break;
    external = now;
  }
  const gcStarts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  await new Promise((r) => setImmediate(r));
  gcStarts.length = 0;
  const before = v8.getHeapStatistics();
  const wasmBefore = wasmBytes(kernels);
  const arena = followArena(kernels);
  const profiler = new v8.GCProfiler();
  profiler.start();
  let value: T;
  try {
    value = await run();
  } finally {
    arena?.stop();
  }
  const after = v8.getHeapStatistics();
  const { statistics } = profiler.stop();
  await new Promise((r) => setImmediate(r)); // the observer's entries arrive asynchronously
  observer.disconnect();

  // The WebAssembly memory's size and the arena's high point at time t.
  const wasmAt = (t: number) => {
    let size = wasmBefore;
    let top = arena?.base ?? 0;
    for (const e of arena?.timeline ?? []) {
      if (e.t > t) break;
      size = e.size;
      top = Math.max(top, e.top);
    }
    return { grown: size - wasmBefore, used: top - (arena?.base ?? 0) };
  };
  const end = wasmAt(Number.POSITIVE_INFINITY);
  const points = [
    { heap: after.used_heap_size, external: after.external_memory, wasm: end },
    ...statistics.map((s, i) => ({
      heap: s.beforeGC.heapStatistics.usedHeapSize,
      external: s.beforeGC.heapStatistics.externalMemory,
      // Without the GC's time (the two lists disagree), assume nothing had grown yet:
      // that overstates the point, never understates it.
      wasm:
        gcStarts.length === statistics.length ? wasmAt(gcStarts[i]!) : { grown: 0, used: end.used },
    })),
  ];
  let best = points[0]!;
  const total = (p: (typeof points)[number]) => p.heap + p.external - p.wasm.grown + p.wasm.used;
  for (const p of points) if (total(p) > total(best)) best = p;
  const base = before.used_heap_size + before.external_memory;
  return {
    peak: {
      totalBytes: total(best) - base,
      heapBytes: best.heap - before.used_heap_size,
      externalBytes: best.external - before.external_memory,
      wasmBytes: end.grown,
      arenaBytes: end.used,
      gcs: statistics.length,
    },
    value: value!,
  };
}
