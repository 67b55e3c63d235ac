/**
 * Property-based test with hostile input (issue 16) for the props issue 21
 * added to serving runtimes and model caches, and for TrainedModel: runtime
 * ports (REST and gRPC), sidecars, pull policy and secrets, env from
 * Secrets, pod labels; LocalModelNamespaceCache; TrainedModel on a
 * multi-model InferenceService. The same invariant as
 * hostile-families.fuzz.test.ts (kept apart so that suite's random stream,
 * and what it has been checking, stays as it was): for every generated app,
 * either synth fails with the library's error naming a construct path and a
 * prop and never a credential, or the output conforms, keeps pods restricted,
 * contains every value set, no credential, and is deterministic.
 *
 * CI uses a fixed seed (printed on failure); set FUZZ_SEED / FUZZ_SERVING_RUNS to explore.
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, ImagePullPolicy, Secret, ServiceAccount } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { appContext, expectConformant } from '../conformance/conformance';
import { expectRestricted } from '../conformance/pod-security';
import { clearErrorProp, stringsIn, synthInMemory } from '../fixtures/fuzz-values';
import { TEST_CLUSTER_KNATIVE_FLAGS } from '../util';

const RUNS = Number(process.env.FUZZ_SERVING_RUNS ?? process.env.FUZZ_RUNS ?? 600);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'];
const NEVER_SHOWN = [...SECRETS, 'pw0rdHidden'];

const wrongType = fc.constantFrom<unknown>(null, 42, Number.NaN, true, [], ['x'], {}, 'text');
const hostileNumber = fc.constantFrom<unknown>(-1, 0, 0.5, 1e9, Number.NaN, '3');
const hostileName = fc.oneof(wrongType, hostileNumber, fc.constantFrom<unknown>('', ' ', 'a b', 'x'.repeat(300), '../etc', 'Upper_Case', '-x'));
const hostile = fc.oneof(wrongType, hostileNumber, fc.constantFrom<unknown>('', ' ', 'a b', 'new\nline', ...SECRETS));

function wild<T>(calm: fc.Arbitrary<T>, extra?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: calm, weight: 14 }, { arbitrary: extra ? fc.oneof(hostile, extra) : hostile, weight: 1 });
}
function maybe<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined, freq: 2 });
}
function rarely<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: a, weight: 1 });
}
const name = (...names: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 14 }, { arbitrary: hostileName, weight: 1 });
const labels = maybe(wild(fc.dictionary(fc.constantFrom('team', 'example.com/owner'), fc.constantFrom('risk', 'a-b'), { maxKeys: 2 }),
  fc.constantFrom({ 'bad key': 'x' }, { team: SECRETS[0] })));

interface Built {
  readonly expected: string[];
}

/** Plain strings as EnvValues; `<secret>` as a reference to a Secret's key. */
function envValues(chart: Chart, env: unknown): unknown {
  if (env === null || typeof env !== 'object' || Array.isArray(env)) return env;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '<secret>'
    ? EnvValue.fromSecretValue({ secret: Secret.fromSecretName(chart, `env-${k}`, 'runtime-secrets'), key: k.toLowerCase() })
    : EnvValue.fromValue(v as string)]));
}

const runtimeArb = fc.record({
  protocols: wild(fc.subarray(['V1', 'V2', 'GRPC_V2'], { minLength: 1 })),
  port: maybe(wild(fc.constantFrom(8080, 8000))),
  grpcPort: maybe(wild(fc.constantFrom(9000, 8081), fc.constant(8080))),
  standardModel: fc.boolean(),
  imagePullPolicy: maybe(wild(fc.constantFrom(ImagePullPolicy.IF_NOT_PRESENT, ImagePullPolicy.ALWAYS), fc.constant('Sometimes'))),
  imagePullSecrets: maybe(fc.array(name('ngc-pull', 'registry-creds'), { minLength: 1, maxLength: 2 })),
  envVariables: maybe(wild(fc.constantFrom<Record<string, string>>({ HF_TOKEN: '<secret>' }, { LOG_VERBOSE: '1' }),
    fc.constantFrom<unknown>({ API_TOKEN: SECRETS[0] }, { PYTHONPATH: '/opt/extra' }, { 'bad name': '1' }))),
  sidecars: maybe(wild(fc.constantFrom<unknown[]>(
    [{ name: 'exporter', image: 'registry.example.com/exporter:1.4.0' }],
    [{
      name: 'warmer',
      image: 'registry.example.com/warmer:2.0.1',
      args: ['--interval=30s'],
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(64) },
      envVariables: { TARGET: 'triton' },
    }],
  ), fc.constantFrom<unknown>(
    [{ name: 'queue-proxy', image: 'registry.example.com/exporter:1.4.0' }],
    [{ name: 'exporter', image: 'registry.example.com/exporter:latest' }],
    [{ name: 'x', image: 'registry.example.com/e:1.0.0' }, { name: 'x', image: 'registry.example.com/e:1.0.0' }],
    [{ name: 'Bad_Name', image: 'registry.example.com/e:1.0.0' }],
    [{ name: 'exporter', image: 'registry.example.com/e:1.0.0', envVariables: { TOKEN: SECRETS[2] } }],
    { name: 'not-a-list' },
  ))),
  podLabels: labels,
  sharedMemory: maybe(wild(fc.constantFrom(Size.gibibytes(1), Size.mebibytes(512)), fc.constantFrom(Size.gibibytes(8), Size.mebibytes(0)))),
  podSecurity: maybe(fc.constantFrom(lib.PodSecurity.restricted({ runAsUser: 1000 }), lib.PodSecurity.restricted({ readOnlyRootFilesystem: false }))),
  cluster: fc.boolean(),
});

function buildRuntime(chart: Chart, r: any, out: Built): void {
  const props: any = {
    supportedFormats: [{ format: lib.ModelFormat.ONNX }],
    protocols: Array.isArray(r.protocols) ? r.protocols.map((p: string) => (lib.InferenceProtocol as any)[p]) : r.protocols,
    container: { image: 'nvcr.io/nvidia/tritonserver:24.08-py3', port: r.port, envVariables: envValues(chart, r.envVariables) },
    grpcPort: r.grpcPort,
    imagePullPolicy: r.imagePullPolicy,
    imagePullSecrets: r.imagePullSecrets?.map((n: unknown, i: number) => (typeof n === 'string' ? Secret.fromSecretName(chart, `pull-${i}`, n) : n)),
    sidecars: Array.isArray(r.sidecars) ? r.sidecars.map((c: any) => ({ ...c, envVariables: envValues(chart, c.envVariables) })) : r.sidecars,
    podLabels: r.podLabels,
    sharedMemory: r.sharedMemory,
    podSecurity: r.podSecurity,
  };
  const runtime = r.cluster ? new lib.ClusterServingRuntime(chart, 'rt', props) : new lib.ServingRuntime(chart, 'rt', props);
  // A model on it: in Knative mode a REST+gRPC runtime must fail validation, in Standard mode it serves.
  new lib.ServedModel(chart, 'model', {
    format: lib.ModelFormat.ONNX,
    storage: lib.ModelStorage.fromS3({ bucket: 'models', key: 'onnx' }),
    runtime,
    platform: r.standardModel ? lib.ServingPlatform.kserveStandard() : undefined,
  });
  out.expected.push(...stringsIn(r.imagePullPolicy, r.imagePullSecrets, r.podLabels),
    ...stringsIn(Array.isArray(r.sidecars) ? r.sidecars.map((c: any) => [c.name, c.image, c.args, c.imagePullPolicy]) : undefined),
    ...(r.envVariables && typeof r.envVariables === 'object' ? Object.keys(r.envVariables) : []));
}

const cacheArb = fc.record({
  namespaced: fc.boolean(),
  namespace: maybe(name('team-a')),
  otherCache: rarely(fc.constantFrom('cluster', 'same-namespace')),
  serviceAccount: maybe(name('cache-sa')),
  modelNamespace: maybe(fc.constantFrom('ml', 'team-a', 'team-b')),
  storageKey: maybe(wild(fc.constantFrom('localModel'))),
  storageParameters: maybe(wild(fc.constantFrom({ region: 'eu-west-1' }), fc.constantFrom({ secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }))),
});

function buildCache(chart: Chart, c: any, out: Built): void {
  const weights = lib.ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B');
  const group = new lib.LocalModelNodeGroup(chart, 'group', { storageLimit: Size.gibibytes(500), localPath: '/mnt/models', nodeSelector: { cache: 'nvme' } });
  const props = {
    storage: weights,
    modelSize: Size.gibibytes(16),
    nodeGroups: [group],
    serviceAccount: typeof c.serviceAccount === 'string' ? ServiceAccount.fromServiceAccountName(chart, 'cache-sa', c.serviceAccount) : c.serviceAccount,
    storageKey: c.storageKey,
    storageParameters: c.storageParameters,
  } as any;
  const cache = c.namespaced ? new lib.LocalModelNamespaceCache(chart, 'cache', { ...props, namespace: c.namespace }) : new lib.LocalModelCache(chart, 'cache', props);
  if (c.otherCache === 'cluster') new lib.LocalModelCache(chart, 'other', { ...props, serviceAccount: undefined });
  if (c.otherCache === 'same-namespace') new lib.LocalModelNamespaceCache(chart, 'other', { ...props, serviceAccount: undefined, namespace: c.namespace });
  if (c.modelNamespace !== undefined) {
    new lib.ServedModel(chart, 'llm', { format: lib.ModelFormat.HUGGINGFACE, storage: weights, modelCache: cache, namespace: c.modelNamespace });
  }
  out.expected.push(...stringsIn(c.serviceAccount, c.storageKey, c.storageParameters), ...(c.namespaced ? stringsIn(c.namespace) : []));
}

const trainedArb = fc.record({
  parentMemory: wild(fc.constantFrom(4, 8).map((n) => Size.gibibytes(n))),
  parentStorage: rarely(fc.constant('s3://models/single')),
  parentPlatform: rarely(fc.constantFrom(lib.ServingPlatform.kserveStandard(), lib.ServingPlatform.kubernetesDeployment())),
  models: fc.array(fc.record({
    name: maybe(name('churn', 'fraud', 'upsell')),
    storage: wild(fc.constantFrom('s3://models/churn', 'gs://models/fraud', 'https://models.example.com/m.tgz'),
      fc.constantFrom('hf://org/model', 'pvc://claim/m', 'https://u:pw0rdHidden@h/m.zip')),
    memory: wild(fc.constantFrom(512, 1536).map((n) => Size.mebibytes(n)), fc.constantFrom(Size.mebibytes(0), Size.gibibytes(16))),
    format: maybe(wild(fc.constantFrom(lib.ModelFormat.SKLEARN, lib.ModelFormat.XGBOOST))),
    labels,
  }), { minLength: 1, maxLength: 3 }),
});

function buildTrained(chart: Chart, t: any, out: Built): void {
  const parent = new lib.ServedModel(chart, 'mms', {
    format: lib.ModelFormat.SKLEARN,
    storage: t.parentStorage === undefined ? undefined : lib.ModelStorage.fromUri(t.parentStorage),
    resources: { memory: t.parentMemory },
    platform: t.parentPlatform,
  } as any);
  t.models.forEach((m: any, i: number) => {
    new lib.TrainedModel(chart, `tm${i}`, {
      inferenceService: parent,
      storage: typeof m.storage === 'string' ? lib.ModelStorage.fromUri(m.storage) : m.storage,
      memory: m.memory,
      format: m.format,
      name: m.name,
      labels: m.labels,
    } as any);
    out.expected.push(...stringsIn(m.name, m.storage, m.labels));
  });
}

const appArb = fc.oneof(
  fc.record({ family: fc.constant('runtime'), p: runtimeArb }),
  fc.record({ family: fc.constant('cache'), p: cacheArb }),
  fc.record({ family: fc.constant('trained'), p: trainedArb }),
);

function buildApp(r: any): { app: App; out: Built } {
  const app = new App({ outdir: '/nonexistent-hostile-fuzz' });
  const out: Built = { expected: [] };
  const chart = new Chart(app, 'fuzz', { namespace: 'ml' });
  new lib.KnativeClusterFlags(chart, 'test-cluster-knative-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  const builders: Record<string, (c: Chart, p: any, o: Built) => void> = { runtime: buildRuntime, cache: buildCache, trained: buildTrained };
  builders[r.family](chart, r.p, out);
  return { app, out };
}

/** Our error: a construct path of the app, then a prop, then the rest. */
const OWN_ERROR = /^(fuzz(\/[\w-]+)*): ([A-Za-z][\w.]*(\[[^\]]*\])?[\w.]*(\["[^"]*"\])?) .*; \S/;

const checkError = (e: any): string => clearErrorProp(e, OWN_ERROR, 3, NEVER_SHOWN);

describe('fuzz: hostile input for runtime containers, namespace caches and trained models', () => {
  test(`${RUNS} generated apps fail with a clear error or synthesize everything they set, and nothing secret`, () => {
    const valid = new Map<string, number>();
    const rejected = new Map<string, number>();
    try {
      fc.assert(fc.property(appArb, (r) => {
        let json: string;
        let built: ReturnType<typeof buildApp> | undefined;
        try {
          built = buildApp(r);
          json = synthInMemory(built.app);
        } catch (e: any) {
          const prop = checkError(e);
          rejected.set(`${r.family}.${prop}`, (rejected.get(`${r.family}.${prop}`) ?? 0) + 1);
          return;
        }
        const docs = JSON.parse(json);
        expectConformant(docs, appContext(built.app.charts[0], docs));
        expectRestricted(docs);
        for (const secret of NEVER_SHOWN) if (json.includes(secret)) throw new Error(`a credential reached the output: ${secret}`);
        for (const s of built.out.expected) {
          if (!json.includes(s) && !json.includes(JSON.stringify(s).slice(1, -1))) throw new Error(`value ${JSON.stringify(s)} was set but is not in the output`);
        }
        if (synthInMemory(buildApp(r).app) !== json) throw new Error('non-deterministic output');
        valid.set(r.family, (valid.get(r.family) ?? 0) + 1);
      }), { numRuns: RUNS, seed: SEED });
    } catch (e: any) {
      throw new Error(`serving fuzz failed with FUZZ_SEED=${SEED} (FUZZ_SERVING_RUNS=${RUNS}):\n${e?.message ?? e}\n${e?.cause?.message ?? ''}`);
    }
    const top = [...rejected.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`serving fuzz (seed ${SEED}): ${RUNS} apps, valid ${[...valid.entries()].sort().map(([k, n]) => `${k}=${n}`).join(', ')}; rejected by ${top}`);
    // Both sides of the invariant are exercised for every family, and the Knative/ports rule fires.
    for (const family of ['runtime', 'cache', 'trained']) expect(valid.get(family) ?? 0).toBeGreaterThan(RUNS / 30);
    expect(rejected.get('runtime.runtime') ?? 0).toBeGreaterThan(0);
  });
});
