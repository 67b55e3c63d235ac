/**
 * The public API settled before 1.0 (issue 19): one factory per storage kind,
 * options objects for factories with several values, no reserved words.
 */
import { App, Size } from 'cdk8s';
import { PersistentVolumeClaim } from 'cdk8s-plus-28';
import {
  Accelerator, CandidateProps, GpuCapacityReport, GpuProduct, GraphNode, GraphStep, MigProfile, ModelFormat, ModelStorage, RouterType, Scaling,
  ServedModel, ServedModelProps,
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
  container: true,
  args: true,
  env: true,
  resources: true,
  accelerator: true,
  nodePool: true,
  serviceAccountName: true,
};

describe('CandidateProps', () => {
  test('every candidate prop is a ServedModelProps prop of the same type', () => {
    expect(Object.values(candidatePropsMatch).every((v) => v === true)).toBe(true);
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
