import { EnvValue } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Visibility } from './components';
import { ModelFormat } from './format';
import { ResolvedLogger, resolveExtensions, ResolvedStorageMount, ResolvedWorkerSpec } from './model-extensions';
import type { ResolvedModelVolume } from './model-volume';
import { InferenceProtocol } from './protocol';
import { resolveComponents } from './resolve/components';
import { ResolvedContainerSpec, ResolvedResources, resolveServerContainer } from './resolve/container';
import { resolvePod } from './resolve/pod';
import { resolveRuntime } from './resolve/runtime';
import { resolveModelScaling } from './resolve/scaling';
import { resolveModelScheduling } from './resolve/scheduling';
import type { ServedModelProps } from './served-model';
import { ModelStorage, ResolvedStorage } from './storage';
import { checkCacheUri } from '../cache/cache-rules';
import { fail, withScope } from '../internal/errors';
import { ContainerSecurityContext, EnvVar } from '../internal/k8s';
import type { ResolvedDeploymentStrategy } from '../scaling/deployment-strategy';
import { ResolvedScaling } from '../scaling/scaling';
import { ResolvedAccelerator, ResolvedPlacement } from '../scheduling/placement';
import { ResolvedStartup } from '../scheduling/startup';

// The resolvers, one per concern, live in ./resolve; this file composes them
// into one ModelSpec. Their helpers are re-exported for the constructs and
// compilers that share them.
export type { ResolvedContainerSpec, ResolvedResources } from './resolve/container';
export { checkNoPlainContainerEnv, memoryQuantity, resolveEnv, resolveResources } from './resolve/container';
export { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from './resolve/pod';
export { DIGEST_VERSION } from './resolve/runtime';
export { checkManagedKeys, checkRecord, checkStringArray, STANDARD_LABEL_KEYS } from './resolve/shapes';

/**
 * One fully resolved, validated, engine-neutral description of a served
 * model. Every platform compiler reads only this.
 */
export interface ModelSpec {
  readonly name: string;
  readonly namespace?: string;
  /** Labels for every document and pod (standard labels included). */
  readonly labels: Record<string, string>;
  /** User annotations for the top-level document. */
  readonly annotations: Record<string, string>;
  readonly format?: ModelFormat;
  readonly runtime?: string;
  readonly runtimeVersion?: string;
  readonly protocol: InferenceProtocol;
  /** Whether the user chose the protocol (else it is only our default). */
  readonly protocolExplicit: boolean;
  readonly storage?: ResolvedStorage;
  /** The model server's image: the runtime's replaced (`runtimeImage`, with `format`), or the custom `server`'s (without). */
  readonly image?: string;
  /** The custom server's entrypoint. */
  readonly command?: string[];
  readonly args: string[];
  readonly env: EnvVar[];
  readonly port: number;
  readonly resources: ResolvedResources;
  /** Accelerator resources and identity, resolved for the node pool (GKE/Karpenter/GFD labels). */
  readonly accelerator?: ResolvedAccelerator;
  readonly gpusPerNode?: number;
  /** Pod placement: nodeSelector, required node affinity, tolerations, runtimeClassName (accelerator + pool merged). */
  readonly placement: ResolvedPlacement;
  readonly scaling: ResolvedScaling;
  /**
   * How long a replica may take to become ready and its startup probe.
   * `timeoutSeconds`: Knative platforms emit `serving.knative.dev/progress-deadline`,
   * Deployments `progressDeadlineSeconds`; `probe` goes on the model server
   * container as `startupProbe`. GPU models default to 20 minutes and a probe.
   */
  readonly startup: ResolvedStartup;
  /**
   * Knative autoscaling defaults for GPU models, applied only where the user
   * left the knob unset (see knativeAutoscalingAnnotations): scale-down delay
   * 15 minutes, and initial scale 1 when the model scales to zero.
   */
  readonly gpuScalingDefaults?: { readonly scaleDownDelaySeconds: number; readonly initialScale?: number };
  readonly containerConcurrency?: number;
  readonly timeoutSeconds?: number;
  readonly visibility: Visibility;
  readonly serviceAccountName?: string;
  readonly transformer?: ResolvedContainerSpec;
  readonly explainer?: ResolvedContainerSpec;
  readonly batcher?: { readonly maxBatchSize?: number; readonly maxLatencyMs?: number; readonly timeoutSeconds?: number };
  readonly logger?: ResolvedLogger;
  /** Container-level security context (restricted profile unless opted out). */
  readonly securityContext: ContainerSecurityContext;
  /** Pod-level security context; platforms under Knative leave it out (Knative rejects it). */
  readonly podSecurityContext: Record<string, unknown>;
  /**
   * The writable scratch volume a read-only root filesystem needs: every
   * platform mounts an `emptyDir` named `volumeName` at `mountPath` in each
   * container it runs (HOME points there too).
   */
  readonly scratch?: { readonly volumeName: string; readonly mountPath: string; readonly sizeLimit: string };
  /**
   * A candidate that shares traffic with this (stable) model, for platforms
   * that render both in one document (KServe). Set by a CanaryRollout.
   */
  readonly canary?: CanarySpec;
  /** The port the model server serves gRPC on, when the user named it (a named runtime's is unknown otherwise). */
  readonly grpcPort?: number;
  /** Serve REST next to gRPC (two ports; Standard mode and Deployments only). */
  readonly restAndGrpc?: boolean;
  /** How a Deployment replaces pods (Standard mode and Deployments only). */
  readonly deploymentStrategy?: ResolvedDeploymentStrategy;
  /** Several model locations, each with its mount path (KServe `storageUris`). */
  readonly storageUris?: ResolvedStorageMount[];
  /** The user's volumes of the model server container (`volumes`). */
  readonly volumes?: ResolvedModelVolume[];
  /** Multi-node serving (KServe `workerSpec`). */
  readonly workerSpec?: ResolvedWorkerSpec;
  /** The model server's image pull policy, if set. */
  readonly imagePullPolicy?: string;
  /** The runtime object names its gRPC port `h2c` itself (it speaks gRPC only, or has a `grpcPort`). */
  readonly runtimeNamesGrpcPort?: boolean;
}

/** The candidate of a canary rollout, as the platform renders it next to the stable model. */
export interface CanarySpec {
  /** The rollout's name (KServe Standard mode names the canary entry with it). */
  readonly name: string;
  /** The resolved candidate. */
  readonly spec: ModelSpec;
  /** The share of traffic the candidate gets now (0 = rolled back). */
  readonly trafficPercent: number;
}

/**
 * What a CanaryRollout attaches to a ServedModel: the candidate's prop
 * overrides and how the platform shows it.
 */
export interface RolloutAttachment {
  /** The rollout construct (errors about the candidate name it). */
  readonly scope: IConstruct;
  /** The rollout's name. */
  readonly name: string;
  /** The candidate's props overrides; undefined = steady state (no candidate yet). */
  readonly candidate?: Partial<ServedModelProps>;
  /** The candidate's current share of traffic. */
  readonly trafficPercent: number;
  /**
   * true: the model's documents show the candidate and an external engine
   * (Flagger, Argo Rollouts) shifts traffic between revisions; false: the
   * platform renders stable and candidate side by side (`ModelSpec.canary`).
   */
  readonly renderCandidate: boolean;
}

/** Every ServedModelProps key, present (the compiler checks none is forgotten). */
type AllProps = { [K in keyof Required<ServedModelProps>]: ServedModelProps[K] };

/**
 * The props a spec is resolved from: the model's, with a rollout candidate's
 * overrides on top and the chart's namespace, as one object that has every
 * key. One object shape for every model keeps the resolvers' many
 * property reads monomorphic; with each model's own mix of props they were
 * megamorphic, and resolution took several times longer in a fleet.
 */
export function mergedProps(props: ServedModelProps, overrides: Partial<ServedModelProps>, namespace: string | undefined): ServedModelProps {
  // Overrides never hold undefined values (a candidate's are filtered), so this matches a spread.
  const pick = <K extends keyof ServedModelProps>(k: K): ServedModelProps[K] =>
    (overrides[k] !== undefined ? overrides[k] : props[k]) as ServedModelProps[K];
  const all: AllProps = {
    format: pick('format'),
    storage: pick('storage'),
    protocol: pick('protocol'),
    runtime: pick('runtime'),
    runtimeVersion: pick('runtimeVersion'),
    runtimeImage: pick('runtimeImage'),
    server: pick('server'),
    args: pick('args'),
    envVariables: pick('envVariables'),
    podSecurity: pick('podSecurity'),
    resources: pick('resources'),
    accelerator: pick('accelerator'),
    nodePool: pick('nodePool'),
    startup: pick('startup'),
    scaling: pick('scaling'),
    platform: pick('platform'),
    name: pick('name'),
    labels: pick('labels'),
    annotations: pick('annotations'),
    serviceAccount: pick('serviceAccount'),
    containerConcurrency: pick('containerConcurrency'),
    timeout: pick('timeout'),
    visibility: pick('visibility'),
    transformer: pick('transformer'),
    explainer: pick('explainer'),
    batcher: pick('batcher'),
    logger: pick('logger'),
    modelCache: pick('modelCache'),
    llm: pick('llm'),
    gateway: pick('gateway'),
    grpcPort: pick('grpcPort'),
    serverPort: pick('serverPort'),
    volumes: pick('volumes'),
    restAndGrpc: pick('restAndGrpc'),
    deploymentStrategy: pick('deploymentStrategy'),
    imagePullPolicy: pick('imagePullPolicy'),
    storageUris: pick('storageUris'),
    workerSpec: pick('workerSpec'),
    namespace,
  };
  return all;
}

/**
 * Resolves and validates a ServedModel's props, one concern at a time:
 * pod identity and security, runtime and server, storage, scheduling, the
 * server container, scaling, and KServe's components. `addedEnv` holds
 * later `addEnv` calls.
 */
export function resolveModelSpec(scope: IConstruct, name: string, props: ServedModelProps, addedEnv: Record<string, EnvValue>): ModelSpec {
  const pod = resolvePod(scope, name, props);
  const server = resolveRuntime(scope, props);
  const storage = props.storage === undefined ? undefined : withScope(scope, 'storage', () => props.storage!._resolve());
  if (storage?.pvc && pod.serviceAccountName !== undefined) {
    fail(scope, 'serviceAccount', pod.serviceAccountName, 'gives storage credentials to pvc:// storage, which is mounted and needs none',
      'drop serviceAccount, or use object storage (s3://, gs://, ...)');
  }
  if (props.modelCache !== undefined) checkCacheUri(scope, props.modelCache, storage?.uri, props.annotations);
  const scheduling = resolveModelScheduling(scope, props, server.port);
  const container = resolveServerContainer(scope, props, addedEnv, {
    format: server.format, accelerator: scheduling.accelerator, hasStorage: storage !== undefined, scratchHome: pod.scratch?.mountPath,
  });
  const scaling = resolveModelScaling(scope, props, scheduling.accelerator);
  const components = resolveComponents(scope, props);
  // A format runtime's server port is declared by the runtime; only a collocated transformer, which leaves the
  // server's ports undeclared and reaches it on localhost, makes another port safe to probe.
  if (props.serverPort !== undefined && (props.transformer as { collocated?: unknown } | undefined)?.collocated !== true) {
    fail(scope, 'serverPort', props.serverPort, 'is only used with a collocated transformer (the runtime declares its server\'s port, 8080)',
      'add transformer: { collocated: true, port: ... }, or drop serverPort (move the server back to 8080, or declare the port in your ServingRuntime)');
  }
  // Every key, in one order, for every model: the compilers' many reads of a
  // spec stay monomorphic (spreads of each model's parts made a shape per mix).
  const spec: AllSpec = {
    name,
    namespace: pod.namespace,
    labels: pod.labels,
    annotations: pod.annotations,
    format: server.format,
    runtime: server.runtime,
    runtimeVersion: server.runtimeVersion,
    protocol: server.protocol,
    protocolExplicit: server.protocolExplicit,
    storage,
    image: server.image,
    command: server.command,
    args: container.args,
    env: container.env,
    port: server.port,
    resources: container.resources,
    accelerator: scheduling.accelerator,
    gpusPerNode: scheduling.gpusPerNode,
    placement: scheduling.placement,
    scaling: scaling.scaling,
    startup: scheduling.startup,
    gpuScalingDefaults: scaling.gpuScalingDefaults,
    containerConcurrency: scaling.containerConcurrency,
    timeoutSeconds: scaling.timeoutSeconds,
    visibility: props.visibility ?? Visibility.CLUSTER_LOCAL,
    serviceAccountName: pod.serviceAccountName,
    transformer: components.transformer,
    explainer: components.explainer,
    batcher: components.batcher,
    logger: components.logger,
    securityContext: pod.securityContext,
    podSecurityContext: pod.podSecurityContext,
    scratch: pod.scratch,
    // Set by a CanaryRollout on the rendered spec, and by resolveExtensions.
    canary: undefined,
    grpcPort: undefined,
    restAndGrpc: undefined,
    deploymentStrategy: undefined,
    storageUris: undefined,
    volumes: undefined,
    workerSpec: undefined,
    imagePullPolicy: undefined,
    runtimeNamesGrpcPort: undefined,
  };
  // The issue-21 InferenceService fields (gRPC ports, strategy, storageUris, multi-node, component extras).
  return resolveExtensions(scope, props, spec);
}

/** Every ModelSpec key, present (the compiler checks none is forgotten). */
type AllSpec = { -readonly [K in keyof Required<ModelSpec>]: ModelSpec[K] };

export type { ModelStorage };
