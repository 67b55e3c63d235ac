import { checkInteger, checkNonEmpty, fail } from '../internal/errors';
import { sortedRecord } from '../internal/k8s';
import { checkAnnotations, checkDns1123Label, checkDns1123Subdomain, checkLabels } from '../internal/names';
import { GatewayRef, resolveGatewayRefs } from '../traffic/gateway-ref';

/** A Kubernetes Ingress the service is exposed through. */
export interface IngressRef {
  /** The Ingress name. */
  readonly name: string;
  /**
   * The Ingress namespace.
   *
   * @default - the service's namespace
   */
  readonly namespace?: string;
}

/** The ConfigMap key holding an EndpointPickerConfig. */
export interface SchedulerConfigMapRef {
  /** The ConfigMap name. */
  readonly name: string;
  /** The key holding the EndpointPickerConfig YAML. */
  readonly key: string;
}

/** Options for {@link LlmScheduler.managed}. */
export interface ManagedSchedulerOptions {
  /**
   * Endpoint-picker replicas.
   *
   * @default - KServe's preset (1)
   */
  readonly replicas?: number;

  /**
   * The EndpointPickerConfig (plugins and scheduling profiles), inline.
   *
   * @default - KServe's preset (prefix-cache, queue and KV-cache scorers)
   */
  readonly inlineConfig?: Record<string, any>;

  /**
   * The EndpointPickerConfig from a ConfigMap key.
   *
   * @default - KServe's preset
   */
  readonly configMap?: SchedulerConfigMapRef;

  /**
   * Extra labels for the endpoint-picker pods.
   *
   * @default - none
   */
  readonly podLabels?: Record<string, string>;

  /**
   * Extra annotations for the endpoint-picker pods.
   *
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
}

/**
 * llm-d's scheduler: an InferencePool whose endpoint picker (EPP) sends each
 * request to the replica with the best prefix-cache hit and the shortest
 * queue. It pays off from two replicas on.
 */
export class LlmScheduler {
  /** No scheduler: the route sends requests to the workload Service (round robin). */
  public static readonly NONE = new LlmScheduler(undefined);

  /**
   * A scheduler KServe creates and manages (InferencePool + endpoint picker).
   *
   * @param options replicas and EndpointPickerConfig
   */
  public static managed(options: ManagedSchedulerOptions = {}): LlmScheduler {
    const scope = 'LlmScheduler.managed';
    // Webhook (validateSchedulerConfig): replicas > 0; inline xor ref; a ref needs a name.
    checkInteger(scope, 'replicas', options.replicas, 1, 100);
    if (options.inlineConfig !== undefined && options.configMap !== undefined) {
      fail(scope, 'inlineConfig', '<object>', 'is set together with configMap', 'set the EndpointPickerConfig inline or by ConfigMap, not both');
    }
    checkLabels(scope, 'podLabels', options.podLabels);
    checkAnnotations(scope, 'podAnnotations', options.podAnnotations);
    const json: Record<string, unknown> = {};
    if (options.replicas !== undefined) json.replicas = options.replicas;
    const labels = sortedRecord(options.podLabels);
    if (labels) json.labels = labels;
    const annotations = sortedRecord(options.podAnnotations);
    if (annotations) json.annotations = annotations;
    if (options.inlineConfig !== undefined) {
      const c = options.inlineConfig;
      if (c === null || typeof c !== 'object' || Array.isArray(c) || Object.keys(c).length === 0) {
        fail(scope, 'inlineConfig', c, 'is not an EndpointPickerConfig object', 'pass the config as an object with apiVersion, kind, plugins and schedulingProfiles');
      }
      json.config = { inline: JSON.parse(JSON.stringify(c)) };
    }
    if (options.configMap !== undefined) {
      checkDns1123Subdomain(scope, 'configMap.name', options.configMap.name);
      checkNonEmpty(scope, 'configMap.key', options.configMap.key);
      if (!/^[-._a-zA-Z0-9]+$/.test(options.configMap.key ?? '')) {
        fail(scope, 'configMap.key', options.configMap.key, 'is not a valid ConfigMap key', 'use letters, digits, "-", "_" and "."');
      }
      json.config = { ref: { name: options.configMap.name, key: options.configMap.key } };
    }
    return new LlmScheduler(json);
  }

  /**
   * An existing InferencePool (and its endpoint picker) in the service's namespace.
   *
   * @param poolName the InferencePool name
   */
  public static existingPool(poolName: string): LlmScheduler {
    checkDns1123Subdomain('LlmScheduler.existingPool', 'poolName', poolName);
    return new LlmScheduler({ pool: { ref: { name: poolName } } });
  }

  private constructor(private readonly json: Record<string, unknown> | undefined) {}

  /** @internal the `router.scheduler` object, or undefined for none. */
  public _json(): Record<string, unknown> | undefined {
    return this.json === undefined ? undefined : JSON.parse(JSON.stringify(this.json));
  }
}

/** Options of the routers that create an HTTPRoute. */
export interface LlmRouterOptions {
  /**
   * The scheduler in front of the replicas.
   *
   * @default LlmScheduler.managed()
   */
  readonly scheduler?: LlmScheduler;
}

/** Which kind of router, for rules that depend on it. */
export type LlmRouterKind = 'managed' | 'gateways' | 'http-routes' | 'ingress' | 'none';

/** The router after validation. */
export interface ResolvedLlmRouter {
  readonly kind: LlmRouterKind;
  /** `spec.router` without group and weight, or undefined for none. */
  readonly json?: Record<string, any>;
  /** Whether requests reach the service through an HTTPRoute KServe writes (traffic splitting needs it). */
  readonly managedRoute: boolean;
  readonly scheduler: boolean;
}

/**
 * How clients reach an LLM service: through the Gateway API (Gateway,
 * HTTPRoute) and optionally llm-d's scheduler, or only inside the cluster.
 *
 * @example
 * LlmRouter.managed()                                   // KServe's gateway, a managed HTTPRoute and scheduler
 * LlmRouter.gateways([GatewayRef.of('inference', { namespace: 'gateways' })])
 * LlmRouter.httpRoutes(['my-route'])                     // your own HTTPRoute
 * LlmRouter.ingress()                                    // a Kubernetes Ingress
 * LlmRouter.NONE                                         // the workload Service only
 */
export class LlmRouter {
  /** No router: only the workload Service (`<name>-kserve-workload-svc`) inside the cluster. */
  public static readonly NONE = new LlmRouter({ kind: 'none', managedRoute: false, scheduler: false });

  /**
   * KServe's default Gateway, an HTTPRoute it manages and (by default) a managed scheduler.
   *
   * @param options the scheduler
   */
  public static managed(options: LlmRouterOptions = {}): LlmRouter {
    return LlmRouter.build('managed', { gateway: {}, route: {} }, options);
  }

  /**
   * Existing Gateways the managed HTTPRoute attaches to.
   *
   * @param refs the Gateways (at least one)
   * @param options the scheduler
   */
  public static gateways(refs: GatewayRef[], options: LlmRouterOptions = {}): LlmRouter {
    const scope = 'LlmRouter.gateways';
    const json = resolveGatewayRefs(scope, 'refs', refs).map((r, i) => {
      // LLMInferenceService spec.router.gateway.refs[] has name, namespace and sectionName only.
      if (r.port !== undefined) fail(scope, `refs[${i}].port`, r.port, 'cannot be set on an LLMInferenceService gateway ref', 'attach by sectionName instead');
      const out: Record<string, string> = { name: r.name };
      if (r.namespace !== undefined) out.namespace = r.namespace;
      if (r.sectionName !== undefined) out.sectionName = r.sectionName;
      return out;
    });
    return LlmRouter.build('gateways', { gateway: { refs: json }, route: {} }, options);
  }

  /**
   * HTTPRoutes you manage yourself, in the service's namespace. KServe checks
   * they exist and reads the service's address from them; with a managed
   * scheduler they send to the InferencePool `<name>-inference-pool`. They
   * cannot carry traffic splits between services (KServe webhook).
   *
   * @param routeNames the HTTPRoute names (at least one)
   * @param options the scheduler your routes send to
   */
  public static httpRoutes(routeNames: string[], options: LlmRouterOptions = {}): LlmRouter {
    const scope = 'LlmRouter.httpRoutes';
    if (!Array.isArray(routeNames) || routeNames.length === 0) fail(scope, 'routeNames', routeNames, 'is empty', 'name at least one HTTPRoute');
    routeNames.forEach((n, i) => checkDns1123Subdomain(scope, `routeNames[${i}]`, n));
    if (new Set(routeNames).size !== routeNames.length) fail(scope, 'routeNames', routeNames, 'lists a route twice', 'name each HTTPRoute once');
    return LlmRouter.build('http-routes', { route: { http: { refs: routeNames.map((name) => ({ name })) } } }, options);
  }

  /**
   * A Kubernetes Ingress instead of the Gateway API: KServe creates one, or
   * reads the address of those you name. No scheduler and no traffic
   * splitting (KServe splits traffic on HTTPRoutes only).
   *
   * @param refs existing Ingresses; none for an Ingress KServe creates
   */
  public static ingress(refs: IngressRef[] = []): LlmRouter {
    const scope = 'LlmRouter.ingress';
    if (!Array.isArray(refs)) fail(scope, 'refs', refs, 'is not a list', 'pass a list of { name, namespace }');
    const json = refs.map((r, i) => {
      checkDns1123Subdomain(scope, `refs[${i}].name`, r.name);
      if (r.namespace !== undefined) checkDns1123Label(scope, `refs[${i}].namespace`, r.namespace);
      return r.namespace === undefined ? { name: r.name } : { name: r.name, namespace: r.namespace };
    });
    return new LlmRouter({ kind: 'ingress', json: { ingress: json.length ? { refs: json } : {} }, managedRoute: false, scheduler: false });
  }

  private static build(kind: LlmRouterKind, json: Record<string, any>, options: LlmRouterOptions): LlmRouter {
    const scheduler = options.scheduler ?? LlmScheduler.managed();
    if (!(scheduler instanceof LlmScheduler)) fail(`LlmRouter.${kind}`, 'scheduler', scheduler, 'is not an LlmScheduler', 'use LlmScheduler.managed(), existingPool(...) or NONE');
    const s = scheduler._json();
    if (s !== undefined) json.scheduler = s;
    return new LlmRouter({ kind, json, managedRoute: kind !== 'http-routes', scheduler: s !== undefined });
  }

  private constructor(private readonly resolved: ResolvedLlmRouter) {}

  /** @internal */
  public _resolve(): ResolvedLlmRouter {
    return { ...this.resolved, json: this.resolved.json === undefined ? undefined : JSON.parse(JSON.stringify(this.resolved.json)) };
  }
}
