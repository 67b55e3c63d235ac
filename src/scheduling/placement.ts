import type { GpuProduct, MigProfile } from './gpu-product';
import type { PoolOffering } from './offerings';
import { ErrorScope, fail } from '../internal/errors';
import { NodeSelectorRequirement, Toleration } from '../internal/k8s';

/** Where a model's pods may run; engine-neutral, merged from accelerator and node pool. */
export interface ResolvedPlacement {
  /** Exact node labels (`nodeSelector`). */
  readonly nodeSelector: Record<string, string>;
  /** Required node affinity terms, ANDed (e.g. GPU memory >= N). */
  readonly requiredNodeAffinity: NodeSelectorRequirement[];
  /** Tolerations for tainted (GPU) pools. */
  readonly tolerations: Toleration[];
  /** The RuntimeClass (e.g. `nvidia`), if any. */
  readonly runtimeClassName?: string;
}

/** Which family of device an accelerator is. */
export type AcceleratorKind = 'gpu' | 'mig' | 'shared' | 'custom';

/** What an accelerator adds to a model; engine-neutral. */
export interface ResolvedAccelerator {
  /** Extended resources, e.g. `{ 'nvidia.com/gpu': 2 }`; set as both requests and limits. */
  readonly resources: Record<string, number>;
  /** Resource names KServe must be told about (`serving.kserve.io/gpu-resource-types`). */
  readonly customResourceTypes: string[];
  /** Devices per replica, for tensor parallelism. */
  readonly deviceCount: number;
  /** Placement the accelerator needs. */
  readonly placement: ResolvedPlacement;
  /** A key for capacity reports: GPU product or MIG profile. */
  readonly capacityKey: string;
  /** Whether this is a GPU (long cold starts, GPU-safe scaling defaults). */
  readonly isGpu: boolean;
  /** The device family: whole GPUs, MIG slices, a time-shared GPU or a custom resource. */
  readonly kind: AcceleratorKind;
  /** The extended resource the pod requests (the one key of `resources`). */
  readonly resourceName: string;
  /** The GPU product, when pinned by the accelerator or implied by the pool. */
  readonly product?: string;
  /** The MIG profile, for MIG slices. */
  readonly migProfile?: string;
}

/** A pool-independent accelerator request; the resolver turns it into resources and placement per pool flavor. */
export interface AcceleratorRequest {
  readonly kind: AcceleratorKind;
  readonly count: number;
  readonly product?: GpuProduct;
  readonly mig?: { readonly profile: MigProfile; readonly strategy: 'mixed' | 'single' };
  /** Minimum GPU memory in MiB. */
  readonly minMemoryMib?: number;
  readonly minDriverMajor?: number;
  readonly minCudaMajor?: number;
  /** Time slicing with renameByDefault (`nvidia.com/gpu.shared`). */
  readonly renameShared?: boolean;
  readonly custom?: { readonly resourceName: string; readonly nodeSelector: Record<string, string>; readonly taintKey?: string };
  /** The factory that built the request, for messages. */
  readonly factory: string;
}

/** How a pool's nodes are labelled: by GPU Feature Discovery, GKE, or Karpenter (before the node exists). */
export type PoolFlavor = 'gfd' | 'gke' | 'karpenter';

/** A node pool as the resolver sees it. */
export interface ResolvedPool {
  readonly flavor: PoolFlavor;
  /** The factory that built the pool, for messages. */
  readonly factory: string;
  readonly placement: ResolvedPlacement;
  readonly gpusPerNode?: number;
  /** The GPU every node of the pool holds, when the pool says (GKE accelerator type). */
  readonly product?: GpuProduct;
  /** The GKE accelerator type, for messages. */
  readonly gkeAccelerator?: string;
  /** What the pool's instance type holds (GKE accelerator, EC2 family, Azure VM size), when known. */
  readonly offering?: PoolOffering;
}

export function emptyPlacement(): ResolvedPlacement {
  return { nodeSelector: {}, requiredNodeAffinity: [], tolerations: [] };
}

/**
 * Merges the accelerator's and the pool's placement. A node label both set
 * differently can never match: that is a synth error, not a pending pod.
 */
export function mergePlacement(scope: ErrorScope, a: ResolvedPlacement | undefined, b: ResolvedPlacement | undefined): ResolvedPlacement {
  // One side alone, too small to hold duplicates, is already merged (placements are never mutated).
  const alone = b === undefined ? a : a === undefined ? b : undefined;
  if (alone && alone.tolerations.length <= 1 && alone.requiredNodeAffinity.length <= 1) return alone;
  const nodeSelector: Record<string, string> = { ...(a?.nodeSelector ?? {}) };
  for (const [k, v] of Object.entries(b?.nodeSelector ?? {})) {
    if (nodeSelector[k] !== undefined && nodeSelector[k] !== v) {
      fail(scope, 'nodePool', `${k}=${v}`, `conflicts with the accelerator's node selector ${k}=${nodeSelector[k]}`, 'select the same value in both, or drop one');
    }
    nodeSelector[k] = v;
  }
  const tolerations = [...(a?.tolerations ?? []), ...(b?.tolerations ?? [])];
  // An `Exists` toleration already covers every value of its key and effect.
  const broad = new Set(tolerations.filter((t) => t.operator === 'Exists').map((t) => `${t.key}|${t.effect}`));
  const seen = new Set<string>();
  const unique = tolerations.filter((t) => {
    if (t.operator === 'Equal' && broad.has(`${t.key}|${t.effect}`)) return false;
    const key = JSON.stringify([t.key, t.operator, t.value, t.effect]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const affinity = [...(a?.requiredNodeAffinity ?? []), ...(b?.requiredNodeAffinity ?? [])];
  const affinitySeen = new Set<string>();
  if (a?.runtimeClassName && b?.runtimeClassName && a.runtimeClassName !== b.runtimeClassName) {
    fail(scope, 'nodePool.runtimeClassName', b.runtimeClassName, `conflicts with the accelerator's runtimeClassName ${a.runtimeClassName}`, 'use one RuntimeClass');
  }
  return {
    nodeSelector,
    requiredNodeAffinity: affinity.filter((r) => {
      const key = JSON.stringify(r);
      if (affinitySeen.has(key)) return false;
      affinitySeen.add(key);
      return true;
    }),
    tolerations: unique,
    runtimeClassName: b?.runtimeClassName ?? a?.runtimeClassName,
  };
}
