/**
 * The expected-failures file: every conformance case that does not pass yet, with the
 * reason, one per line.
 *
 * ```text
 * # comment
 * prometheus-v3.14.0/native_histograms.test:37 native histograms are not supported yet
 * differential:rate:rate:http_requests_total:5m:range  extrapolation differs at resets
 * ```
 *
 * - A line is `<key> <reason>`: the key has no white space, the reason is the rest of the
 *   line and must not be empty. Blank lines and lines starting with `#` are ignored.
 * - Keys are `<file>:<line>` for promqltest cases (the file relative to
 *   `conformance/testdata/upstream/`, the line of the `eval`) and `differential:<case id>`
 *   for differential cases. A key may appear once.
 * - The run fails when a listed case passes (remove its line) and when a case that is not
 *   listed fails; so the list can only shrink. A listed key that no longer names a case is
 *   reported too.
 */

/** One entry of the expected-failures file. */
export interface ExpectedFailure {
  readonly key: string;
  readonly reason: string;
  /** 1-based line in the file (0 for entries not read from a file). */
  readonly line: number;
}

/** A malformed expected-failures file. */
export class ExpectedFailuresError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`expected failures, line ${line}: ${message}`);
    this.name = 'ExpectedFailuresError';
    this.line = line;
  }
}

/**
 * Reads an expected-failures file.
 *
 * @throws {ExpectedFailuresError} for a line without a reason or a repeated key.
 */
export function parseExpectedFailures(text: string): ExpectedFailure[] {
  const out: ExpectedFailure[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    const m = /^(\S+)\s+(\S.*)$/.exec(l);
    if (m === null)
      throw new ExpectedFailuresError(i + 1, `expected "<key> <reason>", got ${JSON.stringify(l)}`);
    const key = m[1]!;
    const first = seen.get(key);
    if (first !== undefined)
      throw new ExpectedFailuresError(i + 1, `${key} is already listed on line ${first}`);
    seen.set(key, i + 1);
    out.push({ key, reason: m[2]!.trim(), line: i + 1 });
  });
  return out;
}

/** Writes entries as an expected-failures file, sorted by key, after `header` comment lines. */
export function formatExpectedFailures(
  entries: readonly ExpectedFailure[],
  header: readonly string[] = [],
): string {
  const lines = header.map((h) => `# ${h}`.trimEnd());
  const sorted = [...entries].sort((a, b) => compareKeys(a.key, b.key));
  for (const e of sorted) {
    if (/\s/.test(e.key)) throw new Error(`key ${JSON.stringify(e.key)} contains white space`);
    if (e.reason.trim() === '' || e.reason.includes('\n')) {
      throw new Error(`reason of ${e.key} must be one non-empty line`);
    }
    lines.push(`${e.key} ${e.reason.trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Orders keys by text, with the line numbers of `file:line` keys in numeric order. */
export function compareKeys(a: string, b: string): number {
  const ma = /^(.*):(\d+)$/.exec(a);
  const mb = /^(.*):(\d+)$/.exec(b);
  if (ma !== null && mb !== null && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The outcome of one case, as the check needs it. */
export interface CaseOutcome {
  readonly key: string;
  readonly passed: boolean;
  /** Why it did not pass (shown for unexpected failures). */
  readonly message?: string | null;
}

/** What {@link checkExpectedFailures} found; `ok` when all lists are empty. */
export interface ExpectedFailuresCheck {
  readonly ok: boolean;
  /** Cases that failed without being listed. */
  readonly unexpectedFailures: readonly CaseOutcome[];
  /** Listed cases that passed: their lines must be removed. */
  readonly unexpectedPasses: readonly ExpectedFailure[];
  /** Listed keys in scope that name no case that ran. */
  readonly unknown: readonly ExpectedFailure[];
  /** Listed cases that failed as expected. */
  readonly expectedFailures: number;
  readonly passed: number;
}

/**
 * Checks outcomes against the list. `inScope` limits the listed keys that must name a case
 * that ran (default: all), for runs of a subset of the suite.
 */
export function checkExpectedFailures(
  outcomes: readonly CaseOutcome[],
  expected: readonly ExpectedFailure[],
  inScope: (key: string) => boolean = () => true,
): ExpectedFailuresCheck {
  const listed = new Map(expected.map((e) => [e.key, e]));
  const ran = new Set<string>();
  const unexpectedFailures: CaseOutcome[] = [];
  const unexpectedPasses: ExpectedFailure[] = [];
  let expectedFailures = 0;
  let passed = 0;
  for (const o of outcomes) {
    ran.add(o.key);
    const entry = listed.get(o.key);
    if (o.passed) {
      passed++;
      if (entry !== undefined) unexpectedPasses.push(entry);
    } else if (entry === undefined) {
      unexpectedFailures.push(o);
    } else {
      expectedFailures++;
    }
  }
  const unknown = expected.filter((e) => !ran.has(e.key) && inScope(e.key));
  return {
    ok: unexpectedFailures.length === 0 && unexpectedPasses.length === 0 && unknown.length === 0,
    unexpectedFailures,
    unexpectedPasses,
    unknown,
    expectedFailures,
    passed,
  };
}

/**
 * The entries for every case that did not pass: listed reasons are kept, new failures get
 * `reasonFor(outcome)`. For starting a list, or after fixing cases (passing ones drop out);
 * it never hides a failure, since every failing case stays listed with a reason.
 */
export function expectedFailuresFor(
  outcomes: readonly CaseOutcome[],
  existing: readonly ExpectedFailure[],
  reasonFor: (outcome: CaseOutcome) => string,
): ExpectedFailure[] {
  const listed = new Map(existing.map((e) => [e.key, e]));
  return outcomes
    .filter((o) => !o.passed)
    .map((o) => listed.get(o.key) ?? { key: o.key, reason: reasonFor(o), line: 0 });
}

/** A human-readable account of a failed check. */
export function formatCheck(check: ExpectedFailuresCheck): string {
  const lines: string[] = [];
  for (const o of check.unexpectedFailures)
    lines.push(
      `FAILED (not in the expected failures): ${o.key}${o.message ? `: ${o.message}` : ''}`,
    );
  for (const e of check.unexpectedPasses)
    lines.push(`PASSED (remove it from the expected failures, line ${e.line}): ${e.key}`);
  for (const e of check.unknown)
    lines.push(`UNKNOWN (no such case, remove line ${e.line}): ${e.key}`);
  return lines.join('\n');
}
