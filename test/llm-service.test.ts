import { Size } from 'cdk8s';
import { Cpu, EnvValue, Secret, ServiceAccount } from 'cdk8s-plus-28';
import { restrictedViolations, resourceViolations } from './conformance/pod-security';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, GatewayRef, GpuNodePool, GpuProduct, KvCacheEvictionPolicy, LlmDataType, LlmRouter, LlmScaling,
  LlmScheduler, LlmService, LlmServiceConfig, LoraAdapter, ModelStorage, PodSecurity,
} from '../src';

const LLAMA_8B = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' });
const H100 = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
const P5 = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });

/** The pod templates of an LLMInferenceService, checked with the library's restricted-profile checker. */
function expectRestrictedPods(doc: any): void {
  const pods = [doc.spec.template, doc.spec.worker, doc.spec.prefill?.template, doc.spec.prefill?.worker].filter((p) => p);
  expect(pods.length).toBeGreaterThan(0);
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
      envVariables: { VLLM_LOGGING_LEVEL: EnvValue.fromValue('DEBUG'), HF_TOKEN: EnvValue.fromSecretValue({ secret, key: 'token' }) },
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'llm-reader'),
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
    expect(main.image).toBe(LlmService.DEFAULT_IMAGE);
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
      { role: 'server', capacityKey: 'NVIDIA-H100-80GB-HBM3', resourceName: 'nvidia.com/gpu', devicesPerPod: 8, podsPerReplica: 1, minReplicas: 1, maxReplicas: 1, minDevices: 8, maxDevices: 8, maxNodes: 1 },
      { role: 'server-workers', capacityKey: 'NVIDIA-H100-80GB-HBM3', resourceName: 'nvidia.com/gpu', devicesPerPod: 8, podsPerReplica: 1, minReplicas: 1, maxReplicas: 1, minDevices: 8, maxDevices: 8, maxNodes: 1 },
    ]);
  });

  test('explicit worker pods: their own resources and pool, the leader\'s GPUs', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'dpw', {
      storage: LLAMA_8B,
      accelerator: H100,
      nodePool: P5,
      parallelism: { tensor: 8, data: 4, dataLocal: 1 },
      resources: { cpu: Cpu.units(32), memory: Size.gibibytes(256) },
      worker: { resources: { cpu: Cpu.units(8), memory: Size.gibibytes(128) }, nodePool: GpuNodePool.eksKarpenter('gpu-h100-spot', { instanceFamily: 'p5', gpusPerNode: 8 }) },
    });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.template.containers[0].resources.requests).toEqual({ 'cpu': '32', 'memory': '256Gi', 'nvidia.com/gpu': 8 });
    expect(doc.spec.worker.containers[0].resources.requests).toEqual({ 'cpu': '8', 'memory': '128Gi', 'nvidia.com/gpu': 8 });
    expect(doc.spec.worker.nodeSelector['karpenter.sh/nodepool']).toBe('gpu-h100-spot');
    expect(doc.spec.template.nodeSelector['karpenter.sh/nodepool']).toBe('gpu-h100');
    expect(doc.spec.worker.containers[0].args).toEqual(doc.spec.template.containers[0].args);
    expectRestrictedPods(doc);
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

  test('confidential weights, with or without a key resource', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'c1', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), confidential: {} });
    new LlmService(chart, 'c2', { storage: ModelStorage.fromS3({ bucket: 'enc', key: 'llama' }), accelerator: Accelerator.nvidiaGpu(), confidential: { keyResourceId: 'kbs:///default/llm/llama-key' } });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'c1').spec.model.confidential).toEqual({ enabled: true });
    expect(docOf(docs, 'LLMInferenceService', 'c2').spec.model.confidential).toEqual({ enabled: true, resourceId: 'kbs:///default/llm/llama-key' });
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

describe('LlmService router', () => {
  test('managed: KServe gateway, managed HTTPRoute and scheduler; url is the gateway path', () => {
    const chart = newChart('llm');
    const svc = new LlmService(chart, 'm', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed() });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.router).toEqual({ gateway: {}, route: {}, scheduler: {} });
    expect(svc.url).toBe('/llm/m');
  });

  test('existing Gateways with a scheduler config from a ConfigMap', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'g', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      router: LlmRouter.gateways([GatewayRef.of('inference', { namespace: 'gateways', sectionName: 'https' }), GatewayRef.of('internal')], {
        scheduler: LlmScheduler.managed({
          replicas: 2, configMap: { name: 'epp', key: 'config.yaml' }, podLabels: { team: 'ml' }, podAnnotations: { 'example.com/owner': 'platform' },
        }),
      }),
    });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.router).toEqual({
      gateway: { refs: [{ name: 'inference', namespace: 'gateways', sectionName: 'https' }, { name: 'internal' }] },
      route: {},
      scheduler: {
        replicas: 2, config: { ref: { name: 'epp', key: 'config.yaml' } }, labels: { team: 'ml' }, annotations: { 'example.com/owner': 'platform' },
      },
    });
  });

  test('inline endpoint-picker config, or an existing InferencePool, or no scheduler', () => {
    const chart = newChart('llm');
    const inline = { apiVersion: 'inference.networking.x-k8s.io/v1alpha1', kind: 'EndpointPickerConfig', plugins: [{ type: 'queue-scorer' }] };
    new LlmService(chart, 'a', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed({ scheduler: LlmScheduler.managed({ inlineConfig: inline }) }) });
    new LlmService(chart, 'b', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed({ scheduler: LlmScheduler.existingPool('shared-pool') }) });
    new LlmService(chart, 'c', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed({ scheduler: LlmScheduler.NONE }) });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'a').spec.router.scheduler).toEqual({ config: { inline } });
    expect(docOf(docs, 'LLMInferenceService', 'b').spec.router.scheduler).toEqual({ pool: { ref: { name: 'shared-pool' } } });
    expect(docOf(docs, 'LLMInferenceService', 'c').spec.router).toEqual({ gateway: {}, route: {} });
  });

  test('an Ingress KServe creates, or existing ones; url stays the workload Service', () => {
    const chart = newChart('llm');
    const a = new LlmService(chart, 'i1', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.ingress() });
    new LlmService(chart, 'i2', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.ingress([{ name: 'llm', namespace: 'edge' }, { name: 'x' }]) });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'i1').spec.router).toEqual({ ingress: {} });
    expect(docOf(docs, 'LLMInferenceService', 'i2').spec.router).toEqual({ ingress: { refs: [{ name: 'llm', namespace: 'edge' }, { name: 'x' }] } });
    expect(a.url).toBe('http://i1-kserve-workload-svc.llm.svc.cluster.local:8000');
  });

  test('existing HTTPRoutes', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'r', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.httpRoutes(['llama-route']) });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.router).toEqual({ route: { http: { refs: [{ name: 'llama-route' }] } }, scheduler: {} });
  });

  test.each([
    ['no gateway', () => LlmRouter.gateways([])._resolve(), /LlmRouter.gateways: refs \[\] is empty/],
    ['gateway listed twice', () => LlmRouter.gateways([GatewayRef.of('a'), GatewayRef.of('a')])._resolve(), /refs "a" is listed twice with the same listener/],
    ['gateway not a GatewayRef', () => LlmRouter.gateways([{ name: 'a' } as any])._resolve(), /refs\[0\] .* is not a GatewayRef/],
    ['gateway port', () => LlmRouter.gateways([GatewayRef.of('a', { port: 443 })])._resolve(), /refs\[0\].port 443 cannot be set on an LLMInferenceService gateway ref/],
    ['bad gateway namespace', () => GatewayRef.of('a', { namespace: 'Bad_NS' })._resolve(), /GatewayRef.of: namespace "Bad_NS" is not a valid DNS-1123 label/],
    ['no route', () => LlmRouter.httpRoutes([])._resolve(), /routeNames \[\] is empty/],
    ['route twice', () => LlmRouter.httpRoutes(['a', 'a'])._resolve(), /lists a route twice/],
    ['inline and ref', () => LlmScheduler.managed({ inlineConfig: { a: 1 }, configMap: { name: 'x', key: 'y' } })._json(), /inlineConfig "<object>" is set together with configMap/],
    ['empty inline', () => LlmScheduler.managed({ inlineConfig: {} })._json(), /inlineConfig \{\} is not an EndpointPickerConfig object/],
    ['zero scheduler replicas', () => LlmScheduler.managed({ replicas: 0 })._json(), /LlmScheduler.managed: replicas 0 is not allowed/],
    ['bad configmap key', () => LlmScheduler.managed({ configMap: { name: 'x', key: 'a/b' } })._json(), /configMap.key "a\/b" is not a valid ConfigMap key/],
    ['bad scheduler label', () => LlmScheduler.managed({ podLabels: { 'bad key!': 'x' } })._json(), /LlmScheduler.managed: podLabels key "bad key!" is not a valid key/],
    ['bad pool', () => LlmScheduler.existingPool('Pool')._json(), /poolName "Pool" is not a valid DNS-1123 subdomain/],
    ['bad ingress', () => LlmRouter.ingress([{ name: 'a', namespace: 'A' }])._resolve(), /LlmRouter.ingress: refs\[0\].namespace "A" is not a valid DNS-1123 label/],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('LlmService prefill/decode, LoRA, presets', () => {
  test('a prefill workload with its own replicas, parallelism and accelerator; decode scales with KEDA', () => {
    const chart = newChart('llm');
    const svc = new LlmService(chart, 'pd', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.H100_80GB_HBM3 }),
      nodePool: P5,
      scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 8 }),
      prefill: {
        scaling: LlmScaling.keda({ maxReplicas: 4 }),
        accelerator: Accelerator.nvidiaGpu({ count: 4, product: GpuProduct.H100_80GB_HBM3 }),
        parallelism: { tensor: 4 },
        podLabels: { role: 'prefill' },
        podAnnotations: { 'example.com/phase': 'prefill' },
      },
      router: LlmRouter.managed(),
    });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.parallelism).toEqual({ tensor: 2 });
    expect(doc.spec.scaling).toEqual({ minReplicas: 2, maxReplicas: 8, wva: { keda: {} } });
    expect(doc.spec.prefill.scaling).toEqual({ maxReplicas: 4, wva: { keda: {} } });
    expect(doc.spec.prefill.parallelism).toEqual({ tensor: 4 });
    expect(doc.spec.prefill.labels).toEqual({ role: 'prefill' });
    expect(doc.spec.prefill.annotations).toEqual({ 'example.com/phase': 'prefill' });
    expect(doc.spec.prefill.template.containers[0].resources.limits['nvidia.com/gpu']).toBe(4);
    expect(doc.spec.prefill.template.nodeSelector['karpenter.sh/nodepool']).toBe('gpu-h100');
    expect(doc.spec.template.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expectRestrictedPods(doc);
    expect(svc.gpuDemand.map((d) => [d.role, d.minDevices, d.maxDevices])).toEqual([['decode', 4, 16], ['prefill', 4, 16]]);
  });

  test('prefill inherits the accelerator and pool; fixed prefill replicas', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'pd2', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }), nodePool: GpuNodePool.gke('nvidia-l4'), prefill: { replicas: 3 } });
    const doc = docOf(synth(chart), 'LLMInferenceService');
    expect(doc.spec.prefill.replicas).toBe(3);
    expect(doc.spec.prefill.template.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(doc.spec.prefill.template.containers[0].resources.requests['nvidia.com/gpu']).toBe(1);
  });

  test('decode and prefill must use the same actuator (KServe webhook)', () => {
    const chart = newChart('llm');
    expect(() => new LlmService(chart, 'mix', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.keda({ maxReplicas: 2 }),
      prefill: { scaling: LlmScaling.hpa({ maxReplicas: 2 }) },
    })).toThrow('test/mix: prefill.scaling "hpa" uses a different actuator than the decode workload (keda); use LlmScaling.keda or LlmScaling.hpa on both');
  });

  test('LoRA adapters with runtime limits', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'lora', {
      storage: LLAMA_8B,
      modelName: 'llama',
      accelerator: Accelerator.nvidiaGpu(),
      loraAdapters: [LoraAdapter.of({ name: 'sql', storage: ModelStorage.fromHuggingFace('org/sql-lora') }), LoraAdapter.of({ name: 'support', storage: ModelStorage.fromS3({ bucket: 'adapters', key: 'support/v3' }) })],
      lora: { maxRank: 64, maxAdapters: 2, maxCpuAdapters: 4 },
    });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.model).toEqual({
      uri: LLAMA_8B.uri,
      name: 'llama',
      lora: { adapters: [{ name: 'sql', uri: 'hf://org/sql-lora' }, { name: 'support', uri: 's3://adapters/support/v3' }], maxRank: 64, maxAdapters: 2, maxCpuAdapters: 4 },
    });
  });

  test.each([
    ['an empty adapter name', () => LoraAdapter.of({ name: '', storage: ModelStorage.fromHuggingFace('o/a') }).name, /LoraAdapter.of: name "" is not a valid adapter name/],
    ['"." as adapter name', () => LoraAdapter.of({ name: '..', storage: ModelStorage.fromHuggingFace('o/a') }).name, /name "\.\." is not a valid adapter name/],
    ['an unsupported adapter URI', () => LoraAdapter.of({ name: 'a', storage: ModelStorage.fromGcs({ bucket: 'bucket', path: 'a' }) }).name, /storage "gs:\/\/bucket\/a" uses the scheme gs:\/\/ which KServe does not download LoRA adapters from; use one of hf:\/\/, s3:\/\/, pvc:\/\//],
  ])('%s fails', (_n, build, message) => {
    expect(build).toThrow(message);
  });

  test.each([
    ['duplicate adapter names', { loraAdapters: [LoraAdapter.of({ name: 'a', storage: ModelStorage.fromHuggingFace('o/a') }), LoraAdapter.of({ name: 'a', storage: ModelStorage.fromHuggingFace('o/b') })] },
      'loraAdapters[1].name "a" is the same as loraAdapters[0]'],
    ['an adapter named like the base model', { modelName: 'base', loraAdapters: [LoraAdapter.of({ name: 'base', storage: ModelStorage.fromHuggingFace('o/a') })] },
      'loraAdapters[0].name "base" is the base model\'s name'],
    ['lora limits without adapters', { lora: { maxRank: 8 } }, 'lora {"maxRank":8} is set without loraAdapters'],
    ['maxCpuAdapters below maxAdapters', { loraAdapters: [LoraAdapter.of({ name: 'a', storage: ModelStorage.fromHuggingFace('o/a') })], lora: { maxAdapters: 4, maxCpuAdapters: 2 } },
      'lora.maxCpuAdapters 2 is below lora.maxAdapters 4'],
    ['maxRank 0', { loraAdapters: [LoraAdapter.of({ name: 'a', storage: ModelStorage.fromHuggingFace('o/a') })], lora: { maxRank: 0 } }, 'lora.maxRank 0 is not allowed'],
  ])('%s fails', (_n, props, message) => {
    const chart = newChart('llm');
    expect(() => new LlmService(chart, 'x', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), ...props } as any)).toThrow(message);
  });

  test('an LlmServiceConfig preset referenced by many services (baseRefs)', () => {
    const chart = newChart('llm');
    const h100 = new LlmServiceConfig(chart, 'vllm-h100', {
      accelerator: H100,
      nodePool: P5,
      image: 'vllm/vllm-openai:v0.11.0',
      vllm: { gpuMemoryUtilization: 0.92 },
      envVariables: { VLLM_LOGGING_LEVEL: EnvValue.fromValue('INFO') },
      storageInitializer: false,
      labels: { tier: 'gpu' },
    });
    const extra = new LlmServiceConfig(chart, 'routing', { router: LlmRouter.managed() });
    const a = new LlmService(chart, 'a', { storage: LLAMA_8B, accelerator: H100, config: [h100, extra] });
    new LlmService(chart, 'b', { storage: LLAMA_8B, accelerator: H100, config: [h100] });
    const docs = synth(chart);
    const cfg = docOf(docs, 'LLMInferenceServiceConfig', 'vllm-h100');
    expect(cfg.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(cfg.metadata.labels.tier).toBe('gpu');
    expect(cfg.spec.storageInitializer).toEqual({ enabled: false });
    expect(cfg.spec.template.containers[0]).toMatchObject({
      name: 'main',
      image: 'vllm/vllm-openai:v0.11.0',
      args: ['--gpu-memory-utilization=0.92'],
      env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'INFO' }],
      resources: { limits: { 'nvidia.com/gpu': 8 } },
    });
    expect(cfg.spec.template.nodeSelector['karpenter.sh/nodepool']).toBe('gpu-h100');
    expect(cfg.spec.model).toBeUndefined();
    expect(docOf(docs, 'LLMInferenceServiceConfig', 'routing').spec.router).toEqual({ gateway: {}, route: {}, scheduler: {} });
    expect(docOf(docs, 'LLMInferenceService', 'a').spec.baseRefs).toEqual([{ name: 'vllm-h100' }, { name: 'routing' }]);
    expect(docOf(docs, 'LLMInferenceService', 'b').spec.baseRefs).toEqual([{ name: 'vllm-h100' }]);
    // Presets are applied before the services that use them.
    expect(a.node.dependencies).toContain(h100);
  });

  test('a service inherits the preset\'s accelerator, pool and image, and keeps the preset\'s flags next to its own', () => {
    const chart = newChart('llm');
    const h100 = new LlmServiceConfig(chart, 'vllm-h100', {
      accelerator: H100, nodePool: P5, image: 'vllm/vllm-openai:v0.11.0', vllm: { gpuMemoryUtilization: 0.92, maxModelLength: 8192 },
    });
    const svc = new LlmService(chart, 'inherits', { storage: LLAMA_8B, config: [h100], vllm: { maxModelLength: 32768 }, args: ['--enable-chunked-prefill'] });
    const doc = docOf(synth(chart), 'LLMInferenceService', 'inherits');
    const main = doc.spec.template.containers[0];
    // The preset's image stays in force: the service's own fields would win KServe's merge.
    expect(main.image).toBeUndefined();
    expect(main.args).toEqual(['--gpu-memory-utilization=0.92', '--max-model-len=32768', '--enable-chunked-prefill']);
    expect(main.resources.limits['nvidia.com/gpu']).toBe(8);
    expect(doc.spec.parallelism).toEqual({ tensor: 8 });
    expect(doc.spec.template.nodeSelector['karpenter.sh/nodepool']).toBe('gpu-h100');
    expect(svc.gpuDemand[0].devicesPerPod).toBe(8);
  });

  test('without flags of its own a service leaves the preset\'s args alone', () => {
    const chart = newChart('llm');
    const preset = new LlmServiceConfig(chart, 'p', { accelerator: H100, vllm: { maxModelLength: 8192 } });
    new LlmService(chart, 's', { storage: LLAMA_8B, config: [preset] });
    const main = docOf(synth(chart), 'LLMInferenceService', 's').spec.template.containers[0];
    expect(main.args).toBeUndefined();
    expect(main.image).toBe(LlmService.DEFAULT_IMAGE);
  });

  test('a preset in another namespace is not found by KServe', () => {
    const chart = newChart('llm');
    const cfg = new LlmServiceConfig(chart, 'other', { namespace: 'elsewhere' });
    expect(() => new LlmService(chart, 'x', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), config: [cfg] }))
      .toThrow('test/x: config[0] "other" is in namespace elsewhere, where KServe does not look for this service\'s presets; put it in llm or in KServe\'s own namespace (kserve)');
  });
});
