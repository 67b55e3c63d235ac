// A 90/10 canary between two versions of an LLM service: both join the route
// group "llama" and KServe's managed HTTPRoutes split requests 90/10. A
// PrometheusRule pages when the candidate's time to first token, inter-token
// latency or share of HTTP 5xx responses degrades (the same typed
// ServingChecks a Flagger or Argo analysis takes); KServe does not roll back on
// its own: set candidateWeight back to 0 (rollback) or promote: true.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import {
  Accelerator, GpuNodePool, GpuProduct, LlmCanary, LlmRouter, LlmService, ModelStorage, ServingCheck, ServingMetrics,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'llm-canary', { namespace: 'llm' });
  const common = {
    modelName: 'llama',
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.A100_SXM4_80GB }),
    nodePool: GpuNodePool.custom({ labels: { pool: 'a100' }, gpusPerNode: 8 }),
    replicas: 2,
    router: LlmRouter.managed(),
  };
  const stable = new LlmService(chart, 'llama-v1', {
    storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' }),
    ...common,
  });
  const candidate = new LlmService(chart, 'llama-v2', {
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'llama-3.1-8b-instruct/finetune-2026-11' }),
    ...common,
  });
  new LlmCanary(chart, 'llama-canary', {
    stable,
    candidate,
    group: 'llama',
    candidateWeight: 10,
    alerts: {
      checks: [
        ServingCheck.timeToFirstToken({ max: Duration.millis(800) }),
        ServingCheck.interTokenLatency({ max: Duration.millis(60) }),
        ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM }),
      ],
    },
  });
  return app;
}

if (require.main === module) buildApp().synth();
