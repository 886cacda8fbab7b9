/**
 * Throughput of the conformance tooling: parsing Prometheus's test files, generating a
 * dataset, writing it as OpenMetrics. Run with `pnpm bench` (tsx).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset, openMetricsChunks, parseTestFile } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../testdata/upstream');

function time(name: string, unit: string, amount: number, fn: () => void, rounds = 5): void {
  fn(); // warm up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  const ms = (performance.now() - start) / rounds;
  console.log(
    `${name}: ${ms.toFixed(1)} ms per run, ${((amount / ms) * 1000).toFixed(0)} ${unit}/s`,
  );
}

const files = (['prometheus-v3.14.0', 'prometheus-v2.42.0'] as const).flatMap((dir) =>
  readdirSync(join(root, dir)).map((f) => ({
    text: readFileSync(join(root, dir, f), 'utf8'),
    compat: dir === 'prometheus-v2.42.0' ? ('prometheus2' as const) : ('prometheus3' as const),
  })),
);
const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
time('parse every vendored test file', 'lines', lines, () => {
  for (const f of files) parseTestFile(f.text, { compat: f.compat });
});

const options = { instances: 20, durationMs: 6 * 3600_000 };
const sample = generateDataset(options);
console.log(`dataset: ${sample.series.length} series, ${sample.samples} samples`);
time('generate the dataset', 'samples', sample.samples, () => generateDataset(options), 3);
time(
  'write it as OpenMetrics',
  'samples',
  sample.samples,
  () => {
    let bytes = 0;
    for (const chunk of openMetricsChunks(sample)) bytes += chunk.length;
    if (bytes === 0) throw new Error('no output');
  },
  3,
);
