/**
 * The promqltest file parser: a test file → its commands, exactly as Prometheus's runner
 * reads it (promql/promqltest/test.go `parse`, `parseLoad`, `parseEval`, `parseExpect`;
 * v2.42: promql/test.go). Facts worth knowing, all from that code:
 *
 * - Lines are trimmed, and a line starting with `#` becomes empty, so a comment line ends
 *   a `load` or `eval` block just as a blank line does.
 * - A block ends early after a bare number (a scalar result) and after
 *   `expected_fail_message` / `expected_fail_regexp`: a following line is read as a command.
 * - `expect range vector` and `expect string` count as positions for `expect ordered`,
 *   other `expect` lines do not.
 * - With `expect range vector`, an instant query is evaluated at the range's `to`, not at
 *   its `at` time.
 *
 * The query of an `eval` is kept as text; the runner parses it (Prometheus already does so
 * here, failing the whole file on a query that does not parse).
 */
import type { Labels } from '@promql-ts/engine';
import { quoteGo } from '@promql-ts/parser';
import { RE2JS } from 're2js';
import { goUnquote, parseModelDuration, parseNumberLine, parseUint10, trimSpace } from './go.js';
import { parseSeriesDescription, SeriesDescriptionError } from './series.js';
import type {
  ClearCommand,
  Compat,
  EvalCommand,
  ExpectedSeries,
  ExpectKind,
  ExpectLine,
  LoadCommand,
  LoadSeries,
  MessageMatch,
  SequenceValue,
  TestCommand,
  TestFile,
} from './types.js';

/** A test file that does not parse; `line` is 1-based. */
export class TestFileParseError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`${line}: ${message}`);
    this.name = 'TestFileParseError';
    this.line = line;
  }
}

/** Options of {@link parseTestFile}. */
export interface ParseTestFileOptions {
  /**
   * `'prometheus3'` (default): the v3.14 language. `'prometheus2'`: the v2.42 language
   * (`load`, `clear`, `eval[_fail|_ordered] instant` only).
   */
  readonly compat?: Compat;
}

// Go's `\s` is [\t\n\f\r ]; `.` is any character but a newline.
const S = '[\\t\\n\\f\\r ]';
const ANY = '[^\\n]';
const PAT_SPACE = /[\t ]+/;
const PAT_LOAD_V3 = new RegExp(`^load(?:_(with_nhcb))?${S}+(${ANY}+?)$`);
const PAT_LOAD_V2 = new RegExp(`^load${S}+(${ANY}+?)$`);
const PAT_EVAL_INSTANT_V3 = new RegExp(
  `^eval(?:_(fail|warn|ordered|info))?${S}+instant${S}+(?:at${S}+(${ANY}+?))?${S}+(${ANY}+)$`,
);
const PAT_EVAL_RANGE_V3 = new RegExp(
  `^eval(?:_(fail|warn|info))?${S}+range${S}+from${S}+(${ANY}+)${S}+to${S}+(${ANY}+)${S}+step${S}+(${ANY}+?)${S}+(${ANY}+)$`,
);
const PAT_EVAL_INSTANT_V2 = new RegExp(
  `^eval(?:_(fail|ordered))?${S}+instant${S}+(?:at${S}+(${ANY}+?))?${S}+(${ANY}+)$`,
);
const PAT_EXPECT = new RegExp(
  `^expect${S}+(ordered|fail|warn|no_warn|info|no_info)(?:${S}+(regex|msg):(${ANY}+))?$`,
);
const RANGE_VECTOR_PREFIX = 'expect range vector';
const PAT_EXPECT_RANGE = new RegExp(
  `^${RANGE_VECTOR_PREFIX}${S}+from${S}+(${ANY}+)${S}+to${S}+(${ANY}+)${S}+step${S}+(${ANY}+)$`,
);
const EXPECT_STRING_PREFIX = 'expect string';

/** Trimmed lines with comment lines emptied (Prometheus's `getLines`). */
function getLines(input: string): string[] {
  return input.split('\n').map((l) => {
    const t = trimSpace(l);
    return t.startsWith('#') ? '' : t;
  });
}

/**
 * Parses a promqltest file into its commands.
 *
 * @example
 * ```ts
 * const file = parseTestFile('load 1m\n  up{job="a"} 1 0\n\neval instant at 1m up\n  up{job="a"} 0\n');
 * file.commands.map((c) => c.kind); // ['load', 'eval']
 * ```
 * @throws {TestFileParseError} on the first problem, as Prometheus fails the whole file.
 */
export function parseTestFile(input: string, options: ParseTestFileOptions = {}): TestFile {
  const compat = options.compat ?? 'prometheus3';
  const lines = getLines(input);
  const commands: TestCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const c = l.split(PAT_SPACE, 1)[0]!.toLowerCase();
    if (c === 'clear') {
      commands.push({ kind: 'clear', line: i + 1 } satisfies ClearCommand);
    } else if (compat === 'prometheus3' ? c.startsWith('load') : c === 'load') {
      const [next, cmd] = parseLoad(lines, i, compat);
      commands.push(cmd);
      i = next;
    } else if (c.startsWith('eval')) {
      const [next, cmd] = compat === 'prometheus3' ? parseEvalV3(lines, i) : parseEvalV2(lines, i);
      commands.push(cmd);
      i = next;
    } else {
      throw new TestFileParseError(i + 1, `invalid command ${quoteGo(l)}`);
    }
  }
  return { compat, commands };
}

// === load ===

interface StLine {
  readonly line: number;
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

function parseLoad(lines: string[], i: number, compat: Compat): [number, LoadCommand] {
  const m = (compat === 'prometheus3' ? PAT_LOAD_V3 : PAT_LOAD_V2).exec(lines[i]!);
  if (m === null) {
    throw new TestFileParseError(
      i + 1,
      compat === 'prometheus3'
        ? 'invalid load command. (load[_with_nhcb] <step:duration>)'
        : 'invalid load command. (load <step:duration>)',
    );
  }
  const line = i + 1;
  const withNHCB = compat === 'prometheus3' && m[1] === 'with_nhcb';
  const step = (compat === 'prometheus3' ? m[2] : m[1])!;
  const gap = parseModelDuration(step);
  if (!gap.ok)
    throw new TestFileParseError(line, `invalid step definition ${quoteGo(step)}: ${gap.error}`);
  const series = new Map<string, LoadSeries>();
  let defaultST: readonly SequenceValue[] | null = null;
  let pendingST: StLine | null = null;
  while (i + 1 < lines.length) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    if (compat === 'prometheus3' && isSTLine(def)) {
      if (pendingST !== null) {
        throw new TestFileParseError(pendingST.line, '@st line has no following sample line');
      }
      const st = parseSTLine(def, i + 1);
      if (st.labels === null) {
        defaultST = st.values;
        continue;
      }
      pendingST = { line: i + 1, labels: st.labels, values: st.values };
      continue;
    }
    const desc = parseSeries(def, i + 1, compat);
    if (pendingST !== null) {
      if (labelsKey(pendingST.labels) !== labelsKey(desc.labels)) {
        throw new TestFileParseError(
          pendingST.line,
          '@st metric does not match the following sample line metric',
        );
      }
      if (pendingST.values.length !== desc.values.length) {
        throw new TestFileParseError(
          pendingST.line,
          `@st line has ${pendingST.values.length} values but sample line has ${desc.values.length}`,
        );
      }
    }
    series.set(labelsKey(desc.labels), {
      line: i + 1,
      labels: desc.labels,
      values: desc.values,
      startTimestampOffsets: startTimestamps(desc.values, pendingST?.values ?? null, defaultST),
    });
    pendingST = null;
  }
  if (pendingST !== null) {
    throw new TestFileParseError(pendingST.line, '@st line has no following sample line');
  }
  return [i, { kind: 'load', line, intervalMs: gap.ms, withNHCB, series: [...series.values()] }];
}

/** Per-value start-timestamp offsets, as Prometheus's `loadCmd.set` assigns them. */
function startTimestamps(
  values: readonly SequenceValue[],
  explicit: readonly SequenceValue[] | null,
  defaults: readonly SequenceValue[] | null,
): (number | null)[] | null {
  if (
    (explicit === null || explicit.length === 0) &&
    (defaults === null || defaults.length === 0)
  ) {
    return null;
  }
  const out: (number | null)[] = [];
  let any = false;
  for (let i = 0; i < values.length; i++) {
    let st: SequenceValue | undefined;
    if (explicit !== null && explicit.length > 0) st = explicit[i];
    else if (defaults !== null && defaults.length > 0) st = defaults[i % defaults.length];
    const offset = st !== undefined && st.kind === 'float' ? st.value : null;
    if (offset !== null) any = true;
    out.push(offset);
  }
  return any ? out : null;
}

/** A start-timestamp line: the first word ends with `@st`. */
function isSTLine(def: string): boolean {
  const t = trimSpace(def);
  const space = t.search(/[ \t]/);
  if (space < 0) return false;
  return t.slice(0, space).endsWith('@st');
}

function parseSTLine(
  def: string,
  line: number,
): { labels: Labels | null; values: readonly SequenceValue[] } {
  const t = trimSpace(def);
  const space = t.search(/[ \t]/);
  const metricPart = t.slice(0, space).slice(0, -'@st'.length);
  let values: SequenceValue[];
  try {
    values = parseSTSequence(trimSpace(t.slice(space + 1)));
  } catch (e) {
    throw new TestFileParseError(line, `invalid @st sequence: ${(e as Error).message}`);
  }
  if (metricPart === '') return { labels: null, values };
  let labels: Labels;
  try {
    labels = parseSeriesDescription(`${metricPart} _`).labels;
  } catch (e) {
    throw new TestFileParseError(
      line,
      `invalid @st line metric ${quoteGo(metricPart)}: ${(e as Error).message}`,
    );
  }
  return { labels, values };
}

/**
 * A start-timestamp sequence (Prometheus's `parseSTSequence`): `_`, `_xN` (N omitted),
 * `*` / `*xN` (the previous value, once / N+1 times), `<dur>`, `<dur>xN` (N+1 times),
 * `<dur>+<dur>xN` / `<dur>-<dur>xN` (N+1 values, stepping). Durations may be signed;
 * values are millisecond offsets.
 *
 * @throws Error for an invalid item.
 */
export function parseSTSequence(input: string): SequenceValue[] {
  const out: SequenceValue[] = [];
  for (const item of input.split(/[ \t\n\v\f\r\u0085\u00a0]+/)) {
    if (item === '') continue;
    let prev = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      const v = out[i]!;
      if (v.kind === 'float') {
        prev = v.value;
        break;
      }
    }
    try {
      out.push(...parseSTItem(item, prev));
    } catch (e) {
      throw new Error(`invalid ST item ${quoteGo(item)}: ${(e as Error).message}`);
    }
  }
  return out;
}

function repeat(value: number, n: number): SequenceValue[] {
  return Array.from({ length: n }, () => ({ kind: 'float', value }) as const);
}

function repeatCount(s: string): number {
  const n = parseUint10(s);
  if (n === null) throw new Error('invalid repeat count');
  if (n > 10_000_000) throw new Error(`repetition ${s} is too large`);
  return n;
}

function parseSTItem(item: string, prev: number): SequenceValue[] {
  if (item === '_') return [{ kind: 'omitted' }];
  if (item.startsWith('_x')) {
    const n = parseUint10(item.slice(2));
    if (n === null || n === 0) throw new Error('invalid repeat count');
    return Array.from({ length: n }, () => ({ kind: 'omitted' }) as const);
  }
  if (item === '*') return [{ kind: 'float', value: prev }];
  if (item.startsWith('*x')) return repeat(prev, repeatCount(item.slice(2)) + 1);
  const [base, rest] = parseDurationPrefix(item);
  if (rest === '') return [{ kind: 'float', value: base }];
  if (rest[0] === 'x') return repeat(base, repeatCount(rest.slice(1)) + 1);
  if (rest[0] !== '+' && rest[0] !== '-') {
    throw new Error(`unexpected character ${goQuoteRune(rest[0]!)} after duration`);
  }
  let [delta, rest2] = (() => {
    try {
      return parseDurationPrefix(rest.slice(1));
    } catch (e) {
      throw new Error(`invalid step duration: ${(e as Error).message}`);
    }
  })();
  if (rest[0] === '-') delta = -delta;
  if (rest2 === '' || rest2[0] !== 'x') throw new Error("expected 'x<count>' after step duration");
  const n = parseUint10(rest2.slice(1));
  if (n === null) throw new Error('invalid repeat count: invalid syntax');
  const out: SequenceValue[] = [];
  let offset = base;
  for (let i = 0; i <= n; i++) {
    out.push({ kind: 'float', value: offset });
    offset += delta;
  }
  return out;
}

/** A signed duration at the start of `s` (digits, then unit letters other than `x`), in ms. */
function parseDurationPrefix(s: string): [number, string] {
  if (s === '') throw new Error('empty duration');
  let i = 0;
  let negative = false;
  if (s[0] === '-') {
    negative = true;
    i++;
  } else if (s[0] === '+') i++;
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) throw new Error(`expected digits in duration ${quoteGo(s)}`);
  while (i < s.length && /[a-wyzA-Z]/.test(s[i]!)) i++;
  const d = parseModelDuration(s.slice(start, i));
  if (!d.ok) throw new Error(`invalid duration ${quoteGo(s.slice(start, i))}: ${d.error}`);
  return [negative ? -d.ms : d.ms, s.slice(i)];
}

function goQuoteRune(c: string): string {
  return `'${c}'`;
}

function parseSeries(def: string, line: number, compat: Compat) {
  try {
    return parseSeriesDescription(def, { compat });
  } catch (e) {
    if (e instanceof SeriesDescriptionError) {
      throw new TestFileParseError(line, `${e.message} (column ${e.column})`);
    }
    throw e;
  }
}

/** A string identifying a label set (names and values, in order). */
function labelsKey(labels: Labels): string {
  return JSON.stringify(labels.map((l) => [l.name, l.value]));
}

// === eval ===

/** Builds an eval command while its block is read. */
class EvalBuilder {
  readonly line: number;
  readonly mode: 'instant' | 'range';
  readonly expr: string;
  evalMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  readonly legacy = { fail: false, warn: false, info: false, ordered: false };
  expectedFailMessage: string | null = null;
  expectedFailRegexp: string | null = null;
  readonly expects: ExpectLine[] = [];
  expectRangeVector = false;
  expectedString: string | null = null;
  excludeFromRangeQuery = false;
  expectedScalar: { line: number; value: number } | null = null;
  readonly series = new Map<string, ExpectedSeries>();

  constructor(
    line: number,
    mode: 'instant' | 'range',
    expr: string,
    time: { evalMs: number; startMs: number; endMs: number; stepMs: number },
  ) {
    this.line = line;
    this.mode = mode;
    this.expr = expr;
    this.evalMs = time.evalMs;
    this.startMs = time.startMs;
    this.endMs = time.endMs;
    this.stepMs = time.stepMs;
  }

  setModifier(mod: string | undefined): void {
    if (mod === 'fail' || mod === 'warn' || mod === 'info' || mod === 'ordered') {
      this.legacy[mod] = true;
    }
  }

  /** `expectMetric`: a later line for the same labels replaces the earlier one. */
  addSeries(s: ExpectedSeries): void {
    const key = labelsKey(s.labels);
    this.series.delete(key);
    this.series.set(key, s);
  }

  build(): EvalCommand {
    return {
      kind: 'eval',
      line: this.line,
      mode: this.mode,
      expr: this.expr,
      evalMs: this.evalMs,
      startMs: this.startMs,
      endMs: this.endMs,
      stepMs: this.stepMs,
      legacy: { ...this.legacy },
      expectedFailMessage: this.expectedFailMessage,
      expectedFailRegexp: this.expectedFailRegexp,
      expects: this.expects,
      expectRangeVector: this.expectRangeVector,
      expectedString: this.expectedString,
      excludeFromRangeQuery: this.excludeFromRangeQuery,
      expectedScalar: this.expectedScalar,
      expectedSeries: [...this.series.values()],
    };
  }
}

function duration(s: string, what: string): number {
  const d = parseModelDuration(s);
  if (!d.ok) throw new Error(`invalid ${what} definition ${quoteGo(s)}: ${d.error}`);
  return d.ms;
}

/** Prometheus's `parseDurations`: from, to and step, with `to` not before `from`. */
function parseRangeTimes(from: string, to: string, step: string) {
  const startMs = duration(from, 'start timestamp');
  const endMs = duration(to, 'end timestamp');
  if (endMs < startMs) {
    throw new Error(
      `invalid test definition, end timestamp (${to}) is before start timestamp (${from})`,
    );
  }
  const stepMs = duration(step, 'step');
  return { startMs, endMs, stepMs };
}

function compileCheck(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

function parseEvalV3(lines: string[], i: number): [number, EvalCommand] {
  const text = lines[i]!;
  const instant = PAT_EVAL_INSTANT_V3.exec(text);
  const range = instant === null ? PAT_EVAL_RANGE_V3.exec(text) : null;
  if (instant === null && range === null) {
    throw new TestFileParseError(
      i + 1,
      "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'",
    );
  }
  const line = i + 1;
  const expr = (instant !== null ? instant[3] : range![5])!;
  const fail = (message: string): never => {
    throw new TestFileParseError(line, `error in eval ${expr} (line ${line}): ${message}`);
  };
  let cmd: EvalBuilder;
  if (instant !== null) {
    const at = instant[2] ?? '';
    const d = parseModelDuration(at);
    if (!d.ok)
      fail(`invalid timestamp definition ${quoteGo(at)}: ${(d as { error: string }).error}`);
    const ms = (d as { ms: number }).ms;
    cmd = new EvalBuilder(line, 'instant', expr, {
      evalMs: ms,
      startMs: ms,
      endMs: Number.NEGATIVE_INFINITY,
      stepMs: 0,
    });
    cmd.setModifier(instant[1]);
  } else {
    let t: ReturnType<typeof parseRangeTimes>;
    try {
      t = parseRangeTimes(range![2]!, range![3]!, range![4]!);
    } catch (e) {
      return fail((e as Error).message);
    }
    cmd = new EvalBuilder(line, 'range', expr, { evalMs: t.endMs, ...t });
    cmd.setModifier(range![1]);
  }

  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    if (cmd.legacy.fail && def.startsWith('expected_fail_message')) {
      cmd.expectedFailMessage = trimSpace(def.slice('expected_fail_message'.length));
      break;
    }
    if (cmd.legacy.fail && def.startsWith('expected_fail_regexp')) {
      const pattern = trimSpace(def.slice('expected_fail_regexp'.length));
      if (!compileCheck(pattern)) {
        fail(`invalid regexp '${pattern}' for expected_fail_regexp`);
      }
      cmd.expectedFailRegexp = pattern;
      break;
    }
    if (def.startsWith(RANGE_VECTOR_PREFIX)) {
      const m = PAT_EXPECT_RANGE.exec(def);
      if (m === null) fail(`invalid range vector definition ${quoteGo(def)}`);
      let t: ReturnType<typeof parseRangeTimes>;
      try {
        t = parseRangeTimes(m![1]!, m![2]!, m![3]!);
      } catch (e) {
        return fail((e as Error).message);
      }
      cmd.expectRangeVector = true;
      cmd.startMs = t.startMs;
      cmd.endMs = t.endMs;
      cmd.stepMs = t.stepMs;
      cmd.evalMs = t.endMs;
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.startsWith(EXPECT_STRING_PREFIX)) {
      cmd.expectedString = parseAsStringLiteral(def, fail);
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      cmd.expects.push(parseExpect(def, i + 1, fail));
      j--;
      validateExpects(cmd.expects, fail);
      continue;
    }
    const scalar = parseNumberLine(def);
    if (scalar !== null) {
      cmd.expectedScalar = { line: i + 1, value: scalar };
      break;
    }
    const desc = parseSeries(def, i + 1, 'prometheus3');
    if (desc.values.length > 1 && cmd.mode === 'instant' && !cmd.expectRangeVector) {
      fail(
        "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query",
      );
    }
    cmd.addSeries({ line: i + 1, position: j, labels: desc.labels, values: desc.values });
  }
  return [i, cmd.build()];
}

function parseAsStringLiteral(line: string, fail: (m: string) => never): string {
  if (line === EXPECT_STRING_PREFIX) {
    fail('expected string literal not valid - a quoted string literal is required');
  }
  const prefix = `${EXPECT_STRING_PREFIX} `;
  const str = line.startsWith(prefix) ? line.slice(prefix.length) : line;
  if (str === '') fail('expected string literal not valid - a quoted string literal is required');
  const v = goUnquote(str);
  if (v === null) {
    fail('expected string literal not valid - check that the string is correctly quoted');
  }
  return v!;
}

function parseExpect(def: string, line: number, fail: (m: string) => never): ExpectLine {
  const m = PAT_EXPECT.exec(trimSpace(def));
  if (m === null) {
    return fail(
      'invalid expect statement, must match `expect <type> <match_type>: <string>` format',
    );
  }
  const kind = m[1] as ExpectKind;
  let match: MessageMatch = { type: 'any' };
  if (m[2] === 'msg') match = { type: 'msg', message: trimSpace(m[3]!) };
  else if (m[2] === 'regex') {
    const pattern = trimSpace(m[3]!);
    if (!compileCheck(pattern)) fail(`invalid regex ${pattern} for ${kind}`);
    match = { type: 'regex', pattern };
  }
  return { kind, line, match };
}

function validateExpects(expects: readonly ExpectLine[], fail: (m: string) => never): void {
  const count = (k: ExpectKind) => expects.filter((e) => e.kind === k).length;
  if (count('info') > 0 && count('no_info') > 0) {
    fail('invalid expect lines, info and no_info cannot be used together');
  }
  if (count('warn') > 0 && count('no_warn') > 0) {
    fail('invalid expect lines, warn and no_warn cannot be used together');
  }
  if (count('fail') > 1) fail('invalid expect lines, multiple expect fail lines are not allowed');
}

function parseEvalV2(lines: string[], i: number): [number, EvalCommand] {
  const m = PAT_EVAL_INSTANT_V2.exec(lines[i]!);
  if (m === null) {
    throw new TestFileParseError(
      i + 1,
      'invalid evaluation command. (eval[_fail|_ordered] instant [at <offset:duration>] <query>',
    );
  }
  const line = i + 1;
  const at = m[2] ?? '';
  const d = parseModelDuration(at);
  if (!d.ok)
    throw new TestFileParseError(
      line,
      `invalid step definition ${quoteGo(m[1] ?? '')}: ${d.error}`,
    );
  const cmd = new EvalBuilder(line, 'instant', m[3]!, {
    evalMs: d.ms,
    startMs: d.ms,
    endMs: Number.NEGATIVE_INFINITY,
    stepMs: 0,
  });
  cmd.setModifier(m[1]);
  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    const scalar = parseNumberLine(def);
    if (scalar !== null) {
      cmd.expectedScalar = { line: i + 1, value: scalar };
      break;
    }
    const desc = parseSeries(def, i + 1, 'prometheus2');
    if (desc.values.length > 1) {
      throw new TestFileParseError(
        i + 1,
        'expecting multiple values in instant evaluation not allowed',
      );
    }
    cmd.addSeries({ line: i + 1, position: j, labels: desc.labels, values: desc.values });
  }
  return [i, cmd.build()];
}
