/**
 * Issue 21 acceptance audit: the InferenceService, InferenceGraph,
 * ServingRuntime and cache manifests that KServe 0.20's documentation shows
 * (kserve/website `versioned_docs/version-0.20/...`), each written with the
 * typed API only (README and API.md, no `addJsonPatch`). One test per
 * documented manifest, named after its doc page and `metadata.name`; it
 * asserts the fields of the documented spec that carry meaning, and the
 * output passes the conformance harness (every synthesized document is
 * checked by `test/util`).
 *
 * What the library adds on purpose (restricted securityContext, a writable
 * /tmp, probes, `minReplicas`, the deployment-mode annotation) is not
 * compared: see README "A first model and its YAML". `test.todo` entries
 * name the manifests that cannot be written, or that the library refuses on
 * purpose, with the reason.
 */
import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, ClusterServingRuntime, DeploymentStrategy, GraphNode, GraphStep, InferenceGraph, InferenceProtocol,
  KedaAuthentication, ModelFormat, ModelStorage, PayloadLoggerMode, PrometheusAuthMode, Scaling, ScalingMetric, ServedModel,
  ServedModelProps, ServingPlatform, ServingRuntime, StepData, StandardAutoscaler,
} from '../src';
import { docOf, newChart, synth } from './util';

/** Synthesizes one ServedModel named as in the doc and returns its InferenceService. */
const isvc = (name: string, props: ServedModelProps | ((chart: Chart) => ServedModelProps), namespace = 'kserve-test') => {
  const chart = newChart(namespace);
  new ServedModel(chart, name, typeof props === 'function' ? props(chart) : props);
  return docOf(synth(chart), 'InferenceService', name);
};
const mi = (n: number) => Size.mebibytes(n);
const gi = (n: number) => Size.gibibytes(n);

describe('frameworks (predictive-inference/frameworks/*)', () => {
  test('sklearn/sklearn.md: sklearn-iris (V2 protocol)', () => {
    const doc = isvc('sklearn-iris', {
      format: ModelFormat.SKLEARN,
      protocol: InferenceProtocol.V2,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/sklearn/1.0/model'),
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'sklearn' },
      protocolVersion: 'v2',
      storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model',
    });
  });

  test('sklearn/sklearn.md: sklearn-iris-grpc (gRPC V2 on the named runtime, h2c port 8081)', () => {
    const doc = isvc('sklearn-iris-grpc', (chart) => ({
      format: ModelFormat.SKLEARN,
      protocol: InferenceProtocol.GRPC_V2,
      runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'rt', 'kserve-sklearnserver'),
      grpcPort: 8081,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/sklearn/1.0/model'),
    }));
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'sklearn' },
      protocolVersion: 'grpc-v2',
      runtime: 'kserve-sklearnserver',
      storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model',
      ports: [{ name: 'h2c', protocol: 'TCP', containerPort: 8081 }],
    });
  });

  test('xgboost/xgboost.md: xgboost-iris (V2 protocol)', () => {
    const doc = isvc('xgboost-iris', {
      format: ModelFormat.XGBOOST,
      protocol: InferenceProtocol.V2,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/xgboost/iris'),
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'xgboost' }, protocolVersion: 'v2', storageUri: 'gs://kfserving-examples/models/xgboost/iris',
    });
  });

  test('lightgbm/lightgbm.md: lightgbm-iris (V2 protocol)', () => {
    const doc = isvc('lightgbm-iris', {
      format: ModelFormat.LIGHTGBM,
      protocol: InferenceProtocol.V2,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/lightgbm/v2/iris'),
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'lightgbm' }, protocolVersion: 'v2', storageUri: 'gs://kfserving-examples/models/lightgbm/v2/iris',
    });
  });

  test('pmml/pmml.md: pmml-demo (V1)', () => {
    const doc = isvc('pmml-demo', {
      format: ModelFormat.PMML,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/pmml'),
    });
    expect(doc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'pmml' }, storageUri: 'gs://kfserving-examples/models/pmml' });
  });

  test('paddle/paddle.md: paddle-resnet50 (V1, resources)', () => {
    const doc = isvc('paddle-resnet50', {
      format: ModelFormat.PADDLE,
      protocol: InferenceProtocol.V1,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/paddle/resnet'),
      resources: { cpu: Cpu.millis(100), memory: gi(2), cpuLimit: Cpu.units(1), memoryLimit: gi(2) },
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'paddle' },
      storageUri: 'gs://kfserving-examples/models/paddle/resnet',
      resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    });
  });

  test('tensorflow/tensorflow.md: flower-sample', () => {
    const doc = isvc('flower-sample', {
      format: ModelFormat.TENSORFLOW,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/tensorflow/flowers'),
    });
    expect(doc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'tensorflow' }, storageUri: 'gs://kfserving-examples/models/tensorflow/flowers' });
  });

  test('onnx/onnx.md: style-sample (V2 protocol)', () => {
    const doc = isvc('style-sample', {
      format: ModelFormat.ONNX,
      protocol: InferenceProtocol.V2,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/onnx'),
    });
    expect(doc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'onnx' }, protocolVersion: 'v2', storageUri: 'gs://kfserving-examples/models/onnx' });
  });

  test('mlflow/mlflow.md: mlflow-v2-wine-classifier (V2 protocol)', () => {
    const doc = isvc('mlflow-v2-wine-classifier', {
      format: ModelFormat.MLFLOW,
      protocol: InferenceProtocol.V2,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/mlflow/wine'),
    });
    expect(doc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'mlflow' }, protocolVersion: 'v2', storageUri: 'gs://kfserving-examples/models/mlflow/wine' });
  });

  test('triton/torchscript/torchscript.md: torchscript-cifar10 (Triton, runtimeVersion, OMP env)', () => {
    const doc = isvc('torchscript-cifar10', {
      format: ModelFormat.TRITON,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/torchscript'),
      runtimeVersion: '23.05-py3',
      envVariables: { OMP_NUM_THREADS: EnvValue.fromValue('1') },
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'triton' },
      storageUri: 'gs://kfserving-examples/models/torchscript',
      runtimeVersion: '23.05-py3',
    });
    expect(doc.spec.predictor.model.env).toEqual(expect.arrayContaining([{ name: 'OMP_NUM_THREADS', value: '1' }]));
  });

  test('triton/torchscript/torchscript.md: torchscript-cifar10 over gRPC (h2c 9000)', () => {
    const doc = isvc('torchscript-cifar10', (chart) => ({
      format: ModelFormat.TRITON,
      protocol: InferenceProtocol.GRPC_V2,
      runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'rt', 'kserve-tritonserver'),
      grpcPort: 9000,
      storage: ModelStorage.fromUri('gs://kfserving-examples/models/torchscript'),
    }));
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'triton' }, protocolVersion: 'grpc-v2',
      ports: [{ name: 'h2c', protocol: 'TCP', containerPort: 9000 }],
    });
  });

  test('huggingface/text-classification/text-classification.md: huggingface-distilbert (args, hf model id)', () => {
    const doc = isvc('huggingface-distilbert', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('distilbert/distilbert-base-uncased-finetuned-sst-2-english'),
      args: ['--model_name=distilbert'],
      resources: { cpu: Cpu.units(1), memory: gi(2), cpuLimit: Cpu.units(1), memoryLimit: gi(2) },
    });
    expect(doc.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'huggingface' },
      args: expect.arrayContaining(['--model_name=distilbert']),
      storageUri: 'hf://distilbert/distilbert-base-uncased-finetuned-sst-2-english',
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    });
  });

  test('custom-predictor/custom-predictor.md: custom-model (own image)', () => {
    const doc = isvc('custom-model', {
      server: { image: '{username}/custom-model:v1'.replace('{username}', 'example'), port: 8080 },
    });
    expect(doc.spec.predictor.containers[0]).toMatchObject({ name: 'kserve-container', image: 'example/custom-model:v1' });
  });
});
