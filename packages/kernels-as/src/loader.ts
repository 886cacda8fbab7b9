/**
 * Loading the kernels. The WebAssembly bytes are inlined into the bundle, so loading
 * needs no file system, network or bundler configuration: the same code runs in Node
 * and in browsers. Nothing happens at import time; call {@link initKernels}.
 */

/// <reference path="./wasm.d.ts" />
import scalarWasm from '../build/kernels.wasm';
import simdWasm from '../build/kernels-simd.wasm';
import type { KernelBackend, Kernels } from './kernels.js';
import { referenceKernels } from './reference.js';
import { type KernelExports, WasmKernels } from './wasm-kernels.js';

/** Options of {@link initKernels}. */
export interface KernelOptions {
  /**
   * Which implementation to load. 'auto' (the default) takes the SIMD build where the
   * host validates it, else the scalar build, else (no WebAssembly at all) the
   * TypeScript reference.
   */
  readonly backend?: KernelBackend | 'auto';
  /** Initial size of the instance's memory in bytes (default 1 MiB); it grows on demand. */
  readonly initialMemoryBytes?: number;
}

const compiled = new Map<'wasm' | 'wasm-simd', Promise<WebAssembly.Module>>();

function moduleFor(backend: 'wasm' | 'wasm-simd'): Promise<WebAssembly.Module> {
  let module = compiled.get(backend);
  if (!module) {
    // Copy the bytes into their own ArrayBuffer: WebAssembly.compile wants a
    // BufferSource it may read while the caller goes on.
    const bytes = (backend === 'wasm-simd' ? simdWasm : scalarWasm).slice();
    module = WebAssembly.compile(bytes);
    compiled.set(backend, module);
  }
  return module;
}

/** Whether this host can run the SIMD build. */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(simdWasm);
}

/**
 * Loads the kernels and returns a fresh {@link Kernels} object with its own memory and
 * arena. Compilation happens once per build and process; each call instantiates anew,
 * so concurrent queries can each have their own kernels.
 */
export async function initKernels(options: KernelOptions = {}): Promise<Kernels> {
  let backend = options.backend ?? 'auto';
  if (backend === 'auto') {
    if (typeof WebAssembly !== 'object') backend = 'reference';
    else backend = simdSupported() ? 'wasm-simd' : 'wasm';
  }
  if (backend === 'reference') return referenceKernels();
  const module = await moduleFor(backend);
  const pages = Math.max(1, Math.ceil((options.initialMemoryBytes ?? 1 << 20) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new WasmKernels(backend, instance.exports as unknown as KernelExports, memory);
}
