import { App, Chart, Testing } from 'cdk8s';
import {
  Accelerator, FeatureFlagState, GpuNodePool, GpuProduct, KnativeFeatures, MigProfile, ModelFormat, ModelStorage, ServedModel, ServingPlatform,
  StandardAutoscaler, Scaling,
} from '../src';
import { docOf, synthApp } from './util';

function gpuModel(chart: Chart, id: string, extra: Record<string, unknown> = {}): ServedModel {
  return new ServedModel(chart, id, {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://org/model'),
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
    ...extra,
  });
}

describe('KnativeFeatures', () => {
  test('enables exactly the flags the Knative models need, across charts', () => {
    const app = Testing.app();
    const models = new Chart(app, 'models', { namespace: 'ml' });
    gpuModel(models, 'llm');
    gpuModel(models, 'big', { accelerator: Accelerator.nvidiaGpu({ minCudaMajor: 12 }), nodePool: GpuNodePool.aks('gpu', { runtimeClassName: 'nvidia' }) });
    const platform = new Chart(app, 'platform');
    const features = new KnativeFeatures(platform, 'features');
    const docs = synthApp(app);
    const cm = docOf(docs, 'ConfigMap', 'config-features');
    expect(cm.metadata.namespace).toBe('knative-serving');
    expect(cm.data).toEqual({
      'kubernetes.podspec-affinity': 'enabled',
      'kubernetes.podspec-nodeselector': 'enabled',
      'kubernetes.podspec-runtimeclassname': 'enabled',
      'kubernetes.podspec-tolerations': 'enabled',
      // The read-only root filesystem's /tmp scratch volume.
      'kubernetes.podspec-volumes-emptydir': 'enabled',
    });
    expect(KnativeFeatures.requiredFlags(features)).toEqual({
      'kubernetes.podspec-nodeselector': ['models/llm', 'models/big'],
      'kubernetes.podspec-tolerations': ['models/llm', 'models/big'],
      'kubernetes.podspec-affinity': ['models/big'],
      'kubernetes.podspec-runtimeclassname': ['models/big'],
      'kubernetes.podspec-volumes-emptydir': ['models/llm', 'models/big'],
    });
    expect(cm).toMatchSnapshot();
  });

  test('a MIG model without a product needs tolerations only', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'mig', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk'), accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb')) });
    new KnativeFeatures(chart, 'features');
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({ 'kubernetes.podspec-tolerations': 'enabled', 'kubernetes.podspec-volumes-emptydir': 'enabled' });
  });

  test('models off Knative need no flags; declared and additional flags are written as given', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'std', {
      scaling: Scaling.fixed(1),
      platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.NONE }),
    });
    new KnativeFeatures(chart, 'features', {
      affinity: FeatureFlagState.ALLOWED,
      additionalFlags: { 'kubernetes.podspec-persistent-volume-claim': 'enabled' },
      namespace: 'knative',
    });
    const cm = docOf(synthApp(app), 'ConfigMap');
    expect(cm.metadata.namespace).toBe('knative');
    expect(cm.data).toEqual({ 'kubernetes.podspec-affinity': 'allowed', 'kubernetes.podspec-persistent-volume-claim': 'enabled' });
  });

  test('a flag declared disabled that a model needs fails synth, naming the model, the flag and the fix', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'llm');
    new KnativeFeatures(chart, 'features', { tolerations: FeatureFlagState.DISABLED });
    expect(() => app.synth()).toThrow(
      'c/features: tolerations "disabled" turns off kubernetes.podspec-tolerations, which the model c/llm needs on a Knative platform; '
      + 'enable the flag (drop tolerations or set FeatureFlagState.ENABLED), or remove the model\'s tolerations placement (accelerator, nodePool)');
  });

  test('a disabled flag no model needs is fine', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'c');
    new KnativeFeatures(chart, 'features', { runtimeClassName: FeatureFlagState.DISABLED });
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({ 'kubernetes.podspec-runtimeclassname': 'disabled' });
  });

  test('managed keys cannot be set through additionalFlags', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new KnativeFeatures(chart, 'f', { additionalFlags: { 'kubernetes.podspec-affinity': 'enabled' } })).toThrow(
      'c/f: additionalFlags["kubernetes.podspec-affinity"] "enabled" is managed by this construct; use the affinity prop');
  });
});

describe('KnativeFeatures beyond placement', () => {
  test('a Knative Service model needs init containers and emptyDir; disabling one fails synth', () => {
    const app = Testing.app();
    const models = new Chart(app, 'models', { namespace: 'ml' });
    new ServedModel(models, 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.s3('models', 'f'), platform: ServingPlatform.knativeService() });
    const platform = new Chart(app, 'platform');
    new KnativeFeatures(platform, 'features');
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({
      'kubernetes.podspec-init-containers': 'enabled',
      'kubernetes.podspec-volumes-emptydir': 'enabled',
    });
    const app2 = Testing.app();
    const m2 = new Chart(app2, 'models');
    new ServedModel(m2, 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.s3('models', 'f'), platform: ServingPlatform.knativeService() });
    new KnativeFeatures(new Chart(app2, 'platform'), 'features', { additionalFlags: { 'kubernetes.podspec-init-containers': 'disabled' } });
    expect(() => app2.synth()).toThrow(/platform\/features: additionalFlags\["kubernetes.podspec-init-containers"\] "disabled" turns off a feature the model models\/fraud needs/);
  });
});
