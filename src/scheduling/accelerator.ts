import { Size } from 'cdk8s';
import { GpuProduct, MigProfile } from './gpu-product';
import { AcceleratorRequest, ResolvedAccelerator, ResolvedPool } from './placement';
import { NVIDIA_GPU_TOLERATION, ResolvedScheduling, resolveScheduling } from './resolve';
import { checkInteger, checkNonEmpty, ErrorScope, fail, invalidInstance, ModelServingError, orInvalid, raiseIfInvalid } from '../internal/errors';
import { checkLabels, checkQualifiedKey } from '../internal/names';
import { mebibytesOf } from '../internal/units';

export { NVIDIA_GPU_TOLERATION };

/**
 * How the GPU operator advertises MIG slices (`MIG_STRATEGY` of the device
 * plugin and GPU Feature Discovery).
 */
export enum MigStrategy {
  /** Each profile is its own resource, `nvidia.com/mig-<profile>`. */
  MIXED = 'mixed',
  /**
   * Every GPU of the node is cut the same way; slices are advertised as
   * `nvidia.com/gpu` and the product label becomes `<product>-MIG-<profile>`.
   */
  SINGLE = 'single',
}

/** Node requirements on the GPU itself, checked against GPU Feature Discovery labels. */
export interface GpuRequirements {
  /**
   * Minimum memory per GPU. Without a pinned product this becomes node
   * affinity on `nvidia.com/gpu.memory` (MiB, as GFD reports usable memory:
   * a T4 shows 15360, an L4 about 23000); with a product it is checked at synth.
   *
   * @default - no memory requirement
   */
  readonly minMemory?: Size;

  /**
   * Minimum NVIDIA driver major version, e.g. 535
   * (node affinity on `nvidia.com/cuda.driver.major`).
   *
   * @default - any driver
   */
  readonly minDriverMajor?: number;

  /**
   * Minimum CUDA major version the node's driver supports, e.g. 12
   * (node affinity on `nvidia.com/cuda.runtime.major`).
   *
   * @default - any CUDA version
   */
  readonly minCudaMajor?: number;
}

/** Options for {@link Accelerator.nvidiaGpu}. */
export interface NvidiaGpuOptions extends GpuRequirements {
  /**
   * Whole GPUs per replica. With `ModelFormat.HUGGINGFACE` this is also the
   * tensor-parallel size (`--tensor-parallel-size`).
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
   * @default - any MIG-capable GPU (or the GPU the node pool holds)
   */
  readonly product?: GpuProduct;

  /**
   * How the cluster's GPU operator advertises MIG slices.
   *
   * @default MigStrategy.MIXED
   */
  readonly strategy?: MigStrategy;

  /**
   * Minimum memory per slice, checked against the profile at synth.
   *
   * @default - no check
   */
  readonly minMemory?: Size;
}

/** Options for {@link Accelerator.amdGpu} and {@link Accelerator.intelGaudi}. */
export interface DeviceCountOptions {
  /**
   * Devices per replica.
   *
   * @default 1
   */
  readonly count?: number;
}

/** Options for {@link Accelerator.sharedNvidiaGpu}: one share per replica. */
export interface SharedNvidiaGpuOptions extends GpuRequirements {
  /**
   * Pin the GPU model.
   *
   * @default - any time-sliced NVIDIA GPU
   */
  readonly product?: GpuProduct;

  /**
   * Whether the device plugin's time-slicing config sets `renameByDefault`
   * (shares advertised as `nvidia.com/gpu.shared`). When false, shares keep
   * the `nvidia.com/gpu` name and the pod is steered to time-sliced nodes by
   * the `nvidia.com/gpu.replicas` label (or the `<product>-SHARED` product).
   *
   * @default true
   */
  readonly renameByDefault?: boolean;
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

function memoryMib(scope: string, size: Size | undefined): number | undefined {
  if (size === undefined) return undefined;
  const mib = mebibytesOf(size);
  if (!(mib >= 1) || !Number.isFinite(mib)) fail(scope, 'minMemory', `${mib}Mi`, 'is not allowed', 'use at least 1 MiB, e.g. Size.gibibytes(40)');
  return Math.ceil(mib);
}

function checkVersions(scope: string, r: GpuRequirements): void {
  checkInteger(scope, 'minDriverMajor', r.minDriverMajor, 1, 10000);
  checkInteger(scope, 'minCudaMajor', r.minCudaMajor, 1, 100);
}

/**
 * An accelerator a model needs per replica: NVIDIA GPUs, MIG slices,
 * time-shared GPUs, or any extended resource (AMD, Intel, Gaudi, ...).
 * Counts are whole devices: fractions and zero fail at synth.
 *
 * Bad input does not throw from the factory: the error is raised where a
 * model uses the value, after the model's path and prop.
 *
 * @example
 * Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.A100_SXM4_80GB })
 * Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { count: 2 })
 * Accelerator.sharedNvidiaGpu()
 * Accelerator.custom('amd.com/gpu', { count: 1 })
 */
export class Accelerator {
  /**
   * Whole NVIDIA GPUs (`nvidia.com/gpu`).
   *
   * @param options count, product and minimum memory/driver/CUDA
   */
  public static nvidiaGpu(options: NvidiaGpuOptions = {}): Accelerator {
    return orInvalid(() => {
      const scope = 'Accelerator.nvidiaGpu';
      if (options.product !== undefined && !(options.product instanceof GpuProduct)) fail(scope, 'product', options.product, 'is not a GpuProduct', 'use GpuProduct.L4, GpuProduct.of(...), ...');
      raiseIfInvalid(options.product);
      const count = options.count ?? 1;
      checkInteger(scope, 'count', count, 1, 16);
      checkVersions(scope, options);
      return new Accelerator({
        kind: 'gpu',
        factory: scope,
        count,
        product: options.product,
        minMemoryMib: memoryMib(scope, options.minMemory),
        minDriverMajor: options.minDriverMajor,
        minCudaMajor: options.minCudaMajor,
      });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  /**
   * NVIDIA Multi-Instance GPU slices, e.g. `MigProfile.of('1g.10gb')`:
   * `nvidia.com/mig-<profile>` with the mixed strategy (the default).
   * @param profile the MIG profile, e.g. `MigProfile.of('1g.10gb')`
   * @param options slices per replica, the GPU product and the MIG strategy
   */
  public static nvidiaMig(profile: MigProfile, options: NvidiaMigOptions = {}): Accelerator {
    return orInvalid(() => {
      const scope = 'Accelerator.nvidiaMig';
      if (options.product !== undefined && !(options.product instanceof GpuProduct)) fail(scope, 'product', options.product, 'is not a GpuProduct', 'use GpuProduct.L4, GpuProduct.of(...), ...');
      raiseIfInvalid(options.product);
      if (!(profile instanceof MigProfile)) fail(scope, 'profile', profile, 'is not a MigProfile', "use MigProfile.of('1g.10gb')");
      raiseIfInvalid(profile);
      const count = options.count ?? 1;
      checkInteger(scope, 'count', count, 1, 7 * 16);
      const product = options.product;
      if (product && !product.supportsMig(profile)) {
        fail(scope, 'profile', profile.name, `does not exist on ${product.name}`,
          product.migProfiles.length ? `use one of ${product.migProfiles.join(', ')}` : `${product.name} has no MIG support; use Accelerator.nvidiaGpu`);
      }
      const strategy = options.strategy ?? MigStrategy.MIXED;
      if (strategy === MigStrategy.SINGLE && !product) {
        fail(scope, 'product', undefined, 'is required with MigStrategy.SINGLE (the node label is <product>-MIG-<profile>)',
          'pin the product, or use MigStrategy.MIXED (nvidia.com/mig-<profile>)');
      }
      return new Accelerator({
        kind: 'mig',
        factory: scope,
        count,
        product,
        mig: { profile, strategy: strategy === MigStrategy.SINGLE ? 'single' : 'mixed' },
        minMemoryMib: memoryMib(scope, options.minMemory),
      });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  /**
   * A time-sliced NVIDIA GPU shared with other pods, advertised by the GPU
   * operator as `nvidia.com/gpu.shared` (renameByDefault). Exactly one per
   * replica: asking for more than one share gives no more GPU.
   * @param options the GPU product and how the GPU operator advertises shares
   */
  public static sharedNvidiaGpu(options: SharedNvidiaGpuOptions = {}): Accelerator {
    return orInvalid(() => {
      const scope = 'Accelerator.sharedNvidiaGpu';
      if (options.product !== undefined && !(options.product instanceof GpuProduct)) fail(scope, 'product', options.product, 'is not a GpuProduct', 'use GpuProduct.L4, GpuProduct.of(...), ...');
      raiseIfInvalid(options.product);
      // One share per replica, always: a second time slice of the same GPU gives no more compute or memory.
      const extra = (options as { count?: unknown }).count;
      if (extra !== undefined) {
        fail(scope, 'count', extra, 'is not an option: a replica gets one share of a time-sliced GPU, and a second gives no more compute or memory',
          'drop count, or use Accelerator.nvidiaGpu / nvidiaMig for dedicated capacity');
      }
      checkVersions(scope, options);
      return new Accelerator({
        kind: 'shared',
        factory: scope,
        count: 1,
        product: options.product,
        renameShared: options.renameByDefault ?? true,
        minMemoryMib: memoryMib(scope, options.minMemory),
        minDriverMajor: options.minDriverMajor,
        minCudaMajor: options.minCudaMajor,
      });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  /**
   * Any extended resource, e.g. `amd.com/gpu`, `gpu.intel.com/i915`,
   * `habana.ai/gaudi`. KServe is told about it through its
   * `serving.kserve.io/gpu-resource-types` annotation.
   * @param resourceName the extended resource name, e.g. `amd.com/gpu`
   * @param options count, node selector and taint
   */
  public static custom(resourceName: string, options: CustomAcceleratorOptions = {}): Accelerator {
    return orInvalid(() => {
      const scope = 'Accelerator.custom';
      checkNonEmpty(scope, 'resourceName', resourceName);
      checkQualifiedKey(scope, 'resourceName', resourceName);
      if (!resourceName.includes('/') || resourceName.startsWith('kubernetes.io/') || resourceName.startsWith('requests.')) {
        fail(scope, 'resourceName', resourceName, 'is not an extended resource name', 'use a vendor-prefixed name such as amd.com/gpu');
      }
      const count = options.count ?? 1;
      checkInteger(scope, 'count', count, 1, 64);
      checkLabels(scope, 'nodeSelector', options.nodeSelector);
      if (options.taintKey !== undefined) checkQualifiedKey(scope, 'taintKey', options.taintKey);
      return new Accelerator({
        kind: 'custom',
        factory: scope,
        count,
        custom: { resourceName, nodeSelector: { ...(options.nodeSelector ?? {}) }, taintKey: options.taintKey },
      });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  /**
   * AMD Instinct GPUs (`amd.com/gpu`, AMD GPU operator).
   *
   * @param options AMD GPUs per replica
   */
  public static amdGpu(options: DeviceCountOptions = {}): Accelerator {
    return orInvalid(() => {
      return Accelerator.custom('amd.com/gpu', { count: options?.count ?? 1 });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  /**
   * Intel Gaudi accelerators (`habana.ai/gaudi`).
   *
   * @param options Gaudi accelerators per replica
   */
  public static intelGaudi(options: DeviceCountOptions = {}): Accelerator {
    return orInvalid(() => {
      return Accelerator.custom('habana.ai/gaudi', { count: options?.count ?? 1 });
    }, (e) => invalidInstance(Accelerator.prototype, e));
  }

  private readonly request!: AcceleratorRequest;
  private readonly unpooled!: ResolvedScheduling;
  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(request: AcceleratorRequest) {
    // Every key in one order: the resolver reads requests of all factories.
    this.request = {
      kind: request.kind,
      count: request.count,
      product: request.product,
      mig: request.mig,
      minMemoryMib: request.minMemoryMib,
      minDriverMajor: request.minDriverMajor,
      minCudaMajor: request.minCudaMajor,
      renameShared: request.renameShared,
      custom: request.custom,
      factory: request.factory,
    };
    // Resolve once without a pool so that impossible combinations fail at
    // creation; models without a node pool reuse the result.
    this.unpooled = resolveScheduling(request.factory, this.request, undefined);
  }

  /** Devices per replica. */
  public get count(): number {
    return this._request().count;
  }

  /** The GPU product, if pinned. */
  public get product(): GpuProduct | undefined {
    return this._request().product;
  }

  /** The extended resource requested per replica on a GPU-operator node, e.g. `nvidia.com/mig-1g.10gb`. */
  public get resourceName(): string {
    return this._resolve().resourceName;
  }

  /** @internal resources and placement on a GPU-operator (GFD-labelled) pool. */
  public _resolve(): ResolvedAccelerator {
    if (this.invalid) throw this.invalid;
    return this.unpooled.accelerator!;
  }

  /**
   * @internal resources and placement on a node pool (GPU-operator labels
   * without one), resolved once per accelerator when there is no pool.
   */
  public _schedule(scope: ErrorScope, pool: ResolvedPool | undefined): ResolvedScheduling {
    if (this.invalid) throw this.invalid;
    return pool === undefined ? this.unpooled : resolveScheduling(scope, this.request, pool);
  }

  /** @internal the pool-independent request. */
  public _request(): AcceleratorRequest {
    if (this.invalid) throw this.invalid;
    return this.request;
  }
}
