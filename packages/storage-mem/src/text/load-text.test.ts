import type { SelectHints } from '@promql-ts/engine';
import { compileMatcher } from '@promql-ts/engine';
import { describe, expect, it } from 'vitest';
import { TextParseError } from '../errors.js';
import { MemoryStorage } from '../memory-storage.js';
import { type LoadTextOptions, loadText, type TextInput } from './load-text.js';

const HINTS: SelectHints = {
  startMs: Number.NEGATIVE_INFINITY,
  endMs: Number.POSITIVE_INFINITY,
  stepMs: 0,
  rangeMs: 0,
  func: null,
  grouping: [],
  by: false,
};

/** Every sample as `labels timestamp value`, sorted, with values printed by String(). */
function dump(storage: MemoryStorage): string[] {
  const out: string[] = [];
  for (const s of storage.select([], HINTS)) {
    const labels = s.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(',');
    for (const c of s.chunks) {
      for (let i = 0; i < c.timestamps.length; i++) {
        out.push(`{${labels}} ${c.timestamps[i]} ${c.values[i]}`);
      }
    }
  }
  return out.sort();
}

async function load(input: TextInput, options: LoadTextOptions = {}) {
  const storage = new MemoryStorage();
  const result = await loadText(storage, input, { defaultTimestampMs: 1000, ...options });
  return { storage, result, samples: dump(storage) };
}

async function parseError(
  input: TextInput,
  options: LoadTextOptions = {},
): Promise<TextParseError> {
  try {
    await load(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(TextParseError);
    return e as TextParseError;
  }
  throw new Error('expected a TextParseError');
}

describe('loadText: Prometheus text format', () => {
  it('parses the format as Prometheus does (promparse_test cases)', async () => {
    const input = [
      '# HELP go_gc_duration_seconds A summary of the GC invocation durations.',
      '# \tTYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
      'go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05',
      'go_gc_duration_seconds{quantile="0.8", a="b"} 8.3835e-05',
      'go_gc_duration_seconds{ quantile="0.9", a="b"} 8.3835e-05',
      '# Hrandom comment starting with prefix of HELP',
      '#',
      'wind_speed{A="2",c="3"} 12345',
      '# comment with escaped \\n newline',
      '# HELP nohelp1',
      '# HELP nohelp2 ',
      'go_gc_duration_seconds { quantile = "2.0" a = "b" } 1',
      'some:aggregate:rate5m{a_b="c"}\t1',
      '# TYPE go_goroutines gauge',
      'go_goroutines 33  \t123123',
      '_metric_starting_with_underscore 1',
      'testmetric{label="\\"bar\\""} 1',
      '  indented 2',
      '',
      'null_byte_metric{a="abc\u0000"} 1',
    ].join('\n');
    const { storage, result, samples } = await load(input);
    expect(result).toMatchObject({ lines: 21, added: 12, rejected: 0, errorCount: 0 });
    expect(samples).toEqual([
      '{A="2",__name__="wind_speed",c="3"} 1000 12345',
      '{__name__="_metric_starting_with_underscore"} 1000 1',
      '{__name__="go_gc_duration_seconds",a="b",quantile="0.8"} 1000 0.000083835',
      '{__name__="go_gc_duration_seconds",a="b",quantile="0.9"} 1000 0.000083835',
      '{__name__="go_gc_duration_seconds",a="b",quantile="2.0"} 1000 1',
      '{__name__="go_gc_duration_seconds",quantile="0.0"} 1000 0.000049351',
      '{__name__="go_gc_duration_seconds",quantile="0.25"} 1000 0.00007424100000000001',
      '{__name__="go_goroutines"} 123123 33',
      '{__name__="indented"} 1000 2',
      '{__name__="null_byte_metric",a="abc\\u0000"} 1000 1',
      '{__name__="some:aggregate:rate5m",a_b="c"} 1000 1',
      '{__name__="testmetric",label="\\"bar\\""} 1000 1',
    ]);
    expect([...storage.metadata()]).toEqual([
      [
        'go_gc_duration_seconds',
        [{ type: 'summary', help: 'A summary of the GC invocation durations.', unit: '' }],
      ],
      ['go_goroutines', [{ type: 'gauge', help: '', unit: '' }]],
      ['nohelp1', [{ type: 'unknown', help: '', unit: '' }]],
      ['nohelp2', [{ type: 'unknown', help: '', unit: '' }]],
    ]);
  });

  it('accepts quoted UTF-8 metric and label names (Prometheus 3)', async () => {
    const input = [
      '# HELP "go.gc_duration_seconds" A summary.',
      '{"go.gc_duration_seconds",quantile="0"} 1',
      '{ "go.gc_duration_seconds", quantile= "1.0", a= "b", } 2',
      '{q="0.9","http.status",a="b"} 3',
      '{"Heizölrückstoßabdämpfung 10€ metric with \\"interesting\\" {character\\nchoices}","strange©™\\n\'quoted\' \\"name\\""="6"} 10.0',
    ].join('\n');
    const { storage, samples } = await load(input);
    expect(samples).toEqual([
      // dump() quotes values with JSON.stringify but prints names raw.
      '{__name__="Heizölrückstoßabdämpfung 10€ metric with \\"interesting\\" {character\\nchoices}",strange©™\n\'quoted\' "name"="6"} 1000 10',
      '{__name__="go.gc_duration_seconds",a="b",quantile="1.0"} 1000 2',
      '{__name__="go.gc_duration_seconds",quantile="0"} 1000 1',
      '{__name__="http.status",a="b",q="0.9"} 1000 3',
    ]);
    expect(storage.metadata('go.gc_duration_seconds').get('go.gc_duration_seconds')![0]!.help).toBe(
      'A summary.',
    );
  });

  it('unescapes label values and HELP text like Prometheus', async () => {
    const input = [
      '# HELP m a \\\\ b \\n c \\" d',
      'm{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",odd="\\t\\\\"} 1',
    ].join('\n');
    const { storage } = await load(input);
    const [s] = storage.select([compileMatcher('=', '__name__', 'm')], HINTS);
    expect(Object.fromEntries(s!.labels.map((l) => [l.name, l.value]))).toEqual({
      __name__: 'm',
      error: 'Cannot find file:\n"FILE.TXT"',
      odd: '\\t\\',
      path: 'C:\\DIR\\FILE.TXT',
    });
    expect(storage.metadata('m').get('m')![0]!.help).toBe('a \\ b \n c \\" d');
  });

  it('normalises le/quantile only under the latest histogram/summary TYPE', async () => {
    const input = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="0.5"} 1',
      'h_bucket{le="1e6"} 1',
      'h_bucket{le="+Inf"} 1',
      'h_bucket{le="abc"} 1',
      '# TYPE c counter',
      'c_total{le="1"} 1',
    ].join('\n');
    const { storage } = await load(input);
    expect(storage.labelValues('le', [], HINTS)).toEqual([
      '+Inf',
      '0.5',
      '1',
      '1.0',
      '1e+06',
      'abc',
    ]);
    expect(storage.labelValues('le', [compileMatcher('=', '__name__', 'c_total')], HINTS)).toEqual([
      '1',
    ]);
  });

  it('values: NaN becomes the canonical NaN, ±Inf, big and tiny numbers', async () => {
    const { storage, samples } = await load('a NaN 1\nb +Inf 1\nc -Inf 1\nd 1e308 1\ne -0 1\n');
    expect(samples).toEqual([
      '{__name__="a"} 1 NaN',
      '{__name__="b"} 1 Infinity',
      '{__name__="c"} 1 -Infinity',
      '{__name__="d"} 1 1e+308',
      '{__name__="e"} 1 0',
    ]);
    const v = storage.select([compileMatcher('=', '__name__', 'a')], HINTS)[0]!.chunks[0]!.values;
    expect(new BigUint64Array(v.buffer, v.byteOffset, 1)[0]!.toString(16)).toBe('7ff8000000000001');
  });

  it('reports out-of-order and duplicate samples and keeps the others', async () => {
    const input = 'a 1 2000\na 2 1000\na 3 2000\na 1 2000\na 4 3000\n';
    const { result, samples } = await load(input);
    expect(result).toMatchObject({ added: 2, identical: 1, rejected: 2 });
    expect(result.rejections.map((r) => [r.timestampMs, r.value, r.reason])).toEqual([
      [1000, 2, 'out of order sample'],
      [2000, 3, 'duplicate sample for timestamp'],
    ]);
    expect(samples).toEqual(['{__name__="a"} 2000 1', '{__name__="a"} 3000 4']);
  });

  it.each([
    ['a', 'expected value after metric'],
    ["a{b='c'} 1", 'expected label value'],
    ['a{b=', 'expected label value'],
    ['a{b="c} 1', 'unterminated quoted string'],
    ['a{\u00ff="foo"} 1', 'expected label name'],
    ['{"a", "b = "c"}', 'expected "=" after label name'],
    ['a true', 'invalid value "true"'],
    ['something_weird{problem="', 'unterminated quoted string'],
    ['empty_label_name{="c"} 0', 'expected label name'],
    ['foo 1_2', 'invalid value "1_2"'],
    ['foo 0x1p-3', 'invalid value "0x1p-3"'],
    ['foo 0 1_2', 'expected end of line after timestamp'],
    ['foo 0 -1', 'expected timestamp or end of line'],
    ['foo 0 99999999999999999', 'timestamp out of range'],
    ['{a="ok"} 1', 'metric name not set'],
    ['{"a","b"} 1', 'metric name already set'],
    ['# TYPE #', 'expected metric name after TYPE'],
    ['# HELP #', 'expected metric name after HELP'],
    ['# TYPE m  counter', 'invalid metric type " counter"'],
    ['# TYPE m info', 'invalid metric type "info"'],
    ['a{b="c"', 'expected "}" to close the labels'],
    ['a 1\r', 'invalid value "1\\r"'],
    ['a{b="1",b="2"} 1', 'label name "b" is not unique'],
    ['a 1 2 3', 'expected end of line after timestamp'],
  ])('rejects %j: %s', async (line, reason) => {
    const error = await parseError(`ok 1\n${line}\nok2 1\n`);
    expect(error.line).toBe(2);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`line 2: ${reason}`);
    expect(error.code).toBe('parse');
  });

  it("stops at the first malformed line, keeping what came before ('stop')", async () => {
    const storage = new MemoryStorage();
    await expect(loadText(storage, 'a 1 1\nb{ 1\nc 1 1\n')).rejects.toThrow('line 2:');
    expect(dump(storage)).toEqual(['{__name__="a"} 1 1']);
  });

  it("skips and reports malformed lines with their numbers ('skip')", async () => {
    const input = 'a 1 1\nb{ 1\nc 1 1\n# TYPE x wrong\nd oops\ne 1 1\n';
    const { storage, result, samples } = await load(input, { onError: 'skip', maxErrors: 2 });
    // The malformed line's series was never created.
    expect(storage.labelValues('__name__', [], HINTS)).toEqual(['a', 'c', 'e']);
    expect(result.errorCount).toBe(3);
    expect(result.errors.map((e) => [e.line, e.text])).toEqual([
      [2, 'b{ 1'],
      [4, '# TYPE x wrong'],
    ]);
    expect(samples).toEqual(['{__name__="a"} 1 1', '{__name__="c"} 1 1', '{__name__="e"} 1 1']);
    expect(result.lines).toBe(6);
  });

  it('rejects invalid UTF-8 in a sample line, with its line number; ignores it in comments', async () => {
    const enc = new TextEncoder();
    const bytes = (...parts: (string | number[])[]) => {
      const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : new Uint8Array(p)));
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    };
    const input = bytes('a 1 1\n# comment ', [0xff], '\nb{l="', [0xc3, 0x28], '"} 1 1\nc 1 1\n');
    const error = await parseError(input);
    expect(error.line).toBe(3);
    expect(error.reason).toBe('invalid UTF-8');
    const { result, samples } = await load(input, { onError: 'skip' });
    expect(result.errors.map((e) => e.line)).toEqual([3]);
    expect(samples).toEqual(['{__name__="a"} 1 1', '{__name__="c"} 1 1']);
    // A HELP line with invalid UTF-8 is an error too.
    expect((await parseError(bytes('# HELP m x', [0xff], '\n'))).line).toBe(1);
  });

  it('rejects lone surrogates in string input as invalid UTF-8 labels', async () => {
    const error = await parseError('m{a="\ud800"} 1\n');
    expect(error.reason).toMatch(/invalid UTF-8/);
  });

  it('gives the same result however the input is cut into chunks', async () => {
    const text =
      '# HELP "ü_total" Ünïcödé help\n# TYPE "ü_total" counter\n{"ü_total",a="ä€😀"} 1 5\n{"ü.x",b="😀"} 2 6\nlast 3 7';
    const whole = await load(text);
    const bytes = new TextEncoder().encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const split = await load([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(split.samples).toEqual(whole.samples);
      const splitText = await load([text.slice(0, cut), text.slice(cut)]);
      expect(splitText.samples).toEqual(whole.samples);
    }
    const byteByByte = await load(Array.from(bytes, (b) => new Uint8Array([b])));
    expect(byteByByte.samples).toEqual(whole.samples);
    expect(byteByByte.storage.metadata('ü_total').get('ü_total')![0]!.help).toBe('Ünïcödé help');
  });

  it('reads web ReadableStreams and async iterables, and reports progress', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `m{i="${i}"} ${i} ${i}\n`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const enc = new TextEncoder();
        for (let i = 0; i < lines.length; i += 100) {
          controller.enqueue(enc.encode(lines.slice(i, i + 100).join('')));
        }
        controller.close();
      },
    });
    const progress: number[] = [];
    const { result } = await load(stream, {
      progressIntervalBytes: 4096,
      onProgress: (p) => progress.push(p.done ? -p.samples : p.samples),
    });
    expect(result.added).toBe(1000);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(-1000);
    async function* gen() {
      for (const l of lines) yield l;
    }
    expect((await load(gen())).result.added).toBe(1000);
  });

  it('aborts between chunks', async () => {
    const controller = new AbortController();
    async function* gen() {
      yield 'a 1 1\n';
      controller.abort(new Error('stop now'));
      yield 'b 1 1\n';
    }
    await expect(load(gen(), { signal: controller.signal })).rejects.toThrow('stop now');
  });
});

describe('loadText: OpenMetrics', () => {
  const om = (text: string, options: LoadTextOptions = {}) =>
    load(text, { format: 'openmetrics', ...options });

  it('parses OpenMetrics as Prometheus does (openmetricsparse_test cases)', async () => {
    const input = `# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
# UNIT go_gc_duration_seconds seconds
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
# HELP nohelp1 
# HELP help2 escape \\ \\n \\\\ \\" \\x chars
# UNIT nounit 
go_goroutines 33 123.123
# TYPE hhh histogram
hhh_bucket{le="+Inf"} 1 # {id="histogram-bucket-test"} 4
hhh_bucket{le="1"} 1 # {id="x",xx="yy"} 4 123.123
# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
foo_created 1520872607.123
foo_total{le="1"} 10.0
{"go.gc_duration_seconds_sum"} 0.004304266
quotedexemplar_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
neg 1 -1.5
# EOF
`;
    const { storage, result, samples } = await om(input);
    expect(result).toMatchObject({ errorCount: 0, added: 11, lines: 20 });
    expect(samples).toEqual([
      '{__name__="foo_created"} 1000 1520872607.123',
      '{__name__="foo_total",le="1"} 1000 10',
      '{__name__="foo_total"} 1520879607789 17',
      '{__name__="go.gc_duration_seconds_sum"} 1000 0.004304266',
      '{__name__="go_gc_duration_seconds",a="b",quantile="0.5"} 1000 0.000083835',
      '{__name__="go_gc_duration_seconds",quantile="0.0"} 1000 0.000049351',
      '{__name__="go_goroutines"} 123123 33',
      '{__name__="hhh_bucket",le="+Inf"} 1000 1',
      '{__name__="hhh_bucket",le="1.0"} 1000 1',
      '{__name__="neg"} -1500 1',
      '{__name__="quotedexemplar_count"} 1000 1',
    ]);
    const meta = storage.metadata();
    expect(meta.get('go_gc_duration_seconds')).toEqual([
      { type: 'summary', help: 'A summary of the GC invocation durations.', unit: 'seconds' },
    ]);
    expect(meta.get('help2')![0]!.help).toBe('escape \\ \n \\ " \\x chars');
    expect(meta.get('nounit')![0]!.unit).toBe('');
  });

  it('timestamps are seconds, truncated to milliseconds like Go int64(ts*1000)', async () => {
    const { samples } = await om('a 1 1.0019\nb 1 -0.0009\nc 1 1e3\n# EOF');
    expect(samples).toEqual([
      '{__name__="a"} 1001 1',
      '{__name__="b"} 0 1',
      '{__name__="c"} 1000000 1',
    ]);
  });

  it.each([
    ['a 1\n', 2, 'data does not end with # EOF'],
    ['a 1\n# EOF\na 2\n', 3, 'unexpected data after # EOF'],
    ['a 1\n# EOF\n\n', 3, 'unexpected data after # EOF'],
    ['a 1\n# EOF \n', 2, 'OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF lines'],
    ['a 1\n\nb 1\n# EOF\n', 2, 'empty line (not allowed in OpenMetrics)'],
    ['# a comment\n# EOF\n', 1, 'OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF lines'],
    ['#HELP x y\n# EOF\n', 1, 'expected "# " to start a metadata line'],
    ['a  1\n# EOF\n', 1, 'expected value after metric'],
    ['a 1 \n# EOF\n', 1, 'expected timestamp or exemplar'],
    ['a\t1\n# EOF\n', 1, 'expected value after metric'],
    ['a{b="c", d="e"} 1\n# EOF\n', 1, 'expected label name'],
    ['a {b="c"} 1\n# EOF\n', 1, 'invalid value "{b=\\"c\\"}"'],
    ['a 1 NaN\n# EOF\n', 1, 'invalid timestamp NaN'],
    ['a 1 # {b="c"}\n# EOF\n', 1, 'expected exemplar value'],
    ['a 1 # {"q"} 1\n# EOF\n', 1, 'expected "=" after label name'],
    ['# UNIT a_bytes seconds\n# EOF\n', 1, 'unit "seconds" not a suffix of metric "a_bytes"'],
    ['# UNIT seconds seconds\n# EOF\n', 1, 'unit "seconds" not a suffix of metric "seconds"'],
    ['# HELP a\n# EOF\n', 1, 'expected text in HELP'],
    ['# TYPE a untyped\n# EOF\n', 1, 'invalid metric type "untyped"'],
  ])('rejects %j at line %d: %s', async (input, line, reason) => {
    const error = await parseError(input, { format: 'openmetrics' });
    expect([error.line, error.reason]).toEqual([line, reason]);
  });

  it('stops reading after # EOF, even when skipping errors', async () => {
    const { result, samples } = await om('a 1\n# EOF\nb 1\nc 1\n', { onError: 'skip' });
    expect(result.errorCount).toBe(1);
    expect(samples).toEqual(['{__name__="a"} 1000 1']);
  });
});
