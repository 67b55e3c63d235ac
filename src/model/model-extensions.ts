import { ImagePullPolicy } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { InferenceComponent, PayloadLogger, PayloadLoggerMode, StorageMount, WorkerSpec } from './components';
import type { ModelFormat } from './format';
import { ModelVolume, ResolvedModelVolume } from './model-volume';
import type { InferenceProtocol } from './protocol';
import { ModelStorage, ResolvedStorage } from './storage';
import { checkInteger, fail, raiseIfInvalid, withScope } from '../internal/errors';
import { EnvVar } from '../internal/k8s';
import { checkDns1123Subdomain } from '../internal/names';
import { DeploymentStrategy, ResolvedDeploymentStrategy } from '../scaling/deployment-strategy';
import { ResolvedScaling, Scaling } from '../scaling/scaling';
import { GpuNodePool } from '../scheduling/node-pool';
import { ResolvedPlacement } from '../scheduling/placement';
import { resolveScheduling } from '../scheduling/resolve';
import { checkNoCredential } from '../security/credentials';

// The InferenceService fields of issue 21 (gRPC ports, deployment strategy,
// several storage URIs, multi-node, component placement, logger storage),
// resolved engine-neutrally; platforms decide where each can be written.

/** The payload logger, resolved. */
export interface ResolvedLogger {
  readonly url: string;
  readonly mode: string;
  readonly metadataHeaders?: string[];
  /** Blob storage: KServe's `LoggerStorageSpec` (path, key and parameters are all required by its webhook). */
  readonly storage?: {
    readonly path: string;
    readonly key: string;
    readonly parameters: Record<string, string>;
    readonly serviceAccountName?: string;
  };
}

/** One `storageUris` entry. */
export interface ResolvedStorageMount {
  readonly uri: string;
  readonly mountPath: string;
}

/** The props this file reads (a part of ServedModelProps; not imported: the construct layer sits above). */
export interface ExtensionProps {
  readonly args?: string[];
  readonly transformer?: InferenceComponent;
  readonly explainer?: InferenceComponent;
  readonly grpcPort?: number;
  readonly restAndGrpc?: boolean;
  readonly deploymentStrategy?: DeploymentStrategy;
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly storageUris?: StorageMount[];
  readonly workerSpec?: WorkerSpec;
  readonly volumes?: ModelVolume[];
  readonly runtime?: { readonly protocols: InferenceProtocol[]; readonly grpcPort?: number };
}

/** A side container as the spec holds it. */
interface ContainerView {
  readonly env: EnvVar[];
  readonly port: number;
}

/** The resolved spec fields this file reads and writes (a part of ModelSpec). */
export interface SpecView<C extends ContainerView> {
  readonly protocol: InferenceProtocol;
  readonly format?: ModelFormat;
  readonly image?: string;
  readonly port: number;
  readonly storage?: ResolvedStorage;
  readonly env: EnvVar[];
  readonly args: string[];
  readonly accelerator?: { readonly deviceCount: number };
  readonly transformer?: C;
  readonly explainer?: C;
  readonly grpcPort?: number;
  readonly restAndGrpc?: boolean;
  readonly deploymentStrategy?: ResolvedDeploymentStrategy;
  readonly storageUris?: ResolvedStorageMount[];
  readonly workerSpec?: ResolvedWorkerSpec;
  readonly imagePullPolicy?: string;
  readonly runtimeNamesGrpcPort?: boolean;
  readonly volumes?: ResolvedModelVolume[];
  readonly scratch?: { readonly volumeName: string; readonly mountPath: string };
}

/** Multi-node serving, resolved. */
export interface ResolvedWorkerSpec {
  readonly pipelineParallelSize: number;
  readonly tensorParallelSize: number;
}

/** What a transformer or explainer has beyond its container. */
export interface ResolvedComponentExtras {
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
  /** The component's own Deployment strategy (KServe Standard mode), if set. */
  readonly deploymentStrategy?: ResolvedDeploymentStrategy;
}

/** KServe's default model mount (`StorageUri.MountPath`, `+kubebuilder:default="/mnt/models"`). */
export const DEFAULT_MOUNT_PATH = '/mnt/models';
/** `pkg/constants/constants.go`: `TensorParallelSizeEnvName`, `PipelineParallelSizeEnvName` (KServe sets them itself). */
const PARALLEL_ENV = ['TENSOR_PARALLEL_SIZE', 'PIPELINE_PARALLEL_SIZE'];
const PARALLEL_FLAG = /^--(tensor|pipeline)[-_]parallel[-_]size(?:=.*)?$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PULL_POLICIES = Object.values(ImagePullPolicy) as string[];

/** Resolves the payload logger (CloudEvents sink or blob storage). */
export function resolveLogger(scope: IConstruct, l: PayloadLogger): ResolvedLogger {
  if (l === null || typeof l !== 'object') fail(scope, 'logger', l, 'is not a PayloadLogger', 'use { url, mode }');
  const modes = Object.values(PayloadLoggerMode) as string[];
  if (l.mode !== undefined && !modes.includes(l.mode)) fail(scope, 'logger.mode', l.mode, 'is not a PayloadLoggerMode', `use one of ${modes.join(', ')}`);
  const headers = l.metadataHeaders;
  if (headers !== undefined) {
    if (!Array.isArray(headers) || headers.length === 0) fail(scope, 'logger.metadataHeaders', headers, 'is not a non-empty list', 'list HTTP header names, or leave it out');
    for (const h of headers) {
      if (typeof h !== 'string' || !HEADER.test(h)) fail(scope, 'logger.metadataHeaders', h, 'is not an HTTP header name', 'use a token such as "X-Tenant-Id"');
    }
    if (new Set(headers.map((h) => h.toLowerCase())).size !== headers.length) {
      fail(scope, 'logger.metadataHeaders', headers, 'lists a header twice', 'list each header once (names are case-insensitive)');
    }
  }
  const storage = l.storage;
  if (storage === undefined) {
    if (typeof l.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(l.url)) fail(scope, 'logger.url', l.url, 'is not an http(s) URL', 'use the URL of the CloudEvents sink, or set storage for an s3:// bucket');
  } else {
    // The blob logger writes to S3 only at v0.20 (kserve docs, "Store Logs in Blob Storage").
    if (typeof l.url !== 'string' || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(l.url)) {
      fail(scope, 'logger.url', l.url, 'is not an s3:// bucket URL, which logger storage writes to', 'use s3://<bucket>, or drop storage to post CloudEvents');
    }
    if (typeof storage.path !== 'string' || !/^\/[^\s]*$/.test(storage.path) || storage.path.includes('..')) {
      fail(scope, 'logger.storage.path', storage.path, 'is not an absolute path without ".."', 'use e.g. "/logs/fraud"');
    }
    if (storage.key !== undefined && (typeof storage.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(storage.key))) {
      fail(scope, 'logger.storage.key', storage.key, 'is not a secret key', 'use letters, digits, "-", "_" or "."');
    }
    const sa = storage.serviceAccount?.name;
    if (sa !== undefined) checkDns1123Subdomain(scope, 'logger.storage.serviceAccount', sa);
  }
  checkNoCredential(scope, 'logger.url', l.url);
  return {
    url: l.url,
    mode: l.mode ?? PayloadLoggerMode.ALL,
    metadataHeaders: headers ? [...headers] : undefined,
    storage: storage === undefined ? undefined : {
      path: storage.path,
      // KServe's webhook (component.go validateLogger) requires key and parameters; its defaults are written out.
      key: storage.key ?? 'credentials',
      parameters: { format: 'json', type: 's3' },
      serviceAccountName: storage.serviceAccount?.name,
    },
  };
}

/**
 * Adds the issue-21 fields to a resolved spec (gRPC port, deployment
 * strategy, storageUris, multi-node, image pull policy, component extras).
 */
export function resolveExtensions<C extends ContainerView & ResolvedComponentExtras, S extends SpecView<C>>(
  scope: IConstruct, props: ExtensionProps, spec: S,
): S {
  const out: { -readonly [K in keyof SpecView<C>]: SpecView<C>[K] } = { ...spec };
  checkInteger(scope, 'grpcPort', props.grpcPort, 1, 65535);
  if (props.grpcPort !== undefined) {
    if (!spec.protocol.grpc) {
      fail(scope, 'grpcPort', props.grpcPort, `needs a gRPC protocol (the model speaks ${spec.protocol.version})`, 'set protocol: InferenceProtocol.GRPC_V2 (or GRPC_V1), or drop grpcPort');
    }
    if (spec.image !== undefined && !spec.format && props.grpcPort !== spec.port) {
      fail(scope, 'grpcPort', props.grpcPort, `differs from server.port ${spec.port}, the port a custom gRPC server is served on`, 'set server.port only');
    }
    out.grpcPort = props.grpcPort;
  }
  // A runtime object names its gRPC port h2c itself (ServingRuntime
  // construct): its only port when it speaks only gRPC, else its grpcPort.
  const protocols = props.runtime?.protocols;
  if (protocols !== undefined && protocols.length > 0 && protocols.every((p) => p.grpc)) out.runtimeNamesGrpcPort = true;
  if (props.runtime?.grpcPort !== undefined) out.runtimeNamesGrpcPort = true;
  if (props.restAndGrpc !== undefined && typeof props.restAndGrpc !== 'boolean') fail(scope, 'restAndGrpc', props.restAndGrpc, 'is not a boolean', 'use true or false');
  if (props.restAndGrpc === true) {
    if (!spec.protocol.grpc) {
      fail(scope, 'restAndGrpc', true, `needs a gRPC protocol (the model speaks ${spec.protocol.version}, REST only)`, 'set protocol: InferenceProtocol.GRPC_V2, or drop restAndGrpc');
    }
    if (!spec.format) fail(scope, 'restAndGrpc', true, 'needs a format: a custom container declares one port', 'serve one protocol, or use a format and runtime');
    out.restAndGrpc = true;
  }
  if (props.deploymentStrategy !== undefined) {
    if (!(props.deploymentStrategy instanceof DeploymentStrategy)) {
      fail(scope, 'deploymentStrategy', props.deploymentStrategy, 'is not a DeploymentStrategy', 'use DeploymentStrategy.rollingUpdate(...) or DeploymentStrategy.recreate()');
    }
    withScope(scope, 'deploymentStrategy', () => raiseIfInvalid(props.deploymentStrategy));
    out.deploymentStrategy = withScope(scope, 'deploymentStrategy', () => props.deploymentStrategy!._resolve()) as ResolvedDeploymentStrategy;
  }
  if (props.imagePullPolicy !== undefined) {
    if (!PULL_POLICIES.includes(props.imagePullPolicy)) fail(scope, 'imagePullPolicy', props.imagePullPolicy, 'is not an ImagePullPolicy', `use one of ${PULL_POLICIES.join(', ')}`);
    out.imagePullPolicy = props.imagePullPolicy;
  }
  if (props.storageUris !== undefined) out.storageUris = resolveStorageMounts(scope, props.storageUris, spec);
  if (props.volumes !== undefined) out.volumes = resolveVolumes(scope, props.volumes, spec);
  if (props.workerSpec !== undefined) {
    out.workerSpec = resolveWorkerSpec(scope, props, props.workerSpec, spec);
    // KServe's multi-node runtime passes --tensor-parallel-size from TENSOR_PARALLEL_SIZE: the library's flag goes.
    out.args = spec.args.filter((a) => !PARALLEL_FLAG.test(a));
  }
  if (props.transformer !== undefined) out.transformer = resolveComponent(scope, 'transformer', props.transformer, spec);
  if (props.explainer !== undefined) out.explainer = resolveComponent(scope, 'explainer', props.explainer, spec);
  return out as S;
}

function resolveStorageMounts(scope: IConstruct, mounts: StorageMount[], spec: SpecView<ContainerView>): ResolvedStorageMount[] {
  if (!Array.isArray(mounts) || mounts.length === 0) fail(scope, 'storageUris', mounts, 'is not a non-empty list', 'give at least one { storage, mountPath }');
  // inference_service_validation.go validateMultipleStorageURIs: storageUri and storageUris exclude each other.
  if (spec.storage !== undefined) {
    fail(scope, 'storageUris', mounts.length, 'is set as well as storage (KServe rejects both)', 'list the base model in storageUris too, and drop storage');
  }
  const out = mounts.map((m, i) => {
    const at = `storageUris[${i}]`;
    if (m === null || typeof m !== 'object' || !(m.storage instanceof ModelStorage)) {
      fail(scope, `${at}.storage`, (m as any)?.storage, 'is not a ModelStorage', 'use ModelStorage.fromUri(...) and friends');
    }
    const uri = withScope(scope, `${at}.storage`, () => m.storage._resolve()).uri;
    const mountPath = m.mountPath ?? DEFAULT_MOUNT_PATH;
    // validateStorageURISpec: absolute, not "/", no ".."; the CRD caps it at 255 characters.
    if (typeof mountPath !== 'string' || !mountPath.startsWith('/') || mountPath === '/' || mountPath.includes('..') || mountPath.length > 255
      || /\s/.test(mountPath)) {
      fail(scope, `${at}.mountPath`, mountPath, 'is not an absolute path below "/" without ".."', 'use e.g. "/mnt/models/base" (at most 255 characters)');
    }
    return { uri, mountPath: mountPath.length > 1 ? mountPath.replace(/\/+$/, '') : mountPath };
  });
  const paths = out.map((m) => m.mountPath);
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup !== undefined) fail(scope, 'storageUris', dup, 'is the mount path of two entries', 'give each entry its own mountPath');
  // validateMultipleStorageURIsSpec: non-PVC paths share a parent below "/" (utils.FindCommonParentPath).
  const objectPaths = out.filter((m) => !m.uri.startsWith('pvc://')).map((m) => m.mountPath);
  if (objectPaths.length > 1 && commonParent(objectPaths) === '/') {
    fail(scope, 'storageUris', objectPaths, 'have no common parent directory below "/" (KServe downloads them under one)', 'mount them under one directory, e.g. /mnt/models/base and /mnt/models/adapter');
  }
  return out;
}

/** The longest common directory of absolute paths (`/` when none). */
export function commonParent(paths: string[]): string {
  const parts = paths.map((p) => p.split('/').filter((x) => x !== ''));
  const first = parts[0];
  let n = 0;
  while (n < first.length && parts.every((p) => p.length > n && p[n] === first[n])) n++;
  // A path that is the parent of the others counts only up to its own parent (FindCommonParentPath compares directories).
  if (parts.some((p) => p.length === n)) n = Math.max(0, n - 1);
  return '/' + first.slice(0, n).join('/');
}

function resolveWorkerSpec(scope: IConstruct, props: ExtensionProps, o: WorkerSpec, spec: SpecView<ContainerView>): ResolvedWorkerSpec {
  if (o === null || typeof o !== 'object') fail(scope, 'workerSpec', o, 'is not WorkerSpec', 'use { pipelineParallelSize, tensorParallelSize }');
  checkInteger(scope, 'workerSpec.pipelineParallelSize', o.pipelineParallelSize, 1, 1024);
  checkInteger(scope, 'workerSpec.tensorParallelSize', o.tensorParallelSize, 1, 64);
  // KServe's multi-node runtime (config/runtimes/kserve-huggingfaceserver-multinode.yaml) serves Hugging Face models.
  if (spec.format?.name !== 'huggingface') {
    fail(scope, 'workerSpec', o, `needs format ModelFormat.HUGGINGFACE (KServe's multi-node runtime serves Hugging Face models; the format is ${spec.format?.name ?? 'none'})`,
      'use ModelFormat.HUGGINGFACE, or drop workerSpec');
  }
  // validateMultiNodeVariables: storageUri set, pvc:// or oci:// only.
  if (!spec.storage || (spec.storage.scheme !== 'pvc' && spec.storage.scheme !== 'oci')) {
    fail(scope, 'storage', spec.storage?.uri, 'is not pvc:// or oci:// storage, which multi-node serving needs (every node mounts the model)',
      'use ModelStorage.fromPersistentVolumeClaim(...) or ModelStorage.fromOci(...)');
  }
  for (const name of PARALLEL_ENV) {
    if (spec.env.some((e) => e.name === name)) {
      fail(scope, `envVariables["${name}"]`, '<not shown>', 'is set by KServe from workerSpec', `drop it; set workerSpec.${name === 'TENSOR_PARALLEL_SIZE' ? 'tensorParallelSize' : 'pipelineParallelSize'}`);
    }
  }
  const userArgs = props.args ?? [];
  const flag = userArgs.find((a) => PARALLEL_FLAG.test(a));
  if (flag !== undefined) fail(scope, 'args', flag, 'is passed by KServe\'s multi-node runtime from workerSpec', 'drop the argument; set workerSpec.tensorParallelSize / pipelineParallelSize');
  const gpus = spec.accelerator?.deviceCount;
  const tp = o.tensorParallelSize ?? gpus ?? 1;
  // TensorParallelSize is the GPUs per node (predictor.go WorkerSpec): the accelerator requests them.
  if (gpus !== undefined && tp !== gpus) {
    fail(scope, 'workerSpec.tensorParallelSize', tp, `does not match the ${gpus} GPUs per node of the accelerator`, `use ${gpus}, or drop it (it follows accelerator.count)`);
  }
  return { pipelineParallelSize: o.pipelineParallelSize ?? 1, tensorParallelSize: tp };
}

function resolveComponent<C extends ContainerView & ResolvedComponentExtras>(
  scope: IConstruct, which: 'transformer' | 'explainer', c: InferenceComponent, spec: SpecView<C>,
): C {
  const base = spec[which]!;
  const env = base.env;
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) {
    fail(scope, `${which}.imagePullPolicy`, c.imagePullPolicy, 'is not an ImagePullPolicy', `use one of ${PULL_POLICIES.join(', ')}`);
  }
  const serviceAccountName = c.serviceAccount?.name;
  if (serviceAccountName !== undefined) checkDns1123Subdomain(scope, `${which}.serviceAccount`, serviceAccountName);
  let placement: ResolvedPlacement | undefined;
  if (c.nodePool !== undefined) {
    if (!(c.nodePool instanceof GpuNodePool)) fail(scope, `${which}.nodePool`, c.nodePool, 'is not a GpuNodePool', 'use GpuNodePool.custom({ labels, taints }) and friends');
    const pool = withScope(scope, `${which}.nodePool`, () => c.nodePool!._pool());
    placement = resolveScheduling(scope, undefined, pool).placement;
  }
  let scaling: ResolvedScaling | undefined;
  if (c.scaling !== undefined) {
    if (!(c.scaling instanceof Scaling)) fail(scope, `${which}.scaling`, c.scaling, 'is not a Scaling', 'use Scaling.autoscale(...), Scaling.fixedReplicas(n)');
    scaling = withScope(scope, `${which}.scaling`, () => c.scaling!._resolve());
  }
  let deploymentStrategy: ResolvedDeploymentStrategy | undefined;
  if (c.deploymentStrategy !== undefined) {
    if (!(c.deploymentStrategy instanceof DeploymentStrategy)) {
      fail(scope, `${which}.deploymentStrategy`, c.deploymentStrategy, 'is not a DeploymentStrategy', 'use DeploymentStrategy.rollingUpdate(...) or DeploymentStrategy.recreate()');
    }
    withScope(scope, `${which}.deploymentStrategy`, () => raiseIfInvalid(c.deploymentStrategy));
    deploymentStrategy = withScope(scope, `${which}.deploymentStrategy`, () => c.deploymentStrategy!._resolve()) as ResolvedDeploymentStrategy;
  }
  if (c.collocated !== undefined && typeof c.collocated !== 'boolean') fail(scope, `${which}.collocated`, c.collocated, 'is not a boolean', 'use true or false');
  const collocated = c.collocated === true;
  if (collocated) {
    if (which !== 'transformer') fail(scope, 'explainer.collocated', true, 'is not available (KServe collocates transformers only)', 'drop collocated');
    for (const [prop, v] of [['serviceAccount', serviceAccountName], ['nodePool', c.nodePool], ['scaling', c.scaling], ['deploymentStrategy', c.deploymentStrategy]] as const) {
      if (v !== undefined) fail(scope, `transformer.${prop}`, prop === 'serviceAccount' ? v : `<${prop}>`, 'cannot apply to a collocated transformer, which runs in the predictor\'s pod', 'drop it, or drop collocated');
    }
    // The transformer's port is the pod's entry; the model server must listen elsewhere.
    // A format runtime listens on 8080 unless serverPort moves it (the model's own config, e.g. TorchServe's config.properties).
    const serverPorts = [spec.port];
    if (serverPorts.includes(base.port)) {
      fail(scope, 'transformer.port', base.port, `is the model server's port too (${serverPorts.join(', ')}): both containers share the pod's network`,
        'give the transformer another port, e.g. 8000, and point it at the server on localhost');
    }
    // validateCollocationStorageURI: the transformer-container may not carry STORAGE_URI.
    if (env.some((e) => e.name === 'STORAGE_URI')) fail(scope, 'transformer.envVariables["STORAGE_URI"]', '<not shown>', 'is not allowed on a collocated transformer (KServe rejects it)', 'drop it');
  }
  return {
    ...base,
    env,
    imagePullPolicy: c.imagePullPolicy,
    serviceAccountName,
    placement,
    scaling,
    collocated: collocated || undefined,
    deploymentStrategy,
  };
}

/**
 * Volume names the pod already uses: the model store and KServe's storage initializer volume
 * (constants.StorageInitializerVolumeName, `kserve-provision-location`), shared memory.
 */
const RESERVED_VOLUMES = ['model-store', 'kserve-provision-location', 'dshm'];

function resolveVolumes(scope: IConstruct, volumes: ModelVolume[], spec: SpecView<ContainerView>): ResolvedModelVolume[] {
  if (!Array.isArray(volumes)) fail(scope, 'volumes', volumes, 'is not an array', 'use [ModelVolume.fromConfigMap(...), ...]');
  const out: ResolvedModelVolume[] = [];
  volumes.forEach((v, i) => {
    const at = `volumes[${i}]`;
    if (!(v instanceof ModelVolume)) fail(scope, at, v, 'is not a ModelVolume', 'use ModelVolume.fromConfigMap(...), ModelVolume.fromSecret(...) or ModelVolume.emptyDir(...)');
    const r = withScope(scope, at, () => v._resolve());
    const taken = [...RESERVED_VOLUMES, ...(spec.scratch ? [spec.scratch.volumeName] : []), ...out.map((o) => o.volumeName)];
    if (taken.includes(r.volumeName)) {
      fail(scope, `${at}.volumeName`, r.volumeName, 'is already a volume of the pod', `give another volumeName (taken: ${taken.join(', ')})`);
    }
    // The model files live at /mnt/models (KServe's storage initializer, or the library's download).
    const paths = [DEFAULT_MOUNT_PATH, ...(spec.scratch ? [spec.scratch.mountPath] : []), ...out.map((o) => o.mountPath)];
    const clash = paths.find((p) => r.mountPath === p || r.mountPath.startsWith(`${p}/`) || p.startsWith(`${r.mountPath}/`));
    if (clash !== undefined) {
      fail(scope, `${at}.mountPath`, r.mountPath, `overlaps ${clash}, where the pod already mounts ${clash === DEFAULT_MOUNT_PATH ? 'the model files' : 'a volume'}`,
        'mount it elsewhere, e.g. /etc/<server> or /config');
    }
    out.push(r);
  });
  return out;
}
