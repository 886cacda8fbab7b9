// A small reader for Prometheus's promqltest scripts (the upstream `.test` files),
// enough to run the evaluations that reduce to one kernel call over a plain selector:
//
//   fn(metric{a="b"}[5m] anchored offset 1m @ 100, 0.5)   range functions
//   metric{a="b"} offset 1m @ 100                          instant selectors
//   sum|avg|... [by|without (l, ...)] (metric{...})        aggregations
//
// Series are loaded from `load` blocks (float samples only; series with native
// histograms are ignored). Everything else in a script is skipped, and so are
// evaluations the reader does not understand.

import { readFileSync } from 'node:fs';

/** A loaded float series: labels (including __name__) and samples. */
export interface LoadedSeries {
  readonly labels: ReadonlyMap<string, string>;
  /** The series holds native histograms, which the reader does not load. */
  readonly histograms: boolean;
  readonly ts: number[];
  readonly values: (number | 'stale')[];
}

/** An expected output series of an evaluation. */
export interface ExpectedSeries {
  readonly labels: ReadonlyMap<string, string>;
  /** One entry per step; undefined = no point. */
  readonly values: (number | undefined)[];
}

/** One evaluation of a script, parsed. */
export interface Evaluation {
  readonly line: number;
  readonly text: string;
  readonly expr: string;
  readonly startMs: number;
  readonly stepMs: number;
  readonly nSteps: number;
  readonly series: readonly LoadedSeries[];
  readonly expected: readonly ExpectedSeries[];
  /** Whether the script expects the evaluation to fail. */
  readonly fails: boolean;
  /** Whether the result's order matters (eval ordered). */
  readonly ordered: boolean;
  /** Whether some expected result is a scalar, string or native histogram. */
  readonly unsupportedResult: boolean;
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Parses a Prometheus duration ("1m30s", "100ms", or a number of seconds). */
export function parseDuration(text: string): number {
  if (/^[0-9.]+$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  const re = /(\d+)(ms|s|m|h|d|w|y)/g;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (consumed !== text.length) throw new Error(`bad duration ${text}`);
  return total;
}

/** Parses a number the way promqltest does (NaN, Inf, +Inf, -Inf, hex). */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (/^[+]?inf$/i.test(t)) return Infinity;
  if (/^-inf$/i.test(t)) return -Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const n = Number(t);
  if (Number.isNaN(n)) throw new Error(`bad number ${text}`);
  return n;
}

/** Parses `name{a="b", c="d"}` (or `{...}` alone) into a label map. */
export function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  const m = /^([a-zA-Z_:][\w:]*)?\s*(?:\{(.*)\})?$/.exec(text.trim());
  if (!m) throw new Error(`bad series ${text}`);
  if (m[1]) labels.set('__name__', m[1]);
  const body = m[2] ?? '';
  const re = /\s*([a-zA-Z_][\w]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  for (let l = re.exec(body); l; l = re.exec(body))
    labels.set(l[1] as string, JSON.parse(`"${l[2]}"`) as string);
  return labels;
}

// Expands promqltest's value notation ("1+2x3", "_x4", "stale", "5x2") into samples;
// undefined marks an omitted sample. Returns null for histogram samples.
function expandValues(tokens: string[]): (number | 'stale' | undefined)[] | null {
  const out: (number | 'stale' | undefined)[] = [];
  for (const tok of tokens) {
    if (tok.startsWith('{{')) return null;
    if (tok === '_') {
      out.push(undefined);
      continue;
    }
    const blanks = /^_x(\d+)$/.exec(tok);
    if (blanks) {
      for (let i = 0; i < Number(blanks[1]); i++) out.push(undefined);
      continue;
    }
    if (tok === 'stale') {
      out.push('stale');
      continue;
    }
    const seq = /^(.+?)x(\d+)$/.exec(tok);
    if (seq) {
      const body = seq[1] as string;
      const times = Number(seq[2]);
      // "a+b" or "a-b": the sign that is not leading and not an exponent's.
      const op =
        /^([-+]?(?:[\d.]+(?:e[-+]?\d+)?|Inf|NaN))([-+](?:[\d.]+(?:e[-+]?\d+)?|Inf|NaN))?$/i.exec(
          body,
        );
      if (!op) throw new Error(`bad sequence ${tok}`);
      let v = parseNumber(op[1] as string);
      if (op[2] === undefined) {
        for (let i = 0; i <= times; i++) out.push(v);
      } else {
        const d = parseNumber(op[2]);
        out.push(v);
        for (let i = 1; i <= times; i++) {
          v += d;
          out.push(v);
        }
      }
      continue;
    }
    out.push(parseNumber(tok));
  }
  return out;
}

// Splits "name{a="b c"} 1 2 3" into the series part and value tokens.
function splitSeriesLine(line: string): [string, string[]] {
  const brace = line.indexOf('{');
  const space = line.search(/\s/);
  let end: number;
  if (brace >= 0 && (space < 0 || brace < space)) {
    let depth = 0;
    let inString = false;
    end = brace;
    for (; end < line.length; end++) {
      const c = line[end];
      if (c === '"' && line[end - 1] !== '\\') inString = !inString;
      if (inString) continue;
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) break;
    }
    end++;
  } else {
    end = space < 0 ? line.length : space;
  }
  const rest = line.slice(end).trim();
  // Histogram literals contain spaces; keep {{...}} tokens whole.
  const tokens: string[] = [];
  const re = /\{\{.*?\}\}\S*|\S+/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) tokens.push(m[0]);
  return [line.slice(0, end), tokens];
}

/** Reads a script and returns its evaluations, each with the series loaded before it. */
export function readScript(path: string): Evaluation[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const series: LoadedSeries[] = [];
  const evals: Evaluation[] = [];
  let i = 0;
  const isIndented = (l: string | undefined) =>
    l !== undefined && /^\s+\S/.test(l) && !/^\s*#/.test(l);
  while (i < lines.length) {
    const line = (lines[i] as string).trim();
    if (line === 'clear') {
      series.length = 0;
      i++;
      continue;
    }
    const load = /^load(?:_with_nhcb)?\s+(\S+)/.exec(line);
    if (load) {
      const interval = parseDuration(load[1] as string);
      i++;
      while (isIndented(lines[i])) {
        const [name, tokens] = splitSeriesLine((lines[i] as string).trim());
        let vals: ReturnType<typeof expandValues> = null;
        let labels: Map<string, string> | null = null;
        try {
          vals = expandValues(tokens);
          labels = parseLabels(name);
        } catch {
          vals = null; // a notation this reader does not know: leave the series out
        }
        if (!vals && labels) series.push({ labels, histograms: true, ts: [], values: [] });
        if (vals && labels) {
          const s: LoadedSeries = { labels, histograms: false, ts: [], values: [] };
          vals.forEach((v, k) => {
            if (v === undefined) return;
            s.ts.push(k * interval);
            s.values.push(v);
          });
          series.push(s);
        }
        i++;
      }
      continue;
    }
    const instant = /^eval(?:_(ordered|fail|warn|info))?\s+instant\s+at\s+(\S+)\s+(.*)$/.exec(line);
    const range =
      /^eval(?:_(ordered|fail|warn|info))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$/.exec(
        line,
      );
    if (instant || range) {
      const lineNo = i + 1;
      let startMs: number;
      let stepMs: number;
      let nSteps: number;
      let expr: string;
      let modifier: string | undefined;
      if (instant) {
        modifier = instant[1];
        startMs = parseDuration(instant[2] as string);
        stepMs = 0;
        nSteps = 1;
        expr = instant[3] as string;
      } else {
        const r = range as RegExpExecArray;
        modifier = r[1];
        startMs = parseDuration(r[2] as string);
        const endMs = parseDuration(r[3] as string);
        stepMs = parseDuration(r[4] as string);
        nSteps = Math.floor((endMs - startMs) / stepMs) + 1;
        expr = r[5] as string;
      }
      i++;
      let fails = modifier === 'fail';
      let unsupportedResult = false;
      const expected: ExpectedSeries[] = [];
      while (isIndented(lines[i])) {
        const l = (lines[i] as string).trim();
        i++;
        if (l.startsWith('expect')) {
          if (/^expect fail/.test(l)) fails = true;
          continue;
        }
        try {
          const [name, tokens] = splitSeriesLine(l);
          const vals = expandValues(tokens);
          if (!vals) throw new Error('native histogram result');
          expected.push({
            labels: parseLabels(name),
            values: vals.map((v) => (v === 'stale' ? undefined : v)),
          });
        } catch {
          // A scalar, string or native-histogram result: not a kernel's business.
          unsupportedResult = true;
        }
      }
      evals.push({
        line: lineNo,
        text: line,
        expr,
        startMs,
        stepMs,
        nSteps,
        series: [...series],
        expected,
        fails,
        ordered: modifier === 'ordered',
        unsupportedResult,
      });
      continue;
    }
    i++;
  }
  return evals;
}

/** A plain selector: name, equality matchers, range, modifiers. */
export interface Selector {
  readonly matchers: ReadonlyMap<string, string>;
  readonly rangeMs: number | null;
  readonly modifier: 'anchored' | 'none' | 'smoothed';
  readonly offsetMs: number;
  readonly atMs: number | null;
}

/**
 * Parses `name{a="b"}[5m] anchored offset 1m @ 100` (equality matchers only); null
 * for anything else.
 */
export function parseSelector(text: string): Selector | null {
  const m =
    /^\s*([a-zA-Z_:][\w:]*)?\s*(\{[^}]*\})?\s*(?:\[([^\]]+)\])?\s*(anchored|smoothed)?\s*(?:offset\s+(-?[\dmshdwy]+))?\s*(?:@\s*([\d.]+))?\s*$/.exec(
      text,
    );
  if (!m || (!m[1] && !m[2])) return null;
  if (m[2] && /=~|!=|!~/.test(m[2])) return null;
  const matchers = parseLabels(`${m[1] ?? ''}${m[2] ?? ''}`);
  let rangeMs: number | null = null;
  if (m[3] !== undefined) {
    if (m[3].includes(':')) return null; // subquery
    try {
      rangeMs = parseDuration(m[3]);
    } catch {
      return null;
    }
  }
  const offset = m[5];
  return {
    matchers,
    rangeMs,
    modifier: (m[4] as 'anchored' | 'smoothed' | undefined) ?? 'none',
    offsetMs:
      offset === undefined
        ? 0
        : offset.startsWith('-')
          ? -parseDuration(offset.slice(1))
          : parseDuration(offset),
    atMs: m[6] === undefined ? null : Math.round(Number(m[6]) * 1000),
  };
}

/**
 * The loaded series a selector picks, or null when it picks a native-histogram series
 * or nothing at all (a native histogram made by load_with_nhcb, say): the harness
 * cannot evaluate those.
 */
export function selectSeries(all: readonly LoadedSeries[], sel: Selector): LoadedSeries[] | null {
  const picked = all.filter((s) =>
    [...sel.matchers].every(([k, v]) => (s.labels.get(k) ?? '') === v),
  );
  if (picked.length === 0 || picked.some((s) => s.histograms)) return null;
  return picked;
}

/** Prometheus's default float comparison in tests: relative 1e-6 (almost.Equal). */
export function closeEnough(expected: number, actual: number): boolean {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return true;
  if (expected === actual) return true;
  const absSum = Math.abs(expected) + Math.abs(actual);
  const diff = Math.abs(expected - actual);
  const minNormal = 2.2250738585072014e-308;
  if (expected === 0 || actual === 0 || absSum < minNormal) return diff < 1e-6 * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < 1e-6;
}

/** A label set as a stable string key (sorted, without __name__ when asked). */
export function labelKey(labels: ReadonlyMap<string, string>, dropName: boolean): string {
  return [...labels]
    .filter(([k]) => !(dropName && k === '__name__'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}
