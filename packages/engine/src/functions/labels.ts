/**
 * `label_replace` and `label_join`: they rewrite one label of every series (not of
 * points), keep the values, and merge series that end up with the same label set, as
 * Prometheus's `evalLabelReplace`/`evalLabelJoin` and `mergeSeriesWithSameLabelset` do.
 * The metric name is kept unless the destination label is `__name__`, which then stays
 * (delayed name removal no longer drops it).
 */
import { isLegacyLabelName, isValidUtf8 } from '@promql-ts/parser';
import { RE2JS } from 're2js';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import { derivedFromList } from '../label-list-cache.js';
import { getLabel, METRIC_NAME, replaceLabel } from '../labels.js';
import { Lru } from '../lru.js';
import { u8 } from '../pool.js';
import type { Label, Labels } from '../storage.js';
import { knownDistinct, markDistinct, mergeSameLabelsets, type StepVectors } from '../value.js';
import type { FunctionImpl } from './index.js';
import { maySameLabelsets } from './same-labelsets.js';
import { stringArg, vectorArg } from './util.js';

/** Whether `name` may be a label name: any valid UTF-8 in 3.x, `[a-zA-Z_][a-zA-Z0-9_]*` in 2.x. */
function validLabelName(ctx: EvalContext, name: string): boolean {
  if (ctx.options.compat === 'prometheus2') return isLegacyLabelName(name);
  return name.length > 0 && isValidUtf8(name);
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/**
 * Go's `extract` for `Regexp.Expand`: a leading `name` or `{name}` (letters, digits,
 * underscores); `num` is its value when it is a number without leading zeros, else -1.
 */
function extractName(template: string): { name: string; num: number; rest: string } | null {
  let str = template;
  let brace = false;
  if (str.startsWith('{')) {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return null;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/**
 * Go's `Regexp.ExpandString`: `$1`, `${1}`, `$name`, `${name}` are replaced by the
 * submatch (nothing when the group did not take part or does not exist), `$$` is `$`,
 * and a `$` not followed by a valid name is kept as is.
 */
export function expandTemplate(
  template: string,
  group: (i: number) => string | null,
  groupCount: number,
  namedGroups: Readonly<Record<string, number>>,
): string {
  let out = '';
  let rest = template;
  for (;;) {
    const k = rest.indexOf('$');
    if (k < 0) break;
    out += rest.slice(0, k);
    rest = rest.slice(k + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ext = extractName(rest);
    if (ext === null) {
      out += '$';
      continue;
    }
    rest = ext.rest;
    let index = ext.num;
    if (index < 0) index = Object.hasOwn(namedGroups, ext.name) ? namedGroups[ext.name]! : -1;
    if (index >= 0 && index <= groupCount) out += group(index) ?? '';
  }
  return out + rest;
}

/**
 * The result of a label rewrite: new labels and drop-name flags, rows merged. The points
 * are the input's, shared rather than copied: values are not changed once built, and the
 * merge copies them when it merges rows. The merge runs only when two rows may have the
 * same labels (it would return its input otherwise).
 */
function rewritten(
  v: StepVectors,
  labels: Labels[],
  dropName: Uint8Array,
  distinct = false,
): StepVectors {
  const out: StepVectors = { ...v, labels, dropName };
  if (distinct) {
    markDistinct(labels);
    return out;
  }
  return maySameLabelsets(labels) ? mergeSameLabelsets(out) : out;
}

/** label_replace's compiled expressions by source, for the queries that come again. */
const replaceRegexes = new Lru<string, RE2JS>(256);

/**
 * label_replace's rewrites by source value, kept across queries for each regex,
 * replacement and destination: the new label (shared by every series that gets it), or
 * null where the regex does not match. A dashboard runs the same query again and again
 * over mostly the same series, and the regex then need not run again on a value it has
 * seen (on the benchmark's 416 instance names it cost 0.2 ms and 180 KiB of garbage per
 * query). A table is emptied when it reaches {@link REWRITES_PER_TABLE} values, so the
 * cache holds at most that many times the LRU's capacity.
 */
const replaceRewrites = new Lru<string, Map<string, Label | null>>(64);
const REWRITES_PER_TABLE = 10_000;

/** `label_replace(v, dst, replacement, src, regex)`. */
const labelReplace: FunctionImpl = (ctx, plan, args) => {
  const dst = stringArg(plan, args, 1);
  const replacement = stringArg(plan, args, 2);
  const src = stringArg(plan, args, 3);
  const regexSource = stringArg(plan, args, 4);
  let re = replaceRegexes.get(regexSource);
  if (re === undefined) {
    try {
      re = RE2JS.compile(`^(?s:${regexSource})$`);
    } catch {
      throw new ExecutionError(`invalid regular expression in label_replace(): ${regexSource}`);
    }
    replaceRegexes.set(regexSource, re);
  }
  if (!validLabelName(ctx, dst)) {
    throw new ExecutionError(`invalid destination label name in label_replace(): ${dst}`);
  }
  const v = vectorArg(plan, args, 0);
  const named = re.namedGroups();
  const groupCount = re.groupCount();
  // The rewrite depends only on the source value: the new `dst` label per distinct source
  // value (an empty value removes it), null when the regex does not match (the series
  // stays as it is).
  const tableKey = JSON.stringify([regexSource, replacement, dst]);
  let results = replaceRewrites.get(tableKey);
  if (results === undefined) {
    results = new Map();
    replaceRewrites.set(tableKey, results);
  }
  const renames = dst === METRIC_NAME;
  const inLabels = v.labels;
  // The new label sets, null for a row the regex does not match (it stays as it is).
  const rewrite = (): Rewrite => {
    const out: (Labels | null)[] = new Array(inLabels.length);
    let hadDst = false;
    for (let r = 0; r < inLabels.length; r++) {
      const ls = inLabels[r]!;
      if (!hadDst && getLabel(ls, dst) !== '') hadDst = true;
      const value = getLabel(ls, src);
      let res = results.get(value);
      if (res === undefined) {
        const m = re.matcher(value);
        res = m.find()
          ? { name: dst, value: expandTemplate(replacement, (i) => m.group(i), groupCount, named) }
          : null;
        if (results.size >= REWRITES_PER_TABLE) results.clear();
        results.set(value, res);
      }
      out[r] = res === null ? null : replaceLabel(ls, res);
    }
    return { sets: out, hadDst };
  };
  // The rewrite depends on the labels alone: for the same series as in an earlier query,
  // the sets made then (label-list-cache.ts).
  const { sets, hadDst } = derivedFromList(
    `label_replace${JSON.stringify([regexSource, replacement, dst, src])}`,
    inLabels,
    rewrite,
  );
  let labels: Labels[] | null = null; // copied at the first changed row
  let dropName: Uint8Array | null = null; // copied at the first changed flag
  for (let r = 0; r < inLabels.length; r++) {
    const out = sets[r];
    if (out === null || out === undefined) continue;
    if (out !== inLabels[r]) {
      labels ??= inLabels.slice();
      labels[r] = out;
    }
    if (renames && v.dropName[r] !== 0) {
      dropName ??= v.dropName.slice();
      dropName[r] = 0;
    }
  }
  // Distinct rows stay distinct when no row had the destination label before: each keeps
  // all its labels and gains at most that one.
  const distinct = knownDistinct(inLabels) && !hadDst;
  return rewritten(v, labels ?? inLabels, dropName ?? v.dropName, distinct);
};

/** label_replace's new label set per row (null: unchanged), and whether any row had `dst`. */
interface Rewrite {
  readonly sets: readonly (Labels | null)[];
  readonly hadDst: boolean;
}

/** `label_join(v, dst, separator, src...)`. */
const labelJoin: FunctionImpl = (ctx, plan, args) => {
  const dst = stringArg(plan, args, 1);
  const separator = stringArg(plan, args, 2);
  const sources: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const src = stringArg(plan, args, i);
    if (!validLabelName(ctx, src)) {
      throw new ExecutionError(`invalid source label name in label_join(): ${src}`);
    }
    sources.push(src);
  }
  if (!validLabelName(ctx, dst)) {
    throw new ExecutionError(`invalid destination label name in label_join(): ${dst}`);
  }
  const v = vectorArg(plan, args, 0);
  const labels = v.labels.map((ls) => {
    let joined = '';
    for (let i = 0; i < sources.length; i++) {
      if (i > 0) joined += separator;
      joined += getLabel(ls, sources[i]!);
    }
    return replaceLabel(ls, { name: dst, value: joined });
  });
  const dropName = dst === METRIC_NAME ? u8(labels.length) : v.dropName;
  return rewritten(v, labels, dropName);
};

/** The label functions, by PromQL name. */
export const labelFunctions: Readonly<Record<string, FunctionImpl>> = {
  label_replace: labelReplace,
  label_join: labelJoin,
};
