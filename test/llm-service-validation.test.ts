import { Duration, Size } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, GpuNodePool, GpuProduct, LlmDataType, LlmRouter, LlmScaling, LlmService, LlmServiceConfig, MigProfile, ModelStorage,
} from '../src';

const MODEL = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });
const GPU = Accelerator.nvidiaGpu();
const EIGHT = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
const P5 = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });

function build(props: Record<string, unknown>, id = 'svc'): void {
  const chart = newChart('llm');
  new LlmService(chart, id, { storage: MODEL, accelerator: GPU, ...props } as any);
}

describe('LlmService synth-time rules', () => {
  test.each<[string, Record<string, unknown>, string]>([
    // CEL on WorkloadSpec
    ['replicas with scaling', { replicas: 2, scaling: LlmScaling.keda({ maxReplicas: 2 }) },
      'test/svc: replicas 2 is set together with scaling; use scaling for autoscaled workloads or replicas for a fixed count, not both'],
    ['prefill replicas with scaling', { prefill: { replicas: 1, scaling: LlmScaling.hpa({ maxReplicas: 2 }) } }, 'test/svc: prefill.replicas 1 is set together with scaling'],
    ['negative replicas', { replicas: -1 }, 'test/svc: replicas -1 is not allowed; use a whole number from 0 to 10000'],
    // Webhook parallelism rules
    ['pipeline with data', { accelerator: EIGHT, parallelism: { pipeline: 2, data: 2, dataLocal: 1 } },
      'test/svc: parallelism.pipeline 2 cannot be combined with data parallelism (data, dataLocal); choose pipeline or data parallelism (KServe webhook)'],
    ['data without dataLocal', { parallelism: { data: 2 } }, 'test/svc: parallelism.dataLocal undefined must be set when data is set'],
    ['dataLocal without data', { parallelism: { dataLocal: 1 } }, 'test/svc: parallelism.data undefined must be set when dataLocal is set'],
    ['data not a multiple of dataLocal', { accelerator: Accelerator.nvidiaGpu({ count: 2 }), parallelism: { data: 3, dataLocal: 2, tensor: 1 } },
      'test/svc: parallelism.data 3 is not a multiple of dataLocal 2'],
    ['expert without data', { parallelism: { expert: true } }, 'test/svc: parallelism.expert true needs data parallelism'],
    ['rpc port without data', { parallelism: { dataRpcPort: 5555 } }, 'test/svc: parallelism.dataRpcPort 5555 only applies to data parallelism'],
    ['zero tensor', { parallelism: { tensor: 0 } }, 'test/svc: parallelism.tensor 0 is not allowed'],
    // GPU arithmetic
    ['tensor above the GPU count', { parallelism: { tensor: 2 } },
      'test/svc: accelerator.count 1 does not match parallelism (tensor 2 x dataLocal 1 = 2 GPUs per pod); request exactly 2 GPUs per pod, or change tensor/dataLocal'],
    ['tensor x dataLocal above the node', { accelerator: EIGHT, nodePool: P5, parallelism: { tensor: 8, data: 4, dataLocal: 2 } },
      'test/svc: accelerator.count 8 does not match parallelism (tensor 8 x dataLocal 2 = 16 GPUs per pod)'],
    ['tensor without GPUs', { accelerator: undefined, parallelism: { tensor: 2 } }, 'test/svc: parallelism.tensor 2 needs GPUs'],
    ['tensor over MIG slices', { accelerator: Accelerator.nvidiaMig(MigProfile.of('3g.40gb'), { count: 2 }), parallelism: { tensor: 2 } },
      'test/svc: parallelism.tensor 2 cannot span MIG slices; use whole GPUs (Accelerator.nvidiaGpu) for tensor parallelism'],
    ['more GPUs than a node', { accelerator: Accelerator.nvidiaGpu({ count: 16 }), nodePool: P5 },
      'test/svc: accelerator.count 16 is more than the 8 GPUs a node of the pool holds'],
    ['pipeline across nodes without a preset', { accelerator: EIGHT, nodePool: P5, parallelism: { tensor: 8, pipeline: 2 } },
      'test/svc: parallelism.pipeline 2 spans 2 pods, but KServe 0.20 ships no "kserve-config-llm-worker-pipeline-parallel" preset; use data parallelism across nodes (data, dataLocal)'],
    // Storage and names
    ['gs:// weights', { storage: ModelStorage.fromGcs({ bucket: 'models', path: 'llama' }) },
      'test/svc: storage "gs://models/llama" uses the scheme gs:// which KServe does not load LLM weights from; use one of hf://, s3://, pvc://, oci://'],
    ['an empty model name', { modelName: '' }, 'test/svc: modelName "" is not a valid value'],
    ['a name too long for KServe\'s derived names', { name: 'a'.repeat(44) },
      `test/svc: name "${'a'.repeat(44)}" is 44 characters long; use at most 43 characters`],
    ['an invalid name', { name: 'Llama_8B' }, 'test/svc: name "Llama_8B" is not a valid DNS-1035 label'],
    ['an invalid namespace', { namespace: 'ML' }, 'test/svc: namespace "ML" is not a valid DNS-1123 label'],
    ['an invalid image', { image: 'not an image' }, 'test/svc: image "not an image"'],
    // vLLM args
    ['a flag KServe sets', { args: ['--tensor-parallel-size=2'] }, 'test/svc: args[0] "--tensor-parallel-size=2" is set by KServe from parallelism.tensor; set parallelism.tensor instead'],
    ['the served model name flag', { args: ['--served_model_name', 'x'] }, 'test/svc: args[0] "--served_model_name" is set by KServe from modelName'],
    ['a typed flag set twice', { vllm: { maxModelLength: 4096 }, args: ['--max_model_len=8192'] },
      'test/svc: args[0] "--max_model_len=8192" sets what vllm.maxModelLength already sets; set it once, in vllm or in args'],
    ['GPU memory share above 1', { vllm: { gpuMemoryUtilization: 1.2 } }, 'test/svc: vllm.gpuMemoryUtilization 1.2 is out of range'],
    ['a dtype string', { vllm: { dtype: 'bf16' } }, 'test/svc: vllm.dtype "bf16" is not an LlmDataType'],
    // Environment
    ['a credential literal', { envVariables: { HF_TOKEN: EnvValue.fromValue('hf_abcdefghijklmnopqrstuvwxyz0123456789') } },
      'test/svc: envVariables["HF_TOKEN"] "<redacted>" looks like a Hugging Face token written as a literal; pass credentials by reference'],
    ['a credential-named variable set to a literal', { envVariables: { DB_PASSWORD: EnvValue.fromValue('hunter2') } },
      'test/svc: envVariables["DB_PASSWORD"] "<redacted>" is a credential variable set to a literal'],
    ['an invalid variable name', { envVariables: { 'bad key': EnvValue.fromValue('1') } }, 'test/svc: envVariables name "bad key"'],
    ['a plain string instead of an EnvValue', { envVariables: { LEVEL: 'INFO' } }, 'test/svc: envVariables["LEVEL"] "INFO" is not an EnvValue; use EnvValue.fromSecretValue(...)'],
    ['the replaced env prop', { env: { LEVEL: 'INFO' } }, 'test/svc: env "<set>" is no longer an LlmService prop; use envVariables with EnvValue.fromValue(...)'],
    ['the replaced envValues prop', { envValues: {} }, 'test/svc: envValues "<set>" is no longer an LlmService prop; use envVariables'],
    ['a memory limit below the default request', { resources: { memoryLimit: Size.gibibytes(8) } },
      'test/svc: resources.memoryLimit "8Gi" is below the default memory request 16Gi; set resources.memory as well, or a limit >= the request'],
    // KV cache
    ['a CPU KV tier larger than the pod', { resources: { memory: Size.gibibytes(16) }, kvCacheOffloading: { cpu: Size.gibibytes(32) } },
      'test/svc: kvCacheOffloading.cpu "32Gi" does not fit in the pod\'s memory request 16Gi'],
    ['a CPU KV tier larger than the default memory request', { kvCacheOffloading: { cpu: Size.gibibytes(16) } },
      'test/svc: kvCacheOffloading.cpu "16Gi" does not fit in the pod\'s memory request 16Gi'],
    ['an absolute claim path', { kvCacheOffloading: { cpu: Size.gibibytes(1), claim: { claimName: 'kv', path: '/abs' } } },
      'test/svc: kvCacheOffloading.claim.path "/abs" is not a relative path'],
    // Tracing, shared memory, router
    ['a tracing endpoint without scheme', { tracing: { exporterEndpoint: 'otel:4317' } }, 'test/svc: tracing.exporterEndpoint "otel:4317" is not an http(s) URL'],
    ['a tracing endpoint with a password', { tracing: { exporterEndpoint: 'http://u:pw0rdHidden@otel:4317' } },
      'test/svc: tracing.exporterEndpoint "<redacted>" looks like a URL with a password written as a literal'],
    ['a sampling ratio above 1', { tracing: { samplingRatio: 2 } }, 'test/svc: tracing.samplingRatio 2 is out of range'],
    ['tiny shared memory', { sharedMemory: Size.mebibytes(16) }, 'test/svc: sharedMemory "16Mi" is too small; use at least 64 MiB'],
    ['a router that is not one', { router: 'managed' }, 'test/svc: router "managed" is not an LlmRouter'],
    // Must become Ready
    ['the CUDA image without a GPU', { accelerator: undefined },
      'test/svc: accelerator undefined is not an NVIDIA GPU, but the default image ghcr.io/llm-d/llm-d-cuda:v0.8.0 is vLLM\'s CUDA build'],
    ['the CUDA image on AMD GPUs', { accelerator: Accelerator.amdGpu({ count: 1 }) }, 'test/svc: accelerator "amd.com/gpu" is not an NVIDIA GPU'],
    ['a worker without multi-node parallelism', { worker: { resources: {} } },
      'test/svc: worker "<worker>" is set, but one pod holds the whole replica; set pipeline or data parallelism (data, dataLocal) so that a replica spans pods, or drop worker'],
    // Confidential serving (ValidateConfidentialSpec)
    ['confidential OCI weights', { storage: ModelStorage.fromOci('registry.example.com/models/llama:v1'), confidential: {} },
      'test/svc: confidential {} has no effect on oci:// weights'],
    ['a malformed key resource', { confidential: { keyResourceId: 'kbs://x' } }, 'test/svc: confidential.keyResourceId "kbs://x" is not a KBS resource id; use kbs:///<repo>/<type>/<tag>'],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a secret never reaches the error message', () => {
    const token = 'hf_abcdefghijklmnopqrstuvwxyz0123456789';
    expect(() => build({ envVariables: { HF_TOKEN: EnvValue.fromValue(token) } })).toThrow(/redacted/);
    try {
      build({ envVariables: { HF_TOKEN: EnvValue.fromValue(token) } });
    } catch (e: any) {
      expect(e.message).not.toContain(token);
    }
  });

  test('the name budget grows with what KServe derives: a router scheduler needs more room', () => {
    expect(() => build({ name: 'a'.repeat(43) })).not.toThrow();
    expect(() => build({ name: 'a'.repeat(43), router: LlmRouter.managed() })).toThrow('is 43 characters long; use at most 39 characters');
  });

  test('an LlmServiceConfig takes env in envVariables only, with the same checks', () => {
    const chart = newChart('llm');
    expect(() => new LlmServiceConfig(chart, 'old', { env: { A: '1' } } as any))
      .toThrow('test/old: env "<set>" is no longer an LlmServiceConfig prop; use envVariables with EnvValue.fromValue(...)');
    expect(() => new LlmServiceConfig(chart, 'leak', { envVariables: { HF_TOKEN: EnvValue.fromValue('hf_abcdefghijklmnopqrstuvwxyz0123456789') } }))
      .toThrow('test/leak: envVariables["HF_TOKEN"] "<redacted>" looks like a Hugging Face token');
    new LlmServiceConfig(chart, 'ok', { envVariables: { B: EnvValue.fromValue('2'), A: EnvValue.fromValue('1') } });
    expect(docOf(synth(chart), 'LLMInferenceServiceConfig', 'ok').spec.template.containers[0].env)
      .toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  test('pipeline parallelism across nodes is accepted with a user preset of KServe\'s expected name', () => {
    const chart = newChart('llm');
    new LlmServiceConfig(chart, 'pp', { name: 'kserve-config-llm-worker-pipeline-parallel' });
    expect(() => new LlmService(chart, 'pp-svc', { storage: MODEL, accelerator: EIGHT, nodePool: P5, parallelism: { tensor: 8, pipeline: 2 } })).not.toThrow();
  });

  test('a pipeline preset installed in KServe\'s namespace, referenced by name', () => {
    const chart = newChart('llm');
    const pp = LlmServiceConfig.fromConfigName(chart, 'pp', 'kserve-config-llm-worker-pipeline-parallel', { namespace: 'kserve' });
    new LlmService(chart, 'pp-svc', { storage: MODEL, accelerator: EIGHT, nodePool: P5, parallelism: { tensor: 8, pipeline: 2 }, config: [pp] });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['LLMInferenceService']);
    const doc = docOf(docs, 'LLMInferenceService');
    expect(doc.spec.parallelism).toEqual({ tensor: 8, pipeline: 2 });
    expect(doc.spec.worker).toEqual(doc.spec.template);
    expect(doc.spec.baseRefs).toEqual([{ name: 'kserve-config-llm-worker-pipeline-parallel' }]);
    expect(pp.apiObject).toBeUndefined();
  });

  test('a pipeline preset in a namespace KServe does not search does not count', () => {
    const chart = newChart('llm');
    new LlmServiceConfig(chart, 'pp', { name: 'kserve-config-llm-worker-pipeline-parallel', namespace: 'elsewhere' });
    expect(() => new LlmService(chart, 'pp-svc', { storage: MODEL, accelerator: EIGHT, nodePool: P5, parallelism: { tensor: 8, pipeline: 2 } }))
      .toThrow('ships no "kserve-config-llm-worker-pipeline-parallel" preset');
  });

  test('a prefill pipeline needs the prefill preset', () => {
    const chart = newChart('llm');
    expect(() => new LlmService(chart, 'pd', { storage: MODEL, accelerator: EIGHT, nodePool: P5, prefill: { parallelism: { tensor: 8, pipeline: 2 } } }))
      .toThrow('test/pd: prefill.parallelism.pipeline 2 spans 2 pods, but KServe 0.20 ships no "kserve-config-llm-prefill-worker-pipeline-parallel" preset');
  });
});

describe('LlmScaling rules (CRD CEL and webhook)', () => {
  test.each<[string, () => unknown, string]>([
    ['min above max', () => LlmScaling.keda({ minReplicas: 3, maxReplicas: 2 })._resolve(), 'LlmScaling.keda: minReplicas 3 exceeds maxReplicas 2; keep minReplicas <= maxReplicas'],
    ['min 0', () => LlmScaling.hpa({ minReplicas: 0, maxReplicas: 2 })._resolve(), 'LlmScaling.hpa: minReplicas 0 is below the minimum of 1 KServe 0.20 accepts for LLM services'],
    ['max 0', () => LlmScaling.hpa({ maxReplicas: 0 })._resolve(), 'LlmScaling.hpa: maxReplicas 0 is not allowed'],
    ['idle 0', () => LlmScaling.keda({ minReplicas: 2, maxReplicas: 3, idleReplicaCount: 0 })._resolve(),
      'LlmScaling.keda: idleReplicaCount 0 is below the minimum of 1 KServe 0.20 accepts (LLMInferenceService CRD); use 1 to idle at one warm replica, or replicas: 0 to stop the service'],
    ['idle without min', () => LlmScaling.keda({ maxReplicas: 3, idleReplicaCount: 1 })._resolve(), 'LlmScaling.keda: minReplicas undefined is required when idleReplicaCount is set'],
    ['idle not below min', () => LlmScaling.keda({ minReplicas: 2, maxReplicas: 3, idleReplicaCount: 2 })._resolve(), 'LlmScaling.keda: idleReplicaCount 2 is not less than minReplicas 2'],
    ['negative cost', () => LlmScaling.keda({ maxReplicas: 3, variantCost: -1 })._resolve(), 'LlmScaling.keda: variantCost -1 is not a non-negative number'],
    ['fractional polling', () => LlmScaling.keda({ maxReplicas: 3, pollingInterval: Duration.millis(1500) })._resolve(), 'LlmScaling.keda: pollingInterval "1.5s" is out of range'],
  ])('%s', (_n, f, message) => {
    expect(f).toThrow(message);
  });

  test('KEDA timings and HPA stabilization are written in seconds', () => {
    const keda = LlmScaling.keda({
      minReplicas: 2,
      maxReplicas: 4,
      pollingInterval: Duration.seconds(15),
      cooldownPeriod: Duration.minutes(10),
      initialCooldownPeriod: Duration.minutes(5),
    });
    expect(keda._resolve().json).toEqual({
      minReplicas: 2, maxReplicas: 4, wva: { keda: { pollingInterval: 15, cooldownPeriod: 600, initialCooldownPeriod: 300 } },
    });
    const hpa = LlmScaling.hpa({ maxReplicas: 4, scaleDownStabilization: Duration.minutes(15), variantCost: 10 });
    expect(hpa._resolve().json).toEqual({ maxReplicas: 4, wva: { variantCost: '10', hpa: { behavior: { scaleDown: { stabilizationWindowSeconds: 900 } } } } });
    expect(hpa.minReplicas).toBe(1);
    expect(hpa.maxReplicas).toBe(4);
  });

  test('LlmDataType is shared with ServedModel llm options', () => {
    expect(LlmDataType.BFLOAT16.value).toBe('bfloat16');
  });
});
