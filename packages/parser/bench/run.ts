/**
 * Parse throughput: promql-ts (lex + parse + typed AST + type check) against
 * @prometheus-io/lezer-promql (lex + parse to a syntax tree), on the same corpus, in one run.
 * Run with `pnpm bench` (after `pnpm build`); writes bench/results/parser.md.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser as lezer } from '@prometheus-io/lezer-promql';

// Types from the sources, code from the build: the bench measures what users run.
const DIST = '../dist/index.js';
const { parse } = (await import(DIST)) as typeof import('../src/index.js');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const upstream = join(root, 'conformance/testdata/upstream/prometheus-v3.14.0');

/** Every expression of the v3.14 test files' `eval` lines. */
function corpus(): string[] {
  const out: string[] = [];
  const evalLine =
    /^\s*eval(?:_fail|_ordered|_warn|_info)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/;
  for (const f of readdirSync(upstream).sort()) {
    for (const line of readFileSync(join(upstream, f), 'utf8').split('\n')) {
      const m = evalLine.exec(line);
      if (m) out.push(m[1]!);
    }
  }
  return out;
}

function timeOnce(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const queries = corpus();
const bytes = queries.reduce((n, q) => n + Buffer.byteLength(q), 0);
const ours = () => {
  for (const q of queries) {
    try {
      parse(q, { experimental: true });
    } catch {
      // Expected failures are part of the work too.
    }
  }
};
const theirs = () => {
  for (const q of queries) lezer.parse(q);
};

const warmup = 20;
const rounds = 40;
process.stderr.write(`corpus: ${queries.length} queries, ${bytes} bytes; warming up…\n`);
for (let i = 0; i < warmup; i++) {
  ours();
  theirs();
}
const tOurs: number[] = [];
const tLezer: number[] = [];
for (let i = 0; i < rounds; i++) {
  // Alternate the order so that neither side always runs on a warmer cache.
  if (i % 2 === 0) {
    tOurs.push(timeOnce(ours));
    tLezer.push(timeOnce(theirs));
  } else {
    tLezer.push(timeOnce(theirs));
    tOurs.push(timeOnce(ours));
  }
  process.stderr.write(`\rround ${i + 1}/${rounds}`);
}
process.stderr.write('\n');

const mOurs = median(tOurs);
const mLezer = median(tLezer);
const row = (name: string, ms: number) =>
  `| ${name} | ${ms.toFixed(2)} | ${Math.round((queries.length / ms) * 1000).toLocaleString('en-US')} | ${(((bytes / ms) * 1000) / 1e6).toFixed(2)} |`;
const table = [
  `## Parse throughput (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch})`,
  '',
  `Corpus: the ${queries.length} \`eval\` expressions of Prometheus's v3.14 test files (${bytes} bytes). Median of ${rounds} passes after ${warmup} warm-up passes, alternating.`,
  '',
  '| parser | ms per corpus | queries/s | MB/s |',
  '| --- | ---: | ---: | ---: |',
  row('promql-ts `parse` (typed, checked AST)', mOurs),
  row('@prometheus-io/lezer-promql `parser.parse` (syntax tree)', mLezer),
  '',
  `Ratio (lezer time / ours): **${(mLezer / mOurs).toFixed(2)}×** (above 1 means promql-ts is faster).`,
  '',
].join('\n');
process.stdout.write(`${table}\n`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/parser.md'), table);
