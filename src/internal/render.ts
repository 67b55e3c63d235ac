import { ApiObject, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/** Marks a value cdk8s has to resolve itself (a `Lazy`, a token, a class instance, a function). */
const NEEDS_RESOLVING = Symbol('needs resolving');

/**
 * The JSON cdk8s renders for a plain value (`ApiObject.toJson`: resolve,
 * then `sanitizeValue`): object keys sorted, null and undefined members
 * left out, null array elements undefined. `NEEDS_RESOLVING` when anything
 * in it is not a plain object, array or scalar: resolvers would act on it.
 */
function renderedPlain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') return NEEDS_RESOLVING;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = renderedPlain(value[i]);
      if (item === NEEDS_RESOLVING) return NEEDS_RESOLVING;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NEEDS_RESOLVING;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Indexed: every value of every body passes here, mostly before V8 optimizes the walk.
  const keys = Object.keys(record).sort();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const member = renderedPlain(record[key]);
    if (member === NEEDS_RESOLVING) return NEEDS_RESOLVING;
    if (member !== undefined) out[key] = member;
  }
  return out;
}

/** Whether the app resolves values only with cdk8s's built-in resolvers (no `resolvers` of the user's). */
function builtInResolversOnly(apiObject: ApiObject): boolean {
  const app = App.of(apiObject);
  return app instanceof App && app.resolvers.every((r) =>
    r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * The document cdk8s's `ApiObject.toJson()` would render for `apiVersion`,
 * `kind`, the object's metadata and a `spec` the compilers built as plain
 * JSON, without resolving every value again: the library's bodies hold no
 * tokens, and cdk8s's generic resolve (a context and three resolvers per
 * value, then a sorted copy) cost about 7% of a fleet's synthesis. Undefined when cdk8s must render
 * it: the app has resolvers of its own, the object has JSON patches, key
 * sorting is off (`CDK8S_DISABLE_SORT`), or the spec holds a token.
 */
export function renderPlainDocument(apiObject: ApiObject, spec: unknown, patched: boolean): Record<string, unknown> | undefined {
  if (patched || process.env.CDK8S_DISABLE_SORT || !builtInResolversOnly(apiObject)) return undefined;
  const body = renderedPlain(spec);
  if (body === NEEDS_RESOLVING) return undefined;
  // Metadata renders itself resolved and sanitized (sorted, empty maps left out), as ApiObject.toJson uses it.
  const metadata = apiObject.metadata.toJson();
  return body === undefined
    ? { apiVersion: apiObject.apiVersion, kind: apiObject.kind, metadata }
    : { apiVersion: apiObject.apiVersion, kind: apiObject.kind, metadata, spec: body };
}
