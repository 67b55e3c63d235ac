import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LlmScaling, ResolvedLlmScaling } from './llm-scaling';
import { LlmParallelism, ResolvedParallelism, resolveParallelism } from './parallelism';
import { checkInteger, fail } from '../internal/errors';
import { compact, EnvVar, sortedRecord } from '../internal/k8s';
import { checkAnnotations, checkDns1123Subdomain, checkLabels } from '../internal/names';
import { mebibytesOf } from '../internal/units';
import { ModelResources } from '../model/components';
import { memoryQuantity, ResolvedResources, resolveResources } from '../model/model-spec';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';
import { ResolvedPlacement } from '../scheduling/placement';
import { ResolvedScheduling } from '../scheduling/resolve';
import { ResolvedPodSecurity } from '../security/pod-security';

/** How vLLM evicts KV-cache blocks from the CPU tier. */
export enum KvCacheEvictionPolicy {
  /** Least recently used (KServe's default). */
  LRU = 'lru',
  /** Adaptive replacement cache. */
  ARC = 'arc',
}

/** A PersistentVolumeClaim that holds a disk tier of the KV cache. */
export interface KvCacheClaim {
  /** The claim's name (it must exist; ReadWriteMany to share it between replicas). */
  readonly claimName: string;
  /**
   * A subdirectory of the claim.
   *
   * @default - the claim's root
   */
  readonly path?: string;
}

/**
 * A disk tier on a PersistentVolumeClaim KServe creates for each pod (a
 * generic ephemeral volume: it is deleted with the pod, so the tier holds no
 * state across restarts, e.g. on a local-NVMe storage class).
 */
export interface KvCacheEphemeralVolume {
  /** The claim's size. */
  readonly size: Size;

  /**
   * The StorageClass of the claim.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * KV-cache offloading: vLLM keeps evicted KV blocks in CPU memory (and
 * optionally on disk) and reloads them instead of recomputing long prefixes.
 */
export interface KvCacheOffloading {
  /** CPU memory for the first offload tier; the pod's memory request must hold it. */
  readonly cpu: Size;

  /**
   * Eviction policy of the CPU tier.
   *
   * @default KvCacheEvictionPolicy.LRU
   */
  readonly evictionPolicy?: KvCacheEvictionPolicy;

  /**
   * A node-local disk tier of this size (an emptyDir; KServe also requests it as ephemeral storage).
   *
   * @default - no local disk tier
   */
  readonly localDisk?: Size;

  /**
   * A disk tier on an existing PersistentVolumeClaim.
   *
   * @default - no claim tier
   */
  readonly claim?: KvCacheClaim;

  /**
   * A disk tier on a claim KServe creates per pod (`pvc.spec`).
   *
   * @default - no per-pod claim tier
   */
  readonly ephemeralVolume?: KvCacheEphemeralVolume;
}

/**
 * Worker pods of a multi-node replica, where they differ from the leader's:
 * the leader also runs the API server, tokenization and scheduling, workers
 * only their share of the model. The GPUs per pod stay the leader's (each
 * pod holds one tensor-parallel group).
 */
export interface LlmWorkerOptions {
  /**
   * CPU and memory per worker pod.
   *
   * @default - the leader's
   */
  readonly resources?: ModelResources;

  /**
   * The node pool of the workers.
   *
   * @default - the leader's
   */
  readonly nodePool?: GpuNodePool;
}

/** One workload of an LLM service: the decode (main) pods or the prefill pods. */
export interface LlmWorkloadOptions {
  /**
   * A fixed number of replicas; `0` stops the workload. Exclusive with `scaling`.
   *
   * @default 1 (when `scaling` is not set)
   */
  readonly replicas?: number;

  /**
   * Autoscaling by KServe's Workload Variant Autoscaler. Exclusive with `replicas`.
   *
   * @default - fixed replicas
   */
  readonly scaling?: LlmScaling;

  /**
   * Tensor, pipeline, data and expert parallelism. Pipeline or data
   * parallelism over several pods makes the workload multi-node (a
   * LeaderWorkerSet): KServe's `worker` is derived from this workload's pod.
   *
   * @default - tensor parallelism over the accelerator's GPUs
   */
  readonly parallelism?: LlmParallelism;

  /**
   * GPUs per pod (per node of a multi-node replica).
   *
   * @default - the service's accelerator (prefill), none (decode)
   */
  readonly accelerator?: Accelerator;

  /**
   * The node pool (labels, taints, GPUs per node).
   *
   * @default - the service's node pool (prefill), any node (decode)
   */
  readonly nodePool?: GpuNodePool;

  /**
   * CPU and memory per pod.
   *
   * @default - 4 CPUs, 16 GiB (GPU) or 2 CPUs, 8 GiB (CPU)
   */
  readonly resources?: ModelResources;

  /**
   * The worker pods of a multi-node replica (`spec.worker`), where they
   * differ from the leader pod. Only with pipeline or data parallelism over
   * several pods (KServe webhook).
   *
   * @default - workers are copies of the leader pod (derived from parallelism)
   */
  readonly worker?: LlmWorkerOptions;

  /**
   * KV-cache offloading to CPU memory and disk.
   *
   * @default - none
   */
  readonly kvCacheOffloading?: KvCacheOffloading;

  /**
   * Extra labels for the pods.
   *
   * @default - none
   */
  readonly podLabels?: Record<string, string>;

  /**
   * Extra annotations for the pods.
   *
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
}

/** A workload after validation. */
export interface ResolvedLlmWorkload {
  readonly prop: string;
  readonly replicas?: number;
  readonly scaling?: ResolvedLlmScaling;
  readonly parallelism: ResolvedParallelism;
  readonly scheduling: ResolvedScheduling;
  readonly resources: ResolvedResources;
  readonly kvCache?: Record<string, unknown>;
  readonly podLabels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  /** The worker pods' own scheduling and resources, when they differ from the leader's. */
  readonly worker?: { readonly scheduling: ResolvedScheduling; readonly resources: ResolvedResources };
  /** The GPU product / resource key for capacity reports. */
  readonly capacityKey?: string;
  readonly resourceName?: string;
  readonly devicesPerPod: number;
}

/** Resolves one workload; `fallback` supplies the service's accelerator and pool to the prefill workload. */
export function resolveWorkload(
  scope: IConstruct, prop: string, w: LlmWorkloadOptions, fallback: { accelerator?: Accelerator; nodePool?: GpuNodePool } = {},
): ResolvedLlmWorkload {
  const at = (p: string) => (prop ? `${prop}.${p}` : p);
  // CEL on WorkloadSpec: replicas and scaling are mutually exclusive.
  if (w.replicas !== undefined && w.scaling !== undefined) {
    fail(scope, at('replicas'), w.replicas, 'is set together with scaling', 'use scaling for autoscaled workloads or replicas for a fixed count, not both');
  }
  checkInteger(scope, at('replicas'), w.replicas, 0, 10000);
  if (w.scaling !== undefined && !(w.scaling instanceof LlmScaling)) {
    fail(scope, at('scaling'), w.scaling, 'is not an LlmScaling', 'use LlmScaling.keda({...}) or LlmScaling.hpa({...})');
  }
  const accelerator = w.accelerator ?? fallback.accelerator;
  const nodePool = w.nodePool ?? fallback.nodePool;
  if (accelerator !== undefined && !(accelerator instanceof Accelerator)) fail(scope, at('accelerator'), accelerator, 'is not an Accelerator', 'use Accelerator.nvidiaGpu(...)');
  if (nodePool !== undefined && !(nodePool instanceof GpuNodePool)) fail(scope, at('nodePool'), nodePool, 'is not a GpuNodePool', 'use GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)');
  const scheduling = accelerator ? accelerator._schedule(scope, nodePool?._pool()) : noAccelerator(nodePool);
  const acc = scheduling.accelerator;
  if (acc && (acc.kind === 'mig' || acc.kind === 'shared') && (w.parallelism?.tensor ?? 1) > 1) {
    fail(scope, at('parallelism.tensor'), w.parallelism?.tensor, `cannot span ${acc.kind === 'mig' ? 'MIG slices' : 'time-sliced GPUs'}`, 'use whole GPUs (Accelerator.nvidiaGpu) for tensor parallelism');
  }
  const devices = acc?.deviceCount ?? 0;
  const parallelism = resolveParallelism(scope, at('parallelism'), w.parallelism, devices, scheduling.gpusPerNode, acc?.isGpu ?? false);
  const gpu = acc?.isGpu ?? false;
  const defaults: ModelResources = {};
  const res = resolveResources(scope, at('resources'), w.resources ?? defaults, acc?.resources ?? {});
  // Bigger defaults than a classic model: tokenization, the HTTP server and the KV-cache manager run on CPU.
  const requests: Record<string, string | number> = { ...res.requests };
  const limits: Record<string, string | number> = { ...res.limits };
  if (w.resources?.cpu === undefined) requests.cpu = gpu ? '4' : '2';
  if (w.resources?.memory === undefined) {
    requests.memory = gpu ? '16Gi' : '8Gi';
    const limit = w.resources?.memoryLimit;
    if (limit === undefined) {
      limits.memory = requests.memory;
    } else if (mebibytesOf(limit) < (gpu ? 16 : 8) * 1024) {
      fail(scope, at('resources.memoryLimit'), memoryQuantity(limit), `is below the default memory request ${requests.memory}`,
        'set resources.memory as well, or a limit >= the request');
    }
  }
  checkLabels(scope, at('podLabels'), w.podLabels);
  checkAnnotations(scope, at('podAnnotations'), w.podAnnotations);
  const kvCache = resolveKvCache(scope, at('kvCacheOffloading'), w.kvCacheOffloading, w.resources?.memory ?? Size.gibibytes(gpu ? 16 : 8));
  let worker: ResolvedLlmWorkload['worker'];
  if (w.worker !== undefined) {
    // Webhook (validateWorkloadParallelism): a worker needs data or pipeline parallelism.
    if (!parallelism.multiNode) {
      fail(scope, at('worker'), '<worker>', 'is set, but one pod holds the whole replica',
        'set pipeline or data parallelism (data, dataLocal) so that a replica spans pods, or drop worker');
    }
    if (w.worker.nodePool !== undefined && !(w.worker.nodePool instanceof GpuNodePool)) {
      fail(scope, at('worker.nodePool'), w.worker.nodePool, 'is not a GpuNodePool', 'use GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)');
    }
    const workerPool = w.worker.nodePool ?? nodePool;
    const workerScheduling = accelerator ? accelerator._schedule(scope, workerPool?._pool()) : noAccelerator(workerPool);
    const wr = resolveResources(scope, at('worker.resources'), w.worker.resources ?? w.resources ?? defaults, acc?.resources ?? {});
    const workerResources = w.worker.resources ? wr : { requests, limits };
    worker = { scheduling: workerScheduling, resources: workerResources };
  }
  return {
    prop,
    replicas: w.replicas,
    scaling: w.scaling?._resolve(),
    parallelism,
    scheduling,
    resources: { requests, limits },
    kvCache,
    podLabels: w.podLabels,
    podAnnotations: w.podAnnotations,
    worker,
    capacityKey: acc?.capacityKey,
    resourceName: acc?.resourceName,
    devicesPerPod: devices,
  };
}

function noAccelerator(nodePool: GpuNodePool | undefined): ResolvedScheduling {
  const p = nodePool?._resolve();
  return { placement: p ?? { nodeSelector: {}, requiredNodeAffinity: [], tolerations: [] }, gpusPerNode: nodePool?.gpusPerNode };
}

function resolveKvCache(
  scope: IConstruct, prop: string, kv: KvCacheOffloading | undefined, memory: Size | undefined,
): Record<string, unknown> | undefined {
  if (kv === undefined) return undefined;
  if (!(kv.cpu instanceof Size)) fail(scope, `${prop}.cpu`, kv.cpu, 'is not a Size', 'use Size.gibibytes(n)');
  const cpuMib = mebibytesOf(kv.cpu);
  if (!(cpuMib >= 1)) fail(scope, `${prop}.cpu`, `${cpuMib}Mi`, 'is too small', 'use at least 1 MiB, e.g. Size.gibibytes(20)');
  if (memory !== undefined && cpuMib >= mebibytesOf(memory)) {
    fail(scope, `${prop}.cpu`, memoryQuantity(kv.cpu), `does not fit in the pod's memory request ${memoryQuantity(memory)}`,
      'raise resources.memory above the CPU KV-cache tier plus the server\'s own memory');
  }
  if (kv.evictionPolicy !== undefined && !Object.values(KvCacheEvictionPolicy).includes(kv.evictionPolicy)) {
    fail(scope, `${prop}.evictionPolicy`, kv.evictionPolicy, 'is not a policy', 'use KvCacheEvictionPolicy.LRU or ARC');
  }
  const secondary: Record<string, unknown>[] = [];
  if (kv.localDisk !== undefined) {
    if (!(mebibytesOf(kv.localDisk) >= 1)) fail(scope, `${prop}.localDisk`, `${mebibytesOf(kv.localDisk)}Mi`, 'is too small', 'use at least 1 MiB');
    secondary.push({ fileSystem: { emptyDir: { size: memoryQuantity(kv.localDisk) } } });
  }
  if (kv.claim !== undefined) {
    checkDns1123Subdomain(scope, `${prop}.claim.claimName`, kv.claim.claimName);
    if (kv.claim.path !== undefined && (/\s/.test(kv.claim.path) || kv.claim.path.startsWith('/') || `/${kv.claim.path}/`.includes('/../'))) {
      fail(scope, `${prop}.claim.path`, kv.claim.path, 'is not a relative path', 'use a relative subdirectory without spaces or ".." (it becomes the mount\'s subPath)');
    }
    secondary.push({ fileSystem: { pvc: { ref: compact({ name: kv.claim.claimName, path: kv.claim.path }) } } });
  }
  if (kv.ephemeralVolume !== undefined) {
    const e = kv.ephemeralVolume;
    if (e === null || typeof e !== 'object' || !(e.size instanceof Size)) {
      fail(scope, `${prop}.ephemeralVolume.size`, e?.size, 'is not a Size', 'use Size.gibibytes(n)');
    }
    if (!(mebibytesOf(e.size) >= 1) || !Number.isFinite(mebibytesOf(e.size))) {
      fail(scope, `${prop}.ephemeralVolume.size`, `${mebibytesOf(e.size)}Mi`, 'is out of range', 'use at least 1 MiB');
    }
    if (e.storageClassName !== undefined) checkDns1123Subdomain(scope, `${prop}.ephemeralVolume.storageClassName`, e.storageClassName);
    // KServe writes it as the volumeClaimTemplate of a generic ephemeral volume (attachFileSystemKVCacheTier,
    // workload_kvcache.go, v0.20.0); the API server requires access modes and a storage request there.
    const spec = compact({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: memoryQuantity(e.size) } }, storageClassName: e.storageClassName });
    secondary.push({ fileSystem: { pvc: { spec } } });
  }
  const out: Record<string, unknown> = { cpu: memoryQuantity(kv.cpu) };
  if (kv.evictionPolicy !== undefined) out.evictionPolicy = kv.evictionPolicy;
  if (secondary.length) out.secondary = secondary;
  return out;
}

/** The `spec` fields of one workload (replicas/scaling/parallelism/labels/annotations/kvCacheOffloading). */
export function workloadFields(w: ResolvedLlmWorkload): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (w.scaling) out.scaling = w.scaling.json;
  else out.replicas = w.replicas ?? 1;
  if (w.parallelism.json) out.parallelism = w.parallelism.json;
  const labels = sortedRecord(w.podLabels);
  if (labels) out.labels = labels;
  const annotations = sortedRecord(w.podAnnotations);
  if (annotations) out.annotations = annotations;
  if (w.kvCache) out.kvCacheOffloading = w.kvCache;
  return out;
}

/** KServe's name for the vLLM container in every preset (the strategic-merge key). */
export const MAIN_CONTAINER = 'main';

/** What a vLLM pod template is made of. */
export interface LlmPodParts {
  readonly image?: string;
  readonly args: string[];
  readonly env: EnvVar[];
  readonly sharedMemory?: string;
  readonly security: ResolvedPodSecurity;
  readonly resources?: ResolvedResources;
  readonly placement: ResolvedPlacement;
  readonly serviceAccountName?: string;
}

/**
 * A pod template KServe merges over its presets (strategic merge: containers
 * by name, volumes by name, mounts by path). Volume names match the presets'
 * (`dshm`, `tmp-dir`) so that ours replace theirs rather than add a second
 * mount at the same path.
 */
export function llmPodSpec(p: LlmPodParts): Record<string, unknown> {
  const mounts: Record<string, unknown>[] = [];
  const volumes: Record<string, unknown>[] = [];
  if (p.sharedMemory) {
    // vLLM's exception to a locked-down pod: NCCL and the worker processes exchange tensors through /dev/shm.
    mounts.push({ name: 'dshm', mountPath: '/dev/shm' });
    volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: p.sharedMemory } });
  }
  if (p.security.scratch) {
    mounts.push({ name: 'tmp-dir', mountPath: p.security.scratch.mountPath });
    volumes.push({ name: 'tmp-dir', emptyDir: { sizeLimit: p.security.scratch.sizeLimit } });
  }
  const resources: Record<string, unknown> = {};
  if (p.resources) {
    const limits = sortedRecord(p.resources.limits);
    const requests = sortedRecord(p.resources.requests);
    if (limits) resources.limits = limits;
    if (requests) resources.requests = requests;
  }
  const container = compact({
    name: MAIN_CONTAINER,
    image: p.image,
    args: p.args.length ? p.args : undefined,
    env: p.env.length ? p.env : undefined,
    resources: Object.keys(resources).length ? resources : undefined,
    securityContext: p.security.container,
    volumeMounts: mounts.length ? mounts : undefined,
  });
  const placement = p.placement;
  const pod: Record<string, unknown> = compact({
    serviceAccountName: p.serviceAccountName,
    securityContext: Object.keys(p.security.pod).length ? p.security.pod : undefined,
    nodeSelector: sortedRecord(placement.nodeSelector),
    tolerations: placement.tolerations.length ? placement.tolerations : undefined,
    affinity: placement.requiredNodeAffinity.length ? requiredAffinity(placement) : undefined,
    runtimeClassName: placement.runtimeClassName,
    containers: [container],
  });
  // After compaction: an emptyDir without fields is meaningful.
  if (volumes.length) pod.volumes = volumes;
  return pod;
}

function requiredAffinity(placement: ResolvedPlacement): Record<string, unknown> {
  const terms = [{ matchExpressions: placement.requiredNodeAffinity }];
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
}
