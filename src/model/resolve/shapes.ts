import { IConstruct } from 'constructs';
import { fail } from '../../internal/errors';
import { standardLabels } from '../../internal/labels';

// Shape checks every resolver shares: plain JavaScript callers (and jsii
// languages, where a struct is a map) can pass anything.

/** Rejects a value that is not a plain object (a map) where a map is expected. */
export function checkRecord(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    fail(scope, prop, value, 'is not a map', 'use an object of string keys and values');
  }
}

/** Rejects a value that is not an array of strings where one is expected. */
export function checkStringArray(scope: IConstruct, prop: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(scope, prop, value, 'is not a list', 'use an array of strings');
  value.forEach((v, i) => {
    if (typeof v !== 'string') fail(scope, `${prop}[${i}]`, v, 'is not a string', 'use an array of strings');
  });
}

/** Keys of {@link standardLabels}: the library writes them, a user label may not change them. */
export const STANDARD_LABEL_KEYS = Object.keys(standardLabels('x', 'x'));

/**
 * Rejects user labels and annotations that the library writes itself with
 * another value: the user's value would be overwritten without a word.
 * Equal values are fine (nothing is lost).
 */
export function checkManagedKeys(
  scope: IConstruct, prop: 'labels' | 'annotations', user: Record<string, string> | undefined, managed: Record<string, string>, what: string,
): void {
  if (!user) return;
  for (const k of Object.keys(managed)) {
    if (Object.prototype.hasOwnProperty.call(user, k) && user[k] !== managed[k]) {
      fail(scope, `${prop}["${k}"]`, user[k], `conflicts with the value ${JSON.stringify(managed[k])} the library writes (${what})`,
        `drop the ${prop === 'labels' ? 'label' : 'annotation'}: the library manages it`);
    }
  }
}
