import { Chart } from 'cdk8s';
import {
  Accelerator, GpuCapacityReport, GpuNodePool, GpuProduct, LlmScaling, LlmService, ModelStorage,
} from '../src';
import { testApp } from './fixtures/temp';

describe('GpuCapacityReport counts LLM services per role', () => {
  test('decode, prefill and multi-node workers at minimum and maximum scale', () => {
    const app = testApp();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    const h100 = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
    const pool = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });
    new LlmService(chart, 'big', {
      storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-70B-Instruct'),
      accelerator: h100,
      nodePool: pool,
      parallelism: { tensor: 8, data: 2, dataLocal: 1 },
      scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 3, idleReplicaCount: 1 }),
    });
    new LlmService(chart, 'pd', {
      storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct'),
      accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.H100_80GB_HBM3 }),
      nodePool: pool,
      replicas: 2,
      prefill: { replicas: 4, accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.H100_80GB_HBM3 }) },
    });
    const report = new GpuCapacityReport(app, 'gpu', { writeFiles: false });
    const rows = report.entries.map((e) => [
      e.name, e.role, e.platform, e.devicesPerReplica, e.minReplicas, e.maxReplicas, e.minDevices, e.maxDevices, e.maxNodes,
    ]);
    expect(rows).toEqual([
      ['big', 'server', 'kserve-llm', 8, 1, 3, 8, 24, 3],
      ['big', 'server-workers', 'kserve-llm', 8, 1, 3, 8, 24, 3],
      ['pd', 'decode', 'kserve-llm', 2, 2, 2, 4, 4, 1],
      ['pd', 'prefill', 'kserve-llm', 1, 4, 4, 4, 4, 1],
    ]);
    expect(report.totals).toEqual([{ capacityKey: 'NVIDIA-H100-80GB-HBM3', resourceName: 'nvidia.com/gpu', minDevices: 24, maxDevices: 56, models: 2 }]);
    expect(report.toMarkdown()).toContain('| big [server-workers] (`llm/big`) | llm | kserve-llm | NVIDIA-H100-80GB-HBM3 | 8 x `nvidia.com/gpu` | 1-3 | 8 | 24 | 3 | - |');
    expect(report.toJson().models[1].role).toBe('server-workers');
  });

  test('a CPU-only LLM service is not counted', () => {
    const app = testApp();
    const chart = new Chart(app, 'llm');
    new LlmService(chart, 'cpu', { storage: ModelStorage.fromHuggingFace('o/m'), image: 'public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.11.0' });
    expect(new GpuCapacityReport(app, 'gpu', { writeFiles: false }).entries).toEqual([]);
  });
});
