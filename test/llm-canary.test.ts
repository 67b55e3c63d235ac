import { Duration } from 'cdk8s';
import { docOf, newChart, synth } from './util';
import { Accelerator, GatewayRef, LlmCanary, LlmRouter, LlmService, ModelStorage } from '../src';

function twoVersions(chart = newChart('llm'), router: LlmRouter = LlmRouter.managed()) {
  const common = { modelName: 'llama', accelerator: Accelerator.nvidiaGpu(), router };
  const v1 = new LlmService(chart, 'llama-v1', { storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v1' }), ...common });
  const v2 = new LlmService(chart, 'llama-v2', { storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v2' }), ...common });
  return { chart, v1, v2 };
}

describe('LlmCanary', () => {
  test('a 90/10 split: both services join one route group with weights; alert rules on TTFT, ITL and errors', () => {
    const { chart, v1, v2 } = twoVersions();
    const canary = new LlmCanary(chart, 'canary', {
      stable: v1,
      candidate: v2,
      candidateWeight: 10,
      group: 'llama',
      alerts: {
        maxTimeToFirstToken: Duration.millis(800), maxInterTokenLatency: Duration.millis(50), maxErrorRatePercent: 1, window: Duration.minutes(10),
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
    expect(rules.map((r: any) => r.alert)).toEqual(['LlmCanaryTimeToFirstTokenHigh', 'LlmCanaryInterTokenLatencyHigh', 'LlmCanaryErrorRateHigh']);
    const sel = 'namespace="llm",pod=~"llama-v2-kserve-.*"';
    expect(rules[0].expr).toBe(`histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${sel}}[600s]))) > 0.8`);
    expect(rules[1].expr).toBe(`histogram_quantile(0.99, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{${sel}}[600s]))) > 0.05`);
    expect(rules[2].expr).toBe(`100 * sum(rate(vllm:request_success_total{${sel},finished_reason="abort"}[600s])) / sum(rate(vllm:request_success_total{${sel}}[600s])) > 1`);
    expect(rules[0].for).toBe('600s');
    expect(rules[0].labels).toEqual({ service: 'llama-v2', group: 'llama', severity: 'critical' });
    expect(rules[0].annotations.description).toContain('set candidateWeight: 0 on test/canary');
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
    ['alerts without thresholds', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: {} }), 'test/c: alerts {} sets no threshold'],
    ['a short window', ({ chart, v1, v2 }) => new LlmCanary(chart, 'c', { stable: v1, candidate: v2, alerts: { maxErrorRatePercent: 1, window: Duration.seconds(10) } }),
      'test/c: alerts.window "10s" is out of range'],
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
