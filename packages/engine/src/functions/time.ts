/**
 * The date functions (`year`, `month`, `day_of_month`, `day_of_year`, `day_of_week`,
 * `days_in_month`, `hour`, `minute`): the UTC calendar fields of `time.Unix(int64(v), 0)`,
 * computed exactly as Go's `time` package does (the Neri–Schneider calendar arithmetic on
 * "absolute" seconds since March 1 of year -292277022400), including Go's conversion of
 * NaN, ±Inf and out-of-range floats to int64 on amd64 (math.MinInt64) and the wrap-around
 * arithmetic that follows. Ordinary times take an exact fast path in doubles.
 */
import type { EvalContext } from '../eval/context.js';
import type { CallPlan } from '../plan/nodes.js';
import { f64 } from '../pool.js';
import { emptyVectors, type Grid, type StepVectors, type Value } from '../value.js';
import type { FunctionImpl } from './index.js';
import { checkedResult, droppedNames, vectorArg } from './util.js';

/** Calendar fields of one instant, as Go's time.Time methods return them (UTC). */
export interface GoDate {
  readonly year: number;
  /** 1 = January. */
  readonly month: number;
  readonly day: number;
  /** 1-based. */
  readonly yearDay: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  readonly daysInMonth: number;
}

const SECONDS_PER_DAY = 86400;
/** Days from March 1 through December 31. */
const MARCH_THRU_DECEMBER = 306;
const ABSOLUTE_YEARS = 292277022400;
/** Go's unixToInternal / 86400 and internalToAbsolute / 86400, both whole days. */
const UNIX_TO_INTERNAL_DAYS = 719162;
const INTERNAL_TO_ABSOLUTE_DAYS = (ABSOLUTE_YEARS / 400) * 146097 + MARCH_THRU_DECEMBER;
/** Days from the absolute zero instant to the Unix epoch (exact in a double). */
const UNIX_TO_ABSOLUTE_DAYS = UNIX_TO_INTERNAL_DAYS + INTERNAL_TO_ABSOLUTE_DAYS;
/** Seconds within which the fast path is exact. */
const FAST_LIMIT = 2 ** 50;

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const I64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const UNIX_TO_ABSOLUTE_BIG = BigInt(UNIX_TO_ABSOLUTE_DAYS) * 86400n;
const MIN_INT64 = -(2n ** 63n);

/** Go's `absDays.split`'s last stage and the fields derived from (century, ayday). */
function fieldsFrom(
  century: number,
  cyear: number,
  ayday: number,
  year: number,
  weekday: number,
  hour: number,
  minute: number,
  daysInMonth: (year: number, month: number) => number,
): GoDate {
  const d = 2141 * ayday + 197913;
  const amonth = d >>> 16;
  const day = 1 + Math.floor((d & 0xffff) / 2141);
  const janFeb = ayday >= MARCH_THRU_DECEMBER ? 1 : 0;
  const month = amonth - janFeb * 12;
  const leap = cyear % 4 === 0 && (cyear !== 0 || century % 4 === 0) ? 1 : 0;
  const yearDay = ayday + (1 + 31 + 28) + (leap & ~janFeb) - 365 * janFeb;
  return {
    year,
    month,
    day,
    yearDay,
    weekday,
    hour,
    minute,
    daysInMonth: daysInMonth(year, month),
  };
}

/** (cyear, ayday) of the day-in-century remainder `rem` (Go's bits.Mul32 trick). */
function splitCentury(rem: number): [number, number] {
  const cd = rem | 3;
  const p = 2939745 * cd;
  const hi = Math.floor(p / 4294967296);
  const lo = p - hi * 4294967296;
  return [hi, Math.floor(Math.floor(lo / 2939745) / 4)];
}

function isLeapYear(y: number): boolean {
  const m = (n: number) => ((y % n) + n) % n;
  return m(4) === 0 && (m(100) !== 0 || m(400) === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function standardDaysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** The date of `sec` seconds since the Unix epoch, |sec| < 2^50 (exact in doubles). */
function fastDate(sec: number): GoDate {
  let r = sec % SECONDS_PER_DAY;
  if (r < 0) r += SECONDS_PER_DAY;
  const days = (sec - r) / SECONDS_PER_DAY + UNIX_TO_ABSOLUTE_DAYS;
  const d = 4 * days + 3;
  const rem = d % 146097;
  const century = (d - rem) / 146097;
  const [cyear, ayday] = splitCentury(rem);
  const janFeb = ayday >= MARCH_THRU_DECEMBER ? 1 : 0;
  const year = century * 100 - ABSOLUTE_YEARS + cyear + janFeb;
  return fieldsFrom(
    century,
    cyear,
    ayday,
    year,
    (days + 3) % 7,
    Math.floor(r / 3600),
    Math.floor((r % 3600) / 60),
    standardDaysInMonth,
  );
}

/** Go's `absDays.split` in uint64 arithmetic. */
function splitBig(days: bigint): { century: bigint; cyear: number; ayday: number } {
  const d = U64(4n * days + 3n);
  const century = d / 146097n;
  const [cyear, ayday] = splitCentury(Number(d % 146097n));
  return { century, cyear, ayday };
}

/** The year Go's `absCentury.year` computes, with int64 wrap-around. */
function yearBig(century: bigint, cyear: number, janFeb: number): bigint {
  return I64(I64(U64(century * 100n - BigInt(ABSOLUTE_YEARS))) + BigInt(cyear + janFeb));
}

/** `32 - time.Date(year, month, 32, 0, 0, 0, 0, UTC).Day()` in Go's int64/uint64 arithmetic. */
function daysInMonthBig(year: bigint, month: number): number {
  const janFeb = month < 3 ? 1 : 0;
  const amonth = month + 12 * janFeb;
  const y = U64(U64(year) - BigInt(janFeb) + BigInt(ABSOLUTE_YEARS));
  const ayday = (979 * amonth - 2919) >> 5;
  const century = y / 100n;
  const cyear = Number(y % 100n);
  const cday = Math.floor((1461 * cyear) / 4);
  const centuryDays = U64(146097n * century) / 4n;
  const days = U64(centuryDays + U64(BigInt(cday + ayday) + 32n - 1n));
  const unix = I64(I64(I64(days) * 86400n) - UNIX_TO_ABSOLUTE_BIG);
  const abs = U64(unix + UNIX_TO_ABSOLUTE_BIG);
  const { ayday: ad } = splitBig(abs / 86400n);
  const dd = 2141 * ad + 197913;
  return 32 - (1 + Math.floor((dd & 0xffff) / 2141));
}

/** The date of any int64 `sec`, with Go's uint64 wrap-around. */
function bigDate(sec: bigint): GoDate {
  const abs = U64(sec + UNIX_TO_ABSOLUTE_BIG);
  const days = abs / 86400n;
  const { century, cyear, ayday } = splitBig(days);
  const janFeb = ayday >= MARCH_THRU_DECEMBER ? 1 : 0;
  const year = yearBig(century, cyear, janFeb);
  const secOfDay = Number(abs % 86400n);
  return fieldsFrom(
    Number(century % 4n),
    cyear,
    ayday,
    Number(year),
    Number((days + 3n) % 7n),
    Math.floor(secOfDay / 3600),
    Math.floor(Number(abs % 3600n) / 60),
    (_y, m) => daysInMonthBig(year, m),
  );
}

/**
 * Go's `int64(v)` on amd64: truncation toward zero; NaN, ±Inf and values outside the
 * int64 range give math.MinInt64.
 */
export function goInt64(v: number): number | bigint {
  const t = Math.trunc(v);
  if (Math.abs(t) < FAST_LIMIT) return t;
  if (!Number.isFinite(v) || v >= 2 ** 63 || v < -(2 ** 63)) return MIN_INT64;
  return BigInt(t);
}

/** The UTC calendar fields of `time.Unix(sec, 0)`. */
export function goDate(sec: number | bigint): GoDate {
  if (typeof sec === 'number') {
    return Math.abs(sec) < FAST_LIMIT ? fastDate(sec) : bigDate(BigInt(sec));
  }
  return bigDate(sec);
}

/** @internal The exact (slow) path, for tests comparing it with the fast one. */
export const goDateExact = (sec: number | bigint): GoDate => bigDate(BigInt(sec));

type Field = (d: GoDate) => number;

/** A date function: of the argument's values, or of the step times without one. */
function dateFunction(field: Field): FunctionImpl {
  return (ctx: EvalContext, plan: CallPlan, args: readonly Value[], grid: Grid): StepVectors => {
    const { nSteps } = grid;
    if (args.length === 0) {
      const out = emptyVectors([[]], nSteps);
      for (let s = 0; s < nSteps; s++) {
        const ms = grid.startMs + s * grid.stepMs;
        // Go's integer division truncates toward zero.
        out.values[s] = field(goDate((ms - (ms % 1000)) / 1000));
        out.mask[s] = 1;
      }
      return out;
    }
    const v = vectorArg(plan, args, 0);
    const values = f64(v.values.length);
    for (let i = 0; i < values.length; i++) {
      if (v.mask[i] === 1) values[i] = field(goDate(goInt64(v.values[i]!)));
    }
    const { labels, dropName } = droppedNames(ctx, v.labels);
    return checkedResult(
      ctx,
      { kind: 'vector', labels, dropName, values, mask: v.mask.slice(), nSteps },
      grid,
    );
  };
}

/** The date functions, by PromQL name. */
export const timeFunctions: Readonly<Record<string, FunctionImpl>> = {
  year: dateFunction((d) => d.year),
  month: dateFunction((d) => d.month),
  day_of_month: dateFunction((d) => d.day),
  day_of_year: dateFunction((d) => d.yearDay),
  day_of_week: dateFunction((d) => d.weekday),
  days_in_month: dateFunction((d) => d.daysInMonth),
  hour: dateFunction((d) => d.hour),
  minute: dateFunction((d) => d.minute),
};
