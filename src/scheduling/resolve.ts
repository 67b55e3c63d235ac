import { GpuProduct } from './gpu-product';
import { vendorOfResource } from './offerings';
import {
  AcceleratorRequest, ResolvedAccelerator, ResolvedPlacement, ResolvedPool, emptyPlacement, mergePlacement,
} from './placement';
import { ErrorScope, fail } from '../internal/errors';
import { NodeSelectorRequirement, Toleration } from '../internal/k8s';

/** The default taint GPU node pools carry (`nvidia.com/gpu` NoSchedule). */
export const NVIDIA_GPU_TOLERATION: Toleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

/** GPU Feature Discovery node labels (set by the NVIDIA GPU operator). */
export const GFD_LABELS = {
  product: 'nvidia.com/gpu.product',
  /** Usable memory per GPU in MiB. */
  memory: 'nvidia.com/gpu.memory',
  /** Time-slicing replicas per GPU. */
  replicas: 'nvidia.com/gpu.replicas',
  driverMajor: 'nvidia.com/cuda.driver.major',
  cudaMajor: 'nvidia.com/cuda.runtime.major',
} as const;

export const GKE_LABELS = {
  accelerator: 'cloud.google.com/gke-accelerator',
  partitionSize: 'cloud.google.com/gke-gpu-partition-size',
  sharingStrategy: 'cloud.google.com/gke-gpu-sharing-strategy',
} as const;

export const KARPENTER_LABELS = {
  gpuName: 'karpenter.k8s.aws/instance-gpu-name',
  /** Memory per GPU in MiB. */
  gpuMemory: 'karpenter.k8s.aws/instance-gpu-memory',
} as const;

/** What the scheduler needs for one model: resources, where, and the pool's size. */
export interface ResolvedScheduling {
  readonly accelerator?: ResolvedAccelerator;
  readonly placement: ResolvedPlacement;
  readonly gpusPerNode?: number;
}

/** A CPU model without a node pool: any node. Shared by every such model, so frozen. */
const ANYWHERE: ResolvedScheduling = Object.freeze({
  placement: Object.freeze({
    nodeSelector: Object.freeze({}),
    requiredNodeAffinity: Object.freeze([]) as unknown as NodeSelectorRequirement[],
    tolerations: Object.freeze([]) as unknown as Toleration[],
  }),
  gpusPerNode: undefined,
});

function atLeast(key: string, min: number): NodeSelectorRequirement {
  // Node affinity has Gt but no Ge.
  return { key, operator: 'Gt', values: [String(min - 1)] };
}

/**
 * Resolves an accelerator request on a node pool. Each pool flavor knows
 * which labels exist when the scheduler (or Karpenter) decides: GFD labels
 * on GPU-operator nodes, GKE's own labels on GKE, Karpenter's well-known
 * instance labels before a node exists.
 */
export function resolveScheduling(scope: ErrorScope, request: AcceleratorRequest | undefined, pool: ResolvedPool | undefined): ResolvedScheduling {
  if (!request) return pool ? { placement: mergePlacement(scope, undefined, pool.placement), gpusPerNode: pool.gpusPerNode } : ANYWHERE;
  const flavor = pool?.flavor ?? 'gfd';
  checkOffering(scope, request, pool);
  const product = checkProduct(scope, request, pool);
  checkMemory(scope, request, product);
  checkPerNode(scope, request, product, pool);

  const nodeSelector: Record<string, string> = {};
  const affinity: NodeSelectorRequirement[] = [];
  const tolerations: Toleration[] = [];
  let resourceName: string;
  let customTypes: string[] = [];

  if (request.kind === 'custom') {
    const c = request.custom!;
    resourceName = c.resourceName;
    customTypes = resourceName === 'nvidia.com/gpu' ? [] : [resourceName];
    Object.assign(nodeSelector, c.nodeSelector);
    if (c.taintKey) tolerations.push({ key: c.taintKey, operator: 'Exists', effect: 'NoSchedule' });
  } else {
    tolerations.push({ ...NVIDIA_GPU_TOLERATION });
    if (flavor === 'gke') {
      resourceName = 'nvidia.com/gpu';
      if (request.kind === 'mig') nodeSelector[GKE_LABELS.partitionSize] = request.mig!.profile.name;
      if (request.kind === 'shared') nodeSelector[GKE_LABELS.sharingStrategy] = 'time-sharing';
      if (request.minDriverMajor !== undefined || request.minCudaMajor !== undefined) {
        fail(scope, 'accelerator', request.minDriverMajor !== undefined ? `minDriverMajor=${request.minDriverMajor}` : `minCudaMajor=${request.minCudaMajor}`,
          `cannot be placed on ${pool!.factory}: GKE nodes carry no nvidia.com/cuda.* labels`,
          'choose the driver with the GKE node pool\'s gpu-driver-version, or use GpuNodePool.custom on a GPU-operator pool');
      }
      if (request.minMemoryMib !== undefined && !product?._memoryGb) {
        fail(scope, 'accelerator.minMemory', `${request.minMemoryMib}Mi`, `cannot be checked on ${pool!.factory}: GKE nodes carry no nvidia.com/gpu.memory label`,
          'use a GKE accelerator type the library knows (e.g. nvidia-l4, nvidia-a100-80gb), or pin the product');
      }
    } else if (flavor === 'karpenter') {
      if (request.kind !== 'gpu') {
        fail(scope, 'accelerator', request.kind === 'mig' ? `nvidia.com/mig-${request.mig!.profile.name}` : 'nvidia.com/gpu.shared',
          `cannot be provisioned by Karpenter (${pool!.factory}): Karpenter only launches nodes for nvidia.com/gpu`,
          'use Accelerator.nvidiaGpu, or GpuNodePool.custom for pre-provisioned MIG or time-sliced nodes');
      }
      if (request.minDriverMajor !== undefined || request.minCudaMajor !== undefined) {
        fail(scope, 'accelerator', request.minDriverMajor !== undefined ? `minDriverMajor=${request.minDriverMajor}` : `minCudaMajor=${request.minCudaMajor}`,
          'cannot be provisioned by Karpenter: the nvidia.com/cuda.* labels only appear after the node has started',
          'pin the driver in the EC2NodeClass AMI, or drop the constraint');
      }
      resourceName = 'nvidia.com/gpu';
      if (product) {
        const gpuName = product._facts.karpenter;
        if (!gpuName) {
          fail(scope, 'accelerator.product', product.name, 'has no Karpenter instance-gpu-name the library knows',
            'use a known product (A100, H100, H200, L4, L40S, A10G, T4), or GpuNodePool.custom with the pool\'s labels');
        }
        nodeSelector[KARPENTER_LABELS.gpuName] = gpuName;
        if (product._memoryGb) affinity.push(atLeast(KARPENTER_LABELS.gpuMemory, (product._memoryGb - 1) * 1024));
      } else if (request.minMemoryMib !== undefined) {
        affinity.push(atLeast(KARPENTER_LABELS.gpuMemory, request.minMemoryMib));
      }
    } else {
      resourceName = gfdPlacement(scope, request, product, nodeSelector, affinity);
      if (resourceName !== 'nvidia.com/gpu') customTypes = [resourceName];
    }
  }

  const accelerator: ResolvedAccelerator = {
    resources: { [resourceName]: request.count },
    customResourceTypes: customTypes,
    deviceCount: request.count,
    placement: { nodeSelector, requiredNodeAffinity: affinity, tolerations },
    capacityKey: capacityKey(request, product, resourceName),
    isGpu: request.kind !== 'custom' || /gpu|gaudi|neuron|tpu/i.test(resourceName),
    kind: request.kind,
    resourceName,
    product: product?.name,
    migProfile: request.mig?.profile.name,
  };
  return { accelerator, placement: mergePlacement(scope, accelerator.placement, pool?.placement), gpusPerNode: pool?.gpusPerNode };
}

function gfdPlacement(
  scope: ErrorScope, request: AcceleratorRequest, product: GpuProduct | undefined,
  nodeSelector: Record<string, string>, affinity: NodeSelectorRequirement[],
): string {
  let resourceName = 'nvidia.com/gpu';
  if (request.kind === 'mig') {
    const profile = request.mig!.profile.name;
    if (request.mig!.strategy === 'single') {
      // Single strategy: slices are advertised as nvidia.com/gpu and GFD
      // renames the product `<product>-MIG-<profile>`.
      if (!product) {
        fail(scope, 'accelerator.product', undefined, 'is required with MigStrategy.SINGLE (the node label is <product>-MIG-<profile>)',
          'pin the product, or use MigStrategy.MIXED (nvidia.com/mig-<profile>)');
      }
      nodeSelector[GFD_LABELS.product] = `${product.name}-MIG-${profile}`;
    } else {
      resourceName = `nvidia.com/mig-${profile}`;
      if (product) nodeSelector[GFD_LABELS.product] = product.name;
    }
  } else if (request.kind === 'shared') {
    if (request.renameShared === false) {
      // Without renaming, shares keep the nvidia.com/gpu name: only the
      // replicas label tells a time-sliced node from an exclusive one.
      if (product) nodeSelector[GFD_LABELS.product] = `${product.name}-SHARED`;
      else affinity.push(atLeast(GFD_LABELS.replicas, 2));
    } else {
      resourceName = 'nvidia.com/gpu.shared';
      if (product) nodeSelector[GFD_LABELS.product] = product.name;
    }
  } else if (product) {
    nodeSelector[GFD_LABELS.product] = product.name;
  }
  // A pinned product already decides the memory (checked statically).
  if (request.minMemoryMib !== undefined && !product) affinity.push(atLeast(GFD_LABELS.memory, request.minMemoryMib));
  if (request.minDriverMajor !== undefined) affinity.push(atLeast(GFD_LABELS.driverMajor, request.minDriverMajor));
  if (request.minCudaMajor !== undefined) affinity.push(atLeast(GFD_LABELS.cudaMajor, request.minCudaMajor));
  return resourceName;
}

/**
 * The accelerator must be what the pool's nodes hold: vendor (an AMD GPU on
 * an NVIDIA pool never schedules) and, when pinned, the GPU product (an H100
 * on a pool of L4 instances neither). See offerings.ts for the table.
 */
function checkOffering(scope: ErrorScope, request: AcceleratorRequest, pool: ResolvedPool | undefined): void {
  const offering = pool?.offering;
  if (!offering) return;
  const resource = request.kind === 'custom' ? request.custom!.resourceName : 'nvidia.com/gpu';
  const vendor = request.kind === 'custom' ? vendorOfResource(resource) : 'NVIDIA';
  if (vendor !== undefined && vendor !== offering.vendor) {
    fail(scope, 'accelerator', resource, `is ${vendor === 'Google TPU' ? 'a' : 'an'} ${vendor} accelerator, but the nodes of ${pool!.factory} (${offering.source}) hold ${offering.accelerator}`,
      `use an accelerator the pool offers (${offering.vendor}), or a pool of ${vendor} nodes`);
  }
  const product = request.product;
  // A pool that implies its product (GKE) is checked by checkProduct, which also fills it in.
  if (product && !pool!.product && (offering.product ? offering.product.name !== product.name : GpuProduct._isPreset(product.name))) {
    fail(scope, 'accelerator.product', product.name, `is not the GPU of ${pool!.factory} (${offering.source} holds ${offering.accelerator})`,
      'pin the GPU the pool holds, or use a pool of that GPU');
  }
}

/** The accelerator's product and the pool's must agree; the pool's fills in when the accelerator has none. */
function checkProduct(scope: ErrorScope, request: AcceleratorRequest, pool: ResolvedPool | undefined): GpuProduct | undefined {
  if (request.kind === 'custom') return undefined;
  const implied = pool?.product;
  const product = request.product;
  if (product && implied && product.name !== implied.name) {
    fail(scope, 'nodePool', pool!.gkeAccelerator ?? implied.name, `holds ${implied.name} GPUs, not the accelerator's product ${product.name}`,
      'pin the same GPU in both, or drop the product from the accelerator');
  }
  const resolved = product ?? implied;
  const mig = request.mig?.profile;
  if (mig && resolved && !resolved.supportsMig(mig)) {
    fail(scope, 'accelerator', `nvidia.com/mig-${mig.name}`, `does not exist on ${resolved.name}${product ? '' : ` (the GPU of ${pool!.factory})`}`,
      resolved.migProfiles.length ? `use one of ${resolved.migProfiles.join(', ')}` : `${resolved.name} has no MIG support; use Accelerator.nvidiaGpu`);
  }
  return resolved;
}

function checkMemory(scope: ErrorScope, request: AcceleratorRequest, product: GpuProduct | undefined): void {
  const min = request.minMemoryMib;
  if (min === undefined) return;
  const mig = request.mig?.profile;
  if (mig && mig._memoryGb * 1024 < min) {
    fail(scope, 'accelerator.minMemory', `${min}Mi`, `is more than the ${mig._memoryGb}GB of a ${mig.name} slice`, 'use a larger MIG profile or whole GPUs');
  }
  if (!mig && product?._memoryGb !== undefined && product._memoryGb * 1024 < min) {
    fail(scope, 'accelerator.minMemory', `${min}Mi`, `is more than the ${product._memoryGb}GiB of ${product.name}`, 'use a GPU with more memory, or lower minMemory');
  }
}

function checkPerNode(scope: ErrorScope, request: AcceleratorRequest, product: GpuProduct | undefined, pool: ResolvedPool | undefined): void {
  const perNode = pool?.gpusPerNode;
  if (perNode === undefined) return;
  if (request.kind === 'gpu' || request.kind === 'custom') {
    if (request.count > perNode) {
      fail(scope, 'accelerator.count', request.count, `is more than the ${perNode} GPUs a node of the pool holds`,
        `use at most ${perNode}, or a pool with larger nodes`);
    }
  } else if (request.kind === 'mig') {
    const profile = request.mig!.profile;
    const perGpu = product ? product.migInstancesPerGpu(profile) : Math.floor(7 / profile.computeSlices);
    if (request.count > perNode * perGpu) {
      fail(scope, 'accelerator.count', request.count, `is more than the ${perNode * perGpu} ${profile.name} slices a node of the pool holds (${perNode} GPUs x ${perGpu})`,
        `use at most ${perNode * perGpu}, or a larger profile or pool`);
    }
  }
}

function capacityKey(request: AcceleratorRequest, product: GpuProduct | undefined, resourceName: string): string {
  switch (request.kind) {
    case 'gpu': return product?.name ?? 'nvidia.com/gpu (any product)';
    case 'mig': return `${product ? `${product.name} ` : ''}MIG ${request.mig!.profile.name}`;
    case 'shared': return `${product ? `${product.name} ` : ''}time-sliced share`;
    default: return resourceName;
  }
}

/** A fresh empty placement (re-exported for callers that have no accelerator). */
export { emptyPlacement };
