import { Duration, Size } from 'cdk8s';
import { EnvValue, Secret } from 'cdk8s-plus-28';
import {
  Accelerator, ClusterServingRuntime, GpuNodePool, InferenceProtocol, ModelFormat, ModelServer, ModelStorage, Scaling, ScalingMetric, ServedModel,
  ServingPlatform, Visibility,
} from '../src';
import { docOf, newChart, synth } from './util';
import { knativeFlagsFor, KnativeServiceCompiler } from '../src/platforms/knative-service';

const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

function knativeModel(props: Partial<ConstructorParameters<typeof ServedModel>[2]> = {}, namespace: string | undefined = 'ml') {
  const chart = newChart(namespace);
  const model = new ServedModel(chart, 'fraud', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' }),
    platform: ServingPlatform.knativeService(),
    ...props,
  });
  return { chart, model };
}

function podOf(docs: any[]): any {
  return docOf(docs, 'Service').spec.template.spec;
}

describe('ServingPlatform.knativeService()', () => {
  test('sklearn from S3 scaling to zero: Knative Service, KServe sklearn server, storage initializer', () => {
    const { chart, model } = knativeModel({ scaling: Scaling.scaleToZero({ maxReplicas: 5, target: 10 }) });
    const docs = synth(chart);
    expect(docs).toHaveLength(1);
    const svc = docOf(docs, 'Service');
    expect(svc.apiVersion).toBe('serving.knative.dev/v1');
    expect(svc.metadata).toEqual({
      name: 'fraud',
      namespace: 'ml',
      labels: {
        'app.kubernetes.io/component': 'model-server',
        'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
        'app.kubernetes.io/name': 'fraud',
        'app.kubernetes.io/part-of': 'fraud',
        'networking.knative.dev/visibility': 'cluster-local',
      },
    });
    expect(svc.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/max-scale': '5',
      'autoscaling.knative.dev/min-scale': '0',
      'autoscaling.knative.dev/target': '10',
      'kubectl.kubernetes.io/default-container': 'kserve-container',
    });
    expect(svc.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('fraud');
    const pod = svc.spec.template.spec;
    expect(pod.securityContext).toBeUndefined();
    expect(pod.initContainers).toEqual([{
      name: 'storage-initializer',
      image: 'kserve/storage-initializer:v0.16.0',
      args: ['s3://models/fraud/v7', '/mnt/models'],
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '100Mi' } },
      securityContext: RESTRICTED,
      volumeMounts: [{ name: 'model-store', mountPath: '/mnt/models' }, { name: 'scratch', mountPath: '/tmp' }],
    }]);
    expect(pod.volumes).toEqual([{ name: 'model-store', emptyDir: {} }, { name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(pod.containers).toEqual([{
      name: 'kserve-container',
      image: 'kserve/sklearnserver:v0.16.0',
      args: ['--model_name=fraud', '--model_dir=/mnt/models', '--http_port=8080'],
      ports: [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'HOME', value: '/tmp' }],
      resources: { limits: { memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } },
      securityContext: RESTRICTED,
      volumeMounts: [{ name: 'model-store', mountPath: '/mnt/models', readOnly: true }, { name: 'scratch', mountPath: '/tmp' }],
      readinessProbe: { httpGet: { path: '/v2/models/fraud/ready', port: 8080 } },
      livenessProbe: { httpGet: { path: '/v2/health/live', port: 8080 }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 },
      startupProbe: { httpGet: { path: '/v2/models/fraud/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
    }]);
    expect(model.url).toBe('http://fraud.ml.svc.cluster.local');
    expect(model.platform.id).toBe('knative-service');
    expect(model.platform.isKnative).toBe(true);
    expect(model.apiObject.node.id).toBe('Resource');
    expect(knativeFlagsFor(model._spec())).toEqual(['kubernetes.podspec-init-containers', 'kubernetes.podspec-volumes-emptydir']);
    expect(docs).toMatchSnapshot();
  });

  test('request knobs: containerConcurrency and timeoutSeconds on the revision, KPA annotations, external visibility', () => {
    const { chart } = knativeModel({
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 4,
        metric: ScalingMetric.RPS,
        target: 50,
        initialScale: 2,
        window: Duration.seconds(30),
        scaleDownDelay: Duration.minutes(5),
        targetUtilizationPercentage: 80,
      }),
      containerConcurrency: 8,
      timeout: Duration.seconds(30),
      visibility: Visibility.EXTERNAL,
    });
    const svc = docOf(synth(chart), 'Service');
    expect(svc.metadata.labels['networking.knative.dev/visibility']).toBeUndefined();
    expect(svc.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/initial-scale': '2',
      'autoscaling.knative.dev/max-scale': '4',
      'autoscaling.knative.dev/metric': 'rps',
      'autoscaling.knative.dev/min-scale': '1',
      'autoscaling.knative.dev/scale-down-delay': '300s',
      'autoscaling.knative.dev/target': '50',
      'autoscaling.knative.dev/target-utilization-percentage': '80',
      'autoscaling.knative.dev/window': '30s',
      'kubectl.kubernetes.io/default-container': 'kserve-container',
    });
    expect(svc.spec.template.spec).toMatchObject({ containerConcurrency: 8, timeoutSeconds: 30 });
  });

  test('fixed replicas pin min-scale and max-scale', () => {
    const { chart } = knativeModel({ scaling: Scaling.fixedReplicas(3) });
    expect(docOf(synth(chart), 'Service').spec.template.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/min-scale': '3',
      'autoscaling.knative.dev/max-scale': '3',
    });
  });

  test('gRPC V2 on Triton: one h2c port, probes on the REST port', () => {
    const { chart } = knativeModel({ format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2 });
    const c = podOf(synth(chart)).containers[0];
    expect(c.image).toBe('nvcr.io/nvidia/tritonserver:25.01-py3');
    expect(c.args).toEqual(['tritonserver', '--model-store=/mnt/models', '--grpc-port=9000', '--http-port=8080', '--allow-grpc=true', '--allow-http=true']);
    expect(c.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
    // Triton names models after its repository folders: readiness is the server's.
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/v2/health/ready', port: 8080 } });
    expect(c.volumeMounts).toContainEqual({ name: 'dshm', mountPath: '/dev/shm' });
    expect(podOf(synth(chart)).volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory' } });
  });

  test('PVC storage is mounted read-only with its path, without init container', () => {
    const { chart, model } = knativeModel({ storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'model-pvc', path: 'fraud/v7' }) });
    const pod = podOf(synth(chart));
    expect(pod.initContainers).toBeUndefined();
    expect(pod.volumes).toEqual([{ name: 'model-store', persistentVolumeClaim: { claimName: 'model-pvc', readOnly: true } }, { name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'model-store', mountPath: '/mnt/models', readOnly: true, subPath: 'fraud/v7' }, { name: 'scratch', mountPath: '/tmp' }]);
    expect(knativeFlagsFor(model._spec())).toEqual(['kubernetes.podspec-persistent-volume-claim', 'kubernetes.podspec-volumes-emptydir']);
  });

  test('OCI modelcar: an init container running the model image copies /models', () => {
    const { chart } = knativeModel({ storage: ModelStorage.fromOci('registry.example.com/models/fraud:v7') });
    const pod = podOf(synth(chart));
    expect(pod.initContainers).toEqual([{
      name: 'storage-initializer',
      image: 'registry.example.com/models/fraud:v7',
      command: ['sh', '-c', 'cp -R /models/. /mnt/models/'],
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '100Mi' } },
      securityContext: RESTRICTED,
      volumeMounts: [{ name: 'model-store', mountPath: '/mnt/models' }, { name: 'scratch', mountPath: '/tmp' }],
    }]);
  });

  test('options: server image, initializer image, credentials secret, volume size, runtimeVersion', () => {
    const chart = newChart();
    new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' }),
      runtimeVersion: 'v0.15.2',
      platform: ServingPlatform.knativeService({
        modelServerImage: 'mirror.example.com/kserve/huggingfaceserver:v0.16.0',
        storageInitializerImage: 'mirror.example.com/kserve/storage-initializer:v0.16.0',
        storageCredentials: Secret.fromSecretName(chart, 'hf-token', 'hf-token'),
        modelStoreSizeLimit: Size.gibibytes(40),
      }),
    });
    new ServedModel(chart, 'small', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 's' }),
      platform: ServingPlatform.knativeService({ modelStoreSizeLimit: Size.mebibytes(1536) }),
    });
    new ServedModel(chart, 'odd', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'o' }),
      platform: ServingPlatform.knativeService({ modelStoreSizeLimit: Size.kibibytes(2049) }),
    });
    const docs = synth(chart);
    const pod = docOf(docs, 'Service', 'llm').spec.template.spec;
    expect(docOf(docs, 'Service', 'small').spec.template.spec.volumes).toEqual([{ name: 'model-store', emptyDir: { sizeLimit: '1536Mi' } }, { name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(docOf(docs, 'Service', 'odd').spec.template.spec.volumes).toEqual([{ name: 'model-store', emptyDir: { sizeLimit: '2049Ki' } }, { name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(pod.containers[0].image).toBe('mirror.example.com/kserve/huggingfaceserver:v0.15.2');
    expect(pod.containers[0].args).toEqual(['--model_name=llm', '--model_dir=/mnt/models', '--http_port=8080']);
    // V1 has no liveness route: TCP.
    expect(pod.containers[0].livenessProbe).toMatchObject({ tcpSocket: { port: 8080 } });
    expect(pod.containers[0].readinessProbe).toEqual({ httpGet: { path: '/v1/models/llm', port: 8080 } });
    expect(pod.initContainers[0]).toMatchObject({
      image: 'mirror.example.com/kserve/storage-initializer:v0.16.0',
      args: ['hf://meta-llama/Llama-3.1-8B-Instruct:main', '/mnt/models'],
      envFrom: [{ secretRef: { name: 'hf-token' } }],
    });
    expect(pod.volumes).toContainEqual({ name: 'model-store', emptyDir: { sizeLimit: '40Gi' } });
  });

  test('model servers: MLServer env, TF Serving on V1, TorchServe protocol', () => {
    const chart = newChart();
    const platform = ServingPlatform.knativeService({ modelServer: ModelServer.MLSERVER });
    new ServedModel(chart, 'ml', { format: ModelFormat.XGBOOST, storage: ModelStorage.fromS3({ bucket: 'models', key: 'x' }), platform });
    new ServedModel(chart, 'tf', { format: ModelFormat.TENSORFLOW, storage: ModelStorage.fromS3({ bucket: 'models', key: 't' }), platform: ServingPlatform.knativeService() });
    new ServedModel(chart, 'pt', { format: ModelFormat.PYTORCH, storage: ModelStorage.fromS3({ bucket: 'models', key: 'p' }), platform: ServingPlatform.knativeService() });
    new ServedModel(chart, 'flow', { format: ModelFormat.MLFLOW, storage: ModelStorage.fromS3({ bucket: 'models', key: 'f' }), platform: ServingPlatform.knativeService() });
    const docs = synth(chart);
    const container = (name: string) => docOf(docs, 'Service', name).spec.template.spec.containers[0];
    expect(container('ml')).toMatchObject({
      image: 'seldonio/mlserver:1.7.1',
      env: [
        { name: 'HOME', value: '/tmp' },
        { name: 'MLSERVER_GRPC_PORT', value: '9000' },
        { name: 'MLSERVER_HTTP_PORT', value: '8080' },
        { name: 'MLSERVER_MODEL_IMPLEMENTATION', value: 'mlserver_xgboost.XGBoostModel' },
        { name: 'MLSERVER_MODEL_NAME', value: 'ml' },
        { name: 'MLSERVER_MODEL_URI', value: '/mnt/models' },
      ],
    });
    expect(container('ml').args).toBeUndefined();
    expect(container('tf')).toMatchObject({
      image: 'tensorflow/serving:2.18.0',
      command: ['/usr/bin/tensorflow_model_server'],
      args: ['--model_name=tf', '--port=9000', '--rest_api_port=8080', '--model_base_path=/mnt/models', '--rest_api_timeout_in_ms=60000'],
      readinessProbe: { httpGet: { path: '/v1/models/tf', port: 8080 } },
    });
    expect(container('pt')).toMatchObject({
      image: 'pytorch/torchserve-kfs:0.12.0',
      args: ['torchserve', '--start', '--model-store=/mnt/models/model-store', '--ts-config=/mnt/models/config/config.properties'],
      env: [{ name: 'HOME', value: '/tmp' }, { name: 'PROTOCOL_VERSION', value: 'v2' }],
    });
    expect(container('flow').env).toContainEqual({ name: 'MLSERVER_MODEL_IMPLEMENTATION', value: 'mlserver_mlflow.MLflowRuntime' });
  });

  test('user env overrides a server default of the same name', () => {
    const { chart } = knativeModel({ format: ModelFormat.PYTORCH, envVariables: { PROTOCOL_VERSION: EnvValue.fromValue('v1'), TS_LOG: EnvValue.fromValue('debug') }, protocol: InferenceProtocol.V1 });
    expect(podOf(synth(chart)).containers[0].env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'PROTOCOL_VERSION', value: 'v1' }, { name: 'TS_LOG', value: 'debug' }]);
  });

  test('custom server: its image, port and args; TCP probes unless the protocol is given', () => {
    const chart = newChart();
    new ServedModel(chart, 'custom', {
      server: { image: 'registry.example.com/ranker:2.1.0', port: 9000 },
      args: ['--workers=2'],
      storage: ModelStorage.fromGcs({ bucket: 'models', path: 'ranker' }),
      platform: ServingPlatform.knativeService(),
    });
    new ServedModel(chart, 'v2', {
      server: { image: 'registry.example.com/ranker:2.1.0' },
      protocol: InferenceProtocol.V2,
      platform: ServingPlatform.knativeService(),
    });
    const docs = synth(chart);
    const c = docOf(docs, 'Service', 'custom').spec.template.spec.containers[0];
    expect(c).toMatchObject({
      image: 'registry.example.com/ranker:2.1.0',
      args: ['--workers=2'],
      ports: [{ name: 'http1', containerPort: 9000, protocol: 'TCP' }],
      readinessProbe: { tcpSocket: { port: 9000 } },
      livenessProbe: { tcpSocket: { port: 9000 } },
    });
    expect(c.securityContext.runAsUser).toBeUndefined();
    expect(docOf(docs, 'Service', 'custom').spec.template.spec.initContainers[0].args).toEqual(['gs://models/ranker', '/mnt/models']);
    const v2 = docOf(docs, 'Service', 'v2').spec.template.spec;
    expect(v2.initContainers).toBeUndefined();
    expect(v2.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(v2.containers[0].readinessProbe).toEqual({ httpGet: { path: '/v2/models/v2/ready', port: 8080 } });
  });

  test('GPU model: GPU image, placement, GPU-safe Knative defaults and the feature flags they need', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('org/model'),
      accelerator: Accelerator.nvidiaGpu(),
      nodePool: GpuNodePool.gke('nvidia-l4'),
      scaling: Scaling.scaleToZero({ maxReplicas: 2 }),
      platform: ServingPlatform.knativeService(),
    });
    const svc = docOf(synth(chart), 'Service');
    const pod = svc.spec.template.spec;
    expect(pod.containers[0].image).toBe('kserve/huggingfaceserver:v0.16.0-gpu');
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.nodeSelector).toMatchObject({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations.length).toBeGreaterThan(0);
    expect(svc.spec.template.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/min-scale': '0',
      'serving.knative.dev/progress-deadline': '1200s',
    });
    expect(pod.containers[0].startupProbe).toMatchObject({ httpGet: { path: '/v1/models/llm', port: 8080 }, failureThreshold: 120 });
    const compiler = model.platform._compiler as KnativeServiceCompiler;
    expect(compiler.knativeFlags(model._spec())).toEqual([
      'kubernetes.podspec-init-containers', 'kubernetes.podspec-nodeselector', 'kubernetes.podspec-tolerations', 'kubernetes.podspec-volumes-emptydir',
    ]);
  });
});

describe('ServingPlatform.knativeService() bad input', () => {
  const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), platform: ServingPlatform.knativeService() };
  const cases: Array<[string, () => void, RegExp]> = [
    ['name too long for revisions and tag routes', () => new ServedModel(newChart(), 'm', { ...base, name: 'a'.repeat(57) }),
      /^test\/m: name "a{57}" is 57 characters long; use at most 56 characters \(63 minus the longer of the revision suffix "-00001" and the tag prefix "latest-"\)$/],
    ['cpu metric', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.CPU }) }),
      /^test\/m: scaling.metric "cpu" is not a Knative autoscaler \(KPA\) metric on Knative Service; use ScalingMetric.CONCURRENCY/],
    ['transformer', () => new ServedModel(newChart(), 'm', { ...base, transformer: { image: 'registry.example.com/t:1' } }),
      /^test\/m: transformer "registry.example.com\/t:1" is not available on Knative Service \(it is a KServe InferenceService component\); deploy the transformer as its own ServedModel/],
    ['runtime', () => {
      const chart = newChart();
      new ServedModel(chart, 'm', { ...base, runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'mlserver', 'kserve-mlserver') });
    }, /^test\/m: runtime "kserve-mlserver" only applies to KServe, not the "knative-service" platform; use ServingPlatform.kserve\(\) or kserveStandard\(\), or the platform option modelServer/],
    ['batcher', () => new ServedModel(newChart(), 'm', { ...base, batcher: { maxBatchSize: 8 } }),
      /^test\/m: batcher \{"maxBatchSize":8\} is not available on Knative Service \(it runs in KServe's agent sidecar\); enable batching in the model server/],
    ['format without storage', () => new ServedModel(newChart(), 'm', { format: ModelFormat.SKLEARN, platform: ServingPlatform.knativeService() }),
      /^test\/m: storage undefined is required to serve format "sklearn" on Knative Service \(the model server reads \/mnt\/models\); give storage/],
    ['protocol the server does not speak', () => new ServedModel(newChart(), 'm', {
      ...base, protocol: InferenceProtocol.V1, platform: ServingPlatform.knativeService({ modelServer: ModelServer.MLSERVER }),
    }), /^test\/m: protocol "v1" is not spoken by the mlserver model server on Knative Service; use one of v2, grpc-v2, or choose another modelServer$/],
    ['server that does not serve the format', () => new ServedModel(newChart(), 'm', {
      ...base, platform: ServingPlatform.knativeService({ modelServer: ModelServer.TENSORFLOW_SERVING }),
    }), /^test\/m: modelServer "tensorflow-serving" does not serve format "sklearn"; use a server for sklearn, or one of the formats tensorflow$/],
    ['format without a default server', () => new ServedModel(newChart(), 'm', { ...base, format: ModelFormat.PADDLE }),
      /^test\/m: format "paddle" has no default model server on Knative Service; use a format with a standard server \(sklearn, /],
    ['image set twice', () => new ServedModel(newChart(), 'm', {
      ...base, runtimeImage: 'a.example.com/s:1', platform: ServingPlatform.knativeService({ modelServerImage: 'b.example.com/s:1' }),
    }), /^test\/m: runtimeImage "a.example.com\/s:1" and the platform's modelServerImage "b.example.com\/s:1" both set the model server image; set the image once$/],
    ['a custom server with a format', () => new ServedModel(newChart(), 'm', { ...base, server: { image: 'a.example.com/s:1', port: 9000 } }),
      /^test\/m: format "sklearn" is set as well as server, which replaces the runtime the format picks; drop format to run your own server, or drop server and use runtimeImage/],
    ['a port Knative reserves', () => new ServedModel(newChart(), 'm', { server: { image: 'a.example.com/s:1', port: 9090 }, platform: ServingPlatform.knativeService() }),
      /^test\/m: server.port 9090 is reserved by Knative \(queue-proxy, activator, profiling\) on Knative Service; use another port, e.g. 8080; reserved: 8008, 8012, 8013, 8022, 9090, 9091$/],
    ['a port Knative reserves, KServe Knative mode', () => new ServedModel(newChart(), 'm', { server: { image: 'a.example.com/s:1', port: 8012 } }),
      /^test\/m: server.port 8012 is reserved by Knative \(queue-proxy, activator, profiling\) on KServe \(Knative mode\)/],
    ['credentials for PVC storage', () => {
      const chart = newChart();
      const storageCredentials = Secret.fromSecretName(chart, 'creds', 's3-creds');
      return new ServedModel(chart, 'm', {
        ...base, storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'claim', path: 'm' }), platform: ServingPlatform.knativeService({ storageCredentials }),
      });
    }, /^test\/m: storageCredentials "s3-creds" has nothing to authenticate on Knative Service: pvc:\/\/ storage is not downloaded/],
    ['modelServer for a custom container', () => new ServedModel(newChart(), 'm', {
      server: { image: 'a.example.com/s:1' }, platform: ServingPlatform.knativeService({ modelServer: ModelServer.TRITON }),
    }), /^test\/m: modelServer "triton" needs a model format on Knative Service; give format, or drop modelServer/],
    ['bad server image', () => ServingPlatform.knativeService({ modelServerImage: 'Not An Image' }),
      /^ServingPlatform.knativeService: modelServerImage "Not An Image" is not a valid image reference; use <registry>/],
    ['bad secret name', () => ServingPlatform.knativeService({ storageCredentials: Secret.fromSecretName(newChart(), 'creds', 'S3_Creds') }),
      /^ServingPlatform.knativeService: storageCredentials "S3_Creds" is not a valid DNS-1123 subdomain/],
    ['a secret name where a Secret belongs (untyped callers)', () => ServingPlatform.knativeService({ storageCredentials: 's3-creds' as any }),
      /^ServingPlatform.knativeService: storageCredentials "s3-creds" is not a Secret; use a cdk8s-plus Secret, e.g. Secret.fromSecretName\(chart, 'creds', 'models-s3-credentials'\)$/],
    ['tiny model store', () => ServingPlatform.knativeService({ modelStoreSizeLimit: Size.kibibytes(10) }),
      /^ServingPlatform.knativeService: modelStoreSizeLimit "10Ki" is too small; use at least 1 MiB$/],
    ['unknown model server', () => ModelServer.of('ollama'),
      /^ModelServer.of: name "ollama" is not a known model server; use one of kserve, mlserver, triton, tensorflow-serving, torchserve, huggingface$/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('ModelServer', () => {
  test('pinned default images per format, GPU builds where the server ships one', () => {
    expect(ModelServer.KSERVE.defaultImage(ModelFormat.XGBOOST)).toBe('kserve/xgbserver:v0.16.0');
    expect(ModelServer.KSERVE.defaultImage(ModelFormat.LIGHTGBM)).toBe('kserve/lgbserver:v0.16.0');
    expect(ModelServer.TRITON.defaultImage(ModelFormat.ONNX, { gpu: true })).toBe('nvcr.io/nvidia/tritonserver:25.01-py3');
    expect(ModelServer.TENSORFLOW_SERVING.defaultImage(ModelFormat.TENSORFLOW, { gpu: true })).toBe('tensorflow/serving:2.18.0-gpu');
    expect(ModelServer.TORCHSERVE.defaultImage(ModelFormat.PYTORCH, { gpu: true })).toBe('pytorch/torchserve-kfs:0.12.0-gpu');
    expect(ModelServer.HUGGINGFACE.defaultImage(ModelFormat.SKLEARN)).toBeUndefined();
    // Formats and protocols are the library's enum-like classes, not strings.
    const triton = ModelServer.of('triton').formats;
    expect(triton.every((f) => f instanceof ModelFormat)).toBe(true);
    expect(triton.map((f) => f.name)).toEqual(['triton', 'onnx', 'tensorrt', 'pytorch', 'tensorflow']);
    expect(ModelServer.MLSERVER.protocols).toEqual([InferenceProtocol.V2, InferenceProtocol.GRPC_V2]);
    expect(String(ModelServer.TORCHSERVE)).toBe('torchserve');
  });
});
