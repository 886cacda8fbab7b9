import { fc, test } from '@fast-check/vitest';
import type { Labels, SelectHints } from '@promql-ts/engine';
import { describe, expect } from 'vitest';
import { normalizeLabels } from '../labels.js';
import { MemoryStorage } from '../memory-storage.js';
import { loadText } from './load-text.js';
import type { TextFormat } from './parser.js';

/** A map key for a normalised label set. */
const keyOf = (labels: Labels): string => JSON.stringify(labels);

const HINTS: SelectHints = {
  startMs: Number.NEGATIVE_INFINITY,
  endMs: Number.POSITIVE_INFINITY,
  stepMs: 0,
  rangeMs: 0,
  func: null,
  grouping: [],
  by: false,
};

const PLAIN_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PLAIN_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Exposition escaping of a label value or quoted name: `\`, `"` and newline. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A float as text that both formats read back to the same number (sign of zero kept). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** The series part of a line: `name{…}` when the name is plain, else `{"name",…}`. */
function formatSeries(labels: Labels): string {
  const name = labels.find((l) => l.name === '__name__')!.value;
  const pairs = labels
    .filter((l) => l.name !== '__name__')
    .map((l) => `${PLAIN_LABEL.test(l.name) ? l.name : quote(l.name)}=${quote(l.value)}`);
  if (PLAIN_NAME.test(name)) return pairs.length ? `${name}{${pairs.join(',')}}` : name;
  return `{${[quote(name), ...pairs].join(',')}}`;
}

const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '_',
    '0',
    '.',
    ' ',
    '\\',
    '"',
    '\n',
    '{',
    '}',
    ',',
    '=',
    'é',
    '😀',
    '#',
  ),
  maxLength: 6,
});
const series = fc.record({
  name: fc.oneof(
    fc.constantFrom('up', 'http_requests_total', 'a:b'),
    text.filter((s) => s !== ''),
  ),
  labels: fc.dictionary(
    fc.oneof(
      fc.constantFrom('job', 'instance', '_x'),
      text.filter((s) => s !== '' && s !== '__name__'),
    ),
    text,
    { maxKeys: 3 },
  ),
});
const value = fc.oneof(
  fc.double(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1e-300,
    1e300,
  ),
);

describe('loadText: a written exposition reads back', () => {
  test.prop(
    [
      fc.array(fc.tuple(series, fc.array(value, { minLength: 1, maxLength: 5 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.constantFrom<TextFormat>('prometheus', 'openmetrics'),
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.integer({ min: 0, max: 2_000_000_000 }),
    ],
    { numRuns: 300 },
  )('random series, values and chunk boundaries', async (input, format, cuts, t0) => {
    // Unique label sets, each with increasing timestamps; lines interleaved by timestamp.
    const expected = new Map<string, { labels: Labels; samples: [number, number][] }>();
    const lines: [number, string][] = [];
    for (const [s, vs] of input) {
      const labels = normalizeLabels({ ...s.labels, __name__: s.name });
      const key = keyOf(labels);
      if (expected.has(key)) continue;
      const samples: [number, number][] = [];
      vs.forEach((v, i) => {
        const ms = t0 + i * 15_000 + (i % 7);
        // OpenMetrics carries seconds; Prometheus truncates ts*1000 to an integer.
        const written =
          format === 'openmetrics'
            ? `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`
            : String(ms);
        const t = format === 'openmetrics' ? Math.trunc(Number(written) * 1000) : ms;
        samples.push([t, v]);
        lines.push([ms, `${formatSeries(labels)} ${formatValue(v)} ${written}`]);
      });
      expected.set(key, { labels, samples });
    }
    lines.sort((a, b) => a[0] - b[0]);
    let body = `${lines.map((l) => l[1]).join('\n')}\n`;
    if (format === 'openmetrics') body += '# EOF\n';
    // Cut the UTF-8 bytes anywhere, even inside a character.
    const bytes = new TextEncoder().encode(body);
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const p of [...points, bytes.length]) {
      chunks.push(bytes.subarray(from, p));
      from = p;
    }

    const storage = new MemoryStorage();
    const result = await loadText(storage, chunks, { format });
    expect(result.errorCount).toBe(0);
    expect(result.rejected).toBe(0);

    const got = new Map<string, [number, number][]>();
    for (const s of storage.select([], HINTS)) {
      const samples: [number, number][] = [];
      for (const c of s.chunks) {
        for (let i = 0; i < c.timestamps.length; i++)
          samples.push([c.timestamps[i]!, c.values[i]!]);
      }
      got.set(keyOf(s.labels), samples);
    }
    expect(got).toEqual(new Map([...expected].map(([k, e]) => [k, e.samples])));
  });
});
