/**
 * The parser's golden corpora, checked case by case:
 * - `test/expressions.txt`: valid queries and the tree Prometheus's `parser.Tree` prints;
 * - `test/errors.txt`: invalid queries and the first error as Prometheus prints it;
 * - every `eval` expression of the upstream PromQL test files must parse.
 *
 * Corpus format (one case per block, blocks separated by blank lines):
 *
 * ```text
 * # title
 * # optional note lines (e.g. `# prometheus: <its message>` where ours differs)
 * options: experimental | default | escaped   (optional, space separated)
 * <query, one line, may be empty>
 * ==> <error message>          (errors.txt)
 * ==>                          (expressions.txt, followed by the tree lines)
 * ```
 *
 * With `escaped`, the query's `\n`, `\r`, `\t`, `\\` and `\uXXXX` are unescaped first, so that
 * multi-line queries and lone surrogates (invalid UTF-8 bytes) fit on one line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { isPromQLError, ParseError, type ParseOptions, parse, tree } from './index.js';

interface CorpusCase {
  readonly title: string;
  readonly line: number;
  readonly query: string;
  readonly options: ParseOptions;
  readonly expected: string;
}

const TEST_DIR = fileURLToPath(new URL('../test/', import.meta.url));
const UPSTREAM_DIR = fileURLToPath(
  new URL('../../../conformance/testdata/upstream/', import.meta.url),
);

function unescapeQuery(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|[nrt\\])/g, (_, e: string) => {
    switch (e) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '\\':
        return '\\';
      default:
        return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    }
  });
}

/** Reads a corpus file; `multiLine` expectations run to the next blank line. */
function readCorpus(file: string, multiLine: boolean): CorpusCase[] {
  const lines = readFileSync(TEST_DIR + file, 'utf8').split('\n');
  const cases: CorpusCase[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.trim() === '') {
      i++;
      continue;
    }
    const start = i + 1;
    const titleLine = lines[i++]!;
    if (!titleLine.startsWith('# ')) throw new Error(`${file}:${start}: expected "# title"`);
    const title = titleLine.slice(2).trim();
    while (i < lines.length && lines[i]!.startsWith('# ')) i++;
    let experimental = false;
    let escaped = false;
    if (lines[i]?.startsWith('options:')) {
      for (const opt of lines[i]!.slice('options:'.length).trim().split(/\s+/)) {
        if (opt === 'experimental') experimental = true;
        else if (opt === 'escaped') escaped = true;
        else if (opt !== 'default') throw new Error(`${file}:${i + 1}: unknown option ${opt}`);
      }
      i++;
    }
    const rawQuery = lines[i++] ?? '';
    const query = escaped ? unescapeQuery(rawQuery) : rawQuery;
    const arrow = lines[i++] ?? '';
    if (!arrow.startsWith('==>')) throw new Error(`${file}:${i}: expected "==>"`);
    let expected = arrow.slice(3).trim();
    if (multiLine) {
      const out: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') out.push(lines[i++]!);
      expected = out.join('\n');
    }
    cases.push({ title, line: start, query, options: { experimental }, expected });
  }
  return cases;
}

function uniqueTitles(cases: readonly CorpusCase[], file: string): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.title)) throw new Error(`${file}:${c.line}: duplicate title "${c.title}"`);
    seen.add(c.title);
  }
}

describe('expressions.txt', () => {
  const cases = readCorpus('expressions.txt', true);
  uniqueTitles(cases, 'expressions.txt');
  test('has at least 120 cases', () => expect(cases.length).toBeGreaterThanOrEqual(120));
  for (const c of cases) {
    test(c.title, () => {
      let got: string;
      try {
        got = tree(parse(c.query, c.options)).trimEnd();
      } catch (e) {
        got = `threw: ${e instanceof Error ? e.message : String(e)}`;
      }
      expect(got).toBe(c.expected);
    });
  }
});

describe('errors.txt', () => {
  const cases = readCorpus('errors.txt', false);
  uniqueTitles(cases, 'errors.txt');
  test('has at least 150 cases', () => expect(cases.length).toBeGreaterThanOrEqual(150));
  for (const c of cases) {
    test(c.title, () => {
      let thrown: unknown;
      try {
        parse(c.query, c.options);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ParseError);
      expect(isPromQLError(thrown)).toBe(true);
      expect((thrown as ParseError).message).toBe(c.expected);
    });
  }
});

const EVAL_LINE =
  /^\s*eval(?:_fail|_ordered|_warn|_info)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.+)$/;

function evalExpressions(dir: string): { file: string; line: number; expr: string }[] {
  const out: { file: string; line: number; expr: string }[] = [];
  for (const file of readdirSync(UPSTREAM_DIR + dir).sort()) {
    if (!file.endsWith('.test')) continue;
    const lines = readFileSync(`${UPSTREAM_DIR}${dir}/${file}`, 'utf8').split('\n');
    lines.forEach((text, i) => {
      const m = EVAL_LINE.exec(text);
      if (m !== null) out.push({ file, line: i + 1, expr: m[1]!.trim() });
    });
  }
  return out;
}

function unparsed(
  exprs: readonly { file: string; line: number; expr: string }[],
  options: ParseOptions,
): string[] {
  const failures: string[] = [];
  for (const e of exprs) {
    try {
      parse(e.expr, options);
    } catch (err) {
      failures.push(`${e.file}:${e.line}: ${e.expr}\n  ${(err as Error).message}`);
    }
  }
  return failures;
}

describe('upstream eval expressions', () => {
  test('every Prometheus v3.14 eval expression parses with experimental features', () => {
    const exprs = evalExpressions('prometheus-v3.14.0');
    expect(exprs.length).toBeGreaterThan(2000);
    expect(unparsed(exprs, { experimental: true })).toEqual([]);
  });

  test('every Prometheus v2.42 eval expression parses in prometheus2 mode', () => {
    const exprs = evalExpressions('prometheus-v2.42.0');
    expect(exprs.length).toBeGreaterThan(500);
    expect(unparsed(exprs, { experimental: true, compat: 'prometheus2' })).toEqual([]);
  });
});
