/**
 * Label sets: validation, normalisation and ordering.
 */
import { compareStrings, type Label, type Labels } from '@promql-ts/engine';
import { InvalidLabelsError } from './errors.js';

/**
 * Labels as callers may give them: a {@link Labels} array (any order) or a plain object
 * `{ __name__: 'up', job: 'api' }`.
 */
export type LabelsInput = Labels | Readonly<Record<string, string>>;

/** True when `s` contains no lone surrogate, i.e. it is encodable as valid UTF-8. */
export function isValidUtf16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Validates and normalises a label set: drops labels whose value is empty (they do not
 * exist, as in Prometheus), sorts by name in code point order, and checks that names are
 * non-empty and unique and that names and values are valid Unicode (no lone surrogate:
 * the JavaScript form of "invalid UTF-8"). Label name syntax is not restricted further:
 * Prometheus 3 accepts any valid UTF-8 name.
 *
 * The returned array and its labels are new, frozen objects.
 *
 * @throws InvalidLabelsError when the set is invalid or empty after dropping empty values.
 */
export function normalizeLabels(input: LabelsInput): Labels {
  const out: Label[] = [];
  if (Array.isArray(input)) {
    for (const l of input as Labels) {
      if (typeof l !== 'object' || l === null)
        throw new InvalidLabelsError('label is not an object');
      pushLabel(out, l.name, l.value);
    }
  } else if (typeof input === 'object' && input !== null) {
    const record = input as Readonly<Record<string, string>>;
    for (const name of Object.keys(record)) pushLabel(out, name, record[name]);
  } else {
    throw new InvalidLabelsError('labels must be an array or an object');
  }
  if (out.length === 0) throw new InvalidLabelsError('empty label set');
  let sorted = true;
  for (let i = 1; i < out.length; i++) {
    if (compareStrings(out[i - 1]!.name, out[i]!.name) >= 0) {
      sorted = false;
      break;
    }
  }
  if (!sorted) out.sort((x, y) => compareStrings(x.name, y.name));
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.name === out[i]!.name) {
      throw new InvalidLabelsError(`label name ${JSON.stringify(out[i]!.name)} is not unique`);
    }
  }
  return Object.freeze(out);
}

function pushLabel(out: Label[], name: unknown, value: unknown): void {
  if (typeof name !== 'string' || typeof value !== 'string') {
    throw new InvalidLabelsError('label names and values must be strings');
  }
  if (name === '') throw new InvalidLabelsError('empty label name');
  if (!isValidUtf16(name)) {
    throw new InvalidLabelsError(`invalid UTF-8 in label name ${JSON.stringify(name)}`);
  }
  if (!isValidUtf16(value)) {
    throw new InvalidLabelsError(`invalid UTF-8 in value of label ${JSON.stringify(name)}`);
  }
  if (value !== '') out.push(Object.freeze({ name, value }));
}

/**
 * A 32-bit FNV-1a hash of a normalised label set (names and values with separators that
 * cannot be confused with their characters' low bytes alone — collisions are resolved
 * by {@link labelsEqual} anyway).
 */
export function labelsHash(labels: Labels): number {
  let h = 0x811c9dc5;
  for (const l of labels) {
    const name = l.name;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xfffe, 0x01000193);
    const value = l.value;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return h | 0;
}

/** Whether two normalised label sets are equal. */
export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  }
  return true;
}

/** The value of label `name`, or `""` when the set has no such label. */
export function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}
