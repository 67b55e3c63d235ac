// Issue 18: the analysis of Gateway API canaries and header A/B tests, per engine: the typed serving checks
// are scoped to the candidate's pods and run while the Gateway sends it real request shares (or matched requests).
import { Duration } from 'cdk8s';
import {
  AbTest, CanaryRollout, GatewayExposure, GatewayRef, HeaderMatch, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine,
  Scaling, ServedModel, ServingCheck, ServingPlatform, TrafficRouter,
} from '../src';
import { docOf, newChart, synth } from './util';

const PROM = 'http://prometheus.monitoring:9090';

function fraud(chart: any) {
  return new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 8 }),
    platform: ServingPlatform.kubernetesDeployment(),
    gateway: GatewayExposure.route({ gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })], hostnames: ['fraud.models.example.com'] }),
  });
}

const analysis = () => RolloutAnalysis.prometheus({
  address: PROM,
  interval: Duration.minutes(1),
  failureThreshold: 3,
  checks: [ServingCheck.requestLatency({ max: Duration.millis(250), percentile: 95 }), ServingCheck.errorRate({ maxPercent: 1 })],
});

const CANDIDATE = { storage: ModelStorage.fromUri('s3://models/fraud/v8') };

describe('analysis of Gateway API canaries, per engine', () => {
  test('Argo + Gateway API plugin, weights 5/25/50: a background analysis on the candidate\'s pods (canary hash)', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'v8', { model: fraud(chart), candidate: CANDIDATE, steps: [5, 25, 50], trafficRouter: TrafficRouter.gatewayApi(), analysis: analysis() });
    const docs = synth(chart);
    const canary = docOf(docs, 'Rollout').spec.strategy.canary;
    expect(canary.steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual([5, 25, 50]);
    expect(canary.analysis.templates).toEqual([{ templateName: expect.any(String) }]);
    expect(canary.analysis.args).toEqual(expect.arrayContaining([
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ]));
    const t = docOf(docs, 'AnalysisTemplate');
    expect(canary.analysis.templates[0].templateName).toBe(t.metadata.name);
    const sel = 'namespace="{{args.namespace}}",pod=~"fraud-detector-{{args.canary-hash}}-.*"';
    const rows = t.spec.metrics.map((m: any) => [
      m.name, m.successCondition, m.failureLimit, m.interval, m.provider.prometheus.address, m.provider.prometheus.query,
    ]);
    expect(rows).toEqual([
      ['e2e-latency-p95', 'result[0] <= 250', 2, '1m', PROM,
        `histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[1m]))) * 1000`],
      ['error-rate', 'result[0] <= 1', 2, '1m', PROM,
        `100 * (sum(rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}[1m])) or vector(0)) / sum(rate(http_server_request_duration_seconds_count{${sel}}[1m]))`],
    ]);
  });

  test('Argo header A/B: the same analysis runs while the header route sends the matched requests', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'beta', {
      model: fraud(chart),
      candidate: CANDIDATE,
      trafficRouter: TrafficRouter.gatewayApi(),
      abTest: AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' })] }),
      analysis: analysis(),
    });
    const docs = synth(chart);
    const canary = docOf(docs, 'Rollout').spec.strategy.canary;
    expect(canary.steps.find((s: any) => s.setHeaderRoute).setHeaderRoute.match).toEqual([{ headerName: 'x-customer-tier', headerValue: { exact: 'beta' } }]);
    expect(canary.analysis.templates[0].templateName).toBe(docOf(docs, 'AnalysisTemplate').metadata.name);
    expect(docOf(docs, 'AnalysisTemplate').spec.metrics.map((m: any) => m.name)).toEqual(['e2e-latency-p95', 'error-rate']);
  });

  test('Flagger header A/B over Gateway API: analysis.match, iterations and the typed checks as MetricTemplates', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'beta', {
      model: fraud(chart),
      candidate: CANDIDATE,
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      abTest: AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' })] }),
      analysis: analysis(),
    });
    const docs = synth(chart);
    const c = docOf(docs, 'Canary').spec;
    expect(c.provider).toBe('gatewayapi:v1');
    expect(c.service.gatewayRefs).toEqual([{ name: 'inference', namespace: 'gateway-system' }]);
    expect(c.analysis.match).toEqual([{ headers: { 'x-customer-tier': { exact: 'beta' } } }]);
    expect(c.analysis.stepWeights).toBeUndefined();
    expect(c.analysis.threshold).toBe(3);
    expect(c.analysis.metrics.map((m: any) => [m.name, m.thresholdRange])).toEqual([['e2e-latency-p95', { max: 250 }], ['error-rate', { max: 1 }]]);
    const sel = 'namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+-[0-9a-zA-Z]+"';
    const t = docs.find((d) => d.kind === 'MetricTemplate' && d.metadata.name.endsWith('error-rate'));
    expect(t.spec.query).toBe(
      `100 * (sum(rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}[{{ interval }}])) or vector(0)) / sum(rate(http_server_request_duration_seconds_count{${sel}}[{{ interval }}]))`);
  });
});
