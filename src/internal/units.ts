import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { ErrorScope, fail } from './errors';

/**
 * Converting a cdk8s Duration or Size to a whole unit throws a plain Error
 * when it is not whole (e.g. `Duration.millis(1500).toSeconds()`); these
 * helpers convert without throwing so that callers can report the property.
 */
export function secondsOf(d: Duration): number {
  // Plain JavaScript callers pass numbers or strings ('30s'): NaN, which every caller's range check reports with the prop.
  return d instanceof Duration ? d.toSeconds({ integral: false }) : Number.NaN;
}

export function millisOf(d: Duration): number {
  return d instanceof Duration ? d.toMilliseconds({ integral: false }) : Number.NaN;
}

export function mebibytesOf(s: Size): number {
  return s instanceof Size ? s.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) : Number.NaN;
}

export function gibibytesOf(s: Size): number {
  return s instanceof Size ? s.toGibibytes({ rounding: SizeRoundingBehavior.NONE }) : Number.NaN;
}

/**
 * A Duration as whole seconds in [min, max], or a clear error: the engines
 * read whole seconds, and NaN or a fraction would be written as it is.
 * @param range the allowed range in words (e.g. "1 minute to 6 hours")
 */
export function wholeSeconds(scope: ErrorScope, prop: string, d: Duration, min: number, max: number, range: string = `${min} to ${max}`): number {
  const s = secondsOf(d);
  if (!Number.isInteger(s) || s < min || s > max) fail(scope, prop, `${s}s`, 'is out of range', `use whole seconds from ${range}`);
  return s;
}

const RANK = { Ki: 0, Mi: 1, Gi: 2, Ti: 3 } as const;
/** Each unit in KiB, largest first. */
const UNITS: ReadonlyArray<[keyof typeof RANK, number]> = [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]];

/**
 * A Kubernetes quantity in the largest whole binary unit up to `largest`
 * (4Gi rather than 4096Mi), else in `unit`, rounded up: a limit never shrinks.
 * @param amount the quantity, in `unit`
 */
export function binaryQuantity(amount: number, unit: 'Ki' | 'Mi', largest: 'Gi' | 'Ti'): string {
  const perKi = unit === 'Ki' ? 1 : 1024;
  for (const [name, kib] of UNITS) {
    if (RANK[name] > RANK[largest]) continue;
    if (RANK[name] <= RANK[unit]) break;
    const f = kib / perKi;
    if (Number.isInteger(amount / f)) return `${amount / f}${name}`;
  }
  return `${Math.ceil(amount)}${unit}`;
}
