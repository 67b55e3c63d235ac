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
}

export function emptyPlacement(): ResolvedPlacement {
  return { nodeSelector: {}, requiredNodeAffinity: [], tolerations: [] };
}
