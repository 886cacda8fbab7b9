/**
 * The printer: canonical PromQL for an AST, exactly as Prometheus's `String()` methods write
 * it (promql/parser/printer.go). `parse(print(e))` equals `e` apart from positions for every
 * tree the parser produces.
 */
import {
  type AggregateExpr,
  assertNever,
  type BinaryExpr,
  type DurationExpr,
  type Expr,
  type LabelMatcher,
  type MatrixSelector,
  type StartOrEnd,
  type SubqueryExpr,
  type VectorMatching,
  type VectorSelector,
} from './ast.js';
import {
  formatDuration,
  formatFloatF,
  formatFloatG,
  isLegacyLabelName,
  quoteGo,
} from './literals.js';

/** Canonical PromQL for `e`. */
export function print(e: Expr): string {
  switch (e.kind) {
    case 'AggregateExpr':
      return printAggregate(e);
    case 'BinaryExpr':
      return `${print(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${printMatching(e)} ${print(e.rhs)}`;
    case 'Call':
      return `${e.func}(${e.args.map(print).join(', ')})`;
    case 'DurationExpr':
      return printDurationExpr(e);
    case 'MatrixSelector':
      return printMatrixSelector(e);
    case 'NumberLiteral':
      if (e.duration) {
        return e.val < 0 ? `-${formatSecondsAsDuration(-e.val)}` : formatSecondsAsDuration(e.val);
      }
      return formatFloatF(e.val);
    case 'ParenExpr':
      return `(${print(e.expr)})`;
    case 'StringLiteral':
      return quoteGo(e.val);
    case 'SubqueryExpr':
      return print(e.expr) + printSubquerySuffix(e);
    case 'UnaryExpr':
      return e.op + print(e.expr);
    case 'VectorSelector':
      return printVectorSelector(e);
    default:
      return assertNever(e);
  }
}

/**
 * A duration literal's value (seconds) written as a duration. Prometheus writes
 * `model.Duration(seconds * 1e9)`, truncating, which for large values loses a millisecond
 * to float error on every print/parse cycle; rounding to the nearest millisecond gives the
 * same text for every value a duration literal can hold and keeps print/parse stable.
 */
function formatSecondsAsDuration(seconds: number): string {
  return formatDuration(Math.round(seconds * 1000));
}

/** Label names as Prometheus writes them in `by`, `on`, `group_left`…: quoted if not legacy. */
function printLabels(names: readonly string[]): string {
  return names.map((n) => (isLegacyLabelName(n) ? n : quoteGo(n))).join(', ');
}

function printAggregate(e: AggregateExpr): string {
  let s = e.op;
  if (e.without) s += ` without (${printLabels(e.grouping)}) `;
  else if (e.grouping.length > 0) s += ` by (${printLabels(e.grouping)}) `;
  s += '(';
  if (e.param !== null) s += `${print(e.param)}, `;
  return `${s}${print(e.expr)})`;
}

function printMatching(e: BinaryExpr): string {
  const vm: VectorMatching | null = e.matching;
  if (vm === null) return '';
  let s = '';
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.matchingLabels.length > 0 || vm.on || grouped) {
    s += ` ${vm.on ? 'on' : 'ignoring'} (${printLabels(vm.matchingLabels)})`;
  }
  if (grouped) {
    s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${printLabels(vm.include)})`;
  }
  const { lhs, rhs } = vm.fillValues;
  if (lhs !== null || rhs !== null) {
    if (lhs !== null && rhs !== null && Object.is(lhs, rhs)) s += ` fill (${formatFloatG(lhs)})`;
    else {
      if (lhs !== null) s += ` fill_left (${formatFloatG(lhs)})`;
      if (rhs !== null) s += ` fill_right (${formatFloatG(rhs)})`;
    }
  }
  return s;
}

function printDurationExpr(e: DurationExpr): string {
  let s: string;
  switch (e.op) {
    case 'step':
      s = 'step()';
      break;
    case 'range':
      s = 'range()';
      break;
    case 'min_of':
    case 'max_of':
      s = `${e.op}(${print(e.lhs!)}, ${print(e.rhs!)})`;
      break;
    default:
      if (e.lhs === null) s = e.op === '-' ? `-${print(e.rhs!)}` : print(e.rhs!);
      else s = `${print(e.lhs)} ${e.op} ${print(e.rhs!)}`;
  }
  return e.wrapped ? `(${s})` : s;
}

/** A matcher as `labels.Matcher.String()` writes it. */
export function printMatcher(m: LabelMatcher): string {
  const name = shouldQuoteName(m.name) ? quoteGo(m.name) : m.name;
  return `${name}${m.type}${quoteGo(m.value)}`;
}

function shouldQuoteName(name: string): boolean {
  return name.length === 0 || !isLegacyLabelName(name);
}

function printAt(timestampMs: number | null, startOrEnd: StartOrEnd | null): string {
  if (timestampMs !== null) return ` @ ${(timestampMs / 1000).toFixed(3)}`;
  if (startOrEnd !== null) return ` @ ${startOrEnd}()`;
  return '';
}

function printOffset(ms: number, expr: DurationExpr | null): string {
  if (expr !== null) return ` offset ${printDurationExpr(expr)}`;
  if (ms > 0) return ` offset ${formatDuration(ms)}`;
  if (ms < 0) return ` offset -${formatDuration(-ms)}`;
  return '';
}

function printSelectorBody(e: VectorSelector): string {
  const parts: string[] = [];
  for (const m of e.labelMatchers) {
    if (m.name === '__name__' && m.type === '=' && m.value === e.name && m.value !== '') continue;
    parts.push(printMatcher(m));
  }
  parts.sort(compareStrings);
  return parts.length === 0 ? e.name : `${e.name}{${parts.join(',')}}`;
}

/** Byte-wise string order, as Go's `sort.Strings`. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function printVectorSelector(e: VectorSelector): string {
  let s = printSelectorBody(e) + printAt(e.timestampMs, e.startOrEnd);
  if (e.anchored) s += ' anchored';
  else if (e.smoothed) s += ' smoothed';
  return s + printOffset(e.originalOffsetMs, e.originalOffsetExpr);
}

function printMatrixSelector(e: MatrixSelector): string {
  const vs = e.vectorSelector;
  const range = e.rangeExpr !== null ? printDurationExpr(e.rangeExpr) : formatDuration(e.rangeMs);
  const extended = vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
  return `${printSelectorBody(vs)}[${range}]${extended}${printAt(vs.timestampMs, vs.startOrEnd)}${printOffset(vs.originalOffsetMs, vs.originalOffsetExpr)}`;
}

function printSubquerySuffix(e: SubqueryExpr): string {
  const range = e.rangeExpr !== null ? printDurationExpr(e.rangeExpr) : formatDuration(e.rangeMs);
  let step = '';
  if (e.stepMs !== 0) step = formatDuration(e.stepMs);
  else if (e.stepExpr !== null) step = printDurationExpr(e.stepExpr);
  return `[${range}:${step}]${printAt(e.timestampMs, e.startOrEnd)}${printOffset(e.originalOffsetMs, e.originalOffsetExpr)}`;
}
