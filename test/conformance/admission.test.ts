import { Chart } from 'cdk8s';
import { DEFAULT_CONTEXT } from './admission/context';
import { coreErrors, parseQuantity, portNameError, qualifiedNameError } from './admission/core';
import { knativeAutoscalingErrors, knativePodSpecErrors, knativeServiceErrors, knativeTrafficErrors, parseGoDuration } from './admission/knative';
import { generatedKnativePodSpec, generatedRevisionAnnotations, inferenceGraphErrors, inferenceServiceErrors, servingRuntimeErrors, storageUriError } from './admission/kserve';
import { appContext, conformanceErrors, contextOf, expectConformant } from './conformance';
import { Accelerator, GpuProduct, KnativeClusterFlags, KnativeFeatures, ModelFormat, ModelStorage, ServedModel } from '../../src';
import { testApp } from '../fixtures/temp';

const ctx = (flags: Record<string, string> = {}) => ({ knativeFlags: flags, appDocs: [] });
const container = (extra: any = {}) => ({ name: 'user-container', image: 'img', ports: [{ containerPort: 8080 }], ...extra });
const ksvc = (podExtra: any = {}, annotations: any = {}, traffic?: any[]) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'm', namespace: 'ml' },
  spec: {
    template: { metadata: { annotations }, spec: { containers: [container()], ...podExtra } },
    ...(traffic ? { traffic } : {}),
  },
});
const isvc = (predictor: any, annotations: any = { 'serving.kserve.io/deploymentMode': 'Knative' }, extra: any = {}) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm', namespace: 'ml', annotations },
  spec: { predictor, ...extra },
});
const model = (extra: any = {}) => ({ modelFormat: { name: 'sklearn' }, storageUri: 's3://b/m', ...extra });

describe('Knative webhook: pod-spec field masks and feature flags (k8s_validation.go, fieldmask.go)', () => {
  test('a default cluster rejects gated fields; an enabled flag admits them', () => {
    const spec = { containers: [container()], nodeSelector: { a: 'b' }, tolerations: [{ key: 'k', operator: 'Exists' }] };
    expect(knativePodSpecErrors(spec, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/nodeSelector: needs Knative feature flag kubernetes.podspec-nodeselector (is the default)',
      '/p/tolerations: needs Knative feature flag kubernetes.podspec-tolerations (is the default)',
    ]);
    expect(knativePodSpecErrors(spec, '/p', ctx({ 'kubernetes.podspec-nodeselector': 'allowed', 'kubernetes.podspec-tolerations': 'Enabled' }))).toEqual([]);
  });

  test('fields outside the mask are rejected whatever the flags', () => {
    expect(knativePodSpecErrors({ containers: [container()], restartPolicy: 'Always', automountServiceAccountToken: true }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/restartPolicy: must not set the field (Knative PodSpecMask)',
      '/p/automountServiceAccountToken: only false is allowed (PodSpecMask)',
    ]);
    expect(knativePodSpecErrors({ containers: [container({ lifecycle: {}, stdin: true })] }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/containers/0/lifecycle: must not set the field (Knative ContainerMask)',
      '/p/containers/0/stdin: must not set the field (Knative ContainerMask)',
    ]);
  });

  test('init containers and PVCs need the flag exactly enabled; writable claims need the write flag', () => {
    const spec = {
      initContainers: [{ name: 'init', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/mnt' }] }],
      containers: [container()],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }],
    };
    const allowed = ctx({ 'kubernetes.podspec-init-containers': 'allowed', 'kubernetes.podspec-persistent-volume-claim': 'allowed' });
    expect(knativePodSpecErrors(spec, '/p', allowed)).toEqual([
      '/p/initContainers: needs Knative feature flag kubernetes.podspec-init-containers (is allowed)',
      '/p/volumes/0/persistentVolumeClaim: needs Knative feature flag kubernetes.podspec-persistent-volume-claim enabled (is allowed)',
      '/p/volumes/0/persistentVolumeClaim/readOnly: a writable claim needs Knative feature flag kubernetes.podspec-persistent-volume-write enabled',
    ]);
    const enabled = ctx({ 'kubernetes.podspec-init-containers': 'enabled', 'kubernetes.podspec-persistent-volume-claim': 'enabled', 'kubernetes.podspec-persistent-volume-write': 'enabled' });
    expect(knativePodSpecErrors(spec, '/p', enabled)).toEqual([]);
  });

  test('volumes: emptyDir on by default, hostPath never without its flag, every volume mounted, secret mounts read-only', () => {
    const spec = {
      containers: [container({ volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'creds', mountPath: '/creds' }, { name: 'tmp', mountPath: '/dev' }] })],
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'creds', secret: { secretName: 's' } }, { name: 'host', hostPath: { path: '/x' } }],
    };
    expect(knativePodSpecErrors(spec, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/volumes/2/hostPath: needs Knative feature flag kubernetes.podspec-volumes-hostpath enabled (is the default)',
      '/p/volumes/2/name: volume "host" is not mounted (ValidateVolumes)',
      '/p/containers/0/volumeMounts/1/readOnly: volume mount should be readOnly for this type of volume',
      '/p/containers/0/volumeMounts/2/mountPath: /dev is a reserved path',
    ]);
    expect(knativePodSpecErrors(spec, '/p', ctx({ 'kubernetes.podspec-volumes-emptydir': 'disabled' }))).toContain(
      '/p/volumes/0/emptyDir: needs Knative feature flag kubernetes.podspec-volumes-emptydir enabled (is disabled)');
  });

  test('container ports: one port across containers, named h2c/http1, not reserved, TCP', () => {
    expect(knativePodSpecErrors({ containers: [container({ ports: [{ containerPort: 8012, name: 'grpc', protocol: 'UDP' }] })] }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/containers/0/ports/0/containerPort: 8012 is a reserved port',
      '/p/containers/0/ports/0/protocol: only TCP is allowed',
      '/p/containers/0/ports/0/name: port name grpc is not allowed; empty, "h2c" or "http1"',
    ]);
    expect(knativePodSpecErrors({ containers: [container(), container({ name: 'b' })] }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/containers: more than one container port is set; only one port across all containers (validateContainersPorts)',
    ]);
    expect(knativePodSpecErrors({ containers: [container({ ports: undefined }), { name: 'side', image: 'i' }] }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/containers: one container must declare the serving port (validateContainersPorts)',
    ]);
  });

  test('probes: one handler, port name matching the serving port, Knative periodSeconds rules', () => {
    const p = { httpGet: { path: '/', port: 'http' }, tcpSocket: { port: 8080 }, periodSeconds: 0, timeoutSeconds: 3 };
    expect(knativePodSpecErrors({ containers: [container({ ports: [{ containerPort: 8080, name: 'h2c' }], readinessProbe: p })] }, '/p', DEFAULT_CONTEXT)).toEqual([
      '/p/containers/0/readinessProbe: expected exactly one handler, got httpGet, tcpSocket',
      '/p/containers/0/readinessProbe/httpGet/port: probe port http must match the container port (h2c)',
      '/p/containers/0/readinessProbe/timeoutSeconds: is disallowed when periodSeconds is zero',
    ]);
    expect(knativePodSpecErrors({ containers: [container({ readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 } })] }, '/p', DEFAULT_CONTEXT)).toEqual([]);
  });

  test('autoscaling annotations: ranges and combinations (annotation_validation.go)', () => {
    const A = 'autoscaling.knative.dev/';
    expect(knativeAutoscalingErrors({
      [A + 'min-scale']: '5',
      [A + 'max-scale']: '2',
      [A + 'target']: '0',
      [A + 'window']: '3s',
      [A + 'metric']: 'cpu',
      [A + 'target-utilization-percentage']: '150',
      [A + 'initial-scale']: '0',
      [A + 'scale-down-delay']: '1.5s',
    }, '/a')).toEqual([
      '/a/autoscaling.knative.dev/max-scale: max-scale=2 is less than min-scale=5',
      '/a/autoscaling.knative.dev/target: 0 is out of range 0.01-Infinity',
      '/a/autoscaling.knative.dev/target-utilization-percentage: 150 is out of range 1-100',
      '/a/autoscaling.knative.dev/window: 3s is out of range 6s-3600s',
      '/a/autoscaling.knative.dev/scale-down-delay: must be specified with at most second precision',
      '/a/autoscaling.knative.dev/metric: cpu is not a metric of the kpa class; concurrency or rps',
      '/a/autoscaling.knative.dev/initial-scale: 0 is not allowed by a default cluster (allow-zero-initial-scale: false)',
    ]);
    expect(knativeAutoscalingErrors({ [A + 'class']: 'hpa.autoscaling.knative.dev', [A + 'metric']: 'cpu', [A + 'min-scale']: '1', [A + 'max-scale']: '3' }, '/a')).toEqual([]);
    expect(knativeAutoscalingErrors({ 'serving.knative.dev/progress-deadline': 'NaNs' }, '/a')).toEqual([
      '/a/serving.knative.dev/progress-deadline: "NaNs" must be a positive duration',
    ]);
    expect(parseGoDuration('1m30s')).toBe(90);
    // A cluster whose config-autoscaler allows a zero initial scale.
    expect(knativeAutoscalingErrors({ [A + 'initial-scale']: '0' }, '/a', { 'allow-zero-initial-scale': 'true' })).toEqual([]);
    expect(contextOf([{ kind: 'ConfigMap', metadata: { name: 'config-autoscaler' }, data: { 'allow-zero-initial-scale': 'true' } }]).knativeAutoscaler)
      .toEqual({ 'allow-zero-initial-scale': 'true' });
  });

  test('traffic: percents sum to 100, unique DNS-1035 tags, latestRevision xor revisionName', () => {
    expect(knativeTrafficErrors([
      { latestRevision: true, revisionName: 'm-1', percent: 50, tag: 'a' },
      { revisionName: 'm-2', percent: 40, tag: 'a' },
    ], '/t')).toEqual([
      '/t/0: revisionName and latestRevision: true are mutually exclusive',
      '/t/1/tag: duplicate tag a',
      '/t: traffic targets sum to 90, want 100',
    ]);
    expect(knativeTrafficErrors([{ latestRevision: true, percent: 100 }], '/t')).toEqual([]);
  });

  test('a whole Knative Service: flags from the context, revision timeout within the default maximum', () => {
    const doc = ksvc({ nodeSelector: { a: 'b' }, timeoutSeconds: 900 });
    expect(knativeServiceErrors(doc, DEFAULT_CONTEXT)).toEqual([
      '/spec/template/spec/nodeSelector: needs Knative feature flag kubernetes.podspec-nodeselector (is the default)',
      '/spec/template/spec/timeoutSeconds: 900 is out of range 0-600 (max-revision-timeout-seconds default)',
    ]);
    const onService = { ...ksvc(), metadata: { name: 'm', annotations: { 'autoscaling.knative.dev/min-scale': '1', 'serving.knative.dev/rollout-duration': '1.5s' } } };
    expect(knativeServiceErrors(onService, DEFAULT_CONTEXT)).toEqual([
      '/metadata/annotations/autoscaling.knative.dev/min-scale: autoscaling annotations must be put under spec.template.metadata.annotations',
      '/metadata/annotations/serving.knative.dev/rollout-duration: 1.5s is not a whole-second duration',
    ]);
    expect(conformanceErrors(doc, contextOf([{ kind: 'ConfigMap', metadata: { name: 'config-features' }, data: { 'kubernetes.podspec-nodeselector': 'enabled' } }])))
      .toEqual(['[knative] /spec/template/spec/timeoutSeconds: 900 is out of range 0-600 (max-revision-timeout-seconds default)']);
  });
});

describe('KServe webhooks (inference_service_validation.go, component.go, inference_graph_validation.go, servingruntime_webhook.go)', () => {
  test('the Knative Service KServe generates for a Knative-mode component is judged by Knative', () => {
    const pred = { model: model({ ports: [{ containerPort: 8080, name: 'h2c' }] }), nodeSelector: { gpu: 'l4' }, minReplicas: 1 };
    expect(generatedKnativePodSpec(pred, ['model'])).toEqual({
      nodeSelector: { gpu: 'l4' },
      containers: [{ name: 'kserve-container', image: '<runtime image>', ports: [{ containerPort: 8080, name: 'h2c' }] }],
    });
    expect(inferenceServiceErrors(isvc(pred), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor (generated Knative Service pod)/nodeSelector: needs Knative feature flag kubernetes.podspec-nodeselector (is the default)',
    ]);
    // The autoscaling annotations KServe derives from the component are judged too.
    expect(inferenceServiceErrors(isvc({ model: model(), minReplicas: 0, maxReplicas: 3, scaleTarget: 0 }), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor (generated revision annotations)/autoscaling.knative.dev/target: 0 is out of range 0.01-Infinity',
    ]);
    expect(generatedRevisionAnnotations({ metadata: { annotations: { a: 'b' } } }, { minReplicas: 0, maxReplicas: 3, scaleMetric: 'rps' })).toEqual({
      'a': 'b',
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'rps',
      'autoscaling.knative.dev/min-scale': '0',
      'autoscaling.knative.dev/max-scale': '3',
    });
    // Standard mode: no Knative Service, no flag.
    expect(inferenceServiceErrors(isvc(pred, { 'serving.kserve.io/deploymentMode': 'Standard' }), DEFAULT_CONTEXT)).toEqual([]);
    // storageUris (not storageUri) puts the storage initializer into the Knative Service.
    expect(generatedKnativePodSpec({ model: model(), storageUris: [{ uri: 's3://b/m', mountPath: '/mnt/models' }] }, ['model']).initContainers)
      .toEqual([{ name: 'storage-initializer', image: '<storage initializer>' }]);
  });

  test('a runtime of the app named by the model brings its placement into the generated pod (MergePodSpec)', () => {
    const runtime = { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'sk', namespace: 'ml' }, spec: { nodeSelector: { pool: 'cpu' } } };
    const doc = isvc({ model: model({ runtime: 'sk' }) });
    expect(inferenceServiceErrors(doc, contextOf([doc, runtime]))).toEqual([
      '/spec/predictor (generated Knative Service pod)/nodeSelector: needs Knative feature flag kubernetes.podspec-nodeselector (is the default)',
    ]);
    expect(inferenceServiceErrors(doc, DEFAULT_CONTEXT)).toEqual([]);
  });

  test('exactly one implementation per component; names; storage URI schemes; replicas', () => {
    const errors = inferenceServiceErrors({
      ...isvc({ model: model({ storageUri: 'ftp://x/y', name: 'n' }), sklearn: {}, minReplicas: 3, maxReplicas: 2 }),
      metadata: { name: '1bad', annotations: { 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'kpa' } },
    }, DEFAULT_CONTEXT);
    expect(errors).toEqual([
      '/metadata/name: 1bad is not a valid InferenceService name (^[a-z]([-a-z0-9]*[a-z0-9])?$)',
      '/metadata/annotations/serving.kserve.io/autoscalerClass: [kpa] is not a supported autoscaler class type',
      '/spec/predictor: exactly one implementation is required, found 2 (sklearn, model)',
      "/spec/predictor/model/name: the 'name' field is not allowed in standard predictor",
      "/spec/predictor/minReplicas: 'MinReplicas' cannot be greater than MaxReplicas",
      expect.stringMatching(/^\/spec\/predictor\/model\/storageUri: storageUri ftp:\/\/x\/y is not supported; one of gs:\/\//),
    ]);
    expect(storageUriError('hf://org/model')).toBeUndefined();
    expect(storageUriError('/mnt/models')).toBeUndefined();
  });

  test('autoscaler class and metric rules per mode', () => {
    const std = (cls: string) => ({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': cls });
    expect(inferenceServiceErrors(isvc({ model: model(), scaleMetric: 'concurrency' }, std('hpa')), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/scaleMetric: [concurrency] is not a supported metric (HPA)',
    ]);
    expect(inferenceServiceErrors(isvc({ model: model(), scaleMetric: 'cpu' }, std('keda')), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/scaleMetric: ScaleMetric is not supported for KEDA',
    ]);
    expect(inferenceServiceErrors(isvc({
      model: model(),
      autoScaling: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '1' } } }] },
    }, std('keda')), DEFAULT_CONTEXT)).toEqual(['/spec/predictor/autoScaling/metrics/0: the cpu target value type should be Utilization']);
    expect(inferenceServiceErrors(isvc({ model: model(), scaleMetric: 'cpu' }), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/scaleMetric: [cpu] is not a supported metric (KPA)',
      // ...and Knative would reject the annotation KServe derives from it.
      '/spec/predictor (generated revision annotations)/autoscaling.knative.dev/metric: cpu is not a metric of the kpa class; concurrency or rps',
    ]);
    expect(inferenceServiceErrors(isvc({ model: model(), deploymentStrategy: { type: 'Recreate' } }), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/deploymentStrategy: customizing deploymentStrategy is only supported for raw deployment mode',
    ]);
  });

  test('storageUris, multi-node, logger storage and collocation rules (issue 21)', () => {
    const std = { 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' };
    expect(inferenceServiceErrors(isvc({
      model: { modelFormat: { name: 'huggingface' } },
      storageUris: [{ uri: 's3://b/base', mountPath: '/models' }, { uri: 's3://b/lora', mountPath: '/adapters/../x' }],
    }, std), DEFAULT_CONTEXT)).toEqual([
      "/spec/predictor/storageUris/1/mountPath: storage path cannot contain '..' for security reasons: /adapters/../x",
      '/spec/predictor/storageUris: storage paths must have a common parent directory. Current paths: [/models /adapters/../x] have no common parent beyond root',
    ]);
    expect(inferenceServiceErrors(isvc({
      model: model({ storageUri: 'pvc://c/m' }), storageUris: [{ uri: 's3://b/base', mountPath: '/mnt/models/base' }, { uri: 's3://b/lora', mountPath: '/mnt/models/lora' }],
    }, std), DEFAULT_CONTEXT)).toEqual(['/spec/predictor: Setting both StorageURI and StorageURIs is not supported.']);
    expect(inferenceServiceErrors(isvc({
      model: model({ modelFormat: { name: 'huggingface' }, storageUri: 's3://b/m', env: [{ name: 'TENSOR_PARALLEL_SIZE', value: '2' }] }),
      workerSpec: { pipelineParallelSize: 0, containers: [{ name: 'a' }, { name: 'b' }] },
    }, std), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/workerSpec/containers: setting multiple containers in workerSpec is not allowed',
      '/spec/predictor/model/env: setting TENSOR_PARALLEL_SIZE in environment variables is not allowed',
      '/spec/predictor/model/storageUri: the storage protocol s3 is not supported for multinode (pvc, oci)',
      '/metadata/annotations/serving.kserve.io/autoscalerClass: the autoscaler hpa is not supported for multinode; none',
      '/spec/predictor/workerSpec/pipelineParallelSize: cannot be less than 1',
    ]);
    expect(inferenceServiceErrors(isvc({
      model: model(),
      logger: { url: 's3://logs', storage: { path: '/x' } },
      containers: [{ name: 'transformer-container', image: 't', env: [{ name: 'STORAGE_URI', value: 's3://b/m' }] }],
    }, std), DEFAULT_CONTEXT)).toEqual([
      '/spec/predictor/logger/storage: invalid logger storage configuration',
      '/spec/predictor/containers: storage uri should not be specified in transformer container',
    ]);
  });

  test('canaries: Standard mode only, named, traffic within 100', () => {
    const canary = [{ trafficPercent: 70, predictor: { name: 'c', model: model() } }, { trafficPercent: 40, predictor: { model: model() } }];
    expect(inferenceServiceErrors(isvc({ model: model() }, { 'serving.kserve.io/deploymentMode': 'Standard' }, { canary }), DEFAULT_CONTEXT)).toEqual([
      '/spec/canary/1/predictor/name: is required',
      '/spec/canary: sum of canary trafficPercent values (110) must be <= 100',
    ]);
  });

  test('InferenceGraph: root node, step targets, splitter weights, router pod on Knative', () => {
    const graph = {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'InferenceGraph',
      metadata: { name: 'g', annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } },
      spec: {
        nodes: { main: { routerType: 'Splitter', steps: [{ serviceName: 'a', weight: 60 }, { serviceName: 'b', serviceUrl: 'http://b', weight: 30 }] } },
        tolerations: [{ key: 'gpu', operator: 'Exists' }],
        nodeName: 'node-a',
      },
    };
    expect(inferenceGraphErrors(graph, DEFAULT_CONTEXT)).toEqual([
      '/spec/nodes: root node not found',
      '/spec/nodes/main/steps/1: specifies more than one of nodeName, serviceName, serviceUrl',
      '/spec/nodes/main: splitter node: the sum of traffic weights for all routing targets should be 100',
      '/spec (generated router Knative Service pod)/tolerations: needs Knative feature flag kubernetes.podspec-tolerations (is the default)',
      '/spec (generated router Knative Service pod)/nodeName: must not set the field (Knative PodSpecMask)',
    ]);
    // Standard mode: KServe's raw Deployment takes nodeName (raw_ig.go createInferenceGraphPodSpec).
    const standard = { ...graph, metadata: { name: 'g', annotations: { 'serving.kserve.io/deploymentMode': 'Standard' } } };
    expect(inferenceGraphErrors(standard, DEFAULT_CONTEXT)).not.toContainEqual(expect.stringMatching(/nodeName: must not set/));
  });

  test('ServingRuntime: same priority for the same auto-selected format in two runtimes of a namespace clashes', () => {
    const rt = (name: string, priority: number, ns = 'ml') => ({
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ServingRuntime',
      metadata: { name, namespace: ns },
      spec: { protocolVersions: ['v2'], supportedModelFormats: [{ name: 'sklearn', autoSelect: true, priority }], containers: [{ name: 'kserve-container', image: 'i' }] },
    });
    const docs = [rt('a', 1), rt('b', 1), rt('c', 2), rt('d', 1, 'other')];
    expect(servingRuntimeErrors(docs[0], contextOf(docs))).toEqual([
      '/spec/supportedModelFormats: same priority assigned for the model format sklearn in the ServingRuntimes b and a',
    ]);
    expect(servingRuntimeErrors(docs[2], contextOf(docs))).toEqual([]);
    const self = rt('e', 1);
    self.spec.supportedModelFormats.push({ name: 'sklearn', autoSelect: true, priority: 2 });
    expect(servingRuntimeErrors(self, DEFAULT_CONTEXT)).toEqual(['/spec/supportedModelFormats: different priorities assigned for the model format sklearn']);
  });
});

describe('core Kubernetes validation', () => {
  const dep = (c: any, meta: any = { name: 'd' }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ...c }] } } },
  });

  test('quantities parse, are not negative, and limits are not below requests', () => {
    expect(coreErrors(dep({ resources: { requests: { cpu: '-1', memory: '2Gi' }, limits: { memory: '1Gi', cpu: 'NaN' } } }))).toEqual([
      '/spec/template/spec/containers/0/resources/requests/cpu: -1 must not be negative',
      '/spec/template/spec/containers/0/resources/limits/cpu: "NaN" is not a quantity',
      '/spec/template/spec/containers/0/resources/requests/memory: 2Gi must be less than or equal to the memory limit 1Gi',
    ]);
    expect(parseQuantity('1500m')).toBe(1.5);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('Infinity')).toBeUndefined();
  });

  test('names, labels, port names and int32 ranges', () => {
    const doc = { ...dep({ ports: [{ containerPort: 70000, name: 'http_metrics' }] }, { name: 'D', labels: { 'bad key/x/y': 'v', 'ok': 'x'.repeat(64) } }), spec: { ...dep({}).spec, replicas: 2 ** 31 } };
    doc.spec.template.spec.containers[0].ports = [{ containerPort: 70000, name: 'http_metrics' }];
    expect(coreErrors(doc)).toEqual([
      '/metadata/name: D is not a DNS-1123 subdomain',
      '/metadata/labels/bad key/x/y: key has more than one "/"',
      `/metadata/labels/ok: value "${'x'.repeat(64)}" is not a valid label value`,
      '/spec/template/spec/containers/0/ports/0/containerPort: 70000 must be 1-65535',
      '/spec/template/spec/containers/0/ports/0/name: http_metrics must contain only lower-case alphanumerics and "-"',
      '/spec/replicas: 2147483648 is not an integer in 0-2147483647',
    ]);
    expect(portNameError('h2c')).toBeUndefined();
    expect(portNameError('123')).toBe('must contain at least one letter');
    expect(qualifiedNameError('app.kubernetes.io/name')).toBeUndefined();
  });
});

describe('the flag state of an app', () => {
  const gpuModel = (chart: Chart) => new ServedModel(chart, 'llm', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://org/model'),
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
  });

  test('comes from a config-features ConfigMap in another chart of the app, else from KnativeClusterFlags, else Knative defaults', () => {
    const app = testApp();
    const chart = new Chart(app, 'models');
    // The documents alone (chart.toJson() would stop at the app's own flag check first).
    const docs = [gpuModel(chart).apiObject.toJson()];
    expect(() => expectConformant(docs, appContext(chart, docs))).toThrow(/\[kserve\] \/spec\/predictor \(generated Knative Service pod\)\/nodeSelector: needs Knative feature flag kubernetes.podspec-nodeselector/);
    new KnativeFeatures(new Chart(app, 'platform'), 'features');
    expect(() => expectConformant(docs, appContext(chart, docs))).not.toThrow();

    const app2 = testApp();
    const chart2 = new Chart(app2, 'models');
    gpuModel(chart2);
    new KnativeClusterFlags(chart2, 'cluster', { enabled: ['kubernetes.podspec-nodeselector', 'kubernetes.podspec-tolerations'] });
    const docs2 = chart2.toJson();
    expect(appContext(chart2, docs2).knativeFlags).toEqual({ 'kubernetes.podspec-nodeselector': 'enabled', 'kubernetes.podspec-tolerations': 'enabled' });
    expect(() => expectConformant(docs2, appContext(chart2, docs2))).not.toThrow();
  });
});
