/**
 * Terminal output: aligned tables, a Unicode (braille) line chart, and a query error shown
 * as the query line with a caret under the error's column.
 */
import type { Labels } from '@promql-ts/engine';
import { isLegacyLabelName, quoteGo } from '@promql-ts/parser';

/** A label set as PromQL writes it: `name{a="b", c="d"}`. */
export function seriesName(ls: Labels): string {
  let name = '';
  const rest: string[] = [];
  for (const l of ls) {
    if (l.name === '__name__') name = l.value;
    else rest.push(`${isLegacyLabelName(l.name) ? l.name : quoteGo(l.name)}=${quoteGo(l.value)}`);
  }
  if (rest.length === 0) return name === '' ? '{}' : name;
  return `${name}{${rest.join(', ')}}`;
}

/** Display width of a string (one column per code point; enough for label text). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;

/**
 * An aligned table: a header row, a rule, then the rows. Columns listed in `right` are
 * right-aligned (numbers).
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string {
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (right.includes(c) ? padStart(cell, widths[c]!) : padEnd(cell, widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The query line an error points into, and a caret under `column` (1-based). */
export function caretLines(query: string, line: number, column: number): string {
  const text = query.split('\n')[line - 1] ?? '';
  return `  ${text}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}

/** A value for the terminal: up to 6 significant digits. */
export function shortValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9 || a < 1e-4) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

const COLORS = [34, 31, 32, 35, 33, 36, 94, 91, 92, 95];
const BRAILLE = 0x2800;
/** Braille dot bits by [x][y] within a 2×4 cell. */
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

/** A series to draw: points `[t (ms), value]` in time order. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  /** Columns of the plot area (default 72). */
  readonly width?: number;
  /** Rows of the plot area (default 16). */
  readonly height?: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Points further apart than 1.5 steps are not joined. */
  readonly stepMs: number;
  /** Color the series with ANSI escapes (default false). */
  readonly color?: boolean;
  /** Legend entries shown at most (default 10). */
  readonly maxLegend?: number;
}

function timeLabel(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/**
 * A line chart drawn with braille characters (2×4 dots per cell): a value axis on the
 * left, a time axis (UTC) below, and a legend. Each cell takes the color of the last
 * series drawn through it.
 */
export function lineChart(series: readonly ChartSeries[], o: ChartOptions): string {
  const cols = o.width ?? 72;
  const rows = o.height ?? 16;
  const w = cols * 2;
  const h = rows * 4;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (const [, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return '(no finite values to chart)';
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const span = Math.max(1, o.endMs - o.startMs);
  const px = (t: number) => Math.round(((t - o.startMs) / span) * (w - 1));
  const py = (v: number) => Math.round((1 - (v - lo) / (hi - lo)) * (h - 1));
  const bits = new Uint8Array(cols * rows);
  const owner = new Int16Array(cols * rows).fill(-1);
  const plot = (x: number, y: number, s: number) => {
    if (x < 0 || x >= w || y < 0 || y >= h) return;
    const cell = Math.floor(y / 4) * cols + Math.floor(x / 2);
    bits[cell] = bits[cell]! | DOT[x % 2]![y % 4]!;
    owner[cell] = s;
  };
  series.forEach((s, si) => {
    let prev: [number, number, number] | null = null;
    for (const [t, v] of s.points) {
      if (!Number.isFinite(v)) {
        prev = null;
        continue;
      }
      const x = px(t);
      const y = py(v);
      if (prev !== null && t - prev[2] <= o.stepMs * 1.5) {
        // Bresenham's line from the previous point.
        let x0: number = prev[0];
        let y0: number = prev[1];
        const dx = Math.abs(x - x0);
        const dy = -Math.abs(y - y0);
        const sx = x0 < x ? 1 : -1;
        const sy = y0 < y ? 1 : -1;
        let err = dx + dy;
        for (;;) {
          plot(x0, y0, si);
          if (x0 === x && y0 === y) break;
          const e2 = 2 * err;
          if (e2 >= dy) {
            err += dy;
            x0 += sx;
          }
          if (e2 <= dx) {
            err += dx;
            y0 += sy;
          }
        }
      } else plot(x, y, si);
      prev = [x, y, t];
    }
  });
  const color = (s: number, text: string) =>
    o.color === true && s >= 0 ? `\x1b[${COLORS[s % COLORS.length]}m${text}\x1b[0m` : text;
  const labels = Array.from({ length: rows }, (_, r) => {
    if (r === 0) return shortValue(hi);
    if (r === rows - 1) return shortValue(lo);
    if (r === Math.floor(rows / 2))
      return shortValue(lo + (hi - lo) * (1 - (r * 4 + 1.5) / (h - 1)));
    return '';
  });
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = `${labels[r]!.padStart(labelWidth)} ┤`;
    for (let c = 0; c < cols; c++) {
      const cell = r * cols + c;
      const b = bits[cell]!;
      line += b === 0 ? ' ' : color(owner[cell]!, String.fromCharCode(BRAILLE + b));
    }
    out.push(line.trimEnd());
  }
  out.push(`${' '.repeat(labelWidth)} └${'─'.repeat(cols)}`);
  // Time labels: start, middle and end (UTC).
  const withDate = span > 86_400_000;
  const first = timeLabel(o.startMs, withDate);
  const mid = timeLabel(o.startMs + span / 2, withDate);
  const last = timeLabel(o.endMs, withDate);
  const axis = `${first}${' '.repeat(Math.max(1, Math.floor(cols / 2) - first.length - Math.floor(mid.length / 2)))}${mid}`;
  out.push(
    `${' '.repeat(labelWidth + 2)}${axis}${' '.repeat(Math.max(1, cols - axis.length - last.length))}${last} UTC`,
  );
  const shown = series.slice(0, o.maxLegend ?? 10);
  shown.forEach((s, si) => {
    out.push(`${color(si, '━━')} ${o.color === true ? '' : `${si + 1}. `}${s.name}`);
  });
  if (series.length > shown.length) out.push(`… and ${series.length - shown.length} more series`);
  return out.join('\n');
}
