// Prefill/decode disaggregation with the managed router: prompt processing
// (prefill) runs on its own H100 pods with 4-way tensor parallelism, token
// generation (decode) on 2-GPU pods, and llm-d's scheduler routes each request
// to the decode replica with the best prefix-cache hit. Both halves autoscale
// with KEDA (KServe requires one actuator for both).
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, GpuProduct, KvCacheEvictionPolicy, LlmRouter, LlmScaling, LlmScheduler, LlmService, ModelStorage,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm-pd', { namespace: 'llm' });
  const pool = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });
  new LlmService(chart, 'qwen-32b', {
    storage: ModelStorage.fromHuggingFace('Qwen/Qwen2.5-32B-Instruct', { revision: 'main' }),
    modelName: 'qwen-32b',
    accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.H100_80GB_HBM3 }),
    nodePool: pool,
    resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) },
    scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 8 }),
    kvCacheOffloading: { cpu: Size.gibibytes(64), evictionPolicy: KvCacheEvictionPolicy.LRU },
    prefill: {
      accelerator: Accelerator.nvidiaGpu({ count: 4, product: GpuProduct.H100_80GB_HBM3 }),
      parallelism: { tensor: 4 },
      resources: { cpu: Cpu.units(16), memory: Size.gibibytes(96) },
      scaling: LlmScaling.keda({ minReplicas: 1, maxReplicas: 4 }),
    },
    router: LlmRouter.managed({ scheduler: LlmScheduler.managed({ replicas: 2 }) }),
    tracing: { exporterEndpoint: 'http://otel-collector.observability:4317', samplingRatio: 0.05 },
  });
  return app;
}

if (require.main === module) buildApp().synth();
