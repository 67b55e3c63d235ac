import { ApiObject, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmRouter, ResolvedLlmRouter } from './llm-router';
import { LlmScaling } from './llm-scaling';
import { checkReplacedLlmProps, LlmServiceBaseProps, llmServiceBasePropTypes } from './llm-service-base';
import { LlmServiceConfig } from './llm-service-config';
import { ILlmService, ILlmServiceConfig } from './llm-service-ref';
import { llmPodSpec, LlmWorkloadOptions, ResolvedLlmWorkload, resolveWorkload, workloadFields } from './llm-workload';
import { LoraAdapter, LoraOptions, resolveLora } from './lora-adapter';
import { resolveVllmArgs } from './vllm-options';
import { checkNonEmpty, fail } from '../internal/errors';
import { DerivedObject, ensureUniqueIdentities } from '../internal/identity';
import { EnvVar } from '../internal/k8s';
import { chartNamespace, standardLabels } from '../internal/labels';
import { checkAnnotations, checkDns1035, checkDns1123Label, checkImage, checkLabels, nameFromId } from '../internal/names';
import { checkProps, PropType } from '../internal/prop-types';
import { mebibytesOf } from '../internal/units';
import { memoryQuantity, ResolvedResources } from '../model/model-spec';
import { ModelStorage } from '../model/storage';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';
import { ResolvedPlacement } from '../scheduling/placement';
import { checkNoCredential } from '../security/credentials';
import { resolveEnvValues } from '../security/env-values';
import { PodSecurity, SECURITY_OPT_OUT_ANNOTATION } from '../security/pod-security';
import { serviceAccountName } from '../security/references';

/** See {@link LlmService.DEFAULT_IMAGE}. */
const DEFAULT_LLM_IMAGE = 'ghcr.io/llm-d/llm-d-cuda:v0.8.0';

/** URI schemes KServe 0.20 downloads LLM weights from (`attachModelArtifacts`, workload_storage.go). */
const MODEL_SCHEMES = ['hf', 's3', 'pvc', 'oci'];

/** Distributed tracing (OpenTelemetry) for the vLLM pods and the scheduler. */
export interface LlmTracing {
  /**
   * The OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`).
   *
   * @default - KServe's preset (http://otel-collector:4317)
   */
  readonly exporterEndpoint?: string;

  /**
   * The sampler (`OTEL_TRACES_SAMPLER`), e.g. `parentbased_traceidratio`.
   *
   * @default - KServe's preset (parentbased_traceidratio)
   */
  readonly sampler?: string;

  /**
   * Share of traces sampled, from 0 to 1 (`OTEL_TRACES_SAMPLER_ARG`).
   *
   * @default - KServe's preset (0.05)
   */
  readonly samplingRatio?: number;

  /**
   * The exporter (`OTEL_TRACES_EXPORTER`).
   *
   * @default - KServe's preset (otlp)
   */
  readonly exporter?: string;
}

/** Confidential serving: KServe's storage initializer decrypts the weights with a key from a Key Broker Service after TEE attestation. */
export interface LlmConfidentialModel {
  /**
   * The KBS resource of the decryption key, `kbs:///<repo>/<type>/<tag>`.
   *
   * @default - KServe's configured default key
   */
  readonly keyResourceId?: string;
}

/** The prefill workload of a prefill/decode split; unset fields follow the service's. */
export interface LlmPrefillOptions extends LlmWorkloadOptions {}

/**
 * Props of an {@link LlmService}: the fields a preset may also set (shared
 * with {@link LlmServiceConfigProps}), the decode workload's, and the model's.
 */
export interface LlmServiceProps extends LlmWorkloadOptions, LlmServiceBaseProps {
  /** The model weights: hf://, s3://, pvc:// or oci:// (`spec.model.uri`). */
  readonly storage: ModelStorage;

  /**
   * Encrypted weights, decrypted by the storage initializer (`spec.model.confidential`).
   *
   * @default - plain weights
   */
  readonly confidential?: LlmConfidentialModel;

  /**
   * The model name clients send in the request's `model` field (`spec.model.name`).
   *
   * @default - the resource name
   */
  readonly modelName?: string;

  /**
   * Size of the memory-backed `/dev/shm`: NCCL and vLLM's workers exchange
   * tensors through shared memory, and the container runtime's 64 MiB default
   * makes tensor-parallel pods crash.
   *
   * @default Size.gibibytes(1) single-pod, Size.gibibytes(8) multi-node (KServe's presets)
   */
  readonly sharedMemory?: Size;

  /**
   * A separate prefill workload (prefill/decode disaggregation); the top-level
   * workload fields then describe the decode pods.
   *
   * @default - one workload does both
   */
  readonly prefill?: LlmPrefillOptions;

  /**
   * LoRA adapters served on top of the base model, each under its own model name.
   *
   * @default - none
   */
  readonly loraAdapters?: LoraAdapter[];

  /**
   * LoRA runtime limits.
   *
   * @default - vLLM's defaults
   */
  readonly lora?: LoraOptions;

  /**
   * Shared presets (`spec.baseRefs`), merged in order after KServe's own;
   * this service's fields win. Configs that exist in the cluster already
   * come from `LlmServiceConfig.fromConfigName`.
   *
   * @default - KServe's presets only
   */
  readonly config?: ILlmServiceConfig[];

  /**
   * Distributed tracing; `{}` enables it with KServe's defaults.
   *
   * @default - no tracing
   */
  readonly tracing?: LlmTracing;
}

/**
 * What each prop must be, for callers without a type checker (the workload
 * options' too). A function: the classes are read when a service is built,
 * after every module has loaded.
 */
function llmServicePropTypes(): Record<string, PropType> {
  return {
    ...llmServiceBasePropTypes(),
    storage: { cls: ModelStorage, use: "ModelStorage.fromHuggingFace('org/model', revision), s3(...), pvc(...) or oci(...)" },
    confidential: 'struct',
    modelName: 'string',
    sharedMemory: { cls: Size, use: 'Size.gibibytes(n) from cdk8s' },
    prefill: 'struct',
    loraAdapters: { listOf: LoraAdapter, use: 'a list of LoraAdapter.of({ name, storage })' },
    lora: 'struct',
    config: 'list',
    tracing: 'struct',
    replicas: 'number',
    scaling: { cls: LlmScaling, use: 'LlmScaling.keda(...) or LlmScaling.hpa(...)' },
    parallelism: 'struct',
    accelerator: { cls: Accelerator, use: 'Accelerator.nvidiaGpu(...), amdGpu(...) or custom(...)' },
    nodePool: { cls: GpuNodePool, use: 'GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)' },
    resources: 'struct',
    worker: 'struct',
    kvCacheOffloading: 'struct',
    podLabels: 'map',
    podAnnotations: 'map',
  };
}

/**
 * Names KServe derives from the service's (kmeta.ChildName in
 * pkg/controller/v1alpha2/llmisvc, v0.20.0). Past 63 characters ChildName
 * replaces the name with a hash, and dashboards, alerts and `kubectl get`
 * lose track of the service; the budget keeps every derived name readable.
 */
const DERIVED_SUFFIXES = {
  always: ['-kserve-workload-svc', '-kserve-route'],
  scheduler: ['-kserve-router-scheduler', '-inference-pool'],
  multiNode: ['-kserve-mn', '-kserve-mn-prefill'],
  keda: ['-kserve-keda', '-kserve-prefill-keda'],
  hpa: ['-kserve-hpa', '-kserve-prefill-hpa'],
};

/** A traffic split a {@link LlmTrafficSplit} attaches (route group and weight). */
export interface LlmRouteMembership {
  readonly group: string;
  readonly weight: number;
}

/**
 * A large language model on KServe's LLMInferenceService
 * (`serving.kserve.io/v1alpha2`): vLLM pods, optional multi-node workers,
 * prefill/decode split, LoRA adapters, llm-d's scheduler and Gateway API routing.
 *
 * @example
 * new LlmService(chart, 'llama-8b', {
 *   storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' }),
 *   accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
 *   router: LlmRouter.managed(),
 * });
 */
export class LlmService extends Construct implements ILlmService {
  /**
   * The vLLM image KServe 0.20's presets run (llm-d's CUDA build,
   * config/llmisvcconfig/config-llm-template.yaml): written into every service
   * so that a KServe upgrade does not change the engine under a running model.
   */
  public static readonly DEFAULT_IMAGE = DEFAULT_LLM_IMAGE;

  /** The LLMInferenceService name. */
  public readonly name: string;
  /** The namespace, if set. */
  public readonly namespace?: string;
  /** What clients send as `model`. */
  public readonly modelName: string;
  /** The LLMInferenceService (escape hatch). */
  public readonly apiObject: ApiObject;

  private readonly decode: ResolvedLlmWorkload;
  private readonly prefillWorkload?: ResolvedLlmWorkload;
  private readonly router: ResolvedLlmRouter;
  private readonly props: LlmServiceProps;
  private membership?: LlmRouteMembership;
  private readonly spec: Record<string, unknown>;
  private readonly presetImage?: string;
  private readonly serviceAccountName?: string;

  constructor(scope: Construct, id: string, props: LlmServiceProps) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkReplacedLlmProps(this, props, 'an LlmService');
    checkProps(this, props, llmServicePropTypes(), ['storage'], "LlmServiceProps, e.g. { storage: ModelStorage.fromHuggingFace('org/model', revision), accelerator }");
    this.props = props;
    this.name = props.name ?? nameFromId(id);
    this.namespace = props.namespace ?? chartNamespace(this);
    if (props.namespace !== undefined) checkDns1123Label(this, 'namespace', props.namespace);
    if (!(props.storage instanceof ModelStorage)) {
      fail(this, 'storage', props.storage, 'is not a ModelStorage', 'use ModelStorage.fromHuggingFace(repo), fromS3(...), fromPersistentVolumeClaim(...) or fromOci(...)');
    }
    if (!MODEL_SCHEMES.includes(props.storage.scheme)) {
      fail(this, 'storage', props.storage.uri, `uses the scheme ${props.storage.scheme}:// which KServe does not load LLM weights from`,
        `use one of ${MODEL_SCHEMES.map((s) => `${s}://`).join(', ')}`);
    }
    checkNonEmpty(this, 'modelName', props.modelName);
    this.modelName = props.modelName ?? this.name;
    if (props.image !== undefined) checkImage(this, 'image', props.image);

    (props.config ?? []).forEach((c, i) => {
      if (!Construct.isConstruct(c) || typeof (c as ILlmServiceConfig).name !== 'string') {
        fail(this, `config[${i}]`, c, 'is not an LlmServiceConfig', 'pass LlmServiceConfig constructs, or LlmServiceConfig.fromConfigName(...) for installed ones');
      }
    });
    this.serviceAccountName = serviceAccountName(this, 'serviceAccount', props.serviceAccount);
    // What the presets give: KServe merges them in order, so the last one that sets a field wins.
    const presets = [...(props.config ?? [])].reverse();
    const inherited = { accelerator: presets.find((c) => c.accelerator)?.accelerator, nodePool: presets.find((c) => c.nodePool)?.nodePool };
    this.presetImage = presets.find((c) => c.image)?.image;
    this.decode = resolveWorkload(this, '', props, inherited);
    if (props.prefill !== undefined) {
      this.prefillWorkload = resolveWorkload(this, 'prefill', props.prefill, {
        accelerator: props.accelerator ?? inherited.accelerator, nodePool: props.nodePool ?? inherited.nodePool,
      });
      const d = this.decode.scaling?.actuator;
      const p = this.prefillWorkload.scaling?.actuator;
      // Webhook (ValidateActuatorConsistency): decode and prefill use the same actuator.
      if (d && p && d !== p) {
        fail(this, 'prefill.scaling', p, `uses a different actuator than the decode workload (${d})`,
          'use LlmScaling.keda or LlmScaling.hpa on both: mixing needs two metric pipelines and scales the halves independently');
      }
    }
    if (props.image === undefined && this.presetImage === undefined) {
      for (const w of [this.decode, this.prefillWorkload]) {
        const resource = w?.scheduling.accelerator?.resourceName;
        if (w && !resource?.startsWith('nvidia.com/')) {
          fail(this, w.prop ? `${w.prop}.accelerator` : 'accelerator', resource,
            `is not an NVIDIA GPU, but the default image ${DEFAULT_LLM_IMAGE} is vLLM's CUDA build`,
            'set accelerator to NVIDIA GPUs (e.g. Accelerator.nvidiaGpu()), or image to a vLLM build for your hardware (CPU, ROCm, Gaudi)');
        }
      }
    }
    this.checkMultiNode();
    const router = props.router ?? LlmRouter.NONE;
    if (!(router instanceof LlmRouter)) fail(this, 'router', router, 'is not an LlmRouter', 'use LlmRouter.managed(), gateways(...), httpRoutes(...) or NONE');
    // An inline InferencePool names this service's endpoint-picker Service and workload pods.
    this.router = router._resolve({ eppService: `${this.name}-epp-service`, workloadName: this.name });
    (props.config ?? []).forEach((c, i) => {
      if (c.namespace !== undefined && this.namespace !== undefined && c.namespace !== this.namespace && c.namespace !== 'kserve') {
        fail(this, `config[${i}]`, c.name, `is in namespace ${c.namespace}, where KServe does not look for this service's presets`,
          `put it in ${this.namespace} or in KServe's own namespace (kserve)`);
      }
    });
    this.checkName();
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'annotations', props.annotations);
    const lora = resolveLora(this, props.loraAdapters, props.lora, this.modelName);
    this.spec = this.buildSpec(lora);

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'serving.kserve.io/v1alpha2',
      kind: 'LLMInferenceService',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...standardLabels(this.name, 'llm-server'), ...(props.labels ?? {}) },
        annotations: this.annotations(),
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const c of props.config ?? []) this.node.addDependency(c);
  }

  /**
   * The base URL of the OpenAI-compatible API: on the Gateway (path-based
   * routing, `/<namespace>/<name>`, relative to the Gateway's address) when
   * the service has a Gateway API router, else the workload Service inside the cluster.
   */
  public get url(): string {
    if (this.router.kind === 'none' || this.router.kind === 'ingress') {
      return `http://${this.name}-kserve-workload-svc${this.namespace ? `.${this.namespace}.svc.cluster.local` : ''}:8000`;
    }
    return `/${this.namespace ?? 'default'}/${this.name}`;
  }

  /** GPUs of each role at minimum and maximum scale, for capacity planning. */
  public get gpuDemand(): LlmGpuDemand[] {
    const out: LlmGpuDemand[] = [];
    const add = (role: string, w: ResolvedLlmWorkload | undefined) => {
      if (!w || !w.resourceName) return;
      // KEDA's idle floor is the least the service ever holds.
      const min = w.scaling ? w.scaling.idleReplicaCount ?? w.scaling.minReplicas : w.replicas ?? 1;
      const max = w.scaling ? w.scaling.maxReplicas : w.replicas ?? 1;
      const perNode = w.scheduling.gpusPerNode && w.scheduling.accelerator?.kind === 'gpu'
        ? Math.floor(w.scheduling.gpusPerNode / w.devicesPerPod) : undefined;
      const entry = (r: string, pods: number): LlmGpuDemand => ({
        role: r,
        capacityKey: w.capacityKey!,
        resourceName: w.resourceName!,
        devicesPerPod: w.devicesPerPod,
        podsPerReplica: pods,
        minReplicas: min,
        maxReplicas: max,
        minDevices: min * pods * w.devicesPerPod,
        maxDevices: max * pods * w.devicesPerPod,
        maxNodes: perNode ? Math.ceil((max * pods) / perNode) : undefined,
      });
      out.push(entry(role, 1));
      const workers = w.parallelism.podsPerReplica - 1;
      if (workers > 0) out.push(entry(`${role}-workers`, workers));
    };
    add(this.prefillWorkload ? 'decode' : 'server', this.decode);
    add('prefill', this.prefillWorkload);
    return out;
  }

  /** @internal attaches a route group and weight (traffic split between services). */
  public _joinRouteGroup(scope: Construct, membership: LlmRouteMembership): void {
    if (!this.router.managedRoute) {
      fail(scope, 'services', this.node.path,
        this.router.kind === 'none' ? 'has no router, so no HTTPRoute to split traffic on'
          : this.router.kind === 'ingress' ? 'is exposed through an Ingress; KServe splits traffic on its HTTPRoutes only'
            : 'uses its own HTTPRoutes, which KServe cannot split traffic on',
        'give the service LlmRouter.managed() or LlmRouter.gateways(...)');
    }
    if (this.membership && this.membership.group !== membership.group) {
      fail(scope, 'services', this.node.path, `already belongs to the route group "${this.membership.group}"`, 'a service joins one traffic split');
    }
    this.membership = membership;
  }

  /**
   * @internal What KServe creates from the LLMInferenceService, named with
   * kmeta.ChildName (pkg/controller/v1alpha2/llmisvc, v0.20.0:
   * mainDeploymentName/prefillDeploymentName in workload_single_node.go,
   * mainLWSName/prefillLWSName in workload_multi_node.go, workloadServiceName
   * in workload.go, the `-kserve-route` HTTPRoute in router.go, and
   * schedulerDeploymentName and the `-inference-pool` InferencePool in
   * scheduler.go): checked app-wide against every other document.
   */
  public _derivedObjects(): DerivedObject[] {
    const ns = this.namespace;
    const n = this.name;
    const out: DerivedObject[] = [];
    const add = (apiVersion: string, kind: string, suffix: string, what: string) =>
      out.push({ apiVersion, kind, namespace: ns, name: `${n}${suffix}`, createdBy: `KServe (the LLMInferenceService's ${what})` });
    for (const [w, role] of [[this.decode, ''], [this.prefillWorkload, 'prefill']] as const) {
      if (!w) continue;
      const dash = role ? `-${role}` : '';
      if (w.parallelism.multiNode) add('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', `-kserve-mn${dash}`, `${role || 'main'} LeaderWorkerSet`);
      else add('apps/v1', 'Deployment', `-kserve${dash}`, `${role || 'main'} Deployment`);
    }
    add('v1', 'Service', '-kserve-workload-svc', 'workload Service');
    if (this.router.managedRoute) add('gateway.networking.k8s.io/v1', 'HTTPRoute', '-kserve-route', 'HTTPRoute');
    const scheduler = this.router.json?.scheduler;
    // A scheduler KServe manages (no reference to an existing pool): the endpoint picker and its pool.
    if (this.router.scheduler && !scheduler?.pool?.ref) {
      add('apps/v1', 'Deployment', '-kserve-router-scheduler', 'scheduler Deployment');
      add('inference.networking.k8s.io/v1', 'InferencePool', '-inference-pool', 'InferencePool');
    }
    return out;
  }

  /** @internal the router kind. */
  public _routerKind(): string {
    return this.router.kind;
  }

  private checkMultiNode(): void {
    for (const w of [this.decode, this.prefillWorkload]) {
      if (!w) continue;
      const prop = w.prop ? `${w.prop}.parallelism` : 'parallelism';
      if (w.parallelism.mode === 'pipeline') {
        // KServe 0.20 ships no pipeline-parallel multi-node preset (the FIXME in config_merge.go);
        // without a user config of that name the service fails with ConfigNotFound.
        const preset = `kserve-config-llm-${w.prop === 'prefill' ? 'prefill-' : this.props.prefill ? 'decode-' : ''}worker-pipeline-parallel`;
        const provided = findConfig(this, preset);
        if (!provided) {
          fail(this, `${prop}.pipeline`, w.parallelism.pipeline, `spans ${w.parallelism.podsPerReplica} pods, but KServe 0.20 ships no "${preset}" preset`,
            `use data parallelism across nodes (data, dataLocal), or define an LlmServiceConfig named ${preset} in this app `
            + '(or reference an installed one with LlmServiceConfig.fromConfigName)');
        }
      }
    }
  }

  private checkName(): void {
    const suffixes = [...DERIVED_SUFFIXES.always];
    if (this.router.scheduler) suffixes.push(...DERIVED_SUFFIXES.scheduler);
    if (this.decode.parallelism.multiNode || this.prefillWorkload?.parallelism.multiNode) suffixes.push(...DERIVED_SUFFIXES.multiNode);
    const actuators = [this.decode.scaling?.actuator, this.prefillWorkload?.scaling?.actuator];
    if (actuators.includes('keda')) suffixes.push(...DERIVED_SUFFIXES.keda);
    if (actuators.includes('hpa')) suffixes.push(...DERIVED_SUFFIXES.hpa);
    const longest = suffixes.reduce((a, b) => (b.length > a.length ? b : a));
    checkDns1035(this, 'name', this.name, 63 - longest.length);
  }

  private annotations(): Record<string, string> | undefined {
    const a: Record<string, string> = { ...(this.props.annotations ?? {}) };
    const reason = this.podSecurity()._resolve().optOutReason;
    if (reason) a[SECURITY_OPT_OUT_ANNOTATION] = reason;
    return Object.keys(a).length ? a : undefined;
  }

  private podSecurity(): PodSecurity {
    const ps = this.props.podSecurity ?? DEFAULT_POD_SECURITY;
    if (!(ps instanceof PodSecurity)) fail(this, 'podSecurity', ps, 'is not a PodSecurity', 'use PodSecurity.restricted(...) or PodSecurity.baseline(reason)');
    return ps;
  }

  private buildSpec(lora: Record<string, unknown> | undefined): Record<string, unknown> {
    const p = this.props;
    const env = this.env();
    const args = this.serverArgs(resolveVllmArgs(this, 'vllm', p.vllm, p.args));
    // A preset's image stays in force unless the service names its own: the service's fields win the merge.
    const image = p.image ?? (this.presetImage === undefined ? DEFAULT_LLM_IMAGE : undefined);
    const shm = this.sharedMemory();
    const model: Record<string, unknown> = { uri: p.storage.uri, name: this.modelName };
    if (lora) model.lora = lora;
    if (p.confidential !== undefined) model.confidential = this.confidential(p.confidential);
    const spec: Record<string, unknown> = { model };
    const put = (target: Record<string, unknown>, w: ResolvedLlmWorkload) => {
      Object.assign(target, workloadFields(w));
      const pod = this.podSpec(w.scheduling.placement, w.resources, image, args, env, shm);
      target.template = pod;
      if (w.parallelism.multiNode) {
        target.worker = w.worker ? this.podSpec(w.worker.scheduling.placement, w.worker.resources, image, args, env, shm) : pod;
      }
    };
    put(spec, this.decode);
    if (this.prefillWorkload) {
      const prefill: Record<string, unknown> = {};
      put(prefill, this.prefillWorkload);
      spec.prefill = prefill;
    }
    if (p.storageInitializer !== undefined) spec.storageInitializer = { enabled: this.storageInitializer(p.storageInitializer) };
    if (p.tracing !== undefined) spec.tracing = this.tracing(p.tracing);
    const refs = (p.config ?? []).map((c) => ({ name: c.name }));
    if (refs.length) {
      const names = refs.map((r) => r.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) fail(this, 'config', dup, 'is listed twice', 'reference each LlmServiceConfig once');
      spec.baseRefs = refs;
    }
    return spec;
  }

  /**
   * The container's args replace a preset's (a list in KServe's strategic
   * merge), so a service that adds flags repeats the last preset's, minus
   * those it sets itself: each flag then comes from the service or the preset.
   */
  private serverArgs(own: string[]): string[] {
    if (own.length === 0) return own;
    // A config known by name only has unknown args: KServe merges them, this service cannot see them.
    const preset = [...(this.props.config ?? [])].reverse().map((c) => (c instanceof LlmServiceConfig ? c._serverArgs() : []))
      .find((a) => a.length > 0) ?? [];
    const flag = (a: string) => a.split('=')[0].replace(/_/g, '-');
    const mine = new Set(own.map(flag));
    return [...preset.filter((a) => !mine.has(flag(a))), ...own];
  }

  private renderSpec(): Record<string, unknown> {
    const spec: Record<string, unknown> = JSON.parse(JSON.stringify(this.spec));
    const router = this.router.json;
    if (router) {
      const r = JSON.parse(JSON.stringify(router));
      if (this.membership) r.route = { ...(r.route ?? {}), group: this.membership.group, weight: this.membership.weight };
      spec.router = r;
    }
    return spec;
  }

  /** One map, so each variable is set once; sorted by name (resolveEnvValues). */
  private env(): EnvVar[] {
    return resolveEnvValues(this, this.props.envVariables, 'envVariables');
  }

  private sharedMemory(): string {
    const multi = this.decode.parallelism.multiNode || !!this.prefillWorkload?.parallelism.multiNode;
    const size = this.props.sharedMemory;
    if (size === undefined) return multi ? '8Gi' : '1Gi';
    if (!(size instanceof Size) || !(mebibytesOf(size) >= 64)) {
      fail(this, 'sharedMemory', size instanceof Size ? `${mebibytesOf(size)}Mi` : size, 'is too small', 'use at least 64 MiB, e.g. Size.gibibytes(2)');
    }
    return memoryQuantity(size);
  }

  /** Rules of KServe's attachModelArtifacts (workload_storage.go, v0.20.0): what the initializer does, and for which URIs. */
  private storageInitializer(enabled: boolean): boolean {
    if (typeof enabled !== 'boolean') fail(this, 'storageInitializer', enabled, 'is not a boolean', 'use true or false');
    if (enabled) return enabled;
    const p = this.props;
    if (p.confidential !== undefined) {
      fail(this, 'storageInitializer', false, 'is set, but the storage initializer decrypts confidential weights', 'keep the storage initializer, or drop confidential');
    }
    // Disabled, attachModelArtifacts returns before it attaches anything: no download, no PVC mount, no OCI image volume, no adapter.
    const adapters = (p.loraAdapters ?? []).filter((a) => a instanceof LoraAdapter);
    if (adapters.length) {
      fail(this, 'storageInitializer', false, `is set, but then KServe attaches no LoRA adapter ("${adapters[0].name}", ${adapters[0].storage.uri})`,
        'keep the storage initializer with LoRA adapters');
    }
    if (p.storage.scheme === 'pvc' || p.storage.scheme === 'oci') {
      fail(this, 'storageInitializer', false, `is set, but then KServe does not mount the ${p.storage.scheme}:// weights either (no storage initializer runs for them anyway)`,
        'drop storageInitializer');
    }
    return enabled;
  }

  private confidential(c: LlmConfidentialModel): Record<string, unknown> {
    const scheme = this.props.storage.scheme;
    // ValidateConfidentialSpec (pkg/validation/confidential.go, v0.20.0) only warns that these have no effect;
    // a setting without effect is an error here.
    if (scheme === 'oci' || scheme === 'pvc') {
      fail(this, 'confidential', c, `has no effect on ${scheme}:// weights (${scheme === 'oci' ? 'the container runtime decrypts OCI images' : 'no storage initializer runs for PVCs'})`,
        'use hf:// or s3:// weights, or drop confidential');
    }
    const id = c.keyResourceId;
    if (id !== undefined && !/^kbs:\/\/\/[a-zA-Z0-9_.-]+\/[a-zA-Z0-9_.-]+\/[a-zA-Z0-9_.-]+$/.test(id)) {
      fail(this, 'confidential.keyResourceId', id, 'is not a KBS resource id', 'use kbs:///<repo>/<type>/<tag>');
    }
    return id === undefined ? { enabled: true } : { enabled: true, resourceId: id };
  }

  private tracing(t: LlmTracing): Record<string, unknown> {
    // A collector URL with `user:password@` would put the password in the manifest (and, below, in an error message).
    if (typeof t.exporterEndpoint === 'string') checkNoCredential(this, 'tracing.exporterEndpoint', t.exporterEndpoint);
    if (t.exporterEndpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(t.exporterEndpoint)) {
      fail(this, 'tracing.exporterEndpoint', t.exporterEndpoint, 'is not an http(s) URL', 'use e.g. http://otel-collector.observability:4317');
    }
    checkNonEmpty(this, 'tracing.sampler', t.sampler);
    checkNonEmpty(this, 'tracing.exporter', t.exporter);
    const r = t.samplingRatio;
    if (r !== undefined && (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > 1)) {
      fail(this, 'tracing.samplingRatio', r, 'is out of range', 'use a share from 0 to 1, e.g. 0.05');
    }
    const out: Record<string, unknown> = {};
    if (t.exporterEndpoint !== undefined) out.exporterEndpoint = t.exporterEndpoint;
    if (t.sampler !== undefined) out.sampler = t.sampler;
    if (r !== undefined) out.samplerArg = String(r);
    if (t.exporter !== undefined) out.exporter = t.exporter;
    return out;
  }

  private podSpec(
    placement: ResolvedPlacement, resources: ResolvedResources, image: string | undefined, args: string[], env: EnvVar[], shm: string,
  ): Record<string, unknown> {
    return llmPodSpec({
      image,
      args,
      env,
      sharedMemory: shm,
      security: this.podSecurity()._resolve(),
      resources,
      placement,
      serviceAccountName: this.serviceAccountName,
    });
  }
}

/** GPUs one role of an LLM service needs. */
export interface LlmGpuDemand {
  /** `server`, `decode`, `prefill`, or `<role>-workers` for the worker pods of a multi-node replica. */
  readonly role: string;
  /** GPU product / MIG profile / resource. */
  readonly capacityKey: string;
  /** The extended resource. */
  readonly resourceName: string;
  /** Devices per pod. */
  readonly devicesPerPod: number;
  /** Pods of this role per replica. */
  readonly podsPerReplica: number;
  /** Replicas at minimum scale (the KEDA idle floor when set). */
  readonly minReplicas: number;
  /** Replicas at maximum scale. */
  readonly maxReplicas: number;
  /** Devices at minimum scale. */
  readonly minDevices: number;
  /** Devices at maximum scale. */
  readonly maxDevices: number;
  /**
   * Nodes at maximum scale, when the pool says how many GPUs a node holds (whole GPUs only).
   *
   * @default - unknown
   */
  readonly maxNodes?: number;
}

/** Restricted, with a writable root filesystem: the NVIDIA CDI hook writes to it (KServe's presets say so). */
const DEFAULT_POD_SECURITY = PodSecurity.restricted({ readOnlyRootFilesystem: false });


/** Whether the app defines a config of that name where KServe looks: the service's namespace, then KServe's. */
function findConfig(scope: LlmService, name: string): boolean {
  return scope.node.root.node.findAll().some((c) => c instanceof LlmServiceConfig && c.name === name
    && (c.namespace === scope.namespace || c.namespace === 'kserve'));
}

