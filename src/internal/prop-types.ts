import { IConstruct } from 'constructs';
import { fail, ModelServingError, rescoped } from './errors';

/**
 * What a prop must be, for callers without a type checker (plain
 * JavaScript, and jsii languages where a struct is a map):
 * - `string`, `number`, `boolean`;
 * - `strings` / `numbers`: a list of them; `list`: any list (items are checked where they are read);
 * - `map`: string keys to string values (labels, annotations, env); `struct`: a plain object;
 * - an {@link PropClass}: an instance of a value class; a {@link PropList}: a list of instances;
 * - a {@link PropEnum}: one of the enum's values.
 */
export type PropType = 'string' | 'number' | 'boolean' | 'strings' | 'numbers' | 'list' | 'map' | 'struct' | PropClass | PropList | PropEnum;

/** An instance of a class, with what to write instead. */
export interface PropClass {
  readonly cls: Function;
  readonly use: string;
}

/** A list of instances of a class. */
export interface PropList {
  readonly listOf: Function;
  readonly use: string;
}

/** One of an enum's values. */
export interface PropEnum {
  readonly oneOf: Record<string, unknown>;
  readonly name: string;
}

/** How a wrong value is shown: objects by their class, so a message never dumps (or leaks) a whole struct. */
function shown(v: unknown): unknown {
  if (v === null) return null;
  if (Array.isArray(v)) return `<list of ${v.length}>`;
  if (typeof v === 'object') return `<${(v as object).constructor?.name ?? 'object'}>`;
  if (typeof v === 'function') return '<function>';
  return v;
}

/** `a LlmRouter` reads wrong: the article follows the sound of the class name. */
function article(name: string): string {
  return /^[AEIOU]|^Llm/.test(name) ? `an ${name}` : `a ${name}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks one prop's value (set, not undefined) against its type; fails naming the prop. */
export function checkPropType(scope: IConstruct, prop: string, v: unknown, type: PropType): void {
  const wrong = (what: string, use: string) => fail(scope, prop, shown(v), `is not ${what}`, use);
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof v !== type || (type === 'number' && Number.isNaN(v))) wrong(`a ${type}`, `use a ${type}`);
      return;
    case 'strings':
    case 'numbers': {
      const item = type === 'strings' ? 'string' : 'number';
      if (!Array.isArray(v)) wrong(`a list of ${type}`, `use a list of ${type}`);
      (v as unknown[]).forEach((x, i) => {
        if (typeof x !== item) fail(scope, `${prop}[${i}]`, shown(x), `is not a ${item}`, `use a list of ${type}`);
      });
      return;
    }
    case 'list':
      if (!Array.isArray(v)) wrong('a list', 'use a list');
      return;
    case 'map':
      if (!isPlainObject(v)) wrong('a map of strings', 'use an object of string keys to string values');
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x !== 'string') fail(scope, `${prop}.${k}`, shown(x), 'is not a string', 'map values are strings (quote numbers and booleans)');
      }
      return;
    case 'struct':
      if (!isPlainObject(v)) wrong('an object', 'use an object with the documented fields');
      return;
  }
  if ('cls' in type) {
    if (!(v instanceof type.cls)) wrong(article(type.cls.name), `use ${type.use}`);
  } else if ('listOf' in type) {
    if (!Array.isArray(v)) wrong(`a list of ${type.listOf.name}`, `use ${type.use}`);
    (v as unknown[]).forEach((x, i) => {
      if (!(x instanceof type.listOf)) fail(scope, `${prop}[${i}]`, shown(x), `is not ${article(type.listOf.name)}`, `use ${type.use}`);
    });
  } else if (!Object.values(type.oneOf).includes(v)) {
    wrong(article(type.name), `use one of ${Object.keys(type.oneOf).map((k) => `${type.name}.${k}`).join(', ')}`);
  }
}

/**
 * Checks a construct's props object before anything reads it: present, an
 * object, each required prop set, and each prop set of its type. The error
 * names the construct path and the prop, never a TypeError deeper in.
 */
export function checkProps(scope: IConstruct, props: unknown, types: Record<string, PropType>, required: readonly string[], example: string): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    fail(scope, 'props', shown(props), 'is missing or not an object', `pass ${example}`);
  }
  const p = props as Record<string, unknown>;
  for (const r of required) {
    if (p[r] === undefined || p[r] === null) fail(scope, r, p[r], 'is missing', `set ${r} (see ${example})`);
  }
  for (const [prop, type] of Object.entries(types)) {
    const v = p[prop];
    if (v !== undefined) checkPropType(scope, prop, v, type);
  }
  raiseInvalidValues(scope, p);
}

/**
 * Raises the first error a value class kept from its factory (see
 * `orInvalid`), found in the props, their lists and their plain structs
 * (e.g. `candidate.storage`, `loraAdapters[2]`), re-raised after the
 * construct path and the prop that holds it: in a fleet built in a loop,
 * the path says which model. Constructs and other class instances are not
 * entered (they check their own props).
 */
export function raiseInvalidValues(scope: IConstruct, props: Record<string, unknown>): void {
  const visit = (v: unknown, prop: string, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 4) return;
    const invalid = (v as { invalid?: unknown }).invalid;
    if (invalid instanceof ModelServingError) throw rescoped(scope, prop, invalid);
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${prop}[${i}]`, depth + 1));
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], `${prop}.${k}`, depth + 1);
    }
  };
  for (const k of Object.keys(props)) visit(props[k], k, 0);
}
