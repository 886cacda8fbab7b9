/**
 * The `promql-ts` commands, run in process through `main` with captured output, and the
 * built executable spawned as a user runs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { afterAll, describe, expect, test } from 'vitest';
import { type CliIo, loadFiles, main } from '../src/index.js';

const NOW = Date.UTC(2025, 6, 1, 12, 0, 0);

function capture(options: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    stdoutIsTty: false,
    stderrIsTty: false,
    columns: 100,
    now: () => NOW,
    ...options,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'promql-ts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A text-format file with two counters at 15s over ten minutes ending at 2023-11-14T22:23:20Z. */
function textFile(name: string, openMetrics: boolean): string {
  const lines = ['# HELP jobs_total Jobs done.', '# TYPE jobs_total counter'];
  const t0 = 1_700_000_000;
  for (let i = 0; i <= 40; i++) {
    const t = t0 + i * 15;
    const ts = openMetrics ? String(t) : String(t * 1000);
    lines.push(`jobs_total{queue="fast"} ${i * 3} ${ts}`);
    lines.push(`jobs_total{queue="slow"} ${i} ${ts}`);
  }
  if (openMetrics) lines.push('# EOF');
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('query', () => {
  test('instant query over the demo: a table', async () => {
    const c = capture();
    const code = await main(
      ['query', 'sum by (job) (rate(http_requests_total[5m]))', '--demo'],
      c.io,
    );
    expect(code).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^series\s+value$/);
    expect(
      lines
        .slice(2)
        .map((l) => l.split(/\s+/)[0])
        .sort(),
    ).toEqual(['{job="api"}', '{job="auth"}', '{job="web"}']);
    for (const l of lines.slice(2)) expect(Number(l.split(/\s+/)[1])).toBeGreaterThan(1);
    expect(c.err()).toContain('instant query at 2025-07-01T12:00:00.000Z');
    expect(c.err()).toMatch(/demo data: \d+ series/);
  });

  test('range query: a table and a Unicode chart', async () => {
    const c = capture();
    const code = await main(
      [
        'query',
        'sum by (job) (rate(http_requests_total[5m]))',
        '--demo',
        '--start',
        '-1h',
        '--step',
        '1m',
      ],
      c.io,
    );
    expect(code).toBe(0);
    const out = c.out();
    expect(out).toMatch(/^series\s+points\s+min\s+max\s+last$/m);
    expect(out).toMatch(/^\{job="web"\}\s+61\s/m);
    expect(out).toMatch(/[\u2801-\u28ff]/);
    expect(out).toContain('11:00');
    expect(out).toContain('12:00 UTC');
    expect(out).toContain('━━ 1. {job="api"}');
    expect(out).not.toContain('\x1b[');
    expect(c.err()).toContain(
      'range query from 2025-07-01T11:00:00.000Z to 2025-07-01T12:00:00.000Z, step 60s',
    );
  });

  test('colors when writing to a terminal', async () => {
    const c = capture({ stdoutIsTty: true });
    await main(['query', 'up', '--demo', '--start', 'now-10m', '--end', 'now'], c.io);
    expect(c.out()).toContain('\x1b[34m');
  });

  test('--format json: Prometheus API JSON', async () => {
    const c = capture();
    const code = await main(['query', 'up{job="auth"}', '--demo', '--format', 'json'], c.io);
    expect(code).toBe(0);
    const body = JSON.parse(c.out());
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toHaveLength(2);
    const range = capture();
    await main(['query', 'up{job="auth"}', '--demo', '--format', 'json', '--start=-5m'], range.io);
    expect(JSON.parse(range.out()).data.resultType).toBe('matrix');
  });

  test('the outage and the error burst of the demo are there', async () => {
    const down = capture();
    await main(['query', 'up == 0', '--demo', '--time', '-105m'], down.io);
    expect(down.out()).toContain('up{instance="api-3:8080", job="api"}');
    const up = capture();
    await main(['query', 'up == 0', '--demo'], up.io);
    expect(up.out()).toContain('empty result');
  });

  test.each([
    ['OpenMetrics', 'jobs.om', true],
    ['Prometheus text', 'jobs.prom', false],
  ])('--data with %s, queried at its latest sample by default', async (_, name, om) => {
    const file = textFile(name, om);
    const c = capture();
    const code = await main(['query', 'rate(jobs_total[1m])', '--data', file], c.io);
    expect(code).toBe(0);
    expect(c.err()).toContain(`loaded ${file} (${om ? 'openmetrics' : 'prometheus'}): 82 samples`);
    expect(c.err()).toContain('instant query at 2023-11-14T22:23:20.000Z');
    expect(c.out()).toMatch(/\{queue="fast"\}\s+0\.2$/m);
    expect(c.out()).toMatch(/\{queue="slow"\}\s+0\.0666667$/m);
  });

  test('times as seconds and RFC 3339', async () => {
    const file = textFile('times.om', true);
    const a = capture();
    await main(['query', 'jobs_total', '--data', file, '--time', '1700000300'], a.io);
    expect(a.out()).toMatch(/\{queue="fast"\}\s+60$/m);
    const b = capture();
    await main(['query', 'jobs_total', '--data', file, '--time', '2023-11-14T22:18:20Z'], b.io);
    expect(b.out()).toBe(a.out());
  });

  test('a parse error points into the query', async () => {
    const c = capture();
    const code = await main(
      ['query', 'sum by (job) (rate(http_requests_total[5m])', '--demo'],
      c.io,
    );
    expect(code).toBe(1);
    expect(c.err()).toBe(
      [
        'Error: 1:44: parse error: unclosed left parenthesis',
        '  sum by (job) (rate(http_requests_total[5m])',
        `  ${' '.repeat(43)}^`,
        '',
      ].join('\n'),
    );
    expect(c.out()).toBe('');
  });

  test('an error on the second line of a query', async () => {
    const c = capture();
    expect(await main(['query', 'sum(\n  rate(up)\n)', '--demo'], c.io)).toBe(1);
    expect(c.err()).toContain('Error: 2:8: parse error: expected type range vector');
    expect(c.err()).toContain(`  rate(up)\n  ${' '.repeat(7)}^`);
  });

  test.each([
    [['query', 'up'], 1, 'no data: pass --data FILE'],
    [['query', '--demo'], 2, 'give exactly one expression'],
    [['query', 'up', '--demo', '--format', 'xml'], 2, '--format must be table or json'],
    [['query', 'up', '--demo', '--time', 'yesterday'], 2, '--time: cannot parse "yesterday"'],
    [['query', 'up', '--demo', '--time', '1', '--step', '1m'], 2, '--time is for instant queries'],
    [['query', 'up', '--demo', '--step', '0'], 2, '--step: "0" is not a positive duration'],
    [['query', 'up', '--data', join(dir, 'missing.prom')], 1, 'ENOENT'],
    [['frobnicate'], 2, 'unknown command "frobnicate"'],
    [['serve', '--port', 'http'], 2, '--port: "http" is not a port number'],
    [['query', 'up', '--demo', '--bogus'], 2, "Unknown option '--bogus'"],
  ])('%j exits %i', async (args, status, message) => {
    const c = capture();
    expect(await main(args, c.io)).toBe(status);
    expect(c.err()).toContain(message);
  });

  test('help', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toContain('promql-ts serve');
    expect(await main([], capture().io)).toBe(2);
  });
});

describe('loading', () => {
  test('progress on stderr for large files', async () => {
    const file = textFile('progress.prom', false);
    const c = capture();
    await loadFiles(new MemoryStorage(), [file], c.io, { progressBytes: 1 });
    expect(c.err()).toMatch(
      /loading .*progress\.prom: \d+% \([\d.]+ MiB of [\d.]+ MiB\), [\d,]+ samples/,
    );
    expect(c.err()).toContain('100%');
  });

  test('a malformed file names the file and line', async () => {
    const file = join(dir, 'bad.prom');
    writeFileSync(file, 'ok 1 1000\nnot a sample line\n');
    const c = capture();
    expect(await main(['query', 'ok', '--data', file], c.io)).toBe(1);
    expect(c.err()).toContain(`${file}: line 2:`);
  });
});

describe('promqltest', () => {
  const passing = `load 1m
  metric{a="x"} 1+1x10

eval instant at 5m metric
  metric{a="x"} 6

eval range from 0 to 2m step 1m metric * 2
  {a="x"} 2 4 6
`;
  const failing = `load 1m
  metric 1 2 3

eval instant at 1m metric
  metric 7

eval instant at 1m metric + 1
  {} 3
`;

  test('all passing: exit 0, ends with the counts', async () => {
    const file = join(dir, 'pass.test');
    writeFileSync(file, passing);
    const c = capture();
    expect(await main(['promqltest', file], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: 2 passed, 0 failed, 0 unsupported`);
    expect(lines.at(-1)).toBe('2 passed, 0 failed');
  });

  test('failures are listed, exit 1', async () => {
    const file = join(dir, 'fail.test');
    writeFileSync(file, failing);
    const c = capture();
    expect(await main(['promqltest', join(dir, 'pass.test'), file], c.io)).toBe(1);
    expect(c.out()).toContain(`${file}: 1 passed, 1 failed, 0 unsupported`);
    expect(c.out()).toContain('FAIL line 4: metric');
    expect(c.out().trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed');
  });

  test('--compat prometheus2 (its test language has no eval range) and a missing file', async () => {
    const file = join(dir, 'pass2.test');
    writeFileSync(file, passing.slice(0, passing.indexOf('eval range')));
    const c = capture();
    expect(
      await main(['promqltest', '--compat', 'prometheus2', file, join(dir, 'nope.test')], c.io),
    ).toBe(1);
    expect(c.out().trimEnd().split('\n').at(-1), c.out()).toBe('1 passed, 0 failed');
    expect(c.err()).toContain('nope.test');
    expect(await main(['promqltest', '--compat', 'prometheus4', file], capture().io)).toBe(2);
    expect(await main(['promqltest'], capture().io)).toBe(2);
  });
});

describe('serve', () => {
  test('--demo: the API and the page, until stopped', async () => {
    const c = capture({ now: Date.now });
    let checked = false;
    const code = await main(['serve', '--demo', '--port', '0'], c.io, {
      whileServing: async (server) => {
        const r = await fetch(
          `${server.url}/api/v1/query?query=${encodeURIComponent('sum by (job) (rate(http_requests_total[5m]))')}`,
        );
        const body = await r.json();
        // Instant vectors come in the storage's order: compare as a set.
        expect(
          body.data.result.map((s: { metric: { job: string } }) => s.metric.job).sort(),
        ).toEqual(['api', 'auth', 'web']);
        const meta = await (
          await fetch(`${server.url}/api/v1/metadata?metric=request_latency_seconds`)
        ).json();
        expect(meta.data.request_latency_seconds[0].type).toBe('histogram');
        expect((await fetch(`${server.url}/`)).headers.get('content-type')).toContain('text/html');
        checked = true;
      },
    });
    expect(code).toBe(0);
    expect(checked).toBe(true);
    expect(c.out()).toMatch(/^promql-ts: serving \d[\d,]* series at http:\/\/127\.0\.0\.1:\d+$/m);
    expect(c.err()).toContain('running on for 6h more');
    expect(c.out()).toContain(
      'Grafana:     add a Prometheus data source with URL http://127.0.0.1:',
    );
  });

  test('a port in use', async () => {
    const first = capture();
    await main(['serve', '--demo', '--port', '0'], first.io, {
      whileServing: async (server) => {
        const c = capture();
        expect(await main(['serve', '--demo', '--port', String(server.port)], c.io)).toBe(1);
        expect(c.err()).toContain(`127.0.0.1:${server.port} is already in use`);
      },
    });
  });

  test('--data files', async () => {
    const file = textFile('serve.om', true);
    const c = capture();
    await main(['serve', '--data', file, '--port', '0'], c.io, {
      whileServing: async (server) => {
        const r = await (await fetch(`${server.url}/api/v1/label/queue/values`)).json();
        expect(r.data).toEqual(['fast', 'slow']);
      },
    });
  });
});

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.runIf(existsSync(BIN))('the built executable', () => {
  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('query', async () => {
    const r = await run(['query', 'count(up)', '--demo', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data.result[0].value[1]).toBe('9');
  });

  test('serve, stopped by SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m !== null) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
    });
    try {
      expect(await (await fetch(`${url}/-/ready`)).text()).toBe('Prometheus Server is Ready.\n');
    } finally {
      process.kill(child.pid!, 'SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
