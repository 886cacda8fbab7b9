/**
 * `explain`: the plan of a query as an indented tree, one operator per line, with the
 * storage reads (matchers, time range, hints) listed after it.
 */
import { formatDuration, printMatcher } from '@promql-ts/parser';
import type { PlanNode, QueryPlan, SelectPlan } from './nodes.js';

function time(ms: number): string {
  return new Date(ms).toISOString();
}

function at(atMs: number | null, offsetMs: number): string {
  let s = '';
  if (atMs !== null) s += ` @ ${(atMs / 1000).toString()}`;
  if (offsetMs !== 0)
    s += ` offset ${offsetMs < 0 ? '-' : ''}${formatDuration(Math.abs(offsetMs))}`;
  return s;
}

function label(node: PlanNode): string {
  switch (node.kind) {
    case 'Number':
      return `Number ${node.value}`;
    case 'String':
      return `String ${JSON.stringify(node.value)}`;
    case 'Selector':
      return `InstantSelector select#${node.select.id}${at(node.atMs, node.offsetMs)}${node.smoothed ? ' smoothed' : ''}`;
    case 'RangeSelector':
      return `RangeSelector select#${node.select.id} [${formatDuration(node.rangeMs)}]${at(node.atMs, node.offsetMs)}${node.modifier === 'none' ? '' : ` ${node.modifier}`}`;
    case 'Subquery':
      return `Subquery [${formatDuration(node.rangeMs)}:${formatDuration(node.stepMs)}]${at(node.atMs, node.offsetMs)}`;
    case 'Call':
      return `Call ${node.func}`;
    case 'Aggregate':
      return `Aggregate ${node.op}${node.grouping.length > 0 || node.without ? ` ${node.without ? 'without' : 'by'} (${node.grouping.join(', ')})` : ''}`;
    case 'Binary': {
      const m = node.matching;
      let s = `Binary ${node.op}${node.returnBool ? ' bool' : ''}`;
      if (m !== null && (m.on || m.matchingLabels.length > 0)) {
        s += ` ${m.on ? 'on' : 'ignoring'} (${m.matchingLabels.join(', ')})`;
      }
      if (m !== null && m.card === 'many-to-one') s += ` group_left (${m.include.join(', ')})`;
      if (m !== null && m.card === 'one-to-many') s += ` group_right (${m.include.join(', ')})`;
      return s;
    }
    case 'Unary':
      return `Unary ${node.op}`;
    case 'StepInvariant':
      return 'StepInvariant (evaluated once)';
  }
}

function children(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'Subquery':
    case 'Unary':
    case 'StepInvariant':
      return [node.expr];
    case 'Call':
      return [...node.args];
    case 'Aggregate':
      return node.param === null ? [node.expr] : [node.param, node.expr];
    case 'Binary':
      return [node.lhs, node.rhs];
    default:
      return [];
  }
}

function selectLine(s: SelectPlan): string {
  const h = s.hints;
  const hints: string[] = [];
  if (h.func !== null) hints.push(`func=${h.func}`);
  if (h.rangeMs > 0) hints.push(`range=${formatDuration(h.rangeMs)}`);
  if (h.stepMs > 0) hints.push(`step=${formatDuration(h.stepMs)}`);
  if (h.latestOnly === true) hints.push('latest');
  if (h.grouping.length > 0) hints.push(`${h.by ? 'by' : 'without'}=(${h.grouping.join(', ')})`);
  return `select#${s.id} {${s.written.map(printMatcher).join(', ')}} from ${time(h.startMs)} to ${time(h.endMs)}${hints.length > 0 ? ` (${hints.join(' ')})` : ''}`;
}

/** The plan as text: the operator tree, then each storage read. */
export function explainPlan(plan: QueryPlan): string {
  const lines: string[] = [];
  const walk = (node: PlanNode, prefix: string, childPrefix: string) => {
    lines.push(prefix + label(node));
    const kids = children(node);
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      walk(k, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(plan.root, '', '');
  if (plan.selects.length > 0) {
    lines.push('');
    for (const s of plan.selects) lines.push(selectLine(s));
  }
  return lines.join('\n');
}
