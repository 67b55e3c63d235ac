import { Chart, Size } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import {
  InferenceProtocol, ModelFormat, ModelStorage, ServedModel, ServingPlatform, TrainedModel, TrainedModelProps,
} from '../src';
import { conformanceErrors, contextOf } from './conformance/conformance';
import { docOf, newChart, synth } from './util';

/** A multi-model sklearn InferenceService: a format, no storage, 4 GiB. */
function server(chart: Chart, extra: Record<string, unknown> = {}): ServedModel {
  return new ServedModel(chart, 'sklearn-mms', { format: ModelFormat.SKLEARN, resources: { memory: Size.gibibytes(4) }, ...extra });
}

function trained(chart: Chart, id: string, parent: ServedModel, extra: Partial<TrainedModelProps> = {}): TrainedModel {
  return new TrainedModel(chart, id, {
    inferenceService: parent,
    storage: ModelStorage.fromS3({ bucket: 'models', key: id }),
    memory: Size.mebibytes(512),
    ...extra,
  });
}

describe('TrainedModel', () => {
  test('two models on one multi-model InferenceService: parent, storage, framework, memory; applied after the parent', () => {
    const chart = newChart('ml');
    const parent = server(chart);
    const churn = trained(chart, 'churn', parent, { memory: Size.gibibytes(1) });
    trained(chart, 'fraud', parent, { format: ModelFormat.SKLEARN.withVersion('1'), labels: { team: 'risk' } });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['InferenceService', 'TrainedModel', 'TrainedModel']);
    expect(docOf(docs, 'TrainedModel', 'churn')).toEqual({
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'TrainedModel',
      metadata: {
        name: 'churn',
        namespace: 'ml',
        labels: {
          'app.kubernetes.io/component': 'trained-model',
          'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
          'app.kubernetes.io/name': 'churn',
          'app.kubernetes.io/part-of': 'sklearn-mms',
        },
      },
      spec: { inferenceService: 'sklearn-mms', model: { storageUri: 's3://models/churn', framework: 'sklearn', memory: '1Gi' } },
    });
    expect(docOf(docs, 'TrainedModel', 'fraud').metadata.labels.team).toBe('risk');
    expect(docOf(docs, 'TrainedModel', 'fraud').spec.model).toEqual({ storageUri: 's3://models/fraud', framework: 'sklearn', memory: '512Mi' });
    expect(churn.node.dependencies).toContain(parent);
    expect(churn.modelName).toBe('churn');
  });

  test('Standard mode and a custom multi-model server (MULTI_MODEL_SERVER=true) work too; https and gs storage', () => {
    const chart = newChart('ml');
    const parent = new ServedModel(chart, 'custom-mms', {
      server: { image: 'registry.example.com/mms:1.0.0' },
      envVariables: { MULTI_MODEL_SERVER: EnvValue.fromValue('true') },
      protocol: InferenceProtocol.V2,
      platform: ServingPlatform.kserveStandard(),
    });
    trained(chart, 'a', parent, { format: ModelFormat.XGBOOST, storage: ModelStorage.fromHttps('https://models.example.com/a.tar.gz') });
    trained(chart, 'b', parent, { format: ModelFormat.XGBOOST, storage: ModelStorage.fromGcs({ bucket: 'models', path: 'b' }) });
    const docs = synth(chart);
    expect(docOf(docs, 'TrainedModel', 'a').spec.model).toMatchObject({ storageUri: 'https://models.example.com/a.tar.gz', framework: 'xgboost' });
    expect(docOf(docs, 'TrainedModel', 'b').spec.model.storageUri).toBe('gs://models/b');
  });

  test.each<[string, (chart: Chart) => void, RegExp]>([
    ['name with a dot', (c) => trained(c, 'm', server(c), { name: 'churn.v2' }),
      /^test\/m: name "churn.v2" contains "." \(KServe's TrainedModel webhook allows only letters, digits, "_" and "-"\); use lower-case letters, digits and "-"$/],
    ['name not DNS', (c) => trained(c, 'm', server(c), { name: 'Churn' }), /^test\/m: name "Churn" /],
    ['hf storage', (c) => trained(c, 'm', server(c), { storage: ModelStorage.fromHuggingFace('org/model') }),
      /^test\/m: storage "hf:\/\/org\/model" has a scheme KServe's model agent cannot download a TrainedModel from \(trainedmodel_webhook.go, validateStorageURI\); use s3:\/\/, gs:\/\/, https:\/\/, http:\/\/ storage/],
    ['pvc storage', (c) => trained(c, 'm', server(c), { storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'm' }) }), /^test\/m: storage "pvc:\/\/models\/m" has a scheme/],
    ['zero memory', (c) => trained(c, 'm', server(c), { memory: Size.mebibytes(0) }), /^test\/m: memory "0Mi" is not a valid size/],
    ['memory not a Size', (c) => trained(c, 'm', server(c), { memory: '1Gi' as any }), /^test\/m: memory "1Gi" is not a Size; use Size.mebibytes/],
    ['no parent', (c) => new TrainedModel(c, 'm', { storage: ModelStorage.fromS3({ bucket: 'b', key: 'k' }), memory: Size.mebibytes(1) } as any),
      /^test\/m: inferenceService .*is missing/],
    ['parent not a ServedModel', (c) => trained(c, 'm', 'sklearn-mms' as any), /^test\/m: inferenceService "sklearn-mms" is not a ServedModel/],
    ['parent on a plain Deployment', (c) => trained(c, 'm', new ServedModel(c, 'sklearn-mms', {
      server: { image: 'registry.example.com/mms:1.0.0' }, envVariables: { MULTI_MODEL_SERVER: EnvValue.fromValue('true') }, platform: ServingPlatform.kubernetesDeployment(),
    })),
    /^test\/m: inferenceService "sklearn-mms" runs on the "kubernetes-deployment" platform, which renders a Deployment, not a KServe InferenceService; serve the parent with ServingPlatform.kserve\(\)/],
    ['parent with storage', (c) => trained(c, 'm', server(c, { storage: ModelStorage.fromS3({ bucket: 'models', key: 'one' }) })),
      /^test\/m: inferenceService "sklearn-mms" has storage \(s3:\/\/models\/one\), so KServe serves that one model and loads no TrainedModel into InferenceService "sklearn-mms" \(test\/sklearn-mms\); declare the multi-model InferenceService without storage$/],
    ['huggingface parent', (c) => trained(c, 'm', server(c, { format: ModelFormat.HUGGINGFACE })),
      /^test\/m: inferenceService "sklearn-mms" serves the huggingface format, which KServe never runs as a multi-model server/],
    ['custom parent without MULTI_MODEL_SERVER', (c) => trained(c, 'm', new ServedModel(c, 'custom', { server: { image: 'registry.example.com/mms:1.0.0' } }), { format: ModelFormat.XGBOOST }),
      /^test\/m: inferenceService "custom" runs a custom server without MULTI_MODEL_SERVER=true/],
    ['custom parent and no format', (c) => trained(c, 'm', new ServedModel(c, 'custom', { server: { image: 'registry.example.com/mms:1.0.0' }, envVariables: { MULTI_MODEL_SERVER: EnvValue.fromValue('true') } })),
      /^test\/m: format undefined is missing and InferenceService "custom" runs a custom server with no format; give the model's format/],
    ['memory over the limit', (c) => {
      const parent = server(c);
      trained(c, 'a', parent, { memory: Size.gibibytes(3) });
      trained(c, 'b', parent, { memory: Size.gibibytes(2) });
    }, /^test\/b: memory "2Gi" brings the TrainedModels of InferenceService "sklearn-mms" to 5Gi, over its memory limit of 4Gi \(a: 3Gi, b: 2Gi\), so KServe would not load it; raise/],
  ])('error: %s', (_name, build, message) => {
    expect(() => build(newChart('ml'))).toThrow(message);
  });

  test('memory counts every TrainedModel of the parent, and only of that parent', () => {
    const chart = newChart('ml');
    const a = server(chart);
    const b = new ServedModel(chart, 'other-mms', { format: ModelFormat.SKLEARN, resources: { memory: Size.gibibytes(4) } });
    trained(chart, 'x', a, { memory: Size.gibibytes(2) });
    trained(chart, 'y', a, { memory: Size.gibibytes(2) });
    trained(chart, 'z', b, { memory: Size.gibibytes(4) });
    expect(synth(chart).filter((d) => d.kind === 'TrainedModel')).toHaveLength(3);
  });

  describe('conformance rules (trainedmodel_webhook.go, trainedmodel/controller.go)', () => {
    const parent = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'mms', namespace: 'ml' },
      spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, resources: { limits: { memory: '1Gi' } } } } },
    };
    const tm = (name: string, uri: string, memory: string) => ({
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'TrainedModel',
      metadata: { name, namespace: 'ml' },
      spec: { inferenceService: 'mms', model: { storageUri: uri, framework: 'sklearn', memory } },
    });

    test('a valid TrainedModel passes', () => {
      const doc = tm('a', 's3://b/a', '512Mi');
      expect(conformanceErrors(doc, contextOf([parent, doc]))).toEqual([]);
    });

    test('storage scheme, memory over the limit and a single-model parent are refused', () => {
      const doc = tm('a', 'hf://org/a', '2Gi');
      const single = { ...parent, spec: { predictor: { model: { ...parent.spec.predictor.model, storageUri: 's3://b/one' } } } };
      expect(conformanceErrors(doc, contextOf([single, doc]))).toEqual([
        '[kserve] /spec/model/storageUri: the Trained Model "a" storageUri field is invalid. The storage uri must start with one of the prefixes: s3://, gs://, https://, http://',
        '[kserve] /spec/inferenceService: Inference Service "mms" predictor is not configured for multi-model serving (IsMMSPredictor)',
        '[kserve] /spec/model/memory: Inference Service "mms" does not have enough memory resources for its Trained Models (IsMemoryResourceAvailable)',
      ]);
    });

    test('a name KServe\'s regex refuses', () => {
      const doc = tm('a.b', 's3://b/a', '1Mi');
      expect(conformanceErrors(doc, contextOf([parent, doc]))).toContainEqual(expect.stringMatching(/^\[kserve\] \/metadata\/name: the Trained Model "a.b" is invalid/));
    });
  });
});
