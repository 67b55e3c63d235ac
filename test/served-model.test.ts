import { Chart, Duration, Size } from 'cdk8s';
import { ConfigMap, Cpu, EnvValue, Secret, ServiceAccount } from 'cdk8s-plus-28';
import {
  ClusterServingRuntime, InferenceProtocol, KnativeFeatures, ModelFormat, ModelStorage, ModelVolume, PayloadLoggerMode, PodSecurity, Scaling,
  ScalingMetric, ServedModel, ServingPlatform, StandardAutoscaler, Visibility,
} from '../src';
import { conformanceErrors } from './conformance/conformance';
import { docOf, newChart, synth } from './util';

describe('ServedModel on KServe (Knative mode)', () => {
  test('fraud detector with scale-to-zero', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'fraud-detector', {
      format: ModelFormat.XGBOOST,
      storage: ModelStorage.fromUri('s3://models/fraud/v7'),
      protocol: InferenceProtocol.V2,
      resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
      scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5 }),
    });
    const docs = synth(chart);
    expect(docs).toHaveLength(1);
    const isvc = docOf(docs, 'InferenceService');
    expect(model.name).toBe('fraud-detector');
    expect(isvc.metadata.namespace).toBe('ml');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(isvc.metadata.labels['networking.kserve.io/visibility']).toBe('cluster-local');
    expect(isvc.metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-model-serving');
    const p = isvc.spec.predictor;
    expect(p.minReplicas).toBe(0);
    expect(p.maxReplicas).toBe(10);
    expect(p.scaleTarget).toBe(5);
    expect(p.model.modelFormat).toEqual({ name: 'xgboost' });
    expect(p.model.protocolVersion).toBe('v2');
    expect(p.model.storageUri).toBe('s3://models/fraud/v7');
    expect(p.model.resources).toEqual({ limits: { memory: '4Gi' }, requests: { cpu: '2', memory: '4Gi' } });
    expect(p.model.readinessProbe).toEqual({ httpGet: { path: '/v2/health/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(model.hostname).toBe('fraud-detector.ml.svc.cluster.local');
    expect(model.readyPath).toBe('/v2/models/fraud-detector/ready');
    expect(model.healthPath).toBe('/v2/health/ready');
    expect(docs).toMatchSnapshot();
  });

  test('Knative autoscaling knobs become annotations', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromGcs({ bucket: 'models', path: 'm' }),
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 4,
        metric: ScalingMetric.RPS,
        target: 50,
        initialScale: 2,
        scaleDownDelay: Duration.minutes(5),
        window: Duration.seconds(30),
        targetUtilizationPercentage: 80,
        scaleToZeroPodRetentionPeriod: Duration.minutes(1),
      }),
      containerConcurrency: 8,
      timeout: Duration.seconds(30),
      visibility: Visibility.EXTERNAL,
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/initial-scale': '2',
      'autoscaling.knative.dev/scale-down-delay': '300s',
      'autoscaling.knative.dev/window': '30s',
      'autoscaling.knative.dev/target-utilization-percentage': '80',
      'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '60s',
    });
    expect(isvc.metadata.labels['networking.kserve.io/visibility']).toBeUndefined();
    expect(isvc.spec.predictor).toMatchObject({ scaleMetric: 'rps', scaleTarget: 50, containerConcurrency: 8, timeout: 30, minReplicas: 1, maxReplicas: 4 });
  });

  test('transformer, explainer, batcher and logger', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN.withVersion('1'),
      runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'sklearn', 'kserve-sklearnserver'),
      runtimeVersion: 'v0.16.0',
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }),
      transformer: { image: 'registry.example.com/features:1.2.0', args: ['--feast-url', 'feast:6566'] },
      explainer: { image: 'registry.example.com/explainer:1.0.0' },
      batcher: { maxBatchSize: 16, maxLatency: Duration.millis(100), timeout: Duration.seconds(30) },
      logger: { url: 'http://broker-ingress.knative-eventing/ml/default', mode: PayloadLoggerMode.REQUEST },
      envVariables: { LOG_LEVEL: EnvValue.fromValue('debug') },
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'models-s3'),
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.model).toMatchObject({ runtime: 'kserve-sklearnserver', runtimeVersion: 'v0.16.0', modelFormat: { name: 'sklearn', version: '1' } });
    // A named runtime keeps its own probes.
    expect(isvc.spec.predictor.model.readinessProbe).toBeUndefined();
    expect(isvc.spec.predictor.batcher).toEqual({ maxBatchSize: 16, maxLatency: 100, timeout: 30 });
    expect(isvc.spec.predictor.logger).toEqual({ url: 'http://broker-ingress.knative-eventing/ml/default', mode: 'request' });
    expect(isvc.spec.predictor.serviceAccountName).toBe('models-s3');
    expect(isvc.spec.transformer.containers[0]).toMatchObject({ name: 'kserve-container', image: 'registry.example.com/features:1.2.0', args: ['--feast-url', 'feast:6566'] });
    expect(isvc.spec.explainer.containers[0].image).toBe('registry.example.com/explainer:1.0.0');
    expect(isvc.spec.predictor.model.env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'LOG_LEVEL', value: 'debug' }]);
    expect(isvc.spec.predictor.model.volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(isvc.spec.predictor.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(isvc.spec.transformer.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(isvc.spec.transformer.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
  });

  test('custom predictor container gets STORAGE_URI', () => {
    const chart = newChart();
    const m = new ServedModel(chart, 'custom', {
      server: { image: 'registry.example.com/my-server:2.0.0', port: 9000 },
      storage: ModelStorage.fromUri('gs://models/m'),
    });
    m.addEnv('EXTRA', EnvValue.fromValue('1'));
    const isvc = docOf(synth(chart), 'InferenceService');
    const c = isvc.spec.predictor.containers[0];
    expect(c.env).toEqual([{ name: 'STORAGE_URI', value: 'gs://models/m' }, { name: 'EXTRA', value: '1' }, { name: 'HOME', value: '/tmp' }]);
    expect(c.ports).toEqual([{ containerPort: 9000, protocol: 'TCP' }]);
  });
});

describe('ServedModel on KServe (Standard mode)', () => {
  test('HPA on cpu', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.LIGHTGBM,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }),
      scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.CPU, target: 70 }),
      platform: ServingPlatform.kserveStandard(),
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('hpa');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleMetric: 'cpu', scaleMetricType: 'Utilization', scaleTarget: 70 });
  });

  test('KEDA scale-to-zero on a Prometheus metric', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }),
      scaling: Scaling.scaleToZero({ maxReplicas: 5, target: 10, metric: ScalingMetric.prometheus({ query: 'sum(rate(http_requests_total[1m]))', serverAddress: 'http://prometheus.monitoring:9090' }) }),
      platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }),
    });
    const docs = synth(chart);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(isvc.spec.predictor.minReplicas).toBe(0);
    expect(isvc.spec.predictor.autoScaling.metrics[0]).toEqual({
      type: 'External',
      external: { metric: { backend: 'prometheus', serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))' }, target: { type: 'Value', value: '10' } },
    });
    expect(docs).toMatchSnapshot();
  });

  test('fixed replicas use no autoscaler', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), scaling: Scaling.fixedReplicas(3), platform: ServingPlatform.kserveStandard() });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('none');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 3, maxReplicas: 3 });
  });
});

describe('ServedModel bad input', () => {
  const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }) };
  const cases: Array<[string, () => void, RegExp]> = [
    ['invalid name', () => new ServedModel(newChart(), 'm', { ...base, name: 'My_Model' }), /test\/m: name "My_Model" is not a valid DNS-1035 label; use lower-case/],
    ['name too long for KServe derived hosts', () => new ServedModel(newChart(), 'm', { ...base, name: 'a'.repeat(40) }), /name "a{40}" is 40 characters long; use at most 36 characters/],
    ['min > max', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ minReplicas: 5, maxReplicas: 2 }) }),
      /^test\/m: scaling Scaling.autoscale: minReplicas 5 is greater than maxReplicas \(2\); use minReplicas <= maxReplicas/],
    ['scale to zero in Standard mode with HPA', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.scaleToZero({ maxReplicas: 3 }), platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.HPA }) }), /test\/m: scaling.minReplicas 0 needs KEDA in KServe Standard mode/],
    ['HPA metric rps', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.RPS }), platform: ServingPlatform.kserveStandard() }), /scaling.metric "rps" is a Knative autoscaler metric/],
    ['KPA metric cpu', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.CPU }) }), /scaling.metric "cpu" is not a Knative autoscaler \(KPA\) metric/],
    ['protocol not spoken', () => new ServedModel(newChart(), 'm', { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), protocol: InferenceProtocol.V1 }), /protocol "v1" is not spoken by the built-in runtimes for format "onnx"; use one of v2, grpc-v2/],
    ['unknown storage scheme', () => new ServedModel(newChart(), 'm', { ...base, storage: ModelStorage.fromUri('ftp://host/m') }), /^test\/m: storage ModelStorage.fromUri: uri "ftp:\/\/host\/m" has an unknown storage scheme "ftp"; use one of s3:\/\//],
    ['conflicting storage settings', () => {
      const chart = newChart();
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'm' }), serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'sa') });
    }, /serviceAccount "sa" gives storage credentials to pvc:\/\/ storage/],
    ['negative count', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.fixedReplicas(-1) }), /^test\/m: scaling Scaling.fixedReplicas: replicas -1 is not allowed; use a whole number from 1 to 2147483647/],
    ['fractional count', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 2.5 }) }), /maxReplicas 2.5 is not allowed; use a whole number from 1 to 2147483647/],
    ['no format', () => new ServedModel(newChart(), 'm', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }) }), /test\/m: format undefined is missing/],
    ['Standard HPA needs maxReplicas', () => new ServedModel(newChart(), 'm', { ...base, platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.HPA }) }), /scaling.maxReplicas undefined is required in KServe Standard mode/],
    ['Knative knob in Standard mode', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, initialScale: 2 }), platform: ServingPlatform.kserveStandard() }), /scaling.initialScale 2 only applies to the Knative autoscaler/],
    ['bad label', () => new ServedModel(newChart(), 'm', { ...base, labels: { team: 'a b' } }), /labels\["team"\] "a b" is not a valid label value/],
    ['bad env name', () => new ServedModel(newChart(), 'm', { ...base, envVariables: { '1X': EnvValue.fromValue('v') } }), /envVariables name "1X" is not a valid environment variable name/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('KServe readiness probes', () => {
  test('V1 asks for the model, gRPC asks the REST port, custom images keep their own', () => {
    const chart = newChart();
    new ServedModel(chart, 'v1', { format: ModelFormat.TENSORFLOW, storage: ModelStorage.fromS3({ bucket: 'models', key: 't' }), protocol: InferenceProtocol.V1 });
    new ServedModel(chart, 'grpc', { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'o' }), protocol: InferenceProtocol.GRPC_V2 });
    new ServedModel(chart, 'img', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 's' }), runtimeImage: 'registry.example.com/sk:1.0.0' });
    const docs = synth(chart);
    expect(docOf(docs, 'InferenceService', 'v1').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/v1/models/v1', port: 8080 });
    // The built-in runtimes serve REST on 8080 next to gRPC.
    expect(docOf(docs, 'InferenceService', 'grpc').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 8080 });
    expect(docOf(docs, 'InferenceService', 'img').spec.predictor.model.readinessProbe).toBeUndefined();
  });
});

describe('ModelStorage.fromCustomScheme (schemes a ClusterStorageContainer serves)', () => {
  const base = { format: ModelFormat.SKLEARN };
  test('KServe takes the URI as storageUri; the conformance harness refuses it without a matching ClusterStorageContainer', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, storage: ModelStorage.fromCustomScheme({ uri: 'model-registry://iris/v1' }) });
    const docs = chart.toJson();
    const doc = docs.find((d: any) => d.kind === 'InferenceService');
    expect(doc.spec.predictor.model.storageUri).toBe('model-registry://iris/v1');
    expect(ModelStorage.fromCustomScheme({ uri: 'model-registry://iris/v1' }).scheme).toBe('model-registry');
    expect(conformanceErrors(doc)).toEqual([expect.stringMatching(/storageUri: storageUri model-registry:\/\/iris\/v1 is not supported/)]);
    const csc = { kind: 'ClusterStorageContainer', spec: { supportedUriFormats: [{ regex: '^model-registry://' }] } };
    expect(conformanceErrors(doc, { knativeFlags: {}, appDocs: [csc] })).toEqual([]);
  });

  test.each([
    ['a built-in scheme', 's3://models/m', /^test\/m: storage ModelStorage.fromCustomScheme: uri "s3:\/\/models\/m" uses the built-in scheme s3:\/\/; use ModelStorage.fromUri/],
    ['no scheme', 'iris/v1', /^test\/m: storage ModelStorage.fromCustomScheme: uri "iris\/v1" is not a storage URI; use <scheme>:\/\/<location>/],
    ['whitespace', 'model-registry://iris v1', /uri "model-registry:\/\/iris v1" contains whitespace; percent-encode/],
    ['credentials', 'model-registry://admin:pw0rdHidden@registry/iris', /carries credentials in its user information/],
  ])('refuses %s', (_, uri, re) => {
    const e = (() => { try { new ServedModel(newChart(), 'm', { ...base, storage: ModelStorage.fromCustomScheme({ uri }) }); } catch (err: any) { return err; } return undefined; })();
    expect(e?.message).toMatch(re);
    expect(e?.message).not.toContain('pw0rdHidden');
  });

  test('the Deployment and Knative platforms need a storageInitializerImage that reads the scheme', () => {
    const storage = ModelStorage.fromCustomScheme({ uri: 'model-registry://iris/v1' });
    for (const platform of [ServingPlatform.kubernetesDeployment(), ServingPlatform.knativeService()]) {
      expect(() => new ServedModel(newChart(), 'm', { ...base, storage, platform }))
        .toThrow(/^test\/m: storage "model-registry:\/\/iris\/v1" uses the custom scheme model-registry:\/\/, which the default storage initializer .* cannot download on .*; set the platform's storageInitializerImage/);
    }
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, storage, platform: ServingPlatform.kubernetesDeployment({ storageInitializerImage: 'reg.example.com/mr-init:1' }) });
    const init = docOf(synth(chart), 'Deployment').spec.template.spec.initContainers[0];
    expect(init).toMatchObject({ image: 'reg.example.com/mr-init:1', args: ['model-registry://iris/v1', '/mnt/models'] });
  });
});

describe('volumes: ConfigMaps, Secrets and emptyDirs in the model server', () => {
  const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m') };
  const volumesOf = (chart: Chart) => [
    ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(chart, 'cfg', 'server.config'), { mountPath: '/etc/server' }),
    ModelVolume.fromSecret(Secret.fromSecretName(chart, 'tls', 'server-tls'), { mountPath: '/etc/tls', volumeName: 'tls' }),
    ModelVolume.emptyDir({ volumeName: 'cache', mountPath: '/cache', sizeLimit: Size.gibibytes(2) }),
  ];
  const mounts = [
    { name: 'server-config', mountPath: '/etc/server', readOnly: true },
    { name: 'tls', mountPath: '/etc/tls', readOnly: true },
    { name: 'cache', mountPath: '/cache' },
  ];
  const volumes = [
    { name: 'server-config', configMap: { name: 'server.config' } },
    { name: 'tls', secret: { secretName: 'server-tls' } },
    { name: 'cache', emptyDir: { sizeLimit: '2Gi' } },
  ];

  test.each([
    ['KServe (Knative)', ServingPlatform.kserve()],
    ['KServe Standard', ServingPlatform.kserveStandard()],
  ])('%s: mounted into the model container, volumes on the predictor pod', (_, platform) => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, platform, volumes: volumesOf(chart) });
    const predictor = docOf(synth(chart), 'InferenceService').spec.predictor;
    expect(predictor.model.volumeMounts).toEqual(expect.arrayContaining(mounts));
    expect(predictor.volumes).toEqual(expect.arrayContaining(volumes));
  });

  test.each([
    ['an emptyDir volume needs', [ModelVolume.emptyDir({ volumeName: 'cache', mountPath: '/cache' })], { 'kubernetes.podspec-volumes-emptydir': ['test/m'] }],
    ['ConfigMap and Secret volumes need no', undefined, {}],
  ])('KServe (Knative) without the scratch directory: %s Knative feature flag', (_, emptyDir, flags) => {
    const chart = newChart();
    // A writable root filesystem: no scratch volume, so only the user's volumes can need the emptyDir flag.
    const model = new ServedModel(chart, 'm', {
      ...base,
      podSecurity: PodSecurity.restricted({ readOnlyRootFilesystem: false }),
      volumes: [...volumesOf(chart).slice(0, 2), ...(emptyDir ?? [])],
    });
    expect(KnativeFeatures.requiredFlags(model)).toEqual(flags);
  });

  test.each([
    ['Deployment', ServingPlatform.kubernetesDeployment(), 'Deployment'],
    ['Knative Service', ServingPlatform.knativeService(), 'Service'],
  ])('%s: mounted into the server container of the pod', (_, platform, kind) => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, platform, volumes: volumesOf(chart) });
    const pod = synth(chart).find((d: any) => d.kind === kind && d.spec?.template).spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining(mounts));
    expect(pod.volumes).toEqual(expect.arrayContaining(volumes));
  });

  test.each<[string, (c: Chart) => unknown, RegExp]>([
    ['not an array', (c) => ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'x'), { mountPath: '/x' }), /^test\/m: volumes .* is not an array; use \[ModelVolume.fromConfigMap/],
    ['not a ModelVolume', () => [{ mountPath: '/x' }], /^test\/m: volumes\[0\] .* is not a ModelVolume; use ModelVolume.fromConfigMap/],
    ['a relative mount path', (c) => [ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'x'), { mountPath: 'etc/x' })],
      /^test\/m: volumes\[0\] ModelVolume.fromConfigMap: mountPath "etc\/x" is not an absolute directory path; use an absolute path/],
    ['a ".." segment', (c) => [ModelVolume.fromSecret(Secret.fromSecretName(c, 'x', 'x'), { mountPath: '/etc/../root' })], /mountPath "\/etc\/..\/root" is not an absolute directory path/],
    ['the model directory', (c) => [ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'x'), { mountPath: '/mnt/models/cfg' })],
      /^test\/m: volumes\[0\].mountPath "\/mnt\/models\/cfg" overlaps \/mnt\/models, where the pod already mounts the model files; mount it elsewhere/],
    ['a reserved volume name', (c) => [ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'model-store'), { mountPath: '/x' })],
      /^test\/m: volumes\[0\].volumeName "model-store" is already a volume of the pod; give another volumeName/],
    ['the scratch volume\'s name', (c) => [ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'scratch'), { mountPath: '/x' })],
      /volumes\[0\].volumeName "scratch" is already a volume of the pod/],
    ['the scratch mount', () => [ModelVolume.emptyDir({ volumeName: 'tmp2', mountPath: '/tmp' })], /volumes\[0\].mountPath "\/tmp" overlaps \/tmp, where the pod already mounts a volume/],
    ['two volumes of one name', (c) => [ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(c, 'x', 'a'), { mountPath: '/x' }), ModelVolume.fromSecret(Secret.fromSecretName(c, 'y', 'a'), { mountPath: '/y' })],
      /volumes\[1\].volumeName "a" is already a volume of the pod/],
    ['an emptyDir without a name', () => [ModelVolume.emptyDir({ mountPath: '/x' } as any)], /volumes\[0\] ModelVolume.emptyDir: volumeName undefined is missing/],
    ['a bad emptyDir size', () => [ModelVolume.emptyDir({ volumeName: 'c', mountPath: '/c', sizeLimit: '1Gi' as any })], /ModelVolume.emptyDir: sizeLimit "1Gi" is not a Size/],
  ])('refuses %s', (_, makeVolumes, re) => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', { ...base, volumes: makeVolumes(chart) as any })).toThrow(re);
  });
});
