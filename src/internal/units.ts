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

/** A Duration as whole seconds in [min, max], or a clear error. */
export function wholeSeconds(scope: ErrorScope, prop: string, d: Duration, min: number, max: number): number {
  const s = secondsOf(d);
  if (!Number.isInteger(s) || s < min || s > max) fail(scope, prop, `${s}s`, 'is out of range', `use whole seconds from ${min} to ${max}`);
  return s;
}
