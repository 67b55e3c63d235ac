import { Duration, Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Batcher, ModelContainer, ModelResources, Visibility } from './components';
import { ModelFormat } from './format';
import { ResolvedLogger, resolveExtensions, resolveLogger, ResolvedStorageMount, ResolvedWorkerSpec } from './model-extensions';
import { InferenceProtocol } from './protocol';
import type { ServedModelProps } from './served-model';
import { ModelStorage, ResolvedStorage } from './storage';
import { checkCacheUri } from '../cache/cache-rules';
import { checkInteger, checkNonEmpty, fail, raiseIfInvalid, withScope } from '../internal/errors';
import { ContainerSecurityContext, EnvVar } from '../internal/k8s';
import { standardLabels } from '../internal/labels';
import { checkAnnotations, checkDns1123Label, checkDns1123Subdomain, checkEnvName, checkImage, checkLabels } from '../internal/names';
import { binaryQuantity, mebibytesOf, millisOf, wholeSeconds } from '../internal/units';
import { resolveLlmArgs } from '../llm/llm-options';
import { checkRuntimeForModel, runtimeDefaultProtocol } from '../runtime/runtime-rules';
import type { ResolvedDeploymentStrategy } from '../scaling/deployment-strategy';
import { ResolvedScaling, Scaling } from '../scaling/scaling';
import { ResolvedAccelerator, ResolvedPlacement } from '../scheduling/placement';
import { resolveScheduling } from '../scheduling/resolve';
import { GPU_DEFAULTS, ResolvedStartup, resolveStartup } from '../scheduling/startup';
import { checkNoCredential, checkNoCredentialArgs, checkNoCredentialLiteral } from '../security/credentials';
import { resolveEnvValues } from '../security/env-values';
import { PodSecurity, SECURITY_OPT_OUT_ANNOTATION } from '../security/pod-security';

/** The label every document carries to say who wrote it. */

/** Resolved CPU/memory/accelerator resources of one container. */
export interface ResolvedResources {
  readonly requests: Record<string, string | number>;
  readonly limits: Record<string, string | number>;
}

/** A resolved side container (transformer, explainer). */
export interface ResolvedContainerSpec {
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: EnvVar[];
  readonly port: number;
  readonly resources: ResolvedResources;
  /** The image pull policy (`IfNotPresent`, ...), if the user set one. */
  readonly imagePullPolicy?: string;
  /** The component's own service account, if it differs from the model's. */
  readonly serviceAccountName?: string;
  /** The component's own placement (its node pool), if set. */
  readonly placement?: ResolvedPlacement;
  /** The component's own scaling, if set. */
  readonly scaling?: ResolvedScaling;
  /** Transformer: runs as a second container of the predictor's pod. */
  readonly collocated?: boolean;
}

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
  /** A custom image for the model server. */
  readonly image?: string;
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
  /** Multi-node serving (KServe `workerSpec`). */
  readonly workerSpec?: ResolvedWorkerSpec;
  /** The model server's image pull policy, if set. */
  readonly imagePullPolicy?: string;
  /** The `servingRuntime` names its gRPC port `h2c` itself (it speaks gRPC only, or has a `grpcPort`). */
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

/** The restricted Pod Security Standard, per container (for containers outside a ServedModel, e.g. runtimes). */
export const RESTRICTED_CONTAINER_SECURITY: ContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The restricted Pod Security Standard, per pod. */
export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};


export function resolveEnv(scope: IConstruct, prop: string, env: Record<string, string> | undefined): EnvVar[] {
  return Object.keys(env ?? {}).sort().map((name) => {
    checkEnvName(scope, `${prop} name`, name);
    const value = env![name];
    if (typeof value !== 'string') fail(scope, `${prop}["${name}"]`, value, 'is not a string', 'environment values are strings');
    checkNoCredentialLiteral(scope, prop, name, value);
    return { name, value };
  });
}

/** A memory quantity in the largest whole binary unit (4Gi rather than 4096Mi). */
export function memoryQuantity(size: Size): string {
  return binaryQuantity(mebibytesOf(size), 'Mi', 'Gi');
}

/** The default memory request (and limit) of a container, in MiB. */
const DEFAULT_MEMORY_MIB = 2048;

/**
 * A CPU quantity in millicores, or a clear error: cdk8s-plus writes any
 * number it is given (`Cpu.units(-1)` is "-1", NaN is "NaN"), and the API
 * server rejects such quantities at apply.
 */
function cpuMillis(scope: IConstruct, prop: string, amount: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(amount));
  const millis = m ? Number(m[1]) * (m[2] ? 1 : 1000) : NaN;
  if (!(millis > 0) || !Number.isFinite(millis)) {
    fail(scope, prop, String(amount), 'is not a valid CPU quantity', 'use a positive finite number of cores, e.g. Cpu.units(2) or Cpu.millis(500)');
  }
  return millis;
}

/** A memory size in MiB, or a clear error (NaN and Infinity pass `Size` unchecked). */
function memoryMib(scope: IConstruct, prop: string, size: Size): number {
  const mib = mebibytesOf(size);
  if (mib === Infinity) fail(scope, prop, `${mib}Mi`, 'is not a finite size', 'use a Size of at least 1 MiB, e.g. Size.gibibytes(4)');
  if (!(mib >= 1)) fail(scope, prop, `${mib}Mi`, 'is too small', 'use at least 1 MiB');
  return mib;
}

export function resolveResources(
  scope: IConstruct, prop: string, r: ModelResources | undefined, extra: Record<string, number> = {},
): ResolvedResources {
  checkRecord(scope as IConstruct, prop, r);
  for (const k of ['cpu', 'cpuLimit'] as const) {
    const c: any = r?.[k];
    if (c !== undefined && (c === null || typeof c !== 'object' || typeof c.amount !== 'string')) {
      fail(scope, `${prop}.${k}`, c, 'is not a Cpu', 'use Cpu.units(2) or Cpu.millis(500) from cdk8s-plus-28');
    }
  }
  for (const k of ['memory', 'memoryLimit'] as const) {
    const m: any = r?.[k];
    if (m !== undefined && (m === null || typeof m !== 'object' || typeof m.toMebibytes !== 'function')) fail(scope, `${prop}.${k}`, m, 'is not a Size', 'use Size.gibibytes(4) or Size.mebibytes(512) from cdk8s');
  }
  const cpu = r?.cpu?.amount ?? '1';
  const cpuRequestMillis = cpuMillis(scope, `${prop}.cpu`, cpu);
  const memory = r?.memory ?? undefined;
  const memoryRequestMib = memory ? memoryMib(scope, `${prop}.memory`, memory) : DEFAULT_MEMORY_MIB;
  const memoryRequest = memory ? memoryQuantity(memory) : '2Gi';
  // The API server rejects a limit below its request (core validation, ValidateResourceRequirements).
  if (r?.memoryLimit) {
    const limitMib = memoryMib(scope, `${prop}.memoryLimit`, r.memoryLimit);
    if (limitMib < memoryRequestMib) {
      fail(scope, `${prop}.memoryLimit`, `${limitMib}Mi`, `is below the memory request (${memoryRequest})`, 'use a limit >= the request');
    }
  }
  const requests: Record<string, string | number> = { cpu, memory: memoryRequest, ...extra };
  const limits: Record<string, string | number> = { memory: r?.memoryLimit ? memoryQuantity(r.memoryLimit) : memoryRequest, ...extra };
  if (r?.cpuLimit) {
    if (cpuMillis(scope, `${prop}.cpuLimit`, r.cpuLimit.amount) < cpuRequestMillis) {
      fail(scope, `${prop}.cpuLimit`, r.cpuLimit.amount, `is below the cpu request (${cpu})`, 'use a limit >= the request');
    }
    limits.cpu = r.cpuLimit.amount;
  }
  return { requests, limits };
}

function resolveContainer(scope: IConstruct, prop: string, c: ModelContainer | undefined): ResolvedContainerSpec | undefined {
  if (!c) return undefined;
  checkContainerShape(scope, prop, c);
  checkImage(scope, `${prop}.image`, c.image);
  checkNoCredentialArgs(scope, `${prop}.args`, c.args);
  checkNoCredentialArgs(scope, `${prop}.command`, c.command);
  checkInteger(scope, `${prop}.port`, c.port, 1, 65535);
  return {
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    args: [...(c.args ?? [])],
    env: resolveEnv(scope, `${prop}.env`, c.env),
    port: c.port ?? 8080,
    resources: resolveResources(scope, `${prop}.resources`, c.resources),
  };
}


/** An image tag, or a digest (`sha256:<64 hex>`); `runtimeVersion` replaces the server image's tag with it. */
export const DIGEST_VERSION = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkRuntimeVersion(scope: IConstruct, version: string, image: string | undefined): void {
  if (!TAG.test(version) && !DIGEST_VERSION.test(version)) {
    fail(scope, 'runtimeVersion', version, 'is not a valid image tag or digest', 'use a tag such as "v0.16.0" or a digest "sha256:<64 hex digits>"');
  }
  // A digest is the exact server the model was validated with: a version must not silently replace it.
  if (image !== undefined && image.includes('@')) {
    fail(scope, 'runtimeVersion', version, `would replace the digest of container.image "${image}"`,
      'pin the version once: the digest in container.image, or runtimeVersion without a digest');
  }
}

function seconds(scope: IConstruct, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  return d === undefined ? undefined : wholeSeconds(scope, prop, d, min, max);
}


/** Keys of {@link standardLabels}: the library writes them, a user label may not change them. */
export const STANDARD_LABEL_KEYS = Object.keys(standardLabels('x', 'x'));

/**
 * Rejects user labels and annotations that the library writes itself with
 * another value: the user's value would be overwritten without a word.
 * Equal values are fine (nothing is lost).
 */
export function checkManagedKeys(
  scope: IConstruct, prop: 'labels' | 'annotations', user: Record<string, string> | undefined, managed: Record<string, string>, what: string,
): void {
  if (!user) return;
  for (const k of Object.keys(managed)) {
    if (Object.prototype.hasOwnProperty.call(user, k) && user[k] !== managed[k]) {
      fail(scope, `${prop}["${k}"]`, user[k], `conflicts with the value ${JSON.stringify(managed[k])} the library writes (${what})`,
        `drop the ${prop === 'labels' ? 'label' : 'annotation'}: the library manages it`);
    }
  }
}

/** Rejects a value that is not a plain object (a map) where a map is expected. */
export function checkRecord(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    fail(scope, prop, value, 'is not a map', 'use an object of string keys and values');
  }
}

/** Rejects a value that is not an array of strings where one is expected. */
export function checkStringArray(scope: IConstruct, prop: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(scope, prop, value, 'is not a list', 'use an array of strings');
  value.forEach((v, i) => {
    if (typeof v !== 'string') fail(scope, `${prop}[${i}]`, v, 'is not a string', 'use an array of strings');
  });
}

function checkContainerShape(scope: IConstruct, prop: string, c: ModelContainer): void {
  if (c === null || typeof c !== 'object') fail(scope, prop, c, 'is not a container', 'use { image, args?, env?, ... }');
  checkStringArray(scope, `${prop}.args`, c.args);
  checkStringArray(scope, `${prop}.command`, c.command);
  checkRecord(scope, `${prop}.env`, c.env);
}

/**
 * Every env name comes from exactly one source: two sources for one name
 * would leave a duplicate entry or silently drop one value. A later
 * `addEnv` on the model, and a rollout candidate's own `env`, count as
 * sources too.
 */
function checkEnvSources(
  scope: IConstruct, sources: Array<[string, readonly string[]]>, storage: boolean,
): void {
  const seen = new Map<string, string>();
  for (const [prop, names] of sources) {
    for (const name of names) {
      const first = seen.get(name);
      if (first !== undefined) {
        fail(scope, prop, name, `is also set by ${first}`, 'set each environment variable once');
      }
      seen.set(name, prop);
    }
  }
  const storageUri = seen.get('STORAGE_URI');
  if (storage && storageUri !== undefined) {
    fail(scope, `${storageUri}["STORAGE_URI"]`, '<not shown>', 'conflicts with storage', 'set the model location once, with storage');
  }
}

/** Every ServedModelProps key, present (the compiler checks none is forgotten). */
type AllProps = { [K in keyof Required<ServedModelProps>]: ServedModelProps[K] };

/**
 * The props a spec is resolved from: the model's, with a rollout candidate's
 * overrides on top and the chart's namespace, as one object that has every
 * key. One object shape for every model keeps resolveModelSpec's many
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
    container: pick('container'),
    args: pick('args'),
    env: pick('env'),
    envValues: pick('envValues'),
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
    serviceAccountName: pick('serviceAccountName'),
    serviceAccount: pick('serviceAccount'),
    containerConcurrency: pick('containerConcurrency'),
    timeout: pick('timeout'),
    visibility: pick('visibility'),
    transformer: pick('transformer'),
    explainer: pick('explainer'),
    batcher: pick('batcher'),
    logger: pick('logger'),
    servingRuntime: pick('servingRuntime'),
    modelCache: pick('modelCache'),
    llm: pick('llm'),
    gateway: pick('gateway'),
    grpcPort: pick('grpcPort'),
    restAndGrpc: pick('restAndGrpc'),
    deploymentStrategy: pick('deploymentStrategy'),
    imagePullPolicy: pick('imagePullPolicy'),
    storageUris: pick('storageUris'),
    workerSpec: pick('workerSpec'),
    namespace,
  };
  return all;
}

const DEFAULT_SCALING = Scaling.autoscale({ minReplicas: 1 });

/** Resolves and validates a ServedModel's props; `env` holds later `addEnv` calls. */
export function resolveModelSpec(scope: IConstruct, name: string, props: ServedModelProps, extraEnv: Record<string, string>): ModelSpec {
  if (props.namespace !== undefined) checkDns1123Label(scope, 'namespace', props.namespace);
  // Value classes built from bad input raise their factory's error here, after the model's path.
  withScope(scope, 'format', () => raiseIfInvalid(props.format));
  withScope(scope, 'scaling', () => raiseIfInvalid(props.scaling));
  checkRecord(scope, 'labels', props.labels);
  checkRecord(scope, 'annotations', props.annotations);
  checkRecord(scope, 'env', props.env);
  checkRecord(scope, 'envValues', props.envValues);
  checkStringArray(scope, 'args', props.args);
  if (props.container !== undefined) checkContainerShape(scope, 'container', props.container);
  checkLabels(scope, 'labels', props.labels);
  checkAnnotations(scope, 'annotations', props.annotations);
  for (const [k, v] of Object.entries(props.labels ?? {})) checkNoCredential(scope, `labels["${k}"]`, v);
  for (const [k, v] of Object.entries(props.annotations ?? {})) {
    checkNoCredential(scope, `annotations["${k}"]`, v);
    // Knative validates its autoscaling and revision annotations (knative serving
    // pkg/apis/autoscaling/annotation_validation.go, ValidateAnnotations): a value the
    // library did not write and check would make the revision fail admission.
    if (k.startsWith('autoscaling.knative.dev/') || k.startsWith('serving.knative.dev/')) {
      fail(scope, `annotations["${k}"]`, v, 'is a Knative revision annotation, which the library writes and checks itself',
        'set it through scaling (Scaling.autoscale, scaleToZero, fixedReplicas), startup and timeout');
    }
  }
  checkManagedKeys(scope, 'labels', props.labels, standardLabels(name, 'model-server'), 'standard app.kubernetes.io labels');
  // Names end up in the manifest too: a pasted token is a leak whatever prop it lands in.
  for (const [prop, v] of [['name', name], ['serviceAccountName', props.serviceAccountName], ['runtime', props.runtime], ['runtimeVersion', props.runtimeVersion]] as const) {
    if (typeof v === 'string') checkNoCredential(scope, prop, v);
  }
  checkNoCredentialArgs(scope, 'args', props.args);
  checkNoCredentialArgs(scope, 'container.args', props.container?.args);
  checkNoCredentialArgs(scope, 'container.command', props.container?.command);
  if (!props.format && !props.container) {
    fail(scope, 'format', undefined, 'is missing', 'give a ModelFormat (KServe picks the runtime) or a custom container');
  }
  if (props.runtime !== undefined) checkDns1123Subdomain(scope, 'runtime', props.runtime);
  checkNonEmpty(scope, 'runtimeVersion', props.runtimeVersion);
  // Without a format the container replaces the runtime: a runtime name would be dropped without a word.
  if (props.runtime !== undefined && !props.format) {
    fail(scope, 'runtime', props.runtime, 'needs a format (a custom container without one replaces the runtime)', 'set format, or drop runtime');
  }
  if (props.runtimeVersion !== undefined && !props.format) {
    fail(scope, 'runtimeVersion', props.runtimeVersion, 'needs a format', 'set format, or pin the version in container.image');
  }
  if (props.runtimeVersion !== undefined) checkRuntimeVersion(scope, props.runtimeVersion, props.container?.image);
  if (props.serviceAccount !== undefined && props.serviceAccountName !== undefined && props.serviceAccount.name !== props.serviceAccountName) {
    fail(scope, 'serviceAccount', props.serviceAccount.name, `conflicts with serviceAccountName "${props.serviceAccountName}"`, 'give the service account once');
  }
  const serviceAccountName = props.serviceAccountName ?? props.serviceAccount?.name;
  if (serviceAccountName !== undefined) checkDns1123Subdomain(scope, 'serviceAccountName', serviceAccountName);
  checkInteger(scope, 'containerConcurrency', props.containerConcurrency, 0, 1000);

  const format = props.format;
  if (props.servingRuntime !== undefined && props.runtime !== undefined) {
    fail(scope, 'runtime', props.runtime, 'is set as well as servingRuntime', 'name the runtime once: servingRuntime (by object) or runtime (by name)');
  }
  // A pinned runtime is the point of servingRuntime: nothing on the model may swap its image.
  if (props.servingRuntime !== undefined && props.runtimeVersion !== undefined) {
    fail(scope, 'runtimeVersion', props.runtimeVersion, `would replace the image tag pinned by servingRuntime "${props.servingRuntime.runtimeName}"`,
      'pin the version in the runtime\'s container.image, or drop servingRuntime');
  }
  if (props.servingRuntime !== undefined && props.container !== undefined) {
    fail(scope, 'container.image', props.container.image, `would replace the server pinned by servingRuntime "${props.servingRuntime.runtimeName}"`,
      'change the runtime\'s container, or drop servingRuntime');
  }
  const builtInProtocol = format && format.supports(InferenceProtocol.V2) && format.name !== 'huggingface' && format.name !== 'tensorflow'
    ? InferenceProtocol.V2 : InferenceProtocol.V1;
  const protocol = props.protocol ?? (props.servingRuntime ? runtimeDefaultProtocol(props.servingRuntime, builtInProtocol) : builtInProtocol);
  // A named runtime may speak what the built-ins do not; only check built-ins.
  if (format && props.runtime === undefined && props.servingRuntime === undefined && !props.container) format._checkProtocol(scope, protocol);
  if (props.servingRuntime !== undefined) checkRuntimeForModel(scope, props.servingRuntime, format, protocol, props.namespace);

  const storage = props.storage === undefined ? undefined : withScope(scope, 'storage', () => props.storage!._resolve());
  if (storage?.pvc && serviceAccountName !== undefined) {
    fail(scope, 'serviceAccountName', serviceAccountName, 'gives storage credentials to pvc:// storage, which is mounted and needs none',
      'drop serviceAccountName, or use object storage (s3://, gs://, ...)');
  }
  checkEnvSources(scope, [
    ['container.env', Object.keys(props.container?.env ?? {})],
    ['env', Object.keys(props.env ?? {})],
    ['envValues', Object.keys(props.envValues ?? {})],
    ['addEnv', Object.keys(extraEnv)],
  ], storage !== undefined);

  if (props.modelCache !== undefined) checkCacheUri(scope, props.modelCache, storage?.uri, props.annotations);

  const pool = props.nodePool === undefined ? undefined : withScope(scope, 'nodePool', () => props.nodePool!._pool());
  const scheduling = props.accelerator
    ? withScope(scope, 'accelerator', () => props.accelerator!._schedule(scope, pool))
    : resolveScheduling(scope, undefined, pool);
  const accelerator = scheduling.accelerator;
  const placement = scheduling.placement;
  const userArgs = [...(props.container?.args ?? []), ...(props.args ?? [])];
  const llmArgs = props.llm !== undefined ? resolveLlmArgs(scope, props.llm, format?.name, accelerator?.deviceCount ?? 0, userArgs) : [];

  const scaling = withScope(scope, 'scaling', () => (props.scaling ?? DEFAULT_SCALING)._resolve());
  const security = withScope(scope, 'podSecurity', () => (props.podSecurity ?? PodSecurity.RESTRICTED)._resolve());
  if (props.annotations?.[SECURITY_OPT_OUT_ANNOTATION] !== undefined && props.annotations[SECURITY_OPT_OUT_ANNOTATION] !== security.optOutReason) {
    fail(scope, `annotations["${SECURITY_OPT_OUT_ANNOTATION}"]`, props.annotations[SECURITY_OPT_OUT_ANNOTATION], 'is written by the library from podSecurity',
      'opt out with podSecurity: PodSecurity.baseline(reason)');
  }
  const userEnv = { ...(props.container?.env ?? {}), ...(props.env ?? {}), ...extraEnv };
  // Servers keep caches under $HOME; with a read-only root it must be writable.
  const scratchEnv: Record<string, string> = security.scratch && userEnv.HOME === undefined ? { HOME: security.scratch.mountPath } : {};
  // HOME is set for the scratch volume only when no source sets it (envValues included).
  if (props.envValues?.HOME !== undefined) delete scratchEnv.HOME;
  const env = [...resolveEnv(scope, 'env', { ...scratchEnv, ...userEnv }), ...resolveEnvValues(scope, props.envValues)];
  if (props.container) checkImage(scope, 'container.image', props.container.image);
  checkInteger(scope, 'container.port', props.container?.port, 1, 65535);

  const timeoutSeconds = seconds(scope, 'timeout', props.timeout, 1, 3600);
  const batcher = props.batcher ? resolveBatcher(scope, props.batcher) : undefined;
  const logger = props.logger ? resolveLogger(scope, props.logger) : undefined;

  return resolveExtensions(scope, props, {
    name,
    namespace: props.namespace,
    labels: { ...(props.labels ?? {}), ...standardLabels(name, 'model-server') },
    annotations: {
      ...(props.annotations ?? {}),
      ...(security.optOutReason !== undefined ? { [SECURITY_OPT_OUT_ANNOTATION]: security.optOutReason } : {}),
    },
    format,
    runtime: props.runtime ?? props.servingRuntime?.runtimeName,
    runtimeVersion: props.runtimeVersion,
    protocol,
    protocolExplicit: props.protocol !== undefined,
    storage,
    image: props.container?.image,
    command: props.container?.command,
    args: tensorParallelArgs(scope, format, accelerator, [...userArgs, ...llmArgs]),
    env,
    port: props.container?.port ?? 8080,
    resources: resolveResources(scope, 'resources', props.resources ?? props.container?.resources, accelerator?.resources),
    accelerator,
    gpusPerNode: scheduling.gpusPerNode,
    placement,
    scaling,
    startup: resolveStartup(scope, props.startup, accelerator, props.container?.port ?? 8080),
    gpuScalingDefaults: accelerator?.isGpu ? {
      scaleDownDelaySeconds: GPU_DEFAULTS.scaleDownDelaySeconds,
      initialScale: scaling.minReplicas === 0 ? GPU_DEFAULTS.initialScale : undefined,
    } : undefined,
    containerConcurrency: props.containerConcurrency,
    timeoutSeconds,
    visibility: props.visibility ?? Visibility.CLUSTER_LOCAL,
    serviceAccountName,
    transformer: resolveContainer(scope, 'transformer', props.transformer),
    explainer: resolveContainer(scope, 'explainer', props.explainer),
    batcher,
    logger,
    securityContext: security.container,
    podSecurityContext: security.pod,
    scratch: security.scratch,
  });
}

function resolveBatcher(scope: IConstruct, b: Batcher) {
  checkInteger(scope, 'batcher.maxBatchSize', b.maxBatchSize, 1, 100000);
  const maxLatencyMs = b.maxLatency !== undefined ? millisOf(b.maxLatency) : undefined;
  if (maxLatencyMs !== undefined && (!Number.isInteger(maxLatencyMs) || maxLatencyMs < 1)) {
    fail(scope, 'batcher.maxLatency', `${maxLatencyMs}ms`, 'is not allowed', 'use at least 1 ms in whole milliseconds');
  }
  return { maxBatchSize: b.maxBatchSize, maxLatencyMs, timeoutSeconds: seconds(scope, 'batcher.timeout', b.timeout, 1, 3600) };
}

const TP_FLAG = /^--tensor[-_]parallel[-_]size(?:=(.*))?$/;

/**
 * vLLM (KServe's Hugging Face runtime) shards a model over the GPUs of a
 * replica only when told: the tensor-parallel size follows the GPU count.
 */
function tensorParallelArgs(
  scope: IConstruct, format: ModelFormat | undefined, accelerator: ResolvedAccelerator | undefined, args: string[],
): string[] {
  if (format?.name !== 'huggingface' || !accelerator || accelerator.deviceCount < 2) return args;
  if (accelerator.kind === 'mig' || accelerator.kind === 'shared') {
    fail(scope, 'accelerator.count', accelerator.deviceCount, `gives a Hugging Face (vLLM) model ${accelerator.kind === 'mig' ? 'MIG slices' : 'GPU shares'}, which it cannot shard a model over`,
      'use one slice per replica, or Accelerator.nvidiaGpu({ count }) for tensor parallelism');
  }
  const n = accelerator.deviceCount;
  for (let i = 0; i < args.length; i++) {
    const m = TP_FLAG.exec(args[i]);
    if (!m) continue;
    const value = m[1] ?? args[i + 1];
    if (value !== String(n)) {
      fail(scope, 'args', `${args[i]}${m[1] === undefined && value !== undefined ? ` ${value}` : ''}`, `does not match the ${n} GPUs per replica of the accelerator`,
        `use --tensor-parallel-size=${n}, or drop the argument (it follows accelerator.count)`);
    }
    return args;
  }
  return [...args, `--tensor-parallel-size=${n}`];
}

export type { ModelStorage };
