import { GpuProduct, MigProfile } from './gpu-product';
import { ResolvedAccelerator } from './placement';
import { checkInteger, checkNonEmpty, fail } from '../internal/errors';
import { checkQualifiedKey } from '../internal/names';

/** The default taint GPU node pools carry (`nvidia.com/gpu` NoSchedule). */
export const NVIDIA_GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' } as const;

/** Options for {@link Accelerator.nvidiaGpu}. */
export interface NvidiaGpuOptions {
  /**
   * Whole GPUs per replica.
   *
   * @default 1
   */
  readonly count?: number;

  /**
   * Pin the GPU model (GPU Feature Discovery label `nvidia.com/gpu.product`).
   *
   * @default - any NVIDIA GPU
   */
  readonly product?: GpuProduct;
}

/** Options for {@link Accelerator.nvidiaMig}. */
export interface NvidiaMigOptions {
  /**
   * MIG slices per replica.
   *
   * @default 1
   */
  readonly count?: number;

  /**
   * The GPU the slices are cut from; checked against the profile.
   *
   * @default - any MIG-capable GPU
   */
  readonly product?: GpuProduct;
}

/** Options for {@link Accelerator.custom}. */
export interface CustomAcceleratorOptions {
  /**
   * Devices per replica.
   *
   * @default 1
   */
  readonly count?: number;

  /**
   * Node labels that must match.
   *
   * @default - none
   */
  readonly nodeSelector?: Record<string, string>;

  /**
   * Taint key the accelerator's nodes carry (tolerated with Exists/NoSchedule).
   *
   * @default - no toleration
   */
  readonly taintKey?: string;
}

/**
 * An accelerator a model needs per replica: NVIDIA GPUs, MIG slices,
 * time-shared GPUs, or any extended resource (AMD, Intel, Gaudi, ...).
 */
export class Accelerator {
  /** Whole NVIDIA GPUs (`nvidia.com/gpu`). */
  public static nvidiaGpu(options: NvidiaGpuOptions = {}): Accelerator {
    const count = options.count ?? 1;
    checkInteger('Accelerator.nvidiaGpu', 'count', count, 1, 16);
    const product = options.product;
    return new Accelerator({
      resources: { 'nvidia.com/gpu': count },
      customResourceTypes: [],
      deviceCount: count,
      placement: {
        nodeSelector: product ? { 'nvidia.com/gpu.product': product.name } : {},
        requiredNodeAffinity: [],
        tolerations: [{ ...NVIDIA_GPU_TOLERATION }],
      },
      capacityKey: product ? product.name : 'nvidia.com/gpu',
      isGpu: true,
    }, product);
  }

  /**
   * NVIDIA Multi-Instance GPU slices with the mixed strategy
   * (`nvidia.com/mig-<profile>`), e.g. `MigProfile.of('1g.10gb')`.
   */
  public static nvidiaMig(profile: MigProfile, options: NvidiaMigOptions = {}): Accelerator {
    const count = options.count ?? 1;
    checkInteger('Accelerator.nvidiaMig', 'count', count, 1, 7);
    const product = options.product;
    if (product && !product.supportsMig(profile)) {
      fail('Accelerator.nvidiaMig', 'profile', profile.name, `does not exist on ${product.name}`,
        product.migProfiles.length ? `use one of ${product.migProfiles.join(', ')}` : `${product.name} has no MIG support; use Accelerator.nvidiaGpu`);
    }
    const resource = `nvidia.com/mig-${profile.name}`;
    return new Accelerator({
      resources: { [resource]: count },
      customResourceTypes: [resource],
      deviceCount: count,
      placement: {
        nodeSelector: product ? { 'nvidia.com/gpu.product': product.name } : {},
        requiredNodeAffinity: [],
        tolerations: [{ ...NVIDIA_GPU_TOLERATION }],
      },
      capacityKey: resource,
      isGpu: true,
    }, product);
  }

  /**
   * A time-sliced NVIDIA GPU shared with other pods, advertised by the GPU
   * operator as `nvidia.com/gpu.shared` (renameByDefault). Exactly one per
   * replica: asking for more than one share gives no more GPU.
   */
  public static sharedNvidiaGpu(): Accelerator {
    const resource = 'nvidia.com/gpu.shared';
    return new Accelerator({
      resources: { [resource]: 1 },
      customResourceTypes: [resource],
      deviceCount: 1,
      placement: { nodeSelector: {}, requiredNodeAffinity: [], tolerations: [{ ...NVIDIA_GPU_TOLERATION }] },
      capacityKey: resource,
      isGpu: true,
    }, undefined);
  }

  /** Any extended resource, e.g. `amd.com/gpu`, `gpu.intel.com/i915`, `habana.ai/gaudi`. */
  public static custom(resourceName: string, options: CustomAcceleratorOptions = {}): Accelerator {
    checkNonEmpty('Accelerator.custom', 'resourceName', resourceName);
    checkQualifiedKey('Accelerator.custom', 'resourceName', resourceName);
    if (!resourceName.includes('/') || resourceName.startsWith('kubernetes.io/')) {
      fail('Accelerator.custom', 'resourceName', resourceName, 'is not an extended resource name', 'use a vendor-prefixed name such as amd.com/gpu');
    }
    const count = options.count ?? 1;
    checkInteger('Accelerator.custom', 'count', count, 1, 64);
    if (options.taintKey !== undefined) checkQualifiedKey('Accelerator.custom', 'taintKey', options.taintKey);
    return new Accelerator({
      resources: { [resourceName]: count },
      customResourceTypes: resourceName === 'nvidia.com/gpu' ? [] : [resourceName],
      deviceCount: count,
      placement: {
        nodeSelector: { ...(options.nodeSelector ?? {}) },
        requiredNodeAffinity: [],
        tolerations: options.taintKey ? [{ key: options.taintKey, operator: 'Exists', effect: 'NoSchedule' }] : [],
      },
      capacityKey: resourceName,
      isGpu: /gpu|gaudi|neuron|tpu/i.test(resourceName),
    }, undefined);
  }

  private constructor(private readonly resolved: ResolvedAccelerator, private readonly gpuProduct: GpuProduct | undefined) {}

  /** Devices per replica. */
  public get count(): number {
    return this.resolved.deviceCount;
  }

  /** The GPU product, if pinned. */
  public get product(): GpuProduct | undefined {
    return this.gpuProduct;
  }

  /** @internal */
  public _resolve(): ResolvedAccelerator {
    return this.resolved;
  }
}
