/**
 * Property-based test with hostile input (issue 16): values from spreadsheets,
 * copied snippets and plain JavaScript (wrong types, credentials, whitespace,
 * NaN, duplicates, names that collide). For every generated app, either:
 *
 * - synth fails with the library's error, naming a construct path of the app
 *   and a prop, and never printing a credential; or
 * - the output passes the conformance harness and the Pod Security check,
 *   contains every value the app set, contains no credential, and is
 *   byte-identical on a second synth (checked for every third valid app).
 *
 * CI uses a fixed seed (printed on failure by fast-check, and in the summary);
 * set FUZZ_SEED / FUZZ_RUNS to explore locally. Apps are synthesized in memory
 * (the app-wide validations `App.synth` runs, then each chart's JSON), with no outdir.
 */
import { ApiObject, App, Chart, Duration, Size } from 'cdk8s';
import { ConfigMap, Cpu, EnvValue, PercentOrAbsolute, Secret, ServiceAccount } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { appContext, expectConformant } from '../conformance/conformance';
import { expectRestricted } from '../conformance/pod-security';
import { clearErrorProp, synthInMemory } from '../fixtures/fuzz-values';
import { TEST_CLUSTER_KNATIVE_FLAGS } from '../util';

const RUNS = Number(process.env.FUZZ_HOSTILE_RUNS ?? process.env.FUZZ_RUNS ?? 5000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

/** Credentials of every shape the library knows; none may reach the output or a message. */
const SECRETS = [
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH',
  'sk-abcdefghijklmnopqrstuvwx',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl',
];
/** Secret parts embedded in larger values (only the part after the marker must stay hidden). */
const HIDDEN = ['pw0rdHidden', 'QWNjb3VudEtleUhpZGRlbg'];
const secretValues = [
  ...SECRETS,
  'postgres://app:pw0rdHidden@db:5432/features',
  'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=QWNjb3VudEtleUhpZGRlbg==;EndpointSuffix=core.windows.net',
  'Server=db;User Id=app;Password=pw0rdHidden;',
];
const NEVER_SHOWN = [...SECRETS, ...HIDDEN];

/** Mostly valid values, sometimes hostile ones. */
function mostly<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostile, weight: 1 });
}
function maybe<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined, freq: 2 });
}
const wrongType = fc.constantFrom<unknown>(null, 42, Number.NaN, true, [], ['x'], {}, 'text', () => 1);
const hostileString = fc.constantFrom<unknown>('', ' ', 'a b', 'x'.repeat(300), '../etc', 'émoji🙂', '$(rm -rf /)', '"quoted"', 'new\nline', ...secretValues);
const hostileNumber = fc.constantFrom<unknown>(-1, 0, 0.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '3');

const nameArb = mostly(fc.constantFrom('fraud', 'churn-v2', 'm1', 'a'.repeat(40)), fc.oneof(hostileString, wrongType, fc.constantFrom('Fraud', 'fraud_v2', '-x')));
const stringMap = (keys: fc.Arbitrary<string>, values: fc.Arbitrary<string>) =>
  mostly(fc.dictionary(keys, values, { maxKeys: 3 }), fc.oneof(wrongType, fc.dictionary(fc.constantFrom('A', 'bad key', ''), hostileString as fc.Arbitrary<any>, { maxKeys: 2 })));
const envKeys = fc.constantFrom('LOG_LEVEL', 'WORKERS', 'HF_HOME', 'HOME', 'STORAGE_URI', 'DB_URL', 'API_TOKEN');
const envVals = fc.oneof({ arbitrary: fc.constantFrom('debug', '2', '', '/cache', 'on'), weight: 8 }, { arbitrary: fc.constantFrom(...secretValues), weight: 1 });
const labelKeys = fc.constantFrom('team', 'example.com/owner', 'app.kubernetes.io/part-of', 'app.kubernetes.io/name', 'cost-center');
const labelVals = fc.oneof({ arbitrary: fc.constantFrom('risk', 'a-b', 'x1'), weight: 8 }, { arbitrary: fc.constantFrom('fraud', 'bad value', SECRETS[0]), weight: 1 });
const annotationKeys = fc.constantFrom('example.com/ticket', 'serving.kserve.io/deploymentMode', 'autoscaling.knative.dev/target',
  'model-serving.cdk8s.io/pod-security-opt-out', 'example.com/db');
const annotationVals = fc.oneof({ arbitrary: fc.constantFrom('ML-123', 'Knative', '10', 'free text, with spaces'), weight: 8 }, { arbitrary: fc.constantFrom(...secretValues), weight: 1 });
const argArb = fc.oneof(
  { arbitrary: fc.constantFrom('--workers=2', '--log-level', 'debug', '--api-key=$(API_KEY)', '--trust_remote_code', '--max-model-len=4096'), weight: 8 },
  { arbitrary: fc.constantFrom('--api-key=plaintextsecretvalue', '--hf-token', `--token=${SECRETS[1]}`, 'x'.repeat(10)), weight: 1 },
);

const storageArb = fc.oneof(
  { arbitrary: fc.constantFrom('s3://models/fraud/v7', 'gs://team_models/m', 'pvc://claim/models/m', 'hf://org/model', 'https://example.com/m.tar.gz', 'oci://registry.example.com/models/m:1').map((u) => ({ kind: 'uri', u })), weight: 8 },
  {
    arbitrary: fc.constantFrom('https://user:pw0rdHidden@example.com/m.zip', `s3://${SECRETS[0]}:pw0rdHidden@bucket/m`, 'ftp://x/y', 's3://', 'gs://B/m', 'pvc://../x', '')
      .map((u) => ({ kind: 'uri', u })),
    weight: 2,
  },
  // Custom schemes: one the app's ClusterStorageContainer serves, a built-in one, malformed ones.
  { arbitrary: fc.constantFrom('model-registry://iris/v1', 's3://models/m', 'model registry://x', 'mr://user:pw0rdHidden@x/m').map((u) => ({ kind: 'custom', u })), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('gcs'), bucket: fc.constantFrom('team_models', 'models', 'B', 'x'), path: fc.constantFrom('m', '', '../up', 'a/b') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('raw'), v: fc.oneof(wrongType, fc.constantFrom('s3://models/m')) }), weight: 1 },
);

const acceleratorArb = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' }), weight: 4 },
  fc.record({ kind: fc.constant('gpu'), count: mostly(fc.integer({ min: 1, max: 4 }), hostileNumber), product: maybe(fc.constantFrom('L4', 'H100_80GB_HBM3', 'A100_SXM4_80GB', 'T4')) }),
  fc.record({ kind: fc.constant('amd'), count: mostly(fc.integer({ min: 1, max: 2 }), hostileNumber) }),
  fc.record({ kind: fc.constant('raw'), v: wrongType }),
);
const poolArb = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' }), weight: 4 },
  fc.record({ kind: fc.constant('gke'), acc: fc.constantFrom('nvidia-l4', 'nvidia-h100-80gb', 'amd-mi300') }),
  fc.record({ kind: fc.constant('karpenter'), family: maybe(fc.constantFrom('g6', 'p5', 'g4ad', 'inf2', 'zz9')) }),
  fc.record({ kind: fc.constant('aks'), vmSize: maybe(fc.constantFrom('Standard_NC24ads_A100_v4', 'Standard_ND96isr_MI300X_v5', 'NC24')) }),
  fc.record({
    kind: fc.constant('custom'),
    taints: fc.array(fc.record({ key: fc.constantFrom('dedicated', 'bad key', 'nvidia.com/gpu'), value: maybe(fc.constantFrom('ml', 'ml team', '', 'x'.repeat(70))) }), { maxLength: 2 }),
  }),
);
const scalingArb = fc.oneof(
  fc.record({ kind: fc.constant('auto'), min: maybe(mostly(fc.integer({ min: 0, max: 3 }), hostileNumber)), max: maybe(mostly(fc.integer({ min: 1, max: 8 }), hostileNumber)) }),
  fc.record({ kind: fc.constant('fixed'), n: mostly(fc.integer({ min: 1, max: 3 }), hostileNumber) }),
  fc.record({ kind: fc.constant('raw'), v: wrongType }),
);
const platformIds = ['kserve', 'kserveStandard', 'knativeService', 'kubernetesDeployment'] as const;

/**
 * Each prop has a calm arbitrary (valid values) and a wild one (hostile
 * values mixed with valid ones). Each generated model makes a few props wild
 * and keeps the rest calm, so that both paths (a clear error, a valid app)
 * are exercised and a failure shrinks to the prop that caused it.
 */
const modelProps = {
  name: [maybe(fc.constantFrom('fraud', 'churn-v2', 'm1')), maybe(nameArb)],
  format: [fc.constantFrom('SKLEARN', 'XGBOOST', 'ONNX', 'custom'),
    fc.oneof({ arbitrary: fc.constantFrom('SKLEARN', 'XGBOOST', 'HUGGINGFACE', 'ONNX'), weight: 8 }, { arbitrary: fc.constantFrom('custom', 'raw'), weight: 2 })],
  storage: [fc.constantFrom('s3://models/fraud/v7', 'gs://team_models/m', 'pvc://claim/models/m', 'https://example.com/m.tar.gz').map((u) => ({ kind: 'uri', u })), maybe(storageArb)],
  platform: [fc.integer({ min: 0, max: platformIds.length - 1 }), fc.integer({ min: 0, max: platformIds.length - 1 })],
  args: [maybe(fc.array(fc.constantFrom('--workers=2', '--log-level=debug', '--api-key=$(API_KEY)'), { maxLength: 3 })), maybe(mostly(fc.array(argArb, { maxLength: 3 }), wrongType))],
  env: [maybe(fc.dictionary(fc.constantFrom('LOG_LEVEL', 'WORKERS', 'HF_HOME'), fc.constantFrom('debug', '2', '/cache'), { maxKeys: 3 })), maybe(stringMap(envKeys, envVals))],
  envValues: [maybe(fc.dictionary(fc.constantFrom('MAX_LEN', 'THREADS'), fc.constantFrom('info', '4'), { maxKeys: 2 })),
    maybe(fc.dictionary(envKeys, fc.constantFrom('info', SECRETS[2]), { maxKeys: 2 }))],
  labels: [maybe(fc.dictionary(fc.constantFrom('team', 'example.com/owner', 'cost-center'), fc.constantFrom('risk', 'a-b', 'x1'), { maxKeys: 3 })), maybe(stringMap(labelKeys, labelVals))],
  annotations: [maybe(fc.dictionary(fc.constantFrom('example.com/ticket', 'example.com/note'), fc.constantFrom('ML-123', 'free text, with spaces'), { maxKeys: 2 })),
    maybe(stringMap(annotationKeys, annotationVals))],
  containerEnv: [maybe(fc.dictionary(fc.constantFrom('OMP_NUM_THREADS', 'MODEL_NAME'), fc.constantFrom('4', 'fraud'), { maxKeys: 2 })),
    maybe(fc.dictionary(envKeys, envVals, { maxKeys: 2 }))],
  resources: [maybe(fc.record({ cpuMillis: maybe(fc.constantFrom(250, 1500)), memoryMib: maybe(fc.constantFrom(512, 4096)) })), maybe(fc.oneof(
    fc.record({ cpuMillis: maybe(fc.constantFrom(250, 1500)), memoryMib: maybe(fc.constantFrom(512, 4096)) }),
    fc.record({ raw: fc.constantFrom<unknown>({ cpu: '2' }, { memory: '4Gi' }, 'big', null) }),
  ))],
  accelerator: [fc.oneof({ arbitrary: fc.constant({ kind: 'none' }), weight: 3 }, fc.record({ kind: fc.constant('gpu'), count: fc.integer({ min: 1, max: 2 }), product: fc.constant(undefined) })),
    acceleratorArb],
  nodePool: [fc.oneof({ arbitrary: fc.constant({ kind: 'none' }), weight: 3 }, fc.constant({ kind: 'karpenter', family: 'g6' }), fc.constant({ kind: 'aks', vmSize: undefined }),
    fc.record({ kind: fc.constant('custom'), taints: fc.array(fc.record({ key: fc.constantFrom('dedicated', 'example.com/gpu'), value: maybe(fc.constantFrom('ml', 'gpu-a')) }), { maxLength: 2 }) })),
  poolArb],
  scaling: [fc.option(fc.oneof(
    fc.record({ kind: fc.constant('auto'), min: fc.integer({ min: 1, max: 2 }), max: fc.integer({ min: 3, max: 8 }) }),
    fc.record({ kind: fc.constant('fixed'), n: fc.integer({ min: 1, max: 3 }) }),
  ), { nil: undefined, freq: 8 }), maybe(scalingArb)],
  podSecurity: [maybe(fc.record({ kind: fc.constant('restricted'), runAsUser: maybe(fc.constantFrom(1000, 65534)), runAsGroup: maybe(fc.constantFrom(1000, 3000)) })),
    maybe(fc.oneof(
      fc.record({ kind: fc.constant('restricted'), runAsUser: maybe(mostly(fc.constantFrom(1000, 65534), hostileNumber)), runAsGroup: maybe(mostly(fc.constantFrom(1000, 3000), hostileNumber)) }),
      fc.record({ kind: fc.constant('baseline'), reason: mostly(fc.constantFrom('vendor image runs as root'), hostileString) }),
    ))],
  serviceAccountName: [fc.constant(undefined), maybe(mostly(fc.constantFrom('models-reader'), fc.oneof(hostileString, wrongType)))],
  containerConcurrency: [fc.constant(undefined), maybe(mostly(fc.integer({ min: 0, max: 8 }), hostileNumber))],
  timeoutS: [maybe(fc.constantFrom(30, 600)), maybe(mostly(fc.constantFrom(30, 600), hostileNumber))],
  loggerUrl: [fc.constant(undefined), maybe(fc.constantFrom('http://sink.logging', 'https://u:pw0rdHidden@sink', 'not a url'))],
  trustRemoteCode: [fc.constant(undefined), maybe(fc.boolean())],
  addEnv: [fc.uniqueArray(fc.tuple(fc.constantFrom('ADDED_A', 'ADDED_B'), fc.constantFrom('1', 'x')), { maxLength: 2, selector: (t) => t[0] }),
    fc.array(fc.tuple(envKeys, envVals), { maxLength: 2 })],
  mutateAfter: [fc.boolean(), fc.boolean()],
  protocol: [fc.constant(undefined), maybe(fc.oneof(fc.constantFrom('V1', 'V2'), fc.record({ raw: wrongType })))],
  runtime: [fc.constant(undefined), maybe(fc.oneof(fc.constantFrom('kserve-mlserver', 'Bad Runtime', SECRETS[3]), wrongType))],
  runtimeVersion: [fc.constant(undefined), maybe(fc.oneof(fc.constantFrom('1.5.0', ' ', ''), wrongType))],
  transformer: [fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 8 },
    { arbitrary: fc.record({ image: fc.constant('registry.example.com/transformer:1.0.0'), args: maybe(fc.constant(['--feast-url=http://feast:6566'])) }), weight: 1 },
  ),
  maybe(fc.oneof(
    fc.record({ image: fc.constantFrom('registry.example.com/t:1', 'Bad Image', ''), envVariables: maybe(fc.dictionary(envKeys, envVals, { maxKeys: 2 })), args: maybe(fc.array(argArb, { maxLength: 2 })) }),
    // Issue 21: collocation, its port, secret-backed env, pull policy.
    fc.record({
      image: fc.constant('registry.example.com/t:1'),
      collocated: maybe(fc.oneof(fc.boolean(), wrongType)),
      port: maybe(mostly(fc.constantFrom(8000, 8080), hostileNumber)),
      envVariables: maybe(fc.dictionary(envKeys, fc.constantFrom('info', SECRETS[2]), { maxKeys: 2 })),
      imagePullPolicy: maybe(fc.oneof(fc.constantFrom('Always', 'IfNotPresent', 'Sometimes'), wrongType)),
      // Its own Deployment strategy (Standard mode only; not with collocated).
      strategy: maybe(fc.oneof(fc.constantFrom('recreate', 'rolling'), wrongType)),
    }),
    fc.record({ raw: wrongType }),
  ))],
  grpcPort: [fc.constant(undefined), maybe(mostly(fc.constantFrom(9000, 8081), hostileNumber))],
  serverPort: [fc.constant(undefined), maybe(mostly(fc.constantFrom(8085, 8000), hostileNumber))],
  volumes: [fc.constant(undefined), maybe(fc.oneof(
    fc.array(fc.record({
      kind: fc.constantFrom('configMap', 'secret', 'emptyDir'),
      name: fc.constantFrom('server-config', 'lmcache.config', 'model-store', 'Bad_Name'),
      mountPath: fc.constantFrom('/etc/server', '/lmcache', '/mnt/models/x', 'relative', '/a/../b'),
    }), { minLength: 1, maxLength: 2 }),
    wrongType.map((raw) => ({ raw })),
  ))],
  deploymentStrategy: [fc.constant(undefined), maybe(fc.oneof(
    fc.constant({ kind: 'recreate' }),
    fc.record({ kind: fc.constant('rolling'), surge: maybe(mostly(fc.integer({ min: 0, max: 3 }), hostileNumber)), unavailable: maybe(mostly(fc.integer({ min: 0, max: 100 }), hostileNumber)) }),
    fc.record({ kind: fc.constant('raw'), v: wrongType }),
  ))],
  imagePullPolicy: [fc.constant(undefined), maybe(fc.oneof(fc.constantFrom('Always', 'IfNotPresent', 'Never', 'Sometimes'), wrongType))],
  storageUris: [fc.constant(undefined), maybe(fc.oneof(
    fc.array(fc.record({
      u: fc.constantFrom('s3://models/base', 's3://models/lora', 'pvc://claim/adapters', 'ftp://x/y', `s3://${SECRETS[0]}:pw0rdHidden@bucket/m`),
      path: maybe(fc.constantFrom('/mnt/models/base', '/mnt/models/lora', '/adapters', 'rel', '/', '/a/../b')),
    }), { maxLength: 3 }),
    wrongType,
  ))],
  workerSpec: [fc.constant(undefined), maybe(fc.oneof(
    fc.record({ pp: maybe(mostly(fc.integer({ min: 1, max: 3 }), hostileNumber)), tp: maybe(mostly(fc.integer({ min: 1, max: 2 }), hostileNumber)) }),
    fc.record({ raw: wrongType }),
  ))],
  loggerHeaders: [fc.constant(undefined), maybe(fc.oneof(fc.array(fc.constantFrom('X-Tenant-Id', 'traceparent', 'bad header', ''), { maxLength: 2 }), wrongType))],
  batcher: [fc.constant(undefined), maybe(fc.record({ maxBatchSize: mostly(fc.constantFrom(8, 32), hostileNumber) }))],
  containerPort: [fc.constant(undefined), maybe(mostly(fc.constantFrom(8080, 9000), hostileNumber))],
  visibility: [maybe(fc.constantFrom('cluster-local', 'external')), maybe(fc.oneof(fc.constantFrom('cluster-local', 'external', 'public'), wrongType))],
  explainer: [fc.constant(undefined), maybe(fc.oneof(
    fc.record({ image: fc.constantFrom('registry.example.com/explainer:1', 'Bad Image'), envVariables: maybe(fc.dictionary(envKeys, envVals, { maxKeys: 1 })) }),
    fc.record({ raw: wrongType }),
  ))],
} as const;
const MODEL_PROPS = Object.keys(modelProps) as Array<keyof typeof modelProps>;

const modelRecipe = fc.record({
  calm: fc.record(Object.fromEntries(MODEL_PROPS.map((k) => [k, modelProps[k][0]])) as any),
  wild: fc.record(Object.fromEntries(MODEL_PROPS.map((k) => [k, modelProps[k][1]])) as any),
  wildProps: fc.oneof(
    { arbitrary: fc.constant([] as string[]), weight: 2 },
    { arbitrary: fc.subarray([...MODEL_PROPS] as string[], { minLength: 1, maxLength: 2 }), weight: 3 },
  ),
}).map(({ calm, wild, wildProps }) =>
  Object.fromEntries(MODEL_PROPS.map((k) => [k, wildProps.includes(k) ? (wild as any)[k] : (calm as any)[k]])) as any);

const appRecipe = fc.record({
  namespace: fc.oneof({ arbitrary: maybe(fc.constantFrom('ml', 'risk')), weight: 8 }, { arbitrary: fc.constantFrom('Bad_NS', 'n'.repeat(60), ''), weight: 1 }),
  models: fc.array(modelRecipe, { minLength: 1, maxLength: 2 }),
  /** The second model reuses the first one's name (and namespace): a collision. */
  sameName: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  networkPolicy: maybe(fc.record({
    allowFrom: maybe(fc.oneof(
      { arbitrary: fc.constantFrom(['checkout'], ['checkout', 'fraud-ops']), weight: 6 },
      { arbitrary: fc.constantFrom<unknown>('checkout', [null], ['Bad_NS']), weight: 1 },
    )),
    servingNamespaces: fc.oneof({ arbitrary: maybe(fc.constantFrom(['istio-system'], ['knative-serving', 'kourier-system'])), weight: 6 }, { arbitrary: fc.oneof(fc.constant([]), wrongType), weight: 1 }),
  })),
});

type AppRecipe = typeof appRecipe extends fc.Arbitrary<infer T> ? T : never;
type ModelRecipe = any;

function storageOf(s: any): unknown {
  if (s.kind === 'uri') return lib.ModelStorage.fromUri(s.u);
  if (s.kind === 'custom') return lib.ModelStorage.fromCustomScheme({ uri: s.u });
  if (s.kind === 'gcs') return lib.ModelStorage.fromGcs({ bucket: s.bucket, path: s.path });
  return s.v;
}

function platformOf(i: number): lib.ServingPlatform {
  const id = platformIds[i];
  if (id === 'kserveStandard') return lib.ServingPlatform.kserveStandard();
  return (lib.ServingPlatform as any)[id]();
}

function acceleratorOf(a: any): unknown {
  switch (a.kind) {
    case 'gpu': return lib.Accelerator.nvidiaGpu({ count: a.count, product: a.product ? (lib.GpuProduct as any)[a.product] : undefined });
    case 'amd': return lib.Accelerator.amdGpu({ count: a.count });
    case 'raw': return a.v;
    default: return undefined;
  }
}

function poolOf(p: any): lib.GpuNodePool | undefined {
  switch (p.kind) {
    case 'gke': return lib.GpuNodePool.gke(p.acc);
    case 'karpenter': return lib.GpuNodePool.eksKarpenter('gpu', { instanceFamily: p.family });
    case 'aks': return lib.GpuNodePool.aks('gpupool', { vmSize: p.vmSize });
    case 'custom': return lib.GpuNodePool.custom({ labels: { pool: 'gpu' }, taints: p.taints });
    default: return undefined;
  }
}

function scalingOf(s: any): unknown {
  if (s === undefined) return undefined;
  if (s.kind === 'fixed') return lib.Scaling.fixedReplicas(s.n);
  if (s.kind === 'raw') return s.v;
  return lib.Scaling.autoscale({ minReplicas: s.min, maxReplicas: s.max });
}

/** What a model must show in the output when it synthesizes: every value set, as set. */
interface Expected {
  readonly strings: string[];
}

function buildModel(chart: Chart, id: string, m: ModelRecipe, name: string | undefined, expected: Expected): void {
  const format = m.format === 'custom' ? undefined : m.format === 'raw' ? 'sklearn' : (lib.ModelFormat as any)[m.format];
  // Copies: the recipe is built twice (determinism), and the app mutates what it passed in.
  const copy = (v: any) => (Array.isArray(v) ? [...v] : v && typeof v === 'object' ? { ...v } : v);
  // One env map (envVariables): the custom server's variables, the references, then the plain values; a
  // hostile map (a list, a string) is passed as it is. Plain strings become EnvValue.fromValue, other values stay raw.
  const plainEnv = m.env === undefined || m.env === null || typeof m.env !== 'object' || Array.isArray(m.env) ? undefined : m.env;
  const envMap: Record<string, unknown> | undefined = m.env !== undefined && plainEnv === undefined ? undefined
    : m.envValues || plainEnv || (m.format === 'custom' && m.containerEnv)
      ? { ...(m.format === 'custom' ? m.containerEnv : undefined), ...m.envValues, ...plainEnv } : undefined;
  const env = m.env !== undefined && plainEnv === undefined ? copy(m.env)
    : envMap && Object.fromEntries(Object.entries(envMap).map(([k, v]) => [k, typeof v === 'string' ? EnvValue.fromValue(v) : v]));
  const args = copy(m.args);
  const labels = copy(m.labels);
  const props: any = {
    name,
    format,
    server: m.format === 'custom' ? { image: 'registry.example.com/server:1.0.0', port: m.containerPort } : undefined,
    protocol: m.protocol === undefined ? undefined : typeof m.protocol === 'string' ? (lib.InferenceProtocol as any)[m.protocol] : m.protocol.raw,
    // A runtime known by name (or a wrong type, as it is).
    runtime: typeof m.runtime === 'string' ? lib.ClusterServingRuntime.fromClusterServingRuntimeName(chart, `${id}-runtime`, m.runtime) : m.runtime,
    runtimeVersion: m.runtimeVersion,
    transformer: m.transformer === undefined ? undefined : 'raw' in m.transformer ? m.transformer.raw : {
      ...m.transformer,
      strategy: undefined,
      deploymentStrategy: m.transformer.strategy === undefined ? undefined : m.transformer.strategy === 'recreate' ? lib.DeploymentStrategy.recreate()
        : m.transformer.strategy === 'rolling' ? lib.DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(2) }) : m.transformer.strategy,
      args: m.transformer.args ? [...m.transformer.args] : undefined,
      envVariables: m.transformer.envVariables
        ? Object.fromEntries(Object.entries(m.transformer.envVariables).map(([k, v]) => [k, EnvValue.fromValue(v as string)])) : undefined,
    },
    batcher: m.batcher,
    visibility: m.visibility,
    explainer: m.explainer === undefined ? undefined : 'raw' in m.explainer ? m.explainer.raw : {
      ...m.explainer,
      envVariables: m.explainer.envVariables
        ? Object.fromEntries(Object.entries(m.explainer.envVariables).map(([k, v]) => [k, EnvValue.fromValue(v as string)])) : undefined,
    },
    storage: m.storage !== undefined ? storageOf(m.storage) : undefined,
    platform: platformOf(m.platform),
    args,
    envVariables: env,
    labels,
    annotations: m.annotations,
    resources: m.resources === undefined ? undefined
      : 'raw' in m.resources ? (m.resources as any).raw
        : {
          cpu: (m.resources as any).cpuMillis !== undefined ? Cpu.millis((m.resources as any).cpuMillis) : undefined,
          memory: (m.resources as any).memoryMib !== undefined ? Size.mebibytes((m.resources as any).memoryMib) : undefined,
        },
    accelerator: acceleratorOf(m.accelerator),
    nodePool: poolOf(m.nodePool),
    scaling: scalingOf(m.scaling),
    podSecurity: m.podSecurity === undefined ? undefined
      : m.podSecurity.kind === 'baseline' ? lib.PodSecurity.baseline((m.podSecurity as any).reason)
        : lib.PodSecurity.restricted({ runAsUser: (m.podSecurity as any).runAsUser, runAsGroup: (m.podSecurity as any).runAsGroup }),
    serviceAccount: typeof m.serviceAccountName === 'string' ? ServiceAccount.fromServiceAccountName(chart, `${id}-sa`, m.serviceAccountName) : m.serviceAccountName,
    containerConcurrency: m.containerConcurrency,
    timeout: typeof m.timeoutS === 'number' && Number.isFinite(m.timeoutS) && m.timeoutS > 0 ? Duration.seconds(m.timeoutS) : m.timeoutS,
    logger: m.loggerUrl !== undefined
      ? { url: m.loggerUrl, metadataHeaders: Array.isArray(m.loggerHeaders) ? [...m.loggerHeaders] : m.loggerHeaders } : undefined,
    grpcPort: m.grpcPort,
    serverPort: m.serverPort,
    volumes: m.volumes === undefined ? undefined : 'raw' in m.volumes ? m.volumes.raw : m.volumes.map((v: any, j: number) => (v.kind === 'configMap'
      ? lib.ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(chart, `${id}-cm${j}`, v.name), { mountPath: v.mountPath })
      : v.kind === 'secret' ? lib.ModelVolume.fromSecret(Secret.fromSecretName(chart, `${id}-secret${j}`, v.name), { mountPath: v.mountPath })
        : lib.ModelVolume.emptyDir({ volumeName: v.name, mountPath: v.mountPath }))),
    deploymentStrategy: m.deploymentStrategy === undefined ? undefined
      : m.deploymentStrategy.kind === 'recreate' ? lib.DeploymentStrategy.recreate()
        : m.deploymentStrategy.kind === 'raw' ? m.deploymentStrategy.v
          : lib.DeploymentStrategy.rollingUpdate({
            maxSurge: m.deploymentStrategy.surge !== undefined ? PercentOrAbsolute.absolute(m.deploymentStrategy.surge) : undefined,
            maxUnavailable: m.deploymentStrategy.unavailable !== undefined ? PercentOrAbsolute.percent(m.deploymentStrategy.unavailable) : undefined,
          }),
    imagePullPolicy: m.imagePullPolicy,
    storageUris: Array.isArray(m.storageUris)
      ? m.storageUris.map((u: any) => ({ storage: lib.ModelStorage.fromUri(u.u), mountPath: u.path })) : m.storageUris,
    workerSpec: m.workerSpec === undefined ? undefined : 'raw' in m.workerSpec ? m.workerSpec.raw : { pipelineParallelSize: m.workerSpec.pp, tensorParallelSize: m.workerSpec.tp },
    llm: m.trustRemoteCode !== undefined ? { trustRemoteCode: m.trustRemoteCode } : undefined,
  };
  const model = new lib.ServedModel(chart, id, props);
  for (const [k, v] of m.addEnv) model.addEnv(k, EnvValue.fromValue(v));
  // Everything set must be in the output.
  const s = expected.strings;
  if (typeof name === 'string') s.push(name);
  if (Array.isArray(args)) s.push(...args.map(String));
  for (const map of [envMap, m.labels, m.annotations]) {
    if (map && typeof map === 'object') for (const [k, v] of Object.entries(map)) s.push(k, String(v));
  }
  for (const [k, v] of m.addEnv) s.push(k, v);
  if (typeof m.serviceAccountName === 'string') s.push(m.serviceAccountName);
  for (const v of [m.runtime, m.runtimeVersion]) if (typeof v === 'string') s.push(v);
  if (m.transformer && !('raw' in m.transformer)) {
    s.push(m.transformer.image, ...(m.transformer.args ?? []));
  }
  // External is KServe's and Knative's default: it shows as the absence of the cluster-local label.
  // On the Deployment platform a ClusterIP Service is what cluster-local means.
  if (m.visibility === 'cluster-local' && platformIds[m.platform] !== 'kubernetesDeployment') s.push('cluster-local');
  if (typeof m.batcher?.maxBatchSize === 'number') s.push(`"maxBatchSize":${m.batcher.maxBatchSize}`);
  if (m.explainer && !('raw' in m.explainer)) {
    s.push(m.explainer.image);
    for (const [k, v] of Object.entries(m.explainer.envVariables ?? {})) s.push(k, String(v));
  }
  if (m.storage?.kind === 'uri') {
    // Standalone platforms mount pvc:// storage (claim and subPath) and run oci:// images: the pieces appear, not the URI.
    const u = (m.storage as any).u as string;
    const pvc = /^pvc:\/\/([^/]+)\/(.*)$/.exec(u);
    if (pvc) s.push(pvc[1], pvc[2]);
    else s.push(u.replace(/^oci:\/\//, ''));
  }
  if (m.storage?.kind === 'custom') s.push((m.storage as any).u);
  if (typeof m.loggerUrl === 'string') s.push(m.loggerUrl);
  if (typeof m.loggerUrl === 'string' && Array.isArray(m.loggerHeaders)) s.push(...m.loggerHeaders);
  if (m.transformer && !('raw' in m.transformer)) {
    for (const [k, v] of Object.entries(m.transformer.envVariables ?? {})) s.push(k, String(v));
    if (typeof m.transformer.imagePullPolicy === 'string') s.push(m.transformer.imagePullPolicy);
    // 8080 is KServe's default port: a separate transformer declares only another one (pod.ts sideContainer).
    if (typeof m.transformer.port === 'number' && (m.transformer.port !== 8080 || m.transformer.collocated === true)) s.push(`"containerPort":${m.transformer.port}`);
    if (m.transformer.strategy === 'recreate') s.push('"type":"Recreate"');
    if (m.transformer.strategy === 'rolling') s.push('"maxSurge":2');
  }
  if (typeof m.grpcPort === 'number') s.push(`"containerPort":${m.grpcPort}`);
  if (Array.isArray(m.volumes)) for (const v of m.volumes) s.push(`"mountPath":"${v.mountPath}"`, v.name);
  // The server's readiness probe asks serverPort (a collocated transformer's pod).
  if (typeof m.serverPort === 'number') s.push(`"port":${m.serverPort}`);
  if (typeof m.imagePullPolicy === 'string') s.push(m.imagePullPolicy);
  const ds = m.deploymentStrategy;
  if (ds?.kind === 'recreate') s.push('"type":"Recreate"');
  if (ds?.kind === 'rolling' && ds.surge !== undefined) s.push(`"maxSurge":${ds.surge}`);
  if (ds?.kind === 'rolling' && ds.unavailable !== undefined) s.push(`"maxUnavailable":"${ds.unavailable}%"`);
  if (Array.isArray(m.storageUris)) for (const u of m.storageUris) s.push(u.u, ...(u.path ? [u.path] : []));
  if (m.workerSpec && !('raw' in m.workerSpec) && m.workerSpec.pp !== undefined) s.push(`"pipelineParallelSize":${m.workerSpec.pp}`);
  const rt = (m.podSecurity as any)?.runAsGroup;
  if (typeof rt === 'number') s.push(`"runAsGroup":${rt}`);
  if ((m.nodePool as any).kind === 'custom') for (const t of (m.nodePool as any).taints) s.push(t.key, ...(t.value !== undefined ? [t.value] : []));
  if ((m.nodePool as any).kind === 'aks' && (m.nodePool as any).vmSize) s.push((m.nodePool as any).vmSize);
  if (m.mutateAfter) {
    // Later mutation of what was passed in must change nothing.
    if (Array.isArray(args)) args.push(`--token=${SECRETS[1]}`);
    if (env && typeof env === 'object') env.LEAKED = EnvValue.fromValue(SECRETS[0]);
    if (labels && typeof labels === 'object') labels['app.kubernetes.io/part-of'] = 'mutated';
  }
}

function buildApp(r: AppRecipe): { app: App; expected: Expected; paths: string[] } {
  // No outdir is created: synthYaml renders in memory.
  const app = new App({ outdir: '/nonexistent-hostile-fuzz' });
  const chart = new Chart(app, 'fuzz', { namespace: r.namespace === '' ? undefined : r.namespace as string | undefined });
  // The test cluster's Knative flags (declared, not emitted), as in every other test app.
  new lib.KnativeClusterFlags(chart, 'test-cluster-knative-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  // The storage container that serves model-registry:// (KServe's storage-containers page), part of the app
  // when a model uses a custom scheme (the library cannot see the cluster's containers; the harness checks the app's).
  if (r.models.some((m: any) => m.storage?.kind === 'custom')) {
    new ApiObject(chart, 'model-registry-storage', {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ClusterStorageContainer',
      metadata: { name: 'model-registry' },
      spec: { container: { name: 'storage-initializer', image: 'kubeflow/model-registry-storage-initializer:v0.2.10' }, supportedUriFormats: [{ prefix: 'model-registry://' }] },
    });
  }
  const expected: Expected = { strings: [] };
  const models: lib.ServedModel[] = [];
  r.models.forEach((m, i) => {
    const name = (i > 0 && r.sameName ? r.models[0].name ?? 'm0' : m.name) as string | undefined;
    buildModel(chart, `m${i}`, m, name, expected);
    models.push(chart.node.findChild(`m${i}`) as lib.ServedModel);
  });
  if (r.networkPolicy) {
    const allowFrom = Array.isArray(r.networkPolicy.allowFrom)
      ? r.networkPolicy.allowFrom.map((ns: unknown) => (typeof ns === 'string' && ns !== 'Bad_NS' ? lib.NetworkPeer.namespace(ns) : ns))
      : r.networkPolicy.allowFrom;
    new lib.ModelNetworkPolicy(chart, 'np', { model: models[0], servingNamespaces: r.networkPolicy.servingNamespaces as any, allowFrom: allowFrom as any });
    for (const ns of Array.isArray(r.networkPolicy.allowFrom) ? r.networkPolicy.allowFrom : []) if (typeof ns === 'string') expected.strings.push(ns);
    for (const ns of Array.isArray(r.networkPolicy.servingNamespaces) ? r.networkPolicy.servingNamespaces : []) expected.strings.push(ns);
  }
  if (typeof r.namespace === 'string' && r.namespace) expected.strings.push(r.namespace);
  return { app, expected, paths: ['fuzz', ...r.models.map((_, i) => `fuzz/m${i}`), 'fuzz/np'] };
}

/** Our error: a construct path of the app, then a prop, then the rest; cdk8s wraps app-wide validations. */
const OWN_ERROR = /^(fuzz(\/[\w-]+)*): ([A-Za-z][\w.]*(\[[^\]]*\])?[\w.]*|addEnv\("[^"]*"\)) .*; \S/;

const checkError = (e: any): string => clearErrorProp(e, OWN_ERROR, 3, NEVER_SHOWN);

describe('fuzz: hostile input', () => {
  test(`${RUNS} generated apps fail with a clear error or synthesize everything they set, and nothing secret`, () => {
    let valid = 0;
    let rejected = 0;
    const rejectedBy = new Map<string, number>();
    const started = Date.now();
    try {
      fc.assert(fc.property(appRecipe, (r) => {
        let json: string;
        let built: ReturnType<typeof buildApp> | undefined;
        try {
          built = buildApp(r);
          json = synthInMemory(built.app);
        } catch (e: any) {
          const prop = checkError(e);
          rejected++;
          rejectedBy.set(prop, (rejectedBy.get(prop) ?? 0) + 1);
          return;
        }
        const docs = JSON.parse(json);
        expectConformant(docs, appContext(built.app.charts[0], docs));
        // A model that opted out explicitly (PodSecurity.baseline, recorded in an annotation) is not held to "restricted".
        expectRestricted(docs.filter((d: any) => d.metadata?.annotations?.['model-serving.cdk8s.io/pod-security-opt-out'] === undefined));
        for (const secret of NEVER_SHOWN) {
          if (json.includes(secret)) throw new Error(`a credential reached the output: ${secret}`);
        }
        for (const s of built.expected.strings) {
          if (!json.includes(s) && !json.includes(JSON.stringify(s).slice(1, -1))) throw new Error(`value ${JSON.stringify(s)} was set but is not in the output`);
        }
        // A second build and synth for every third valid app: the rebuild is the costliest step, and
        // test/fuzz/served-model.fuzz.test.ts checks determinism on every app of its own.
        if (valid % 3 === 0 && synthInMemory(buildApp(r).app) !== json) throw new Error('non-deterministic output');
        valid++;
      }), { numRuns: RUNS, seed: SEED });
    } catch (e: any) {
      throw new Error(`hostile fuzz failed with FUZZ_SEED=${SEED} (FUZZ_RUNS=${RUNS}):\n${e?.message ?? e}\n${e?.cause?.message ?? ''}`);
    }
    const top = [...rejectedBy.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`hostile fuzz (seed ${SEED}): ${valid + rejected} apps in ${Date.now() - started} ms, ${valid} valid, ${rejected} rejected with a clear error (by: ${top})`);
    expect(valid + rejected).toBe(RUNS);
    expect(valid).toBeGreaterThan(RUNS / 10);
  });
});
