/**
 * Property-based test for the constructs around a model: CanaryRollout on
 * every platform, InferenceGraph nodes, ServingRuntimes (priority clashes),
 * LocalModelCaches and ModelNetworkPolicies. Each case either synthesizes
 * documents that pass the schemas and the pod invariants, deterministically,
 * or fails with the library's error naming the property - never a crash.
 */
import { Chart, Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { contextOf, expectConformant } from '../conformance/conformance';
import { expectRestricted } from '../conformance/pod-security';
import { TEST_CLUSTER_KNATIVE_FLAGS, testApp } from '../util';

const CLUSTER_FLAGS = Object.fromEntries(TEST_CLUSTER_KNATIVE_FLAGS.map((f) => [f, 'enabled']));

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261125;

const platforms: Array<() => lib.ServingPlatform> = [
  () => lib.ServingPlatform.kserve(),
  () => lib.ServingPlatform.kserveStandard(),
  () => lib.ServingPlatform.knativeService(),
  () => lib.ServingPlatform.kubernetesDeployment(),
];

const percent = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 99 }), weight: 10 }, { arbitrary: fc.constantFrom(0, 100, -5, 2.5, 150), weight: 1 });

const rolloutRecipe = fc.record({
  kind: fc.constant('rollout' as const),
  platform: fc.integer({ min: 0, max: platforms.length - 1 }),
  scaleToZero: fc.boolean(),
  steps: fc.oneof(
    {
      arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 }).map((a) => [...a].sort((x, y) => x - y)),
      weight: 8,
    },
    { arbitrary: fc.array(percent, { minLength: 0, maxLength: 4 }), weight: 2 },
  ),
  candidate: fc.constantFrom('storage', 'same', 'none', 'runtimeVersion'),
  stepMinutes: fc.option(fc.constantFrom(1, 5, 30), { nil: undefined }),
  analysis: fc.option(fc.record({
    latencyMs: fc.option(fc.constantFrom(50, 250, 0, 0.5), { nil: undefined }),
    successRate: fc.option(fc.constantFrom(90, 99, 99.9, 101, -1), { nil: undefined }),
    drift: fc.option(fc.constantFrom(0.1, 0.2), { nil: undefined }),
  }), { nil: undefined }),
  requireAutomaticRollback: fc.boolean(),
  currentStep: fc.option(fc.integer({ min: -1, max: 5 }), { nil: undefined }),
  rollback: fc.option(fc.boolean(), { nil: undefined }),
});

const graphRecipe = fc.record({
  kind: fc.constant('graph' as const),
  router: fc.constantFrom('splitter', 'sequence', 'ensemble', 'switch'),
  weights: fc.array(percent, { minLength: 1, maxLength: 3 }),
  conditions: fc.boolean(),
  modelPlatform: fc.integer({ min: 0, max: platforms.length - 1 }),
  crossNamespace: fc.boolean(),
  // The first step calls a ServedModel of the app, an InferenceService the app does not declare, or a URL.
  firstTarget: fc.constantFrom('model', 'inferenceService', 'url'),
});

const runtimeRecipe = fc.record({
  kind: fc.constant('runtime' as const),
  clusterScoped: fc.boolean(),
  priorities: fc.array(fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }), { minLength: 1, maxLength: 3 }),
  autoSelect: fc.boolean(),
  image: fc.constantFrom('kserve/sklearnserver:v0.16.0', 'kserve/sklearnserver:latest', 'kserve/sklearnserver'),
  modelFormat: fc.constantFrom('SKLEARN', 'XGBOOST'),
  protocol: fc.constantFrom('V1', 'V2'),
});

const cacheRecipe = fc.record({
  kind: fc.constant('cache' as const),
  limitGi: fc.constantFrom(10, 100, 1000),
  sizesGi: fc.array(fc.constantFrom(5, 40, 200), { minLength: 1, maxLength: 3 }),
  sameUri: fc.boolean(),
  localPath: fc.constantFrom('/mnt/models', 'relative/path', '/a/../b'),
  platform: fc.integer({ min: 0, max: platforms.length - 1 }),
});

const netpolRecipe = fc.record({
  kind: fc.constant('netpol' as const),
  // Mostly the Deployment platform: the one with Gateway routes, Flagger's primary pods and Argo's load test Jobs.
  platform: fc.oneof(
    { arbitrary: fc.constant(platforms.length - 1), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: platforms.length - 1 }), weight: 2 },
  ),
  namespaces: fc.array(fc.constantFrom('payments', 'checkout', 'Bad_NS'), { maxLength: 2 }),
  pods: fc.option(fc.dictionary(fc.constantFrom('app', 'team', 'bad key'), fc.constantFrom('a', 'b'), { maxKeys: 2 }), { nil: undefined }),
  podsNamespace: fc.option(fc.constantFrom('checkout', 'Bad_NS'), { nil: undefined }),
  // The data path the policy must follow: a Gateway route, a rollout engine (declared before or after the policy), a load tester.
  gateway: fc.option(fc.constantFrom('gateway-system', 'model-namespace'), { nil: undefined }),
  engine: fc.option(fc.constantFrom(lib.RolloutEngine.FLAGGER, lib.RolloutEngine.ARGO_ROLLOUTS, lib.RolloutEngine.KSERVE_CANARY), { nil: undefined }),
  loadTesterUrl: fc.option(fc.constantFrom('http://flagger-loadtester.test/', 'http://flagger-loadtester/'), { nil: undefined }),
  rolloutFirst: fc.boolean(),
});

function buildRuntime(chart: Chart, r: any): void {
  const runtimes = r.priorities.map((priority: number | undefined, i: number) => {
    const props = {
      supportedFormats: [{ format: (lib.ModelFormat as any)[r.modelFormat], autoSelect: r.autoSelect, priority }],
      protocols: [lib.InferenceProtocol.V1, lib.InferenceProtocol.V2],
      container: { image: r.image },
    };
    return r.clusterScoped ? new lib.ClusterServingRuntime(chart, `rt${i}`, props) : new lib.ServingRuntime(chart, `rt${i}`, props);
  });
  new lib.ServedModel(chart, 'model', {
    format: lib.ModelFormat.SKLEARN,
    storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm' }),
    runtime: runtimes[0],
    protocol: (lib.InferenceProtocol as any)[r.protocol],
  });
}

function buildCache(chart: Chart, c: any): void {
  const group = new lib.LocalModelNodeGroup(chart, 'nvme', {
    storageLimit: Size.gibibytes(c.limitGi), localPath: c.localPath, nodeSelector: { 'example.com/nvme': 'true' },
  });
  c.sizesGi.forEach((gi: number, i: number) => {
    const storage = lib.ModelStorage.fromHuggingFace(`org/model-${i}`, { revision: 'main' });
    const cache = new lib.LocalModelCache(chart, `cache${i}`, { storage, modelSize: Size.gibibytes(gi), nodeGroups: [group] });
    new lib.ServedModel(chart, `m${i}`, {
      format: lib.ModelFormat.HUGGINGFACE,
      storage: c.sameUri ? storage : lib.ModelStorage.fromHuggingFace(`org/other-${i}`, { revision: 'main' }),
      modelCache: cache,
      platform: platforms[c.platform](),
      accelerator: lib.Accelerator.nvidiaGpu(),
    });
  });
}

function buildNetpol(chart: Chart, n: any): void {
  const gateway = n.gateway === undefined ? undefined
    : lib.GatewayExposure.route({ gateways: [lib.GatewayRef.of('inference', n.gateway === 'gateway-system' ? { namespace: n.gateway } : {})] });
  const model = new lib.ServedModel(chart, 'model', {
    format: lib.ModelFormat.SKLEARN,
    storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm' }),
    platform: platforms[n.platform](),
    gateway,
  });
  const rollout = () => n.engine !== undefined && new lib.CanaryRollout(chart, 'rollout', {
    model,
    candidate: { storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm/v2' }) },
    steps: [10, 50],
    engine: n.engine,
    trafficRouter: gateway ? lib.TrafficRouter.gatewayApi() : undefined,
    analysis: n.loadTesterUrl ? lib.RolloutAnalysis.prometheus({ address: 'http://prometheus.monitoring:9090', minSuccessRate: 99 }) : undefined,
    loadTest: n.loadTesterUrl ? lib.LoadTest.hey({ path: '/v2/health/ready', loadTesterUrl: n.loadTesterUrl }) : undefined,
  });
  if (n.rolloutFirst) rollout();
  new lib.ModelNetworkPolicy(chart, 'netpol', {
    model,
    allowFrom: [
      ...n.namespaces.map((ns: string) => lib.NetworkPeer.namespace(ns)),
      ...(n.pods ? [lib.NetworkPeer.pods({ labels: n.pods, namespace: n.podsNamespace })] : []),
    ],
  });
  if (!n.rolloutFirst) rollout();
}

function buildRollout(chart: Chart, r: any): void {
  const model = new lib.ServedModel(chart, 'model', {
    format: lib.ModelFormat.SKLEARN,
    storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }),
    platform: platforms[r.platform](),
    scaling: r.scaleToZero ? lib.Scaling.scaleToZero({ maxReplicas: 3 }) : lib.Scaling.autoscale({ minReplicas: 2, maxReplicas: 4 }),
  });
  const candidate = r.candidate === 'storage' ? { storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm/v2' }) }
    : r.candidate === 'same' ? { storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }) }
      : r.candidate === 'runtimeVersion' ? { runtimeVersion: '1.5.0' } : undefined;
  new lib.CanaryRollout(chart, 'rollout', {
    model,
    candidate,
    steps: r.steps,
    stepInterval: r.stepMinutes !== undefined ? Duration.minutes(r.stepMinutes) : undefined,
    analysis: r.analysis ? lib.RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      maxLatencyP99: r.analysis.latencyMs !== undefined ? Duration.millis(r.analysis.latencyMs) : undefined,
      minSuccessRate: r.analysis.successRate,
      checks: r.analysis.drift !== undefined ? [lib.MetricCheck.max({ name: 'prediction-drift', query: 'max(drift)', threshold: r.analysis.drift })] : undefined,
    }) : undefined,
    requireAutomaticRollback: r.requireAutomaticRollback,
    currentStep: r.currentStep,
    rollback: r.rollback,
  });
}

function buildGraph(chart: Chart, g: any): void {
  const models = g.weights.map((_w: number, i: number) => new lib.ServedModel(chart, `m${i}`, {
    format: lib.ModelFormat.SKLEARN,
    storage: lib.ModelStorage.fromS3({ bucket: 'models', key: `m${i}` }),
    platform: i === 0 ? platforms[g.modelPlatform]() : lib.ServingPlatform.kserve(),
    namespace: g.crossNamespace && i === 1 ? 'other' : undefined,
    scaling: lib.Scaling.autoscale({ minReplicas: 1, maxReplicas: 2 }),
  }));
  const steps = models.map((m: lib.ServedModel, i: number) => {
    const options = {
      weight: g.router === 'splitter' ? g.weights[i] : undefined,
      condition: g.router === 'switch' && g.conditions ? `instances.#(feature>${i})` : undefined,
    };
    if (i === 0 && g.firstTarget === 'inferenceService') return lib.GraphStep.inferenceService('shared-embedder', options);
    if (i === 0 && g.firstTarget === 'url') return lib.GraphStep.url('https://scores.example.com/v2/models/s/infer', options);
    return lib.GraphStep.model(m, { ...options, crossNamespace: g.crossNamespace && i === 1 ? true : undefined });
  });
  const root = g.router === 'splitter' ? lib.GraphNode.splitter(steps) : g.router === 'sequence' ? lib.GraphNode.sequence(steps)
    : g.router === 'ensemble' ? lib.GraphNode.ensemble(steps) : lib.GraphNode.conditional(steps);
  new lib.InferenceGraph(chart, 'graph', { root });
}

/** Whether a label selector (matchLabels, `In` expressions) selects pods with these labels. */
function selects(selector: any, labels: Record<string, string>): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)
    && (selector.matchExpressions ?? []).every((e: any) => e.operator === 'In' && e.values.includes(labels[e.key]));
}

/**
 * A model's NetworkPolicy selects every pod that serves it (the Deployment's,
 * and Flagger's `-primary` copy of them) and admits each Gateway that routes
 * to it (HTTPRoute parents, Flagger's gatewayRefs).
 */
function expectPolicyFollowsTraffic(docs: any[]): void {
  const np = docs.find((d) => d.kind === 'NetworkPolicy');
  if (!np) return;
  const flagger = docs.find((d) => d.kind === 'Canary');
  for (const d of docs.filter((x) => x.kind === 'Deployment' && x.metadata.name === 'model')) {
    const labels = d.spec.template.metadata.labels;
    const pods = flagger ? [labels, { ...labels, 'app.kubernetes.io/name': `${labels['app.kubernetes.io/name']}-primary` }] : [labels];
    for (const l of pods) if (!selects(np.spec.podSelector, l)) throw new Error(`NetworkPolicy does not select pods ${JSON.stringify(l)}`);
  }
  const refs = [...docs.filter((d) => d.kind === 'HTTPRoute' || d.kind === 'GRPCRoute').flatMap((d) => d.spec.parentRefs.map((p: any) => p.namespace ?? d.metadata.namespace)),
    ...(flagger?.spec.service?.gatewayRefs ?? []).map((g: any) => g.namespace ?? flagger.metadata.namespace)];
  const from = np.spec.ingress[0].from;
  for (const ns of refs) {
    const admitted = from.some((p: any) => (p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns && !p.podSelector)
      || (ns === np.metadata.namespace && !p.namespaceSelector && Object.keys(p.podSelector ?? {}).length === 0));
    if (!admitted) throw new Error(`NetworkPolicy does not admit the Gateway namespace ${ns}`);
  }
}

function synthOnce(r: any): string {
  const chart = new Chart(testApp(), 'fuzz', { namespace: 'ml' });
  // The fuzzed cluster has the Knative flags the library's pods use (declared, not emitted).
  new lib.KnativeClusterFlags(chart, 'cluster-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  const builders: Record<string, (c: Chart, x: any) => void> = {
    rollout: buildRollout, graph: buildGraph, runtime: buildRuntime, cache: buildCache, netpol: buildNetpol,
  };
  builders[r.kind](chart, r);
  return JSON.stringify(chart.toJson());
}

function isValidationError(e: any): boolean {
  const msg = String(e?.message ?? '');
  return (e?.name === 'ModelServingError' || /ModelServingError/.test(msg)) && /: [A-Za-z]\S* .*; \S/.test(msg);
}

describe('fuzz: CanaryRollout, InferenceGraph, ServingRuntime, LocalModelCache, ModelNetworkPolicy', () => {
  test(`${RUNS} generated cases synthesize valid YAML or fail with a clear error`, () => {
    const counts = { valid: 0, rejected: 0 };
    fc.assert(fc.property(fc.oneof(rolloutRecipe, graphRecipe, runtimeRecipe, cacheRecipe, netpolRecipe, netpolRecipe), (r: any) => {
      let json: string;
      try {
        json = synthOnce(r);
      } catch (e: any) {
        if (!isValidationError(e)) throw new Error(`crash instead of a validation error for ${JSON.stringify(r)}:\n${e?.stack ?? e}`);
        counts.rejected++;
        return;
      }
      const docs = JSON.parse(json);
      expectConformant(docs, contextOf(docs, CLUSTER_FLAGS));
      expectRestricted(docs);
      if (r.kind === 'netpol') expectPolicyFollowsTraffic(docs);
      if (synthOnce(r) !== json) throw new Error(`non-deterministic output for ${JSON.stringify(r)}`);
      counts.valid++;
    }), { numRuns: RUNS, seed: SEED });
    console.log(`fuzz rollout/graph/runtime/cache/netpol (seed ${SEED}): ${counts.valid + counts.rejected} cases tried, ${counts.valid} valid, ${counts.rejected} rejected with a clear error`);
    expect(counts.valid + counts.rejected).toBe(RUNS);
    expect(counts.valid).toBeGreaterThan(RUNS / 20);
  });
});
