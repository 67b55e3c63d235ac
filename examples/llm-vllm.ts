// A 70B LLM on KServe's Hugging Face runtime with the vLLM backend: weights
// from the Hugging Face Hub (hf://, pinned to a revision), sharded over the
// 4 GPUs of each replica (tensor parallelism follows the GPU count), and
// cached ahead of time on the GPU nodes' NVMe disks so a new replica starts
// without pulling 140 GB. KnativeFeatures turns on the Knative flags the GPU
// placement needs.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, GpuProduct, KnativeFeatures, LlmDataType, LocalModelCache, LocalModelNodeGroup, ModelFormat, ModelStorage, Scaling,
  ServedModel,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const gpuPool = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });
  const weights = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-70B-Instruct', { revision: '1605565b47bb9346c5515c34102e054115b4f98b' });

  // Cluster-scoped caching resources, applied by the platform team.
  const cluster = new Chart(app, 'model-cache');
  const nvme = new LocalModelNodeGroup(cluster, 'h100-nvme', {
    storageLimit: Size.tebibytes(2),
    localPath: '/mnt/models',
    nodePool: gpuPool,
  });
  const cache = new LocalModelCache(cluster, 'llama-3-1-70b', {
    storage: weights,
    modelSize: Size.gibibytes(140),
    nodeGroups: [nvme],
    serviceAccount: ServiceAccount.fromServiceAccountName(cluster, 'hf-downloader', 'hf-downloader'),
  });

  const llm = new Chart(app, 'llm', { namespace: 'llm' });
  llm.addDependency(cluster);
  new ServedModel(llm, 'llama-70b', {
    format: ModelFormat.HUGGINGFACE,
    storage: weights,
    modelCache: cache,
    accelerator: Accelerator.nvidiaGpu({ count: 4, product: GpuProduct.H100_80GB_HBM3 }),
    nodePool: gpuPool,
    resources: { cpu: Cpu.units(16), memory: Size.gibibytes(200) },
    args: ['--model_name=llama-70b'],
    llm: {
      maxModelLength: 32768,
      gpuMemoryUtilization: 0.92,
      dtype: LlmDataType.BFLOAT16,
      maxNumSeqs: 128,
      enablePrefixCaching: true,
    },
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, target: 32 }),
    timeout: Duration.minutes(10),
    serviceAccount: ServiceAccount.fromServiceAccountName(llm, 'hf-reader', 'hf-reader'),
  });

  // Knative (KServe's default mode) rejects the GPU pool's nodeSelector, tolerations and
  // affinity unless config-features enables them: this writes exactly the flags needed.
  new KnativeFeatures(cluster, 'knative-features');

  return app;
}

if (require.main === module) buildApp().synth();
