import { App, Chart } from 'cdk8s';
import {
  Accelerator, CanaryRollout, FeatureFlagState, GpuNodePool, GpuProduct, GraphNode, GraphStep, InferenceGraph, KnativeClusterFlags, KnativeFeatures,
  MigProfile, ModelFormat, ModelStorage, ServedModel, ServingPlatform, ServingRuntime,
  StandardAutoscaler, Scaling,
} from '../src';
import { docOf, synthApp, testApp } from './util';

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
    const app = testApp();
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
    const app = testApp();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'mig', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/sk'), accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb')) });
    new KnativeFeatures(chart, 'features');
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({ 'kubernetes.podspec-tolerations': 'enabled', 'kubernetes.podspec-volumes-emptydir': 'enabled' });
  });

  test('models off Knative need no flags; declared and additional flags are written as given', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'std', {
      scaling: Scaling.fixedReplicas(1),
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
    const app = testApp();
    const chart = new Chart(app, 'c');
    gpuModel(chart, 'llm');
    new KnativeFeatures(chart, 'features', { tolerations: FeatureFlagState.DISABLED });
    expect(() => app.synth()).toThrow(
      'c/features: tolerations "disabled" turns off kubernetes.podspec-tolerations, which the model c/llm needs on a Knative platform; '
      + 'enable the flag (drop tolerations or set FeatureFlagState.ENABLED), or remove the model\'s tolerations placement (accelerator, nodePool)');
  });

  test('a disabled flag no model needs is fine', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    new KnativeFeatures(chart, 'features', { runtimeClassName: FeatureFlagState.DISABLED });
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({ 'kubernetes.podspec-runtimeclassname': 'disabled' });
  });

  test('managed keys cannot be set through additionalFlags', () => {
    const chart = new Chart(testApp(), 'c');
    expect(() => new KnativeFeatures(chart, 'f', { additionalFlags: { 'kubernetes.podspec-affinity': 'enabled' } })).toThrow(
      'c/f: additionalFlags["kubernetes.podspec-affinity"] "enabled" is managed by this construct; use the affinity prop');
  });
});

describe('KnativeFeatures beyond placement', () => {
  test('a Knative Service model needs init containers and emptyDir; disabling one fails synth', () => {
    const app = testApp();
    const models = new Chart(app, 'models', { namespace: 'ml' });
    new ServedModel(models, 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'f' }), platform: ServingPlatform.knativeService() });
    const platform = new Chart(app, 'platform');
    new KnativeFeatures(platform, 'features');
    expect(docOf(synthApp(app), 'ConfigMap').data).toEqual({
      'kubernetes.podspec-init-containers': 'enabled',
      'kubernetes.podspec-volumes-emptydir': 'enabled',
    });
    const app2 = testApp();
    const m2 = new Chart(app2, 'models');
    new ServedModel(m2, 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'f' }), platform: ServingPlatform.knativeService() });
    new KnativeFeatures(new Chart(app2, 'platform'), 'features', { additionalFlags: { 'kubernetes.podspec-init-containers': 'disabled' } });
    expect(() => app2.synth()).toThrow(/platform\/features: additionalFlags\["kubernetes.podspec-init-containers"\] "disabled" turns off a feature the model models\/fraud needs/);
  });
});

describe('Knative feature flags are never a surprise', () => {
  const validationErrors = (app: App) => app.node.findAll().flatMap((c) => c.node.validate());

  test('a Knative model whose pods need an off-by-default flag fails synth, naming the model, the field and the flag', () => {
    const app = testApp();
    gpuModel(new Chart(app, 'models'), 'llm');
    const errors = validationErrors(app);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('models/llm: nodeSelector needs the Knative feature flag kubernetes.podspec-nodeselector, '
      + 'which is disabled (Knative\'s default) in this app; Knative\'s webhook rejects the revision. Add a KnativeFeatures to the app '
      + '(it enables the flags the models need), or declare that the cluster already has it with '
      + 'new KnativeClusterFlags(scope, id, { enabled: [\'kubernetes.podspec-nodeselector\'] })');
    expect(errors[1]).toMatch(/^models\/llm: tolerations needs the Knative feature flag kubernetes.podspec-tolerations/);
    expect(() => app.synth()).toThrow(/kubernetes.podspec-nodeselector/);
  });

  test('a Knative Service model needs init containers; a KnativeFeatures anywhere in the app satisfies it', () => {
    const app = testApp();
    new ServedModel(new Chart(app, 'models'), 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'f' }), platform: ServingPlatform.knativeService() });
    expect(validationErrors(app).join('\n')).toMatch(/^models\/fraud: initContainers needs the Knative feature flag kubernetes.podspec-init-containers/);
    new KnativeFeatures(new Chart(app, 'platform'), 'features');
    expect(validationErrors(app)).toEqual([]);
  });

  test('KServe Standard mode and Deployments need no flag', () => {
    const app = testApp();
    const chart = new Chart(app, 'models');
    gpuModel(chart, 'std', { platform: ServingPlatform.kserveStandard(), scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2 }) });
    gpuModel(chart, 'dep', { platform: ServingPlatform.kubernetesDeployment(), scaling: Scaling.fixedReplicas(1) });
    expect(validationErrors(app)).toEqual([]);
  });

  test('KnativeClusterFlags declares the cluster\'s flags without emitting config-features', () => {
    const app = testApp();
    const chart = new Chart(app, 'models');
    gpuModel(chart, 'llm');
    const declared = new KnativeClusterFlags(chart, 'cluster', { enabled: ['kubernetes.podspec-tolerations'], allowed: ['kubernetes.podspec-nodeselector'] });
    expect(declared.flags).toEqual({ 'kubernetes.podspec-nodeselector': 'allowed', 'kubernetes.podspec-tolerations': 'enabled' });
    expect(validationErrors(app)).toEqual([]);
    expect(synthApp(app).filter((d) => d.kind === 'ConfigMap')).toEqual([]);
  });

  test('allowed is not enough for init containers (Knative compares them to Enabled)', () => {
    const app = testApp();
    const chart = new Chart(app, 'models');
    new ServedModel(chart, 'fraud', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'f' }), platform: ServingPlatform.knativeService() });
    new KnativeClusterFlags(chart, 'cluster', { allowed: ['kubernetes.podspec-init-containers'] });
    expect(validationErrors(app)).toEqual([expect.stringMatching(/^models\/fraud: initContainers needs the Knative feature flag kubernetes.podspec-init-containers, which is allowed in this app/)]);
  });

  test('KnativeClusterFlags rejects unknown keys, duplicates and an empty declaration', () => {
    const chart = new Chart(testApp(), 'c');
    expect(() => new KnativeClusterFlags(chart, 'a', { enabled: ['kubernetes.podspec-nodeselectors'] })).toThrow(
      /^c\/a: enabled\[0\] "kubernetes.podspec-nodeselectors" is not a config-features key of Knative Serving 1.23; use one of /);
    expect(() => new KnativeClusterFlags(chart, 'b', { enabled: ['multi-container'], allowed: ['multi-container'] })).toThrow(
      'c/b: allowed[0] "multi-container" is declared twice; list each flag once, in enabled or allowed');
    expect(() => new KnativeClusterFlags(chart, 'c', {})).toThrow('c/c: enabled undefined declares no flag; list at least one config-features key in enabled or allowed');
  });

  test('a Knative-mode InferenceGraph router on a node pool needs the placement flags', () => {
    const app = testApp();
    const chart = new Chart(app, 'g');
    const model = new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) });
    new InferenceGraph(chart, 'graph', { root: GraphNode.sequence([GraphStep.model(model)]), nodePool: GpuNodePool.gke('nvidia-l4') });
    const errors = validationErrors(app);
    expect(errors.some((e) => e.startsWith('g/graph: nodeSelector needs the Knative feature flag kubernetes.podspec-nodeselector'))).toBe(true);
    // KnativeFeatures enables what the router needs too.
    const features = new KnativeFeatures(new Chart(app, 'platform'), 'features');
    expect(KnativeFeatures.requiredFlags(features)['kubernetes.podspec-nodeselector']).toEqual(['g/graph']);
    expect(features.flags['kubernetes.podspec-nodeselector']).toBe('enabled');
    expect(validationErrors(app)).toEqual([]);
  });

  test('a rollout candidate\'s runtime counts too: its placement needs the flags, and it is applied before the model', () => {
    const app = testApp();
    const chart = new Chart(app, 'ml', { namespace: 'ml' });
    const runtime = new ServingRuntime(chart, 'sk', {
      supportedFormats: [{ format: ModelFormat.SKLEARN }],
      container: { image: 'registry.example.com/kserve/sklearnserver:v0.15.2' },
      nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
    });
    const model = new ServedModel(chart, 'churn', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'c' }) });
    expect(validationErrors(app)).toEqual([]);
    new CanaryRollout(chart, 'v2', { model, candidate: { runtime }, steps: [10] });
    expect(validationErrors(app)).toEqual([expect.stringMatching(/^ml\/churn: nodeSelector needs the Knative feature flag kubernetes.podspec-nodeselector/)]);
    expect(model.node.dependencies).toContain(runtime);
    // KnativeFeatures enables what the candidate's runtime needs.
    new KnativeFeatures(chart, 'features');
    expect(docOf(synthApp(app), 'InferenceService').spec.predictor.model.runtime).toBe('sk');
  });

  test('a runtime whose node pool sets placement makes the Knative models that use it need the flags', () => {
    const app = testApp();
    const chart = new Chart(app, 'ml', { namespace: 'ml' });
    const runtime = new ServingRuntime(chart, 'sk', {
      supportedFormats: [{ format: ModelFormat.SKLEARN }],
      container: { image: 'registry.example.com/kserve/sklearnserver:v0.15.2' },
      nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
    });
    new ServedModel(chart, 'churn', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'c' }), runtime });
    expect(validationErrors(app)).toEqual([expect.stringMatching(/^ml\/churn: nodeSelector needs the Knative feature flag kubernetes.podspec-nodeselector/)]);
    // The same model in Standard mode runs no Knative revision.
    const app2 = testApp();
    const chart2 = new Chart(app2, 'ml', { namespace: 'ml' });
    const runtime2 = new ServingRuntime(chart2, 'sk', {
      supportedFormats: [{ format: ModelFormat.SKLEARN }],
      container: { image: 'registry.example.com/kserve/sklearnserver:v0.15.2' },
      nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
    });
    new ServedModel(chart2, 'churn', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'c' }),
      runtime: runtime2,
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2 }),
    });
    expect(validationErrors(app2)).toEqual([]);
  });

  test('additionalFlags values must be enabled, disabled or allowed', () => {
    const chart = new Chart(testApp(), 'c');
    expect(() => new KnativeFeatures(chart, 'f', { additionalFlags: { 'kubernetes.podspec-persistent-volume-claim': 'true' } })).toThrow(
      'c/f: additionalFlags["kubernetes.podspec-persistent-volume-claim"] "true" is not a value Knative reads (it ignores it and keeps the flag\'s default); '
      + 'use "enabled", "disabled", "allowed" (FeatureFlagState)');
    expect(() => new KnativeFeatures(chart, 'g', { additionalFlags: { 'secure-pod-defaults': 'AllowRootBounded', 'multi-container': 'Enabled' } })).not.toThrow();
    expect(() => new KnativeFeatures(chart, 'h', { additionalFlags: { 'kubernetes.podspec-pvc': 'enabled' } })).toThrow(
      'c/h: additionalFlags "kubernetes.podspec-pvc" is not a config-features key of Knative Serving 1.23 (Knative ignores it); '
      + 'use a key from Knative\'s config-features, e.g. kubernetes.podspec-persistent-volume-claim');
  });
});
