/**
 * The CEL rules (`x-kubernetes-validations`) of every CRD, evaluated the way
 * the API server does on create:
 * - a rule belongs to the schema node that declares it; `self` is that node's
 *   value, and the rule runs for every instance of the node present in the
 *   document (each list item, each map value);
 * - transition rules (those that read `oldSelf`) are skipped: there is no old
 *   object on create;
 * - an evaluation error rejects the object, like a false result;
 * - the schema's `default`s are applied first, as the API server defaults a
 *   structural schema before it validates (so `self.group` of a Gateway API
 *   parentRef reads `gateway.networking.k8s.io` when the document leaves it out).
 *
 * The evaluator is `@bufbuild/cel` with its strings extension (`split`,
 * `lowerAscii`, ...). A rule it cannot compile is reported by
 * {@link celRuleStats} and pinned in `cel-rules.test.ts`, never skipped
 * silently.
 */
import { CelError, celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** A rule as the CRD declares it. */
export interface CelRuleSource {
  readonly rule: string;
  readonly message?: string;
}

/** The schema nodes that carry rules, or lead to nodes that do; nothing else. */
export interface CelNode {
  rules?: CelRuleSource[];
  /** Defaults of this node's properties (the API server fills them in before CEL runs). */
  defaults?: Record<string, unknown>;
  props?: Record<string, CelNode>;
  items?: CelNode;
  additional?: CelNode;
}

/** Builds the rule tree of one OpenAPI schema; undefined when it has no rules. */
export function celTreeOf(schema: any): CelNode | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const node: CelNode = {};
  let any = false;
  const rules = (schema['x-kubernetes-validations'] ?? []) as any[];
  if (rules.length > 0) {
    node.rules = rules.map((r) => ({ rule: r.rule, ...(r.message ? { message: r.message } : {}) }));
    any = true;
  }
  if (schema.properties) {
    for (const [k, v] of Object.entries(schema.properties) as Array<[string, any]>) {
      if (v && typeof v === 'object' && v.default !== undefined) {
        (node.defaults ??= {})[k] = v.default;
        any = true;
      }
      const child = celTreeOf(v);
      if (child) {
        (node.props ??= {})[k] = child;
        any = true;
      }
    }
  }
  const items = celTreeOf(schema.items);
  if (items) {
    node.items = items;
    any = true;
  }
  const additional = typeof schema.additionalProperties === 'object' ? celTreeOf(schema.additionalProperties) : undefined;
  if (additional) {
    node.additional = additional;
    any = true;
  }
  return any ? node : undefined;
}

/** Every rule of a tree, with the schema path that declares it. */
export function rulesOf(tree: CelNode | undefined, at = ''): Array<{ at: string; rule: CelRuleSource }> {
  if (!tree) return [];
  const out = (tree.rules ?? []).map((rule) => ({ at: at || '/', rule }));
  for (const [k, v] of Object.entries(tree.props ?? {})) out.push(...rulesOf(v, `${at}/${k}`));
  out.push(...rulesOf(tree.items, `${at}/[]`));
  out.push(...rulesOf(tree.additional, `${at}/{}`));
  return out;
}

type Program = (ctx: { self: unknown }) => unknown;

interface CompiledRule {
  readonly source: CelRuleSource;
  /** Undefined for skipped transition rules. */
  readonly program?: Program;
  readonly error?: string;
}

interface CompiledNode {
  rules: CompiledRule[];
  props: Record<string, CompiledNode>;
  items?: CompiledNode;
  additional?: CompiledNode;
}

let env: ReturnType<typeof celEnv> | undefined;

function celEnvironment() {
  env ??= celEnv({ funcs: strings, variables: undefined as any });
  return env;
}

/** True for a rule that reads the old object: the API server runs it on update only. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/** Compiles one rule: a program, or the reason it does not compile. */
export function compileRule(rule: string): { program?: Program; error?: string } {
  try {
    const run = plan(celEnvironment(), parse(rule)) as unknown as Program;
    return { program: run };
  } catch (e: any) {
    return { error: String(e?.message ?? e).split('\n')[0] };
  }
}

function compileTree(tree: CelNode): CompiledNode {
  const out: CompiledNode = { rules: [], props: {} };
  for (const source of tree.rules ?? []) {
    if (isTransitionRule(source.rule)) {
      out.rules.push({ source });
      continue;
    }
    const { program, error } = compileRule(source.rule);
    out.rules.push({ source, program, error });
  }
  for (const [k, v] of Object.entries(tree.props ?? {})) out.props[k] = compileTree(v);
  if (tree.items) out.items = compileTree(tree.items);
  if (tree.additional) out.additional = compileTree(tree.additional);
  return out;
}

const compiled = new Map<string, CompiledNode>();

function compiledFor(key: string, tree: CelNode): CompiledNode {
  let c = compiled.get(key);
  if (!c) {
    c = compileTree(tree);
    compiled.set(key, c);
  }
  return c;
}

/** JSON -> CEL input: whole numbers are CEL ints (Kubernetes integers), other numbers doubles. */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}

function evaluate(node: CompiledNode, value: any, at: string, out: string[]): void {
  if (value === undefined || value === null) return;
  for (const r of node.rules) {
    if (!r.program) {
      if (r.error) out.push(`${at || '/'}: CEL rule does not compile in the harness (${r.error}): ${r.source.rule}`);
      continue;
    }
    let result: unknown;
    try {
      result = r.program({ self: value });
    } catch (e: any) {
      result = { message: String(e?.message ?? e) } as CelError;
    }
    if (result === true) continue;
    const why = isCelError(result as any) || (result && typeof result === 'object' && 'message' in (result as any))
      ? `evaluation error: ${(result as any).message}` : (r.source.message ?? `failed rule: ${r.source.rule}`);
    out.push(`${at || '/'}: ${why}`);
  }
  if (typeof value !== 'object') return;
  for (const [k, child] of Object.entries(node.props)) evaluate(child, value[k], `${at}/${k}`, out);
  if (node.items && Array.isArray(value)) value.forEach((x: any, i: number) => evaluate(node.items!, x, `${at}/${i}`, out));
  if (node.additional && !Array.isArray(value)) {
    for (const [k, x] of Object.entries(value)) if (!(k in node.props)) evaluate(node.additional, x, `${at}/${k}`, out);
  }
}

/** Fills in the schema defaults of absent fields, in place (structural defaulting, as on create). */
function applyDefaults(tree: CelNode, value: any): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (tree.items) value.forEach((x) => applyDefaults(tree.items!, x));
    return;
  }
  for (const [k, d] of Object.entries(tree.defaults ?? {})) if (value[k] === undefined) value[k] = toCel(d);
  for (const [k, child] of Object.entries(tree.props ?? {})) applyDefaults(child, value[k]);
  if (tree.additional) {
    for (const [k, x] of Object.entries(value)) if (!(k in (tree.props ?? {}))) applyDefaults(tree.additional, x);
  }
}

/** Every CEL rule violation of one document whose kind has the rule tree `tree`. */
export function celErrors(key: string, tree: CelNode | undefined, doc: any): string[] {
  if (!tree) return [];
  const out: string[] = [];
  const value = toCel(doc);
  applyDefaults(tree, value);
  evaluate(compiledFor(key, tree), value, '', out);
  return out;
}

/** Per CRD version: rules in total, compiled, transition rules skipped on create, and those that fail to compile. */
export interface CelRuleStat { total: number; compiled: number; transition: number; failed: string[] }

export function celRuleStats(trees: Record<string, CelNode>): Record<string, CelRuleStat> {
  const out: Record<string, CelRuleStat> = {};
  for (const [key, tree] of Object.entries(trees)) {
    const all = rulesOf(tree);
    // A tree may carry only defaults: a kind without rules has no count.
    if (all.length === 0) continue;
    const s = { total: all.length, compiled: 0, transition: 0, failed: [] as string[] };
    for (const { at, rule } of all) {
      if (isTransitionRule(rule.rule)) {
        s.transition++;
        continue;
      }
      const { error } = compileRule(rule.rule);
      if (error) s.failed.push(`${at}: ${rule.rule}`);
      else s.compiled++;
    }
    out[key] = s;
  }
  return out;
}
