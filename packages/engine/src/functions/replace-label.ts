/**
 * Setting one label of many label sets, as `label_replace` and `label_join` do: the same
 * result as `setLabel`, without a new array when nothing changes and with the new label
 * given as an object that can be shared by every set it goes into.
 */
import type { Label, Labels } from '../storage.js';

/**
 * `ls` with `label.name` set to `label.value` (the label removed when the value is
 * empty), as {@link setLabel} gives it; `ls` itself when that is already so, else a new
 * array holding `label` itself.
 */
export function replaceLabel(ls: Labels, label: Label): Labels {
  const { name, value } = label;
  const n = ls.length;
  let i = 0;
  while (i < n && ls[i]!.name < name) i++;
  const present = i < n && ls[i]!.name === name;
  if (present ? ls[i]!.value === value : value === '') return ls;
  const out: Label[] = [];
  for (let k = 0; k < i; k++) out.push(ls[k]!);
  if (value !== '') out.push(label);
  for (let k = present ? i + 1 : i; k < n; k++) out.push(ls[k]!);
  return out;
}
