import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { ErrorScope, fail } from './errors';

/**
 * Converting a cdk8s Duration or Size to a whole unit throws a plain Error
 * when it is not whole (e.g. `Duration.millis(1500).toSeconds()`); these
 * helpers convert without throwing so that callers can report the property.
 */
export function secondsOf(d: Duration): number {
  return d.toSeconds({ integral: false });
}

export function millisOf(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

export function mebibytesOf(s: Size): number {
  return s.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
}

export function gibibytesOf(s: Size): number {
  return s.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** A Duration as whole seconds in [min, max], or a clear error. */
export function wholeSeconds(scope: ErrorScope, prop: string, d: Duration, min: number, max: number): number {
  const s = secondsOf(d);
  if (!Number.isInteger(s) || s < min || s > max) fail(scope, prop, `${s}s`, 'is out of range', `use whole seconds from ${min} to ${max}`);
  return s;
}
