/**
 * Issue 21: what KServe 0.20 documents for an InferenceService, through the
 * typed API: gRPC ports, Standard-mode deployment strategy, several storage
 * URIs, multi-node serving, transformer placement and collocation, the
 * payload logger's storage and headers, image pull policies.
 */
import { Chart } from 'cdk8s';
import { EnvValue, ImagePullPolicy, PercentOrAbsolute, Secret, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, ClusterServingRuntime, DeploymentStrategy, GpuNodePool, InferenceProtocol, KedaAuthentication, KnativeClusterFlags,
  MetricAggregation, ModelFormat, ModelServer, ModelStorage, PayloadLoggerMode, PrometheusAuthMode, Scaling, ScalingMetric, ServedModel,
  ServedModelProps, ServingPlatform, ServingRuntime, StandardAutoscaler,
} from '../src';
import { docOf, newChart, synth, synthApp, TEST_CLUSTER_KNATIVE_FLAGS, testApp } from './util';

const SKLEARN: ServedModelProps = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/iris') };
const isvcOf = (props: ServedModelProps | ((chart: Chart) => ServedModelProps), namespace = 'ml') => {
  const chart = newChart(namespace);
  new ServedModel(chart, 'm', typeof props === 'function' ? props(chart) : props);
  return docOf(synth(chart), 'InferenceService');
};
const fails = (props: ServedModelProps) => () => new ServedModel(newChart('ml'), 'm', props);

describe('gRPC ports', () => {
  test('a named runtime over gRPC gets the h2c port the user names (Knative mode)', () => {
    const isvc = isvcOf((chart) => ({
      format: ModelFormat.TRITON,
      storage: ModelStorage.fromUri('s3://models/resnet'),
      runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'triton', 'kserve-tritonserver'),
      protocol: InferenceProtocol.GRPC_V2,
      grpcPort: 9000,
    }));
    expect(isvc.spec.predictor.model.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
    expect(isvc.spec.predictor.model.runtime).toBe('kserve-tritonserver');
  });

  test('a startup probe on a named gRPC runtime checks the named port', () => {
    const isvc = isvcOf((chart) => ({
      format: ModelFormat.TRITON,
      storage: ModelStorage.fromUri('s3://models/resnet'),
      runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'triton', 'kserve-tritonserver'),
      protocol: InferenceProtocol.GRPC_V2,
      grpcPort: 9000,
      startup: { probe: true },
    }));
    expect(isvc.spec.predictor.model.startupProbe.tcpSocket).toEqual({ port: 9000 });
  });

  test('a runtime object that speaks only gRPC needs no grpcPort (it names its own port h2c)', () => {
    const chart = newChart('ml');
    const rt = new ServingRuntime(chart, 'triton', {
      supportedFormats: [{ format: ModelFormat.TRITON }],
      protocols: [InferenceProtocol.GRPC_V2],
      container: { image: 'nvcr.io/nvidia/tritonserver:25.01-py3', port: 9000 },
    });
    new ServedModel(chart, 'm', { format: ModelFormat.TRITON, storage: ModelStorage.fromUri('s3://models/r'), runtime: rt, protocol: InferenceProtocol.GRPC_V2 });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.ports).toBeUndefined();
  });

  test('REST and gRPC together in Standard mode: REST first (Service port 80), gRPC on its own port', () => {
    const isvc = isvcOf({
      format: ModelFormat.TRITON,
      storage: ModelStorage.fromUri('s3://models/resnet'),
      protocol: InferenceProtocol.GRPC_V2,
      restAndGrpc: true,
      platform: ServingPlatform.kserveStandard(),
    });
    expect(isvc.spec.predictor.model.ports).toEqual([
      { name: 'http1', containerPort: 8080, protocol: 'TCP' },
      { name: 'h2c', containerPort: 9000, protocol: 'TCP' },
    ]);
  });

  test.each<[string, () => unknown, string]>([
    ['named runtime without grpcPort', () => {
      const chart = newChart('ml');
      return new ServedModel(chart, 'm', {
        format: ModelFormat.TRITON,
        storage: ModelStorage.fromUri('s3://models/r'),
        runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'triton', 'triton'),
        protocol: InferenceProtocol.GRPC_V2,
      });
    },
    'test/m: grpcPort undefined is needed for grpc-v2 on runtime "triton": the library cannot know the port it serves gRPC on; '
      + 'set grpcPort (e.g. 9000 for Triton\'s --grpc-port), or use a runtime object that names its gRPC port (gRPC only, or grpcPort)'],
    ['grpcPort on REST', fails({ ...SKLEARN, grpcPort: 9000 }),
      'test/m: grpcPort 9000 needs a gRPC protocol (the model speaks v2); set protocol: InferenceProtocol.GRPC_V2 (or GRPC_V1), or drop grpcPort'],
    ['grpcPort out of range', fails({ ...SKLEARN, protocol: InferenceProtocol.GRPC_V2, grpcPort: 70000 }),
      'test/m: grpcPort 70000 is not allowed; use a whole number from 1 to 65535'],
    ['restAndGrpc on REST', fails({ ...SKLEARN, restAndGrpc: true, platform: ServingPlatform.kserveStandard() }),
      'test/m: restAndGrpc true needs a gRPC protocol (the model speaks v2, REST only); set protocol: InferenceProtocol.GRPC_V2, or drop restAndGrpc'],
    ['restAndGrpc under Knative', fails({ ...SKLEARN, protocol: InferenceProtocol.GRPC_V2, restAndGrpc: true }),
      'test/m: restAndGrpc true is not available on KServe (Knative mode) (Knative routes one port per pod); use ServingPlatform.kserveStandard()'],
    ['grpcPort on the Deployment platform', fails({ ...SKLEARN, protocol: InferenceProtocol.GRPC_V2, grpcPort: 9000, platform: ServingPlatform.kubernetesDeployment({ modelServer: ModelServer.MLSERVER }) }),
      'test/m: grpcPort 9000 is not used on Kubernetes Deployment, which picks the server and knows its gRPC port; drop grpcPort (a custom server\'s port is server.port)'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('deploymentStrategy', () => {
  test('Standard mode: a rolling update with a surge count and an unavailability percent', () => {
    const isvc = isvcOf({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.fixedReplicas(4),
      deploymentStrategy: DeploymentStrategy.rollingUpdate({
        maxSurge: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.percent(50),
      }),
    });
    expect(isvc.spec.predictor.deploymentStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } });
  });

  test('Standard mode: recreate', () => {
    const isvc = isvcOf({ ...SKLEARN, platform: ServingPlatform.kserveStandard(), deploymentStrategy: DeploymentStrategy.recreate() });
    expect(isvc.spec.predictor.deploymentStrategy).toEqual({ type: 'Recreate' });
  });

  test('the Deployment platform writes it as the Deployment\'s strategy', () => {
    const chart = newChart('ml');
    new ServedModel(chart, 'm', { ...SKLEARN, platform: ServingPlatform.kubernetesDeployment(), deploymentStrategy: DeploymentStrategy.recreate() });
    expect(docOf(synth(chart), 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test.each<[string, () => unknown, string]>([
    ['Knative mode', fails({ ...SKLEARN, deploymentStrategy: DeploymentStrategy.recreate() }),
      'test/m: deploymentStrategy "Recreate" is not available on KServe (Knative mode) (Knative replaces revisions itself); '
      + 'use ServingPlatform.kserveStandard() or ServingPlatform.kubernetesDeployment()'],
    ['Knative Service', fails({ ...SKLEARN, platform: ServingPlatform.knativeService(), deploymentStrategy: DeploymentStrategy.recreate() }),
      'test/m: deploymentStrategy "Recreate" is not available on Knative Service (Knative replaces revisions itself)'],
    ['both budgets zero', fails({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(0), maxUnavailable: PercentOrAbsolute.percent(0) }),
    }),
    'test/m: deploymentStrategy DeploymentStrategy.rollingUpdate: maxUnavailable "0%" is 0 while maxSurge is 0 too: the update could never progress; allow a surge or some unavailability'],
    ['unavailable above 100%', fails({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(150) }),
    }),
    'test/m: deploymentStrategy DeploymentStrategy.rollingUpdate: maxUnavailable "150%" is not a valid percent; use PercentOrAbsolute.percent(n) with a whole number from 0 to 100, or PercentOrAbsolute.absolute(n)'],
    ['negative surge', fails({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(-1) }),
    }),
    'test/m: deploymentStrategy DeploymentStrategy.rollingUpdate: maxSurge -1 is not a valid replica count; use PercentOrAbsolute.absolute(n) with a whole number >= 0'],
    ['not a DeploymentStrategy', fails({ ...SKLEARN, platform: ServingPlatform.kserveStandard(), deploymentStrategy: { type: 'Recreate' } as any }),
      'test/m: deploymentStrategy "<Object>" is not a DeploymentStrategy; use DeploymentStrategy.rollingUpdate(...) or DeploymentStrategy.recreate()'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('a surge above 100% is allowed (Kubernetes caps only unavailability)', () => {
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(200) }).strategyType).toBe('RollingUpdate');
  });
});

describe('storageUris', () => {
  test('a base model and an adapter, each with its mount path', () => {
    const isvc = isvcOf({
      format: ModelFormat.HUGGINGFACE,
      storageUris: [
        { storage: ModelStorage.fromUri('s3://models/llama-3-8b'), mountPath: '/mnt/models/base' },
        { storage: ModelStorage.fromUri('s3://models/adapters/sql/'), mountPath: '/mnt/models/adapter/' },
      ],
    });
    expect(isvc.spec.predictor.storageUris).toEqual([
      { uri: 's3://models/llama-3-8b', mountPath: '/mnt/models/base' },
      { uri: 's3://models/adapters/sql/', mountPath: '/mnt/models/adapter' },
    ]);
    expect(isvc.spec.predictor.model.storageUri).toBeUndefined();
  });

  test('Knative mode: the storage initializer is in the Knative Service, so the init-containers flag is required', () => {
    const app = testApp();
    const chart = new Chart(app, 'test', { namespace: 'ml' });
    new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a') }] });
    expect(() => synthApp(app)).toThrow(/test\/m: initContainers needs the Knative feature flag kubernetes.podspec-init-containers/);
  });

  test.each<[string, () => unknown, string]>([
    ['with storage', fails({ ...SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a') }] }),
      'test/m: storageUris 1 is set as well as storage (KServe rejects both); list the base model in storageUris too, and drop storage'],
    ['empty', fails({ format: ModelFormat.SKLEARN, storageUris: [] }), 'test/m: storageUris [] is not a non-empty list; give at least one { storage, mountPath }'],
    ['relative path', fails({ format: ModelFormat.SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a'), mountPath: 'models' }] }),
      'test/m: storageUris[0].mountPath "models" is not an absolute path below "/" without ".."; use e.g. "/mnt/models/base" (at most 255 characters)'],
    ['dot-dot', fails({ format: ModelFormat.SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a'), mountPath: '/mnt/../etc' }] }),
      'test/m: storageUris[0].mountPath "/mnt/../etc" is not an absolute path below "/" without ".."'],
    ['no common parent', fails({
      format: ModelFormat.SKLEARN,
      storageUris: [
        { storage: ModelStorage.fromUri('s3://models/a'), mountPath: '/models' }, { storage: ModelStorage.fromUri('s3://models/b'), mountPath: '/adapters' },
      ],
    }),
    'test/m: storageUris ["/models","/adapters"] have no common parent directory below "/" (KServe downloads them under one)'],
    ['same path twice', fails({ format: ModelFormat.SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a') }, { storage: ModelStorage.fromUri('s3://models/b') }] }),
      'test/m: storageUris "/mnt/models" is the mount path of two entries; give each entry its own mountPath'],
    ['bad storage', fails({ format: ModelFormat.SKLEARN, storageUris: [{ storage: 's3://models/a' as any }] }),
      'test/m: storageUris[0].storage "s3://models/a" is not a ModelStorage; use ModelStorage.fromUri(...) and friends'],
    ['on the Deployment platform', fails({ format: ModelFormat.SKLEARN, storageUris: [{ storage: ModelStorage.fromUri('s3://models/a') }], platform: ServingPlatform.kubernetesDeployment() }),
      'test/m: storageUris 1 is not available on Kubernetes Deployment (KServe\'s storage initializer downloads them); use ServingPlatform.kserve() or ServingPlatform.kserveStandard(), or one storage'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('multi-node serving (workerSpec)', () => {
  const LLM: ServedModelProps = {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'llama-70b', path: 'model' }),
    accelerator: Accelerator.nvidiaGpu({ count: 4 }),
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.fixedReplicas(1),
    workerSpec: { pipelineParallelSize: 2 },
  };

  test('pipeline over 2 nodes, tensor parallel size from the GPU count; no --tensor-parallel-size flag', () => {
    const isvc = isvcOf(LLM);
    const w = isvc.spec.predictor.workerSpec;
    expect(w).toMatchObject({ pipelineParallelSize: 2, tensorParallelSize: 4 });
    // Workers are placed and locked down like the head: GPU toleration, restricted contexts, the scratch volume.
    expect(w.tolerations).toEqual(isvc.spec.predictor.tolerations);
    expect(w.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(w.containers).toEqual([expect.objectContaining({
      name: 'worker-container',
      securityContext: isvc.spec.predictor.model.securityContext,
      env: [{ name: 'HOME', value: '/tmp' }],
      volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }],
    })]);
    expect(w.volumes).toEqual(isvc.spec.predictor.volumes);
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('none');
    expect(isvc.spec.predictor.model.args ?? []).not.toContainEqual(expect.stringMatching(/parallel/));
  });

  test.each<[string, Partial<ServedModelProps>, string]>([
    ['Knative mode', { platform: ServingPlatform.kserve(), scaling: Scaling.fixedReplicas(1) },
      'test/m: workerSpec {"pipelineParallelSize":2,"tensorParallelSize":4} is not available on KServe (Knative mode) (KServe serves multi-node models in Standard mode only); use ServingPlatform.kserveStandard() with Scaling.fixedReplicas(n)'],
    ['s3 storage', { storage: ModelStorage.fromUri('s3://models/llama') },
      'test/m: storage "s3://models/llama" is not pvc:// or oci:// storage, which multi-node serving needs (every node mounts the model); use ModelStorage.fromPersistentVolumeClaim(...) or ModelStorage.fromOci(...)'],
    ['not Hugging Face', { format: ModelFormat.PYTORCH },
      'test/m: workerSpec {"pipelineParallelSize":2} needs format ModelFormat.HUGGINGFACE'],
    ['TP not the GPU count', { workerSpec: { tensorParallelSize: 2 } },
      'test/m: workerSpec.tensorParallelSize 2 does not match the 4 GPUs per node of the accelerator; use 4, or drop it (it follows accelerator.count)'],
    ['TP env', { envVariables: { TENSOR_PARALLEL_SIZE: EnvValue.fromValue('4') } },
      'test/m: envVariables["TENSOR_PARALLEL_SIZE"] "<not shown>" is set by KServe from workerSpec; drop it; set workerSpec.tensorParallelSize'],
    ['TP flag', { args: ['--tensor-parallel-size=4'] },
      'test/m: args "--tensor-parallel-size=4" is passed by KServe\'s multi-node runtime from workerSpec'],
    ['zero pipeline size', { workerSpec: { pipelineParallelSize: 0 } }, 'test/m: workerSpec.pipelineParallelSize 0 is not allowed; use a whole number from 1 to 1024'],
    ['autoscaling', { scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }) },
      'test/m: scaling "hpa" is an autoscaler, and KServe runs multi-node models (workerSpec) without one; use Scaling.fixedReplicas(n)'],
  ])('%s fails', (_name, over, message) => {
    expect(fails({ ...LLM, ...over })).toThrow(message);
  });
});

describe('transformer and explainer placement, identity, env and scaling', () => {
  test('node pool, service account, secret env, pull policy and own scaling (Knative mode)', () => {
    const chart = newChart('ml');
    const sa = ServiceAccount.fromServiceAccountName(chart, 'sa', 'feature-reader');
    const secret = Secret.fromSecretName(chart, 'feast', 'feast-token');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      transformer: {
        image: 'example.com/features:1.2',
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        serviceAccount: sa,
        envVariables: { FEAST_TOKEN: EnvValue.fromSecretValue({ secret, key: 'token' }) },
        nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' }, taints: [{ key: 'dedicated', value: 'cpu' }] }),
        scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.RPS, target: 50 }),
      },
    });
    const t = docOf(synth(chart), 'InferenceService').spec.transformer;
    expect(t).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleMetric: 'rps',
      scaleTarget: 50,
      serviceAccountName: 'feature-reader',
      nodeSelector: { pool: 'cpu' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }],
    });
    expect(t.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(t.containers[0].env).toContainEqual({ name: 'FEAST_TOKEN', valueFrom: { secretKeyRef: { name: 'feast-token', key: 'token' } } });
  });

  test('Standard mode: a transformer scales on cpu with the model\'s HPA', () => {
    const isvc = isvcOf({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, metric: ScalingMetric.CPU, target: 70 }),
      transformer: { image: 'example.com/features:1.2', scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 8, target: 60 }) },
    });
    expect(isvc.spec.transformer).toMatchObject({ minReplicas: 2, maxReplicas: 8, scaleMetric: 'cpu', scaleMetricType: 'Utilization', scaleTarget: 60 });
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 4, scaleTarget: 70 });
  });

  test.each<[string, () => unknown, string]>([
    ['Knative: cpu metric', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.CPU }) } }),
      'test/m: transformer.scaling.metric "cpu" is not a Knative autoscaler (KPA) metric on KServe (Knative mode)'],
    ['Standard: autoscaling with a fixed model', fails({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.fixedReplicas(2),
      transformer: { image: 'example.com/t:1', scaling: Scaling.autoscale({ maxReplicas: 3 }) },
    }),
    'test/m: transformer.scaling "autoscale" needs an autoscaler, and the model\'s is none (KServe\'s autoscaler class is one per InferenceService)'],
    ['credential literal', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', envVariables: { API_KEY: EnvValue.fromValue('sk-abcdefghijklmnopqrstuvwxyz0123456789') } } }),
      'test/m: transformer.envVariables'],
    ['the replaced env', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', env: { A: '1' } } as any }),
      'test/m: transformer.env "<set>" was replaced by transformer.envVariables; use transformer.envVariables with EnvValue.fromValue(...) (or EnvValue.fromSecretValue(...)) from cdk8s-plus-28'],
    ['bad pull policy', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', imagePullPolicy: 'Sometimes' as any } }),
      'test/m: transformer.imagePullPolicy "Sometimes" is not an ImagePullPolicy; use one of Always, IfNotPresent, Never'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('an explainer gets its own pool, identity and fixed replicas (Standard mode)', () => {
    const chart = newChart('ml');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      explainer: {
        image: 'example.com/explainer:1',
        serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'explainer-sa'),
        nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
        scaling: Scaling.fixedReplicas(2),
      },
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.explainer).toMatchObject({ minReplicas: 2, maxReplicas: 2, serviceAccountName: 'explainer-sa', nodeSelector: { pool: 'cpu' } });
    // The model's GPU placement stays on the predictor.
    expect(isvc.spec.explainer.tolerations).toBeUndefined();
    expect(isvc.spec.predictor.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('the model server\'s imagePullPolicy', () => {
    expect(isvcOf({ ...SKLEARN, imagePullPolicy: ImagePullPolicy.ALWAYS }).spec.predictor.model.imagePullPolicy).toBe('Always');
    const chart = newChart('ml');
    new ServedModel(chart, 'm', { ...SKLEARN, platform: ServingPlatform.kubernetesDeployment(), imagePullPolicy: ImagePullPolicy.NEVER });
    expect(docOf(synth(chart), 'Deployment').spec.template.spec.containers[0].imagePullPolicy).toBe('Never');
  });
});

describe('collocated transformer', () => {
  test('Standard mode: transformer-container in the predictor pod; no transformer component', () => {
    const isvc = isvcOf({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      transformer: { image: 'example.com/features:1.2', port: 8000, collocated: true, args: ['--predictor_host=localhost:8080'] },
    });
    expect(isvc.spec.transformer).toBeUndefined();
    const containers = isvc.spec.predictor.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ name: 'transformer-container', image: 'example.com/features:1.2', ports: [{ containerPort: 8000, protocol: 'TCP' }] });
    expect(isvc.spec.predictor.model.ports).toBeUndefined();
  });

  test('Knative mode needs multi-container probing for the server\'s probes', () => {
    const chart = newChart('ml');
    new KnativeClusterFlags(chart, 'more-flags', { enabled: [...TEST_CLUSTER_KNATIVE_FLAGS, 'multi-container-probing'] });
    new ServedModel(chart, 'm', { ...SKLEARN, transformer: { image: 'example.com/features:1.2', port: 8000, collocated: true } });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.containers.map((c: any) => c.name)).toEqual(['transformer-container']);
  });

  test.each<[string, () => unknown, string]>([
    ['same port as the server', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', collocated: true } }),
      'test/m: transformer.port 8080 is the model server\'s port too (8080): both containers share the pod\'s network'],
    ['with its own scaling', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', port: 8000, collocated: true, scaling: Scaling.fixedReplicas(2) } }),
      'test/m: transformer.scaling "<scaling>" cannot apply to a collocated transformer, which runs in the predictor\'s pod; drop it, or drop collocated'],
    ['explainer', fails({ ...SKLEARN, explainer: { image: 'example.com/e:1', collocated: true } }),
      'test/m: explainer.collocated true is not available (KServe collocates transformers only); drop collocated'],
    ['STORAGE_URI', fails({ ...SKLEARN, transformer: { image: 'example.com/t:1', port: 8000, collocated: true, envVariables: { STORAGE_URI: EnvValue.fromValue('s3://x/y') } } }),
      'test/m: transformer.envVariables["STORAGE_URI"] "<not shown>" is not allowed on a collocated transformer (KServe rejects it); drop it'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('payload logger', () => {
  test('metadata headers and CloudEvents sink', () => {
    const isvc = isvcOf({ ...SKLEARN, logger: { url: 'http://broker.ml/', mode: PayloadLoggerMode.REQUEST, metadataHeaders: ['X-Tenant-Id', 'traceparent'] } });
    expect(isvc.spec.predictor.logger).toEqual({ url: 'http://broker.ml/', mode: 'request', metadataHeaders: ['X-Tenant-Id', 'traceparent'] });
  });

  test('blob storage: path, key, parameters and the service account holding the credentials', () => {
    const chart = newChart('ml');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      logger: { url: 's3://inference-logs', storage: { path: '/fraud', serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'logger-writer') } },
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.logger).toEqual({
      url: 's3://inference-logs',
      mode: 'all',
      storage: { path: '/fraud', key: 'credentials', parameters: { format: 'json', type: 's3' }, serviceAccountName: 'logger-writer' },
    });
  });

  test.each<[string, () => unknown, string]>([
    ['s3 url without storage', fails({ ...SKLEARN, logger: { url: 's3://logs' } }),
      'test/m: logger.url "s3://logs" is not an http(s) URL; use the URL of the CloudEvents sink, or set storage for an s3:// bucket'],
    ['storage with an http url', fails({ ...SKLEARN, logger: { url: 'http://broker', storage: { path: '/x' } } }),
      'test/m: logger.url "http://broker" is not an s3:// bucket URL, which logger storage writes to; use s3://<bucket>, or drop storage to post CloudEvents'],
    ['relative path', fails({ ...SKLEARN, logger: { url: 's3://logs', storage: { path: 'x' } } }),
      'test/m: logger.storage.path "x" is not an absolute path without ".."; use e.g. "/logs/fraud"'],
    ['bad header', fails({ ...SKLEARN, logger: { url: 'http://broker', metadataHeaders: ['X Tenant'] } }),
      'test/m: logger.metadataHeaders "X Tenant" is not an HTTP header name; use a token such as "X-Tenant-Id"'],
    ['header twice', fails({ ...SKLEARN, logger: { url: 'http://broker', metadataHeaders: ['a', 'A'] } }),
      'test/m: logger.metadataHeaders ["a","A"] lists a header twice; list each header once (names are case-insensitive)'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

test('the standard autoscaler enum is unchanged by components with their own scaling (KEDA)', () => {
  const isvc = isvcOf({
    ...SKLEARN,
    platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }),
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4 }),
    transformer: { image: 'example.com/t:1', scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2, metric: ScalingMetric.MEMORY, target: 70 }) },
  });
  expect(isvc.spec.transformer.autoScaling).toEqual({ metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } }] });
});

describe('autoscaling on OpenTelemetry pod metrics and KEDA authentication', () => {
  const STD_KEDA = ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA });

  test('a PodMetric through the OpenTelemetry backend: KEDA, metric names for the collector', () => {
    const isvc = isvcOf({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 5,
        target: 8,
        metric: ScalingMetric.openTelemetry({ metricName: 'vllm:num_requests_running', operationOverTime: MetricAggregation.AVG, scalerAddress: 'keda-otel-scaler.keda.svc:4318' }),
      }),
    });
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(isvc.spec.predictor.autoScaling).toEqual({
      metrics: [{
        type: 'PodMetric',
        podmetric: {
          metric: {
            backend: 'opentelemetry',
            metricNames: ['vllm:num_requests_running'],
            query: 'vllm:num_requests_running',
            serverAddress: 'keda-otel-scaler.keda.svc:4318',
            operationOverTime: 'avg',
          },
          target: { type: 'Value', value: '8' },
        },
      }],
    });
  });

  test('a bearer token for a secured Prometheus: a TriggerAuthentication from the Secret, referenced by the metric', () => {
    const chart = newChart('ml');
    const secret = Secret.fromSecretName(chart, 'prom', 'prometheus-token');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      platform: STD_KEDA,
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 4,
        target: 10,
        metric: ScalingMetric.prometheus({ query: 'sum(rate(requests_total[1m]))', serverAddress: 'https://prometheus.monitoring:9090', authentication: KedaAuthentication.bearer({ secret }) }),
      }),
    });
    const docs = synth(chart);
    expect(docOf(docs, 'TriggerAuthentication')).toMatchObject({
      apiVersion: 'keda.sh/v1alpha1',
      metadata: { name: 'm-prometheus-auth', namespace: 'ml' },
      spec: { secretTargetRef: [{ parameter: 'bearerToken', name: 'prometheus-token', key: 'token' }] },
    });
    expect(docOf(docs, 'InferenceService').spec.predictor.autoScaling.metrics[0].external.authenticationRef)
      .toEqual({ authenticationRef: { name: 'm-prometheus-auth' }, authModes: 'bearer' });
  });

  test('an existing TriggerAuthentication is referenced, not emitted; the Deployment platform\'s ScaledObject uses it', () => {
    const chart = newChart('ml');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      platform: ServingPlatform.kubernetesDeployment(),
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 4,
        metric: ScalingMetric.prometheus({
          query: 'sum(up)',
          serverAddress: 'https://prometheus.monitoring:9090',
          authentication: KedaAuthentication.fromTriggerAuthentication('prom-mtls', { mode: PrometheusAuthMode.TLS }),
        }),
      }),
    });
    const docs = synth(chart);
    expect(docs.some((d) => d.kind === 'TriggerAuthentication')).toBe(false);
    expect(docOf(docs, 'ScaledObject').spec.triggers[0]).toMatchObject({ authenticationRef: { name: 'prom-mtls' }, metadata: { authModes: 'tls' } });
  });

  test('a transformer scaling on its own secured Prometheus gets its own TriggerAuthentication', () => {
    const chart = newChart('ml');
    const metric = (secret: string) => ScalingMetric.prometheus({
      query: 'sum(up)', serverAddress: 'http://p:9090', authentication: KedaAuthentication.bearer({ secret: Secret.fromSecretName(chart, secret, secret) }),
    });
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      platform: STD_KEDA,
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2, metric: metric('model-token') }),
      transformer: { image: 'example.com/t:1', scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, metric: metric('transformer-token') }) },
    });
    const docs = synth(chart);
    const auths = docs.filter((d) => d.kind === 'TriggerAuthentication').map((d) => [d.metadata.name, d.spec.secretTargetRef[0].name]);
    expect(auths).toEqual([['m-prometheus-auth', 'model-token'], ['m-transformer-prometheus-auth', 'transformer-token']]);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.spec.transformer.autoScaling.metrics[0].external.authenticationRef.authenticationRef).toEqual({ name: 'm-transformer-prometheus-auth' });
  });

  test('basic authentication names both keys', () => {
    const chart = newChart('ml');
    new ServedModel(chart, 'm', {
      ...SKLEARN,
      platform: STD_KEDA,
      scaling: Scaling.autoscale({
        minReplicas: 1,
        maxReplicas: 2,
        metric: ScalingMetric.prometheus({
          query: 'sum(up)',
          serverAddress: 'http://p:9090',
          authentication: KedaAuthentication.basic({ secret: Secret.fromSecretName(chart, 's', 'prom-basic'), usernameKey: 'user' }),
        }),
      }),
    });
    expect(docOf(synth(chart), 'TriggerAuthentication').spec.secretTargetRef).toEqual([
      { parameter: 'username', name: 'prom-basic', key: 'user' }, { parameter: 'password', name: 'prom-basic', key: 'password' },
    ]);
  });

  test.each<[string, () => unknown, string]>([
    ['OpenTelemetry under Knative', fails({ ...SKLEARN, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.openTelemetry({ metricName: 'x' }) }) }),
      'test/m: scaling.metric "opentelemetry" is not available on KServe (Knative mode) (KServe Standard mode runs the OpenTelemetry collector and KEDA\'s scaler for it); use ServingPlatform.kserveStandard(), or ScalingMetric.prometheus(...)'],
    ['OpenTelemetry on the Deployment platform', fails({
      ...SKLEARN,
      platform: ServingPlatform.kubernetesDeployment(),
      scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.openTelemetry({ metricName: 'x' }) }),
    }),
    'test/m: scaling.metric "opentelemetry" is not available on Kubernetes Deployment'],
    ['OpenTelemetry with HPA', fails({
      ...SKLEARN,
      platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.HPA }),
      scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.openTelemetry({ metricName: 'x' }) }),
    }),
    'test/m: scaling.metric "opentelemetry" needs KEDA'],
    ['a PromQL query as metric name', fails({ ...SKLEARN, platform: STD_KEDA, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.openTelemetry({ metricName: 'sum(x)' }) }) }),
      'test/m: scaling ScalingMetric.openTelemetry: metricName "sum(x)" is not a metric name'],
    ['a bad scaler address', fails({ ...SKLEARN, platform: STD_KEDA, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.openTelemetry({ metricName: 'x', scalerAddress: 'http://a' }) }) }),
      'test/m: scaling ScalingMetric.openTelemetry: scalerAddress "http://a" is not a host:port; use e.g. "keda-otel-scaler.keda.svc:4318"'],
    ['a bad secret key', fails({
      ...SKLEARN,
      platform: STD_KEDA,
      scaling: Scaling.autoscale({
        maxReplicas: 3,
        metric: ScalingMetric.prometheus({
          query: 'q',
          serverAddress: 'http://p:9090',
          authentication: KedaAuthentication.bearer({ secret: { name: 'prom' } as any, tokenKey: 'a b' }),
        }),
      }),
    }),
    'test/m: scaling KedaAuthentication.bearer: tokenKey "a b" is not a Secret key; use letters, digits, "-", "_" or "."'],
    ['a bad TriggerAuthentication name', fails({
      ...SKLEARN,
      platform: STD_KEDA,
      scaling: Scaling.autoscale({
        maxReplicas: 3,
        metric: ScalingMetric.prometheus({
          query: 'q',
          serverAddress: 'http://p:9090',
          authentication: KedaAuthentication.fromTriggerAuthentication('Bad_Name', { mode: PrometheusAuthMode.BEARER }),
        }),
      }),
    }),
    'KedaAuthentication.fromTriggerAuthentication: name "Bad_Name"'],
  ])('%s fails', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('rollouts and the new fields', () => {
  test('Argo Rollouts would never run a Deployment strategy: the rollout fails naming it', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', { ...SKLEARN, platform: ServingPlatform.kubernetesDeployment(), scaling: Scaling.fixedReplicas(2), deploymentStrategy: DeploymentStrategy.recreate() });
    expect(() => new CanaryRollout(chart, 'v2', { model, candidate: { storage: ModelStorage.fromUri('s3://models/iris-v2') }, steps: [10, 50] }))
      .toThrow('test/v2: model.deploymentStrategy "Recreate" is replaced by the Argo Rollout\'s canary steps (the Rollout runs the pods); drop deploymentStrategy, or roll out with RolloutEngine.FLAGGER');
  });

  test('a multi-node model is not rolled out as a KServe Standard canary', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'llm', path: 'm' }),
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.fixedReplicas(1),
      workerSpec: { pipelineParallelSize: 2 },
    });
    expect(() => new CanaryRollout(chart, 'v2', { model, candidate: { storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'llm', path: 'm2' }) }, steps: [10, 50] }))
      .toThrow('test/v2: model "test/m" is served on several nodes (workerSpec), which KServe does not roll out as a canary; replace the model in place, or drop workerSpec');
  });

  test('a Standard-mode canary keeps the deployment strategy on its predictor', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', { ...SKLEARN, platform: ServingPlatform.kserveStandard(), deploymentStrategy: DeploymentStrategy.recreate() });
    new CanaryRollout(chart, 'v2', { model, candidate: { storage: ModelStorage.fromUri('s3://models/iris-v2') }, steps: [10, 50], currentStep: 0 });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.deploymentStrategy).toEqual({ type: 'Recreate' });
    expect(isvc.spec.canary[0].predictor.deploymentStrategy).toEqual({ type: 'Recreate' });
  });
});
