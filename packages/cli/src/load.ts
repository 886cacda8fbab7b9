/**
 * Loading data for the commands: Prometheus text or OpenMetrics files (streamed, with
 * progress on stderr for large ones) and the built-in demo.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { loadText, MemoryStorage, type TextFormat } from '@promql-ts/storage-mem';
import { type DemoInfo, loadDemo } from './demo.js';

/** Where the commands write: standard output and error, and whether they are terminals. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether standard output is a terminal (colors, chart width). */
  readonly stdoutIsTty: boolean;
  /** Whether standard error is a terminal (progress redrawn in place). */
  readonly stderrIsTty: boolean;
  /** Columns of the terminal, when known. */
  readonly columns?: number;
  /** The current time in milliseconds. */
  readonly now: () => number;
}

/** Files at least this large report their loading progress. */
const PROGRESS_BYTES = 16 * 1024 * 1024;

/**
 * OpenMetrics when the file ends with `# EOF` (as OpenMetrics requires), otherwise the
 * Prometheus text format.
 */
export async function detectFormat(file: string): Promise<TextFormat> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const n = Math.min(size, 64);
    const buf = new Uint8Array(n);
    await handle.read(buf, 0, n, size - n);
    const tail = new TextDecoder().decode(buf).trimEnd();
    return tail.endsWith('# EOF') ? 'openmetrics' : 'prometheus';
  } finally {
    await handle.close();
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Loads text-format files into `storage`, one after the other. Samples without a timestamp
 * get the time the load started. Reports progress on stderr for large files.
 *
 * @throws TextParseError for a malformed line (with its line number), or a file error.
 */
export async function loadFiles(
  storage: MemoryStorage,
  files: readonly string[],
  io: CliIo,
  options: { readonly progressBytes?: number } = {},
): Promise<void> {
  const progressFrom = options.progressBytes ?? PROGRESS_BYTES;
  const startedAt = io.now();
  for (const file of files) {
    const { size } = await stat(file);
    const format = await detectFormat(file);
    const began = performance.now();
    const show = size >= progressFrom;
    const progress = (bytes: number, samples: number, done: boolean) => {
      const pct = size === 0 ? 100 : Math.min(100, (100 * bytes) / size);
      const line = `loading ${file}: ${pct.toFixed(0)}% (${mib(bytes)} of ${mib(size)}), ${samples.toLocaleString('en-US')} samples`;
      if (io.stderrIsTty) io.stderr(`\r\x1b[K${line}${done ? '\n' : ''}`);
      else io.stderr(`${line}\n`);
    };
    try {
      const result = await loadText(storage, createReadStream(file), {
        format,
        defaultTimestampMs: startedAt,
        progressIntervalBytes: Math.max(1, Math.min(8 * 1024 * 1024, Math.floor(size / 10))),
        ...(show ? { onProgress: (p) => progress(p.bytesRead, p.samples, p.done) } : {}),
      });
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      io.stderr(
        `loaded ${file} (${format}): ${result.added.toLocaleString('en-US')} samples in ${seconds}s${result.rejected > 0 ? `, ${result.rejected} refused (${result.rejections[0]?.reason ?? ''})` : ''}\n`,
      );
    } catch (e) {
      if (show && io.stderrIsTty) io.stderr('\n');
      throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** How long a served demo keeps producing samples after it starts. */
export const LIVE_DEMO_MS = 6 * 3_600_000;

/**
 * Loads the demo fleet, with a progress line on stderr. `live`: also the samples of the
 * next {@link LIVE_DEMO_MS}, which appear as time passes (for `serve`).
 */
export function loadDemoData(storage: MemoryStorage, io: CliIo, live = false): DemoInfo {
  const began = performance.now();
  const info = loadDemo(storage, {
    endMs: Math.floor(io.now() / 15_000) * 15_000,
    futureMs: live ? LIVE_DEMO_MS : 0,
    onProgress: (p) => {
      const line = `generating demo data: ${p.family} (${p.series} series, ${p.samples.toLocaleString('en-US')} samples)`;
      if (io.stderrIsTty) io.stderr(`\r\x1b[K${line}`);
    },
  });
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  io.stderr(
    `${io.stderrIsTty ? '\r\x1b[K' : ''}demo data: ${info.series} series, ${info.samples.toLocaleString('en-US')} samples: 6h of history at 15s${live ? ', running on for 6h more' : ''}, generated in ${seconds}s\n`,
  );
  return info;
}

/** What the commands query: a storage, and the time data ends (the default query time). */
export interface LoadedData {
  readonly storage: MemoryStorage;
  /** Latest sample time in milliseconds, or null when empty. */
  readonly latestMs: number | null;
  readonly demo: DemoInfo | null;
}

/**
 * Loads `--data` files and/or the demo.
 *
 * @throws Error when neither is given.
 */
export async function loadData(
  files: readonly string[],
  demo: boolean,
  io: CliIo,
  live = false,
): Promise<LoadedData> {
  if (files.length === 0 && !demo) {
    throw new Error('no data: pass --data FILE (Prometheus text or OpenMetrics) or --demo');
  }
  const storage = new MemoryStorage();
  const info = demo ? loadDemoData(storage, io, live) : null;
  await loadFiles(storage, files, io);
  const stats = storage.stats();
  return {
    storage,
    latestMs: Number.isNaN(stats.maxTimeMs) ? null : stats.maxTimeMs,
    demo: info,
  };
}
