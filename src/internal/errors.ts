import { IConstruct } from 'constructs';
import { redactSecrets } from './secrets';

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
    // Whatever was passed in, a credential never reaches the message (CI logs keep them).
    super(redactSecrets(`${scopePath(scope)}: ${prop} ${show(value)} ${problem}; ${allowed}`));
    this.name = 'ModelServingError';
  }
}

/**
 * Runs `fn`, re-raising an error a value class raised under its factory's
 * name (`Scaling.autoscale: ...`) with the construct path and the prop where
 * the value is used in front, the factory's message kept: in a fleet built
 * in a loop, the path says which model. Errors that already name a
 * construct path, and other errors, pass unchanged.
 */
export function withScope<T>(scope: IConstruct, prop: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw rescoped(scope, prop, e);
  }
}

/** `e`, re-raised under `scope` and `prop` when a value class raised it (see {@link withScope}). */
export function rescoped(scope: IConstruct, prop: string, e: unknown): unknown {
  if (!(e instanceof ModelServingError)) return e;
  const path = scopePath(scope);
  // Only errors raised under a factory's name (`Scaling.autoscale: ...`); a construct's own error already names its path.
  if (!/^[A-Z][A-Za-z0-9]*\.[A-Za-z0-9]+: /.test(e.message)) return e;
  const out = new ModelServingError(scope, prop, undefined, '', '');
  out.message = `${path}: ${prop} ${e.message}`;
  return out;
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

/**
 * Builds a value class, keeping a validation failure instead of throwing
 * it: `invalid(error)` returns an instance that raises the error when a
 * construct uses it, re-raised there with the construct's path and prop
 * (see {@link withScope}). The factory's message is kept whole.
 */
export function orInvalid<T>(build: () => T, invalid: (error: ModelServingError) => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ModelServingError) return invalid(e);
    throw e;
  }
}

/**
 * An instance of a value class that only carries its factory's error (read
 * by the class's `_resolve`). Reading any of `fields` raises the error too,
 * so no caller can use the value unchecked.
 */
export function invalidInstance<T>(prototype: T, error: ModelServingError, fields: string[] = []): T {
  const out = Object.create(prototype as object);
  Object.defineProperty(out, 'invalid', { value: error });
  for (const f of fields) Object.defineProperty(out, f, { get: () => { throw error; } });
  return out;
}

/** Raises the factory's error of a value class instance built from bad input (see {@link invalidInstance}). */
export function raiseIfInvalid(value: unknown): void {
  const error = value !== null && typeof value === 'object' ? (value as { invalid?: unknown }).invalid : undefined;
  if (error instanceof ModelServingError) throw error;
}
