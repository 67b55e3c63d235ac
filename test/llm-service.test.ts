import { Size } from 'cdk8s';
import { Cpu, EnvValue, Secret } from 'cdk8s-plus-28';
import { restrictedViolations, resourceViolations } from './conformance/pod-security';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, DEFAULT_LLM_IMAGE, GpuNodePool, GpuProduct, KvCacheEvictionPolicy, LlmDataType, LlmRouter, LlmScaling, LlmService,
  ModelStorage, PodSecurity,
} from '../src';

const LLAMA_8B = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', '0e9e39f249a16976918f6564b8830bc894c89659');
const H100 = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
const P5 = GpuNodePool.eksKarpenter('gpu-h100', 'p5', { gpusPerNode: 8 });

/** The pod templates of an LLMInferenceService, checked with the library's restricted-profile checker. */
function expectRestrictedPods(doc: any): void {
  const pods = [doc.spec.template, doc.spec.worker, doc.spec.prefill?.template, doc.spec.prefill?.worker].filter((p) => p);
  for (const pod of pods) {
    const asDeployment = { kind: 'Deployment', spec: { template: { spec: pod } } };
    expect([...restrictedViolations(asDeployment), ...resourceViolations(asDeployment)]).toEqual([]);
  }
}

describe('LlmService core', () => {
  test('an 8B model on one L4: model, fixed replicas, vLLM container, placement, restricted pod', () => {
    const chart = newChart('llm');
    const secret = Secret.fromSecretName(chart, 'hf', 'hf-token');
    const svc = new LlmService(chart, 'llama-8b', {
      storage: LLAMA_8B,
      modelName: 'llama-3-8b',
      accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
      nodePool: GpuNodePool.gke('nvidia-l4'),
      replicas: 2,
      resources: { cpu: Cpu.units(6), memory: Size.gibibytes(24) },
      vllm: {
        maxModelLength: 8192,
        gpuMemoryUtilization: 0.9,
        dtype: LlmDataType.BFLOAT16,
        maxNumSeqs: 64,
        enablePrefixCaching: true,
        quantization: 'fp8',
        trustRemoteCode: true,
      },
      args: ['--enable-chunked-prefill'],
      env: { VLLM_LOGGING_LEVEL: 'DEBUG' },
      envValues: { HF_TOKEN: EnvValue.fromSecretValue({ secret, key: 'token' }) },
      serviceAccountName: 'llm-reader',
      labels: { team: 'ml' },
      annotations: { 'example.com/owner': 'ml-platform' },
    });
    const doc = docOf(synth(chart), 'LLMInferenceService', 'llama-8b');
    expect(doc.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(doc.metadata.namespace).toBe('llm');
    expect(doc.metadata.labels).toMatchObject({ 'team': 'ml', 'app.kubernetes.io/name': 'llama-8b', 'app.kubernetes.io/managed-by': 'cdk8s-model-serving' });
    expect(doc.metadata.annotations).toEqual({ 'example.com/owner': 'ml-platform' });
    expect(doc.spec.model).toEqual({ uri: 'hf://meta-llama/Llama-3.1-8B-Instruct:0e9e39f249a16976918f6564b8830bc894c89659', name: 'llama-3-8b' });
    expect(doc.spec.replicas).toBe(2);
    expect(doc.spec.scaling).toBeUndefined();
    expect(doc.spec.parallelism).toBeUndefined();
    expect(doc.spec.worker).toBeUndefined();
    expect(doc.spec.router).toBeUndefined();
    const pod = doc.spec.template;
    expect(pod.serviceAccountName).toBe('llm-reader');
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }]);
    const main = pod.containers[0];
    expect(main.name).toBe('main');
    expect(main.image).toBe(DEFAULT_LLM_IMAGE);
    expect(main.args).toEqual([
      '--max-model-len=8192', '--dtype=bfloat16', '--gpu-memory-utilization=0.9', '--max-num-seqs=64',
      '--enable-prefix-caching', '--quantization=fp8', '--trust-remote-code', '--enable-chunked-prefill',
    ]);
    expect(main.env).toEqual([
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' },
    ]);
    expect(main.resources).toEqual({ limits: { 'memory': '24Gi', 'nvidia.com/gpu': 1 }, requests: { 'cpu': '6', 'memory': '24Gi', 'nvidia.com/gpu': 1 } });
    expect(main.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(main.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    expectRestrictedPods(doc);
    expect(svc.modelName).toBe('llama-3-8b');
    expect(svc.url).toBe('http://llama-8b-kserve-workload-svc.llm.svc.cluster.local:8000');
    expect(svc.apiObject.kind).toBe('LLMInferenceService');
  });

  test('defaults: one replica, model name = resource name, 4 CPUs and 16 GiB on GPU', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'small', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu() });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.replicas).toBe(1);
    expect(doc.spec.model.name).toBe('small');
    expect(doc.spec.template.containers[0].resources).toEqual({
      limits: { 'memory': '16Gi', 'nvidia.com/gpu': 1 }, requests: { 'cpu': '4', 'memory': '16Gi', 'nvidia.com/gpu': 1 },
    });
  });

  test('a read-only root filesystem mounts a writable /tmp under the preset\'s volume name', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'ro', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), podSecurity: PodSecurity.RESTRICTED });
    const pod = docOf(synth(chart), 'LLMInferenceService').spec.template;
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }, { name: 'tmp-dir', mountPath: '/tmp' }]);
    expect(pod.volumes).toContainEqual({ name: 'tmp-dir', emptyDir: { sizeLimit: '4Gi' } });
  });

  test('a baseline opt-out is recorded in an annotation', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'root', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), podSecurity: PodSecurity.baseline('vendor image runs as root') });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.metadata.annotations['model-serving.cdk8s.io/pod-security-opt-out']).toBe('vendor image runs as root');
  });

  test('tensor parallelism defaults to the GPU count; 8 GPUs in one pod', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'tp', { storage: LLAMA_8B, accelerator: H100, nodePool: P5, image: 'vllm/vllm-openai:v0.11.0' });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.parallelism).toEqual({ tensor: 8 });
    expect(doc.spec.worker).toBeUndefined();
    expect(doc.spec.template.containers[0].image).toBe('vllm/vllm-openai:v0.11.0');
    expect(doc.spec.template.nodeSelector).toEqual({
      'karpenter.k8s.aws/instance-family': 'p5', 'karpenter.k8s.aws/instance-gpu-name': 'h100', 'karpenter.sh/nodepool': 'gpu-h100',
    });
  });

  test('data parallelism across nodes derives the worker from the pod', () => {
    const chart = newChart('llm');
    const svc = new LlmService(chart, 'dp', {
      storage: LLAMA_8B, accelerator: H100, nodePool: P5, parallelism: { tensor: 8, data: 2, dataLocal: 1, dataRpcPort: 5600, expert: true },
    });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.parallelism).toEqual({ tensor: 8, data: 2, dataLocal: 1, dataRPCPort: 5600, expert: true });
    expect(doc.spec.worker).toEqual(doc.spec.template);
    expect(doc.spec.template.volumes[0]).toEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } });
    expectRestrictedPods(doc);
    expect(svc.gpuDemand).toEqual([
      { role: 'server', capacityKey: 'NVIDIA-H100-80GB-HBM3', resourceName: 'nvidia.com/gpu', devicesPerPod: 8, podsPerReplica: 1, minReplicas: 1, maxReplicas: 1, minDevices: 8, maxDevices: 8 },
      { role: 'server-workers', capacityKey: 'NVIDIA-H100-80GB-HBM3', resourceName: 'nvidia.com/gpu', devicesPerPod: 8, podsPerReplica: 1, minReplicas: 1, maxReplicas: 1, minDevices: 8, maxDevices: 8 },
    ]);
  });

  test('KV-cache offloading and tracing', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'kv', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      resources: { memory: Size.gibibytes(64) },
      kvCacheOffloading: { cpu: Size.gibibytes(32), evictionPolicy: KvCacheEvictionPolicy.ARC, localDisk: Size.gibibytes(200), claim: { claimName: 'kv-cache', path: 'llama' } },
      tracing: { exporterEndpoint: 'http://otel.observability:4317', sampler: 'parentbased_traceidratio', samplingRatio: 0.1, exporter: 'otlp' },
    });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.kvCacheOffloading).toEqual({
      cpu: '32Gi',
      evictionPolicy: 'arc',
      secondary: [{ fileSystem: { emptyDir: { size: '200Gi' } } }, { fileSystem: { pvc: { ref: { name: 'kv-cache', path: 'llama' } } } }],
    });
    expect(doc.spec.tracing).toEqual({ exporterEndpoint: 'http://otel.observability:4317', sampler: 'parentbased_traceidratio', samplerArg: '0.1', exporter: 'otlp' });
  });

  test('tracing {} enables KServe\'s defaults', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'tr', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), tracing: {} });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.tracing).toEqual({});
  });
});

describe('LlmService scaling', () => {
  test('KEDA with an idle floor', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'k', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 6, idleReplicaCount: 1, variantCost: 2.5 }),
    });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.replicas).toBeUndefined();
    expect(doc.spec.scaling).toEqual({ minReplicas: 2, maxReplicas: 6, wva: { variantCost: '2.5', keda: { idleReplicaCount: 1 } } });
  });

  test('HPA with an empty actuator object still names the actuator', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'h', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), scaling: LlmScaling.hpa({ maxReplicas: 3 }) });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.scaling).toEqual({ maxReplicas: 3, wva: { hpa: {} } });
  });
});
