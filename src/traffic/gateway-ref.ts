import { checkInteger, fail, invalidInstance, orInvalid } from '../internal/errors';
import { checkDns1123Label, checkDns1123Subdomain } from '../internal/names';

/** Options for {@link GatewayRef.of}. */
export interface GatewayRefOptions {
  /**
   * The Gateway's namespace (shared Gateways often live in their own).
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * The listener of the Gateway to attach to (its `name`).
   *
   * @default - every listener that allows the route
   */
  readonly sectionName?: string;

  /**
   * The listener port to attach to.
   *
   * @default - every listener that allows the route
   */
  readonly port?: number;
}

/** A resolved Gateway API `parentRef` to a Gateway. */
export interface ResolvedGatewayRef {
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/**
 * An existing Gateway (`gateway.networking.k8s.io/v1`) that routes to a
 * model: the `parentRefs` of an HTTPRoute or GRPCRoute, or Flagger's
 * `service.gatewayRefs`. The library never creates the Gateway itself: it
 * belongs to the cluster operator (and its `allowedRoutes` must admit the
 * route's namespace).
 *
 * @example
 * GatewayRef.of('inference-gateway', { namespace: 'gateway-system', sectionName: 'https' })
 */
export class GatewayRef {
  /**
   * A Gateway by name.
   *
   * @param name the Gateway's name
   * @param options its namespace and listener
   */
  public static of(name: string, options: GatewayRefOptions = {}): GatewayRef {
    return orInvalid(() => {
      const scope = 'GatewayRef.of';
      checkDns1123Subdomain(scope, 'name', name);
      if (options.namespace !== undefined) checkDns1123Label(scope, 'namespace', options.namespace);
      if (options.sectionName !== undefined) checkDns1123Subdomain(scope, 'sectionName', options.sectionName);
      checkInteger(scope, 'port', options.port, 1, 65535);
      return new GatewayRef({ name, namespace: options.namespace, sectionName: options.sectionName, port: options.port });
    }, (e) => invalidInstance(GatewayRef.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedGatewayRef) {}

  /** The Gateway's name. */
  public get name(): string {
    return this.resolved.name;
  }

  /** @internal */
  public _resolve(): ResolvedGatewayRef {
    return this.resolved;
  }
}

/** Checks a gateway list: 1 to 32 refs, and a sectionName on each when one Gateway appears twice (Gateway API CEL rules). */
export function resolveGatewayRefs(scope: string, prop: string, refs: GatewayRef[] | undefined): ResolvedGatewayRef[] {
  if (!Array.isArray(refs) || refs.length === 0) {
    fail(scope, prop, refs, 'is empty', 'give at least one GatewayRef.of(name) to attach the route to');
  }
  if (refs.length > 32) fail(scope, prop, refs.length, 'lists too many Gateways', 'use at most 32 (Gateway API parentRefs limit)');
  const out = refs.map((r, i) => {
    if (!(r instanceof GatewayRef)) fail(scope, `${prop}[${i}]`, r, 'is not a GatewayRef', 'use GatewayRef.of(name, options)');
    return r._resolve();
  });
  // HTTPRoute CEL: a parent named twice needs a distinct sectionName on each reference.
  const keys = new Set<string>();
  for (const r of out) {
    const key = `${r.namespace ?? ''}/${r.name}/${r.sectionName ?? ''}`;
    if (keys.has(key)) fail(scope, prop, `${r.namespace ? `${r.namespace}/` : ''}${r.name}`, 'is listed twice with the same listener', 'list each Gateway once, or give each entry its own sectionName');
    keys.add(key);
  }
  const byGateway = new Map<string, ResolvedGatewayRef[]>();
  for (const r of out) {
    const key = `${r.namespace ?? ''}/${r.name}`;
    byGateway.set(key, [...(byGateway.get(key) ?? []), r]);
  }
  for (const [key, list] of byGateway) {
    if (list.length > 1 && list.some((r) => r.sectionName === undefined)) {
      fail(scope, prop, key.replace(/^\//, ''), 'is listed more than once without a sectionName on each', 'give every entry of the same Gateway a distinct sectionName');
    }
  }
  return out;
}

/** The `parentRefs` entry of a Gateway (group and kind left to their defaults). */
export function parentRefOf(r: ResolvedGatewayRef): Record<string, unknown> {
  const out: Record<string, unknown> = { name: r.name };
  if (r.namespace !== undefined) out.namespace = r.namespace;
  if (r.sectionName !== undefined) out.sectionName = r.sectionName;
  if (r.port !== undefined) out.port = r.port;
  return out;
}
