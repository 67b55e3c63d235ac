// A 70B model over two 8-GPU H100 nodes per replica: tensor parallelism inside
// each node, data parallelism across the two (KServe's data-parallel preset runs
// them as one LeaderWorkerSet; the worker pod is derived from the leader's).
// A platform preset (LlmServiceConfig) pins the image and vLLM settings for
// every H100 service, and the GPU capacity report counts leaders and workers.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, GatewayRef, GpuCapacityReport, GpuNodePool, GpuProduct, LlmDataType, LlmRouter, LlmService, LlmServiceConfig, ModelStorage,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm-large', { namespace: 'llm' });
  const h100 = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
  const p5 = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });

  const preset = new LlmServiceConfig(chart, 'vllm-h100', {
    image: 'ghcr.io/llm-d/llm-d-cuda:v0.8.0',
    vllm: { gpuMemoryUtilization: 0.92, dtype: LlmDataType.BFLOAT16 },
    envVariables: { VLLM_LOGGING_LEVEL: EnvValue.fromValue('INFO') },
  });

  new LlmService(chart, 'llama-70b', {
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'meta-llama/Llama-3.1-70B-Instruct' }),
    modelName: 'llama-3-70b',
    accelerator: h100,
    nodePool: p5,
    parallelism: { tensor: 8, data: 2, dataLocal: 1 },
    replicas: 1,
    resources: { cpu: Cpu.units(32), memory: Size.gibibytes(512) },
    vllm: { maxModelLength: 32768 },
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'model-reader', 'model-reader'),
    router: LlmRouter.gateways([GatewayRef.of('inference-gateway', { namespace: 'gateways' })]),
    config: [preset],
  });
  new GpuCapacityReport(app, 'gpu-capacity');
  return app;
}

if (require.main === module) buildApp().synth();
