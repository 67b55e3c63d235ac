// A model larger than one node's GPUs on KServe's multi-node Hugging Face
// runtime (workerSpec): each replica spans 2 nodes (pipeline parallel) with
// 8 GPUs each (tensor parallel). The model lives on a PVC every node mounts.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { Accelerator, GpuNodePool, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm', { namespace: 'llm' });

  new ServedModel(chart, 'llama-405b', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'llama-405b', path: 'Meta-Llama-3.1-405B-Instruct' }),
    accelerator: Accelerator.nvidiaGpu({ count: 8 }),
    nodePool: GpuNodePool.custom({ labels: { 'node.kubernetes.io/instance-type': 'p5.48xlarge' }, gpusPerNode: 8 }),
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.fixedReplicas(1),
    workerSpec: { pipelineParallelSize: 2 },
  });

  return app;
}

if (require.main === module) buildApp().synth();
