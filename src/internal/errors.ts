import { IConstruct } from 'constructs';

/**
 * Where a problem was found: a construct (its path is used) or the name of
 * the factory that received the value, such as `ModelStorage.fromUri`.
 */
export type ErrorScope = IConstruct | string;

function scopePath(scope: ErrorScope): string {
  if (typeof scope === 'string') return scope;
  return scope.node.path || scope.node.id || '<root>';
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * The one error the library throws for bad input. The message always reads
 * `<construct path>: <prop> <value> <what is wrong>; <what is allowed>`.
 */
export class ModelServingError extends Error {
  constructor(scope: ErrorScope, prop: string, value: unknown, problem: string, allowed: string) {
    super(`${scopePath(scope)}: ${prop} ${show(value)} ${problem}; ${allowed}`);
    this.name = 'ModelServingError';
  }
}

/** Throws a {@link ModelServingError}. */
export function fail(scope: ErrorScope, prop: string, value: unknown, problem: string, allowed: string): never {
  throw new ModelServingError(scope, prop, value, problem, allowed);
}

/** Requires a whole number in [min, max] (or undefined). */
export function checkInteger(scope: ErrorScope, prop: string, value: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    fail(scope, prop, value, 'is not allowed', `use ${range}`);
  }
}

/** Requires a finite number in [min, max] (or undefined). */
export function checkNumber(scope: ErrorScope, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(scope, prop, value, 'is out of range', `use a number from ${min} to ${max}`);
  }
}

/** Requires a non-empty string without surrounding whitespace (or undefined). */
export function checkNonEmpty(scope: ErrorScope, prop: string, value: string | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value) {
    fail(scope, prop, value, 'is not a valid value', 'use a non-empty string without surrounding whitespace');
  }
}
