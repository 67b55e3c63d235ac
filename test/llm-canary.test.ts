import { Duration } from 'cdk8s';
import { docOf, newChart, synth } from './util';
import { Accelerator, GatewayRef, LlmCanary, LlmRouter, LlmService, MetricCheck, ModelStorage, ServingCheck, ServingMetrics } from '../src';

function twoVersions(chart = newChart('llm'), router: LlmRouter = LlmRouter.managed()) {
  const common = { modelName: 'llama', accelerator: Accelerator.nvidiaGpu(), router };
  const v1 = new LlmService(chart, 'llama-v1', { storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v1' }), ...common });
  const v2 = new LlmService(chart, 'llama-v2', { storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v2' }), ...common });
  return { chart, v1, v2 };
}

describe('LlmCanary', () => {
  test('a 90/10 split: both services join one route group with weights; alert rules from the typed serving checks', () => {
    const { chart, v1, v2 } = twoVersions();
    const canary = new LlmCanary(chart, 'canary', {
      stable: v1,
      candidate: v2,
      candidateWeight: 10,
      group: 'llama',
      alerts: {
        checks: [
          ServingCheck.timeToFirstToken({ max: Duration.millis(800) }),
          ServingCheck.interTokenLatency({ max: Duration.millis(50), percentile: 95 }),
          ServingCheck.requestLatency({ max: Duration.seconds(30), metrics: ServingMetrics.VLLM }),
          ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM }),
          ServingCheck.tokensPerSecond({ min: 20 }),
          MetricCheck.between({ name: 'kv-cache', query: 'max(vllm:kv_cache_usage_perc{namespace="llm"})', min: 0.1, max: 0.95 }),
        ],
        window: Duration.minutes(10),
      },
    });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'llama-v1').spec.router.route).toEqual({ group: 'llama', weight: 90 });
    expect(docOf(docs, 'LLMInferenceService', 'llama-v2').spec.router.route).toEqual({ group: 'llama', weight: 10 });
    expect(docOf(docs, 'LLMInferenceService', 'llama-v2').spec.router.gateway).toEqual({});
    expect([canary.stableWeight, canary.candidateWeight]).toEqual([90, 10]);
    const rule = docOf(docs, 'PrometheusRule', 'llama-v2-canary');
    expect(rule.metadata.namespace).toBe('llm');
    const rules = rule.spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual([
      'LlmCanaryTtftP99', 'LlmCanaryItlP95', 'LlmCanaryE2eLatencyP99', 'LlmCanaryErrorRate', 'LlmCanaryTokensPerSecond', 'LlmCanaryKvCache',
    ]);
    // The candidate's vLLM pods, not its endpoint picker's.
    const sel = 'namespace="llm",pod=~"llama-v2-kserve-.*",pod!~"llama-v2-kserve-router-scheduler-.*"';
    const p = (q: number, m: string) => `(histogram_quantile(${q}, sum by (le) (rate(${m}_bucket{${sel}}[600s]))) * 1000)`;
    expect(rules[0].expr).toBe(`${p(0.99, 'vllm:time_to_first_token_seconds')} > 800`);
    expect(rules[1].expr).toBe(`${p(0.95, 'vllm:inter_token_latency_seconds')} > 50`);
    expect(rules[2].expr).toBe(`${p(0.99, 'vllm:e2e_request_latency_seconds')} > 30000`);
    // HTTP 5xx responses of vLLM's API server, not aborted requests (a client that disconnects aborts its request).
    expect(rules[3].expr).toBe(`(100 * (sum(rate(http_requests_total{${sel},status="5xx"}[600s])) or vector(0)) / sum(rate(http_requests_total{${sel}}[600s]))) > 1`);
    expect(rules[4].expr).toBe(`(sum(rate(vllm:generation_tokens_total{${sel}}[600s]))) < 20`);
    const kv = '(max(vllm:kv_cache_usage_perc{namespace="llm"}))';
    expect(rules[5].expr).toBe(`${kv} < 0.1 or ${kv} > 0.95`);
    expect(rules.map((r: any) => r.expr).join(' ')).not.toContain('abort');
    expect(rules[0].for).toBe('600s');
    expect(rules[0].labels).toEqual({ service: 'llama-v2', group: 'llama', severity: 'critical', check: 'ttft-p99' });
    expect(rules[0].annotations.summary).toBe('LLM canary llama-v2 (group llama, 10% of traffic): ttft-p99 is {{ $value }}, above 800');
    expect(rules[4].annotations.summary).toContain('tokens-per-second is {{ $value }}, below 20');
    expect(rules[5].annotations.summary).toContain('kv-cache is {{ $value }}, outside [0.1, 0.95]');
    expect(rules[0].annotations.description).toContain('set candidateWeight: 0 on test/canary');
  });

  test('the alerts read the same checks a rollout analysis takes: one query per check', () => {
    const ttft = ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 99.9 });
    const { chart, v1, v2 } = twoVersions();
    new LlmCanary(chart, 'canary', { stable: v1, candidate: v2, alerts: { checks: [ttft] } });
    const rule = docOf(synth(chart), 'PrometheusRule', 'llama-v2-canary').spec.groups[0].rules[0];
    expect(ttft.query).toBe('histogram_quantile(0.999, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{<candidate>}[<window>]))) * 1000');
    expect(rule.expr).toBe(`(${ttft.query.replace('<candidate>', 'namespace="llm",pod=~"llama-v2-kserve-.*",pod!~"llama-v2-kserve-router-scheduler-.*"').replace('<window>', '300s')}) > 500`);
    expect(rule.alert).toBe('LlmCanaryTtftP999');
    expect(rule.for).toBe('300s');
  });

  test('promotion sends all traffic to the candidate; the group defaults to the stable name', () => {
    const { chart, v1, v2 } = twoVersions();
    new LlmCanary(chart, 'canary', { stable: v1, candidate: v2, promote: true });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'llama-v1').spec.router.route).toEqual({ group: 'llama-v1', weight: 0 });
    expect(docOf(docs, 'LLMInferenceService', 'llama-v2').spec.router.route).toEqual({ group: 'llama-v1', weight: 100 });
    expect(docs.filter((d) => d.kind === 'PrometheusRule')).toEqual([]);
  });

  test('existing Gateways keep their refs next to the group', () => {
    const { chart, v1, v2 } = twoVersions(newChart('llm'), LlmRouter.gateways([GatewayRef.of('gw')]));
    new LlmCanary(chart, 'canary', { stable: v1, candidate: v2, candidateWeight: 0 });
    const route = docOf(synth(chart), 'LLMInferenceService', 'llama-v1');
    expect(route.spec.router).toEqual({ gateway: { refs: [{ name: 'gw' }] }, route: { group: 'llama-v1', weight: 100 }, scheduler: {} });
  });

  test.each<[string, (s: ReturnType<typeof twoVersions>) => unknown, string]>([
    ['a weight above 100', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, candidateWeight: 101 }),
      'test/c: candidateWeight 101 is out of range; use a number from 0 to 100'],
    ['a fractional weight', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, candidateWeight: 2.5 }), 'test/c: candidateWeight 2.5 is not a whole percent'],
    ['promote with a weight', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, promote: true, candidateWeight: 50 }),
      'test/c: candidateWeight 50 contradicts promote: true'],
    ['the same service twice', ({ chart, v1 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v1 }), 'test/c: candidate "test/llama-v1" is the stable service'],
    ['a bad group', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, group: 'Llama' }), 'test/c: group "Llama" is not a valid DNS-1123 label'],
    ['alerts without checks', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: { checks: [] } }),
      'test/c: alerts.checks [] is empty; give at least one check'],
    ['alerts with no checks list', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: {} as any }), 'test/c: alerts.checks undefined is empty'],
    ['a check that is not a MetricCheck', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: { checks: [{ name: 'x' } as any] } }),
      'test/c: alerts.checks[0] {"name":"x"} is not a MetricCheck'],
    ['a check used twice', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', {
      stable: v1,
      candidate: v2,
      alerts: { checks: [ServingCheck.timeToFirstToken({ max: Duration.millis(1) }), ServingCheck.timeToFirstToken({ max: Duration.millis(2) })] },
    }), 'test/c: alerts.checks "ttft-p99" is used twice'],
    ['an error rate on OpenTelemetry metrics', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', {
      stable: v1, candidate: v2, alerts: { checks: [ServingCheck.errorRate({ maxPercent: 1 })] },
    }), 'test/c: alerts.checks[0] "error-rate" reads OpenTelemetry HTTP server metrics, which vLLM does not export (the alert would never fire); '
      + 'pass metrics: ServingMetrics.VLLM'],
    ['a request latency on OpenTelemetry metrics', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', {
      stable: v1,
      candidate: v2,
      alerts: { checks: [ServingCheck.requestLatency({ max: Duration.seconds(1), metrics: ServingMetrics.OPEN_TELEMETRY })] },
    }), 'test/c: alerts.checks[0] "e2e-latency-p99" reads OpenTelemetry HTTP server metrics'],
    ['an invalid check', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: { checks: [MetricCheck.max({ name: 'Bad Name', query: 'up', threshold: 1 })] } }),
      'test/c: alerts.checks[0] MetricCheck.max: name "Bad Name"'],
    ['a short window', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', {
      stable: v1,
      candidate: v2,
      alerts: { checks: [ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM })], window: Duration.seconds(10) },
    }), 'test/c: alerts.window "10s" is out of range'],
    ['a second group', ({ chart, v1, v2 }) => {
      new LlmCanary(chart, 'c', { stable: v1, candidate: v2 });
      const v3 = new LlmService(chart, 'v3', { storage: ModelStorage.fromHuggingFace('o/m'), modelName: 'llama', accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed() });
      return new LlmCanary(chart, 'd', { stable: v3, candidate: v2, group: 'other' });
    }, 'test/d: services "test/llama-v2" already belongs to the route group "llama-v1"'],
  ])('%s fails', (_n, f, message) => {
    expect(() => f(twoVersions())).toThrow(message);
  });

  test('services without a managed route cannot split traffic (KServe webhook)', () => {
    const chart = newChart('llm');
    const a = twoVersions(chart, LlmRouter.httpRoutes(['r']));
    expect(() => new LlmCanary(chart, 'c', { stable: a.v1, candidate: a.v2 }))
      .toThrow('test/c: services "test/llama-v1" uses its own HTTPRoutes, which KServe cannot split traffic on; give the service LlmRouter.managed() or LlmRouter.gateways(...)');
    const chart2 = newChart('llm');
    const b = twoVersions(chart2, LlmRouter.NONE);
    expect(() => new LlmCanary(chart2, 'c', { stable: b.v1, candidate: b.v2 })).toThrow('has no router, so no HTTPRoute to split traffic on');
    const chart3 = newChart('llm');
    const c = twoVersions(chart3, LlmRouter.ingress());
    expect(() => new LlmCanary(chart3, 'c', { stable: c.v1, candidate: c.v2 })).toThrow('is exposed through an Ingress; KServe splits traffic on its HTTPRoutes only');
  });

  test('both versions must serve the same model name, in one namespace', () => {
    const chart = newChart('llm');
    const acc = Accelerator.nvidiaGpu();
    const a = new LlmService(chart, 'a', { storage: ModelStorage.fromHuggingFace('o/m'), accelerator: acc, router: LlmRouter.managed() });
    const b = new LlmService(chart, 'b', { storage: ModelStorage.fromHuggingFace('o/m'), accelerator: acc, router: LlmRouter.managed() });
    expect(() => new LlmCanary(chart, 'c', { stable: a, candidate: b })).toThrow('test/c: candidate "b" serves another model name than the stable service (a)');
    const c = new LlmService(chart, 'c2', { storage: ModelStorage.fromHuggingFace('o/m'), modelName: 'a', namespace: 'other', accelerator: acc, router: LlmRouter.managed() });
    expect(() => new LlmCanary(chart, 'd', { stable: a, candidate: c })).toThrow('test/d: candidate "other" is in another namespace than the stable service (llm)');
  });
});
