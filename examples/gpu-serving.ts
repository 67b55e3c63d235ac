// Two GPU models on KServe (Knative mode): a small model on one MIG slice that
// scales to zero, and an LLM on two full A100s (tensor parallel) on a GKE
// pool. KnativeFeatures switches on exactly the pod-spec flags they need, and
// GpuCapacityReport writes gpu-capacity.md / .json next to the YAML.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  Accelerator, GpuCapacityReport, GpuNodePool, GpuProduct, KnativeFeatures, MigProfile, ModelFormat, ModelStorage, Scaling, ServedModel,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const models = new Chart(app, 'gpu-models', { namespace: 'ml' });

  // One 1g.10gb slice of an A100 80GB; idle for 15 minutes -> zero replicas.
  new ServedModel(models, 'reranker', {
    format: ModelFormat.PYTORCH,
    storage: ModelStorage.fromUri('s3://models/reranker/v3'),
    accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { product: GpuProduct.A100_SXM4_80GB }),
    resources: { memory: Size.gibibytes(8) },
    scaling: Scaling.scaleToZero({ maxReplicas: 4, target: 8 }),
  });

  // Two whole A100 80GB GPUs per replica: vLLM gets --tensor-parallel-size=2.
  new ServedModel(models, 'llm', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://meta-llama/Llama-3.1-70B-Instruct'),
    accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.A100_SXM4_80GB }),
    nodePool: GpuNodePool.gke('nvidia-a100-80gb', { gpusPerNode: 8 }),
    resources: { memory: Size.gibibytes(64) },
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, target: 4 }),
    startup: { timeout: Duration.minutes(30) },
  });

  new KnativeFeatures(new Chart(app, 'knative-config'), 'features');
  new GpuCapacityReport(app, 'gpu-capacity');
  return app;
}

if (require.main === module) buildApp().synth();
