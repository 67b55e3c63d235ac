// An 8B model on one NVIDIA L4 of a GKE pool, autoscaled by KServe's Workload
// Variant Autoscaler with KEDA: two replicas while busy, up to four under load,
// and down to one warm replica when idle. (KServe 0.20's LLMInferenceService
// does not scale to zero: idleReplicaCount must be at least 1. `replicas: 0`
// stops the service instead.) The Hugging Face token comes from a Secret.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, Secret } from 'cdk8s-plus-28';
import { Accelerator, GpuNodePool, GpuProduct, LlmDataType, LlmRouter, LlmScaling, LlmService, ModelStorage } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm-small', { namespace: 'llm' });
  const hfToken = Secret.fromSecretName(chart, 'hf-token', 'hf-token');
  new LlmService(chart, 'llama-8b', {
    storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' }),
    modelName: 'llama-3-8b',
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
    nodePool: GpuNodePool.gke('nvidia-l4'),
    resources: { cpu: Cpu.units(6), memory: Size.gibibytes(24) },
    vllm: { maxModelLength: 8192, gpuMemoryUtilization: 0.9, dtype: LlmDataType.BFLOAT16, enablePrefixCaching: true },
    envVariables: { HF_TOKEN: EnvValue.fromSecretValue({ secret: hfToken, key: 'token' }) },
    scaling: LlmScaling.keda({
      minReplicas: 2,
      maxReplicas: 4,
      idleReplicaCount: 1,
      variantCost: 2,
      cooldownPeriod: Duration.minutes(15),
      initialCooldownPeriod: Duration.minutes(10),
    }),
    router: LlmRouter.managed(),
  });
  return app;
}

if (require.main === module) buildApp().synth();
