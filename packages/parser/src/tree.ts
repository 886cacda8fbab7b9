import { children, type Expr } from './ast.js';
import { print } from './printer.js';

/**
 * The tree structure of `e`, one node per line with its kind and canonical text, children
 * indented, as Prometheus's `parser.Tree` shows it:
 *
 * ```text
 *  |---- BinaryExpr :: a + b
 *  · · · |---- VectorSelector :: a
 *  · · · |---- VectorSelector :: b
 * ```
 *
 * Children come in Prometheus's `ChildrenIter` order, which differs from source order in
 * one place: an aggregation lists its expression before its parameter.
 */
export function tree(e: Expr): string {
  let out = '';
  const visit = (node: Expr, level: string) => {
    out += `${level} |---- ${node.kind} :: ${print(node)}\n`;
    const next = `${level} · · ·`;
    if (node.kind === 'AggregateExpr') {
      visit(node.expr, next);
      if (node.param !== null) visit(node.param, next);
      return;
    }
    for (const c of children(node)) visit(c, next);
  };
  visit(e, '');
  return out;
}
