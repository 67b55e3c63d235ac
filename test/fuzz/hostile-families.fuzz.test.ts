/**
 * Property-based test with hostile input (issue 16) for the construct
 * families beside ServedModel and ModelNetworkPolicy (those are in
 * hostile.fuzz.test.ts): ServingRuntime, InferenceGraph, CanaryRollout (with
 * traffic router, header A/B test and load test), LocalModelCache and its
 * node group, GatewayExposure, LlmService and KnativeFeatures. Every public
 * prop gets valid values most of the time and, now and then, a hostile one
 * (wrong type, NaN, whitespace, a credential, an invalid name). For every
 * generated app, either:
 *
 * - synth fails with the library's error, naming a construct path of the app
 *   and a prop, and never printing a credential; or
 * - the output passes the conformance harness and the Pod Security check,
 *   contains every value the app set that is rendered as given, contains no
 *   credential, and is byte-identical on a second synth.
 *
 * CI uses a fixed seed (printed on failure); set FUZZ_SEED / FUZZ_FAMILY_RUNS to explore.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { appContext, expectConformant } from '../conformance/conformance';
import { expectRestricted } from '../conformance/pod-security';
import { clearErrorProp, stringsIn, synthInMemory } from '../fixtures/fuzz-values';
import { TEST_CLUSTER_KNATIVE_FLAGS } from '../util';

const RUNS = Number(process.env.FUZZ_FAMILY_RUNS ?? process.env.FUZZ_RUNS ?? 1400);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH', 'sk-abcdefghijklmnopqrstuvwx'];
const HIDDEN = ['pw0rdHidden'];
const NEVER_SHOWN = [...SECRETS, ...HIDDEN];

const wrongType = fc.constantFrom<unknown>(null, 42, Number.NaN, true, [], ['x'], {}, 'text');
const hostileString = fc.constantFrom<unknown>('', ' ', 'a b', 'x'.repeat(300), '../etc', 'Upper_Case', 'new\nline', ...SECRETS, 'https://u:pw0rdHidden@h/x');
const hostileNumber = fc.constantFrom<unknown>(-1, 0, 0.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '3');
const hostile = fc.oneof(wrongType, hostileString, hostileNumber);

/** Valid most of the time, hostile now and then. */
function wild<T>(calm: fc.Arbitrary<T>, extra?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: calm, weight: 14 }, { arbitrary: extra ? fc.oneof(hostile, extra) : hostile, weight: 1 });
}
function maybe<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined, freq: 2 });
}
/** Usually unset: knobs of which several at once make few apps that synthesize. */
function rarely<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: a, weight: 1 });
}
const labels = maybe(wild(fc.dictionary(fc.constantFrom('team', 'example.com/owner'), fc.constantFrom('risk', 'a-b'), { maxKeys: 2 }),
  fc.constantFrom({ 'bad key': 'x' }, { team: 'bad value' }, { team: SECRETS[0] }, { team: 7 })));
const annotations = maybe(wild(fc.dictionary(fc.constantFrom('example.com/ticket', 'example.com/note'), fc.constantFrom('ML-1', 'free text'), { maxKeys: 2 }),
  fc.constantFrom({ 'example.com/db': 'postgres://a:pw0rdHidden@db/x' }, { '': 'x' })));
/**
 * Names get every hostile value but credentials: a token that also is a valid
 * DNS name (`sk-...`) is not screened in names (a name is not where a key is
 * pasted; the shapes that matter are screened where values go).
 */
const hostileName = fc.oneof(wrongType, hostileNumber, fc.constantFrom<unknown>('', ' ', 'a b', 'x'.repeat(300), '../etc', 'Upper_Case', 'new\nline', '-x'));
const dnsName = (...names: string[]) => maybe(fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 14 }, { arbitrary: hostileName, weight: 1 }));
const seconds = (...s: number[]) =>
  wild(fc.constantFrom(...s).map((n) => Duration.seconds(n)), fc.constantFrom(Duration.millis(1500), Duration.seconds(0)));
const nodePool = maybe(wild(fc.constantFrom(
  lib.GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g6' }), lib.GpuNodePool.gke('nvidia-l4'), lib.GpuNodePool.custom({ labels: { pool: 'gpu' }, taints: [{ key: 'dedicated', value: 'ml' }] }),
)));
const podSecurity = maybe(wild(fc.constantFrom(lib.PodSecurity.restricted({ runAsUser: 1000 }), lib.PodSecurity.restricted({ runAsGroup: 3000 })),
  fc.constant(lib.PodSecurity.restricted({ runAsUser: -5 }))));

/** Props, and what the output must show when it synthesizes. */
interface Built {
  readonly expected: string[];
}

const runtimeArb = fc.record({
  name: dnsName('sklearn-rt', 'triton'),
  namespace: dnsName('ml', 'serving'),
  formats: wild(fc.subarray(['SKLEARN', 'XGBOOST', 'ONNX'], { minLength: 1 }), fc.constant([])),
  autoSelect: maybe(wild(fc.boolean())),
  priority: maybe(wild(fc.integer({ min: 1, max: 10 }))),
  image: wild(fc.constantFrom('registry.example.com/rt:1.2.0', 'kserve/sklearnserver:v0.20.0'), fc.constantFrom('Bad Image', '')),
  args: maybe(wild(fc.constantFrom(['--workers=2'], ['--model_name={{.Name}}']), fc.constantFrom([`--token=${SECRETS[1]}`], ['--api-key=plaintextsecretvalue']))),
  envVariables: maybe(wild(fc.constantFrom({ LOG_LEVEL: 'debug' }, { WORKERS: '2' }), fc.constantFrom({ DB_URL: 'postgres://a:pw0rdHidden@db/x' }, { 'bad key': '1' }))),
  protocols: maybe(wild(fc.subarray(['V1', 'V2'], { minLength: 1 }))),
  multiModel: maybe(wild(fc.boolean())),
  disabled: maybe(wild(fc.boolean())),
  nodePool,
  labels,
  podAnnotations: annotations,
  podSecurity,
  cluster: fc.boolean(),
});

function buildRuntime(chart: Chart, r: any, out: Built): void {
  const formats = Array.isArray(r.formats)
    ? r.formats.map((f: string) => ({ format: (lib.ModelFormat as any)[f], autoSelect: r.autoSelect, priority: r.priority }))
    : r.formats;
  const props: any = {
    name: r.name,
    supportedFormats: formats,
    container: {
      image: r.image,
      args: r.args,
      envVariables: r.envVariables === null || typeof r.envVariables !== 'object' ? r.envVariables
        : Object.fromEntries(Object.entries(r.envVariables).map(([k, v]) => [k, EnvValue.fromValue(v as string)])),
    },
    protocols: Array.isArray(r.protocols) ? r.protocols.map((p: string) => (lib.InferenceProtocol as any)[p]) : r.protocols,
    multiModel: r.multiModel,
    disabled: r.disabled,
    nodePool: r.nodePool,
    labels: r.labels,
    podAnnotations: r.podAnnotations,
    podSecurity: r.podSecurity,
  };
  if (r.cluster) new lib.ClusterServingRuntime(chart, 'rt', props);
  else new lib.ServingRuntime(chart, 'rt', { ...props, namespace: r.namespace });
  out.expected.push(...stringsIn(r.name, r.image, r.args, r.envVariables, r.labels, r.podAnnotations), ...(r.cluster ? [] : stringsIn(r.namespace)));
}

const modelOf = (chart: Chart, id: string, props: Record<string, unknown> = {}) => new lib.ServedModel(chart, id, {
  format: lib.ModelFormat.SKLEARN, storage: lib.ModelStorage.fromS3({ bucket: 'models', key: `${id}/v1` }), ...props,
});

const graphArb = fc.record({
  kind: wild(fc.constantFrom('sequence', 'splitter', 'ensemble', 'conditional')),
  weights: fc.constantFrom<unknown[]>([100], [50, 50], [30, 70]).chain((w) => fc.oneof({ arbitrary: fc.constant(w), weight: 14 },
    { arbitrary: fc.constantFrom<unknown[]>([60, 60], [100.5], [-1, 101], [Number.NaN], ['50', 50]), weight: 1 })),
  stepOptions: fc.array(fc.record({
    name: dnsName('first', 'second'),
    condition: wild(fc.constantFrom('instances.#(x>1)', '{"instances":[{"x":1}]}', 'predictions.#(@this>0.5)'), fc.constantFrom('', ' ')),
    data: maybe(wild(fc.constantFrom(lib.StepData.REQUEST, lib.StepData.RESPONSE, lib.StepData.of('$response.predictions')),
      fc.constantFrom<unknown>('$request', { expression: '$request' }))),
    dependency: maybe(wild(fc.constantFrom(lib.StepDependency.HARD, lib.StepDependency.SOFT), fc.constant('Hard '))),
    crossNamespace: maybe(wild(fc.boolean())),
    mapPredictionsToInstances: maybe(wild(fc.boolean())),
    // What the step calls: a model of the app, another IServedModel (declared by another library, in namespace ml or
    // elsewhere), an InferenceService the app does not declare ('a' is one it does), or a URL.
    target: fc.constantFrom('model', 'model', 'foreign', 'inferenceService', 'url'),
    foreignNamespace: fc.constantFrom('ml', 'ml', 'risk'),
    serviceName: wild(fc.constantFrom('fraud-xgb', 'feature-store', 'fraud-xgb', 'feature-store', 'a'), hostileName),
    url: wild(fc.constantFrom('http://audit.tools.svc.cluster.local/v1/models/audit:predict', 'https://scores.example.com/v2/models/s/infer'),
      fc.constantFrom('ftp://x', 'https://u:pw0rdHidden@h/x')),
  }), { minLength: 2, maxLength: 2 }),
  // Now and then, step options where the node's router does not read them (data, dependency, mapPredictionsToInstances).
  misplaced: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
  mode: maybe(wild(fc.constantFrom(lib.GraphDeploymentMode.KNATIVE, lib.GraphDeploymentMode.STANDARD))),
  scaling: maybe(wild(fc.constantFrom(lib.Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }), lib.Scaling.fixedReplicas(2)),
    fc.constant(lib.Scaling.autoscale({ minReplicas: 5, maxReplicas: 2 })))),
  resources: maybe(wild(fc.constantFrom({ cpu: Cpu.millis(500) }, { memory: Size.mebibytes(512) }), fc.constantFrom({ cpu: '2' }))),
  nodePool,
  serviceAccount: maybe(wild(fc.constantFrom('graph-sa', 'router'), hostileName)),
  nodeName: rarely(wild(fc.constantFrom('node-a', 'ip-10-0-0-1.ec2.internal'), hostileName)),
  timeout: maybe(seconds(30, 120)),
  routerTimeouts: maybe(wild(fc.record({ serverRead: maybe(seconds(30)), serviceClient: maybe(seconds(60)) }))),
  visibility: maybe(wild(fc.constantFrom(lib.Visibility.CLUSTER_LOCAL, lib.Visibility.EXTERNAL))),
  name: dnsName('router', 'fraud-graph'),
  namespace: dnsName('ml'),
  labels,
  annotations,
});

/** A served model another library declares: only the IServedModel interface, on KServe. */
class ForeignModel extends Construct implements lib.IServedModel {
  public readonly platform = lib.ServingPlatform.kserve();
  public readonly protocol = lib.InferenceProtocol.V1;
  public readonly name: string;
  public readonly hostname: string;
  public readonly url: string;
  public readonly inferPath: string;
  public readonly healthPath = '/';
  public readonly readyPath: string;
  constructor(scope: Construct, id: string, public readonly namespace: string) {
    super(scope, id);
    this.name = id;
    this.hostname = `${id}.${namespace}.svc.cluster.local`;
    this.url = `http://${this.hostname}`;
    this.inferPath = `/v1/models/${id}:predict`;
    this.readyPath = `/v1/models/${id}`;
  }
}

function buildGraph(chart: Chart, g: any, out: Built): void {
  const a = modelOf(chart, 'a');
  const b = modelOf(chart, 'b');
  // Options every step kind takes; weight on a splitter and a condition on a conditional node only;
  // data and mapPredictionsToInstances where a Sequence reads them, dependency in Sequences and Ensembles (unless misplaced).
  const opts = (i: number) => {
    const o = g.stepOptions[i];
    const sequenceRead = g.misplaced || (g.kind === 'sequence' && i > 0);
    return {
      name: o.name,
      data: sequenceRead ? o.data : undefined,
      dependency: g.misplaced || g.kind === 'sequence' || g.kind === 'ensemble' ? o.dependency : undefined,
      mapPredictionsToInstances: sequenceRead ? o.mapPredictionsToInstances : undefined,
      crossNamespace: o.target === 'model' || o.target === 'foreign' ? o.crossNamespace : undefined,
      weight: g.kind === 'splitter' ? g.weights[i] : undefined,
      condition: g.kind === 'conditional' ? o.condition : undefined,
    } as any;
  };
  const models = g.kind === 'splitter' ? [a, b].slice(0, g.weights.length) : [a, b];
  const steps = models.map((m, i) => {
    const o = g.stepOptions[i];
    if (o.target === 'inferenceService') return lib.GraphStep.inferenceService(o.serviceName, opts(i));
    if (o.target === 'url') return lib.GraphStep.url(o.url, opts(i));
    if (o.target === 'foreign') return lib.GraphStep.model(new ForeignModel(chart, `scorer-${i}`, o.foreignNamespace), opts(i));
    return lib.GraphStep.model(m, opts(i));
  });
  models.forEach((_m, i) => {
    const o = g.stepOptions[i];
    out.expected.push(...stringsIn(opts(i).name, opts(i).condition, opts(i).dependency, opts(i).data?.expression));
    out.expected.push(...stringsIn(o.target === 'inferenceService' ? o.serviceName : o.target === 'url' ? o.url : o.target === 'foreign' ? `scorer-${i}` : undefined));
    if (opts(i).mapPredictionsToInstances === true) out.expected.push('"mapPredictionsToInstances":true');
  });
  const root = typeof g.kind === 'string' && (lib.GraphNode as any)[g.kind] ? (lib.GraphNode as any)[g.kind](steps) : g.kind;
  const serviceAccount = typeof g.serviceAccount === 'string' ? ServiceAccount.fromServiceAccountName(chart, 'graph-sa', g.serviceAccount) : g.serviceAccount;
  new lib.InferenceGraph(chart, 'graph', {
    root,
    mode: g.mode,
    scaling: g.scaling,
    resources: g.resources,
    nodePool: g.nodePool,
    nodeName: g.nodeName,
    serviceAccount,
    timeout: g.timeout,
    routerTimeouts: g.routerTimeouts,
    visibility: g.visibility,
    name: g.name,
    namespace: g.namespace,
    labels: g.labels,
    annotations: g.annotations,
  } as any);
  out.expected.push(...stringsIn(g.name, g.serviceAccount, g.nodeName, g.labels, g.annotations));
}

const PROM = 'http://prometheus.monitoring:9090';
const GATEWAY = lib.GatewayRef.of('inference', { namespace: 'gateway-system' });
/**
 * Two shapes whose calm values fit together: KServe or Knative platforms
 * (their own traffic split, manual steps on KServe), and a Deployment with a
 * Gateway API route (Argo Rollouts or Flagger, header A/B tests, load tests).
 * Wild values mix in per prop, as everywhere.
 */
const rolloutCommon = {
  candidateStorage: wild(fc.constantFrom('s3://models/m/v2', 'gs://team_models/m2'), fc.constantFrom('https://u:pw0rdHidden@h/m.zip')),
  candidateArgs: maybe(wild(fc.constantFrom(['--workers=4']))),
  // Every other CandidateProps field: each usually unset (the stable model's value), valid or hostile when set.
  candidate: fc.record({
    format: rarely(wild(fc.constantFrom(lib.ModelFormat.SKLEARN, lib.ModelFormat.XGBOOST), fc.constantFrom('sklearn', lib.ModelFormat.of('my-format')))),
    protocol: rarely(wild(fc.constantFrom(lib.InferenceProtocol.V1, lib.InferenceProtocol.V2))),
    runtime: rarely(wild(fc.constantFrom('kserve-sklearnserver', 'team-sklearn'), fc.constantFrom('Bad Runtime'))),
    runtimeVersion: rarely(wild(fc.constantFrom('v0.20.0', '1.5.2'), fc.constantFrom('bad version'))),
    runtimeImage: rarely(wild(fc.constantFrom('registry.example.com/srv:2.0.0'), fc.constantFrom('Bad Image'))),
    // The stable model has a format, which a custom server would conflict with: mostly an error case.
    server: rarely(wild(fc.record({
      image: wild(fc.constantFrom('registry.example.com/srv:2.0.0'), fc.constantFrom('Bad Image')),
      command: maybe(wild(fc.constantFrom(['/srv']), fc.constantFrom([`--token=${SECRETS[1]}`]))),
      port: maybe(wild(fc.constantFrom(8080, 9000), fc.constantFrom(70000))),
    }))),
    envVariables: rarely(wild(fc.constantFrom({ LOG_LEVEL: 'debug' }, { WORKERS: '2' }), fc.constantFrom({ DB_URL: 'postgres://a:pw0rdHidden@db/x' }, { 'bad key': '1' }))),
    resources: rarely(wild(fc.constantFrom({ cpu: Cpu.millis(500), memory: Size.gibibytes(2) }, { memory: Size.mebibytes(512) }), fc.constantFrom({ cpu: '2' }, { memory: Size.mebibytes(0) }))),
    accelerator: rarely(wild(fc.constantFrom(lib.Accelerator.nvidiaGpu(), lib.Accelerator.nvidiaGpu({ count: 2 })),
      fc.constant(lib.Accelerator.nvidiaGpu({ count: 0 })))),
    nodePool: rarely(nodePool),
    serviceAccount: rarely(dnsName('candidate-sa')),
  }),
  steps: maybe(wild(fc.constantFrom([10, 50], [5, 25, 50], [20]), fc.constantFrom([50, 10], [0], [100], [10, 10]))),
  stepInterval: maybe(seconds(60, 300)),
  analysis: maybe(wild(fc.constantFrom(
    lib.RolloutAnalysis.prometheus({ address: PROM, maxLatencyP99: Duration.millis(250), minSuccessRate: 99 }),
    lib.RolloutAnalysis.prometheus({ address: PROM, checks: [lib.ServingCheck.errorRate({ maxPercent: 1 })] }),
  ), fc.constantFrom(lib.RolloutAnalysis.prometheus({ address: 'http://u:pw0rdHidden@prom:9090' }),
    lib.RolloutAnalysis.prometheus({ address: PROM, checks: [lib.ServingCheck.timeToFirstToken({ max: Duration.millis(1), percentile: 100 })] })))),
  name: dnsName('m-v2', 'canary'),
};
const rolloutArb = fc.oneof(
  fc.record({
    ...rolloutCommon,
    platform: fc.constantFrom('kserve', 'kserveStandard', 'knativeService'),
    engine: maybe(fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 14 },
      { arbitrary: fc.oneof(hostile, fc.constant(lib.RolloutEngine.ARGO_ROLLOUTS)), weight: 1 },
    )),
    useRouter: fc.oneof({ arbitrary: fc.constant(false), weight: 14 }, { arbitrary: fc.constant(true), weight: 1 }),
    abTest: fc.constant(undefined),
    loadTest: fc.constant(undefined),
    requireAutomaticRollback: maybe(wild(fc.constant(false))),
    currentStep: maybe(wild(fc.constantFrom(0, 1))),
    rollback: maybe(wild(fc.boolean())),
    route: fc.constant(undefined),
  }),
  fc.record({
    ...rolloutCommon,
    platform: fc.constant('kubernetesDeployment'),
    engine: maybe(wild(fc.constantFrom(lib.RolloutEngine.ARGO_ROLLOUTS, lib.RolloutEngine.FLAGGER))),
    useRouter: fc.oneof({ arbitrary: fc.constant(true), weight: 14 }, { arbitrary: fc.constant(false), weight: 1 }),
    abTest: maybe(wild(fc.constantFrom('x-canary', 'x-beta').map((h) => lib.AbTest.headers({ matches: [lib.HeaderMatch.exact({ name: h, value: 'true' })] })),
      fc.constantFrom(lib.AbTest.headers({ matches: [] }), lib.AbTest.headers({ matches: [lib.HeaderMatch.regex({ name: 'x-a', pattern: '(' })] })))),
    loadTest: maybe(wild(fc.constantFrom(lib.LoadTest.hey({ requestsPerSecond: 5 }), lib.LoadTest.hey({ path: '/v1/models/m:predict' })),
      fc.constantFrom(lib.LoadTest.hey({ path: 'infer' }), lib.LoadTest.hey({ body: '{"api_key": "abc"}' })))),
    requireAutomaticRollback: maybe(wild(fc.boolean())),
    currentStep: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: hostileNumber, weight: 1 }),
    rollback: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: fc.constant(true), weight: 1 }),
    route: wild(fc.record({
      hostnames: fc.constantFrom(['m.example.com'], ['*.models.example.com', 'm.example.com'], []),
      pathPrefix: maybe(wild(fc.constantFrom('/models/m', '/'), fc.constantFrom('models', '/a/../b'))),
      requestTimeout: maybe(seconds(30)),
      backendRequestTimeout: maybe(seconds(10, 60)),
      name: dnsName('m-route'),
      routeNamespace: dnsName('gateway-system'),
      gatewayName: wild(fc.constantFrom('inference', 'public'), fc.constantFrom('Bad_Name')),
      port: maybe(wild(fc.constantFrom(80, 443), fc.constantFrom(70000))),
      sectionName: dnsName('http', 'https'),
    })),
  }),
);

function buildRollout(chart: Chart, r: any, out: Built): void {
  const route = r.route === undefined ? undefined : typeof r.route !== 'object' || r.route === null || !('gatewayName' in r.route) ? r.route
    : lib.GatewayExposure.route({
      gateways: [lib.GatewayRef.of(r.route.gatewayName, { namespace: 'gateway-system', port: r.route.port, sectionName: r.route.sectionName })],
      hostnames: r.route.hostnames,
      pathPrefix: r.route.pathPrefix,
      requestTimeout: r.route.requestTimeout,
      backendRequestTimeout: r.route.backendRequestTimeout,
      name: r.route.name,
      routeNamespace: r.route.routeNamespace,
    });
  const model = modelOf(chart, 'm', { platform: (lib.ServingPlatform as any)[r.platform](), gateway: route });
  if (route !== undefined && r.route && typeof r.route === 'object' && 'gatewayName' in r.route) {
    out.expected.push(...stringsIn(r.route.hostnames, r.route.pathPrefix, r.route.name, r.route.gatewayName, r.route.sectionName));
  }
  // Names become cdk8s-plus references and EnvValues, as a caller writes them; wrong types stay as they are.
  const c = r.candidate;
  const envVariables = c.envVariables === null || typeof c.envVariables !== 'object' ? c.envVariables
    : Object.fromEntries(Object.entries(c.envVariables).map(([k, v]) => [k, typeof v === 'string' ? EnvValue.fromValue(v) : v]));
  const candidate = {
    ...c,
    runtime: typeof c.runtime === 'string' ? lib.ServingRuntime.fromServingRuntimeName(chart, 'candidate-runtime', c.runtime) : c.runtime,
    serviceAccount: typeof c.serviceAccount === 'string' ? ServiceAccount.fromServiceAccountName(chart, 'candidate-sa', c.serviceAccount) : c.serviceAccount,
    envVariables,
  };
  new lib.CanaryRollout(chart, 'rollout', {
    model,
    candidate: { ...candidate, storage: typeof r.candidateStorage === 'string' ? lib.ModelStorage.fromUri(r.candidateStorage) : r.candidateStorage, args: r.candidateArgs },
    steps: r.abTest !== undefined ? undefined : r.steps ?? [10, 50],
    engine: r.engine,
    trafficRouter: r.useRouter ? lib.TrafficRouter.gatewayApi() : undefined,
    abTest: r.abTest,
    loadTest: r.loadTest,
    stepInterval: r.stepInterval,
    analysis: r.analysis,
    requireAutomaticRollback: r.requireAutomaticRollback,
    currentStep: r.currentStep,
    rollback: r.rollback,
    name: r.name,
  } as any);
  if (typeof r.candidateStorage === 'string') out.expected.push(r.candidateStorage);
  out.expected.push(...stringsIn(r.candidateArgs, c.runtime, c.runtimeVersion, c.runtimeImage, c.envVariables, c.serviceAccount,
    c.server && typeof c.server === 'object' ? [c.server.image, c.server.command] : undefined));
}

const cacheArb = fc.record({
  storage: wild(fc.constantFrom('hf://meta-llama/Llama-3.1-8B', 's3://models/llm'), fc.constantFrom('https://u:pw0rdHidden@h/m.zip', 'pvc://claim/m')),
  modelSize: wild(fc.constantFrom(16, 140).map((n) => Size.gibibytes(n)), fc.constant(Size.gibibytes(0))),
  serviceAccount: dnsName('cache-sa'),
  storageKey: maybe(wild(fc.constantFrom('localModel'))),
  storageParameters: maybe(wild(fc.constantFrom({ region: 'eu-west-1' }))),
  name: dnsName('llama', 'models'),
  labels,
  groupName: dnsName('nvme'),
  storageLimit: wild(fc.constantFrom(500, 2000).map((n) => Size.gibibytes(n)), fc.constant(Size.gibibytes(1))),
  localPath: wild(fc.constantFrom('/mnt/models', '/var/cache/models'), fc.constantFrom('models', '/a/../b')),
  groupPool: nodePool,
  nodeSelector: maybe(wild(fc.constantFrom({ cache: 'nvme' }, { 'example.com/disk': 'ssd' }))),
  storageClassName: dnsName('local-nvme'),
  capacity: maybe(wild(fc.constantFrom(2000, 4000).map((n) => Size.gibibytes(n)))),
  groupLabels: labels,
});

function buildCache(chart: Chart, c: any, out: Built): void {
  const group = new lib.LocalModelNodeGroup(chart, 'group', {
    name: c.groupName,
    storageLimit: c.storageLimit,
    localPath: c.localPath,
    nodePool: c.groupPool,
    nodeSelector: c.nodeSelector ?? (c.groupPool === undefined ? { cache: 'nvme' } : undefined),
    storageClassName: c.storageClassName,
    capacity: c.capacity,
    labels: c.groupLabels,
  } as any);
  new lib.LocalModelCache(chart, 'cache', {
    storage: typeof c.storage === 'string' ? lib.ModelStorage.fromUri(c.storage) : c.storage,
    modelSize: c.modelSize,
    nodeGroups: [group],
    serviceAccount: typeof c.serviceAccount === 'string' ? ServiceAccount.fromServiceAccountName(chart, 'cache-sa', c.serviceAccount) : c.serviceAccount,
    storageKey: c.storageKey,
    storageParameters: c.storageParameters,
    name: c.name,
    labels: c.labels,
  } as any);
  out.expected.push(...stringsIn(c.groupName, c.localPath, c.storageClassName, c.name, c.labels, c.groupLabels, c.serviceAccount, c.storage));
}

/**
 * GPUs per pod and the parallelism they must match (tensor x dataLocal GPUs
 * per pod, KServe's webhook); multi-node shapes also take a worker. Pipeline
 * parallelism is among the hostile values: KServe 0.20 ships no preset for it.
 */
const llmShape = fc.constantFrom(
  { gpus: 1, parallelism: undefined, multiNode: false },
  { gpus: 2, parallelism: { tensor: 2 }, multiNode: false },
  { gpus: 1, parallelism: { data: 2, dataLocal: 1 }, multiNode: true },
  { gpus: 2, parallelism: { tensor: 1, data: 4, dataLocal: 2, dataRpcPort: 5555, expert: true }, multiNode: true },
);
const podLabels = rarely(wild(fc.constantFrom({ 'example.com/tier': 'gold' }, { team: 'risk' }), fc.constantFrom({ 'bad key': 'x' }, { team: SECRETS[0] })));
const podAnnotations = rarely(wild(fc.constantFrom({ 'example.com/scrape': 'true' }), fc.constantFrom({ 'example.com/db': 'postgres://a:pw0rdHidden@db/x' }, { '': 'x' })));
/** The options a decode and a prefill workload both take. */
const llmWorkloadArb = fc.record({
  shape: llmShape,
  wildParallelism: rarely(fc.oneof(hostile, fc.constantFrom(
    { tensor: 0 }, { pipeline: 2 }, { pipeline: 2, data: 2, dataLocal: 1 }, { data: 3, dataLocal: 2 }, { expert: true }, { dataRpcPort: 70000 }))),
  worker: rarely(wild(fc.constantFrom({ resources: { memory: Size.gibibytes(32) } }, { nodePool: lib.GpuNodePool.gke('nvidia-l4') }),
    fc.constantFrom({ nodePool: 'gpu' }, { resources: { cpu: '2' } }))),
  kvCacheOffloading: rarely(wild(fc.constantFrom<any>(
    { cpu: Size.gibibytes(20) },
    { cpu: Size.gibibytes(8), evictionPolicy: lib.KvCacheEvictionPolicy.LRU, localDisk: Size.gibibytes(50) },
    { cpu: Size.gibibytes(8), claim: { claimName: 'kv-cache', path: '/mnt/kv' } },
    { cpu: Size.gibibytes(8), ephemeralVolume: { size: Size.gibibytes(200), storageClassName: 'local-nvme' } },
  ), fc.constantFrom<any>({ cpu: Size.gibibytes(0) }, { cpu: Size.gibibytes(8), evictionPolicy: 'fifo' }, { cpu: Size.gibibytes(8), claim: { claimName: 'Bad Claim' } },
    { cpu: Size.gibibytes(8), claim: { claimName: 'kv', path: 'relative' } }, { cpu: Size.gibibytes(8), ephemeralVolume: { size: Size.gibibytes(1), storageClassName: 'Local NVMe' } }))),
  podLabels,
  podAnnotations,
  // Replicas and scaling exclude each other; both usually unset.
  replicas: rarely(wild(fc.constantFrom(1, 2))),
});

const llmArb = fc.record({
  modelName: maybe(wild(fc.constantFrom('llama-8b', 'meta-llama/Llama-3.1-8B-Instruct'))),
  name: dnsName('chat', 'llama'),
  namespace: dnsName('llm'),
  image: maybe(wild(fc.constantFrom('vllm/vllm-openai:v0.11.0'), fc.constantFrom('Bad Image'))),
  args: maybe(wild(fc.constantFrom(['--max-model-len=8192'], ['--enable-prefix-caching']), fc.constantFrom(['--api-key=plaintextsecretvalue']))),
  envVariables: maybe(wild(fc.constantFrom({ VLLM_LOGGING_LEVEL: 'INFO' }, { VLLM_PORT_RANGE: 'standard', OMP_NUM_THREADS: '4' }),
    fc.constantFrom({ 'bad key': '1' }, { HF_TOKEN: SECRETS[2] }, { DB_URL: 'postgres://a:pw0rdHidden@db/x' }))),
  // Props replaced before 1.0, as plain JavaScript (or a spread) may still pass them: always a clear error.
  replaced: rarely(fc.constantFrom({ env: { VLLM_LOGGING_LEVEL: 'INFO' } }, { envValues: {} })),
  scaling: rarely(wild(fc.constantFrom(lib.LlmScaling.keda({ minReplicas: 1, maxReplicas: 3 }), lib.LlmScaling.hpa({ maxReplicas: 2 })),
    fc.constant(lib.LlmScaling.keda({ minReplicas: 3, maxReplicas: 2 })))),
  router: maybe(wild(fc.constantFrom(lib.LlmRouter.managed(), lib.LlmRouter.NONE, lib.LlmRouter.gateways([GATEWAY]),
    lib.LlmRouter.managed({ scheduler: lib.LlmScheduler.managed({ template: { envVariables: { GOMEMLIMIT: EnvValue.fromValue('3GiB') } } }) })),
  fc.constantFrom(lib.LlmRouter.gateways([]), lib.LlmRouter.managed({ scheduler: lib.LlmScheduler.managed({ replicas: 0 }) }),
    lib.LlmRouter.managed({ scheduler: lib.LlmScheduler.managed({ template: { envVariables: { HF_TOKEN: EnvValue.fromValue(SECRETS[2]) } } }) })))),
  lora: maybe(wild(fc.constantFrom('sql', 'chat-fr').map((n) => [lib.LoraAdapter.of({ name: n, storage: lib.ModelStorage.fromHuggingFace(`org/${n}`) })]),
    fc.constant([lib.LoraAdapter.of({ name: '', storage: lib.ModelStorage.fromHuggingFace('org/x') })]))),
  loraOptions: rarely(wild(fc.record({
    maxRank: maybe(wild(fc.constantFrom(8, 16, 64), fc.constantFrom(7, 1000))),
    maxAdapters: maybe(wild(fc.constantFrom(1, 4))),
    maxCpuAdapters: maybe(wild(fc.constantFrom(4, 8))),
  }))),
  confidential: rarely(wild(fc.constantFrom({}, { keyResourceId: 'kbs:///default/llama/key' }), fc.constantFrom({ keyResourceId: 'llama-key' }, { keyResourceId: '' }))),
  storageInitializer: rarely(wild(fc.boolean())),
  vllm: rarely(wild(fc.record({
    maxModelLength: maybe(wild(fc.constantFrom(4096, 32768))),
    gpuMemoryUtilization: maybe(wild(fc.constantFrom(0.8, 0.95), fc.constant(1.5))),
    dtype: maybe(wild(fc.constantFrom(lib.LlmDataType.AUTO, lib.LlmDataType.BFLOAT16, lib.LlmDataType.of('half')), fc.constant('bfloat16'))),
    maxNumSeqs: maybe(wild(fc.constantFrom(64, 256))),
    enablePrefixCaching: maybe(wild(fc.boolean())),
    quantization: maybe(wild(fc.constantFrom('fp8', 'awq'))),
    trustRemoteCode: maybe(wild(fc.boolean())),
  }))),
  sharedMemory: rarely(wild(fc.constantFrom(Size.gibibytes(2), Size.gibibytes(16)), fc.constant(Size.mebibytes(0)))),
  tracing: rarely(wild(fc.record({
    exporterEndpoint: maybe(wild(fc.constantFrom('http://otel-collector.observability:4317', 'https://otel.example.com:4318'),
      fc.constantFrom('otel collector', 'http://u:pw0rdHidden@otel:4317'))),
    sampler: maybe(wild(fc.constantFrom('parentbased_traceidratio', 'always_on'))),
    samplingRatio: maybe(wild(fc.constantFrom(0.05, 1), fc.constant(1.5))),
    exporter: maybe(wild(fc.constantFrom('otlp'))),
  }))),
  decode: llmWorkloadArb,
  prefill: rarely(wild(llmWorkloadArb)),
  config: rarely(wild(fc.record({
    name: dnsName('team-preset'),
    image: maybe(wild(fc.constantFrom('vllm/vllm-openai:v0.11.1'), fc.constantFrom('Bad Image'))),
    args: maybe(wild(fc.constantFrom(['--seed=1']), fc.constantFrom(['--api-key=plaintextsecretvalue']))),
    envVariables: maybe(wild(fc.constantFrom({ VLLM_LOGGING_LEVEL: 'DEBUG' }), fc.constantFrom({ HF_TOKEN: SECRETS[2] }))),
    vllm: maybe(wild(fc.constantFrom({ maxModelLength: 8192 }, { enablePrefixCaching: true }), fc.constant({ gpuMemoryUtilization: 0 }))),
    serviceAccount: dnsName('preset-sa'),
    labels,
    annotations,
  }), fc.constantFrom<unknown>([{ name: 'not-a-construct' }]))),
  canary: rarely(fc.record({
    candidateWeight: maybe(wild(fc.constantFrom(0, 10, 50), fc.constantFrom(101, 2.5))),
    promote: maybe(wild(fc.constant(false), fc.constant(true))),
    group: dnsName('llama-group'),
    alerts: maybe(wild(fc.record({
      checks: fc.constantFrom([lib.ServingCheck.timeToFirstToken({ max: Duration.millis(800) })],
        [lib.ServingCheck.interTokenLatency({ max: Duration.millis(50), percentile: 95 }), lib.ServingCheck.tokensPerSecond({ min: 20 })]),
      window: maybe(wild(fc.constantFrom(Duration.minutes(5), Duration.minutes(10)), fc.constant(Duration.seconds(1)))),
    }), fc.constantFrom({ checks: [] }, { checks: [lib.ServingCheck.errorRate({ maxPercent: 1 })] }))),
  }, { requiredKeys: [] })),
  podSecurity,
  labels,
  annotations,
  // A name: the builder references it with ServiceAccount.fromServiceAccountName, as a user would.
  serviceAccount: dnsName('llm-sa'),
});

/** An LlmWorkloadOptions from a generated workload; hostile parallelism replaces the shape's now and then. */
function llmWorkload(w: any): Record<string, unknown> {
  if (w === null || typeof w !== 'object' || !('shape' in w)) return w;
  return {
    accelerator: lib.Accelerator.nvidiaGpu({ count: w.shape.gpus }),
    parallelism: w.wildParallelism ?? w.shape.parallelism,
    // A worker goes with a replica that spans pods (or with hostile parallelism, which may not span pods: rejected, as it should be).
    worker: w.shape.multiNode || w.wildParallelism !== undefined ? w.worker : undefined,
    kvCacheOffloading: w.kvCacheOffloading,
    resources: w.kvCacheOffloading === undefined ? undefined : { memory: Size.gibibytes(64) },
    podLabels: w.podLabels,
    podAnnotations: w.podAnnotations,
    replicas: w.replicas,
  };
}
function llmWorkloadStrings(w: any): string[] {
  if (w === null || typeof w !== 'object' || !('shape' in w)) return [];
  const kv = w.kvCacheOffloading;
  return stringsIn(w.podLabels, w.podAnnotations, kv?.claim?.claimName, kv?.claim?.path, kv?.ephemeralVolume?.storageClassName);
}

/** A generated service account name, referenced as users do; hostile non-names pass through as they are. */
function serviceAccountRef(chart: Chart, id: string, name: unknown): unknown {
  return typeof name === 'string' ? ServiceAccount.fromServiceAccountName(chart, id, name) : name;
}

/** Generated env maps as cdk8s-plus EnvValues, as callers write them; hostile non-maps pass through as they are. */
function envValuesOf(env: unknown): unknown {
  return env === null || typeof env !== 'object' || Array.isArray(env) ? env
    : Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? EnvValue.fromValue(v) : v]));
}

function buildLlm(chart: Chart, l: any, out: Built): void {
  const config = l.config === undefined ? undefined : Array.isArray(l.config) ? l.config
    : [new lib.LlmServiceConfig(chart, 'preset', {
      ...l.config,
      namespace: l.namespace,
      serviceAccount: serviceAccountRef(chart, 'preset-sa', l.config?.serviceAccount),
      envVariables: envValuesOf(l.config.envVariables),
    } as any)];
  const props = {
    storage: lib.ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' }),
    ...llmWorkload(l.decode),
    modelName: l.modelName,
    name: l.name,
    namespace: l.namespace,
    image: l.image,
    args: l.args,
    envVariables: envValuesOf(l.envVariables),
    ...l.replaced,
    scaling: l.scaling,
    router: l.router,
    // LoRA options apply to adapters: set with some.
    loraAdapters: l.lora ?? (l.loraOptions === undefined ? undefined : [lib.LoraAdapter.of({ name: 'sql', storage: lib.ModelStorage.fromHuggingFace('org/sql') })]),
    lora: l.loraOptions,
    confidential: l.confidential,
    storageInitializer: l.storageInitializer,
    vllm: l.vllm,
    sharedMemory: l.sharedMemory,
    tracing: l.tracing,
    prefill: l.prefill === undefined ? undefined : llmWorkload(l.prefill),
    config,
    podSecurity: l.podSecurity,
    labels: l.labels,
    annotations: l.annotations,
    serviceAccount: serviceAccountRef(chart, 'llm-sa', l.serviceAccount),
  } as any;
  const stable = new lib.LlmService(chart, 'llm', props);
  out.expected.push(...stringsIn(l.modelName, l.name, l.image, l.args, l.envVariables, l.labels, l.annotations, l.serviceAccount,
    l.confidential?.keyResourceId, l.vllm?.quantization, l.tracing?.exporterEndpoint, l.tracing?.sampler, l.tracing?.exporter),
  ...llmWorkloadStrings(l.decode), ...llmWorkloadStrings(l.prefill));
  if (l.config && !Array.isArray(l.config) && typeof l.config === 'object') {
    const c = l.config;
    out.expected.push(...stringsIn(c.name, c.image, c.args, c.envVariables, c.labels, c.annotations, c.serviceAccount));
  }
  if (l.canary !== undefined) {
    // The candidate: the same model name and namespace, other weights; its name follows the stable one's.
    const candidate = new lib.LlmService(chart, 'llm-v2', {
      ...props,
      storage: lib.ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v2' }),
      name: typeof l.name === 'string' ? `${l.name}-v2` : undefined,
      modelName: props.modelName ?? stable.modelName,
    });
    new lib.LlmCanary(chart, 'canary', { stable, candidate, ...l.canary } as any);
    out.expected.push(...stringsIn(l.canary.group));
  }
}

const flag = maybe(wild(fc.constantFrom(lib.FeatureFlagState.ENABLED, lib.FeatureFlagState.ALLOWED, lib.FeatureFlagState.DISABLED)));
const featuresArb = fc.record({
  nodeSelector: flag,
  tolerations: flag,
  affinity: flag,
  runtimeClassName: flag,
  additionalFlags: maybe(wild(fc.constantFrom({ 'kubernetes.podspec-persistent-volume-claim': 'enabled' }, { 'kubernetes.podspec-init-containers': 'enabled' }),
    fc.constantFrom({ 'not.a.flag': 'enabled' }, { 'kubernetes.podspec-affinity': 'enabled' }, { 'kubernetes.podspec-init-containers': 'maybe' }))),
  namespace: dnsName('knative-serving'),
  twice: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
});

function buildFeatures(app: App, f: any, out: Built): void {
  const props = {
    nodeSelector: f.nodeSelector,
    tolerations: f.tolerations,
    affinity: f.affinity,
    runtimeClassName: f.runtimeClassName,
    additionalFlags: f.additionalFlags,
    namespace: f.namespace,
  } as any;
  new lib.KnativeFeatures(new Chart(app, 'features'), 'features', props);
  // KnativeFeatures in two charts: the second writes the same ConfigMap.
  if (f.twice) new lib.KnativeFeatures(new Chart(app, 'features2'), 'features', props);
  out.expected.push(...stringsIn(f.namespace, f.additionalFlags));
}

const appArb = fc.oneof(
  fc.record({ family: fc.constant('runtime'), p: runtimeArb }),
  fc.record({ family: fc.constant('graph'), p: graphArb }),
  { arbitrary: fc.record({ family: fc.constant('rollout'), p: rolloutArb }), weight: 2 },
  fc.record({ family: fc.constant('cache'), p: cacheArb }),
  fc.record({ family: fc.constant('llm'), p: llmArb }),
  fc.record({ family: fc.constant('features'), p: featuresArb }),
);

function buildApp(r: any): { app: App; out: Built } {
  const app = new App({ outdir: '/nonexistent-hostile-fuzz' });
  const out: Built = { expected: [] };
  if (r.family === 'features') {
    buildFeatures(app, r.p, out);
    return { app, out };
  }
  const chart = new Chart(app, 'fuzz', { namespace: 'ml' });
  new lib.KnativeClusterFlags(chart, 'test-cluster-knative-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  const build = { runtime: buildRuntime, graph: buildGraph, rollout: buildRollout, cache: buildCache, llm: buildLlm }[r.family as string]!;
  build(chart, r.p, out);
  return { app, out };
}

/** Our error: a construct path of the app, then a prop, then the rest. */
const OWN_ERROR = /^((fuzz|features2?)(\/[\w-]+)*): ([A-Za-z][\w.]*(\[[^\]]*\])?[\w.]*(\["[^"]*"\])?) .*; \S/;

const checkError = (e: any): string => clearErrorProp(e, OWN_ERROR, 4, NEVER_SHOWN);

describe('fuzz: hostile input for every construct family', () => {
  test(`${RUNS} generated apps fail with a clear error or synthesize everything they set, and nothing secret`, () => {
    const valid = new Map<string, number>();
    const rejected = new Map<string, number>();
    const started = Date.now();
    try {
      fc.assert(fc.property(appArb, (r) => {
        let json: string;
        let built: ReturnType<typeof buildApp> | undefined;
        try {
          built = buildApp(r);
          json = synthInMemory(built.app);
        } catch (e: any) {
          const prop = checkError(e);
          if (process.env.FUZZ_DEBUG && `${r.family}.${prop}`.match(process.env.FUZZ_DEBUG)) console.log(String(e?.message).slice(0, 400));
          rejected.set(`${r.family}.${prop}`, (rejected.get(`${r.family}.${prop}`) ?? 0) + 1);
          return;
        }
        const docs = JSON.parse(json);
        const chart = built.app.charts[0];
        expectConformant(docs, appContext(chart, docs));
        expectRestricted(docs.filter((d: any) => d.metadata?.annotations?.['model-serving.cdk8s.io/pod-security-opt-out'] === undefined));
        for (const secret of NEVER_SHOWN) if (json.includes(secret)) throw new Error(`a credential reached the output: ${secret}`);
        for (const s of built.out.expected) {
          if (!json.includes(s) && !json.includes(JSON.stringify(s).slice(1, -1))) throw new Error(`value ${JSON.stringify(s)} was set but is not in the output`);
        }
        if (synthInMemory(buildApp(r).app) !== json) throw new Error('non-deterministic output');
        valid.set(r.family, (valid.get(r.family) ?? 0) + 1);
      }), { numRuns: RUNS, seed: SEED });
    } catch (e: any) {
      throw new Error(`hostile family fuzz failed with FUZZ_SEED=${SEED} (FUZZ_FAMILY_RUNS=${RUNS}):\n${e?.message ?? e}\n${e?.cause?.message ?? ''}`);
    }
    const nValid = [...valid.values()].reduce((a, b) => a + b, 0);
    const nRejected = [...rejected.values()].reduce((a, b) => a + b, 0);
    const top = [...rejected.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, Number(process.env.FUZZ_TOP ?? 12)).map(([k, n]) => `${k}=${n}`).join(', ');
    const perFamily = [...valid.entries()].sort().map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`hostile family fuzz (seed ${SEED}): ${nValid + nRejected} apps in ${Date.now() - started} ms, ${nValid} valid (${perFamily}), `
      + `${nRejected} rejected with a clear error (by: ${top})`);
    expect(nValid + nRejected).toBe(RUNS);
    // Every family reaches valid output often enough to check the output side of the invariant.
    for (const family of ['runtime', 'graph', 'rollout', 'cache', 'llm', 'features']) expect(valid.get(family) ?? 0).toBeGreaterThan(RUNS / 60);
  });
});
