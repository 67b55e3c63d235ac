/**
 * Errors name the model (issue 16): the newer value classes (GatewayRef,
 * GatewayExposure, TrafficRouter, HeaderMatch, AbTest, LoadTest,
 * ServingCheck, LlmRouter, LlmScheduler, LlmScaling, LoraAdapter) keep a
 * factory's error instead of throwing it; the construct that uses the value
 * raises it after its path and prop, the factory's message kept whole. In a
 * fleet built in a loop, the path says which model.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  AbTest, Accelerator, CanaryRollout, GatewayExposure, GatewayRef, GraphNode, GraphStep, HeaderMatch, InferenceGraph, LlmRouter, LlmScaling,
  LlmScheduler, LlmService, LlmServiceConfig, LoadTest, LoraAdapter, ModelFormat, ModelStorage, RolloutAnalysis, ServedModel, ServedModelProps,
  ServingCheck, ServingPlatform, ServingRuntime, TrafficRouter,
} from '../src';
import { testApp } from './util';

const GATEWAY = GatewayRef.of('inference', { namespace: 'gateway-system' });
const ROUTE = GatewayExposure.route({ gateways: [GATEWAY], hostnames: ['m.example.com'] });
const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });
const base: ServedModelProps = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }), platform: ServingPlatform.kubernetesDeployment() };
const PROM = 'http://prometheus.monitoring:9090';

function chart(): Chart {
  return new Chart(testApp(), 'c', { namespace: 'ml' });
}

/** The message of building (and synthesizing) something, or a failure of the test. */
function messageOf(build: (c: Chart) => void): string {
  const c = chart();
  try {
    build(c);
    Testing.synth(c);
  } catch (e: any) {
    return e.message;
  }
  throw new Error('expected an error');
}

describe('factories keep their error: no throw where the value is created', () => {
  test.each<[string, () => unknown]>([
    ['GatewayRef.of', () => GatewayRef.of('Bad_Name')],
    ['GatewayExposure.route', () => GatewayExposure.route({ gateways: [] })],
    ['TrafficRouter.gatewayApi', () => TrafficRouter.gatewayApi({ gateway: 'x' as any })],
    ['HeaderMatch.exact', () => HeaderMatch.exact({ name: 'bad header', value: 'x' })],
    ['AbTest.headers', () => AbTest.headers({ matches: [] })],
    ['LoadTest.hey', () => LoadTest.hey({ path: 'infer' })],
    ['ServingCheck.timeToFirstToken', () => ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 100 })],
    ['LlmRouter.gateways', () => LlmRouter.gateways([])],
    ['LlmScheduler.managed', () => LlmScheduler.managed({ replicas: 0 })],
    ['LlmScaling.keda', () => LlmScaling.keda({ minReplicas: 3, maxReplicas: 2 })],
    ['LoraAdapter.of', () => LoraAdapter.of({ name: '', storage: ModelStorage.fromHuggingFace('o/a') })],
  ])('%s', (_name, build) => {
    expect(build).not.toThrow();
  });
});

describe('the construct raises it after its path and prop', () => {
  test('ServedModel gateway: a bad route, and a bad Gateway inside it', () => {
    expect(messageOf((c) => new ServedModel(c, 'm', { ...base, gateway: GatewayExposure.route({ gateways: [] }) })))
      .toBe('c/m: gateway GatewayExposure.route: gateways [] is empty; give at least one GatewayRef.of(name) to attach the route to');
    expect(messageOf((c) => new ServedModel(c, 'm', { ...base, gateway: GatewayExposure.route({ gateways: [GatewayRef.of('Bad_Name')] }) })))
      .toMatch(/^c\/m: gateway GatewayRef.of: name "Bad_Name" is not a valid DNS-1123 subdomain;/);
  });

  const rollout = (c: Chart, props: Record<string, unknown>) => new CanaryRollout(c, 'r', {
    model: new ServedModel(c, 'm', { ...base, gateway: ROUTE }),
    candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v2' }) },
    ...props,
  } as any);

  test('CanaryRollout trafficRouter, abTest (and a HeaderMatch in it), loadTest, ServingCheck in the analysis', () => {
    expect(messageOf((c) => rollout(c, { steps: [10], trafficRouter: TrafficRouter.gatewayApi({ gateway: 'x' as any }) })))
      .toBe('c/r: trafficRouter TrafficRouter.gatewayApi: gateway "x" is not a GatewayExposure; use GatewayExposure.route({ gateways: [...] })');
    expect(messageOf((c) => rollout(c, { abTest: AbTest.headers({ matches: [] }), trafficRouter: TrafficRouter.gatewayApi() })))
      .toMatch(/^c\/r: abTest AbTest.headers: matches \[\] is empty;/);
    expect(messageOf((c) => rollout(c, { abTest: AbTest.headers({ matches: [HeaderMatch.exact({ name: 'bad header', value: 'x' })] }), trafficRouter: TrafficRouter.gatewayApi() })))
      .toMatch(/^c\/r: abTest HeaderMatch.exact: name "bad header" is not a valid HTTP header name;/);
    expect(messageOf((c) => rollout(c, { steps: [10], loadTest: LoadTest.hey({ path: 'infer' }) })))
      .toMatch(/^c\/r: loadTest LoadTest.hey: path "infer" is not a valid request path;/);
    const ttft = ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 100 });
    const analysis = RolloutAnalysis.prometheus({ address: PROM, checks: [ttft] });
    expect(messageOf((c) => rollout(c, { steps: [10], analysis })))
      .toBe('c/r: analysis ServingCheck.timeToFirstToken: percentile 100 is out of range; use a percentile from 50 to 99.9 with at most one decimal');
  });

  const llm = (c: Chart, props: Record<string, unknown>) => new LlmService(c, 'llm', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), ...props } as any);

  test('LlmService router (and a scheduler in it), scaling, prefill.scaling, loraAdapters[i]', () => {
    expect(messageOf((c) => llm(c, { router: LlmRouter.gateways([]) }))).toMatch(/^c\/llm: router LlmRouter.gateways: refs \[\] is empty/);
    expect(messageOf((c) => llm(c, { router: LlmRouter.managed({ scheduler: LlmScheduler.managed({ replicas: 0 }) }) })))
      .toMatch(/^c\/llm: router LlmScheduler.managed: replicas 0 is not allowed/);
    expect(messageOf((c) => llm(c, { scaling: LlmScaling.keda({ minReplicas: 3, maxReplicas: 2 }) })))
      .toBe('c/llm: scaling LlmScaling.keda: minReplicas 3 exceeds maxReplicas 2; keep minReplicas <= maxReplicas');
    expect(messageOf((c) => llm(c, { prefill: { scaling: LlmScaling.hpa({ maxReplicas: 0 }) } })))
      .toMatch(/^c\/llm: prefill.scaling LlmScaling.hpa: maxReplicas 0 is not allowed/);
    expect(messageOf((c) => llm(c, { loraAdapters: [LoraAdapter.of({ name: 'ok', storage: LLAMA }), LoraAdapter.of({ name: '', storage: LLAMA })] })))
      .toMatch(/^c\/llm: loraAdapters\[1\] LoraAdapter.of: name "" is not a valid adapter name/);
  });

  test('LlmServiceConfig router', () => {
    expect(messageOf((c) => new LlmServiceConfig(c, 'preset', { router: LlmRouter.httpRoutes([]) })))
      .toMatch(/^c\/preset: router LlmRouter.httpRoutes: routeNames \[\] is empty/);
  });

  test('in a fleet built in a loop, the error names the one model', () => {
    const message = messageOf((c) => {
      for (let i = 0; i < 5; i++) {
        const scaling = LlmScaling.keda({ minReplicas: i === 3 ? 9 : 1, maxReplicas: 4 });
        llmAt(c, `chat-${i}`, scaling);
      }
    });
    expect(message).toBe('c/chat-3: scaling LlmScaling.keda: minReplicas 9 exceeds maxReplicas 4; keep minReplicas <= maxReplicas');
  });
});

function llmAt(c: Chart, id: string, scaling: LlmScaling): void {
  new LlmService(c, id, { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), scaling });
}

describe('found by the hostile family fuzz (test/fuzz/hostile-families.fuzz.test.ts)', () => {
  test('a number where a Duration belongs is the library\'s error, not a TypeError', () => {
    expect(messageOf((c) => new ServedModel(c, 'm', {
      ...base, gateway: GatewayExposure.route({ gateways: [GATEWAY], requestTimeout: 30 as any }),
    }))).toBe('c/m: gateway GatewayExposure.route: requestTimeout 30 is not a Duration; use Duration.seconds(n) from cdk8s');
    const e = messageOf((c) => {
      const a = new ServedModel(c, 'a', { ...base, platform: ServingPlatform.kserve() });
      new InferenceGraph(c, 'g', { root: GraphNode.sequence([GraphStep.model(a)]), routerTimeouts: { serverRead: 30 as any } });
    });
    expect(e).toBe('c/g: routerTimeouts.serverRead 30 is not a Duration; use Duration.seconds(n) from cdk8s');
  });

  test('a token pasted as an image, or as a label or annotation of any construct, is rejected and redacted', () => {
    const token = 'sk-abcdefghijklmnopqrstuvwx';
    const image = messageOf((c) => llmWith(c, { image: token }));
    expect(image).toMatch(/^c\/llm: image "<redacted>" looks like .* written as a literal; pass credentials by reference/);
    const label = messageOf((c) => llmWith(c, { labels: { team: 'AKIAIOSFODNN7EXAMPLE' } }));
    expect(label).toMatch(/^c\/llm: labels\["team"\] "<redacted>" looks like .* written as a literal/);
    const annotation = messageOf((c) => new ServingRuntimeWith(c, { podAnnotations: { 'example.com/db': 'postgres://app:pw0rdHidden@db/x' } }));
    expect(annotation).toMatch(/^c\/rt: podAnnotations\["example.com\/db"\] "<redacted>" looks like .* written as a literal/);
    for (const m of [image, label, annotation]) expect(m).not.toMatch(/sk-abc|AKIAIOSFODNN7EXAMPLE|pw0rdHidden/);
  });

  test('a runtime format\'s autoSelect that is not a boolean', () => {
    expect(messageOf((c) => new ServingRuntimeWith(c, { supportedFormats: [{ format: ModelFormat.SKLEARN, autoSelect: '' as any }] })))
      .toBe('c/rt: supportedFormats[0].autoSelect "" is not a boolean; use true or false');
  });
});

function llmWith(c: Chart, props: Record<string, unknown>): LlmService {
  return new LlmService(c, 'llm', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), ...props } as any);
}

class ServingRuntimeWith extends ServingRuntime {
  constructor(c: Chart, props: Record<string, unknown>) {
    super(c, 'rt', { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'reg.example.com/rt:1' }, ...props } as any);
  }
}
