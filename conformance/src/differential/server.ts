/**
 * Node wrappers around `scripts/prometheus/{install,start,stop}.sh`: install a real
 * Prometheus from Debian's packages, backfill and start it, stop it by its recorded PID.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset, openMetricsChunks } from './generate.js';

/**
 * The repository root: the nearest directory above this module (in `src/` or in a build
 * in `dist/`) holding `scripts/prometheus/install.sh`.
 */
export const REPO_ROOT: string = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'prometheus', 'install.sh'))) return dir;
    const up = resolve(dir, '..');
    if (up === dir) return resolve(from, '../../..');
    dir = up;
  }
}
const SCRIPTS = join(REPO_ROOT, 'scripts', 'prometheus');

/** A script that failed, with what it printed. */
export class PrometheusScriptError extends Error {
  readonly stderr: string;

  constructor(message: string, stderr: string) {
    super(`${message}\n${stderr.trim()}`);
    this.name = 'PrometheusScriptError';
    this.stderr = stderr;
  }
}

function run(
  script: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      join(SCRIPTS, script),
      [...args],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(
            new PrometheusScriptError(
              `${script} ${args.join(' ')} failed: ${err.message.split('\n')[0]}`,
              stderr,
            ),
          );
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

/**
 * Installs Prometheus `version` (`3.5.3` or `2.42`) if needed; resolves to its install
 * directory (with `bin/prometheus` and `bin/promtool`).
 *
 * @throws {PrometheusScriptError} with the script's output, e.g. when the Debian mirror
 *   cannot be reached.
 */
export async function installPrometheus(version: string, timeoutMs = 300_000): Promise<string> {
  const { stdout } = await run('install.sh', [version], timeoutMs);
  return stdout.trim().split('\n').at(-1)!;
}

/** A running Prometheus started by {@link startPrometheus}. */
export interface PrometheusServer {
  readonly version: string;
  readonly url: string;
  readonly pid: number;
  readonly runDir: string;
}

/** Options of {@link startPrometheus}. */
export interface StartOptions {
  /** Where the PID, URL, config and log go (default `.prometheus/run/<series>`). */
  readonly runDir?: string;
  /** An OpenMetrics file to backfill first. */
  readonly backfill?: string;
  readonly lookbackDelta?: string;
  readonly maxSamples?: number;
  readonly queryTimeout?: string;
  /** Extra `--enable-feature` values. */
  readonly features?: readonly string[];
  readonly timeoutMs?: number;
}

/** Starts Prometheus `version`. @throws {PrometheusScriptError} */
export async function startPrometheus(
  version: string,
  options: StartOptions = {},
): Promise<PrometheusServer> {
  const args = [version];
  if (options.runDir !== undefined) args.push('--run-dir', options.runDir);
  if (options.backfill !== undefined) args.push('--backfill', options.backfill);
  if (options.lookbackDelta !== undefined) args.push('--lookback-delta', options.lookbackDelta);
  if (options.maxSamples !== undefined) args.push('--max-samples', String(options.maxSamples));
  if (options.queryTimeout !== undefined) args.push('--query-timeout', options.queryTimeout);
  for (const f of options.features ?? []) args.push('--feature', f);
  const { stdout } = await run('start.sh', args, options.timeoutMs ?? 300_000);
  const url = stdout.trim().split('\n').at(-1)!;
  const runDir =
    options.runDir ??
    join(REPO_ROOT, '.prometheus', 'run', version.startsWith('2') ? '2.42' : '3.5');
  const pid = Number((await readFile(join(runDir, 'pid'), 'utf8')).trim());
  return { version, url, pid, runDir };
}

/** Stops a server started by {@link startPrometheus} (by its recorded PID). */
export async function stopPrometheus(server: PrometheusServer): Promise<void> {
  await run('stop.sh', [server.version, '--run-dir', server.runDir], 60_000);
}

/**
 * Starts a detached watchdog that stops `server` (by `stop.sh` and its recorded PID), and
 * removes `removeDir` if given, once process `ownerPid` (default this one) has exited,
 * however it ended: killed, crashed or interrupted while busy. Returns a function that ends the watchdog, for when the server
 * is stopped normally.
 */
export function watchServer(
  server: PrometheusServer,
  options: { ownerPid?: number; removeDir?: string } = {},
): () => void {
  const script = [
    `while kill -0 ${options.ownerPid ?? process.pid} 2>/dev/null; do sleep 1; done`,
    '"$0" "$1" --run-dir "$2"',
    'if [ -n "$3" ]; then rm -rf "$3"; fi',
  ].join('; ');
  const child = spawn(
    'sh',
    [
      '-c',
      script,
      join(SCRIPTS, 'stop.sh'),
      server.version,
      server.runDir,
      options.removeDir ?? '',
    ],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
  return () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
}

/** Writes a dataset as an OpenMetrics file (streamed) for backfilling. */
export async function writeOpenMetricsFile(dataset: Dataset, path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (const chunk of openMetricsChunks(dataset)) {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolvePromise, reject) => {
    out.end((err?: Error | null) => (err ? reject(err) : resolvePromise()));
  });
  return bytes;
}
