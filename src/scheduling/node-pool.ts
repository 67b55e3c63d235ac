import { GpuProduct } from './gpu-product';
import { azureVmOffering, ec2FamilyOffering, gkeOffering, PoolOffering } from './offerings';
import { PoolFlavor, ResolvedPlacement, ResolvedPool } from './placement';
import { checkInteger, checkNonEmpty, fail, invalidInstance, ModelServingError, orInvalid } from '../internal/errors';
import { Toleration } from '../internal/k8s';
import { checkLabels, checkQualifiedKey } from '../internal/names';

/** A taint on the pool's nodes that the model's pods must tolerate. */
export interface NodeTaint {
  /** The taint key. */
  readonly key: string;
  /**
   * The taint value; tolerated with `Equal` when set, `Exists` otherwise.
   *
   * @default - any value (Exists)
   */
  readonly value?: string;
  /**
   * The taint effect.
   *
   * @default TaintEffect.NO_SCHEDULE
   */
  readonly effect?: TaintEffect;
}

/** A taint effect. */
export enum TaintEffect {
  /** Pods that do not tolerate the taint are not scheduled. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler tries to avoid the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods that do not tolerate the taint are evicted. */
  NO_EXECUTE = 'NoExecute',
}

/** Options shared by every node pool. */
export interface NodePoolOptions {
  /**
   * GPUs each node of the pool holds; a model asking for more fails at synth.
   *
   * @default - not checked
   */
  readonly gpusPerNode?: number;

  /**
   * The RuntimeClass pods run with (e.g. `nvidia` when the GPU operator does
   * not make the NVIDIA runtime the default).
   *
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;
}

/** Options for {@link GpuNodePool.custom}. */
export interface CustomNodePoolOptions extends NodePoolOptions {
  /**
   * Node labels that select the pool.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Taints the pool's nodes carry.
   *
   * @default - none
   */
  readonly taints?: NodeTaint[];
}

/** Options for {@link GpuNodePool.eksKarpenter}. */
export interface EksKarpenterNodePoolOptions extends NodePoolOptions {
  /**
   * An EC2 instance family such as `g6` or `p5`: selected with
   * `karpenter.k8s.aws/instance-family`, and the accelerator is checked
   * against the family's GPUs.
   *
   * @default - any instance type of the NodePool
   */
  readonly instanceFamily?: string;
}

/** Options for {@link GpuNodePool.aks}. */
export interface AksNodePoolOptions extends NodePoolOptions {
  /**
   * The pool's VM size, e.g. `Standard_NC24ads_A100_v4`: selected with
   * `node.kubernetes.io/instance-type`, and the accelerator is checked
   * against the GPUs of the VM series.
   *
   * @default - not selected or checked
   */
  readonly vmSize?: string;
}

/**
 * The node pool a model's pods run on: labels to select it and taints to
 * tolerate, with presets for the managed Kubernetes offerings. The
 * accelerator is checked against what the pool's instance type holds (GKE
 * accelerator, EC2 instance family, AKS `vmSize`) when the library knows it.
 *
 * Bad input does not throw from the factory: the error is raised where a
 * model uses the value, after the model's path and prop.
 */
export class GpuNodePool {
  /**
   * A GKE GPU node pool, selected by `cloud.google.com/gke-accelerator`
   * (e.g. `nvidia-l4`, `nvidia-tesla-a100`, `nvidia-h100-80gb`). GKE taints
   * GPU nodes with `nvidia.com/gpu=present:NoSchedule`. GKE's own driver
   * and device plugin advertise MIG partitions and time-shared GPUs as
   * `nvidia.com/gpu`, selected by `cloud.google.com/gke-gpu-partition-size`
   * and `cloud.google.com/gke-gpu-sharing-strategy`; the GPU product follows
   * from the accelerator type.
   * @param accelerator the GKE accelerator type, e.g. `nvidia-l4`
   * @param options GPUs per node and runtime class
   */
  public static gke(accelerator: string, options: NodePoolOptions = {}): GpuNodePool {
    return orInvalid(() => {
      if (!/^nvidia-[a-z0-9-]+$/.test(accelerator ?? '')) {
        fail('GpuNodePool.gke', 'accelerator', accelerator, 'is not a GKE accelerator type', 'use e.g. nvidia-l4, nvidia-tesla-t4, nvidia-tesla-a100, nvidia-h100-80gb');
      }
      return new GpuNodePool('GpuNodePool.gke', 'gke', { 'cloud.google.com/gke-accelerator': accelerator },
        [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }], options, accelerator,
        gkeOffering(accelerator, GpuProduct._fromGkeAccelerator(accelerator)));
    }, (e) => invalidInstance(GpuNodePool.prototype, e));
  }

  /**
   * An EKS node pool provisioned by Karpenter, selected by its NodePool name
   * (`karpenter.sh/nodepool`) and optionally an instance family
   * (`karpenter.k8s.aws/instance-family`, e.g. `g5`, `p4d`). Karpenter
   * launches nodes from the pod's requirements before any GPU Feature
   * Discovery label exists, so GPU products and memory are expressed with
   * Karpenter's instance labels (`karpenter.k8s.aws/instance-gpu-name`,
   * `karpenter.k8s.aws/instance-gpu-memory`).
   * @param nodePool the Karpenter NodePool name
   * @param options the EC2 instance family, GPUs per node and runtime class
   */
  public static eksKarpenter(nodePool: string, options: EksKarpenterNodePoolOptions = {}): GpuNodePool {
    return orInvalid(() => {
      const instanceFamily = options?.instanceFamily;
      checkNonEmpty('GpuNodePool.eksKarpenter', 'nodePool', nodePool);
      const labels: Record<string, string> = { 'karpenter.sh/nodepool': nodePool };
      if (instanceFamily !== undefined) labels['karpenter.k8s.aws/instance-family'] = instanceFamily;
      return new GpuNodePool('GpuNodePool.eksKarpenter', 'karpenter', labels,
        [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }], options ?? {}, undefined,
        typeof instanceFamily === 'string' ? ec2FamilyOffering(instanceFamily) : undefined);
    }, (e) => invalidInstance(GpuNodePool.prototype, e));
  }

  /**
   * An AKS GPU node pool, selected by `kubernetes.azure.com/agentpool`. AKS
   * GPU pools are usually tainted `sku=gpu:NoSchedule`. Product, memory and
   * MIG placement use GPU Feature Discovery labels (NVIDIA GPU operator).
   * @param agentPool the AKS node pool name
   * @param options GPUs per node and runtime class
   */
  public static aks(agentPool: string, options: AksNodePoolOptions = {}): GpuNodePool {
    return orInvalid(() => {
      if (!/^[a-z][a-z0-9]{0,11}$/.test(agentPool ?? '')) {
        fail('GpuNodePool.aks', 'agentPool', agentPool, 'is not an AKS node pool name', 'use 1 to 12 lower-case letters and digits, starting with a letter');
      }
      const vmSize = options.vmSize;
      if (vmSize !== undefined && (typeof vmSize !== 'string' || !/^Standard_[A-Za-z0-9_]+$/.test(vmSize))) {
        fail('GpuNodePool.aks', 'vmSize', vmSize, 'is not an Azure VM size', 'use e.g. Standard_NC24ads_A100_v4');
      }
      const labels: Record<string, string> = { 'kubernetes.azure.com/agentpool': agentPool };
      if (vmSize !== undefined) labels['node.kubernetes.io/instance-type'] = vmSize;
      return new GpuNodePool('GpuNodePool.aks', 'gfd', labels,
        [{ key: 'sku', value: 'gpu', effect: TaintEffect.NO_SCHEDULE }], options, undefined, vmSize !== undefined ? azureVmOffering(vmSize) : undefined);
    }, (e) => invalidInstance(GpuNodePool.prototype, e));
  }

  /**
   * Any pool, by its labels and taints. GPU placement uses GPU Feature
   * Discovery labels (NVIDIA GPU operator).
   * @param options the pool's labels, taints, GPUs per node and runtime class
   */
  public static custom(options: CustomNodePoolOptions = {}): GpuNodePool {
    return orInvalid(() => {
      return new GpuNodePool('GpuNodePool.custom', 'gfd', options.labels ?? {}, options.taints ?? [], options);
    }, (e) => invalidInstance(GpuNodePool.prototype, e));
  }

  private readonly resolved!: ResolvedPlacement;
  private readonly pool!: ResolvedPool;
  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(
    scope: string, flavor: PoolFlavor, labels: Record<string, string>, taints: NodeTaint[],
    options: NodePoolOptions, gkeAccelerator?: string, offering?: PoolOffering,
  ) {
    checkLabels(scope, 'labels', labels);
    checkInteger(scope, 'gpusPerNode', options.gpusPerNode, 1, 64);
    if (options.runtimeClassName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.runtimeClassName)) {
      fail(scope, 'runtimeClassName', options.runtimeClassName, 'is not a valid RuntimeClass name', 'use a DNS-1123 subdomain such as nvidia');
    }
    if (!Array.isArray(taints)) fail(scope, 'taints', taints, 'is not a list', 'use an array of { key, value?, effect? }');
    const effects = Object.values(TaintEffect) as string[];
    const tolerations: Toleration[] = taints.map((t, i) => {
      if (t === null || typeof t !== 'object') fail(scope, `taints[${i}]`, t, 'is not a taint', 'use { key, value?, effect? }');
      checkQualifiedKey(scope, `taints[${i}].key`, t.key);
      // A taint value is a label value (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
      if (t.value !== undefined) checkLabels(scope, `taints[${i}]`, { [t.key]: t.value });
      if (t.effect !== undefined && !effects.includes(t.effect)) {
        fail(scope, `taints[${i}].effect`, t.effect, 'is not a taint effect', 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE');
      }
      // A node holds one taint per key and effect: a second one is a contradiction, and one of the two would be lost.
      const j = taints.findIndex((o) => o && o.key === t.key && (o.effect ?? TaintEffect.NO_SCHEDULE) === (t.effect ?? TaintEffect.NO_SCHEDULE));
      if (j !== i) {
        fail(scope, `taints[${i}]`, t.key, `has the key and effect of taints[${j}] (a node holds one taint per key and effect)`, 'declare each taint once');
      }
      return { key: t.key, operator: t.value === undefined ? 'Exists' : 'Equal', value: t.value, effect: t.effect ?? TaintEffect.NO_SCHEDULE };
    });
    this.resolved = { nodeSelector: { ...labels }, requiredNodeAffinity: [], tolerations, runtimeClassName: options.runtimeClassName };
    const product = gkeAccelerator ? GpuProduct._fromGkeAccelerator(gkeAccelerator) : undefined;
    this.pool = { flavor, factory: scope, placement: this.resolved, gpusPerNode: options.gpusPerNode, product, gkeAccelerator, offering };
  }

  /** The GPU every node holds, when the pool implies it (GKE accelerator types the library knows). */
  public get product(): GpuProduct | undefined {
    return this._pool().product;
  }

  /** GPUs per node, if the pool declares it. */
  public get gpusPerNode(): number | undefined {
    return this._pool().gpusPerNode;
  }

  /** @internal the pool's own labels, taints and RuntimeClass. */
  public _resolve(): ResolvedPlacement {
    if (this.invalid) throw this.invalid;
    return this.resolved;
  }

  /** @internal the pool as the placement resolver sees it. */
  public _pool(): ResolvedPool {
    if (this.invalid) throw this.invalid;
    return this.pool;
  }
}

