/**
 * Label sets as the engine handles them: `readonly Label[]` sorted by name with unique
 * names and no empty values (see `storage.ts`). Every operation returns a new array and
 * keeps that invariant. Semantics follow prometheus/prometheus model/labels (Builder,
 * Compare, String, MatchLabels).
 */
import { isLegacyLabelName, quoteGo } from '@promql-ts/parser';
import type { Label, Labels } from './storage.js';

/** The metric name label. */
export const METRIC_NAME = '__name__';

/** The empty label set. */
export const EMPTY_LABELS: Labels = Object.freeze([]);

/**
 * Go's string comparison: by UTF-8 bytes. That is UTF-16 code unit order except that a
 * surrogate pair (a code point above U+FFFF, F0.. in UTF-8) sorts after U+E000..U+FFFF
 * (EE.. and EF..), though its code units (D800..DFFF) are smaller.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800..DFFF) encode code points above FFFF: move them above E000..FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The value of label `name`, or `''` when the set has no such label. */
export function getLabel(ls: Labels, name: string): string {
  return findLabel(ls, name)?.value ?? '';
}

/** Whether the set has label `name`. */
export function hasLabel(ls: Labels, name: string): boolean {
  return getLabel(ls, name) !== '';
}

/**
 * A string that identifies the label set: equal sets give equal keys. Used for hashing and
 * grouping (Prometheus uses a 64-bit hash of the same bytes).
 */
export function labelsKey(ls: Labels): string {
  let key = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    key += `${l.name}\u0000${l.value}\u0001`;
  }
  return key;
}

/** The key of the subset of `ls` named in `names` (which must be sorted). */
export function keyForLabels(ls: Labels, names: readonly string[]): string {
  let key = '';
  let j = 0;
  for (let i = 0; i < ls.length && j < names.length; ) {
    const l = ls[i]!;
    const n = names[j]!;
    if (l.name === n) {
      key += `${l.name}\u0000${l.value}\u0001`;
      i++;
      j++;
    } else if (l.name < n) i++;
    else j++;
  }
  return key;
}

/** The key of `ls` without the labels named in `names` (which must be sorted). */
export function keyWithoutLabels(ls: Labels, names: readonly string[]): string {
  let key = '';
  let j = 0;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    while (j < names.length && names[j]! < l.name) j++;
    if (j < names.length && names[j] === l.name) continue;
    key += `${l.name}\u0000${l.value}\u0001`;
  }
  return key;
}

/** `ls` with only the labels named in `names` kept. */
export function keepLabels(ls: Labels, names: readonly string[]): Labels {
  return labelsByName(ls, names, true);
}

/** `ls` without the labels named in `names`. */
export function dropLabels(ls: Labels, names: readonly string[]): Labels {
  if (names.length === 0) return ls;
  const out = labelsByName(ls, names, false);
  return out.length === ls.length ? ls : out;
}

/** The labels of `ls` whose being named in `names` is `named`. */
function labelsByName(ls: Labels, names: readonly string[], named: boolean): Label[] {
  const set = names.length > 8 ? new Set(names) : null;
  const out: Label[] = [];
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if ((set !== null ? set.has(l.name) : isNamed(names, l.name)) === named) out.push(l);
  }
  return out;
}

/** Whether `name` is one of the few `names` (a loop: no call into the runtime). */
function isNamed(names: readonly string[], name: string): boolean {
  for (let i = 0; i < names.length; i++) if (names[i] === name) return true;
  return false;
}

/**
 * Labels that describe the metric rather than the series: its name and, with Prometheus
 * 3's type-and-unit labels, `__type__` and `__unit__`. Operations that change what a value
 * means drop all of them (Prometheus's `DropReserved(IsMetadataLabel)`).
 */
export const METADATA_LABELS: readonly string[] = ['__name__', '__type__', '__unit__'];

/** Whether `ls` has one of the {@link METADATA_LABELS}. */
export function hasMetadataLabel(ls: Labels): boolean {
  for (let i = 0; i < ls.length; i++) {
    const n = ls[i]!.name;
    if (n === '__name__' || n === '__type__' || n === '__unit__') return true;
    // Every metadata label starts with "__" and sorts among the first labels.
    if (n > '__unit__') return false;
  }
  return false;
}

/** `ls` without the metric name and the other metadata labels (`__type__`, `__unit__`). */
export function dropMetricName(ls: Labels): Labels {
  const cached = withoutNameCache.get(ls);
  if (cached !== undefined) return cached;
  const out = dropMetadataLabels(ls);
  withoutNameCache.set(ls, out);
  return out;
}

/**
 * `dropMetricName` results by input label set. Label sets are immutable, and storages
 * hand out the same arrays query after query, so the same series' name-less labels are
 * built once instead of at every query (and the results share one array).
 */
const withoutNameCache = new WeakMap<Labels, Labels>();

function dropMetadataLabels(ls: Labels): Labels {
  // Every metadata label starts with "__" and sorts among the first labels.
  let first = -1;
  let count = 0;
  for (let i = 0; i < ls.length; i++) {
    const n = ls[i]!.name;
    if (n === '__name__' || n === '__type__' || n === '__unit__') {
      if (first < 0) first = i;
      count++;
    } else if (n > '__unit__') break;
  }
  if (count === 0) return ls;
  // The usual case, the name alone: one slice (or two) instead of a filter.
  if (count === 1)
    return first === 0 ? ls.slice(1) : [...ls.slice(0, first), ...ls.slice(first + 1)];
  return ls.filter((l) => l.name !== '__name__' && l.name !== '__type__' && l.name !== '__unit__');
}

/** `ls` with label `name` set to `value`; an empty value removes the label. */
export function setLabel(ls: Labels, name: string, value: string): Labels {
  return replaceLabel(ls, { name, value });
}

/**
 * `ls` with `label.name` set to `label.value` (the label removed when the value is
 * empty): `ls` itself when that is already so, else a new array that holds `label`
 * itself, so that one label object can go into every set that gets it (as
 * `label_replace`, `label_join` and `group_left` give many sets the same label). The
 * array is allocated at its final size: a query that sets a label on every series makes
 * one small array per series and no garbage beside it.
 */
export function replaceLabel(ls: Labels, label: Label): Labels {
  const { name, value } = label;
  const n = ls.length;
  let i = 0;
  while (i < n && ls[i]!.name < name) i++;
  const present = i < n && ls[i]!.name === name;
  if (present ? ls[i]!.value === value : value === '') return ls;
  const out: Label[] = new Array(n + (value === '' ? 0 : 1) - (present ? 1 : 0));
  let k = 0;
  for (let j = 0; j < i; j++) out[k++] = ls[j]!;
  if (value !== '') out[k++] = label;
  for (let j = present ? i + 1 : i; j < n; j++) out[k++] = ls[j]!;
  return out;
}

/** The label object of `ls` named `name`, if it has one. */
export function findLabel(ls: Labels, name: string): Label | undefined {
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (l.name === name) return l;
    if (l.name > name) return undefined;
  }
  return undefined;
}

/** Builds a sorted label set from name/value pairs (empty values dropped, last wins). */
export function labelsFrom(pairs: Iterable<readonly [string, string]>): Labels {
  const map = new Map<string, string>();
  for (const [n, v] of pairs) map.set(n, v);
  const out: Label[] = [];
  for (const [name, value] of map) if (value !== '') out.push({ name, value });
  out.sort((a, b) => compareStrings(a.name, b.name));
  return out;
}

/** Prometheus's `labels.Compare`: by each label's name, then value, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // Storages share one object per name and value (storage-mem does): equal labels are
    // then told without reading them.
    if (x === y) continue;
    if (x.name !== y.name) return compareStrings(x.name, y.name);
    if (x.value !== y.value) return compareStrings(x.value, y.value);
  }
  return a.length - b.length;
}

/** Whether two label sets are equal. */
export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
  }
  return true;
}

/** Prometheus's `labels.String()`: `{a="b", c="d"}` with Go quoting. */
export function labelsToString(ls: Labels): string {
  const parts = ls.map(
    (l) => `${isLegacyLabelName(l.name) ? l.name : quoteGo(l.name)}=${quoteGo(l.value)}`,
  );
  return `{${parts.join(', ')}}`;
}

/**
 * Prometheus's `labels.MatchLabels(on, names...)`: with `on`, the labels named; without,
 * every label but those named and the metric name.
 */
export function matchLabels(ls: Labels, on: boolean, names: readonly string[]): Labels {
  if (on) return keepLabels(ls, names);
  return dropLabels(ls, [...names, METRIC_NAME]);
}
