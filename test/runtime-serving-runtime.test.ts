import { Chart, Size } from 'cdk8s';
import { Cpu, EnvValue } from 'cdk8s-plus-28';
import {
  ClusterServingRuntime, GpuNodePool, InferenceProtocol, ModelFormat, ModelStorage, ServedModel, ServingPlatform, ServingRuntime,
} from '../src';
import { docOf, newChart, synth, testApp } from './util';

const SKLEARN_IMAGE = 'registry.example.com/kserve/sklearnserver:v0.15.2';

function sklearnRuntime(chart: Chart, id: string, priority: number = 2, extra: Partial<ConstructorParameters<typeof ServingRuntime>[2]> = {}) {
  return new ServingRuntime(chart, id, {
    supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority }],
    protocols: [InferenceProtocol.V1, InferenceProtocol.V2],
    container: { image: SKLEARN_IMAGE, args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'] },
    ...extra,
  });
}

describe('ServingRuntime', () => {
  test('pinned namespaced runtime referenced by object', () => {
    const chart = newChart('ml');
    const runtime = sklearnRuntime(chart, 'sklearn-1-5', 2, {
      nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      labels: { team: 'ml' },
    });
    new ServedModel(chart, 'churn', {
      format: ModelFormat.SKLEARN.withVersion('1'),
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn' }),
      runtime,
    });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['ServingRuntime', 'InferenceService']);
    const sr = docOf(docs, 'ServingRuntime');
    expect(sr.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(sr.metadata).toMatchObject({ name: 'sklearn-1-5', namespace: 'ml', labels: { 'team': 'ml', 'app.kubernetes.io/component': 'serving-runtime' } });
    expect(sr.spec).toMatchObject({
      supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 2 }],
      protocolVersions: ['v1', 'v2'],
      annotations: { 'prometheus.io/scrape': 'true' },
      nodeSelector: { pool: 'cpu' },
    });
    expect(sr.spec.containers).toEqual([expect.objectContaining({
      name: 'kserve-container',
      image: SKLEARN_IMAGE,
      args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'],
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: { limits: { memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } },
    })]);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.spec.predictor.model).toMatchObject({ runtime: 'sklearn-1-5', modelFormat: { name: 'sklearn', version: '1' }, protocolVersion: 'v2' });
    expect(docs).toMatchSnapshot();
  });

  test('cluster runtime: usable from any namespace; protocol defaults to one it speaks', () => {
    const app = testApp();
    const platformChart = new Chart(app, 'platform');
    const triton = new ClusterServingRuntime(platformChart, 'triton-24-08', {
      supportedFormats: [{ format: ModelFormat.ONNX }, { format: ModelFormat.TENSORRT }, { format: ModelFormat.of('my-format', { version: '2' }), autoSelect: true, priority: 1 }],
      protocols: [InferenceProtocol.GRPC_V2],
      container: {
        image: 'nvcr.io/nvidia/tritonserver@sha256:' + 'a'.repeat(64),
        resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
        port: 9000,
        envVariables: { OMP_NUM_THREADS: EnvValue.fromValue('1') },
      },
      multiModel: false,
    });
    const team = new Chart(app, 'team', { namespace: 'team-a' });
    new ServedModel(team, 'detector', { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'det' }), runtime: triton });
    const csr = docOf(synth(platformChart), 'ClusterServingRuntime');
    expect(csr.metadata.namespace).toBeUndefined();
    expect(csr.spec).toMatchObject({
      supportedModelFormats: [{ name: 'onnx' }, { name: 'tensorrt' }, { name: 'my-format', version: '2', autoSelect: true, priority: 1 }],
      protocolVersions: ['grpc-v2'],
      multiModel: false,
    });
    expect(csr.spec.containers[0]).toMatchObject({ ports: [{ containerPort: 9000, protocol: 'TCP' }], env: [{ name: 'OMP_NUM_THREADS', value: '1' }] });
    const isvc = docOf(synth(team), 'InferenceService');
    expect(isvc.spec.predictor.model).toMatchObject({ runtime: 'triton-24-08', protocolVersion: 'grpc-v2' });
  });

  test('different priorities, scopes, namespaces or protocols do not clash', () => {
    const app = testApp();
    const a = new Chart(app, 'a', { namespace: 'a' });
    const b = new Chart(app, 'b', { namespace: 'b' });
    sklearnRuntime(a, 'r1', 1);
    sklearnRuntime(a, 'r2', 2);
    sklearnRuntime(b, 'r3', 1); // another namespace
    sklearnRuntime(a, 'r4', 1, { disabled: true });
    sklearnRuntime(a, 'r5', 1, { protocols: [InferenceProtocol.GRPC_V2] });
    sklearnRuntime(a, 'r6', 1, { supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('2'), autoSelect: true, priority: 1 }] });
    sklearnRuntime(a, 'r7', 1, { supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('1') }] });
    new ClusterServingRuntime(a, 'c1', {
      supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority: 1 }],
      container: { image: SKLEARN_IMAGE },
    });
    expect(synth(a).map((d) => d.metadata.name)).toEqual(['r1', 'r2', 'r4', 'r5', 'r6', 'r7', 'c1']);
  });
});

describe('ServingRuntime bad input', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['duplicate priority in one namespace', () => {
      const chart = newChart('ml');
      sklearnRuntime(chart, 'first', 2);
      sklearnRuntime(chart, 'second', 2);
    }, /^test\/second: supportedFormats\[0\].priority 2 clashes with ServingRuntime in namespace "ml" "first" \(test\/first\), which auto-selects "sklearn@1" at the same priority; give each auto-selectable runtime of a format a different priority, or set autoSelect: false on one$/],
    ['duplicate priority across cluster runtimes in different charts', () => {
      const app = testApp();
      const props = { supportedFormats: [{ format: ModelFormat.ONNX, autoSelect: true, priority: 3 }], container: { image: 'triton:24.08' } };
      new ClusterServingRuntime(new Chart(app, 'one'), 'x', props);
      new ClusterServingRuntime(new Chart(app, 'two'), 'y', props);
    }, /^two\/y: supportedFormats\[0\].priority 3 clashes with ClusterServingRuntime "x" \(one\/x\), which auto-selects "onnx" at the same priority/],
    ['priority without autoSelect', () => new ServingRuntime(newChart(), 'r', {
      supportedFormats: [{ format: ModelFormat.SKLEARN, priority: 1 }], container: { image: SKLEARN_IMAGE },
    }), /^test\/r: supportedFormats\[0\].priority 1 has no effect without autoSelect \(KServe ignores it\); set autoSelect: true, or drop priority$/],
    ['priority zero', () => new ServingRuntime(newChart(), 'r', {
      supportedFormats: [{ format: ModelFormat.SKLEARN, autoSelect: true, priority: 0 }], container: { image: SKLEARN_IMAGE },
    }), /^test\/r: supportedFormats\[0\].priority 0 is not allowed; use a whole number from 1 to 2147483647$/],
    ['two priorities for one format name', () => new ServingRuntime(newChart(), 'r', {
      supportedFormats: [
        { format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority: 1 },
        { format: ModelFormat.SKLEARN.withVersion('2'), autoSelect: true, priority: 2 },
      ],
      container: { image: SKLEARN_IMAGE },
    }), /^test\/r: supportedFormats\[1\].priority 2 differs from the priority 1 given to another version of "sklearn"/],
    ['no formats', () => new ServingRuntime(newChart(), 'r', { supportedFormats: [], container: { image: SKLEARN_IMAGE } }),
      /^test\/r: supportedFormats \[\] is empty; list at least one format the runtime serves$/],
    ['unpinned image', () => new ServingRuntime(newChart(), 'r', { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'kserve/sklearnserver' } }),
      /^test\/r: container.image "kserve\/sklearnserver" has no tag; pin the server with a version tag \(image:1.2.3\) or a digest \(image@sha256:...\)$/],
    ['latest tag', () => new ServingRuntime(newChart(), 'r', { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'kserve/sklearnserver:latest' } }),
      /^test\/r: container.image "kserve\/sklearnserver:latest" uses the moving "latest" tag/],
    ['unsupported format for the chosen runtime', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', { format: ModelFormat.XGBOOST, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: format "xgboost" is not supported by ServingRuntime "sk"; use one of sklearn@1, or another runtime$/],
    ['unsupported format version', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN.withVersion('2'), storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: format "sklearn@2" is not supported by ServingRuntime "sk"/],
    ['protocol the runtime does not speak', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, protocol: InferenceProtocol.GRPC_V2, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: protocol "grpc-v2" is not spoken by ServingRuntime "sk"; use one of v1, v2$/],
    ['runtime in another namespace', () => {
      const app = testApp();
      const runtime = sklearnRuntime(new Chart(app, 'rt', { namespace: 'runtimes' }), 'sk');
      new ServedModel(new Chart(app, 'test', { namespace: 'ml' }), 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: runtime "sk" is in namespace "runtimes", not the model's "ml"; create the ServingRuntime in the model's namespace, or use a ClusterServingRuntime$/],
    ['disabled runtime', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk', 2, { disabled: true });
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: runtime "sk" is disabled \(ServingRuntime "sk"\); enable the runtime, or choose another$/],
    ['runtime beside a custom server', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', { server: { image: 'reg.example.com/s:1' }, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime });
    }, /^test\/m: runtime "sk" is set as well as server, which replaces the runtime; drop runtime or server$/],
    ['runtimeVersion over a pinned runtime', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime, runtimeVersion: 'v0.16.0' });
    }, /^test\/m: runtimeVersion "v0.16.0" would replace the image tag pinned by runtime "sk"; pin the version in the runtime's container.image, or drop runtime$/],
    ['runtimeImage over a pinned runtime', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', {
        format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime, runtimeImage: 'kserve/sklearnserver:v0.16.0',
      });
    }, /^test\/m: runtimeImage "kserve\/sklearnserver:v0.16.0" would replace the server pinned by runtime "sk"/],
    ['runtime on a non-KServe platform', () => {
      const chart = newChart('ml');
      const runtime = sklearnRuntime(chart, 'sk');
      new ServedModel(chart, 'm', {
        format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime, platform: ServingPlatform.kubernetesDeployment(),
      });
    }, /^test\/m: runtime "sk" only applies to KServe, not the "kubernetes-deployment" platform/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('runtimes known only by name', () => {
  test('a ClusterServingRuntime by name: named, not checked, and may be pinned', () => {
    const chart = newChart('ml');
    const triton = ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'triton', 'kserve-tritonserver');
    expect(triton.imported).toBe(true);
    expect([triton.clusterScoped, triton.supportedFormats, triton.protocols]).toEqual([true, [], []]);
    // Any format and protocol: the runtime's own list is unknown here (KServe checks it at apply).
    new ServedModel(chart, 'm', {
      format: ModelFormat.of('custom-format'),
      protocol: InferenceProtocol.GRPC_V2,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }),
      runtime: triton,
      runtimeVersion: '25.01-py3',
      // A runtime known by name cannot say which port serves gRPC: the model names it.
      grpcPort: 9000,
    });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['InferenceService']);
    expect(docOf(docs, 'InferenceService').spec.predictor.model).toMatchObject({
      runtime: 'kserve-tritonserver',
      runtimeVersion: '25.01-py3',
      modelFormat: { name: 'custom-format' },
      protocolVersion: 'grpc-v2',
      ports: [{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }],
    });
  });

  test('a ServingRuntime by name is namespaced; its name is checked', () => {
    const chart = newChart('ml');
    const sk = ServingRuntime.fromServingRuntimeName(chart, 'sk', 'sklearn-team');
    expect([sk.runtimeName, sk.clusterScoped, sk.imported]).toEqual(['sklearn-team', false, true]);
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime: sk });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.runtime).toBe('sklearn-team');
    const bad = ServingRuntime.fromServingRuntimeName(chart, 'bad', 'Bad_Runtime');
    expect(() => new ServedModel(chart, 'n', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), runtime: bad }))
      .toThrow(/^test\/n: runtime "Bad_Runtime" is not a valid DNS-1123 subdomain/);
  });
});
