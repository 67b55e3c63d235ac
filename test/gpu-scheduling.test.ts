import { Duration, Size } from 'cdk8s';
import {
  Accelerator, GpuNodePool, GpuProduct, MigProfile, MigStrategy, ModelFormat, ModelStorage, Scaling, ServedModel, ServedModelProps,
  ServingPlatform, StandardAutoscaler, TaintEffect,
} from '../src';
import { docOf, newChart, synth } from './util';

const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

function predictorOf(props: Partial<ServedModelProps>, ns?: string): any {
  const chart = newChart(ns);
  new ServedModel(chart, 'llm', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://meta-llama/Llama-3.1-8B-Instruct'),
    ...props,
  });
  const isvc = docOf(synth(chart), 'InferenceService');
  return { isvc, p: isvc.spec.predictor, annotations: isvc.metadata.annotations };
}

function build(props: Partial<ServedModelProps>): () => void {
  return () => {
    const chart = newChart();
    new ServedModel(chart, 'llm', { format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromUri('hf://org/model'), ...props });
  };
}

describe('whole NVIDIA GPUs', () => {
  test('2 x A100 80GB: resources, product selector, toleration, tensor parallel, GPU-safe Knative defaults', () => {
    const { isvc, p, annotations } = predictorOf({
      accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.A100_SXM4_80GB }),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }),
    }, 'ml');
    expect(p.model.resources).toEqual({
      limits: { 'memory': '2Gi', 'nvidia.com/gpu': 2 },
      requests: { 'cpu': '1', 'memory': '2Gi', 'nvidia.com/gpu': 2 },
    });
    expect(p.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(p.tolerations).toEqual([GPU_TOLERATION]);
    expect(p.affinity).toBeUndefined();
    expect(p.model.args).toEqual(['--tensor-parallel-size=2']);
    expect(p.model.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 120 });
    expect(annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Knative',
      'autoscaling.knative.dev/scale-down-delay': '900s',
      'serving.knative.dev/progress-deadline': '1200s',
    });
    expect(annotations['serving.kserve.io/gpu-resource-types']).toBeUndefined();
    expect(isvc).toMatchSnapshot();
  });

  test('one GPU: no tensor-parallel flag; any product: no selector', () => {
    const { p } = predictorOf({ accelerator: Accelerator.nvidiaGpu() });
    expect(p.model.args).toBeUndefined();
    expect(p.nodeSelector).toBeUndefined();
    expect(p.tolerations).toEqual([GPU_TOLERATION]);
  });

  test('a matching --tensor-parallel-size is kept, in either spelling', () => {
    expect(predictorOf({ accelerator: Accelerator.nvidiaGpu({ count: 4 }), args: ['--tensor-parallel-size', '4'] }).p.model.args)
      .toEqual(['--tensor-parallel-size', '4']);
    expect(predictorOf({ accelerator: Accelerator.nvidiaGpu({ count: 4 }), args: ['--tensor_parallel_size=4'] }).p.model.args)
      .toEqual(['--tensor_parallel_size=4']);
  });

  test('non-Hugging Face formats get no tensor-parallel flag', () => {
    const { p } = predictorOf({ format: ModelFormat.TRITON, storage: ModelStorage.fromUri('s3://models/triton'), accelerator: Accelerator.nvidiaGpu({ count: 2 }) });
    expect(p.model.args).toBeUndefined();
  });

  test('minimum memory, driver and CUDA become node affinity on GPU Feature Discovery labels', () => {
    const { p } = predictorOf({
      accelerator: Accelerator.nvidiaGpu({ minMemory: Size.gibibytes(40), minDriverMajor: 535, minCudaMajor: 12 }),
    });
    expect(p.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{
            matchExpressions: [
              { key: 'nvidia.com/gpu.memory', operator: 'Gt', values: ['40959'] },
              { key: 'nvidia.com/cuda.driver.major', operator: 'Gt', values: ['534'] },
              { key: 'nvidia.com/cuda.runtime.major', operator: 'Gt', values: ['11'] },
            ],
          }],
        },
      },
    });
  });

  test('a pinned product decides memory statically (no memory affinity)', () => {
    const { p } = predictorOf({ accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4, minMemory: Size.gibibytes(20) }) });
    expect(p.affinity).toBeUndefined();
    expect(p.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
  });

  test('user knobs win over the GPU defaults', () => {
    const { p, annotations } = predictorOf({
      accelerator: Accelerator.nvidiaGpu(),
      scaling: Scaling.scaleToZero({ maxReplicas: 2, scaleDownDelay: Duration.minutes(3), initialScale: 2 }),
      startup: { timeout: Duration.minutes(45), probe: false },
    });
    expect(annotations['autoscaling.knative.dev/scale-down-delay']).toBe('180s');
    expect(annotations['autoscaling.knative.dev/initial-scale']).toBe('2');
    expect(annotations['serving.knative.dev/progress-deadline']).toBe('2700s');
    expect(p.model.startupProbe).toBeUndefined();
  });

  test('CPU models keep Knative defaults, unless startup is set', () => {
    const cpu = predictorOf({ format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk') });
    expect(cpu.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
    expect(cpu.p.model.startupProbe).toBeUndefined();
    const slow = predictorOf({ format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk'), startup: { timeout: Duration.minutes(15), probe: true } });
    expect(slow.annotations['serving.knative.dev/progress-deadline']).toBe('900s');
    expect(slow.p.model.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 90 });
  });

  test('KServe Standard mode: startup probe, no Knative annotations', () => {
    const { p, annotations } = predictorOf({
      accelerator: Accelerator.nvidiaGpu(),
      scaling: Scaling.fixedReplicas(1),
      platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.NONE }),
    });
    expect(annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'none' });
    expect(p.model.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 120 });
  });
});

describe('MIG slices', () => {
  test('mixed strategy: nvidia.com/mig-<profile>, KServe annotation, scale-to-zero starts one replica', () => {
    const { isvc, p, annotations } = predictorOf({
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/sk'),
      accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { count: 2, product: GpuProduct.A100_SXM4_80GB }),
      scaling: Scaling.scaleToZero({ maxReplicas: 4 }),
    });
    expect(p.model.resources.limits).toEqual({ 'memory': '2Gi', 'nvidia.com/mig-1g.10gb': 2 });
    expect(p.model.resources.requests).toEqual({ 'cpu': '1', 'memory': '2Gi', 'nvidia.com/mig-1g.10gb': 2 });
    expect(p.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(p.tolerations).toEqual([GPU_TOLERATION]);
    expect(annotations).toEqual({
      'serving.kserve.io/deploymentMode': 'Knative',
      'serving.kserve.io/gpu-resource-types': '["nvidia.com/mig-1g.10gb"]',
      'autoscaling.knative.dev/initial-scale': '1',
      'autoscaling.knative.dev/scale-down-delay': '900s',
      'serving.knative.dev/progress-deadline': '1200s',
    });
    expect(isvc).toMatchSnapshot();
  });

  test('single strategy: nvidia.com/gpu on <product>-MIG-<profile> nodes', () => {
    const { p, annotations } = predictorOf({
      accelerator: Accelerator.nvidiaMig(MigProfile.of('3g.40gb'), { product: GpuProduct.H100_80GB_HBM3, strategy: MigStrategy.SINGLE }),
    });
    expect(p.model.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(p.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3-MIG-3g.40gb' });
    expect(annotations['serving.kserve.io/gpu-resource-types']).toBeUndefined();
  });

  test('accelerator resourceName and per-GPU instances', () => {
    expect(Accelerator.nvidiaMig(MigProfile.of('2g.20gb')).resourceName).toBe('nvidia.com/mig-2g.20gb');
    expect(GpuProduct.A100_SXM4_80GB.migInstancesPerGpu(MigProfile.of('1g.10gb'))).toBe(7);
    expect(GpuProduct.A100_SXM4_80GB.migInstancesPerGpu(MigProfile.of('3g.40gb'))).toBe(2);
    expect(GpuProduct.A30.migInstancesPerGpu(MigProfile.of('1g.6gb'))).toBe(4);
    expect(GpuProduct.L4.migInstancesPerGpu(MigProfile.of('1g.10gb'))).toBe(0);
  });
});

describe('shared (time-sliced) GPUs', () => {
  test('renameByDefault: nvidia.com/gpu.shared, listed for KServe', () => {
    const { p, annotations } = predictorOf({ accelerator: Accelerator.sharedNvidiaGpu() });
    expect(p.model.resources.limits['nvidia.com/gpu.shared']).toBe(1);
    expect(p.nodeSelector).toBeUndefined();
    expect(annotations['serving.kserve.io/gpu-resource-types']).toBe('["nvidia.com/gpu.shared"]');
  });

  test('without renaming: nvidia.com/gpu on time-sliced nodes (replicas label or -SHARED product)', () => {
    const any = predictorOf({ accelerator: Accelerator.sharedNvidiaGpu({ renameByDefault: false }) }).p;
    expect(any.model.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(any.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([{ key: 'nvidia.com/gpu.replicas', operator: 'Gt', values: ['1'] }]);
    const t4 = predictorOf({ accelerator: Accelerator.sharedNvidiaGpu({ renameByDefault: false, product: GpuProduct.T4 }) }).p;
    expect(t4.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'Tesla-T4-SHARED' });
    expect(t4.affinity).toBeUndefined();
  });
});

describe('other accelerators', () => {
  test('AMD, Gaudi and custom resources are listed in the KServe annotation', () => {
    const amd = predictorOf({ accelerator: Accelerator.amdGpu({ count: 2 }) });
    expect(amd.p.model.resources.limits['amd.com/gpu']).toBe(2);
    expect(amd.p.tolerations).toBeUndefined();
    expect(amd.annotations['serving.kserve.io/gpu-resource-types']).toBe('["amd.com/gpu"]');
    expect(amd.annotations['serving.knative.dev/progress-deadline']).toBe('1200s');
    expect(amd.p.model.args).toEqual(['--tensor-parallel-size=2']);
    const gaudi = predictorOf({
      accelerator: Accelerator.custom('habana.ai/gaudi', { nodeSelector: { 'habana.ai/gaudi': 'present' }, taintKey: 'habana.ai/gaudi' }),
    });
    expect(gaudi.p.nodeSelector).toEqual({ 'habana.ai/gaudi': 'present' });
    expect(gaudi.p.tolerations).toEqual([{ key: 'habana.ai/gaudi', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(Accelerator.intelGaudi().resourceName).toBe('habana.ai/gaudi');
  });

  test('a custom accelerator that is no GPU gets no GPU defaults', () => {
    const { annotations, p } = predictorOf({ format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk'), accelerator: Accelerator.custom('xilinx.com/fpga') });
    expect(annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative', 'serving.kserve.io/gpu-resource-types': '["xilinx.com/fpga"]' });
    expect(p.model.startupProbe).toBeUndefined();
  });
});

describe('node pools', () => {
  test('GKE: gke-accelerator label, product implied, no GFD labels, tolerations merged', () => {
    const { isvc, p } = predictorOf({ accelerator: Accelerator.nvidiaGpu({ minMemory: Size.gibibytes(20) }), nodePool: GpuNodePool.gke('nvidia-l4') });
    expect(p.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(p.tolerations).toEqual([GPU_TOLERATION]);
    expect(p.affinity).toBeUndefined();
    expect(GpuNodePool.gke('nvidia-l4').product).toBe(GpuProduct.L4);
    expect(isvc).toMatchSnapshot();
  });

  test('GKE: MIG partitions and time-sharing use GKE labels and nvidia.com/gpu', () => {
    const mig = predictorOf({ accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb')), nodePool: GpuNodePool.gke('nvidia-a100-80gb') });
    expect(mig.p.model.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(mig.p.nodeSelector).toEqual({
      'cloud.google.com/gke-accelerator': 'nvidia-a100-80gb',
      'cloud.google.com/gke-gpu-partition-size': '1g.10gb',
    });
    expect(mig.annotations['serving.kserve.io/gpu-resource-types']).toBeUndefined();
    const shared = predictorOf({ accelerator: Accelerator.sharedNvidiaGpu(), nodePool: GpuNodePool.gke('nvidia-tesla-t4') });
    expect(shared.p.model.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(shared.p.nodeSelector).toEqual({
      'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4',
      'cloud.google.com/gke-gpu-sharing-strategy': 'time-sharing',
    });
  });

  test('EKS Karpenter: instance-gpu-name and memory labels that Karpenter provisions from', () => {
    const { p } = predictorOf({
      accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.A100_SXM4_80GB }),
      nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'p4de' }),
    });
    expect(p.nodeSelector).toEqual({
      'karpenter.k8s.aws/instance-family': 'p4de',
      'karpenter.k8s.aws/instance-gpu-name': 'a100',
      'karpenter.sh/nodepool': 'gpu',
    });
    expect(p.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([{ key: 'karpenter.k8s.aws/instance-gpu-memory', operator: 'Gt', values: ['80895'] }]);
    expect(p.tolerations).toEqual([GPU_TOLERATION]);
    const mem = predictorOf({ accelerator: Accelerator.nvidiaGpu({ minMemory: Size.gibibytes(24) }), nodePool: GpuNodePool.eksKarpenter('gpu') }).p;
    expect(mem.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([{ key: 'karpenter.k8s.aws/instance-gpu-memory', operator: 'Gt', values: ['24575'] }]);
  });

  test('AKS with a RuntimeClass; custom pool with its own taints', () => {
    const aks = predictorOf({ accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.A100_80GB_PCIE }), nodePool: GpuNodePool.aks('gpua100', { runtimeClassName: 'nvidia' }) }).p;
    expect(aks.nodeSelector).toEqual({ 'kubernetes.azure.com/agentpool': 'gpua100', 'nvidia.com/gpu.product': 'NVIDIA-A100-80GB-PCIe' });
    expect(aks.tolerations).toEqual([GPU_TOLERATION, { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]);
    expect(aks.runtimeClassName).toBe('nvidia');
    const custom = predictorOf({
      accelerator: Accelerator.nvidiaGpu(),
      nodePool: GpuNodePool.custom({ labels: { pool: 'inference' }, taints: [{ key: 'dedicated', value: 'ml', effect: TaintEffect.NO_EXECUTE }] }),
    }).p;
    expect(custom.nodeSelector).toEqual({ pool: 'inference' });
    expect(custom.tolerations).toEqual([GPU_TOLERATION, { key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoExecute' }]);
  });

  test('a pool without an accelerator still places and tolerates', () => {
    const { p } = predictorOf({ format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk'), nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }) });
    expect(p.nodeSelector).toEqual({ pool: 'cpu' });
    expect(p.model.resources.limits).toEqual({ memory: '2Gi' });
  });
});

describe('bad input fails at synth with a clear message', () => {
  test.each([
    ['fractional count', () => Accelerator.nvidiaGpu({ count: 1.5 }), 'Accelerator.nvidiaGpu: count 1.5 is not allowed; use a whole number from 1 to 16'],
    ['zero count', () => Accelerator.nvidiaGpu({ count: 0 }), 'Accelerator.nvidiaGpu: count 0 is not allowed; use a whole number from 1 to 16'],
    ['zero MIG slices', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { count: 0 }), 'Accelerator.nvidiaMig: count 0 is not allowed'],
    ['MIG profile not on the product', () => Accelerator.nvidiaMig(MigProfile.of('1g.5gb'), { product: GpuProduct.A100_SXM4_80GB }),
      'Accelerator.nvidiaMig: profile "1g.5gb" does not exist on NVIDIA-A100-SXM4-80GB; use one of 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb'],
    ['MIG on a GPU without MIG', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { product: GpuProduct.L4 }),
      'Accelerator.nvidiaMig: profile "1g.10gb" does not exist on NVIDIA-L4; NVIDIA-L4 has no MIG support; use Accelerator.nvidiaGpu'],
    ['bad MIG profile name', () => Accelerator.nvidiaMig(MigProfile.of('10gb')), 'MigProfile.of: name "10gb" is not a MIG profile name; use <slices>g.<memory>gb, e.g. 1g.10gb or 3g.40gb'],
    ['single strategy without product', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { strategy: MigStrategy.SINGLE }),
      'Accelerator.nvidiaMig: product undefined is required with MigStrategy.SINGLE'],
    ['shared GPU with a count (not an option)', () => Accelerator.sharedNvidiaGpu({ count: 2 } as any),
      'Accelerator.sharedNvidiaGpu: count 2 is not an option: a replica gets one share of a time-sliced GPU, and a second gives no more compute or memory; drop count'],
    ['min memory above the product', () => Accelerator.nvidiaGpu({ product: GpuProduct.L4, minMemory: Size.gibibytes(40) }),
      'Accelerator.nvidiaGpu: accelerator.minMemory "40960Mi" is more than the 24GiB of NVIDIA-L4; use a GPU with more memory, or lower minMemory'],
    ['min memory above the MIG slice', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { minMemory: Size.gibibytes(20) }),
      'Accelerator.nvidiaMig: accelerator.minMemory "20480Mi" is more than the 10GB of a 1g.10gb slice'],
    ['fractional driver', () => Accelerator.nvidiaGpu({ minDriverMajor: 535.5 }), 'Accelerator.nvidiaGpu: minDriverMajor 535.5 is not allowed'],
    ['extended resource without vendor', () => Accelerator.custom('gpu'), 'Accelerator.custom: resourceName "gpu" is not an extended resource name'],
    ['GKE accelerator name', () => GpuNodePool.gke('l4'), 'GpuNodePool.gke: accelerator "l4" is not a GKE accelerator type'],
    ['gpusPerNode', () => GpuNodePool.custom({ gpusPerNode: 0 }), 'GpuNodePool.custom: gpusPerNode 0 is not allowed'],
  ])('%s', (_name, f, message) => {
    // Value classes keep their error until a model uses them; the model re-raises it with its path and prop.
    const use = () => {
      const v: unknown = f();
      const prop = v instanceof GpuNodePool ? 'nodePool' : 'accelerator';
      new ServedModel(newChart(), 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), [prop]: v });
    };
    const err = (() => { try { use(); } catch (e: any) { return e; } return undefined; })();
    expect(err?.message).toContain(message);
    expect(err.message).toMatch(/^test\/m: (accelerator|nodePool) /);
  });

  test.each<[string, Partial<ServedModelProps>, string]>([
    ['more GPUs than a node holds', { accelerator: Accelerator.nvidiaGpu({ count: 8 }), nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g5', gpusPerNode: 4 }) },
      'test/llm: accelerator.count 8 is more than the 4 GPUs a node of the pool holds; use at most 4, or a pool with larger nodes'],
    ['more MIG slices than a node holds', {
      accelerator: Accelerator.nvidiaMig(MigProfile.of('3g.40gb'), { count: 3, product: GpuProduct.A100_SXM4_80GB }),
      nodePool: GpuNodePool.custom({ gpusPerNode: 1 }),
    }, 'test/llm: accelerator.count 3 is more than the 2 3g.40gb slices a node of the pool holds (1 GPUs x 2); use at most 2, or a larger profile or pool'],
    ['product conflicts with the GKE pool', { accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.A100_SXM4_80GB }), nodePool: GpuNodePool.gke('nvidia-l4') },
      'test/llm: nodePool "nvidia-l4" holds NVIDIA-L4 GPUs, not the accelerator\'s product NVIDIA-A100-SXM4-80GB; pin the same GPU in both, or drop the product from the accelerator'],
    ['MIG profile not on the GKE pool\'s GPU', { accelerator: Accelerator.nvidiaMig(MigProfile.of('2g.20gb')), nodePool: GpuNodePool.gke('nvidia-tesla-a100') },
      'test/llm: accelerator "nvidia.com/mig-2g.20gb" does not exist on NVIDIA-A100-SXM4-40GB (the GPU of GpuNodePool.gke); use one of 1g.5gb'],
    ['conflicting node selector', {
      accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
      nodePool: GpuNodePool.custom({ labels: { 'nvidia.com/gpu.product': 'Tesla-T4' } }),
    }, 'test/llm: nodePool "nvidia.com/gpu.product=Tesla-T4" conflicts with the accelerator\'s node selector nvidia.com/gpu.product=NVIDIA-L4'],
    ['MIG on Karpenter', { accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb')), nodePool: GpuNodePool.eksKarpenter('gpu') },
      'test/llm: accelerator "nvidia.com/mig-1g.10gb" cannot be provisioned by Karpenter (GpuNodePool.eksKarpenter): Karpenter only launches nodes for nvidia.com/gpu'],
    ['driver constraint on Karpenter', { accelerator: Accelerator.nvidiaGpu({ minDriverMajor: 535 }), nodePool: GpuNodePool.eksKarpenter('gpu') },
      'test/llm: accelerator "minDriverMajor=535" cannot be provisioned by Karpenter'],
    ['CUDA constraint on GKE', { accelerator: Accelerator.nvidiaGpu({ minCudaMajor: 12 }), nodePool: GpuNodePool.gke('nvidia-l4') },
      'test/llm: accelerator "minCudaMajor=12" cannot be placed on GpuNodePool.gke: GKE nodes carry no nvidia.com/cuda.* labels'],
    ['memory on an unknown GKE accelerator', { accelerator: Accelerator.nvidiaGpu({ minMemory: Size.gibibytes(16) }), nodePool: GpuNodePool.gke('nvidia-tesla-v100') },
      'test/llm: accelerator.minMemory "16384Mi" cannot be checked on GpuNodePool.gke'],
    ['unknown product on Karpenter', { accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.of('NVIDIA-RTX-A6000') }), nodePool: GpuNodePool.eksKarpenter('gpu') },
      'test/llm: accelerator.product "NVIDIA-RTX-A6000" has no Karpenter instance-gpu-name the library knows'],
    ['tensor parallel mismatch', { accelerator: Accelerator.nvidiaGpu({ count: 2 }), args: ['--tensor-parallel-size=4'] },
      'test/llm: args "--tensor-parallel-size=4" does not match the 2 GPUs per replica of the accelerator; use --tensor-parallel-size=2, or drop the argument'],
    ['tensor parallel over MIG slices', { accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { count: 2 }) },
      'test/llm: accelerator.count 2 gives a Hugging Face (vLLM) model MIG slices, which it cannot shard a model over'],
    ['startup timeout too short', { accelerator: Accelerator.nvidiaGpu(), startup: { timeout: Duration.seconds(30) } },
      'test/llm: startup.timeout "30s" is out of range; use whole seconds from 1 minute to 6 hours'],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });
});

describe('GpuProduct', () => {
  test('of() returns presets for known names and custom products otherwise', () => {
    expect(GpuProduct.of('NVIDIA-L4')).toBe(GpuProduct.L4);
    const rtx = GpuProduct.of('NVIDIA-RTX-A6000', { memory: Size.gibibytes(48) });
    expect(rtx.memory?.toGibibytes()).toBe(48);
    expect(rtx.migProfiles).toEqual([]);
    // The error is raised where the product is used (here: read), with the factory's message.
    expect(() => GpuProduct.of('NVIDIA L4').name).toThrow('GpuProduct.of: name "NVIDIA L4" is not a valid node label value');
    expect(() => new ServedModel(newChart(), 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.of('NVIDIA L4') }),
    })).toThrow(/^test\/m: accelerator GpuProduct.of: name "NVIDIA L4" is not a valid node label value/);
  });
});

describe('every accelerator x pool x platform synthesizes schema-valid documents with the same placement', () => {
  const accelerators: Array<[string, () => Accelerator]> = [
    ['gpu', () => Accelerator.nvidiaGpu({ product: GpuProduct.A100_SXM4_80GB })],
    ['gpu-memory', () => Accelerator.nvidiaGpu({ minMemory: Size.gibibytes(20) })],
    ['mig', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { product: GpuProduct.A100_SXM4_80GB })],
    ['shared', () => Accelerator.sharedNvidiaGpu()],
    ['amd', () => Accelerator.amdGpu()],
  ];
  const pools: Array<[string, () => GpuNodePool | undefined]> = [
    ['none', () => undefined],
    ['gke', () => GpuNodePool.gke('nvidia-a100-80gb')],
    ['karpenter', () => GpuNodePool.eksKarpenter('gpu')],
    ['aks', () => GpuNodePool.aks('gpu', { runtimeClassName: 'nvidia' })],
  ];
  const platforms: Array<[string, () => ServingPlatform]> = [
    ['kserve', () => ServingPlatform.kserve()],
    ['kserve-standard', () => ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.NONE })],
    ['knative-service', () => ServingPlatform.knativeService()],
    ['kubernetes-deployment', () => ServingPlatform.kubernetesDeployment()],
  ];
  // Karpenter only provisions whole nvidia.com/gpu (tested above as an error);
  // GKE pools hold only NVIDIA GPUs (an AMD GPU there is an error, test/hostile.test.ts).
  const cases = accelerators.flatMap(([a, acc]) => pools.flatMap(([p, pool]) =>
    platforms.map(([f, platform]) => [a, p, f, acc, pool, platform] as const)))
    .filter(([a, p]) => !(p === 'karpenter' && (a === 'mig' || a === 'shared')) && !(p === 'gke' && a === 'amd'));

  test.each(cases)('%s on %s pool, %s', (_a, _p, _f, acc, pool, platform) => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      accelerator: acc(),
      nodePool: pool(),
      scaling: Scaling.fixedReplicas(1),
      platform: platform(),
    });
    const docs = synth(chart);
    const spec = (model as any)._spec();
    const podSpec = findPodSpec(docs[0]);
    expect(podSpec.nodeSelector ?? {}).toEqual(spec.placement.nodeSelector);
    expect(podSpec.tolerations ?? []).toEqual(spec.placement.tolerations);
    expect(podSpec.runtimeClassName).toBe(spec.placement.runtimeClassName);
    const terms = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchExpressions ?? [];
    expect(terms).toEqual(spec.placement.requiredNodeAffinity);
    expect(JSON.stringify(docs[0])).toContain(`"${spec.accelerator.resourceName}":1`);
  });
});

/** The object that holds the pod-level fields: KServe's predictor, a Knative/Deployment template spec. */
function findPodSpec(doc: any): any {
  if (doc.kind === 'InferenceService') return doc.spec.predictor;
  return doc.spec.template.spec;
}
