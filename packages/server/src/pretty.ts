/**
 * `/api/v1/format_query`: Prometheus's prettifier (promql/parser/prettier.go). A node whose
 * one-line form fits in 100 bytes is written on one line; a longer one is split, its
 * children indented two spaces per level.
 */
import { type Expr, print } from '@promql-ts/parser';

const MAX_CHARACTERS_PER_LINE = 100;
const encoder = new TextEncoder();

const indent = (level: number): string => '  '.repeat(level);

/** Prometheus's `needsSplit`: the node's one-line form is longer than a line (in bytes). */
function needsSplit(e: Expr): boolean {
  return encoder.encode(print(e)).length > MAX_CHARACTERS_PER_LINE;
}

/** The text `print` writes after the expression of a subquery (`[5m:1m] offset 1m`…). */
function suffixAfter(whole: string, inner: string): string {
  return whole.slice(inner.length);
}

/**
 * The prettified form of `e` at indentation `level` (0 for a whole query), as Prometheus's
 * `Pretty(level)` methods write it.
 */
export function pretty(e: Expr, level = 0): string {
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + print(e);
      // The part before the parenthesis: `sum by (job) `.
      const whole = print(e);
      const head = whole.slice(0, whole.indexOf('('));
      let s = `${indent(level)}${head}(\n`;
      if (e.param !== null) s += `${pretty(e.param, level + 1)},\n`;
      return `${s}${pretty(e.expr, level + 1)}\n${indent(level)})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(e)) return indent(level) + print(e);
      // The operator with `bool` and the matching clause, as `print` writes them.
      const whole = print(e);
      const lhs = print(e.lhs);
      const rhs = print(e.rhs);
      const op = whole.slice(lhs.length + 1, whole.length - rhs.length - 1);
      return `${pretty(e.lhs, level + 1)}\n${indent(level)}${op}\n${pretty(e.rhs, level + 1)}`;
    }
    case 'Call': {
      if (!needsSplit(e)) return indent(level) + print(e);
      const args = e.args.map((a) => pretty(a, level + 1)).join(',\n');
      return `${indent(level)}${e.func}(\n${args}\n${indent(level)})`;
    }
    case 'ParenExpr':
      if (!needsSplit(e)) return indent(level) + print(e);
      return `${indent(level)}(\n${pretty(e.expr, level + 1)}\n${indent(level)})`;
    case 'SubqueryExpr':
      // As Prometheus: no indentation when the subquery fits on a line.
      if (!needsSplit(e)) return print(e);
      return pretty(e.expr, level) + suffixAfter(print(e), print(e.expr));
    case 'UnaryExpr':
      return `${indent(level)}${e.op}${pretty(e.expr, level).trim()}`;
    case 'DurationExpr':
    case 'MatrixSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return indent(level) + print(e);
  }
}
