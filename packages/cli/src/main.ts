/**
 * `promql-ts` argument handling: picks the command, reads its flags and runs it.
 */
import { parseArgs } from 'node:util';
import type { Compat } from '@promql-ts/engine';
import type { RunningServer } from '@promql-ts/server';
import { promqltest, query, serve, UsageError } from './commands.js';
import type { CliIo } from './load.js';

/** The usage text. */
export const USAGE = `promql-ts: PromQL with promql-ts

Usage:
  promql-ts serve [--data FILE]... [--demo] [--port 9090] [--host 127.0.0.1]
      Serve Prometheus's HTTP API and a query page over the data
      (Grafana: add a Prometheus data source with the printed URL).
  promql-ts query EXPR [--data FILE]... [--demo]
                 [--time T | --start T --end T --step D] [--format table|json]
      Evaluate EXPR: an instant result as a table, a range result as a table and a chart.
  promql-ts promqltest [--compat prometheus2] FILE...
      Run promqltest files (Prometheus's .test format); ends with "N passed, N failed".

Data: --data reads Prometheus text-format or OpenMetrics files (repeatable);
      --demo generates a simulated web-service fleet: 6 hours ending now.
Times: now, -1h (before now), seconds since the epoch, or RFC 3339.
Durations: 30s, 5m, 1h30m, or seconds.
Other flags: --experimental (experimental PromQL functions and syntax), --help.
`;

/** What {@link main} needs besides the arguments. */
export interface MainHooks {
  /** Called with the running server of `serve`; main resolves once this resolves. */
  readonly whileServing?: (server: RunningServer) => Promise<void>;
}

function compatOf(value: string | undefined): Compat | undefined {
  if (value === undefined) return undefined;
  if (value === 'prometheus2' || value === 'prometheus3') return value;
  throw new UsageError(`--compat must be prometheus2 or prometheus3, not ${JSON.stringify(value)}`);
}

/**
 * Runs `promql-ts` with `argv` (the arguments after the program name). Resolves to the exit
 * status: 0 success, 1 failure (a query error, failed tests), 2 a usage mistake.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  hooks: MainHooks = {},
): Promise<number> {
  const [command, ...given] = argv;
  const rest = joinNegativeValues(given);
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: {
            data: { type: 'string', multiple: true, default: [] },
            demo: { type: 'boolean', default: false },
            port: { type: 'string', default: '9090' },
            host: { type: 'string', default: '127.0.0.1' },
            experimental: { type: 'boolean', default: false },
          },
        });
        const port = Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new UsageError(`--port: ${JSON.stringify(values.port)} is not a port number`);
        }
        const server = await serve(
          {
            data: values.data,
            demo: values.demo,
            port,
            host: values.host,
            experimental: values.experimental,
          },
          io,
        );
        await (hooks.whileServing ?? untilSignal)(server);
        await server.close();
        return 0;
      }
      case 'query': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            data: { type: 'string', multiple: true, default: [] },
            demo: { type: 'boolean', default: false },
            time: { type: 'string' },
            start: { type: 'string' },
            end: { type: 'string' },
            step: { type: 'string' },
            format: { type: 'string', default: 'table' },
            experimental: { type: 'boolean', default: false },
            compat: { type: 'string' },
          },
        });
        if (positionals.length !== 1) {
          throw new UsageError('query: give exactly one expression (quote it)');
        }
        if (values.format !== 'table' && values.format !== 'json') {
          throw new UsageError('--format must be table or json');
        }
        return await query(
          {
            expr: positionals[0]!,
            data: values.data,
            demo: values.demo,
            time: values.time,
            start: values.start,
            end: values.end,
            step: values.step,
            format: values.format,
            experimental: values.experimental,
            compat: compatOf(values.compat),
          },
          io,
        );
      }
      case 'promqltest': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { compat: { type: 'string' } },
        });
        return await promqltest({ files: positionals, compat: compatOf(values.compat) }, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`promql-ts: ${(e as Error).message}\nRun promql-ts --help for usage.\n`);
      return 2;
    }
    io.stderr(`promql-ts: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** Flags whose value may start with a dash (`--start -1h`). */
const TIME_FLAGS = new Set(['--time', '--start', '--end']);

/** `--start -1h` → `--start=-1h`, which `parseArgs` would otherwise take for a flag. */
function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (TIME_FLAGS.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Waits for Ctrl+C (SIGINT) or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
