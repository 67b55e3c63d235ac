// LoRA adapters on a shared base model: one vLLM deployment serves the base
// model and two fine-tuned adapters, each under its own model name; clients
// pick one with the request's "model" field ("llama-3-8b", "sql" or "support").
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { Accelerator, GpuNodePool, GpuProduct, LlmRouter, LlmService, LoraAdapter, ModelStorage } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm-lora', { namespace: 'llm' });
  new LlmService(chart, 'llama-8b-lora', {
    storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' }),
    modelName: 'llama-3-8b',
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L40S }),
    nodePool: GpuNodePool.aks('gpul40s'),
    replicas: 2,
    loraAdapters: [
      LoraAdapter.of({ name: 'sql', storage: ModelStorage.fromHuggingFace('acme/llama-3-8b-sql-lora', { revision: 'v2' }) }),
      LoraAdapter.of({ name: 'support', storage: ModelStorage.fromS3({ bucket: 'acme-adapters', key: 'support/v5' }) }),
    ],
    lora: { maxRank: 32, maxAdapters: 2 },
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'adapter-reader', 'adapter-reader'),
    router: LlmRouter.managed(),
  });
  return app;
}

if (require.main === module) buildApp().synth();
