/**
 * Plain JavaScript and jsii callers (issue 16): no type checker stops a
 * string where a value class, a list or a map belongs, or a missing prop.
 * Every construct answers such input with the library's error, naming the
 * construct path and the prop, never a TypeError and never a silent drop.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  Accelerator, CanaryRollout, ClusterServingRuntime, GpuCapacityReport, GraphNode, GraphStep, InferenceGraph, KnativeClusterFlags, KnativeFeatures,
  LlmCanary, LlmService, LlmServiceConfig, LocalModelCache, LocalModelNamespaceCache, LocalModelNodeGroup, ModelFormat, ModelNetworkPolicy,
  ModelStorage, ServedModel, ServingPlatform, ServingRuntime, TrainedModel,
} from '../src';
import { testApp } from './util';

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'object' | 'struct' | 'duration' | 'size';

/** Values of the wrong type for a prop of each kind. */
const WRONG: Record<Kind, unknown[]> = {
  string: [42, {}, ['a']],
  number: ['5', {}, [1]],
  boolean: ['yes', 1, {}],
  list: ['x', 42, { a: 1 }],
  map: ['x', 42, ['a=b']],
  /** A value class: a plain object is not one. */
  object: ['x', 42, {}, ['x']],
  /** A struct: any object may do, so only non-objects. */
  struct: ['x', 42, ['x']],
  duration: [30, '30s', {}],
  size: [1024, '1Gi', {}],
};

interface Family {
  readonly name: string;
  /** The construct id, under chart `c`. */
  readonly id: string;
  readonly build: (c: Chart, props: any) => unknown;
  /** Props that synthesize. */
  readonly valid: (c: Chart) => Record<string, unknown>;
  /** Each prop with its kind; `required` props are also tried missing. */
  readonly props: Record<string, Kind>;
  readonly required: string[];
}

const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });
const runtimeProps = { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'reg.example.com/rt:1' } };
const runtimeKinds: Record<string, Kind> = {
  supportedFormats: 'list',
  container: 'struct',
  protocols: 'list',
  multiModel: 'boolean',
  disabled: 'boolean',
  nodePool: 'object',
  name: 'string',
  labels: 'map',
  podAnnotations: 'map',
  podSecurity: 'object',
  grpcPort: 'number',
  envVariables: 'struct',
  imagePullPolicy: 'string',
  imagePullSecrets: 'list',
  sidecars: 'list',
  podLabels: 'map',
  sharedMemory: 'size',
};
const model = (c: Chart, platform = ServingPlatform.kserve()) =>
  new ServedModel(c, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }), platform });
const group = (c: Chart) => new LocalModelNodeGroup(c, 'g', { storageLimit: Size.gibibytes(500), localPath: '/mnt/models', nodeSelector: { cache: 'nvme' } });

const FAMILIES: Family[] = [
  {
    name: 'ServingRuntime',
    id: 'rt',
    build: (c, p) => new ServingRuntime(c, 'rt', p),
    valid: () => runtimeProps,
    props: { ...runtimeKinds, namespace: 'string' },
    required: ['supportedFormats', 'container'],
  },
  {
    name: 'ClusterServingRuntime',
    id: 'crt',
    build: (c, p) => new ClusterServingRuntime(c, 'crt', p),
    valid: () => runtimeProps,
    props: runtimeKinds,
    required: ['supportedFormats', 'container'],
  },
  {
    name: 'KnativeFeatures',
    id: 'kf',
    build: (c, p) => new KnativeFeatures(c, 'kf', p),
    valid: () => ({}),
    props: { nodeSelector: 'string', tolerations: 'string', affinity: 'string', runtimeClassName: 'string', additionalFlags: 'map', namespace: 'string' },
    required: [],
  },
  {
    name: 'KnativeClusterFlags',
    id: 'flags',
    build: (c, p) => new KnativeClusterFlags(c, 'flags', p),
    valid: () => ({ enabled: ['kubernetes.podspec-affinity'] }),
    props: { enabled: 'list', allowed: 'list' },
    required: [],
  },
  {
    name: 'LocalModelNodeGroup',
    id: 'ng',
    build: (c, p) => new LocalModelNodeGroup(c, 'ng', p),
    valid: () => ({ storageLimit: Size.gibibytes(500), localPath: '/mnt/models', nodeSelector: { cache: 'nvme' } }),
    props: { storageLimit: 'size', localPath: 'string', nodePool: 'object', nodeSelector: 'map', storageClassName: 'string', capacity: 'size', name: 'string', labels: 'map' },
    required: ['storageLimit', 'localPath'],
  },
  {
    name: 'LocalModelCache',
    id: 'lmc',
    build: (c, p) => new LocalModelCache(c, 'lmc', p),
    valid: (c) => ({ storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(c)] }),
    props: { storage: 'object', modelSize: 'size', nodeGroups: 'list', serviceAccount: 'struct', storageKey: 'string', storageParameters: 'map', name: 'string', labels: 'map' },
    required: ['storage', 'modelSize', 'nodeGroups'],
  },
  {
    name: 'LocalModelNamespaceCache',
    id: 'lmnc',
    build: (c, p) => new LocalModelNamespaceCache(c, 'lmnc', p),
    valid: (c) => ({ storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(c)] }),
    props: {
      storage: 'object', modelSize: 'size', nodeGroups: 'list', serviceAccount: 'struct', storageKey: 'string', storageParameters: 'map', name: 'string', labels: 'map', namespace: 'string',
    },
    required: ['storage', 'modelSize', 'nodeGroups'],
  },
  {
    name: 'TrainedModel',
    id: 'tm',
    build: (c, p) => new TrainedModel(c, 'tm', p),
    valid: (c) => ({ inferenceService: new ServedModel(c, 'mms', { format: ModelFormat.SKLEARN }), storage: ModelStorage.fromS3({ bucket: 'models', key: 'tm' }), memory: Size.mebibytes(512) }),
    props: { inferenceService: 'object', storage: 'object', memory: 'size', format: 'object', name: 'string', labels: 'map' },
    required: ['inferenceService', 'storage', 'memory'],
  },
  {
    name: 'InferenceGraph',
    id: 'ig',
    build: (c, p) => new InferenceGraph(c, 'ig', p),
    valid: (c) => ({ root: GraphNode.sequence([GraphStep.model(model(c))]) }),
    props: {
      root: 'object',
      mode: 'string',
      scaling: 'object',
      resources: 'struct',
      nodePool: 'object',
      nodeName: 'string',
      serviceAccount: 'object',
      timeout: 'duration',
      routerTimeouts: 'struct',
      visibility: 'string',
      name: 'string',
      namespace: 'string',
      labels: 'map',
      annotations: 'map',
    },
    required: ['root'],
  },
  {
    name: 'ModelNetworkPolicy',
    id: 'np',
    build: (c, p) => new ModelNetworkPolicy(c, 'np', p),
    valid: (c) => ({ model: model(c) }),
    props: { model: 'object', allowFrom: 'list', servingNamespaces: 'list' },
    required: ['model'],
  },
  {
    name: 'CanaryRollout',
    id: 'cr',
    build: (c, p) => new CanaryRollout(c, 'cr', p),
    valid: (c) => ({ model: model(c), candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v2' }) }, steps: [10, 50] }),
    props: {
      model: 'object',
      candidate: 'struct',
      steps: 'list',
      engine: 'string',
      trafficRouter: 'object',
      abTest: 'object',
      loadTest: 'object',
      stepInterval: 'duration',
      analysis: 'object',
      requireAutomaticRollback: 'boolean',
      currentStep: 'number',
      rollback: 'boolean',
      name: 'string',
    },
    required: ['model'],
  },
  {
    name: 'LlmService',
    id: 'llm',
    build: (c, p) => new LlmService(c, 'llm', p),
    valid: () => ({ storage: LLAMA, accelerator: Accelerator.nvidiaGpu() }),
    props: {
      storage: 'object',
      confidential: 'struct',
      modelName: 'string',
      name: 'string',
      namespace: 'string',
      image: 'string',
      vllm: 'struct',
      args: 'list',
      envVariables: 'map',
      podSecurity: 'object',
      sharedMemory: 'size',
      prefill: 'struct',
      loraAdapters: 'list',
      lora: 'struct',
      router: 'object',
      config: 'list',
      tracing: 'struct',
      replicas: 'number',
      scaling: 'object',
      parallelism: 'struct',
      accelerator: 'object',
      nodePool: 'object',
      resources: 'struct',
      worker: 'struct',
      kvCacheOffloading: 'struct',
      podLabels: 'map',
      podAnnotations: 'map',
      serviceAccount: 'object',
      labels: 'map',
      annotations: 'map',
    },
    required: ['storage'],
  },
  {
    name: 'LlmServiceConfig',
    id: 'lsc',
    build: (c, p) => new LlmServiceConfig(c, 'lsc', p),
    valid: () => ({ image: 'vllm/vllm-openai:v0.11.0' }),
    props: {
      name: 'string',
      namespace: 'string',
      image: 'string',
      vllm: 'struct',
      args: 'list',
      envVariables: 'map',
      accelerator: 'object',
      nodePool: 'object',
      resources: 'struct',
      podSecurity: 'object',
      router: 'object',
      storageInitializer: 'boolean',
      serviceAccount: 'object',
      labels: 'map',
      annotations: 'map',
    },
    required: [],
  },
  {
    name: 'GpuCapacityReport',
    id: 'gcr',
    build: (c, p) => new GpuCapacityReport(c, 'gcr', p),
    valid: () => ({ writeFiles: false }),
    props: { fileName: 'string', writeFiles: 'boolean' },
    required: [],
  },
];

/** The outcome of building a family with `props` and synthesizing the app: undefined, or the error. */
function outcome(f: Family, props: (c: Chart) => unknown): Error | undefined {
  const app: App = testApp();
  const c = new Chart(app, 'c', { namespace: 'ml' });
  try {
    f.build(c, props(c));
    app.synthYaml();
    return undefined;
  } catch (e: any) {
    return e;
  }
}

function expectClearError(e: Error | undefined, path: string, prop: string): void {
  expect(e).toBeDefined();
  // Not a TypeError or a RangeError from inside the library: the library's own message.
  expect(e!.constructor.name).not.toMatch(/TypeError|RangeError|ReferenceError/);
  expect(e!.message).toContain(`${path}`);
  expect(e!.message).toMatch(new RegExp(`(^|[\\s\\[.])${prop.replace(/[.[\]]/g, '\\$&')}(\\b|\\[|\\.)`));
}

describe.each(FAMILIES.map((f) => [f.name, f] as const))('%s from an untyped caller', (_name, f) => {
  test('valid props synthesize (the baseline the cases below change one prop of)', () => {
    expect(outcome(f, f.valid)).toBeUndefined();
  });

  test('no props object at all', () => {
    for (const p of [undefined, 'props', 42, []]) {
      const e = outcome(f, () => p);
      if (f.required.length === 0 && p === undefined) continue;
      expectClearError(e, `c/${f.id}`, 'props');
    }
  });

  const cases: Array<[string, unknown]> = [];
  for (const [prop, kind] of Object.entries(f.props)) for (const v of WRONG[kind]) cases.push([prop, v]);
  test.each(cases)('%s = %j fails naming the path and the prop', (prop, value) => {
    const e = outcome(f, (c) => ({ ...f.valid(c), [prop]: value }));
    expectClearError(e, `c/${f.id}`, prop);
  });

  if (f.required.length) {
    test.each(f.required)('missing %s fails naming it', (prop) => {
      const e = outcome(f, (c) => {
        const p: Record<string, unknown> = { ...f.valid(c) };
        delete p[prop];
        return p;
      });
      expectClearError(e, `c/${f.id}`, prop);
    });
  }
});

test('LlmCanary from an untyped caller', () => {
  const run = (props: (c: Chart) => unknown) => outcome({
    name: 'LlmCanary', id: 'lc', build: (c, p) => new LlmCanary(c, 'lc', p), valid: () => ({}), props: {}, required: [],
  }, props);
  expectClearError(run(() => undefined), 'c/lc', 'props');
  expectClearError(run(() => ({ stable: 'chat', candidate: 'chat-v2' })), 'c/lc', 'stable');
  expectClearError(run(() => ({})), 'c/lc', 'stable');
  void Duration;
});

test('an enum prop with a wrong value reads "an ImagePullPolicy", naming the allowed values', () => {
  const chart = new Chart(testApp(), 'c');
  expect(() => new ServingRuntime(chart, 'rt', {
    supportedFormats: [{ format: ModelFormat.SKLEARN }],
    container: { image: 'registry.example.com/sk:1.0.0' },
    imagePullPolicy: 'Sometimes',
  } as any)).toThrow(/^c\/rt: imagePullPolicy "Sometimes" is not an ImagePullPolicy; use one of ImagePullPolicy\.ALWAYS, /);
});
