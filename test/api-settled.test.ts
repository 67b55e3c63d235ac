/**
 * The public API settled before 1.0 (issue 19): one factory per storage kind,
 * options objects for factories with several values, no reserved words.
 */
import { App, Size } from 'cdk8s';
import { EnvValue, PersistentVolumeClaim, Secret, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, CandidateProps, GpuCapacityReport, GpuProduct, GraphNode, GraphStep, InferenceComponent, InferenceProtocol,
  IServedModel, MigProfile, ModelContainer, ModelFormat, ModelStorage, RouterType, RuntimeSidecar, Scaling, ServedModel, ServedModelProps,
  ServingRuntimeBaseProps,
} from '../src';
import { docOf, newChart, synth } from './util';

function storageUri(storage: ModelStorage): string {
  const chart = newChart();
  new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage });
  return docOf(synth(chart), 'InferenceService').spec.predictor.model.storageUri;
}

function storageError(storage: ModelStorage): () => void {
  return () => new ServedModel(newChart(), 'm', { format: ModelFormat.SKLEARN, storage });
}

describe('ModelStorage factories', () => {
  test.each<[string, () => ModelStorage, string]>([
    ['fromUri', () => ModelStorage.fromUri('s3://models/fraud/v7'), 's3://models/fraud/v7'],
    ['fromS3', () => ModelStorage.fromS3({ bucket: 'models', key: '/fraud/v7/' }), 's3://models/fraud/v7'],
    ['fromGcs', () => ModelStorage.fromGcs({ bucket: 'my_models', path: 'fraud/v7' }), 'gs://my_models/fraud/v7'],
    ['fromAzureBlob', () => ModelStorage.fromAzureBlob({ account: 'acct1', container: 'models', path: 'fraud/v7' }), 'https://acct1.blob.core.windows.net/models/fraud/v7'],
    ['fromPersistentVolumeClaim by name', () => ModelStorage.fromPersistentVolumeClaim({ claimName: 'model-pvc', path: 'fraud/v7' }), 'pvc://model-pvc/fraud/v7'],
    ['fromHuggingFace', () => ModelStorage.fromHuggingFace('org/model'), 'hf://org/model'],
    ['fromHuggingFace pinned', () => ModelStorage.fromHuggingFace('org/model', { revision: 'v2' }), 'hf://org/model:v2'],
    ['fromOci', () => ModelStorage.fromOci('registry.example.com/models/fraud:v7'), 'oci://registry.example.com/models/fraud:v7'],
    ['fromHttps', () => ModelStorage.fromHttps('https://example.com/m.tar.gz'), 'https://example.com/m.tar.gz'],
  ])('%s', (_name, make, uri) => {
    expect(storageUri(make())).toBe(uri);
  });

  test('fromPersistentVolumeClaim takes a cdk8s-plus claim', () => {
    const chart = newChart();
    const claim = PersistentVolumeClaim.fromClaimName(chart, 'claim', 'shared-models');
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromPersistentVolumeClaim({ claim, path: 'sk/v1' }) });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.storageUri).toBe('pvc://shared-models/sk/v1');
  });

  test('fromPersistentVolumeClaim needs exactly one of claim and claimName', () => {
    const chart = newChart();
    const claim = PersistentVolumeClaim.fromClaimName(chart, 'claim', 'shared-models');
    expect(storageError(ModelStorage.fromPersistentVolumeClaim({ path: 'x' })))
      .toThrow(/^test\/m: storage ModelStorage.fromPersistentVolumeClaim: claimName undefined is missing; set exactly one of claim/);
    expect(storageError(ModelStorage.fromPersistentVolumeClaim({ claim, claimName: 'other', path: 'x' })))
      .toThrow(/claimName "other" is set together with claim; set exactly one of claim/);
  });

  test('errors name the factory', () => {
    expect(storageError(ModelStorage.fromGcs({ bucket: 'B', path: 'x' }))).toThrow(/storage ModelStorage.fromGcs: bucket "B" is not a valid bucket name/);
    expect(storageError(ModelStorage.fromAzureBlob({ account: 'A!', container: 'models', path: 'x' }))).toThrow(/storage ModelStorage.fromAzureBlob: account "A!" is not a valid storage account name/);
    expect(storageError(ModelStorage.fromHuggingFace('org/model', { revision: 'a b' }))).toThrow(/storage ModelStorage.fromHuggingFace: revision "a b" is not a valid revision/);
    expect(storageError(ModelStorage.fromHttps('http://example.com/m'))).toThrow(/storage ModelStorage.fromHttps: url "http:\/\/example.com\/m" is not an https:\/\/ URL/);
  });

  test('the bare factories are gone', () => {
    for (const name of ['s3', 'gcs', 'azureBlob', 'pvc', 'huggingFace', 'oci', 'https']) {
      expect((ModelStorage as any)[name]).toBeUndefined();
    }
  });
});

describe('no reserved words of any jsii language', () => {
  test('GraphNode.conditional and Scaling.fixedReplicas replace switch and fixed', () => {
    expect((GraphNode as any).switch).toBeUndefined();
    expect((Scaling as any).fixed).toBeUndefined();
    const chart = newChart();
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), scaling: Scaling.fixedReplicas(3) });
    const spec = docOf(synth(chart), 'InferenceService').spec.predictor;
    expect([spec.minReplicas, spec.maxReplicas]).toEqual([3, 3]);
    expect(() => new ServedModel(newChart(), 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), scaling: Scaling.fixedReplicas(0) }))
      .toThrow(/scaling Scaling.fixedReplicas: replicas 0 is not allowed/);
    expect(GraphNode.conditional([GraphStep.url('http://a.example.com', { condition: '[@this].#(x==1)' })]).routerType).toBe(RouterType.SWITCH);
  });
});

/** `true` when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * CandidateProps re-declares ServedModelProps fields (jsii has no Pick): this
 * map is type-checked (`npm test` runs tsc on the tests), so a candidate prop
 * that is missing from ServedModelProps or whose type differs stops the build.
 */
type CandidateMatches = {
  [K in keyof Required<CandidateProps>]: K extends keyof ServedModelProps ? Same<Required<CandidateProps>[K], Required<ServedModelProps>[K]> : false
};
const candidatePropsMatch: CandidateMatches = {
  storage: true,
  format: true,
  protocol: true,
  runtime: true,
  runtimeVersion: true,
  runtimeImage: true,
  server: true,
  args: true,
  envVariables: true,
  resources: true,
  accelerator: true,
  nodePool: true,
  serviceAccount: true,
};

/** `true` when none of the keys is a ServedModelProps prop (or a CandidateProps prop). */
type Gone<K extends string> = [Extract<K, keyof ServedModelProps | keyof CandidateProps>] extends [never] ? true : false;
/** The props that one prop per feature replaced: type-checked, so bringing one back stops the build. */
const replacedPropsGone: Gone<'serviceAccountName' | 'servingRuntime' | 'env' | 'envValues' | 'container'> = true;
/** Env in one place for every container: `envVariables` (cdk8s-plus `EnvValue`s), never a plain `env` beside it. */
type EnvInOnePlace<T> =
  ['env' extends keyof T ? false : true, 'envVariables' extends keyof T ? true : false] extends [true, true] ? true : false;
const containersTakeEnvVariables: [EnvInOnePlace<ModelContainer>, EnvInOnePlace<InferenceComponent>, EnvInOnePlace<RuntimeSidecar>] =
  [true, true, true];
/** A runtime's server env is `container.envVariables` only. */
const runtimeEnvOnContainer: 'envVariables' extends keyof ServingRuntimeBaseProps ? false : true = true;

describe('CandidateProps', () => {
  test('every candidate prop is a ServedModelProps prop of the same type', () => {
    expect(Object.values(candidatePropsMatch).every((v) => v === true)).toBe(true);
  });

  test('a candidate takes the new props: server account, env, runtime image', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) });
    const rollout = new CanaryRollout(chart, 'r', {
      model,
      candidate: {
        runtimeImage: 'registry.example.com/sklearnserver:v0.16.1',
        envVariables: { LOG_LEVEL: EnvValue.fromValue('debug') },
        serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'models-v2'),
      },
      steps: [10],
    });
    // The rollout references the model through IServedModel.
    const ref: IServedModel = rollout.model;
    expect(ref.name).toBe('m');
    const p = docOf(synth(chart), 'InferenceService').spec.predictor;
    expect(p.model.image).toBe('registry.example.com/sklearnserver:v0.16.1');
    expect(p.model.env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'LOG_LEVEL', value: 'debug' }]);
    expect(p.serviceAccountName).toBe('models-v2');
  });
});

describe('one prop per feature', () => {
  const storage = ModelStorage.fromS3({ bucket: 'models', key: 'm' });

  test('the replaced props are gone from ServedModelProps and CandidateProps', () => {
    expect(replacedPropsGone).toBe(true);
  });

  test('every container takes env in one place: envVariables', () => {
    expect(containersTakeEnvVariables).toEqual([true, true, true]);
    expect(runtimeEnvOnContainer).toBe(true);
  });

  test('runtimeImage replaces the runtime\'s image; server replaces the runtime', () => {
    const chart = newChart();
    new ServedModel(chart, 'pinned', { format: ModelFormat.SKLEARN, storage, runtimeImage: 'registry.example.com/sklearnserver:v0.16.0' });
    // An untagged runtimeImage takes runtimeVersion as its tag (KServe: predictor.model.runtimeVersion).
    new ServedModel(chart, 'mirror', { format: ModelFormat.SKLEARN, storage, runtimeImage: 'registry.example.com:5000/sklearnserver', runtimeVersion: 'v0.16.0' });
    new ServedModel(chart, 'own', { storage, server: { image: 'registry.example.com/ranker:2.0.0', command: ['ranker'], port: 9000 }, args: ['--workers=2'] });
    const docs = synth(chart);
    const pinned = docOf(docs, 'InferenceService', 'pinned').spec.predictor;
    expect(pinned.model).toMatchObject({ modelFormat: { name: 'sklearn' }, image: 'registry.example.com/sklearnserver:v0.16.0' });
    expect(docOf(docs, 'InferenceService', 'mirror').spec.predictor.model).toMatchObject({ image: 'registry.example.com:5000/sklearnserver', runtimeVersion: 'v0.16.0' });
    const own = docOf(docs, 'InferenceService', 'own').spec.predictor;
    expect(own.model).toBeUndefined();
    expect(own.containers[0]).toMatchObject({ image: 'registry.example.com/ranker:2.0.0', command: ['ranker'], args: ['--workers=2'], ports: [{ containerPort: 9000, protocol: 'TCP' }] });
  });

  test.each<[string, ServedModelProps, RegExp]>([
    ['server with a format', { format: ModelFormat.SKLEARN, storage, server: { image: 'reg.example.com/s:1' } },
      /^test\/m: format "sklearn" is set as well as server, which replaces the runtime the format picks/],
    ['server with runtimeImage', { storage, server: { image: 'reg.example.com/s:1' }, runtimeImage: 'reg.example.com/t:1' },
      /^test\/m: runtimeImage "reg.example.com\/t:1" is set as well as server; give the image once, in server.image$/],
    ['server with runtimeVersion', { storage, server: { image: 'reg.example.com/s:1' }, runtimeVersion: 'v1' },
      /^test\/m: runtimeVersion "v1" is set as well as server; pin the version in server.image$/],
    ['neither format nor server', { storage }, /^test\/m: format undefined is missing; give a ModelFormat \(KServe picks the runtime\), or server \(your own model server\)$/],
    ['runtimeVersion beside a tagged runtimeImage', { format: ModelFormat.SKLEARN, storage, runtimeImage: 'reg.example.com/s:2.0.0', runtimeVersion: 'v0.20.0' },
      /^test\/m: runtimeVersion "v0.20.0" would replace the tag of runtimeImage "reg.example.com\/s:2.0.0"; pin the version once/],
    ['a bad runtimeImage', { format: ModelFormat.SKLEARN, storage, runtimeImage: 'Not An Image' }, /^test\/m: runtimeImage "Not An Image" is not a valid image reference/],
    ['a bad server port', { storage, server: { image: 'reg.example.com/s:1', port: 70000 } }, /^test\/m: server.port 70000 /],
  ])('%s fails', (_n, props, message) => {
    expect(() => new ServedModel(newChart(), 'm', props)).toThrow(message);
  });

  test('addEnv takes an EnvValue, as envVariables does', () => {
    const chart = newChart();
    const m = new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage, envVariables: { A: EnvValue.fromValue('1') } });
    m.addEnv('B', EnvValue.fromSecretValue({ secret: Secret.fromSecretName(chart, 's', 'creds'), key: 'b' }));
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'b' } } },
      { name: 'HOME', value: '/tmp' },
    ]);
  });
});

describe('strong types and options objects', () => {
  test('GpuProduct and MigProfile memory is a Size', () => {
    expect(GpuProduct.L4.memory?.toGibibytes()).toBe(24);
    expect(GpuProduct.of('NVIDIA-RTX-A6000', { memory: Size.gibibytes(48) }).memory?.toGibibytes()).toBe(48);
    expect(GpuProduct.of('Some-Unknown-GPU').memory).toBeUndefined();
    expect(MigProfile.of('3g.40gb').memory.toGibibytes()).toBe(40);
    expect((GpuProduct.L4 as any).memoryGb).toBeUndefined();
  });

  test('ModelFormat.of and InferenceProtocol.of take an options object', () => {
    expect(ModelFormat.of('sklearn', { version: '1' }).toString()).toBe('sklearn@1');
    expect(ModelFormat.of('my-format').version).toBeUndefined();
    const grpc = InferenceProtocol.of('grpc-v3', { grpc: true });
    expect([grpc.version, grpc.grpc]).toEqual(['grpc-v3', true]);
    expect(InferenceProtocol.of('v3').grpc).toBe(false);
  });

  test('amdGpu and intelGaudi take an options object', () => {
    expect(Accelerator.amdGpu({ count: 2 }).resourceName).toBe('amd.com/gpu');
    expect(Accelerator.intelGaudi().resourceName).toBe('habana.ai/gaudi');
  });

  test('GpuCapacityReport.toJson() returns an object', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), accelerator: Accelerator.amdGpu({ count: 2 }), scaling: Scaling.fixedReplicas(2) });
    const report = new GpuCapacityReport(chart.node.root as App, 'gpu', { writeFiles: false });
    const json = report.toJson();
    expect(typeof json).toBe('object');
    expect(json.totals).toEqual([expect.objectContaining({ resourceName: 'amd.com/gpu', minDevices: 4, maxDevices: 4 })]);
  });
});
