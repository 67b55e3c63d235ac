// A header A/B test of a chat model's new weights: requests of beta
// customers (header `x-customer-tier: beta`; HeaderMatch.cookie matches a
// cookie the same way) go to the candidate for two hours, judged on time to
// first token, inter-token latency and errors from vLLM's metrics; everyone
// else stays on the stable model. Flagger then promotes it, or rolls it back.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, ServiceAccount } from 'cdk8s-plus-28';
import {
  AbTest, Accelerator, CanaryRollout, GatewayExposure, GatewayRef, HeaderMatch, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling,
  ServedModel, ServingCheck, ServingMetrics, ServingPlatform, TrafficRouter,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'chat-ab', { namespace: 'llm' });

  const chat = new ServedModel(chart, 'chat', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' }),
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    resources: { cpu: Cpu.units(8), memory: Size.gibibytes(48) },
    scaling: Scaling.fixedReplicas(2),
    platform: ServingPlatform.kubernetesDeployment(),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'hf-reader', 'hf-reader'),
    gateway: GatewayExposure.route({
      gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })],
      hostnames: ['chat.example.com'],
      requestTimeout: Duration.minutes(5),
    }),
  });

  new CanaryRollout(chart, 'chat-finetune-v2', {
    model: chat,
    candidate: { storage: ModelStorage.fromHuggingFace('acme/llama-3.1-8b-support-v2', { revision: '5f1c0a6b3e2d4c7a9b8e1f0d2c3b4a5968776655' }) },
    engine: RolloutEngine.FLAGGER,
    trafficRouter: TrafficRouter.gatewayApi(),
    stepInterval: Duration.minutes(2),
    abTest: AbTest.headers({
      matches: [HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' })],
      duration: Duration.hours(2),
    }),
    requireAutomaticRollback: true,
    analysis: RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      interval: Duration.minutes(2),
      checks: [
        ServingCheck.timeToFirstToken({ max: Duration.millis(800), percentile: 95 }),
        ServingCheck.interTokenLatency({ max: Duration.millis(60) }),
        ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM }),
      ],
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
