import { EnvValue } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkInteger, checkNonEmpty, fail, invalidInstance, orInvalid } from '../internal/errors';
import { compact, sortedRecord } from '../internal/k8s';
import { checkAnnotations, checkDns1123Label, checkDns1123Subdomain, checkImage, checkLabels } from '../internal/names';
import { mebibytesOf } from '../internal/units';
import { ModelResources } from '../model/components';
import { memoryQuantity } from '../model/model-spec';
import { checkNoCredentialArgs } from '../security/credentials';
import { resolveEnvValues } from '../security/env-values';
import { GatewayRef, resolveGatewayRefs } from '../traffic/gateway-ref';

/**
 * What the Gateway does with a request when the endpoint picker does not
 * answer (`endpointPickerRef.failureMode` of the InferencePool).
 */
export enum EndpointPickerFailureMode {
  /** Send it to any replica of the pool (KServe's preset): requests keep flowing while the picker restarts, without prefix-cache routing. */
  FAIL_OPEN = 'FailOpen',
  /** Reject it: no request bypasses the picker's scheduling (and its admission and flow control). */
  FAIL_CLOSE = 'FailClose',
}

/** The protocol between the Gateway and the pool's model servers (`appProtocol` of the InferencePool). */
export enum InferencePoolProtocol {
  /** HTTP/1.1 (vLLM's OpenAI server). */
  HTTP = 'http',
  /** HTTP/2 over cleartext. */
  H2C = 'kubernetes.io/h2c',
}

/**
 * The InferencePool KServe creates for a managed scheduler
 * (`router.scheduler.pool.spec`). The library writes the whole spec (the
 * CRD requires its endpoint picker, selector and ports): the endpoint-picker
 * Service, its port and the workload selector are KServe's
 * (config/llmisvcconfig/config-llm-scheduler.yaml, v0.20.0).
 */
export interface InferencePoolOptions {
  /**
   * What the Gateway does when the endpoint picker does not answer. Written
   * explicitly: the API server defaults an inline pool to FailClose, unlike
   * KServe's preset.
   *
   * @default EndpointPickerFailureMode.FAIL_OPEN (KServe's preset)
   */
  readonly failureMode?: EndpointPickerFailureMode;

  /**
   * The ports the model servers of the pool listen on (at most 8, e.g. one
   * per data-parallel rank of a pod).
   *
   * @default [8000] (vLLM's port in KServe's presets)
   */
  readonly targetPorts?: number[];

  /**
   * The protocol between the Gateway and the model servers.
   *
   * @default InferencePoolProtocol.HTTP
   */
  readonly appProtocol?: InferencePoolProtocol;
}

/**
 * The endpoint picker's pod (`router.scheduler.template`), where it differs
 * from KServe's preset: KServe merges it over the preset's pod (containers
 * by name), so the picker keeps its probes, ports, security context and
 * tokenizer sidecar.
 */
export interface SchedulerPodOptions {
  /**
   * The endpoint-picker image, pinned by tag or digest.
   *
   * @default - KServe's preset (ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0)
   */
  readonly image?: string;

  /**
   * CPU and memory of the endpoint picker; only what is set is written (a
   * memory request without a limit also sets the limit, so that it never
   * falls below the request).
   *
   * @default - KServe's preset (requests 1 CPU and 2 GiB, limits 6 CPUs and 16 GiB)
   */
  readonly resources?: ModelResources;

  /**
   * Environment variables of the endpoint picker, as cdk8s-plus `EnvValue`s
   * (as on the service): plain values (`EnvValue.fromValue(...)`) or
   * references, e.g. a Hugging Face token from a Secret for the tokenizer.
   * Credential-looking literals are rejected.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * Further endpoint-picker flags, after KServe's (e.g. `--v=4`).
   *
   * @default - none
   */
  readonly args?: string[];
}

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

/**
 * The ConfigMap key holding an EndpointPickerConfig.
 *
 * The CRD's `ref.optional` is not offered: KServe 0.20 ignores it. Its config
 * merge (config_merge.go, v0.20.0) fails the reconcile when the ConfigMap or
 * the key is missing whatever `optional` says, so `optional: true` would
 * promise a fallback to the preset that never happens. Leave `configMap`
 * unset for KServe's preset config.
 */
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

  /**
   * The InferencePool KServe creates (failure mode, ports, protocol).
   *
   * @default - KServe's preset
   */
  readonly pool?: InferencePoolOptions;

  /**
   * The endpoint picker's pod: image, resources, environment and flags.
   *
   * @default - KServe's preset
   */
  readonly template?: SchedulerPodOptions;
}

/** Names an inline InferencePool refers to: a service's own, or KServe's template expressions in a preset. */
export interface SchedulerNames {
  /** The endpoint-picker Service KServe creates (`<name>-epp-service`). */
  readonly eppService: string;
  /** The value of the workload pods' `app.kubernetes.io/name` label (the service name). */
  readonly workloadName: string;
}

/** The names KServe's presets write: Go templates KServe fills per service (config-llm-scheduler.yaml). */
export const PRESET_SCHEDULER_NAMES: SchedulerNames = {
  eppService: '{{ ChildName .ObjectMeta.Name `-epp-service` }}',
  workloadName: '{{ .ObjectMeta.Name }}',
};

/** Flags KServe's preset passes the endpoint picker; repeating one would contradict it. */
const EPP_PRESET_FLAGS = ['--pool-name', '--pool-namespace', '--grpc-port', '--grpc-health-port', '--zap-encoder',
  '--secure-serving', '--cert-path', '--enable-cert-reload', '--model-server-metrics-scheme'];

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
    return orInvalid(() => {
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
      const pool = options.pool === undefined ? undefined : resolvePool(scope, options.pool);
      if (options.template !== undefined) {
        const t = schedulerTemplate(scope, options.template);
        if (t) json.template = t;
      }
      if (options.configMap !== undefined) {
        checkDns1123Subdomain(scope, 'configMap.name', options.configMap.name);
        checkNonEmpty(scope, 'configMap.key', options.configMap.key);
        if (!/^[-._a-zA-Z0-9]+$/.test(options.configMap.key ?? '')) {
          fail(scope, 'configMap.key', options.configMap.key, 'is not a valid ConfigMap key', 'use letters, digits, "-", "_" and "."');
        }
        json.config = { ref: { name: options.configMap.name, key: options.configMap.key } };
      }
      return new LlmScheduler(json, pool);
    }, (e) => invalidInstance(LlmScheduler.prototype, e, ['json']));
  }

  /**
   * An existing InferencePool (and its endpoint picker) in the service's namespace.
   *
   * @param poolName the InferencePool name
   */
  public static existingPool(poolName: string): LlmScheduler {
    return orInvalid(() => {
      checkDns1123Subdomain('LlmScheduler.existingPool', 'poolName', poolName);
      return new LlmScheduler({ pool: { ref: { name: poolName } } });
    }, (e) => invalidInstance(LlmScheduler.prototype, e, ['json']));
  }

  private constructor(private readonly json: Record<string, unknown> | undefined, private readonly pool?: ResolvedPool) {}

  /** @internal the `router.scheduler` object, or undefined for none; `names` fill an inline pool. */
  public _json(names: SchedulerNames = PRESET_SCHEDULER_NAMES): Record<string, unknown> | undefined {
    if (this.json === undefined) return undefined;
    const out: Record<string, unknown> = JSON.parse(JSON.stringify(this.json));
    if (this.pool) {
      out.pool = {
        spec: compact({
          appProtocol: this.pool.appProtocol,
          endpointPickerRef: { failureMode: this.pool.failureMode, kind: 'Service', name: names.eppService, port: { number: EPP_PORT } },
          // The workload pods KServe labels (GetWorkloadLabelSelector, config_merge.go).
          selector: {
            matchLabels: {
              'app.kubernetes.io/name': names.workloadName,
              'app.kubernetes.io/part-of': 'llminferenceservice',
              'kserve.io/component': 'workload',
            },
          },
          targetPorts: this.pool.targetPorts.map((number) => ({ number })),
        }),
      };
    }
    return out;
  }
}

/** The endpoint picker's gRPC port in KServe's preset (the ext-proc port the Gateway calls). */
const EPP_PORT = 9002;

interface ResolvedPool {
  readonly failureMode: string;
  readonly targetPorts: number[];
  readonly appProtocol?: string;
}

function resolvePool(scope: string, p: InferencePoolOptions): ResolvedPool {
  if (p === null || typeof p !== 'object') fail(scope, 'pool', p, 'is not an object', 'pass { failureMode, targetPorts, appProtocol }');
  if (p.failureMode !== undefined && !Object.values(EndpointPickerFailureMode).includes(p.failureMode)) {
    fail(scope, 'pool.failureMode', p.failureMode, 'is not a failure mode', 'use EndpointPickerFailureMode.FAIL_OPEN or FAIL_CLOSE');
  }
  if (p.appProtocol !== undefined && !Object.values(InferencePoolProtocol).includes(p.appProtocol)) {
    fail(scope, 'pool.appProtocol', p.appProtocol, 'is not a protocol', 'use InferencePoolProtocol.HTTP or H2C');
  }
  const ports = p.targetPorts ?? [8000];
  // InferencePool CRD (v1): 1 to 8 ports, unique.
  if (!Array.isArray(ports) || ports.length === 0 || ports.length > 8) {
    fail(scope, 'pool.targetPorts', ports, 'is not a list of 1 to 8 ports', 'list the ports the model servers listen on, e.g. [8000]');
  }
  ports.forEach((n, i) => checkInteger(scope, `pool.targetPorts[${i}]`, n, 1, 65535));
  const dup = ports.find((n, i) => ports.indexOf(n) !== i);
  if (dup !== undefined) fail(scope, 'pool.targetPorts', dup, 'is listed twice', 'list each port once');
  return { failureMode: p.failureMode ?? EndpointPickerFailureMode.FAIL_OPEN, targetPorts: [...ports], appProtocol: p.appProtocol };
}

function schedulerTemplate(scope: string, t: SchedulerPodOptions): Record<string, unknown> | undefined {
  if (t === null || typeof t !== 'object') fail(scope, 'template', t, 'is not an object', 'pass { image, resources, envVariables, args }');
  // Plain JavaScript (or a spread) may still pass the prop replaced before 1.0: it would be dropped without a word.
  if ((t as { env?: unknown }).env !== undefined) fail(scope, 'template.env', '<set>', 'is no longer a scheduler template prop', 'use template.envVariables');
  // Value-class scope: the helpers only name it in their errors.
  const at = scope as unknown as IConstruct;
  if (t.image !== undefined) checkImage(at, 'template.image', t.image);
  if (t.args !== undefined) {
    if (!Array.isArray(t.args) || t.args.some((a) => typeof a !== 'string' || a.trim() === '')) {
      fail(scope, 'template.args', t.args, 'is not a list of flags', 'pass non-empty strings, e.g. ["--v=4"]');
    }
    checkNoCredentialArgs(scope, 'template.args', t.args);
    for (const a of t.args) {
      const flag = a.split('=')[0];
      if (EPP_PRESET_FLAGS.includes(flag)) {
        fail(scope, 'template.args', a, 'repeats a flag KServe passes the endpoint picker', `drop it; KServe sets ${EPP_PRESET_FLAGS.join(', ')}`);
      }
    }
  }
  if (t.envVariables !== undefined && (t.envVariables === null || typeof t.envVariables !== 'object' || Array.isArray(t.envVariables))) {
    fail(scope, 'template.envVariables', t.envVariables, 'is not a map', 'use { NAME: EnvValue.fromValue(...) }');
  }
  const env = resolveEnvValues(at, t.envVariables, 'template.envVariables');
  const resources = schedulerResources(scope, t.resources);
  const main = compact({
    name: 'main',
    image: t.image,
    args: t.args?.length ? [...t.args] : undefined,
    env: env.length ? env : undefined,
    resources,
  });
  if (Object.keys(main).length === 1) fail(scope, 'template', t, 'sets nothing', 'set image, resources, envVariables or args, or drop template');
  return { containers: [main] };
}

/** Only what the user set: KServe merges the rest from its preset. */
function schedulerResources(scope: string, r: ModelResources | undefined): Record<string, unknown> | undefined {
  if (r === undefined) return undefined;
  if (r === null || typeof r !== 'object') fail(scope, 'template.resources', r, 'is not a ModelResources', 'pass { cpu, memory, cpuLimit, memoryLimit }');
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const cpu = (prop: string, c: any): string => {
    const amount = c?.amount;
    if (typeof amount !== 'string' || !/^(\d+(\.\d+)?)(m?)$/.test(amount) || parseFloat(amount) <= 0) {
      fail(scope, `template.resources.${prop}`, amount ?? c, 'is not a positive Cpu', 'use Cpu.units(2) or Cpu.millis(500) from cdk8s-plus-28');
    }
    return amount;
  };
  const millis = (a: string) => (a.endsWith('m') ? parseFloat(a) : parseFloat(a) * 1000);
  const mib = (prop: string, m: any): number => {
    const v = m !== null && typeof m === 'object' && typeof m.toMebibytes === 'function' ? mebibytesOf(m) : NaN;
    if (!(v >= 1) || !Number.isFinite(v)) fail(scope, `template.resources.${prop}`, m, 'is not a Size of at least 1 MiB', 'use Size.gibibytes(4)');
    return v;
  };
  if (r.cpu !== undefined) requests.cpu = cpu('cpu', r.cpu);
  if (r.cpuLimit !== undefined) {
    limits.cpu = cpu('cpuLimit', r.cpuLimit);
    if (requests.cpu !== undefined && millis(limits.cpu) < millis(requests.cpu)) {
      fail(scope, 'template.resources.cpuLimit', limits.cpu, `is below the cpu request (${requests.cpu})`, 'use a limit >= the request');
    }
  }
  if (r.memory !== undefined) {
    const req = mib('memory', r.memory);
    requests.memory = memoryQuantity(r.memory);
    // The preset's 16 GiB limit would otherwise stay in force under a larger request.
    if (r.memoryLimit === undefined) {
      limits.memory = requests.memory;
    } else if (mib('memoryLimit', r.memoryLimit) < req) {
      fail(scope, 'template.resources.memoryLimit', memoryQuantity(r.memoryLimit), `is below the memory request (${requests.memory})`, 'use a limit >= the request');
    }
  }
  if (r.memoryLimit !== undefined) {
    mib('memoryLimit', r.memoryLimit);
    limits.memory = memoryQuantity(r.memoryLimit);
  }
  return compact({ limits: sortedRecord(limits), requests: sortedRecord(requests) });
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
   * The managed HTTPRoute's own spec (`router.route.http.spec`) is not offered.
   * KServe 0.20 merges a service's spec over its preset by strategic merge
   * (mergeSpecs in config_merge.go), and HTTPRoute `rules` is an atomic list
   * that the CRD defaults to one `PathPrefix /` match without backends: any
   * partial spec (hostnames, timeouts) would replace the preset's rules, which
   * route to the InferencePool, with a rule that has no backend. For hostnames
   * use {@link LlmRouter.gateways} with a Gateway listener that owns them; for
   * custom rules, timeouts or filters write your own HTTPRoute and use
   * {@link LlmRouter.httpRoutes}.
   *
   * @param options the scheduler
   */
  public static managed(options: LlmRouterOptions = {}): LlmRouter {
    return orInvalid(() => {
      return LlmRouter.build('managed', { gateway: {}, route: {} }, options);
    }, (e) => invalidInstance(LlmRouter.prototype, e, ['resolved']));
  }

  /**
   * Existing Gateways the managed HTTPRoute attaches to.
   *
   * @param refs the Gateways (at least one)
   * @param options the scheduler
   */
  public static gateways(refs: GatewayRef[], options: LlmRouterOptions = {}): LlmRouter {
    return orInvalid(() => {
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
    }, (e) => invalidInstance(LlmRouter.prototype, e, ['resolved']));
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
    return orInvalid(() => {
      const scope = 'LlmRouter.httpRoutes';
      if (!Array.isArray(routeNames) || routeNames.length === 0) fail(scope, 'routeNames', routeNames, 'is empty', 'name at least one HTTPRoute');
      routeNames.forEach((n, i) => checkDns1123Subdomain(scope, `routeNames[${i}]`, n));
      if (new Set(routeNames).size !== routeNames.length) fail(scope, 'routeNames', routeNames, 'lists a route twice', 'name each HTTPRoute once');
      return LlmRouter.build('http-routes', { route: { http: { refs: routeNames.map((name) => ({ name })) } } }, options);
    }, (e) => invalidInstance(LlmRouter.prototype, e, ['resolved']));
  }

  /**
   * A Kubernetes Ingress instead of the Gateway API: KServe creates one, or
   * reads the address of those you name. No scheduler and no traffic
   * splitting (KServe splits traffic on HTTPRoutes only).
   *
   * @param refs existing Ingresses; none for an Ingress KServe creates
   */
  public static ingress(refs: IngressRef[] = []): LlmRouter {
    return orInvalid(() => {
      const scope = 'LlmRouter.ingress';
      if (!Array.isArray(refs)) fail(scope, 'refs', refs, 'is not a list', 'pass a list of { name, namespace }');
      const json = refs.map((r, i) => {
        checkDns1123Subdomain(scope, `refs[${i}].name`, r.name);
        if (r.namespace !== undefined) checkDns1123Label(scope, `refs[${i}].namespace`, r.namespace);
        return r.namespace === undefined ? { name: r.name } : { name: r.name, namespace: r.namespace };
      });
      return new LlmRouter({ kind: 'ingress', json: { ingress: json.length ? { refs: json } : {} }, managedRoute: false, scheduler: false });
    }, (e) => invalidInstance(LlmRouter.prototype, e, ['resolved']));
  }

  private static build(kind: LlmRouterKind, json: Record<string, any>, options: LlmRouterOptions): LlmRouter {
    const scheduler = options.scheduler ?? LlmScheduler.managed();
    if (!(scheduler instanceof LlmScheduler)) fail(`LlmRouter.${kind}`, 'scheduler', scheduler, 'is not an LlmScheduler', 'use LlmScheduler.managed(), existingPool(...) or NONE');
    const s = scheduler._json();
    return new LlmRouter({ kind, json, managedRoute: kind !== 'http-routes', scheduler: s !== undefined }, s === undefined ? undefined : scheduler);
  }

  private constructor(private readonly resolved: ResolvedLlmRouter, private readonly schedulerValue?: LlmScheduler) {}

  /**
   * @internal
   * @param names the names an inline InferencePool refers to (a service's own; KServe's templates in a preset)
   */
  public _resolve(names: SchedulerNames = PRESET_SCHEDULER_NAMES): ResolvedLlmRouter {
    const json = this.resolved.json === undefined ? undefined : JSON.parse(JSON.stringify(this.resolved.json));
    if (json !== undefined && this.schedulerValue) json.scheduler = this.schedulerValue._json(names);
    return { ...this.resolved, json };
  }
}
