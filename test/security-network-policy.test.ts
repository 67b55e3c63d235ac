import { Chart, Duration } from 'cdk8s';
import {
  CanaryRollout, GatewayExposure, GatewayRef, GraphNode, GraphStep, InferenceGraph, LoadTest, ModelNetworkPolicy, NetworkPeer, RolloutAnalysis,
  RolloutEngine, Scaling, ServingPlatform, TrafficRouter,
} from '../src';
import { fraudDetector, fraudV8, PROM } from './fixtures/rollout';
import { docOf, newChart, synth, synthApp, testApp } from './util';

const EXPOSURE = GatewayExposure.route({ gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })] });
const ANALYSIS = RolloutAnalysis.prometheus({ address: PROM, minSuccessRate: 99, interval: Duration.seconds(30) });
const DEFAULT_SERVING = ['istio-system', 'knative-serving', 'kourier-system'].map((ns) => namespacePeer(ns));

function namespacePeer(ns: string): Record<string, unknown> {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } };
}

function deploymentModel(chart: any, props: Record<string, unknown> = {}) {
  return fraudDetector(chart, {
    platform: ServingPlatform.kubernetesDeployment(),
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 4 }),
    ...props,
  });
}

describe('ModelNetworkPolicy follows the real data path', () => {
  test('a model exposed through a Gateway admits the Gateway\'s namespace, and the route\'s when the Gateway names none', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, {
      gateway: GatewayExposure.route({
        gateways: [GatewayRef.of('public', { namespace: 'gateway-system' }), GatewayRef.of('internal'), GatewayRef.of('shared', { namespace: 'ml' })],
      }),
    });
    new ModelNetworkPolicy(chart, 'np', { model, allowFrom: [NetworkPeer.namespace('checkout')] });
    const np = docOf(synth(chart), 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/name': 'fraud-detector' } });
    // The Gateway in the model's namespace (named or by default): a peer without namespaceSelector, listed once.
    expect(np.spec.ingress).toEqual([{ from: [...DEFAULT_SERVING, namespacePeer('checkout'), namespacePeer('gateway-system'), { podSelector: {} }] }]);
  });

  test('a Gateway route in another namespace admits the Gateway there', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, { gateway: GatewayExposure.route({ gateways: [GatewayRef.of('edge')], routeNamespace: 'edge' }) });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    expect(docOf(synth(chart), 'NetworkPolicy').spec.ingress).toEqual([{ from: [namespacePeer('istio-system'), namespacePeer('edge')] }]);
  });

  test('a model without a gateway keeps exactly the declared sources', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart);
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    expect(docOf(synth(chart), 'NetworkPolicy').spec.ingress).toEqual([{ from: [namespacePeer('istio-system')] }]);
  });

  test('Flagger on a Deployment: the primary pods are selected too, and the Gateway and the load tester admitted, even with the rollout declared after the policy', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, { gateway: EXPOSURE });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    new CanaryRollout(chart, 'v8', {
      model,
      candidate: fraudV8(),
      steps: [10, 50],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ path: '/v2/health/ready', loadTesterUrl: 'http://flagger-loadtester.test/' }),
    });
    const docs = synth(chart);
    const np = docOf(docs, 'NetworkPolicy');
    // Flagger copies the Deployment to <name>-primary, whose pods carry app.kubernetes.io/name: <name>-primary.
    expect(np.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/component': 'model-server' },
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['fraud-detector', 'fraud-detector-primary'] }],
    });
    expect(np.spec.ingress).toEqual([{ from: [namespacePeer('istio-system'), namespacePeer('gateway-system'), namespacePeer('test')] }]);
    // The selector matches the pods the Deployment writes (and so Flagger's copy, with the name suffixed).
    const labels = docOf(docs, 'Deployment').spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('model-server');
    expect(labels['app.kubernetes.io/name']).toBe('fraud-detector');
  });

  test('Flagger with a router Gateway of its own admits that Gateway', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart);
    new CanaryRollout(chart, 'v8', {
      model,
      candidate: fraudV8(),
      steps: [10, 50],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi({ gateway: GatewayExposure.route({ gateways: [GatewayRef.of('canary-gw', { namespace: 'canary-gateways' })] }) }),
    });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    expect(docOf(synth(chart), 'NetworkPolicy').spec.ingress).toEqual([{ from: [namespacePeer('istio-system'), namespacePeer('canary-gateways')] }]);
  });

  test('Flagger\'s load tester at a URL without a namespace fails synth: the policy cannot know where it runs', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, { gateway: EXPOSURE });
    new CanaryRollout(chart, 'v8', {
      model,
      candidate: fraudV8(),
      steps: [10, 50],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ path: '/v2/health/ready', loadTesterUrl: 'http://flagger-loadtester/' }),
    });
    new ModelNetworkPolicy(chart, 'np', { model });
    expect(() => synth(chart)).toThrow('test/np: model "test/v8" is rolled out with the load tester (http://flagger-loadtester/), '
      + 'which the policy cannot admit: its URL names no <service>.<namespace> host; give the load tester URL as http://<service>.<namespace>/');
  });

  test('Argo Rollouts: the Deployment\'s pod labels still select every pod; the Gateway and the load test Jobs are admitted', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, { gateway: EXPOSURE });
    new CanaryRollout(chart, 'v8', {
      model,
      candidate: fraudV8(),
      steps: [10, 50],
      engine: RolloutEngine.ARGO_ROLLOUTS,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ path: '/v2/health/ready' }),
    });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    const docs = synth(chart);
    const np = docOf(docs, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/name': 'fraud-detector' } });
    expect(np.spec.ingress).toEqual([{
      from: [namespacePeer('istio-system'), namespacePeer('gateway-system'), { podSelector: { matchLabels: { 'model-serving.cdk8s.io/load-test': 'fraud-detector' } } }],
    }]);
    // The Rollout runs the Deployment's template and selector (workloadRef): the policy's labels are on its pods.
    expect(docOf(docs, 'Rollout').spec.selector.matchLabels).toEqual(np.spec.podSelector.matchLabels);
    const job = docOf(docs, 'AnalysisTemplate').spec.metrics.find((m: any) => m.name === 'load-test').provider.job;
    expect(job.spec.template.metadata.labels).toEqual({ 'model-serving.cdk8s.io/load-test': 'fraud-detector' });
  });

  test('KServe and Flagger on Knative keep the platform\'s pod label, which every revision carries', () => {
    const chart = newChart('ml');
    const kserve = fraudDetector(chart, {}, 'on-kserve');
    new CanaryRollout(chart, 'k', { model: kserve, candidate: fraudV8(), steps: [10, 50] });
    new ModelNetworkPolicy(chart, 'np-k', { model: kserve });
    const knative = fraudDetector(chart, { platform: ServingPlatform.knativeService(), scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }) }, 'on-knative');
    new CanaryRollout(chart, 'f', { model: knative, candidate: fraudV8(), steps: [10, 50], engine: RolloutEngine.FLAGGER });
    new ModelNetworkPolicy(chart, 'np-f', { model: knative });
    const docs = synth(chart);
    const byName = (n: string) => docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === n);
    expect(byName('on-kserve-ingress').spec.podSelector).toEqual({ matchLabels: { 'serving.kserve.io/inferenceservice': 'on-kserve' } });
    expect(byName('on-knative-ingress').spec.podSelector).toEqual({ matchLabels: { 'serving.knative.dev/service': 'on-knative' } });
    for (const n of ['on-kserve-ingress', 'on-knative-ingress']) expect(byName(n).spec.ingress).toEqual([{ from: DEFAULT_SERVING }]);
  });

  test('an InferenceGraph whose router calls the model admits the router\'s pods, in its namespace or the graph\'s', () => {
    const app = testApp();
    const models = new Chart(app, 'models', { namespace: 'models' });
    const apps = new Chart(app, 'apps', { namespace: 'apps' });
    const standard = ServingPlatform.kserveStandard();
    const ranker = fraudDetector(models, { platform: standard }, 'ranker');
    const scorer = fraudDetector(models, { platform: standard }, 'scorer');
    const unused = fraudDetector(models, { platform: standard }, 'unused');
    new InferenceGraph(models, 'local', { root: GraphNode.sequence([GraphStep.model(ranker)]) });
    new InferenceGraph(apps, 'remote', { root: GraphNode.sequence([GraphStep.model(ranker, { crossNamespace: true }), GraphStep.model(scorer, { crossNamespace: true })]) });
    for (const m of [ranker, scorer, unused]) new ModelNetworkPolicy(models, `np-${m.name}`, { model: m, servingNamespaces: ['istio-system'] });
    const docs = synthApp(app);
    const from = (name: string) => docs.find((d: any) => d.kind === 'NetworkPolicy' && d.metadata.name === `${name}-ingress`).spec.ingress[0].from;
    const router = (graph: string) => ({ podSelector: { matchLabels: { 'serving.kserve.io/inferencegraph': graph } } });
    expect(from('ranker')).toEqual([namespacePeer('istio-system'), router('local'), { ...namespacePeer('apps'), ...router('remote') }]);
    expect(from('scorer')).toEqual([namespacePeer('istio-system'), { ...namespacePeer('apps'), ...router('remote') }]);
    expect(from('unused')).toEqual([namespacePeer('istio-system')]);
  });

  test('a graph or a rollout added after a first synth counts in the next one', () => {
    const chart = newChart('ml');
    const model = deploymentModel(chart, { gateway: EXPOSURE });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: ['istio-system'] });
    expect(docOf(synth(chart), 'NetworkPolicy').spec.ingress).toEqual([{ from: [namespacePeer('istio-system'), namespacePeer('gateway-system')] }]);
    new CanaryRollout(chart, 'v8', { model, candidate: fraudV8(), steps: [10], engine: RolloutEngine.FLAGGER, trafficRouter: TrafficRouter.gatewayApi() });
    const standard = fraudDetector(chart, { platform: ServingPlatform.kserveStandard() }, 'ranker');
    new ModelNetworkPolicy(chart, 'np-ranker', { model: standard, servingNamespaces: ['istio-system'] });
    expect(docOf(synth(chart), 'NetworkPolicy', 'ranker-ingress').spec.ingress).toEqual([{ from: [namespacePeer('istio-system')] }]);
    new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(standard)]) });
    const docs = synth(chart);
    expect(docOf(docs, 'NetworkPolicy', 'fraud-detector-ingress').spec.podSelector.matchExpressions).toHaveLength(1);
    expect(docOf(docs, 'NetworkPolicy', 'ranker-ingress').spec.ingress)
      .toEqual([{ from: [namespacePeer('istio-system'), { podSelector: { matchLabels: { 'serving.kserve.io/inferencegraph': 'g' } } }] }]);
  });
});

