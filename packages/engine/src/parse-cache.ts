/**
 * Parsed queries by their text. A query that runs again (a dashboard refreshes the same
 * panels every few seconds, an alerting rule runs at every interval) skips the parser:
 * its AST is looked up instead of being built again. ASTs are immutable, so one AST can
 * serve any number of evaluations, concurrent ones included. The options that change
 * what the parser builds (`experimental`, `compat`) select one table each; the least
 * recently used entries go first once a table holds {@link setParseCacheSize} queries.
 * Parse errors are not kept: a bad query is parsed, and refused, every time.
 */
import { type Expr, parse } from '@promql-ts/parser';
import { Lru } from './lru.js';
import type { Compat } from './options.js';

let capacity = 1000;
/** One table per parser configuration. */
const tables = new Map<string, Lru<string, Expr>>();

/**
 * Sets how many parsed queries the engine keeps per parser configuration (default
 * 1000; 0 turns the cache off and empties it).
 */
export function setParseCacheSize(queries: number): void {
  capacity = Math.max(0, Math.floor(queries));
  for (const table of tables.values()) table.resize(capacity);
}

/** The AST of `query`, from the cache or parsed (and then kept). */
export function parseCached(query: string, experimental: boolean, compat: Compat): Expr {
  if (capacity === 0) return parse(query, { experimental, compat });
  const config = experimental ? `${compat}+experimental` : compat;
  let table = tables.get(config);
  if (table === undefined) {
    table = new Lru(capacity);
    tables.set(config, table);
  }
  const hit = table.get(query);
  if (hit !== undefined) return hit;
  const expr = parse(query, { experimental, compat });
  table.set(query, expr);
  return expr;
}
