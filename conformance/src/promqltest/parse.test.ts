import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseSTSequence, parseTestFile, TestFileParseError } from './parse.js';
import { isStaleMarker } from './series.js';
import type { EvalCommand, LoadCommand, SequenceValue, TestCommand } from './types.js';

const UPSTREAM = join(dirname(fileURLToPath(import.meta.url)), '../../testdata/upstream');

const parse = (text: string, compat: 'prometheus2' | 'prometheus3' = 'prometheus3') =>
  parseTestFile(text, { compat }).commands;
const only = <K extends TestCommand['kind']>(cmds: readonly TestCommand[], kind: K) =>
  cmds.filter((c): c is Extract<TestCommand, { kind: K }> => c.kind === kind);
const evalOf = (text: string, compat: 'prometheus2' | 'prometheus3' = 'prometheus3'): EvalCommand =>
  only(parse(text, compat), 'eval')[0]!;
const nums = (vs: readonly SequenceValue[]) =>
  vs.map((v) => (v.kind === 'float' ? v.value : v.kind));
const lbl = (l: readonly { name: string; value: string }[]) =>
  l.map((x) => `${x.name}=${x.value}`).join(',');

describe('every vendored test file parses completely', () => {
  for (const [dir, compat] of [
    ['prometheus-v3.14.0', 'prometheus3'],
    ['prometheus-v2.42.0', 'prometheus2'],
  ] as const) {
    for (const name of readdirSync(join(UPSTREAM, dir)).filter((f) => f.endsWith('.test'))) {
      test(`${dir}/${name}`, () => {
        const text = readFileSync(join(UPSTREAM, dir, name), 'utf8');
        const cmds = parseTestFile(text, { compat }).commands;
        // Counted independently: every command line of the file becomes one command.
        const lines = text.split('\n').map((l) => l.trim());
        const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
        expect(only(cmds, 'eval').length).toBe(count(/^eval/));
        expect(only(cmds, 'load').length).toBe(count(/^load/));
        expect(only(cmds, 'clear').length).toBe(count(/^clear$/));
        // And each command sits on the line it came from.
        for (const c of cmds)
          expect(lines[c.line - 1]!.split(/\s/)[0]!.startsWith(c.kind)).toBe(true);
      });
    }
  }
});

describe('load', () => {
  test('interval, series, values at i × interval', () => {
    const [load] = parse('load 5m\n  a{x="1"} 0+10x2\n  b 1 _ 3\n') as LoadCommand[];
    expect(load!.intervalMs).toBe(300_000);
    expect(load!.withNHCB).toBe(false);
    expect(load!.series.map((s) => [lbl(s.labels), nums(s.values), s.line])).toEqual([
      ['__name__=a,x=1', [0, 10, 20], 2],
      ['__name__=b', [1, 'omitted', 3], 3],
    ]);
  });

  test('composite and millisecond intervals', () => {
    expect((parse('load 10s53ms\n a 1\n')[0] as LoadCommand).intervalMs).toBe(10_053);
    expect((parse('load 1h\n a 1\n')[0] as LoadCommand).intervalMs).toBe(3_600_000);
  });

  test('load_with_nhcb', () => {
    const [load] = parse('load_with_nhcb 1m\n  x_bucket{le="1"} 1\n') as LoadCommand[];
    expect(load!.withNHCB).toBe(true);
  });

  test('a series defined twice keeps the later definition', () => {
    const [load] = parse('load 1m\n  a 1\n  a 2 3\n') as LoadCommand[];
    expect(load!.series).toHaveLength(1);
    expect(nums(load!.series[0]!.values)).toEqual([2, 3]);
  });

  test('a blank or comment line ends the block', () => {
    // `b 2` is then read as a command, which it is not.
    expect(() => parse('load 1m\n  a 1\n# note\n  b 2\n')).toThrow(/invalid command "b 2"/);
    expect(() => parse('load 1m\n  a 1\n\n  b 2\n')).toThrow(/invalid command "b 2"/);
    expect(parse('load 1m\n  a 1\n  b 2\n')).toHaveLength(1);
  });

  test('stale in a load is the staleness marker', () => {
    const [load] = parse('load 1m\n  a 1 stale\n') as LoadCommand[];
    const v = load!.series[0]!.values[1]!;
    expect(v.kind === 'float' && isStaleMarker(v.value)).toBe(true);
  });

  test('errors: bad interval, bad series, missing interval', () => {
    expect(() => parse('load 1x\n a 1\n')).toThrow(/invalid step definition/);
    expect(() => parse('load 1m\n a{ 1\n')).toThrow(TestFileParseError);
    expect(() => parse('load\n')).toThrow(/invalid load command/);
  });
});

describe('start timestamps (@st)', () => {
  test('a metric@st line gives offsets for the next line', () => {
    const [load] = parse('load 1m\n  c@st _ -30s -1mx1\n  c 1 2 3 4\n') as LoadCommand[];
    expect(load!.series[0]!.startTimestampOffsets).toEqual([null, -30_000, -60_000, -60_000]);
  });

  test('a standalone @st line is the default for the lines after it, cycled', () => {
    const [load] = parse('load 1m\n  a 1 2\n  @st -1ms\n  b 1 2 3\n') as LoadCommand[];
    expect(
      load!.series.find((s) => lbl(s.labels) === '__name__=a')!.startTimestampOffsets,
    ).toBeNull();
    expect(load!.series.find((s) => lbl(s.labels) === '__name__=b')!.startTimestampOffsets).toEqual(
      [-1, -1, -1],
    );
  });

  test('sequences: _xN, *, *xN, steps, signs', () => {
    const f = (s: string) => nums(parseSTSequence(s));
    expect(f('_x2 -1m')).toEqual(['omitted', 'omitted', -60_000]);
    expect(f('5s * *x1')).toEqual([5000, 5000, 5000, 5000]);
    expect(f('-30s-1mx2')).toEqual([-30_000, -90_000, -150_000]);
    expect(f('0s+1msx2 +1s')).toEqual([0, 1, 2, 1000]);
    expect(f('-59999msx1')).toEqual([-59_999, -59_999]);
    expect(() => f('_x0')).toThrow(/invalid repeat count/);
    expect(() => f('1m30s')).toThrow(/unexpected character/);
    expect(() => f('5')).toThrow(/invalid duration/);
  });

  test('mismatches are errors', () => {
    expect(() => parse('load 1m\n  c@st 1s 2s\n  c 1\n')).toThrow(
      /@st line has 2 values but sample line has 1/,
    );
    expect(() => parse('load 1m\n  c@st 1s\n  d 1\n')).toThrow(/does not match/);
    expect(() => parse('load 1m\n  c@st 1s\n')).toThrow(/no following sample line/);
    expect(() => parse('load 1m\n  c 1\n', 'prometheus2')).not.toThrow();
  });
});

describe('eval', () => {
  test('instant at a duration; expected series with one value', () => {
    const e = evalOf('eval instant at 50m sum(x)\n  {job="a"} 5\n  {job="b"} stale\n');
    expect(e).toMatchObject({ mode: 'instant', expr: 'sum(x)', evalMs: 3_000_000, line: 1 });
    expect(e.expectedSeries.map((s) => [lbl(s.labels), s.position, s.line])).toEqual([
      ['job=a', 1, 2],
      ['job=b', 2, 3],
    ]);
  });

  test('range from, to, step', () => {
    const e = evalOf('eval range from 0 to 10m step 5m rate(x[5m])\n  {} 1 _ 3\n');
    expect(e).toMatchObject({
      mode: 'range',
      startMs: 0,
      endMs: 600_000,
      stepMs: 300_000,
      expr: 'rate(x[5m])',
    });
    expect(nums(e.expectedSeries[0]!.values)).toEqual([1, 'omitted', 3]);
  });

  test('a bare number is a scalar result and ends the block', () => {
    const e = evalOf('eval instant at 1m 1 + 1\n  2\n');
    expect(e.expectedScalar).toEqual({ line: 2, value: 2 });
    expect(evalOf('eval instant at 0 x\n  -Inf\n').expectedScalar?.value).toBe(-Infinity);
    expect(evalOf('eval instant at 0 x\n  0x10\n').expectedScalar?.value).toBe(16);
    expect(() => parse('eval instant at 0 x\n  2\n  expect no_warn\n')).toThrow(
      /invalid command "expect no_warn"/,
    );
  });

  test('expect lines: kinds, msg:, regex:, default pattern', () => {
    const e = evalOf(
      'eval instant at 0 x\n  expect warn msg: PromQL warning: a b\n  expect info regex: some(thing)?\n  expect no_warn\n'.replace(
        '  expect no_warn\n',
        '  expect ordered\n',
      ),
    );
    expect(e.expects).toEqual([
      { kind: 'warn', line: 2, match: { type: 'msg', message: 'PromQL warning: a b' } },
      { kind: 'info', line: 3, match: { type: 'regex', pattern: 'some(thing)?' } },
      { kind: 'ordered', line: 4, match: { type: 'any' } },
    ]);
    expect(evalOf('eval instant at 0 x\nexpect fail msg:vector cannot\n').expects[0]).toMatchObject(
      {
        kind: 'fail',
        match: { type: 'msg', message: 'vector cannot' },
      },
    );
  });

  test('expect lines do not count as positions', () => {
    const e = evalOf('eval instant at 0 x\n  expect ordered\n  {a="1"} 1\n  {a="2"} 2\n');
    expect(e.expectedSeries.map((s) => s.position)).toEqual([1, 2]);
  });

  test('expect range vector: an instant eval at the range end with a matrix expectation', () => {
    const e = evalOf(
      'eval instant at 1m m[1m]\n  expect range vector from 10s to 1m step 10s\n  m{a="1"} 1 2 3 4 5\n',
    );
    expect(e).toMatchObject({
      expectRangeVector: true,
      startMs: 10_000,
      endMs: 60_000,
      stepMs: 10_000,
      evalMs: 60_000,
      excludeFromRangeQuery: true,
    });
    // The directive itself counts as position 1.
    expect(e.expectedSeries[0]!.position).toBe(2);
    const late = evalOf(
      'eval instant at 10m m[1m]\n  expect range vector from 9m10s to 10m step 1m\n',
    );
    expect(late.evalMs).toBe(600_000);
  });

  test('multiple values in an instant eval need expect range vector', () => {
    expect(() => parse('eval instant at 0 x\n  {} 1 2\n')).toThrow(
      /expecting multiple values in instant evaluation/,
    );
  });

  test('expect string, with Go unquoting', () => {
    expect(evalOf('eval instant at 0 "a"\n  expect string "a\\tb"\n').expectedString).toBe('a\tb');
    expect(evalOf('eval instant at 0 "a"\n  expect string `x\\n`\n').expectedString).toBe('x\\n');
    expect(evalOf('eval instant at 0 "a"\n  expect string ""\n')).toMatchObject({
      expectedString: '',
      excludeFromRangeQuery: true,
    });
    expect(() => parse('eval instant at 0 "a"\n  expect string\n')).toThrow(
      /a quoted string literal is required/,
    );
    expect(() => parse('eval instant at 0 "a"\n  expect string abc\n')).toThrow(/correctly quoted/);
    expect(() => parse('eval instant at 0 "a"\n  expect string \'ab\'\n')).toThrow(
      /correctly quoted/,
    );
  });

  test('legacy eval_fail with expected_fail_message / _regexp, eval_ordered, eval_warn, eval_info', () => {
    const f = evalOf('eval_fail instant at 0 x\n  expected_fail_message boom here\n');
    expect(f.legacy.fail).toBe(true);
    expect(f.expectedFailMessage).toBe('boom here');
    expect(
      evalOf('eval_fail instant at 0 x\n  expected_fail_regexp bo+m\n').expectedFailRegexp,
    ).toBe('bo+m');
    expect(evalOf('eval_ordered instant at 0 x\n').legacy.ordered).toBe(true);
    expect(evalOf('eval_warn range from 0 to 1m step 1m x\n').legacy.warn).toBe(true);
    expect(evalOf('eval_info instant at 0 x\n').legacy.info).toBe(true);
    // expected_fail_* is only read after eval_fail: otherwise a series named so.
    expect(() => parse('eval instant at 0 x\n  expected_fail_message boom\n')).toThrow(
      TestFileParseError,
    );
  });

  test('invalid expect combinations and regexes', () => {
    expect(() => parse('eval instant at 0 x\n expect info\n expect no_info\n')).toThrow(
      /info and no_info/,
    );
    expect(() => parse('eval instant at 0 x\n expect warn\n expect no_warn\n')).toThrow(
      /warn and no_warn/,
    );
    expect(() => parse('eval instant at 0 x\n expect fail\n expect fail\n')).toThrow(
      /multiple expect fail/,
    );
    expect(() => parse('eval instant at 0 x\n expect warn regex: (\n')).toThrow(/invalid regex/);
    expect(() => parse('eval instant at 0 x\n expect sometimes\n')).toThrow(
      /invalid expect statement/,
    );
  });

  test('invalid times', () => {
    expect(() => parse('eval instant at 5 x\n')).toThrow(/invalid timestamp definition/);
    expect(() => parse('eval instant x\n')).toThrow(TestFileParseError);
    expect(() => parse('eval range from 10m to 5m step 1m x\n')).toThrow(
      /end timestamp \(5m\) is before/,
    );
    expect(() => parse('eval range from 0 to 5m step x y\n')).toThrow(/invalid step definition/);
  });

  test('a label set given twice keeps its last values and position', () => {
    const e = evalOf('eval instant at 0 x\n  {a="1"} 1\n  {a="2"} 2\n  {a="1"} 3\n');
    expect(e.expectedSeries.map((s) => [lbl(s.labels), nums(s.values), s.position])).toEqual([
      ['a=2', [2], 2],
      ['a=1', [3], 3],
    ]);
  });

  test('the query keeps its text, including inner spaces', () => {
    expect(evalOf('eval instant at 1m   sum  by (a) (x)\n').expr).toBe('sum  by (a) (x)');
  });
});

describe('file structure', () => {
  test('commands in order; clear; comments; case-insensitive command words', () => {
    const cmds = parse('# header\nload 1m\n  a 1\n\nCLEAR\n\neval instant at 0 a\n');
    expect(cmds.map((c) => [c.kind, c.line])).toEqual([
      ['load', 2],
      ['clear', 5],
      ['eval', 7],
    ]);
  });

  test('unknown commands', () => {
    expect(() => parse('fetch 1m\n')).toThrow(/invalid command "fetch 1m"/);
    expect(() => parse('EVAL instant at 0 x\n')).toThrow(/invalid evaluation command/);
  });

  test('Prometheus 2: only eval[_fail|_ordered] instant and plain load', () => {
    expect(() => parse('eval range from 0 to 1m step 1m x\n', 'prometheus2')).toThrow(
      /invalid evaluation command/,
    );
    expect(() => parse('load_with_nhcb 1m\n a 1\n', 'prometheus2')).toThrow(/invalid command/);
    expect(() => parse('eval instant at 0 x\n  expect fail\n', 'prometheus2')).toThrow(
      TestFileParseError,
    );
    expect(evalOf('eval_fail instant at 0 x\n', 'prometheus2').legacy.fail).toBe(true);
    expect(() => parse('eval_warn instant at 0 x\n', 'prometheus2')).toThrow(
      /invalid evaluation command/,
    );
  });
});
