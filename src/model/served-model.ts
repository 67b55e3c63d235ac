import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import { EnvValue, ImagePullPolicy, IServiceAccount } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Batcher, InferenceComponent, ModelContainer, ModelResources, PayloadLogger, StorageMount, Visibility, WorkerSpec } from './components';
import { CustomServer } from './custom-server';
import { ModelFormat } from './format';
import { checkManagedKeys, mergedProps, ModelSpec, resolveModelSpec, RolloutAttachment } from './model-spec';
import { ModelVolume } from './model-volume';
import { InferenceProtocol } from './protocol';
import { IServedModel } from './served-model-ref';
import { ModelStorage } from './storage';
import type { ILocalModelCache } from '../cache/local-model-cache-ref';
import { fail, raiseIfInvalid, withScope } from '../internal/errors';
import { DerivedObject, derivedObjectsChanged, ensureUniqueIdentities } from '../internal/identity';
import { chartNamespace } from '../internal/labels';
import { nameFromId } from '../internal/names';
import { renderPlainDocument } from '../internal/render';
import type { LlmOptions } from '../llm/llm-options';
import { ModelEndpoint, PlannedDocument } from '../platforms/compiler';
import { checkPlatformExtensions, extensionPlans } from '../platforms/extensions';
import { checkExposure, gatewayPlans } from '../platforms/gateway-route';
import { servedModelName } from '../platforms/model-server-images';
import { ServingPlatform } from '../platforms/platform';
import type { IServingRuntime } from '../runtime/runtime-ref';
import { DeploymentStrategy } from '../scaling/deployment-strategy';
import { Scaling } from '../scaling/scaling';
import { Accelerator } from '../scheduling/accelerator';
import { knativeFlagsChanged, registerKnativeFlagConsumer, runtimeKnativeFlags } from '../scheduling/knative-flags';
import { GpuNodePool } from '../scheduling/node-pool';
import { ModelStartup } from '../scheduling/startup';
import { PodSecurity } from '../security/pod-security';
import { GatewayBackend, GatewayExposure, ResolvedGatewayExposure } from '../traffic/gateway-exposure';

/** Props of a {@link ServedModel}. */
export interface ServedModelProps {
  /**
   * The model format; KServe picks a runtime that supports it.
   *
   * @default - none; required unless `server` runs your own model server
   */
  readonly format?: ModelFormat;

  /**
   * Where the model files are.
   *
   * @default - none (a custom server that bakes in its model)
   */
  readonly storage?: ModelStorage;

  /**
   * The inference protocol.
   *
   * @default - V2 where the format's built-in runtimes speak it, else V1
   */
  readonly protocol?: InferenceProtocol;

  /**
   * The KServe ServingRuntime or ClusterServingRuntime to run: one of this
   * app (checked at synth: it must serve the model's format and protocol),
   * or one that exists in the cluster, known only by name:
   * `ServingRuntime.fromServingRuntimeName(scope, id, name)` or
   * `ClusterServingRuntime.fromClusterServingRuntimeName(scope, id, name)`
   * (not checked). KServe platforms only.
   *
   * @default - KServe selects a runtime for the format
   */
  readonly runtime?: IServingRuntime;

  /**
   * Pins the runtime's image to this tag (or `sha256:` digest on the
   * Knative Service and Deployment platforms): the exact server version.
   * Needs `format`.
   *
   * @default - the runtime's default version
   */
  readonly runtimeVersion?: string;

  /**
   * Replaces the runtime's image with this one: the same server from
   * another registry, or a build of your own that behaves like it. Needs
   * `format` (the runtime still decides args, ports and probes); to run a
   * server of your own, use `server` instead.
   *
   * @default - the runtime's image
   */
  readonly runtimeImage?: string;

  /**
   * Your own model server, in place of a runtime: its image, entrypoint and
   * port. It replaces the runtime, so it is set without `format`, `runtime`,
   * `runtimeVersion` and `runtimeImage`.
   *
   * @default - the format's runtime serves the model
   */
  readonly server?: CustomServer;

  /**
   * Extra arguments for the model server.
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Environment variables of the model server, as cdk8s-plus `EnvValue`s:
   * plain values (`EnvValue.fromValue('1')`), Secrets
   * (`EnvValue.fromSecretValue`), ConfigMaps, field references. The way to
   * pass credentials such as `HF_TOKEN`: literals that look like credentials
   * are rejected. Add more later with `addEnv`.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * How the model's pods are locked down.
   *
   * @default PodSecurity.RESTRICTED (Pod Security Standards "restricted", read-only root filesystem)
   */
  readonly podSecurity?: PodSecurity;

  /**
   * CPU and memory per replica.
   *
   * @default - 1 CPU and 2 GiB requested, 2 GiB memory limit
   */
  readonly resources?: ModelResources;

  /**
   * GPUs or other accelerators per replica.
   *
   * @default - CPU only
   */
  readonly accelerator?: Accelerator;

  /**
   * The node pool to run on (labels and taints).
   *
   * @default - any node
   */
  readonly nodePool?: GpuNodePool;

  /**
   * How long a new replica may take to become ready (node provisioning,
   * image pull, model load) and whether it gets a startup probe.
   *
   * @default - GPU models: 20 minutes and a startup probe; others: the platform's defaults
   */
  readonly startup?: ModelStartup;

  /**
   * How many replicas serve the model.
   *
   * @default Scaling.autoscale({ minReplicas: 1 })
   */
  readonly scaling?: Scaling;

  /**
   * The serving engine.
   *
   * @default ServingPlatform.kserve() (KServe, Knative mode)
   */
  readonly platform?: ServingPlatform;

  /**
   * The resource name.
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The namespace.
   *
   * Without one (here or on the chart), the documents carry no namespace and
   * kubectl applies them to its current namespace. `url` and `hostname` then
   * name the `default` namespace, and KServe's name-length check counts
   * `default`: set a namespace when the model runs anywhere else.
   *
   * @default - the chart's namespace, else none: kubectl's current namespace at apply time (`url` assumes `default`)
   */
  readonly namespace?: string;

  /**
   * Extra labels for every document and pod.
   *
   * @default - only the standard app.kubernetes.io labels
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra annotations for the main document.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;

  /**
   * The service account the pods run as; on KServe it also carries the
   * storage credentials (secrets annotated for S3/GCS). A cdk8s-plus
   * `ServiceAccount` of this app, or one that exists in the cluster:
   * `ServiceAccount.fromServiceAccountName(scope, id, name)`.
   *
   * @default - the namespace's default service account
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * Knative: the most requests one replica handles at once (0 = unlimited).
   *
   * @default - unlimited (Knative's default)
   */
  readonly containerConcurrency?: number;

  /**
   * Request timeout.
   *
   * @default - the platform's default (Knative: 300 seconds)
   */
  readonly timeout?: Duration;

  /**
   * Who can reach the model.
   *
   * @default Visibility.CLUSTER_LOCAL
   */
  readonly visibility?: Visibility;

  /**
   * A transformer for pre- and post-processing next to the model: the way
   * training and serving share feature code.
   *
   * @default - none
   */
  readonly transformer?: InferenceComponent;

  /**
   * An explainer container.
   *
   * @default - none
   */
  readonly explainer?: InferenceComponent;

  /**
   * KServe's request batcher.
   *
   * @default - no batching
   */
  readonly batcher?: Batcher;

  /**
   * KServe's payload logger.
   *
   * @default - no payload logging
   */
  readonly logger?: PayloadLogger;

  /**
   * The LocalModelCache (or LocalModelNamespaceCache) holding this model on
   * the nodes' local disks (KServe only). KServe matches caches by storage
   * URI and needs no field on the InferenceService; referencing the cache
   * checks the URI and node group at synth and applies the cache before the
   * model.
   *
   * @default - no local cache
   */
  readonly modelCache?: ILocalModelCache;

  /**
   * LLM settings for KServe's Hugging Face runtime (vLLM backend), written as
   * server arguments. Needs `format: ModelFormat.HUGGINGFACE`; the
   * tensor-parallel size follows the accelerator's GPU count.
   *
   * @default - none
   */
  readonly llm?: LlmOptions;

  /**
   * Exposes the model through an existing Gateway API Gateway: an
   * `HTTPRoute` (`GRPCRoute` for gRPC models) to the model's Service, and a
   * `ReferenceGrant` when the route lives in another namespace. On the
   * Deployment platform and KServe Standard mode (to `{name}-predictor`, or
   * `{name}-transformer`; REST only); Knative routes through its own
   * ingress (use `visibility` and `timeout` there). A `CanaryRollout` with
   * `TrafficRouter.gatewayApi()` splits this route's traffic.
   *
   * @default - no route: the model is reached through its Service only
   */
  readonly gateway?: GatewayExposure;

  /**
   * The port the model server serves gRPC on, named `h2c` (Knative and
   * KServe route HTTP/2 by that name). Needed for a gRPC protocol on a
   * runtime named by `runtime`, or a `servingRuntime` that also speaks REST:
   * the library cannot know which port such a runtime opens (Triton's
   * `--grpc-port`). KServe only; the Deployment and Knative Service
   * platforms choose the server and know its port.
   *
   * @default - the built-in runtime's gRPC port (Triton and MLServer 9000, KServe's Python servers 8081); a custom container's `port`
   */
  readonly grpcPort?: number;

  /**
   * The port a format runtime's server listens on when the model's own
   * configuration moves it off the runtime's 8080: TorchServe's
   * `inference_address` in the model's `config.properties` (KServe's
   * collocation page, 8085). For a collocated transformer only, whose
   * container is then the pod's entry port: the server's readiness probe
   * asks this port, and the transformer's port must differ from it. A
   * custom server gives its port as `server.port`.
   *
   * @default - the runtime's port, 8080
   */
  readonly serverPort?: number;

  /**
   * Volumes mounted into the model server container: a ConfigMap or Secret
   * as files (a server's config, LMCache's `lmcache_config.yaml`), or an
   * empty writable directory. Every platform; the pod stays "restricted".
   *
   * @default - none (the model files come from `storage`)
   */
  readonly volumes?: ModelVolume[];

  /**
   * Serve REST and gRPC together: REST on the Service's port 80 and gRPC on
   * `grpcPort` (with `appProtocol: kubernetes.io/h2c`). Needs a gRPC
   * protocol. KServe Standard mode only: Knative routes one port per pod.
   *
   * @default false (the protocol's port only)
   */
  readonly restAndGrpc?: boolean;

  /**
   * How the model's Deployment replaces pods on a change: a rolling update
   * with surge and unavailability budgets, or recreate. KServe Standard
   * mode (the predictor's `deploymentStrategy`) and the Kubernetes
   * Deployment platform; Knative replaces revisions itself.
   *
   * @default - Standard mode: Kubernetes' rolling update (25% / 25%); Deployment platform: maxSurge 25%, maxUnavailable 0
   */
  readonly deploymentStrategy?: DeploymentStrategy;

  /**
   * The model server's image pull policy.
   *
   * @default - Kubernetes' default (`Always` for `:latest`, else `IfNotPresent`)
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * Several model locations, each mounted at its own path (KServe
   * `storageUris`): a base model and its adapters. Instead of `storage`
   * (KServe rejects both). KServe only.
   *
   * @default - `storage` only
   */
  readonly storageUris?: StorageMount[];

  /**
   * Multi-node serving (KServe `workerSpec`): one replica spans
   * `pipelineParallelSize` nodes with `tensorParallelSize` GPUs each, run by
   * KServe's Hugging Face multi-node runtime. Needs
   * `format: ModelFormat.HUGGINGFACE`, `pvc://` or `oci://` storage, KServe
   * Standard mode and fixed replicas.
   *
   * @default - single-node replicas
   */
  readonly workerSpec?: WorkerSpec;
}

/** No overrides: the stable model. */
const EMPTY_OVERRIDES: Partial<ServedModelProps> = Object.freeze({});

/** What a document reads its model through: the current resolved spec. */
interface SpecSource {
  _spec(): ModelSpec;
}

/**
 * One planned document as a cdk8s ApiObject. Its `spec`, labels and
 * annotations are built at synth from the model's spec as it is then, so a
 * CanaryRollout or `addEnv` declared after the model still shows in it (the
 * cdk8s-plus pattern: one `Lazy` calling the compiler). It renders the
 * compiler's body itself when cdk8s would write the same JSON (see
 * `renderPlainDocument`).
 */
class ModelDocument extends ApiObject {
  /** Whether JSON patches were added (escape hatch): cdk8s renders the object then, applying them. */
  private patched = false;

  constructor(scope: Construct, private readonly plan: PlannedDocument, private readonly model: SpecSource) {
    super(scope, plan.id, {
      apiVersion: plan.apiVersion,
      kind: plan.kind,
      metadata: { name: plan.name, namespace: plan.namespace ?? model._spec().namespace },
      spec: Lazy.any({ produce: () => plan.spec(model._spec()) }),
    });
  }

  public toJson(): any {
    const s = this.model._spec();
    const owner = this.node.scope!;
    const what = `${this.plan.kind} ${this.plan.name}`;
    // The main document carries the user's annotations; every document the user's labels.
    const isMain = this.node.id === 'Resource';
    addAll(s.labels, (k, v) => this.metadata.addLabel(k, v));
    if (this.plan.labels) {
      const managed = this.plan.labels(s);
      // A user label or annotation the platform writes too would be overwritten: fail instead.
      checkManagedKeys(owner, 'labels', s.labels, managed, what);
      addAll(managed, (k, v) => this.metadata.addLabel(k, v));
    }
    if (isMain) addAll(s.annotations, (k, v) => this.metadata.addAnnotation(k, v));
    if (this.plan.annotations) {
      const managed = this.plan.annotations(s);
      if (isMain) checkManagedKeys(owner, 'annotations', s.annotations, managed, what);
      addAll(managed, (k, v) => this.metadata.addAnnotation(k, v));
    }
    return renderPlainDocument(this, this.plan.spec(s), this.patched) ?? super.toJson();
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }
}

/**
 * A model served on KServe, Knative or Kubernetes, from one set of typed props.
 *
 * @example
 * new ServedModel(chart, 'fraud-detector', {
 *   format: ModelFormat.XGBOOST,
 *   storage: ModelStorage.fromUri('s3://models/fraud/v7'),
 *   scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5 }),
 * });
 */
export class ServedModel extends Construct implements IServedModel {
  /**
   * Whether `x` is a ServedModel of this library (what `IServedModel`
   * references must be for the constructs that read a model's spec).
   *
   * @param x any object
   */
  public static isServedModel(x: any): x is ServedModel {
    return x instanceof ServedModel;
  }

  /** The name of the main resource (the InferenceService name on KServe). */
  public readonly name: string;
  /** The namespace, if set (here or on the chart); undefined: kubectl's current namespace at apply time. */
  public readonly namespace?: string;
  /** The serving platform. */
  public readonly platform: ServingPlatform;
  /** The main document (escape hatch): the InferenceService, Knative Service or Deployment. */
  public readonly apiObject: ApiObject;
  /** The props the model was declared with (a copy; not public: the AWS CDK guidelines keep props bags private). */
  private readonly props: ServedModelProps;

  private readonly extraEnv: Record<string, EnvValue> = {};
  private cachedSpec?: ModelSpec;
  private cachedStable?: ModelSpec;
  /** The last spec resolved with overrides: a rollout checks its candidate, then attaches the same overrides. */
  private cachedOverride?: { readonly scope: IConstruct; readonly overrides: Partial<ServedModelProps>; readonly spec: ModelSpec };
  private rollout?: RolloutAttachment;
  private readonly documents: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: ServedModelProps) {
    super(scope, id);
    checkPropTypes(this, props);
    // A copy: arrays and maps mutated after construction cannot bypass validation.
    this.props = copyProps(props);
    props = this.props;
    this.platform = props.platform ?? ServingPlatform.kserve();
    this.name = props.name ?? nameFromId(id);
    this.namespace = props.namespace ?? chartNamespace(this);
    const capabilities = this.platform._compiler.capabilities;
    if (props.runtime !== undefined && !capabilities.servingRuntimes) {
      fail(this, 'runtime', props.runtime?.runtimeName ?? props.runtime, `only applies to KServe, not the "${this.platform.id}" platform`,
        'use ServingPlatform.kserve() or kserveStandard(), or the platform option modelServer, runtimeImage or server');
    }
    if (props.modelCache !== undefined && !capabilities.modelCaches) {
      fail(this, 'modelCache', props.modelCache.cacheName, `only works on KServe, not the "${this.platform.id}" platform`,
        'use ServingPlatform.kserve() or kserveStandard(), or drop modelCache');
    }
    const spec = this._spec();
    const plans = this.platform._compiler.plan(spec);
    if (props.gateway !== undefined) plans.push(...this.gatewayPlans(props.gateway));
    plans.push(...extensionPlans(spec));
    for (const plan of plans) {
      this.documents.push(new ModelDocument(this, plan, this));
    }
    this.apiObject = this.documents.find((d) => d.node.id === 'Resource') ?? this.documents[0];
    // Knative rejects revisions whose pods use a gated field while its flag is off: checked app-wide at synth.
    if (this.platform.isKnative) {
      // The app asks once per chart it synthesizes: the list is kept per spec (a runtime's flags are set when it is
      // constructed, before a model can name it; a rollout's candidate runtime comes with a new spec).
      let last: { readonly spec: ModelSpec; readonly flags: string[] } | undefined;
      registerKnativeFlagConsumer(this, () => {
        const current = this._spec();
        if (last?.spec !== current) {
          const own = this.platform._compiler.knativeFlags?.(current) ?? [];
          // A runtime's placement is merged into the model's pods by KServe.
          const fromRuntimes = [...runtimeKnativeFlags(props.runtime), ...runtimeKnativeFlags(this.rollout?.candidate?.runtime)];
          // The compiler's list is sorted, without duplicates: merged only when a runtime adds flags.
          last = { spec: current, flags: fromRuntimes.length === 0 ? own : [...new Set([...own, ...fromRuntimes])].sort() };
        }
        return last.flags;
      });
    }
    ensureUniqueIdentities(this);
    // Apply the runtime and the cache before the model that uses them (a
    // runtime known only by name writes no document: nothing to order).
    if (props.runtime !== undefined && !props.runtime.imported) this.node.addDependency(props.runtime);
    if (props.modelCache !== undefined) this.node.addDependency(props.modelCache);
  }

  /**
   * Adds an environment variable to the model server.
   *
   * @param name the variable name
   * @param value the value: `EnvValue.fromValue('1')`, `EnvValue.fromSecretValue(...)`, ... (credential literals are rejected)
   */
  public addEnv(name: string, value: EnvValue): void {
    if (typeof name !== 'string') fail(this, 'addEnv name', name, 'is not a string', 'use an environment variable name');
    if (value === null || typeof value !== 'object') {
      fail(this, `addEnv("${name}")`, typeof value === 'string' ? '<string>' : value, 'is not an EnvValue', 'use EnvValue.fromValue(...) or EnvValue.fromSecretValue(...)');
    }
    if (Object.prototype.hasOwnProperty.call(this.extraEnv, name)) {
      fail(this, 'addEnv', name, 'was already added', 'add each environment variable once');
    }
    this.extraEnv[name] = value;
    this.specChanged();
    try {
      this._spec();
    } catch (e) {
      // A rejected variable is not kept: the model stays as it was.
      delete this.extraEnv[name];
      this.specChanged();
      throw e;
    }
  }

  /**
   * Drops the resolved specs after a change of the model (they are resolved
   * again on the next read): every spec, or only the rendered one (a rollout
   * attached: the stable spec has no candidate in it). What the app checks
   * from the spec follows it: the Knative flags its pods need and the
   * objects the engines derive.
   */
  private specChanged(renderedOnly = false): void {
    this.cachedSpec = undefined;
    if (!renderedOnly) {
      this.cachedStable = undefined;
      this.cachedOverride = undefined;
    }
    if (this.platform.isKnative) knativeFlagsChanged(this);
    derivedObjectsChanged(this);
  }

  /** All documents this model emits, main document first. */
  public get apiObjects(): ApiObject[] {
    return [...this.documents];
  }

  /**
   * The in-cluster host name callers use: `{name}.{namespace}.svc.cluster.local`,
   * with `default` as the namespace when the model has none.
   */
  public get hostname(): string {
    return this.endpoint().hostname;
  }

  /** The base URL callers use: `http://{hostname}` (namespace `default` when the model has none). */
  public get url(): string {
    return this.endpoint().url;
  }

  /** The inference protocol the model speaks. */
  public get protocol(): InferenceProtocol {
    return this._spec().protocol;
  }

  /** The path a client posts inference requests to, on the name the server serves (`--model_name` in args, ...). */
  public get inferPath(): string {
    return this.protocol.inferPath(this.servedName());
  }

  /** The server health path (V2: `/v2/health/ready`). */
  public get healthPath(): string {
    return this.protocol.healthPath;
  }

  /** The model readiness path (V2: `/v2/models/{name}/ready`), on the name the server serves. */
  public get readyPath(): string {
    return this.protocol.modelReadyPath(this.servedName());
  }

  /**
   * The name the model server serves the model under: a `--model_name` (or
   * vLLM `--served-model-name`) in args wins over the resource name; servers
   * that name models themselves (Triton, TorchServe) keep the resource name.
   */
  private servedName(): string {
    return servedModelName(this._spec()) ?? this.name;
  }

  /** @internal the Gateway exposure, resolved, with the Service it routes to (undefined without `gateway`). */
  public _gateway(): { exposure: ResolvedGatewayExposure; backend: GatewayBackend } | undefined {
    const g = this.props.gateway;
    if (g === undefined) return undefined;
    const backend = this.platform._compiler.gatewayBackend?.(this._stableSpec());
    if (backend === undefined) return undefined;
    return { exposure: g._resolve(), backend };
  }

  /**
   * @internal drops this model's documents of the given kinds: a rollout
   * engine that writes them itself (Flagger's Services and HTTPRoute).
   */
  public _omitDocuments(kinds: string[]): void {
    for (const doc of this.documents.filter((d) => kinds.includes(d.kind))) {
      this.node.tryRemoveChild(doc.node.id);
      this.documents.splice(this.documents.indexOf(doc), 1);
    }
  }

  private gatewayPlans(gateway: GatewayExposure): PlannedDocument[] {
    if (!(gateway instanceof GatewayExposure)) fail(this, 'gateway', gateway, 'is not a GatewayExposure', 'use GatewayExposure.route({ gateways: [...] })');
    // A route built from bad input carries its factory's error: raised here, after the model's path.
    withScope(this, 'gateway', () => raiseIfInvalid(gateway));
    const compiler = this.platform._compiler;
    const backend = compiler.gatewayBackend?.(this._stableSpec());
    if (backend === undefined && !compiler.knative) {
      fail(this, 'gateway', gateway.hostnames, `cannot route to a ${this._spec().protocol.version} model on ${compiler.displayName}: `
        + 'KServe finds the predictor\'s gRPC port at runtime', 'use KServe\'s own route (visibility: Visibility.EXTERNAL), a REST protocol, '
        + 'or ServingPlatform.kubernetesDeployment()');
    }
    if (backend === undefined) {
      fail(this, 'gateway', gateway.hostnames, `is not written on ${compiler.displayName}, which routes through its own ingress`,
        'use visibility: Visibility.EXTERNAL and timeout (the Gateway and domain come from the cluster\'s KServe ingress config or Knative\'s '
        + 'net-gateway-api), or ServingPlatform.kubernetesDeployment() for a route of your own');
    }
    const e = gateway._resolve();
    checkExposure(this, e, backend, this.namespace);
    return gatewayPlans(e, backend, this.name, this.namespace);
  }

  private endpoint(): ModelEndpoint {
    return this.platform._compiler.endpoint(this._spec());
  }

  /**
   * @internal the spec the documents render: the stable model, with the
   * candidate of an attached rollout (recomputed after mutations).
   */
  public _spec(): ModelSpec {
    if (!this.cachedSpec) {
      const stable = this._stableSpec();
      const r = this.rollout;
      if (r?.candidate) {
        const candidate = this._resolveWith(r.scope, r.candidate);
        this.cachedSpec = r.renderCandidate
          ? candidate
          : { ...stable, canary: { name: r.name, spec: candidate, trafficPercent: r.trafficPercent } };
      } else {
        this.cachedSpec = stable;
      }
    }
    return this.cachedSpec;
  }

  /** @internal the stable model's resolved, validated spec, without any candidate. */
  public _stableSpec(): ModelSpec {
    return (this.cachedStable ??= this._resolveWith(this, EMPTY_OVERRIDES));
  }

  /** @internal the spec of this model with some props overridden (a rollout's candidate), validated for the platform. */
  public _resolveWith(scope: IConstruct, overrides: Partial<ServedModelProps>): ModelSpec {
    const cached = this.cachedOverride;
    if (cached !== undefined && cached.scope === scope && cached.overrides === overrides) return cached.spec;
    // A candidate's props come from callers too (plain JavaScript included).
    if (overrides !== EMPTY_OVERRIDES && Object.keys(overrides).length) checkPropTypes(scope, overrides as ServedModelProps);
    const spec = resolveModelSpec(scope, this.name, mergedProps(this.props, overrides, this.namespace), this.extraEnv);
    checkPlatformExtensions(scope, spec, this.platform._compiler);
    this.platform._compiler.validate(scope, spec);
    this.cachedOverride = { scope, overrides, spec };
    return spec;
  }

  /**
   * @internal the versions of the model whose pods run: the stable model,
   * and during a rollout the candidate beside it (KServe keeps the previous
   * revision or the stable predictor; Flagger the primary; Argo the stable
   * ReplicaSet), each with the construct that declares it.
   */
  public _runningVersions(): Array<{ readonly scope: IConstruct; readonly spec: ModelSpec; readonly role?: 'stable' | 'candidate' }> {
    const r = this.rollout;
    const stable = this._stableSpec();
    if (!r?.candidate) return [{ scope: this, spec: stable }];
    return [
      { scope: this, spec: stable, role: 'stable' },
      { scope: r.scope, spec: this._resolveWith(r.scope, r.candidate), role: 'candidate' },
    ];
  }

  /** @internal objects the engine creates from this model's documents (checked for collisions app-wide). */
  public _derivedObjects(): DerivedObject[] {
    return this.platform._compiler.derivedObjects?.(this._spec()) ?? NO_DERIVED_OBJECTS;
  }

  /** @internal attaches a CanaryRollout (one per model): its candidate and traffic step. */
  public _attachRollout(rollout: RolloutAttachment): void {
    if (this.rollout) {
      fail(rollout.scope, 'model', this.node.path, `already has the canary rollout "${this.rollout.name}"`,
        'roll out one candidate at a time per model (A/B splits between models belong to an inference graph)');
    }
    this.rollout = rollout;
    // A candidate's own runtime is applied before the model too.
    if (rollout.candidate?.runtime !== undefined && !rollout.candidate.runtime.imported) this.node.addDependency(rollout.candidate.runtime);
    // The rollout has just resolved its candidate (kept as the last override).
    this.specChanged(true);
    this._spec();
  }
}

/** No derived objects (a platform whose engine creates nothing from the documents). */
const NO_DERIVED_OBJECTS: DerivedObject[] = [];

/** The value classes a prop takes; plain JavaScript callers get a clear error instead of a TypeError. */
const VALUE_CLASSES: Array<[keyof ServedModelProps, Function, string]> = [
  ['format', ModelFormat, 'ModelFormat.SKLEARN, ModelFormat.of(...)'],
  ['storage', ModelStorage, 'ModelStorage.fromUri(...), ModelStorage.fromS3({ bucket: ..., key: undefined })'],
  ['protocol', InferenceProtocol, 'InferenceProtocol.V1 or InferenceProtocol.V2'],
  ['podSecurity', PodSecurity, 'PodSecurity.restricted(...) or PodSecurity.baseline(reason)'],
  ['accelerator', Accelerator, 'Accelerator.nvidiaGpu(...), Accelerator.custom(...)'],
  ['nodePool', GpuNodePool, 'GpuNodePool.gke(...), GpuNodePool.eksKarpenter(...), GpuNodePool.aks(...), GpuNodePool.custom(...)'],
  ['scaling', Scaling, 'Scaling.autoscale(...), Scaling.scaleToZero(...), Scaling.fixedReplicas(n)'],
  ['platform', ServingPlatform, 'ServingPlatform.kserve(), ServingPlatform.kserveStandard(), ...'],
  ['timeout', Duration, 'Duration.seconds(n) from cdk8s'],
  ['deploymentStrategy', DeploymentStrategy, 'DeploymentStrategy.rollingUpdate(...) or DeploymentStrategy.recreate()'],
];

/** Props replaced before 1.0 (README "Changes"), with what to write instead. */
const REPLACED_PROPS: Array<[string, string]> = [
  ['serviceAccountName', 'use serviceAccount: ServiceAccount.fromServiceAccountName(scope, id, name) from cdk8s-plus'],
  ['servingRuntime', 'use runtime'],
  ['env', 'use envVariables with EnvValue.fromValue(...)'],
  ['envValues', 'use envVariables'],
  ['container', 'use server (your own model server) or runtimeImage (the runtime\'s image replaced); args, envVariables and resources are model props'],
];

function checkPropTypes(scope: IConstruct, props: ServedModelProps): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    fail(scope, 'props', props, 'is missing or not an object', 'pass ServedModelProps, e.g. { format, storage }');
  }
  // Plain JavaScript callers (and spreads, which TypeScript does not check) may still pass a prop that was replaced.
  for (const [old, use] of REPLACED_PROPS) {
    if ((props as Record<string, unknown>)[old] !== undefined) fail(scope, old, '<set>', 'is no longer a ServedModel prop', use);
  }
  for (const [prop, cls, use] of VALUE_CLASSES) {
    const v = props[prop];
    if (v !== undefined && !(v instanceof cls)) {
      fail(scope, prop, typeof v === 'object' ? `<${(v as any)?.constructor?.name ?? typeof v}>` : v, `is not a ${cls.name}`, `use ${use}`);
    }
  }
  for (const prop of ['name', 'namespace', 'runtimeVersion', 'runtimeImage'] as const) {
    if (props[prop] !== undefined && typeof props[prop] !== 'string') fail(scope, prop, props[prop], 'is not a string', 'use a string');
  }
  if (props.visibility !== undefined && !(Object.values(Visibility) as unknown[]).includes(props.visibility)) {
    fail(scope, 'visibility', props.visibility, 'is not a Visibility', 'use Visibility.CLUSTER_LOCAL or Visibility.EXTERNAL');
  }
  if (props.containerConcurrency !== undefined && typeof props.containerConcurrency !== 'number') {
    fail(scope, 'containerConcurrency', props.containerConcurrency, 'is not a number', 'use a whole number from 0 to 1000');
  }
  for (const prop of ['server', 'transformer', 'explainer'] as const) {
    const c = props[prop];
    if (c !== undefined && (c === null || typeof c !== 'object' || typeof c.image !== 'string')) {
      fail(scope, `${prop}.image`, (c as any)?.image, 'is missing or not a string', 'give the container an image reference');
    }
  }
}

function copyContainer<T extends ModelContainer | undefined>(c: T): T {
  if (c === undefined || c === null || typeof c !== 'object') return c;
  return {
    ...c,
    args: Array.isArray(c.args) ? [...c.args] : c.args,
    command: Array.isArray(c.command) ? [...c.command] : c.command,
    envVariables: copyMap(c.envVariables),
  } as T;
}

function copyMap<T>(m: T): T {
  return m !== undefined && m !== null && typeof m === 'object' && !Array.isArray(m) ? { ...m } : m;
}

/** A copy of the props whose arrays and maps the caller cannot change any more. */
function copyProps(props: ServedModelProps): ServedModelProps {
  const out: { -readonly [K in keyof ServedModelProps]: ServedModelProps[K] } = { ...props };
  // Only what is set is copied: this runs for every model of a fleet.
  if (Array.isArray(props.args)) out.args = [...props.args];
  const server = props.server;
  if (server !== undefined && server !== null && typeof server === 'object') {
    out.server = { ...server, command: Array.isArray(server.command) ? [...server.command] : server.command };
  }
  for (const k of MAP_PROPS) {
    const v = props[k];
    if (v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v)) (out as any)[k] = { ...v };
  }
  if (props.transformer !== undefined) out.transformer = copyContainer(props.transformer);
  if (props.explainer !== undefined) out.explainer = copyContainer(props.explainer);
  if (Array.isArray(props.storageUris)) out.storageUris = props.storageUris.map((m) => (m !== null && typeof m === 'object' ? { ...m } : m));
  if (props.logger !== null && typeof props.logger === 'object' && Array.isArray(props.logger.metadataHeaders)) {
    out.logger = { ...props.logger, metadataHeaders: [...props.logger.metadataHeaders] };
  }
  return out;
}

/** Props holding maps or plain structs, copied one level deep. */
const MAP_PROPS = ['envVariables', 'labels', 'annotations', 'resources', 'batcher', 'logger', 'llm', 'startup', 'workerSpec'] as const;

function addAll(record: Record<string, string>, add: (key: string, value: string) => void): void {
  for (const k of Object.keys(record)) add(k, record[k]);
}

