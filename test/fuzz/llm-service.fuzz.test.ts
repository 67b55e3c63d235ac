/**
 * Property-based test for LlmService: generated props either synthesize
 * LLMInferenceService documents that pass the closed schemas (restricted pod
 * templates, requests set, GPU limits == requests, deterministic output), or
 * are rejected with the library's error naming the property - never a crash.
 *
 * CI uses a fixed seed; set FUZZ_SEED / FUZZ_RUNS to explore locally.
 */
import { Chart, Size } from 'cdk8s';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { expectConformant } from '../conformance/conformance';
import { resourceViolations, restrictedViolations } from '../conformance/pod-security';
import { testApp } from '../fixtures/temp';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: invalid, weight: 1 });
}
function maybe<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(a, { nil: undefined, freq: 2 });
}
/** Usually unset: knobs whose combinations are mostly invalid. */
function rarely<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: a, weight: 1 });
}
const small = mostly(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, -1, 2.5, Number.NaN));

const workload = fc.record({
  gpus: mostly(fc.constantFrom(1, 2, 4, 8), fc.constantFrom(0, 3, 16)),
  replicas: maybe(mostly(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 1.5))),
  scaling: maybe(fc.record({
    kind: fc.constantFrom('keda', 'hpa'),
    min: maybe(mostly(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, -1))),
    max: small,
    idle: maybe(mostly(fc.integer({ min: 1, max: 3 }), fc.constant(0))),
  })),
  parallelism: rarely(fc.record({
    tensor: maybe(small),
    pipeline: maybe(fc.constantFrom(1, 2, 3)),
    data: maybe(fc.constantFrom(1, 2, 4, 3)),
    dataLocal: maybe(fc.constantFrom(1, 2)),
    expert: maybe(fc.boolean()),
  })),
  kvCpuGi: rarely(fc.constantFrom(8, 32, 100)),
  worker: rarely(fc.constant(true)),
});

const recipe = fc.record({
  name: maybe(mostly(fc.constantFrom('llama', 'qwen-32b', 'a'.repeat(39)), fc.constantFrom('Bad_Name', 'a'.repeat(60), ''))),
  uri: mostly(fc.constantFrom('hf://meta-llama/Llama-3.1-8B-Instruct', 's3://models/llama', 'pvc://weights/llama', 'oci://registry.example.com/llm/llama:1'),
    fc.constantFrom('gs://models/llama', 'https://example.com/llama.tar')),
  pool: fc.constantFrom('none', 'gke', 'karpenter8', 'custom4'),
  main: workload,
  prefill: rarely(workload),
  router: fc.constantFrom('none', 'managed', 'gateways', 'routes', 'ingress', 'no-scheduler'),
  lora: rarely(mostly(fc.constantFrom<string[]>(['sql'], ['sql', 'support']), fc.constantFrom<string[]>(['sql', 'sql'], ['llama']))),
  vllm: maybe(fc.record({
    maxModelLength: maybe(mostly(fc.constantFrom(4096, 32768), fc.constant(0))),
    gpuMemoryUtilization: maybe(mostly(fc.constantFrom(0.8, 0.95), fc.constant(1.5))),
  })),
  args: maybe(mostly(fc.constantFrom<string[]>(['--enable-chunked-prefill'], ['--seed=1']), fc.constantFrom<string[]>(['--max-model-len=8192'], ['--tensor-parallel-size=2']))),
  canary: fc.boolean(),
});

type Recipe = typeof recipe extends fc.Arbitrary<infer R> ? R : never;

function pool(kind: string): lib.GpuNodePool | undefined {
  switch (kind) {
    case 'gke': return lib.GpuNodePool.gke('nvidia-l4');
    case 'karpenter8': return lib.GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'p5', gpusPerNode: 8 });
    case 'custom4': return lib.GpuNodePool.custom({ labels: { pool: 'gpu' }, gpusPerNode: 4 });
    default: return undefined;
  }
}

function workloadProps(w: Recipe['main']): lib.LlmWorkloadOptions {
  const s = w.scaling;
  const scaling = s === undefined ? undefined : s.kind === 'keda'
    ? lib.LlmScaling.keda({ minReplicas: s.min, maxReplicas: s.max, idleReplicaCount: s.idle })
    : lib.LlmScaling.hpa({ minReplicas: s.min, maxReplicas: s.max });
  return {
    accelerator: lib.Accelerator.nvidiaGpu({ count: w.gpus }),
    replicas: w.replicas,
    scaling,
    parallelism: w.parallelism,
    resources: { memory: Size.gibibytes(64) },
    kvCacheOffloading: w.kvCpuGi === undefined ? undefined : { cpu: Size.gibibytes(w.kvCpuGi) },
    worker: w.worker ? { resources: { memory: Size.gibibytes(32) } } : undefined,
  };
}

function router(kind: string): lib.LlmRouter {
  switch (kind) {
    case 'managed': return lib.LlmRouter.managed();
    case 'gateways': return lib.LlmRouter.gateways([lib.GatewayRef.of('gw', { namespace: 'gateways' })]);
    case 'routes': return lib.LlmRouter.httpRoutes(['route']);
    case 'ingress': return lib.LlmRouter.ingress();
    case 'no-scheduler': return lib.LlmRouter.managed({ scheduler: lib.LlmScheduler.NONE });
    default: return lib.LlmRouter.NONE;
  }
}

function build(chart: Chart, r: Recipe): void {
  const props: lib.LlmServiceProps = {
    storage: lib.ModelStorage.fromUri(r.uri),
    name: r.name,
    modelName: 'llama',
    nodePool: pool(r.pool),
    ...workloadProps(r.main),
    prefill: r.prefill === undefined ? undefined : workloadProps(r.prefill),
    router: router(r.router),
    loraAdapters: r.lora?.map((n) => lib.LoraAdapter.of({ name: n, storage: lib.ModelStorage.fromHuggingFace(`org/${n}`) })),
    vllm: r.vllm,
    args: r.args,
  };
  const svc = new lib.LlmService(chart, 'svc', props);
  if (r.canary) {
    const other = new lib.LlmService(chart, 'svc-v2', { ...props, name: undefined });
    new lib.LlmCanary(chart, 'canary', { stable: svc, candidate: other, candidateWeight: 20 });
  }
}

function synthOnce(r: Recipe): string {
  const chart = new Chart(testApp(), 'fuzz', { namespace: 'llm' });
  build(chart, r);
  return JSON.stringify(chart.toJson());
}

function isValidationError(e: any): boolean {
  const msg = String(e?.message ?? '');
  return (e?.name === 'ModelServingError' || /ModelServingError/.test(msg)) && /: [A-Za-z]\S* .*; \S/.test(msg);
}

describe('fuzz: LlmService props', () => {
  test(`${RUNS} generated cases synthesize valid LLMInferenceServices or fail with a clear error`, () => {
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
        return;
      }
      const docs = JSON.parse(json);
      expectConformant(docs);
      for (const d of docs.filter((x: any) => x.kind === 'LLMInferenceService')) {
        const pods = [d.spec.template, d.spec.worker, d.spec.prefill?.template, d.spec.prefill?.worker].filter((p) => p);
        for (const pod of pods) {
          const asDeployment = { kind: 'Deployment', spec: { template: { spec: pod } } };
          const problems = [...restrictedViolations(asDeployment), ...resourceViolations(asDeployment)];
          if (problems.length) throw new Error(`${d.metadata.name}: ${problems.join('; ')}`);
        }
        if (d.spec.replicas !== undefined && d.spec.scaling !== undefined) throw new Error('replicas and scaling together');
        if (d.spec.worker && !d.spec.parallelism) throw new Error('worker without parallelism');
      }
      if (synthOnce(r) !== json) throw new Error(`non-deterministic output for ${JSON.stringify(r)}`);
      valid++;
    }), { numRuns: RUNS, seed: SEED });
    const top = [...rejectedBy.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`fuzz llm-service (seed ${SEED}): ${valid + rejected} cases tried, ${valid} valid, ${rejected} rejected with a clear error (${top})`);
    expect(valid + rejected).toBe(RUNS);
    expect(valid).toBeGreaterThan(RUNS / 20);
  });
});
