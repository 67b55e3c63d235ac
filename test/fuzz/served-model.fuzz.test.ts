/**
 * Property-based test: thousands of prop combinations across platforms. Each
 * either synthesizes documents that pass the schemas and the invariants
 * (restricted pods, requests set, accelerator limits == requests, names within
 * limits, byte-identical on a second synth), or is rejected with the
 * library's error naming the property - never a TypeError or other crash.
 *
 * CI uses a fixed seed; set FUZZ_SEED / FUZZ_RUNS to explore locally.
 */
import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, PercentOrAbsolute, ServiceAccount } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { contextOf, expectConformant } from '../conformance/conformance';
import { expectRestricted } from '../conformance/pod-security';
import { TEST_CLUSTER_KNATIVE_FLAGS, testApp } from '../util';

const CLUSTER_FLAGS = Object.fromEntries(TEST_CLUSTER_KNATIVE_FLAGS.map((f) => [f, 'enabled']));

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261125;

/** Platforms known to the library at this point (new ones join automatically). */
const platformFactories: Array<[string, () => lib.ServingPlatform]> = [
  ['kserve', () => lib.ServingPlatform.kserve()],
  ['kserveStandard', () => lib.ServingPlatform.kserveStandard()],
  ['kserveStandard-keda', () => lib.ServingPlatform.kserveStandard({ autoscaler: lib.StandardAutoscaler.KEDA })],
  ...(['knativeService', 'kubernetesDeployment'] as const)
    .filter((f) => typeof (lib.ServingPlatform as any)[f] === 'function')
    .map((f): [string, () => lib.ServingPlatform] => [f, () => (lib.ServingPlatform as any)[f]()]),
];

const formats = ['SKLEARN', 'XGBOOST', 'LIGHTGBM', 'TENSORFLOW', 'PYTORCH', 'ONNX', 'TRITON', 'TENSORRT', 'HUGGINGFACE', 'MLFLOW', 'PMML', 'PADDLE', 'OPENVINO'] as const;
/** Mostly valid values, sometimes a bad one: both paths get exercised. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
}
function maybe<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined, freq: 2 });
}
/** Usually unset: for knobs only some platforms accept. */
function rarely<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: a, weight: 1 });
}
/** Seldom set: for the issue-21 knobs, most of which one platform alone accepts. */
function seldom<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 30 }, { arbitrary: a, weight: 1 });
}
const goodUris = ['s3://models/m/v1', 'gs://models/m', 'pvc://claim/models/m', 'hf://org/model', 'oci://registry.example.com/models/m:1', 'https://example.com/m.tar.gz'];
const badUris = ['ftp://x/y', 's3://', 'gs://B/m', 'pvc://', 'file:///m', ''];
const nameChars = fc.constantFrom('a', 'b', 'z', '0', '9', '-', 'A', '_', '.');
const count = mostly(fc.integer({ min: 1, max: 4 }), fc.constantFrom(-1, 0, 0.5, 2.5, 1e9, Number.NaN));
const replicaMax = mostly(fc.integer({ min: 1, max: 12 }), fc.constantFrom(-1, 0, 2.5, Number.NaN));
const replicaMin = mostly(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 0.5, 99));

const recipe = fc.record({
  name: maybe(mostly(fc.constantFrom('fraud', 'churn-v2', 'm1', 'a'.repeat(30)),
    fc.string({ unit: nameChars, minLength: 0, maxLength: 70 }))),
  namespace: maybe(mostly(fc.constantFrom('ml', 'team-a'), fc.constantFrom('Bad_NS', 'x'.repeat(64)))),
  format: fc.oneof({ arbitrary: fc.constantFrom(...formats), weight: 10 }, { arbitrary: fc.constant('custom'), weight: 2 }, { arbitrary: fc.constant('none'), weight: 1 }),
  formatVersion: maybe(mostly(fc.constantFrom('1', '2'), fc.constant(' '))),
  protocol: rarely(fc.constantFrom('V1', 'V2', 'GRPC_V2', 'GRPC_V1')),
  uri: maybe(mostly(fc.constantFrom(...goodUris), fc.constantFrom(...badUris))),
  runtime: rarely(mostly(fc.constantFrom('kserve-tritonserver', 'kserve-mlserver'), fc.constant('Bad Runtime'))),
  runtimeImage: rarely(mostly(fc.constant('registry.example.com/server:2.0.0'), fc.constant('Not An Image'))),
  scaling: fc.oneof(
    fc.record({ kind: fc.constant('zero'), max: maybe(replicaMax), target: maybe(mostly(fc.constantFrom(1, 5, 70), fc.constantFrom(150, 0.5, -1))) }),
    fc.record({
      kind: fc.constant('auto'),
      min: maybe(replicaMin),
      max: maybe(replicaMax),
      metric: maybe(fc.constantFrom('CONCURRENCY', 'RPS', 'CPU', 'MEMORY', 'prom')),
      target: maybe(mostly(fc.constantFrom(1, 5, 70), fc.constantFrom(150, 0.5))),
      initialScale: maybe(mostly(fc.integer({ min: 0, max: 3 }), fc.constant(-1))),
      scaleDownDelayS: maybe(mostly(fc.constantFrom(0, 30, 900), fc.constantFrom(0.5, 7200))),
    }),
    fc.record({ kind: fc.constant('fixed'), replicas: count }),
  ),
  platform: fc.integer({ min: 0, max: platformFactories.length - 1 }),
  accelerator: fc.oneof(
    { arbitrary: fc.constant({ kind: 'none' }), weight: 3 },
    fc.record({ kind: fc.constant('gpu'), count: maybe(count), product: maybe(fc.constantFrom('A100_SXM4_80GB', 'L4', 'T4')) }),
    fc.record({
      kind: fc.constant('mig'),
      profile: mostly(fc.constantFrom('1g.10gb', '3g.40gb'), fc.constantFrom('1g.5gb', '9g.1gb')),
      count: maybe(count),
      product: maybe(fc.constantFrom('A100_SXM4_80GB', 'A100_SXM4_40GB', 'L4')),
    }),
    fc.constant({ kind: 'shared' }),
    fc.record({ kind: fc.constant('custom'), resource: mostly(fc.constantFrom('amd.com/gpu', 'habana.ai/gaudi'), fc.constantFrom('cpu', 'nvidia.com/gpu')) }),
  ),
  nodePool: maybe(mostly(fc.constantFrom('gke', 'eks', 'aks', 'custom'), fc.constant('gke-bad'))),
  gpusPerNode: maybe(fc.constantFrom(1, 8)),
  cpuMillis: maybe(mostly(fc.constantFrom(100, 1500), fc.constant(0))),
  memoryMib: maybe(fc.constantFrom(256, 4096)),
  env: maybe(fc.dictionary(mostly(fc.constantFrom('A', 'LOG_LEVEL', 'x.y', 'HF_HOME'), fc.constant('1BAD')), fc.constantFrom('1', 'debug', ''), { maxKeys: 3 })),
  labels: maybe(fc.dictionary(mostly(fc.constantFrom('team', 'example.com/owner'), fc.constant('bad key')), mostly(fc.constantFrom('a', 'b-c'), fc.constant('bad value')), { maxKeys: 2 })),
  containerConcurrency: rarely(mostly(fc.integer({ min: 0, max: 10 }), fc.constantFrom(-1, 0.5))),
  timeoutS: rarely(mostly(fc.constantFrom(1, 30), fc.constantFrom(0, 2.5, 5000))),
  transformer: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  serviceAccountName: rarely(mostly(fc.constant('sa'), fc.constant('Bad SA'))),
  // Issue 21.
  grpcPort: seldom(mostly(fc.constantFrom(9000, 8081), fc.constantFrom(0, 70000))),
  restAndGrpc: seldom(fc.boolean()),
  deploymentStrategy: seldom(fc.constantFrom('recreate', 'rolling', 'rolling-zero')),
  storageUris: seldom(fc.array(fc.record({ u: fc.constantFrom(...goodUris.slice(0, 3)), path: maybe(fc.constantFrom('/mnt/models/base', '/mnt/models/lora', '/adapters', 'rel')) }), { maxLength: 2 })),
  workerSpec: seldom(fc.record({ pp: maybe(mostly(fc.integer({ min: 1, max: 3 }), fc.constant(0))), tp: maybe(fc.integer({ min: 1, max: 4 })) })),
  otel: seldom(fc.constantFrom('vllm:num_requests_running', 'bad query()')),
  transformerExtras: seldom(fc.record({ collocated: fc.boolean(), port: fc.constantFrom(8000, 8080), rpsScaling: fc.boolean(), pool: fc.boolean() })),
});

type Recipe = typeof recipe extends fc.Arbitrary<infer T> ? T : never;

function build(chart: Chart, r: Recipe): lib.ServedModel {
  const s: any = r.scaling;
  const scaling = s.kind === 'fixed' ? lib.Scaling.fixedReplicas(s.replicas)
    : s.kind === 'zero' ? lib.Scaling.scaleToZero({ maxReplicas: s.max, target: s.target })
      : lib.Scaling.autoscale({
        minReplicas: s.min,
        maxReplicas: s.max,
        target: s.target,
        initialScale: s.initialScale,
        scaleDownDelay: s.scaleDownDelayS !== undefined ? Duration.seconds(s.scaleDownDelayS) : undefined,
        metric: r.otel !== undefined ? lib.ScalingMetric.openTelemetry({ metricName: r.otel }) : s.metric === 'prom' ? lib.ScalingMetric.prometheus({ query: 'sum(rate(x[1m]))', serverAddress: 'http://prometheus:9090' }) : s.metric ? (lib.ScalingMetric as any)[s.metric] : undefined,
      });
  const a: any = r.accelerator;
  const product = a.product ? (lib.GpuProduct as any)[a.product] : undefined;
  const accelerator = a.kind === 'gpu' ? lib.Accelerator.nvidiaGpu({ count: a.count, product })
    : a.kind === 'mig' ? lib.Accelerator.nvidiaMig(lib.MigProfile.of(a.profile), { count: a.count, product })
      : a.kind === 'shared' ? lib.Accelerator.sharedNvidiaGpu()
        : a.kind === 'custom' ? lib.Accelerator.custom(a.resource) : undefined;
  const poolOpts = { gpusPerNode: r.gpusPerNode };
  const nodePool = r.nodePool === 'gke' ? lib.GpuNodePool.gke('nvidia-l4', poolOpts)
    : r.nodePool === 'gke-bad' ? lib.GpuNodePool.gke('tpu-v5', poolOpts)
      : r.nodePool === 'eks' ? lib.GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g5', ...poolOpts })
        : r.nodePool === 'aks' ? lib.GpuNodePool.aks('gpupool', poolOpts)
          : r.nodePool === 'custom' ? lib.GpuNodePool.custom({ labels: { pool: 'gpu' }, taints: [{ key: 'dedicated', value: 'ml' }], ...poolOpts }) : undefined;
  const format = r.format === 'custom' || r.format === 'none' ? undefined : (lib.ModelFormat as any)[r.format] as lib.ModelFormat;
  return new lib.ServedModel(chart, 'model', {
    name: r.name,
    namespace: r.namespace,
    format: format && r.formatVersion !== undefined ? format.withVersion(r.formatVersion) : format,
    server: r.format === 'custom' ? { image: 'registry.example.com/server:1.0.0' } : undefined,
    protocol: r.protocol ? (lib.InferenceProtocol as any)[r.protocol] : undefined,
    storage: r.uri !== undefined ? lib.ModelStorage.fromUri(r.uri) : undefined,
    // Runtimes known by name: KServe's built-in ones, or a bad name.
    runtime: r.runtime !== undefined ? lib.ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'runtime', r.runtime) : undefined,
    runtimeImage: r.runtimeImage,
    scaling,
    platform: platformFactories[r.platform][1](),
    accelerator,
    nodePool,
    resources: r.cpuMillis !== undefined || r.memoryMib !== undefined
      ? {
        cpu: r.cpuMillis !== undefined ? Cpu.millis(r.cpuMillis) : undefined,
        memory: r.memoryMib !== undefined ? Size.mebibytes(r.memoryMib) : undefined,
      }
      : undefined,
    envVariables: r.env !== undefined ? Object.fromEntries(Object.entries(r.env).map(([k, v]) => [k, EnvValue.fromValue(v as string)])) : undefined,
    labels: r.labels,
    containerConcurrency: r.containerConcurrency,
    timeout: r.timeoutS !== undefined ? Duration.seconds(r.timeoutS) : undefined,
    transformer: r.transformer || r.transformerExtras ? {
      image: 'registry.example.com/transformer:1.0.0',
      collocated: r.transformerExtras?.collocated,
      port: r.transformerExtras?.port,
      scaling: r.transformerExtras?.rpsScaling ? lib.Scaling.autoscale({ minReplicas: 1, maxReplicas: 3, metric: lib.ScalingMetric.RPS }) : undefined,
      nodePool: r.transformerExtras?.pool ? lib.GpuNodePool.custom({ labels: { pool: 'cpu' } }) : undefined,
    } : undefined,
    serviceAccount: r.serviceAccountName !== undefined ? ServiceAccount.fromServiceAccountName(chart, 'sa', r.serviceAccountName) : undefined,
    grpcPort: r.grpcPort,
    restAndGrpc: r.restAndGrpc,
    deploymentStrategy: r.deploymentStrategy === 'recreate' ? lib.DeploymentStrategy.recreate()
      : r.deploymentStrategy === 'rolling' ? lib.DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(1) })
        : r.deploymentStrategy === 'rolling-zero' ? lib.DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0), maxUnavailable: PercentOrAbsolute.absolute(0) }) : undefined,
    storageUris: r.storageUris?.map((u) => ({ storage: lib.ModelStorage.fromUri(u.u), mountPath: u.path })),
    workerSpec: r.workerSpec ? { pipelineParallelSize: r.workerSpec.pp, tensorParallelSize: r.workerSpec.tp } : undefined,
  });
}

function synthOnce(r: Recipe): string {
  const chart = new Chart(testApp(), 'fuzz');
  // The fuzzed cluster has the Knative flags the library's pods use (declared, not emitted).
  new lib.KnativeClusterFlags(chart, 'cluster-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  build(chart, r);
  return JSON.stringify(chart.toJson());
}

/** The library's own errors, possibly wrapped by cdk8s at synth, naming a property. */
function isValidationError(e: any): boolean {
  const msg = String(e?.message ?? '');
  const ours = e?.name === 'ModelServingError' || /ModelServingError/.test(msg);
  return ours && /: [A-Za-z]\S* .*; \S/.test(msg);
}

describe('fuzz: ServedModel props across platforms', () => {
  test(`${RUNS} generated cases synthesize valid YAML or fail with a clear error`, () => {
    let valid = 0;
    let rejected = 0;
    const rejectedBy = new Map<string, number>();
    fc.assert(fc.property(recipe, (r) => {
      let json: string;
      try {
        json = synthOnce(r);
      } catch (e: any) {
        if (!isValidationError(e)) throw new Error(`crash instead of a validation error for ${JSON.stringify(r)}:\n${e?.stack ?? e}`);
        rejected++;
        const prop = /: ([A-Za-z][\w.]*)/.exec(String(e.message))?.[1] ?? '?';
        rejectedBy.set(prop, (rejectedBy.get(prop) ?? 0) + 1);
        if (process.env.FUZZ_DEBUG && prop === process.env.FUZZ_DEBUG) console.log(e.message);
        return;
      }
      const docs = JSON.parse(json);
      // initialScale 0 is generated: the fuzzed cluster allows it (config-autoscaler, a cluster setting).
      expectConformant(docs, contextOf(docs, CLUSTER_FLAGS, { 'allow-zero-initial-scale': 'true' }));
      expectRestricted(docs);
      for (const d of docs) {
        if (String(d.metadata?.name ?? '').length > 63) throw new Error(`name longer than 63: ${d.metadata.name}`);
      }
      if (synthOnce(r) !== json) throw new Error(`non-deterministic output for ${JSON.stringify(r)}`);
      valid++;
    }), { numRuns: RUNS, seed: SEED });
    const top = [...rejectedBy.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 8).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`fuzz (seed ${SEED}): ${valid + rejected} cases tried, ${valid} valid, ${rejected} rejected with a clear error (most rejected by: ${top})`);
    expect(valid + rejected).toBe(RUNS);
    expect(valid).toBeGreaterThan(RUNS / 10);
  });
});
