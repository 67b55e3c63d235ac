import { IConstruct } from 'constructs';
import { IPlatformCompiler, ModelEndpoint, PerSpec, PlannedDocument, PlatformCapabilities, clusterEndpoint } from './compiler';
import { triggerAuthenticationName } from './extensions';
import { checkKnativePort, checkKnativeScaling, checkNoKnativeKnobs, modelAutoscalingAnnotations, placementFlagsOf } from './knative-annotations';
import { builtInGrpcPort, builtInModelName } from './model-server-images';
import { modelContainerFields, placementFields, resourcesJson, scratchMounts, scratchVolumes, serverPodVolumes, sideContainer } from './pod';
import { fail } from '../internal/errors';
import { DerivedObject } from '../internal/identity';
import { compact } from '../internal/k8s';
import {
  checkDns1035, LONGEST_KNATIVE_TAG_PREFIX, LONGEST_KNATIVE_TAG_PREFIX_TEXT, LONGEST_KSERVE_COMPONENT_SUFFIX, LONGEST_KSERVE_COMPONENT_SUFFIX_TEXT,
} from '../internal/names';
import { Visibility } from '../model/components';
import { ResolvedLogger } from '../model/model-extensions';
import { DIGEST_VERSION, ModelSpec, ResolvedContainerSpec } from '../model/model-spec';
import { KServeKnativeEngine } from '../rollout/engines/kserve-knative';
import { KServeStandardEngine } from '../rollout/engines/kserve-standard';
import { ResolvedScaling } from '../scaling/scaling';
import { placementKnativeFlags } from '../scheduling/knative-flags';
import { startupTcpProbe } from '../scheduling/startup';
import { GatewayBackend } from '../traffic/gateway-exposure';

export const ISVC_API_VERSION = 'serving.kserve.io/v1beta1';
export const DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
export const AUTOSCALER_CLASS_ANNOTATION = 'serving.kserve.io/autoscalerClass';
export const GPU_RESOURCE_TYPES_ANNOTATION = 'serving.kserve.io/gpu-resource-types';
export const TAG_ROUTING_ANNOTATION = 'serving.kserve.io/enable-tag-routing';

/** How KServe Standard mode scales the predictor. */
export enum StandardAutoscaler {
  /** Kubernetes HorizontalPodAutoscaler on cpu or memory. */
  HPA = 'hpa',
  /** KEDA ScaledObject; the only way to scale to zero in Standard mode. */
  KEDA = 'keda',
  /** No autoscaler (fixed replicas). */
  NONE = 'none',
}

/** The replicas and autoscaler KServe Standard mode creates. */
interface StandardScaling {
  readonly autoscaler: StandardAutoscaler;
  readonly minReplicas: number;
  readonly maxReplicas?: number;
}

/**
 * The InferenceService builder both KServe modes share. Each mode is its own
 * compiler below; the mode annotation is always written: it cannot change
 * after creation and KServe's default changed across releases.
 */
abstract class InferenceServiceCompiler implements IPlatformCompiler {
  public abstract readonly knative: boolean;
  public abstract readonly id: string;
  public abstract readonly displayName: string;
  public abstract readonly capabilities: PlatformCapabilities;
  protected abstract readonly mode: 'Knative' | 'Standard';

  /** The InferenceService's parts, shared by every model's plan (a fleet holds one plan per model). */
  private readonly documentParts: Pick<PlannedDocument, 'labels' | 'annotations' | 'spec'> = {
    labels: (s): Record<string, string> => (s.visibility === Visibility.CLUSTER_LOCAL ? { 'networking.kserve.io/visibility': 'cluster-local' } : {}),
    annotations: (s) => this.annotations(s),
    spec: (s) => this.isvcSpec(s),
  };
  private readonly derived = new PerSpec<DerivedObject[]>((_scope, spec) => this.buildDerivedObjects(spec));

  public validate(scope: IConstruct, spec: ModelSpec): void {
    // KServe derives `{name}-predictor` (and -transformer/-explainer) names; in
    // Knative mode tag routing adds `latest-`/`prev-` and the default domain
    // template appends the namespace to the same 63-character DNS label.
    const suffix = LONGEST_KSERVE_COMPONENT_SUFFIX;
    const ns = spec.namespace ?? 'default';
    const fixed = 63 - LONGEST_KNATIVE_TAG_PREFIX - suffix - 1;
    // Every budget message says what it is made of: a long namespace is the usual cause.
    const { budget, parts } = this.nameBudget(ns);
    if (budget < 1) {
      fail(scope, 'namespace', ns, `leaves no room for a name (${parts})`, `use a namespace of at most ${fixed - 1} characters`);
    }
    checkDns1035(scope, 'name', spec.name, budget, parts);
    // KServe writes `<runtime image>:<runtimeVersion>` (pkg/controller/v1beta1/inferenceservice/utils/utils.go,
    // UpdateImageTag, v0.20): a digest would become a tag.
    if (spec.runtimeVersion !== undefined && DIGEST_VERSION.test(spec.runtimeVersion)) {
      fail(scope, 'runtimeVersion', spec.runtimeVersion, 'is a digest, which KServe would append to the runtime image as a tag',
        'pin the digest with runtimeImage (<repository>@sha256:...)');
    }
    this.validateMode(scope, spec);
    this.validateExtensions(scope, spec);
    if (spec.protocol.grpc && spec.runtime !== undefined && spec.grpcPort === undefined && spec.startup.requested.probe === true) {
      fail(scope, 'startup.probe', true, `cannot be placed: the library does not know the port runtime "${spec.runtime}" serves ${spec.protocol.version} on`,
        'drop startup.probe and give the runtime its own startupProbe, or use the built-in runtime');
    }
  }

  /**
   * gRPC on a named runtime needs its port: without an `h2c` port Knative
   * routes HTTP/1 to the pod and Standard mode's Service targets 8080 as
   * plain HTTP, and the model never answers. A `runtime` object that speaks
   * only gRPC names its own port `h2c` (ServingRuntime construct).
   */
  private validateExtensions(scope: IConstruct, spec: ModelSpec): void {
    if (spec.protocol.grpc && spec.runtime !== undefined && spec.grpcPort === undefined && !spec.runtimeNamesGrpcPort) {
      fail(scope, 'grpcPort', undefined, `is needed for ${spec.protocol.version} on runtime "${spec.runtime}": the library cannot know the port it serves gRPC on`,
        'set grpcPort (e.g. 9000 for Triton\'s --grpc-port), or use a runtime object that names its gRPC port (gRPC only, or grpcPort)');
    }
    const t = spec.transformer;
    if (t?.scaling) this.checkComponentScaling(scope, spec, t.scaling);
    if (spec.explainer?.scaling) this.checkComponentScaling(scope, spec, spec.explainer.scaling, 'explainer');
  }

  /** A component's own scaling, checked against what the mode's autoscaler can do. */
  protected abstract checkComponentScaling(scope: IConstruct, spec: ModelSpec, sc: ResolvedScaling, which?: string): void;

  /** Name budget left by what KServe and Knative derive from the name, and how it is made up (for messages). */
  protected abstract nameBudget(namespace: string): { budget: number; parts: string };
  /** The mode's own rules on top of the shared ones. */
  protected abstract validateMode(scope: IConstruct, spec: ModelSpec): void;
  /** The predictor's replica and autoscaler fields. */
  protected abstract scalingFields(spec: ModelSpec): Record<string, unknown>;
  /** A transformer's or explainer's replica fields (`own`: its own scaling, if set). */
  protected abstract componentScaling(spec: ModelSpec, own?: ResolvedScaling, component?: string): Record<string, unknown>;
  /** The mode's annotations besides the deployment mode. */
  protected abstract modeAnnotations(spec: ModelSpec, out: Record<string, string>): void;
  /** The pod-level securityContext, where the mode admits one. */
  protected abstract podSecurityContext(spec: ModelSpec): unknown;
  /** A startup probe for `startup.timeout` alone, where the mode needs one. */
  protected abstract timeoutStartupProbe(spec: ModelSpec): Record<string, unknown> | undefined;
  /** What KServe (and Knative) create from the InferenceService (see {@link derivedObjects}). */
  protected abstract buildDerivedObjects(spec: ModelSpec): DerivedObject[];

  /** Objects the engines create from the InferenceService, built once per spec (the app checks them once per chart it synthesizes). */
  public derivedObjects(spec: ModelSpec): DerivedObject[] {
    return this.derived.of(spec.name, spec);
  }

  public plan(spec: ModelSpec): PlannedDocument[] {
    return [{ id: 'Resource', apiVersion: ISVC_API_VERSION, kind: 'InferenceService', name: spec.name, ...this.documentParts }];
  }

  /** KServe labels every pod of an InferenceService with its name. */
  public podSelector(spec: ModelSpec): Record<string, string> {
    return { 'serving.kserve.io/inferenceservice': spec.name };
  }

  public endpoint(spec: ModelSpec): ModelEndpoint {
    return clusterEndpoint(spec);
  }

  private annotations(spec: ModelSpec): Record<string, string> {
    // Knative mode renders the candidate in the predictor: its revision annotations
    // (progress deadline, GPU scale-down delay) follow the candidate, as its probes do.
    const shown = this.knative && spec.canary ? spec.canary.spec : spec;
    // modelAutoscalingAnnotations returns a fresh object: added to, not copied.
    const out: Record<string, string> = this.knative ? modelAutoscalingAnnotations(shown) : {};
    out[DEPLOYMENT_MODE_ANNOTATION] = this.mode;
    this.modeAnnotations(spec, out);
    const stableTypes = spec.accelerator?.customResourceTypes ?? [];
    const candidateTypes = spec.canary?.spec.accelerator?.customResourceTypes ?? [];
    if (stableTypes.length || candidateTypes.length) {
      out[GPU_RESOURCE_TYPES_ANNOTATION] = JSON.stringify([...new Set([...stableTypes, ...candidateTypes])].sort());
    }
    return out;
  }

  /**
   * The InferenceService `spec`. With a canary, Knative mode shows the
   * candidate in the predictor with `canaryTrafficPercent` (KServe keeps the
   * last fully rolled-out revision for the rest); Standard mode keeps the
   * stable predictor and lists the candidate in `spec.canary[]`.
   * Fields the model leaves unset are left out here, once for the whole spec.
   */
  public isvcSpec(spec: ModelSpec): Record<string, unknown> {
    const canary = spec.canary;
    const inPredictor = canary !== undefined && this.knative;
    // A candidate never carries a canary of its own, so it renders like a model without one.
    const shown = inPredictor ? canary.spec : spec;
    const predictor = this.predictor(shown);
    if (inPredictor) predictor.canaryTrafficPercent = canary.trafficPercent;
    return compact({
      predictor,
      // A collocated transformer is a container of the predictor's pod, not a component.
      transformer: shown.transformer && !shown.transformer.collocated ? this.component(shown, 'transformer') : undefined,
      explainer: shown.explainer ? this.component(shown, 'explainer') : undefined,
      // A Standard-mode canary inherits the stable predictor's autoscaling: it carries none of its own.
      canary: canary && !inPredictor
        ? [{ predictor: this.canaryPredictor(canary.name, canary.spec), trafficPercent: canary.trafficPercent }]
        : undefined,
    });
  }

  /** A `spec.canary[]` predictor: named, and its model container named too (the v0.20 schema requires both). */
  private canaryPredictor(name: string, spec: ModelSpec): Record<string, unknown> {
    const p = this.predictor(spec, false);
    return { name, ...p, model: p.model ? { name: 'kserve-container', ...(p.model as object) } : undefined };
  }

  /** Pod-level fields, written into `into`. */
  private podFields(spec: ModelSpec, into: Record<string, unknown>): void {
    setDefined(into, 'serviceAccountName', spec.serviceAccountName);
    Object.assign(into, placementFields(spec.placement));
    // Knative rejects most pod-level securityContext fields unless a feature
    // flag is on; the container-level context carries the restricted profile.
    setDefined(into, 'securityContext', this.podSecurityContext(spec));
    setDefined(into, 'timeout', spec.timeoutSeconds);
    if (spec.scratch || spec.volumes) into.volumes = serverPodVolumes(spec);
  }

  /** A predictor: its pod, KServe's agent (batcher, payload logger) and the model server container (compacted by the caller). */
  protected predictor(spec: ModelSpec, withScaling: boolean = true): Record<string, unknown> {
    const p: Record<string, unknown> = withScaling ? this.scalingFields(spec) : {};
    this.podFields(spec, p);
    if (spec.batcher) {
      p.batcher = { maxBatchSize: spec.batcher.maxBatchSize, maxLatency: spec.batcher.maxLatencyMs, timeout: spec.batcher.timeoutSeconds };
    }
    if (spec.logger) p.logger = loggerJson(spec.logger);
    // Standard mode only (validated in checkPlatformExtensions): Knative replaces revisions itself.
    setDefined(p, 'deploymentStrategy', spec.deploymentStrategy);
    if (spec.storageUris) p.storageUris = spec.storageUris.map((m) => ({ uri: m.uri, mountPath: m.mountPath }));
    // KServe's multi-node runtime supplies the worker container; the sizes pick node and GPU counts.
    if (spec.workerSpec) p.workerSpec = this.workerSpec(spec);
    const container: Record<string, unknown> = {};
    if (spec.format) {
      const modelFormat: Record<string, unknown> = { name: spec.format.name };
      setDefined(modelFormat, 'version', spec.format.version);
      container.modelFormat = modelFormat;
      setDefined(container, 'runtime', spec.runtime);
      setDefined(container, 'runtimeVersion', spec.runtimeVersion);
      container.protocolVersion = spec.protocol.version;
      setDefined(container, 'storageUri', spec.storage?.uri);
    } else {
      container.name = 'kserve-container';
    }
    setDefined(container, 'image', spec.image);
    setDefined(container, 'imagePullPolicy', spec.imagePullPolicy);
    Object.assign(container, modelContainerFields(spec));
    setDefined(container, 'readinessProbe', this.readinessProbe(spec));
    // The startup probe keeps liveness checks off a model that is still loading.
    setDefined(container, 'startupProbe', this.startupProbe(spec));
    // A collocated transformer is the pod's entry: only it declares a port (Knative allows one per pod).
    const collocated = spec.transformer?.collocated ? collocatedTransformer(spec, spec.transformer) : undefined;
    if (spec.format) {
      const grpcPort = this.grpcPort(spec);
      if (collocated) {
        // The server keeps its ports undeclared: the transformer reaches it on localhost.
      } else if (grpcPort !== undefined && spec.restAndGrpc) {
        // Standard mode: the first port gets the Service's port 80, the others their own number
        // (reconcilers/service/service_reconciler.go createDefaultSvc); `h2c` earns appProtocol kubernetes.io/h2c.
        container.ports = [{ name: 'http1', containerPort: spec.port, protocol: 'TCP' }, { name: 'h2c', containerPort: grpcPort, protocol: 'TCP' }];
      } else if (grpcPort !== undefined) {
        container.ports = [{ name: 'h2c', containerPort: grpcPort, protocol: 'TCP' }];
      } else if (spec.image && spec.port !== 8080) {
        container.ports = [{ containerPort: spec.port, protocol: 'TCP' }];
      }
      p.model = container;
      if (collocated) p.containers = [collocated];
      return p;
    }
    // A custom predictor: KServe still downloads `STORAGE_URI` into /mnt/models.
    container.env = [...(spec.storage ? [{ name: 'STORAGE_URI', value: spec.storage.uri }] : []), ...((container.env as any[]) ?? [])];
    if (!collocated) {
      container.ports = [spec.protocol.grpc ? { name: 'h2c', containerPort: spec.port, protocol: 'TCP' } : { containerPort: spec.port, protocol: 'TCP' }];
    }
    p.containers = collocated ? [container, collocated] : [container];
    return p;
  }

  /**
   * Multi-node serving: the sizes, and the worker pods placed and locked down
   * like the head (KServe merges this PodSpec and `worker-container`,
   * constants.WorkerContainerName, into the runtime's worker: predictor.go
   * MergeServingRuntimeAndInferenceServiceSpecs). Workers need the GPU
   * node pool's placement as much as the head; KServe sets the GPU count.
   */
  private workerSpec(spec: ModelSpec): Record<string, unknown> {
    const sizes = spec.workerSpec!;
    const w: Record<string, unknown> = { pipelineParallelSize: sizes.pipelineParallelSize, tensorParallelSize: sizes.tensorParallelSize };
    Object.assign(w, placementFields(spec.placement));
    setDefined(w, 'securityContext', this.podSecurityContext(spec));
    const worker: Record<string, unknown> = { name: 'worker-container', resources: resourcesJson(spec.resources), securityContext: spec.securityContext };
    const home = spec.env.filter((e) => e.name === 'HOME');
    if (home.length) worker.env = home;
    if (spec.scratch) {
      worker.volumeMounts = scratchMounts(spec);
      w.volumes = scratchVolumes(spec);
    }
    w.containers = [worker];
    return w;
  }

  /**
   * The port gRPC is served on, named `h2c`: Knative routes HTTP/2 to a pod
   * only when its port says so (knative serving pkg/apis/serving/k8s_validation.go,
   * validateContainerPorts: port names `h2c` or `http1`), and KServe's Standard
   * mode gives such a port `appProtocol: kubernetes.io/h2c`
   * (reconcilers/service/service_reconciler.go). Known for the built-in
   * runtimes and a custom image's own port; a named runtime declares its own.
   */
  private grpcPort(spec: ModelSpec): number | undefined {
    if (!spec.protocol.grpc) return undefined;
    if (spec.grpcPort !== undefined) return spec.grpcPort;
    if (spec.runtime !== undefined) return undefined;
    if (spec.image && spec.port !== 8080) return spec.port;
    return builtInGrpcPort(spec.format!.name, spec.protocol.version);
  }

  /**
   * The startup probe: the spec's (a TCP check on the REST port, which KServe's
   * built-in runtimes open next to gRPC); in Standard mode also for a
   * `startup.timeout` alone, since KServe fixes the Deployment's progress
   * deadline. Left out for a named runtime over gRPC, whose port is unknown
   * (an explicit request fails in validate()).
   */
  private startupProbe(spec: ModelSpec): Record<string, unknown> | undefined {
    const st = spec.startup;
    if (spec.protocol.grpc && spec.runtime !== undefined) {
      // The user named the gRPC port: a TCP check on it (the runtime's REST port stays unknown).
      if (spec.grpcPort !== undefined && st.probe) return { ...(st.probe as Record<string, unknown>), tcpSocket: { port: spec.grpcPort } };
      return undefined;
    }
    if (st.probe) return st.probe as Record<string, unknown>;
    return this.timeoutStartupProbe(spec);
  }

  /**
   * A readiness probe on the protocol's REST endpoint for KServe's built-in
   * runtimes, which all serve REST on 8080 (gRPC protocols too, next to their
   * gRPC port). V2 asks the server (Triton names models after its repository
   * folders); V1 asks for the model under the name the server really serves
   * (`--model_name`, vLLM's `--served-model-name`; the runtimes pass
   * `{{.Name}}`, the InferenceService name), or the server's root when the
   * name cannot be known (TorchServe: the model archive names it). A named
   * runtime or a custom image keeps its own probes.
   */
  private readinessProbe(spec: ModelSpec): Record<string, unknown> | undefined {
    if (!spec.format || spec.runtime !== undefined || spec.image !== undefined) return undefined;
    const name = spec.protocol.isV2 ? undefined : builtInModelName(spec);
    const path = name !== undefined ? spec.protocol.modelReadyPath(name) : spec.protocol.healthPath;
    return { httpGet: { path, port: spec.port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
  }

  private component(spec: ModelSpec, which: 'transformer' | 'explainer'): Record<string, unknown> {
    const c = spec[which]!;
    const scaling = this.componentScaling(spec, c.scaling, which);
    const container = sideContainer(spec, c) as unknown as Record<string, unknown>;
    setDefined(container, 'imagePullPolicy', c.imagePullPolicy);
    const out: Record<string, unknown> = {
      ...scaling,
      serviceAccountName: c.serviceAccountName ?? spec.serviceAccountName,
      securityContext: this.podSecurityContext(spec),
      timeout: spec.timeoutSeconds,
      volumes: scratchVolumes(spec),
      containers: [container],
    };
    setDefined(out, 'deploymentStrategy', c.deploymentStrategy);
    // Its own pool only: the model's GPU placement would strand a CPU transformer on GPU nodes.
    if (c.placement) Object.assign(out, placementFields(c.placement));
    return out;
  }
}

/**
 * KServe in Knative (serverless) mode: the predictor runs as a Knative
 * Service with request-driven autoscaling and scale-to-zero.
 */
export class KServeKnativeCompiler extends InferenceServiceCompiler {
  public readonly knative = true;
  public readonly id = 'kserve';
  public readonly displayName = 'KServe (Knative mode)';
  public readonly capabilities: PlatformCapabilities = {
    servingRuntimes: true,
    modelCaches: true,
    inferenceGraphMode: 'Knative',
    // KServe rewrites the traffic of its own Knative Services: only its own canary can split it.
    rolloutEngines: [new KServeKnativeEngine()],
  };
  protected readonly mode = 'Knative';

  /** The flags of {@link knativeFlags}, once per spec (the app checks them once per chart it synthesizes). */
  private readonly flags = new PerSpec<string[]>((_scope, spec) => {
    const flags = new Set(placementFlagsOf(spec));
    // emptyDir volumes: the scratch directory and the user's emptyDir volumes, of the stable model and its canary.
    if ([spec, spec.canary?.spec].some((s) => s?.scratch || s?.volumes?.some((v) => v.source.emptyDir))) flags.add('kubernetes.podspec-volumes-emptydir');
    // A collocated transformer makes the model server a sidecar: its probes need multi-container probing.
    // storageUris put KServe's storage initializer into the Knative Service itself
    // (ksvc_reconciler.go createKnativeService, CommonStorageInitialization), not at pod admission.
    if (spec.storageUris || spec.canary?.spec.storageUris) flags.add('kubernetes.podspec-init-containers');
    const server = spec.transformer?.collocated ? this.predictor(spec, false) : undefined;
    const serverContainer = (server?.model ?? (server?.containers as unknown[] | undefined)?.[0]) as Record<string, unknown> | undefined;
    if (serverContainer && hasProbes(serverContainer)) flags.add('multi-container-probing');
    for (const c of [spec.transformer, spec.explainer]) {
      if (c?.placement && !c.collocated) for (const f of placementKnativeFlags(c.placement)) flags.add(f);
    }
    return [...flags].sort();
  });

  /** Placement flags, and emptyDir for the scratch volume, of the stable model and its canary. */
  public knativeFlags(spec: ModelSpec): string[] {
    return this.flags.of(spec.name, spec);
  }

  /**
   * What KServe creates per component (kserve pkg/constants/constants.go
   * PredictorServiceName & co., `{name}-{component}`): a Knative Service and
   * the Service its route gets, plus the ExternalName Service `{name}` of the
   * ingress reconciler (reconcileExternalService in
   * pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/ingress_reconciler.go).
   */
  protected buildDerivedObjects(spec: ModelSpec): DerivedObject[] {
    const ns = spec.namespace;
    const out: DerivedObject[] = [{ apiVersion: 'v1', kind: 'Service', namespace: ns, name: spec.name, createdBy: 'KServe (the InferenceService\'s ExternalName Service)' }];
    for (const c of components(spec)) {
      const name = `${spec.name}-${c}`;
      out.push({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: ns, name, createdBy: `KServe (the ${c}'s Knative Service)` });
      out.push({ apiVersion: 'v1', kind: 'Service', namespace: ns, name, createdBy: `Knative (the ${c}'s route Service)` });
    }
    return out;
  }

  /**
   * KServe derives `{name}-predictor` (and -transformer/-explainer) names;
   * tag routing adds `latest-`/`prev-` and the default domain template
   * appends the namespace to the same 63-character DNS label.
   */
  protected nameBudget(ns: string): { budget: number; parts: string } {
    const suffix = LONGEST_KSERVE_COMPONENT_SUFFIX;
    return {
      budget: 63 - LONGEST_KNATIVE_TAG_PREFIX - suffix - 1 - ns.length,
      parts: `63 minus "${LONGEST_KNATIVE_TAG_PREFIX_TEXT}" ${LONGEST_KNATIVE_TAG_PREFIX}, "${LONGEST_KSERVE_COMPONENT_SUFFIX_TEXT}" ${suffix}, "-" 1 and the namespace "${ns}" ${ns.length}`,
    };
  }

  protected validateMode(scope: IConstruct, spec: ModelSpec): void {
    checkKnativeScaling(scope, spec, this.displayName);
    checkKnativePort(scope, 'server.port', spec.port, this.displayName);
    checkKnativePort(scope, 'transformer.port', spec.transformer?.port, this.displayName);
    checkKnativePort(scope, 'explainer.port', spec.explainer?.port, this.displayName);
  }

  protected scalingFields(spec: ModelSpec): Record<string, unknown> {
    const sc = spec.scaling;
    return {
      // Always explicit: KServe turns an absent minReplicas into 1 (no scale-to-zero).
      minReplicas: sc.minReplicas,
      maxReplicas: sc.maxReplicas,
      scaleMetric: sc.metric?.name,
      scaleTarget: sc.target,
      containerConcurrency: spec.containerConcurrency,
    };
  }

  protected componentScaling(spec: ModelSpec, own?: ResolvedScaling): Record<string, unknown> {
    if (!own) return { minReplicas: spec.scaling.minReplicas, maxReplicas: spec.scaling.maxReplicas };
    const fields: Record<string, unknown> = { minReplicas: own.minReplicas, maxReplicas: own.maxReplicas };
    setDefined(fields, 'scaleMetric', own.metric?.name);
    setDefined(fields, 'scaleTarget', own.target);
    return fields;
  }

  protected checkComponentScaling(scope: IConstruct, _spec: ModelSpec, sc: ResolvedScaling, which: string = 'transformer'): void {
    // KServe writes a component's scaleMetric as the revision's autoscaling.knative.dev/metric (KPA class).
    const m = sc.metric;
    if (m && m.name !== 'concurrency' && m.name !== 'rps') {
      fail(scope, `${which}.scaling.metric`, m.name, `is not a Knative autoscaler (KPA) metric on ${this.displayName}`,
        `use ScalingMetric.CONCURRENCY or ScalingMetric.RPS, or ${'ServingPlatform.kserveStandard()'} for cpu, memory or Prometheus metrics`);
    }
    if (sc.target !== undefined && !Number.isInteger(sc.target)) fail(scope, `${which}.scaling.target`, sc.target, 'is not a whole number', 'use a whole number of requests');
  }

  protected modeAnnotations(spec: ModelSpec, out: Record<string, string>): void {
    // Tag routing gives the candidate (`latest-`) and the previous model (`prev-`) their own URLs.
    if (spec.canary) out[TAG_ROUTING_ANNOTATION] = 'true';
  }

  /** Knative rejects most pod-level securityContext fields unless a feature flag is on; the container-level context carries the restricted profile. */
  protected podSecurityContext(): unknown {
    return undefined;
  }

  protected timeoutStartupProbe(): undefined {
    return undefined;
  }
}

/**
 * KServe in Standard mode: an InferenceService backed by a Deployment, a
 * Service and the HPA or KEDA ScaledObject KServe creates.
 */
export class KServeStandardCompiler extends InferenceServiceCompiler {
  public readonly knative = false;
  public readonly id = 'kserve-standard';
  public readonly displayName = 'KServe (Standard mode)';
  public readonly capabilities: PlatformCapabilities = {
    servingRuntimes: true,
    modelCaches: true,
    inferenceGraphMode: 'Standard',
    rolloutEngines: [new KServeStandardEngine()],
  };
  protected readonly mode = 'Standard';
  /** The replicas and autoscaler, decided once per spec (validation, annotations and the body read them). */
  private readonly scalings = new PerSpec<StandardScaling>((_scope, spec) => this.decideStandardScaling(spec));

  constructor(private readonly autoscaler: StandardAutoscaler | undefined) {
    super();
  }

  /**
   * The Service KServe puts in front of the entry component,
   * `{name}-transformer` or `{name}-predictor` (constants.PredictorServiceName),
   * port 80 for REST. A gRPC port is found by KServe at runtime
   * (httproute_reconciler.go detectServiceProtocolPorts), so none is given.
   */
  public gatewayBackend(spec: ModelSpec): GatewayBackend | undefined {
    if (spec.protocol.grpc) return undefined;
    return { service: `${spec.name}-${spec.transformer && !spec.transformer.collocated ? 'transformer' : 'predictor'}`, port: 80, grpc: false };
  }

  /** What KServe creates per component (`{name}-{component}`, pkg/constants/constants.go): a Deployment and a Service. */
  protected buildDerivedObjects(spec: ModelSpec): DerivedObject[] {
    const ns = spec.namespace;
    const out: DerivedObject[] = [];
    for (const c of components(spec)) {
      const name = `${spec.name}-${c}`;
      out.push({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name, createdBy: `KServe (the ${c}'s Deployment)` });
      out.push({ apiVersion: 'v1', kind: 'Service', namespace: ns, name, createdBy: `KServe (the ${c}'s Service)` });
    }
    // A Standard-mode canary runs side by side as `{isvc}-{canary}-predictor` (its `spec.canary[]` entry's name).
    if (spec.canary) {
      const name = `${spec.name}-${spec.canary.name}-predictor`;
      out.push({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name, createdBy: `KServe (the canary "${spec.canary.name}"'s Deployment)` });
      out.push({ apiVersion: 'v1', kind: 'Service', namespace: ns, name, createdBy: `KServe (the canary "${spec.canary.name}"'s Service)` });
    }
    return out;
  }

  /** KServe derives `{name}-predictor` (and -transformer/-explainer) names. */
  protected nameBudget(): { budget: number; parts: string } {
    const suffix = LONGEST_KSERVE_COMPONENT_SUFFIX;
    return { budget: 63 - suffix, parts: `63 minus "${LONGEST_KSERVE_COMPONENT_SUFFIX_TEXT}" ${suffix}` };
  }

  protected validateMode(scope: IConstruct, spec: ModelSpec): void {
    checkNoKnativeKnobs(scope, spec, this.displayName);
    this.checkStandardScaling(scope, spec);
    // inference_service_validation.go validateMultiNodeVariables: the autoscaler class must be `none`.
    if (spec.workerSpec && this.standardAutoscaler(spec) !== StandardAutoscaler.NONE) {
      fail(scope, 'scaling', this.standardAutoscaler(spec), 'is an autoscaler, and KServe runs multi-node models (workerSpec) without one',
        'use Scaling.fixedReplicas(n)');
    }
    // KServe Standard mode writes progressDeadlineSeconds: 600 on the Deployment it creates
    // (reconcilers/deployment/deployment_reconciler.go, v0.20): only a startup probe carries the timeout.
    if (spec.startup.requested.timeout && spec.startup.requested.probe === false) {
      fail(scope, 'startup.timeout', `${spec.startup.timeoutSeconds}s`,
        'has no effect in KServe Standard mode without a startup probe (KServe sets the Deployment\'s progressDeadlineSeconds to 600)',
        'drop probe: false, or drop timeout');
    }
  }

  protected scalingFields(spec: ModelSpec): Record<string, unknown> {
    const sc = spec.scaling;
    const fields: Record<string, unknown> = {
      // Always explicit: KServe turns an absent minReplicas into 1 (no scale-to-zero).
      minReplicas: sc.minReplicas,
      maxReplicas: this.standardScaling(spec).maxReplicas,
    };
    const autoscaler = this.standardAutoscaler(spec);
    if (autoscaler === StandardAutoscaler.HPA) {
      fields.scaleMetric = sc.metric?.name ?? 'cpu';
      fields.scaleMetricType = 'Utilization';
      fields.scaleTarget = sc.target ?? 80;
    } else if (autoscaler === StandardAutoscaler.KEDA) {
      fields.autoScaling = { metrics: [this.kedaMetric(spec)] };
    }
    return fields;
  }

  protected componentScaling(spec: ModelSpec, own?: ResolvedScaling, component?: string): Record<string, unknown> {
    if (!own) return this.scalingFields(spec);
    // The autoscaler class is the InferenceService's (one annotation for every component).
    const autoscaler = this.standardAutoscaler(spec);
    const fields: Record<string, unknown> = { minReplicas: own.minReplicas, maxReplicas: own.maxReplicas ?? own.minReplicas };
    if (autoscaler === StandardAutoscaler.HPA) {
      fields.scaleMetric = own.metric?.name ?? 'cpu';
      fields.scaleMetricType = 'Utilization';
      fields.scaleTarget = own.target ?? 80;
    } else if (autoscaler === StandardAutoscaler.KEDA) {
      fields.autoScaling = { metrics: [this.kedaMetric({ ...spec, scaling: own }, component)] };
    }
    return fields;
  }

  protected checkComponentScaling(scope: IConstruct, spec: ModelSpec, sc: ResolvedScaling, which: string = 'transformer'): void {
    const autoscaler = this.standardAutoscaler(spec);
    const m = sc.metric;
    const at = `${which}.scaling`;
    if (autoscaler === StandardAutoscaler.NONE && !sc.fixed) {
      fail(scope, at, 'autoscale', `needs an autoscaler, and the model's is ${autoscaler} (KServe's autoscaler class is one per InferenceService)`,
        'use Scaling.fixedReplicas(n), or give the model HPA or KEDA scaling');
    }
    if (m && (m.name === 'concurrency' || m.name === 'rps')) {
      fail(scope, `${at}.metric`, m.name, 'is a Knative autoscaler metric, not available in KServe Standard mode', 'use ScalingMetric.CPU or ScalingMetric.MEMORY, or a KEDA metric');
    }
    if (autoscaler === StandardAutoscaler.HPA && m !== undefined && m._family !== 'resource') {
      fail(scope, `${at}.metric`, m.name, 'needs KEDA, and the model\'s autoscaler is hpa (one per InferenceService)', 'use ScalingMetric.CPU or ScalingMetric.MEMORY');
    }
    if (sc.minReplicas === 0 && (autoscaler !== StandardAutoscaler.KEDA || m?._family !== 'external')) {
      fail(scope, `${at}.minReplicas`, 0, 'needs KEDA and an external metric in KServe Standard mode', 'use minReplicas >= 1');
    }
    if (!sc.fixed && autoscaler !== StandardAutoscaler.NONE && sc.maxReplicas === undefined) {
      fail(scope, `${at}.maxReplicas`, undefined, 'is required in KServe Standard mode (HPA and KEDA need an upper bound)', 'set maxReplicas');
    }
    const resourceMetric = !m || m._family === 'resource';
    if (resourceMetric && sc.target !== undefined && (!Number.isInteger(sc.target) || sc.target > 100)) {
      fail(scope, `${at}.target`, sc.target, `is not a valid ${m?.name ?? 'cpu'} utilization`, 'use a whole percentage from 1 to 100');
    }
  }

  protected modeAnnotations(spec: ModelSpec, out: Record<string, string>): void {
    out[AUTOSCALER_CLASS_ANNOTATION] = this.standardAutoscaler(spec);
  }

  protected podSecurityContext(spec: ModelSpec): unknown {
    return spec.podSecurityContext;
  }

  /** KServe fixes the Deployment's progress deadline: a `startup.timeout` alone needs a startup probe. */
  protected timeoutStartupProbe(spec: ModelSpec): Record<string, unknown> | undefined {
    const st = spec.startup;
    if (st.requested.timeout && st.requested.probe !== false) {
      return startupTcpProbe(spec.port, st.timeoutSeconds!) as Record<string, unknown>;
    }
    return undefined;
  }

  /**
   * The replicas and autoscaler of Standard mode. Without an autoscaler of
   * the user's choice: none for a fixed count and for the default scaling (no
   * maxReplicas, metric or target: `maxReplicas` defaults to `minReplicas`),
   * KEDA for Prometheus metrics and scale-to-zero (`maxReplicas` defaulting
   * to 1, as documented on ScaleToZeroOptions), HPA otherwise.
   */
  private standardScaling(spec: ModelSpec): StandardScaling {
    return this.scalings.of(spec.name, spec);
  }

  private decideStandardScaling(spec: ModelSpec): StandardScaling {
    const sc = spec.scaling;
    const min = sc.minReplicas;
    const unbounded = !sc.fixed && sc.maxReplicas === undefined && sc.metric === undefined && sc.target === undefined;
    let autoscaler = this.autoscaler;
    if (autoscaler === undefined) {
      if (sc.fixed) autoscaler = StandardAutoscaler.NONE;
      else if (min === 0 || sc.metric?._family === 'external') autoscaler = StandardAutoscaler.KEDA;
      else if (unbounded) autoscaler = StandardAutoscaler.NONE;
      else autoscaler = StandardAutoscaler.HPA;
    }
    let max = sc.maxReplicas;
    if (max === undefined && autoscaler === StandardAutoscaler.KEDA && min === 0) max = 1;
    if (max === undefined && autoscaler === StandardAutoscaler.NONE && unbounded) max = min;
    return { autoscaler, minReplicas: min, maxReplicas: max };
  }

  private standardAutoscaler(spec: ModelSpec): StandardAutoscaler {
    return this.standardScaling(spec).autoscaler;
  }

  private checkStandardScaling(scope: IConstruct, spec: ModelSpec): void {
    const scaling = this.standardScaling(spec);
    const autoscaler = scaling.autoscaler;
    const metric = spec.scaling.metric;
    if (spec.scaling.minReplicas === 0 && autoscaler !== StandardAutoscaler.KEDA) {
      fail(scope, 'scaling.minReplicas', 0, `needs KEDA in KServe Standard mode (autoscaler is ${autoscaler})`,
        'use ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }), ServingPlatform.kserve(), or minReplicas >= 1');
    }
    // KEDA's cpu and memory scalers cannot activate a workload from zero: only an external metric can.
    if (spec.scaling.minReplicas === 0 && metric?._family !== 'external') {
      fail(scope, 'scaling.minReplicas', 0, 'needs a Prometheus metric in KServe Standard mode (KEDA cannot scale to zero on cpu or memory)',
        'use ScalingMetric.prometheus({ query, serverAddress }), minReplicas >= 1, or ServingPlatform.kserve()');
    }
    if (metric && (metric.name === 'concurrency' || metric.name === 'rps')) {
      fail(scope, 'scaling.metric', metric.name, 'is a Knative autoscaler metric, not available in KServe Standard mode',
        'use ScalingMetric.CPU or ScalingMetric.MEMORY (HPA), or ScalingMetric.prometheus(...) with KEDA');
    }
    if (metric?._family === 'external' && autoscaler !== StandardAutoscaler.KEDA) {
      fail(scope, 'scaling.metric', metric.name, 'needs KEDA', 'use ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA })');
    }
    if (autoscaler === StandardAutoscaler.NONE && !spec.scaling.fixed && scaling.maxReplicas !== spec.scaling.minReplicas) {
      fail(scope, 'scaling', 'autoscale', 'needs an autoscaler', 'use Scaling.fixedReplicas(n) with StandardAutoscaler.NONE, or choose HPA or KEDA');
    }
    const target = spec.scaling.target;
    const resourceMetric = !metric || metric.name === 'cpu' || metric.name === 'memory';
    if (resourceMetric && target !== undefined && (!Number.isInteger(target) || target < 1 || target > 100)) {
      fail(scope, 'scaling.target', target, `is not a valid ${metric?.name ?? 'cpu'} utilization`, 'use a whole percentage from 1 to 100');
    }
    if (!spec.scaling.fixed && scaling.maxReplicas === undefined) {
      fail(scope, 'scaling.maxReplicas', undefined, 'is required in KServe Standard mode (HPA and KEDA need an upper bound)', 'set maxReplicas');
    }
  }

  private kedaMetric(spec: ModelSpec, component?: string): Record<string, unknown> {
    const m = spec.scaling.metric;
    if (m?.name === 'prometheus') {
      const external: Record<string, unknown> = {
        metric: { backend: 'prometheus', serverAddress: m.serverAddress, query: m.query },
        target: { type: 'Value', value: String(spec.scaling.target ?? 1) },
      };
      const auth = m.authentication?._resolve();
      // component.go ExtMetricAuthentication: KServe copies it to the ScaledObject trigger (keda_reconciler.go getKedaMetrics).
      if (auth) {
        external.authenticationRef = { authenticationRef: { name: triggerAuthenticationName(spec.name, auth, component) }, authModes: auth.mode };
      }
      return { type: 'External', external };
    }
    if (m?.name === 'opentelemetry') {
      // component.go PodMetrics: metricNames make KServe run the OpenTelemetry collector (raw_kube_reconciler.go).
      const metric: Record<string, unknown> = { backend: 'opentelemetry', metricNames: [m.query], query: m.query };
      setDefined(metric, 'serverAddress', m.serverAddress);
      setDefined(metric, 'operationOverTime', m.operationOverTime);
      return { type: 'PodMetric', podmetric: { metric, target: { type: 'Value', value: String(spec.scaling.target ?? 1) } } };
    }
    return {
      type: 'Resource',
      resource: { name: m?.name ?? 'cpu', target: { type: 'Utilization', averageUtilization: spec.scaling.target ?? 80 } },
    };
  }
}

/** The components KServe deploys for a model, the predictor first. */
function components(spec: ModelSpec): string[] {
  return ['predictor', ...(spec.transformer && !spec.transformer.collocated ? ['transformer'] : []), ...(spec.explainer ? ['explainer'] : [])];
}

/** KServe's `LoggerSpec` (inference_service.go); storage as `LoggerStorageSpec`. */
function loggerJson(l: ResolvedLogger): Record<string, unknown> {
  const out: Record<string, unknown> = { url: l.url, mode: l.mode };
  if (l.metadataHeaders) out.metadataHeaders = l.metadataHeaders;
  if (l.storage) {
    const st: Record<string, unknown> = { path: l.storage.path, key: l.storage.key, parameters: l.storage.parameters };
    setDefined(st, 'serviceAccountName', l.storage.serviceAccountName);
    out.storage = st;
  }
  return out;
}

/**
 * The collocated transformer: `transformer-container` in the predictor's pod
 * (pkg/constants/constants.go TransformerContainerName; KServe's Standard-mode
 * Service targets its port, service_reconciler.go createDefaultSvc).
 */
function collocatedTransformer(spec: ModelSpec, t: ResolvedContainerSpec): Record<string, unknown> {
  const c: Record<string, unknown> = { ...sideContainer(spec, t), name: 'transformer-container' };
  c.ports = [{ containerPort: t.port, protocol: 'TCP' }];
  setDefined(c, 'imagePullPolicy', t.imagePullPolicy);
  return c;
}

function hasProbes(c: Record<string, unknown>): boolean {
  return c.readinessProbe !== undefined || c.startupProbe !== undefined || c.livenessProbe !== undefined;
}

/** Sets `key` only when `value` is defined (the document is compacted once at the end anyway). */
function setDefined(into: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) into[key] = value;
}
