import { Duration } from 'cdk8s';
import {
  CanaryRollout, GatewayExposure, GatewayRef, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling, ServedModel,
  ServingCheck, ServingMetrics, ServingPlatform, TrafficRouter,
} from '../src';
import { PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';


const CHECKS = () => [
  ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 95 }),
  ServingCheck.interTokenLatency({ max: Duration.millis(50) }),
  ServingCheck.requestLatency({ max: Duration.seconds(20), percentile: 99.9, metrics: ServingMetrics.VLLM }),
  ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM }),
  ServingCheck.tokensPerSecond({ min: 200 }),
];

function llm(chart: any, props: Record<string, unknown> = {}) {
  return new ServedModel(chart, 'chat', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://meta-llama/Llama-3.1-8B-Instruct'),
    scaling: Scaling.fixedReplicas(2),
    platform: ServingPlatform.kubernetesDeployment(),
    ...props,
  });
}

describe('ServingCheck', () => {
  test('Argo AnalysisTemplate: TTFT, ITL, e2e latency, error rate and tokens/s scoped to the candidate\'s pods', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: llm(chart),
      candidate: { runtimeVersion: 'v0.11.0' },
      steps: [10, 50],
      analysis: RolloutAnalysis.prometheus({ address: PROM, checks: CHECKS(), interval: Duration.minutes(2) }),
    });
    const t = docOf(synth(chart), 'AnalysisTemplate');
    const sel = 'namespace="{{args.namespace}}",pod=~"chat-{{args.canary-hash}}-.*"';
    expect(t.spec.metrics.map((m: any) => [m.name, m.successCondition, m.provider.prometheus.query])).toEqual([
      ['ttft-p95', 'result[0] <= 500', `histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${sel}}[2m]))) * 1000`],
      ['itl-p99', 'result[0] <= 50', `histogram_quantile(0.99, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{${sel}}[2m]))) * 1000`],
      ['e2e-latency-p999', 'result[0] <= 20000', `histogram_quantile(0.999, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{${sel}}[2m]))) * 1000`],
      ['error-rate', 'result[0] <= 1',
        `100 * (sum(rate(http_requests_total{${sel},status="5xx"}[2m])) or vector(0)) / sum(rate(http_requests_total{${sel}}[2m]))`],
      ['tokens-per-second', 'result[0] >= 200', `sum(rate(vllm:generation_tokens_total{${sel}}[2m]))`],
    ]);
  });

  test('Flagger MetricTemplates on a Deployment use {{ target }} pods and {{ interval }}; OpenTelemetry sources by default', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: llm(chart, { gateway: GatewayExposure.route({ gateways: [GatewayRef.of('inference')] }) }),
      steps: [10],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: RolloutAnalysis.prometheus({
        address: PROM,
        checks: [ServingCheck.requestLatency({ max: Duration.millis(800) }), ServingCheck.errorRate({ maxPercent: 0.5 })],
      }),
    });
    const docs = synth(chart);
    const sel = 'namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+-[0-9a-zA-Z]+"';
    expect(docOf(docs, 'MetricTemplate', 'chat-e2e-latency-p99').spec.query)
      .toBe(`histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[{{ interval }}]))) * 1000`);
    expect(docOf(docs, 'MetricTemplate', 'chat-error-rate').spec.query).toBe(
      `100 * (sum(rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}[{{ interval }}])) or vector(0))`
      + ` / sum(rate(http_server_request_duration_seconds_count{${sel}}[{{ interval }}]))`);
    expect(docOf(docs, 'Canary').spec.analysis.metrics).toEqual([
      { name: 'e2e-latency-p99', templateRef: { name: 'chat-e2e-latency-p99' }, thresholdRange: { max: 800 }, interval: '1m' },
      { name: 'error-rate', templateRef: { name: 'chat-error-rate' }, thresholdRange: { max: 0.5 }, interval: '1m' },
    ]);
  });

  test('engines that cannot select the candidate\'s pods reject typed checks', () => {
    const analysis = RolloutAnalysis.prometheus({ address: PROM, checks: [ServingCheck.timeToFirstToken({ max: Duration.millis(500) })] });
    const c1 = newChart('ml');
    expect(() => new CanaryRollout(c1, 'r', { model: llm(c1, { platform: ServingPlatform.kserve(), scaling: undefined }), steps: [10], analysis }))
      .toThrow('test/r: analysis.checks ["ttft-p99"] need the candidate\'s pods, which KServe\'s canary (Knative mode) cannot select in a query;');
    const c2 = newChart('ml');
    expect(() => new CanaryRollout(c2, 'r', { model: llm(c2, { platform: ServingPlatform.knativeService(), scaling: undefined }), steps: [10], analysis }))
      .toThrow('test/r: analysis.checks ["ttft-p99"] need the candidate\'s pods, which Flagger (knative provider) cannot select in a query;');
  });

  test('bad options', () => {
    expect(() => ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 100 })._resolve())
      .toThrow('ServingCheck.timeToFirstToken: percentile 100 is out of range; use a percentile from 50 to 99.9 with at most one decimal');
    expect(() => ServingCheck.interTokenLatency({} as any)._resolve()).toThrow('ServingCheck.interTokenLatency: max undefined is missing;');
    expect(() => ServingCheck.errorRate({ maxPercent: 101 })._resolve()).toThrow('ServingCheck.errorRate: maxPercent 101 is out of range; use a number from 0 to 100');
    expect(() => ServingCheck.tokensPerSecond({ min: -1 })._resolve()).toThrow('ServingCheck.tokensPerSecond: min -1 is out of range;');
    const twice = [ServingCheck.errorRate({ maxPercent: 1 }), ServingCheck.errorRate({ maxPercent: 2 })];
    // RolloutAnalysis keeps its error until a rollout uses it, then raises it after the rollout's path.
    const chart = newChart('ml');
    const analysis = RolloutAnalysis.prometheus({ address: PROM, checks: twice });
    expect(() => new CanaryRollout(chart, 'r', { model: llm(chart), steps: [10], analysis }))
      .toThrow('test/r: analysis RolloutAnalysis.prometheus: checks "error-rate" is used twice; give every check a unique name');
  });

  test('a typed check shows its query with placeholders', () => {
    const c: MetricCheck = ServingCheck.tokensPerSecond({ min: 1 });
    expect(c.name).toBe('tokens-per-second');
    expect(c.query).toBe('sum(rate(vllm:generation_tokens_total{<candidate>}[<window>]))');
  });
});
