import { Duration } from 'cdk8s';
import {
  AbTest, CanaryRollout, GatewayExposure, GatewayRef, HeaderMatch, InferenceProtocol, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine,
  Scaling, ScalingMetric, ServedModel, ServingPlatform, TrafficRouter,
} from '../src';
import { fraudDetector, fraudV8, PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';

const GATEWAY = GatewayRef.of('inference', { namespace: 'gateway-system' });
const EXPOSURE = GatewayExposure.route({
  gateways: [GATEWAY],
  hostnames: ['fraud.models.example.com'],
  requestTimeout: Duration.seconds(30),
});
const ANALYSIS = RolloutAnalysis.prometheus({
  address: PROM, maxLatencyP99: Duration.millis(250), minSuccessRate: 99, interval: Duration.seconds(30),
});

function fraud(chart: any, props: Record<string, unknown> = {}) {
  return fraudDetector(chart, {
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 8 }),
    platform: ServingPlatform.kubernetesDeployment(),
    gateway: EXPOSURE,
    ...props,
  });
}

const CANDIDATE = fraudV8();

describe('Flagger over Gateway API on a Deployment', () => {
  test('provider gatewayapi:v1 with the gateway refs, host names and timeout; weights 5/25/50; Flagger owns Service and route', () => {
    const chart = newChart('ml');
    const rollout = new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: CANDIDATE,
      steps: [5, 25, 50],
      stepInterval: Duration.minutes(2),
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
      requireAutomaticRollback: true,
    });
    const docs = synth(chart);
    expect(rollout.engine).toBe(RolloutEngine.FLAGGER);
    expect(rollout.trafficPercent).toBe(5);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Deployment/fraud-detector', 'HorizontalPodAutoscaler/fraud-detector', 'PodDisruptionBudget/fraud-detector',
      'MetricTemplate/fraud-detector-success-rate', 'MetricTemplate/fraud-detector-latency-p99', 'Canary/fraud-detector',
    ]);
    const canary = docOf(docs, 'Canary');
    expect(canary.metadata.annotations['canary.model-serving.cdk8s.io/traffic-split'])
      .toBe('gateway-api: Flagger sets the HTTPRoute weights; each step is a share of the requests through the Gateway');
    expect(canary.spec).toEqual({
      provider: 'gatewayapi:v1',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'fraud-detector' },
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'fraud-detector' },
      service: {
        port: 80,
        targetPort: 'http',
        gatewayRefs: [{ name: 'inference', namespace: 'gateway-system' }],
        hosts: ['fraud.models.example.com'],
        timeout: '30s',
      },
      metricsServer: PROM,
      analysis: {
        interval: '2m',
        threshold: 2,
        stepWeights: [5, 25, 50],
        metrics: [
          { name: 'success-rate', templateRef: { name: 'fraud-detector-success-rate' }, thresholdRange: { min: 99 }, interval: '30s' },
          { name: 'latency-p99', templateRef: { name: 'fraud-detector-latency-p99' }, thresholdRange: { max: 250 }, interval: '30s' },
        ],
      },
    });
    const sel = 'namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+-[0-9a-zA-Z]+"';
    expect(docOf(docs, 'MetricTemplate', 'fraud-detector-latency-p99').spec).toEqual({
      provider: { type: 'prometheus', address: PROM },
      query: `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[{{ interval }}]))) * 1000`,
    });
    // The candidate is rendered by the Deployment; Flagger copies it to <name>-primary.
    expect(JSON.stringify(docOf(docs, 'Deployment').spec.template)).toContain('s3://models/fraud/v8');
    // The HPA stays on the Deployment (Flagger clones it for the primary); the PDB protects the primary's pods.
    expect(docOf(docs, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fraud-detector' });
    expect(docOf(docs, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/name': 'fraud-detector-primary',
    });
    expect(docs).toMatchSnapshot();
  });

  test('a path prefix becomes service.match; a KEDA ScaledObject is the autoscalerRef; gRPC models get an h2c port', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: fraud(chart, {
        gateway: GatewayExposure.route({ gateways: [GATEWAY], pathPrefix: '/fraud', backendRequestTimeout: Duration.seconds(5) }),
        scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, metric: ScalingMetric.prometheus({ query: 'sum(rate(x[1m]))', serverAddress: PROM }), target: 10 }),
      }),
      candidate: CANDIDATE,
      steps: [10],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
    });
    const canary = docOf(synth(chart), 'Canary');
    expect(canary.spec.autoscalerRef).toEqual({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'fraud-detector' });
    expect(canary.spec.service).toEqual({
      port: 80,
      targetPort: 'http',
      gatewayRefs: [{ name: 'inference', namespace: 'gateway-system' }],
      match: [{ uri: { prefix: '/fraud' } }],
      backendTimeout: '5s',
    });
    expect(canary.spec.analysis).toEqual({ interval: '5m', threshold: 1, stepWeights: [10] });

    const chart2 = newChart('ml');
    new CanaryRollout(chart2, 'r', {
      model: fraud(chart2, {
        format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2, gateway: GatewayExposure.route({ gateways: [GATEWAY] }),
      }),
      steps: [10],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
    });
    expect(docOf(synth(chart2), 'Canary').spec.service).toEqual({
      port: 80, targetPort: 'grpc', portName: 'grpc', appProtocol: 'kubernetes.io/h2c', gatewayRefs: [{ name: 'inference', namespace: 'gateway-system' }],
    });
  });

  test('header A/B: analysis.match and iterations instead of stepWeights', () => {
    const chart = newChart('ml');
    const rollout = new CanaryRollout(chart, 'beta', {
      model: fraud(chart),
      candidate: CANDIDATE,
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      stepInterval: Duration.minutes(1),
      abTest: AbTest.headers({
        matches: [HeaderMatch.exact({ name: 'X-Customer-Tier', value: 'beta' }), HeaderMatch.cookie({ name: 'canary', value: 'always' })],
        duration: Duration.minutes(30),
      }),
      analysis: ANALYSIS,
    });
    expect(rollout.trafficPercent).toBe(0);
    expect(rollout.steps).toEqual([]);
    const canary = docOf(synth(chart), 'Canary');
    expect(canary.spec.analysis).toMatchObject({
      interval: '1m',
      threshold: 2,
      iterations: 30,
      match: [{ headers: { 'x-customer-tier': { exact: 'beta' }, 'cookie': { regex: '^(.*?;\\s*)?(canary=always)(;.*)?$' } } }],
    });
    expect(canary.spec.analysis.stepWeights).toBeUndefined();
    expect(canary.metadata.annotations['canary.model-serving.cdk8s.io/traffic-split'])
      .toBe('gateway-api header match: requests matching x-customer-tier, cookie go to the candidate for 30 intervals');
  });
});

describe('Argo Rollouts with the Gateway API plugin', () => {
  test('trafficRouting.plugins with the HTTPRoute, stable and canary Services; the route carries both backends 100/0', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: CANDIDATE,
      steps: [5, 25, 50],
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
    });
    const docs = synth(chart);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(expect.arrayContaining([
      'Service/fraud-detector', 'HTTPRoute/fraud-detector', 'Rollout/fraud-detector', 'Service/fraud-detector-stable', 'Service/fraud-detector-canary',
    ]));
    const r = docOf(docs, 'Rollout');
    expect(r.spec.strategy.canary).toMatchObject({
      stableService: 'fraud-detector-stable',
      canaryService: 'fraud-detector-canary',
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'fraud-detector' }], namespace: 'ml' } } },
      steps: [
        { setWeight: 5 }, { pause: { duration: '5m' } },
        { setWeight: 25 }, { pause: { duration: '5m' } },
        { setWeight: 50 }, { pause: { duration: '5m' } },
      ],
    });
    expect(r.spec.strategy.canary.trafficRouting.managedRoutes).toBeUndefined();
    expect(r.metadata.annotations['canary.model-serving.cdk8s.io/traffic-split']).toBe(
      'gateway-api (argoproj-labs/gatewayAPI): each step is a share of the requests through the Gateway; in-cluster calls to the model\'s Service are split by replica counts');
    expect(docOf(docs, 'HTTPRoute').spec).toEqual({
      parentRefs: [{ name: 'inference', namespace: 'gateway-system' }],
      hostnames: ['fraud.models.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'fraud-detector-stable', port: 80, weight: 100 }, { name: 'fraud-detector-canary', port: 80, weight: 0 }],
        timeouts: { request: '30s' },
      }],
    });
    const model = docOf(docs, 'Service', 'fraud-detector');
    for (const name of ['fraud-detector-stable', 'fraud-detector-canary']) {
      const svc = docOf(docs, 'Service', name);
      expect(svc.spec).toEqual(model.spec);
      expect(svc.metadata.labels['app.kubernetes.io/component']).toBe('canary-rollout');
    }
    expect(docs).toMatchSnapshot();
  });

  test('header A/B: a managed route and setHeaderRoute, the candidate scaled to the stable minimum', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'beta', {
      model: fraud(chart),
      candidate: CANDIDATE,
      trafficRouter: TrafficRouter.gatewayApi(),
      abTest: AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' }), HeaderMatch.regex({ name: 'x-region', pattern: '^eu-.*' })] }),
      analysis: ANALYSIS,
    });
    const r = docOf(synth(chart), 'Rollout');
    expect(r.spec.strategy.canary.trafficRouting).toEqual({
      managedRoutes: [{ name: 'ab-test' }],
      plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'fraud-detector', useHeaderRoutes: true }], namespace: 'ml' } },
    });
    expect(r.spec.strategy.canary.steps).toEqual([
      { setCanaryScale: { replicas: 2 } },
      {
        setHeaderRoute: {
          name: 'ab-test',
          match: [{ headerName: 'x-customer-tier', headerValue: { exact: 'beta' } }, { headerName: 'x-region', headerValue: { regex: '^eu-.*' } }],
        },
      },
      { pause: { duration: '50m' } },
    ]);
  });

  test('a router gateway on a model without one: the rollout writes the route (in the Gateway\'s namespace) and the ReferenceGrant', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: fraud(chart, { gateway: undefined, format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2 }),
      candidate: CANDIDATE,
      steps: [20],
      trafficRouter: TrafficRouter.gatewayApi({ gateway: GatewayExposure.route({ gateways: [GATEWAY], routeNamespace: 'gateway-system' }) }),
    });
    const docs = synth(chart);
    const route = docOf(docs, 'GRPCRoute');
    expect(route.metadata).toMatchObject({ name: 'fraud-detector', namespace: 'gateway-system' });
    expect(route.spec.rules).toEqual([{
      backendRefs: [
        { name: 'fraud-detector-stable', namespace: 'ml', port: 80, weight: 100 },
        { name: 'fraud-detector-canary', namespace: 'ml', port: 80, weight: 0 },
      ],
    }]);
    expect(docOf(docs, 'ReferenceGrant').spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'gateway-system' }],
      to: [{ group: '', kind: 'Service', name: 'fraud-detector-stable' }, { group: '', kind: 'Service', name: 'fraud-detector-canary' }],
    });
    expect(docOf(docs, 'Rollout').spec.strategy.canary.trafficRouting).toEqual({
      plugins: { 'argoproj-labs/gatewayAPI': { grpcRoutes: [{ name: 'fraud-detector' }], namespace: 'gateway-system' } },
    });
  });

  test('the model\'s cross-namespace route and grant are repointed at the stable and canary Services', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: fraud(chart, { gateway: GatewayExposure.route({ gateways: [GATEWAY], routeNamespace: 'gateway-system' }) }),
      steps: [20],
      trafficRouter: TrafficRouter.gatewayApi(),
    });
    const docs = synth(chart);
    expect(docOf(docs, 'HTTPRoute').spec.rules[0].backendRefs.map((b: any) => `${b.namespace}/${b.name}:${b.weight}`))
      .toEqual(['ml/fraud-detector-stable:100', 'ml/fraud-detector-canary:0']);
    expect(docOf(docs, 'ReferenceGrant').spec.to.map((t: any) => t.name)).toEqual(['fraud-detector-stable', 'fraud-detector-canary']);
  });
});

describe('traffic routing errors', () => {
  test('no gateway', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', { model: fraud(chart, { gateway: undefined }), steps: [5], trafficRouter: TrafficRouter.gatewayApi() }))
      .toThrow('test/r: trafficRouter "gateway-api" has no gateway to route through; expose the model with gateway: GatewayExposure.route({ gateways: [GatewayRef.of(...)] }), or give TrafficRouter.gatewayApi({ gateway })');
  });

  test('the gateway given twice', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', { model: fraud(chart), steps: [5], trafficRouter: TrafficRouter.gatewayApi({ gateway: EXPOSURE }) }))
      .toThrow('test/r: trafficRouter.gateway ["fraud.models.example.com"] is set as well as the model\'s gateway;');
  });

  test('neither steps nor an A/B test', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', { model: fraud(chart), trafficRouter: TrafficRouter.gatewayApi() }))
      .toThrow('test/r: steps undefined is empty; give at least one traffic percent, e.g. [5, 25, 50]');
  });

  test('weights out of range', () => {
    for (const [steps, msg] of [
      [[0], 'test/r: steps[0] 0 is outside 1..99;'],
      [[5, 100], 'test/r: steps[1] 100 is outside 1..99; use whole percentages from 1 to 99 (100 follows the last step)'],
      [[50, 25], 'test/r: steps[1] 25 is not above the step before (50); make the steps strictly increasing'],
    ] as Array<[number[], string]>) {
      const chart = newChart('ml');
      expect(() => new CanaryRollout(chart, 'r', { model: fraud(chart), steps, engine: RolloutEngine.FLAGGER, trafficRouter: TrafficRouter.gatewayApi() }))
        .toThrow(msg);
    }
  });

  test('a header match on an engine path that cannot route by header', () => {
    const ab = AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-beta', value: 'yes' })] });
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', { model: fraud(chart), abTest: ab }))
      .toThrow('test/r: abTest ["x-beta"] needs a traffic router that matches headers; Argo Rollouts alone splits by replica counts; set trafficRouter: TrafficRouter.gatewayApi() (with the model\'s gateway)');
    const c2 = newChart('ml');
    const knative = new ServedModel(c2, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m/1'), platform: ServingPlatform.knativeService() });
    expect(() => new CanaryRollout(c2, 'r', { model: knative, abTest: ab }))
      .toThrow('test/r: abTest ["x-beta"] cannot be routed by Flagger (knative provider), which splits by weight only;');
    const c3 = newChart('ml');
    const kserve = new ServedModel(c3, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m/1') });
    expect(() => new CanaryRollout(c3, 'r', { model: kserve, abTest: ab }))
      .toThrow('test/r: abTest ["x-beta"] cannot be routed by KServe\'s canary (Knative mode), which splits by weight only;');
    const c4 = newChart('ml');
    expect(() => new CanaryRollout(c4, 'r', { model: fraud(c4), abTest: ab, steps: [5], trafficRouter: TrafficRouter.gatewayApi() }))
      .toThrow('test/r: steps [5] is set as well as abTest; use weight steps or a header A/B test, not both');
  });

  test('a router on engines that split on their own; Flagger on a Deployment needs one; engines a platform lacks', () => {
    const c1 = newChart('ml');
    const kserve = new ServedModel(c1, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m/1') });
    expect(() => new CanaryRollout(c1, 'r', { model: kserve, steps: [5], trafficRouter: TrafficRouter.gatewayApi() }))
      .toThrow('test/r: trafficRouter "gateway-api" is not available with KServe\'s canary (Knative mode), which splits traffic on its own;');
    const c2 = newChart('ml');
    expect(() => new CanaryRollout(c2, 'r', { model: fraud(c2), steps: [5], engine: RolloutEngine.FLAGGER }))
      .toThrow('test/r: trafficRouter undefined is required by Flagger on a Deployment (gatewayapi:v1 provider); set trafficRouter: TrafficRouter.gatewayApi()');
    const c3 = newChart('ml');
    expect(() => new CanaryRollout(c3, 'r', { model: fraud(c3), steps: [5], engine: RolloutEngine.KSERVE_CANARY }))
      .toThrow('test/r: engine "kserve-canary" is not available on Kubernetes Deployment; use RolloutEngine.ARGO_ROLLOUTS or RolloutEngine.FLAGGER');
  });

  test('Flagger writes its route in the model\'s namespace under the model\'s name', () => {
    const c1 = newChart('ml');
    expect(() => new CanaryRollout(c1, 'r', {
      model: fraud(c1, { gateway: GatewayExposure.route({ gateways: [GATEWAY], routeNamespace: 'gateway-system' }) }),
      steps: [5],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
    })).toThrow('test/r: gateway.routeNamespace "gateway-system" cannot be met: Flagger writes the HTTPRoute in the model\'s namespace;');
    const c2 = newChart('ml');
    expect(() => new CanaryRollout(c2, 'r', {
      model: fraud(c2, { gateway: GatewayExposure.route({ gateways: [GATEWAY], name: 'public' }) }),
      steps: [5],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
    })).toThrow('test/r: gateway.name "public" cannot be met: Flagger names the HTTPRoute after the model ("fraud-detector"); drop the route name');
  });

  test('A/B duration and matches', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', {
      model: fraud(chart),
      trafficRouter: TrafficRouter.gatewayApi(),
      stepInterval: Duration.minutes(5),
      abTest: AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-beta', value: 'yes' })], duration: Duration.minutes(12) }),
    })).toThrow('test/r: abTest.duration "720s" is not a whole number of step intervals (300s); use a multiple of stepInterval');
    expect(() => AbTest.headers({ matches: [] })._resolve()).toThrow('AbTest.headers: matches [] is empty;');
    expect(() => AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-a', value: '1' }), HeaderMatch.exact({ name: 'X-A', value: '2' })] })._resolve())
      .toThrow('AbTest.headers: matches "x-a" is matched twice; combine the conditions on one header into one regular expression');
    expect(() => HeaderMatch.exact({ name: 'bad header', value: 'x' })._resolve()).toThrow('HeaderMatch.exact: name "bad header" is not a valid HTTP header name;');
    expect(() => HeaderMatch.regex({ name: 'x-a', pattern: '(' })._resolve()).toThrow('HeaderMatch.regex: pattern "(" is not a valid regular expression;');
    expect(() => HeaderMatch.cookie({ name: 'canary', value: 'a b' })._resolve()).toThrow('HeaderMatch.cookie: value "a b" is not a valid cookie value;');
    expect(() => HeaderMatch.exact({ name: 'x-a', value: '' })._resolve()).toThrow('HeaderMatch.exact: value "" is not a valid value;');
  });
});
