import {
  Accelerator, InferenceProtocol, MigProfile, ModelFormat, ModelServer, ModelStorage, Scaling, ScalingMetric, ServedModel,
  ServedModelProps, ServingPlatform, StandardAutoscaler,
} from '../src';
import { expectRestricted } from './conformance/pod-security';
import { newChart, synth } from './util';

// One table: every format x every platform x every accelerator, same props, through the conformance harness.

const formats: Array<[string, ServedModelProps]> = [
  ['sklearn', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }) }],
  ['xgboost', { format: ModelFormat.XGBOOST, storage: ModelStorage.fromGcs({ bucket: 'models', path: 'm/v1' }) }],
  ['onnx', { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }) }],
  ['pytorch', { format: ModelFormat.PYTORCH, storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'm/v1' }) }],
  ['huggingface', { format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromHuggingFace('org/model', { revision: 'main' }) }],
  ['triton', { format: ModelFormat.TRITON, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }) }],
  ['custom server', { server: { image: 'registry.example.com/ranker:2.1.0', port: 9000 }, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm/v1' }) }],
];

const platforms: Array<[string, () => ServingPlatform, string]> = [
  ['kserve', () => ServingPlatform.kserve(), 'InferenceService'],
  ['kserveStandard', () => ServingPlatform.kserveStandard(), 'InferenceService'],
  ['knativeService', () => ServingPlatform.knativeService(), 'Service'],
  ['kubernetesDeployment', () => ServingPlatform.kubernetesDeployment(), 'Deployment'],
];

const accelerators: Array<[string, () => Accelerator | undefined, string | undefined]> = [
  ['no accelerator', () => undefined, undefined],
  ['nvidiaGpu', () => Accelerator.nvidiaGpu(), 'nvidia.com/gpu'],
  ['nvidiaMig', () => Accelerator.nvidiaMig(MigProfile.of('1g.10gb')), 'nvidia.com/mig-1g.10gb'],
];

const matrix = formats.flatMap(([f, props]) => platforms.flatMap(([p, platform, kind]) =>
  accelerators.map(([a, accelerator, resource]) => [f, p, a, props, platform, kind, accelerator, resource] as const)));

/** The model server container, wherever the platform puts it. */
function serverContainer(doc: any): any {
  if (doc.kind === 'InferenceService') return doc.spec.predictor.model ?? doc.spec.predictor.containers[0];
  return doc.spec.template.spec.containers[0];
}

function podPlacement(doc: any): any {
  return doc.kind === 'InferenceService' ? doc.spec.predictor : doc.spec.template.spec;
}

describe('formats x platforms x accelerators', () => {
  test('covers every platform the library offers, each row once', () => {
    // The public factories of ServingPlatform (the `_`-prefixed ones are internal):
    // a new platform fails here until it has a row in the table.
    const factories = Object.getOwnPropertyNames(ServingPlatform)
      .filter((k) => typeof (ServingPlatform as any)[k] === 'function' && !k.startsWith('_')).sort();
    expect(platforms.map(([name]) => name).sort()).toEqual(factories);
    const names = matrix.map(([f, p, a]) => `${f} on ${p} with ${a}`);
    expect(new Set(names).size).toBe(formats.length * platforms.length * accelerators.length);
  });

  test.each(matrix)('%s on %s with %s', (_f, _p, _a, props, platform, kind, accelerator, resource) => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', {
      ...props,
      accelerator: accelerator(),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }),
      platform: platform(),
    });
    const docs = synth(chart);
    expect(expectRestricted(docs)).toBeGreaterThan(0);
    const main = docs.find((d) => d.kind === kind && d.metadata.name === 'm');
    expect(main).toBeDefined();
    expect(model.apiObject.kind).toBe(kind);
    expect(model.url).toBe('http://m.ml.svc.cluster.local');
    const container = serverContainer(main);
    expect(container.resources.requests).toMatchObject({ cpu: '1', memory: '2Gi' });
    if (resource) {
      expect(container.resources.requests[resource]).toBe(1);
      expect(container.resources.limits[resource]).toBe(1);
      expect(podPlacement(main).tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    } else {
      expect(Object.keys(container.resources.limits)).toEqual(['memory']);
      expect(podPlacement(main).tolerations).toBeUndefined();
    }
    if (kind !== 'InferenceService') {
      // The platforms without KServe bring the download KServe would inject: an init container or a mounted PVC.
      const pod = main.spec.template.spec;
      expect(container.volumeMounts).toContainEqual(expect.objectContaining({ name: 'model-store', mountPath: '/mnt/models', readOnly: true }));
      expect(pod.volumes.map((v: any) => v.name)).toContain('model-store');
      if (pod.volumes.find((v: any) => v.name === 'model-store').persistentVolumeClaim) {
        // A PVC is mounted as it is: nothing to download.
        expect(pod.initContainers).toBeUndefined();
      } else {
        expect(pod.initContainers).toEqual([expect.objectContaining({ name: 'storage-initializer', image: 'kserve/storage-initializer:v0.16.0' })]);
      }
      expect(container.readinessProbe).toBeDefined();
      expect(container.startupProbe).toBeDefined();
    }
  });
});

describe('invalid combinations give a clear error, never a crash', () => {
  const base: ServedModelProps = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) };
  const cases: Array<[string, ServedModelProps, () => ServingPlatform, RegExp]> = [
    ['scale to zero on cpu, Deployment', { ...base, scaling: Scaling.scaleToZero({ maxReplicas: 2 }) }, () => ServingPlatform.kubernetesDeployment(),
      /^test\/m: scaling.minReplicas 0 needs a Prometheus metric on Kubernetes Deployment/],
    ['scale to zero with HPA, KServe Standard', { ...base, scaling: Scaling.scaleToZero({ maxReplicas: 2 }) },
      () => ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.HPA }), /^test\/m: scaling.minReplicas 0 needs KEDA in KServe Standard mode/],
    ['Prometheus metric, Knative Service', { ...base, scaling: Scaling.autoscale({ maxReplicas: 2, metric: ScalingMetric.prometheus({ query: 'sum(x)', serverAddress: 'http://p:9090' }) }) },
      () => ServingPlatform.knativeService(), /^test\/m: scaling.metric "prometheus" is not a Knative autoscaler \(KPA\) metric on Knative Service/],
    ['rps metric, Deployment', { ...base, scaling: Scaling.autoscale({ maxReplicas: 2, metric: ScalingMetric.RPS }) }, () => ServingPlatform.kubernetesDeployment(),
      /^test\/m: scaling.metric "rps" is a Knative autoscaler metric, not available on Kubernetes Deployment/],
    ['V1 for onnx, every platform', { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), protocol: InferenceProtocol.V1 },
      () => ServingPlatform.knativeService(), /^test\/m: protocol "v1" is not spoken by the built-in runtimes for format "onnx"; use one of v2, grpc-v2/],
    ['gRPC V1 for sklearn', { ...base, protocol: InferenceProtocol.GRPC_V1 }, () => ServingPlatform.kubernetesDeployment(),
      /^test\/m: protocol "grpc-v1" is not spoken by the built-in runtimes for format "sklearn"/],
    ['V1 on MLServer', { ...base, format: ModelFormat.XGBOOST, protocol: InferenceProtocol.V1 },
      () => ServingPlatform.kubernetesDeployment({ modelServer: ModelServer.MLSERVER }),
      /^test\/m: protocol "v1" is not spoken by the mlserver model server on Kubernetes Deployment; use one of v2, grpc-v2/],
    ['format without a default server, Deployment', { format: ModelFormat.OPENVINO, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) },
      () => ServingPlatform.kubernetesDeployment(), /^test\/m: format "openvino_ir" has no default model server on Kubernetes Deployment/],
    ['transformer, Deployment', { ...base, transformer: { image: 'registry.example.com/t:1' } }, () => ServingPlatform.kubernetesDeployment(),
      /^test\/m: transformer "registry.example.com\/t:1" is not available on Kubernetes Deployment/],
  ];
  test.each(cases)('%s', (_name, props, platform, message) => {
    let error: any;
    try {
      new ServedModel(newChart(), 'm', { ...props, platform: platform() });
    } catch (e) {
      error = e;
    }
    expect(error?.name).toBe('ModelServingError');
    expect(error.message).toMatch(message);
  });
});
