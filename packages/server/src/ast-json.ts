/**
 * `/api/v1/parse_query`: the syntax tree as the JSON Prometheus's `translateAST`
 * (web/api/v1/translate_ast.go) returns for its tree view. Every node is a Go map, so keys
 * come out sorted.
 *
 * Fields follow Prometheus 3.5. Syntax newer than 3.5 (`anchored`/`smoothed` selectors,
 * `fill` modifiers) adds the fields later Prometheus versions write, only when it is used,
 * so that queries 3.5 accepts get exactly 3.5's answer.
 */
import { assertNever, type Expr, formatFloatF, functionSignature, print } from '@promql-ts/parser';
import { GoMap } from './go-json.js';

function matchers(list: readonly { type: string; name: string; value: string }[]): GoMap[] {
  return list.map((m) => new GoMap({ name: m.name, value: m.value, type: m.type }));
}

function selectorExtras(anchored: boolean, smoothed: boolean): Record<string, boolean> {
  const extra: Record<string, boolean> = {};
  if (anchored) extra.anchored = true;
  if (smoothed) extra.smoothed = true;
  return extra;
}

/** An offset in milliseconds as Go's `Duration.Milliseconds()` of the parsed offset. */
function offsetMs(ms: number, expr: Expr | null): number {
  // Offsets computed at evaluation time (duration expressions) are 0 in the parsed tree.
  return expr === null ? ms : 0;
}

/** The tree of `e` as Prometheus's `translateAST` builds it. */
export function translateAst(e: Expr): GoMap | null {
  switch (e.kind) {
    case 'AggregateExpr':
      return new GoMap({
        type: 'aggregation',
        op: e.op,
        expr: translateAst(e.expr),
        param: e.param === null ? null : translateAst(e.param),
        grouping: [...e.grouping],
        without: e.without,
      });
    case 'BinaryExpr': {
      let matching: GoMap | null = null;
      const m = e.matching;
      if (m !== null) {
        const fields: Record<string, unknown> = {
          card: m.card,
          labels: [...m.matchingLabels],
          on: m.on,
          include: [...m.include],
        };
        if (m.fillValues.lhs !== null || m.fillValues.rhs !== null) {
          fields.fillValues = new GoMap({ lhs: m.fillValues.lhs, rhs: m.fillValues.rhs });
        }
        matching = new GoMap(fields);
      }
      return new GoMap({
        type: 'binaryExpr',
        op: e.op,
        lhs: translateAst(e.lhs),
        rhs: translateAst(e.rhs),
        matching,
        bool: e.returnBool,
      });
    }
    case 'Call': {
      const sig = functionSignature(e.func);
      return new GoMap({
        type: 'call',
        func: new GoMap({
          name: e.func,
          argTypes: sig === undefined ? [] : [...sig.argTypes],
          variadic: sig?.variadic ?? 0,
          returnType: sig?.returnType ?? 'vector',
        }),
        args: e.args.map(translateAst),
      });
    }
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return new GoMap({
        type: 'matrixSelector',
        name: vs.name,
        range: e.rangeMs,
        offset: offsetMs(vs.originalOffsetMs, vs.originalOffsetExpr),
        matchers: matchers(vs.labelMatchers),
        timestamp: vs.timestampMs,
        startOrEnd: vs.startOrEnd,
        ...selectorExtras(vs.anchored, vs.smoothed),
      });
    }
    case 'SubqueryExpr':
      return new GoMap({
        type: 'subquery',
        expr: translateAst(e.expr),
        range: e.rangeMs,
        offset: offsetMs(e.originalOffsetMs, e.originalOffsetExpr),
        step: e.stepMs,
        timestamp: e.timestampMs,
        startOrEnd: e.startOrEnd,
      });
    case 'NumberLiteral':
      return new GoMap({ type: 'numberLiteral', val: formatFloatF(e.val) });
    case 'ParenExpr':
      return new GoMap({ type: 'parenExpr', expr: translateAst(e.expr) });
    case 'StringLiteral':
      return new GoMap({ type: 'stringLiteral', val: e.val });
    case 'UnaryExpr':
      return new GoMap({ type: 'unaryExpr', op: e.op, expr: translateAst(e.expr) });
    case 'VectorSelector':
      return new GoMap({
        type: 'vectorSelector',
        name: e.name,
        offset: offsetMs(e.originalOffsetMs, e.originalOffsetExpr),
        matchers: matchers(e.labelMatchers),
        timestamp: e.timestampMs,
        startOrEnd: e.startOrEnd,
        ...selectorExtras(e.anchored, e.smoothed),
      });
    case 'DurationExpr':
      // Not a node of the tree Prometheus translates (durations live inside selectors);
      // shown as the number literal it stands for.
      return new GoMap({ type: 'numberLiteral', val: print(e) });
    default:
      return assertNever(e);
  }
}
