import { Duration } from 'cdk8s';
import { EnvValue, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, InferenceProtocol, ModelFormat, ModelStorage, Scaling, ScalingMetric, ServedModel, ServingPlatform,
  Visibility,
} from '../src';
import { docOf, newChart, synth } from './util';
import * as serverImages from '../src/platforms/model-server-images';

const SELECTOR = { 'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/name': 'churn' };
const PROMETHEUS = ScalingMetric.prometheus({ query: 'sum(rate(http_requests_total{service="churn"}[1m]))', serverAddress: 'http://prometheus.monitoring:9090' });

function deploymentModel(props: Partial<ConstructorParameters<typeof ServedModel>[2]> = {}) {
  const chart = newChart('ml');
  const model = new ServedModel(chart, 'churn', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn/v3' }),
    platform: ServingPlatform.kubernetesDeployment(),
    ...props,
  });
  return { chart, model };
}

describe('ServingPlatform.kubernetesDeployment()', () => {
  test('the model server is chosen once per resolved spec: every document reads that choice, addEnv makes a new one', () => {
    const choose = jest.spyOn(serverImages, 'resolveServer');
    try {
      const { chart, model } = deploymentModel({ scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 4 }) });
      const first = synth(chart);
      // Deployment, Service, HPA and PodDisruptionBudget all follow from the one choice made in validation.
      expect(first.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
      expect(choose).toHaveBeenCalledTimes(1);
      model.addEnv('LOG_LEVEL', EnvValue.fromValue('debug'));
      const container = docOf(synth(chart), 'Deployment').spec.template.spec.containers[0];
      expect(container.env).toEqual(expect.arrayContaining([{ name: 'LOG_LEVEL', value: 'debug' }]));
      expect(choose).toHaveBeenCalledTimes(2);
    } finally {
      choose.mockRestore();
    }
  });

  test('default scaling: one replica, a Deployment and a ClusterIP Service, no autoscaler', () => {
    const { chart, model } = deploymentModel();
    const docs = synth(chart);
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}/${d.metadata.name}`)).toEqual(['apps/v1/Deployment/churn', 'v1/Service/churn']);
    const deployment = docOf(docs, 'Deployment');
    expect(deployment.spec).toMatchObject({
      replicas: 1,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    });
    expect(deployment.spec.progressDeadlineSeconds).toBeUndefined();
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'kserve-container' });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.containers[0]).toMatchObject({
      name: 'kserve-container',
      image: 'kserve/xgbserver:v0.16.0',
      args: ['--model_name=churn', '--model_dir=/mnt/models', '--http_port=8080'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/v2/models/churn/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    });
    expect(pod.initContainers[0].args).toEqual(['s3://models/churn/v3', '/mnt/models']);
    expect(pod.volumes).toEqual([{ name: 'model-store', emptyDir: {} }, { name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(docOf(docs, 'Service').spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(model.url).toBe('http://churn.ml.svc.cluster.local');
    expect(model.platform.id).toBe('kubernetes-deployment');
    expect(model.platform.isKnative).toBe(false);
    expect(model.node.children.map((c) => c.node.id)).toEqual(['Resource', 'Service']);
    expect(docs).toMatchSnapshot();
  });

  test('cpu autoscaling from 2 replicas: HPA, PodDisruptionBudget and spread over nodes and zones', () => {
    const scaling = Scaling.autoscale({ minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.CPU, target: 70 });
    const { chart, model } = deploymentModel({ scaling });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(model.node.children.map((c) => c.node.id)).toEqual(['Resource', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    const deployment = docOf(docs, 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
    ]);
    expect(docOf(docs, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'churn' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(docOf(docs, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    expect(docs).toMatchSnapshot();
  });

  test('memory metric, default target 80', () => {
    const { chart } = deploymentModel({ scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.MEMORY }) });
    const hpa = docOf(synth(chart), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(hpa.spec.minReplicas).toBe(1);
  });

  test('fixed replicas: replica count, PDB, no autoscaler', () => {
    const { chart } = deploymentModel({ scaling: Scaling.fixedReplicas(3) });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    expect(docOf(docs, 'Deployment').spec.replicas).toBe(3);
  });

  test('min = max autoscale is a fixed count', () => {
    const { chart } = deploymentModel({ scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 2 }) });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    expect(docOf(docs, 'Deployment').spec.replicas).toBe(2);
  });

  test('scale to zero on a Prometheus metric: KEDA ScaledObject', () => {
    const { chart, model } = deploymentModel({ scaling: Scaling.scaleToZero({ maxReplicas: 4, target: 20, metric: PROMETHEUS }) });
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'ScaledObject']);
    expect(model.node.tryFindChild('ScaledObject')).toBeDefined();
    expect(docOf(docs, 'Deployment').spec.replicas).toBeUndefined();
    expect(docOf(docs, 'ScaledObject')).toMatchObject({
      apiVersion: 'keda.sh/v1alpha1',
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'churn' },
        minReplicaCount: 0,
        maxReplicaCount: 4,
        triggers: [{
          type: 'prometheus',
          metadata: {
            query: 'sum(rate(http_requests_total{service="churn"}[1m]))',
            serverAddress: 'http://prometheus.monitoring:9090',
            threshold: '20',
          },
        }],
      },
    });
    expect(docs).toMatchSnapshot();
  });

  test('scale to zero without maxReplicas: KEDA up to one replica', () => {
    const { chart } = deploymentModel({ scaling: Scaling.scaleToZero({ metric: PROMETHEUS }) });
    expect(docOf(synth(chart), 'ScaledObject').spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 1, triggers: [{ metadata: { threshold: '1' } }] });
  });

  test('gRPC: Service port 80 is h2c to the gRPC port, REST stays reachable for health and metrics', () => {
    const { chart } = deploymentModel({ protocol: InferenceProtocol.GRPC_V2 });
    const docs = synth(chart);
    const c = docOf(docs, 'Deployment').spec.template.spec.containers[0];
    expect(c.args).toContain('--grpc_port=8081');
    expect(c.ports).toEqual([{ name: 'grpc', containerPort: 8081, protocol: 'TCP' }, { name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(docOf(docs, 'Service').spec.ports).toEqual([
      { name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  test('custom gRPC server: one port, TCP probes', () => {
    const { chart } = deploymentModel({ format: undefined, server: { image: 'registry.example.com/grpc-ranker:1.0.0', port: 50051 }, protocol: InferenceProtocol.GRPC_V2 });
    const docs = synth(chart);
    const c = docOf(docs, 'Deployment').spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'grpc', containerPort: 50051, protocol: 'TCP' }]);
    expect(c.readinessProbe).toMatchObject({ tcpSocket: { port: 50051 } });
    expect(docOf(docs, 'Service').spec.ports).toEqual([{ name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
  });

  test('GPU model on a Karpenter pool: GPU resources, placement, progress deadline, startup probe budget', () => {
    const { chart } = deploymentModel({
      format: ModelFormat.TENSORFLOW,
      protocol: InferenceProtocol.V1,
      accelerator: Accelerator.nvidiaGpu({ count: 2 }),
      nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g5' }),
      // An account that exists in the cluster, known by name (its scope does not matter).
      serviceAccount: ServiceAccount.fromServiceAccountName(newChart(), 'sa', 'models-reader'),
    });
    const deployment = docOf(synth(chart), 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.progressDeadlineSeconds).toBe(1200);
    expect(pod.serviceAccountName).toBe('models-reader');
    expect(pod.nodeSelector).toMatchObject({ 'karpenter.sh/nodepool': 'gpu', 'karpenter.k8s.aws/instance-family': 'g5' });
    expect(pod.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.containers[0].image).toBe('tensorflow/serving:2.18.0-gpu');
    expect(pod.containers[0].resources.requests['nvidia.com/gpu']).toBe(2);
    expect(pod.containers[0].startupProbe).toEqual({ httpGet: { path: '/v1/models/churn', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 120 });
  });

  test('GPU models keep the GPU-safe scale-down delay: HPA stabilization window, KEDA cooldown', () => {
    const chart = newChart('ml');
    const gpu = { format: ModelFormat.ONNX, storage: ModelStorage.fromS3({ bucket: 'models', key: 'e' }), accelerator: Accelerator.nvidiaGpu(), platform: ServingPlatform.kubernetesDeployment() };
    new ServedModel(chart, 'hpa', { ...gpu, scaling: Scaling.autoscale({ maxReplicas: 4 }) });
    new ServedModel(chart, 'keda', { ...gpu, scaling: Scaling.scaleToZero({ maxReplicas: 2, metric: PROMETHEUS }) });
    const docs = synth(chart);
    expect(docOf(docs, 'HorizontalPodAutoscaler', 'hpa').spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 900 } });
    expect(docOf(docs, 'ScaledObject', 'keda').spec.cooldownPeriod).toBe(900);
  });

  test('startup timeout sets the progress deadline and the startup probe budget', () => {
    const { chart } = deploymentModel({ startup: { timeout: Duration.minutes(45) } });
    const deployment = docOf(synth(chart), 'Deployment');
    expect(deployment.spec.progressDeadlineSeconds).toBe(2700);
    expect(deployment.spec.template.spec.containers[0].startupProbe.failureThreshold).toBe(270);
  });
});

describe('ServingPlatform.kubernetesDeployment() bad input', () => {
  const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'k' }), platform: ServingPlatform.kubernetesDeployment() };
  const cases: Array<[string, () => void, RegExp]> = [
    ['scale to zero on cpu', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.scaleToZero({ maxReplicas: 3 }) }),
      /^test\/m: scaling.minReplicas 0 needs a Prometheus metric on Kubernetes Deployment \(KEDA cannot scale to zero on cpu or memory\); use ScalingMetric.prometheus/],
    ['Knative metric', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.CONCURRENCY }) }),
      /^test\/m: scaling.metric "concurrency" is a Knative autoscaler metric, not available on Kubernetes Deployment; use ScalingMetric.CPU/],
    ['Knative knob', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, initialScale: 2 }) }),
      /^test\/m: scaling.initialScale 2 only applies to the Knative autoscaler, not Kubernetes Deployment; remove it/],
    ['containerConcurrency', () => new ServedModel(newChart(), 'm', { ...base, containerConcurrency: 4 }),
      /^test\/m: containerConcurrency 4 only applies to Knative, not Kubernetes Deployment/],
    ['external visibility', () => new ServedModel(newChart(), 'm', { ...base, visibility: Visibility.EXTERNAL }),
      /^test\/m: visibility "external" is not available on Kubernetes Deployment \(it emits a ClusterIP Service only\); use Visibility.CLUSTER_LOCAL/],
    ['request timeout', () => new ServedModel(newChart(), 'm', { ...base, timeout: Duration.seconds(30) }),
      /^test\/m: timeout "30s" is not enforced on Kubernetes Deployment \(no request proxy in front of the server\); drop it/],
    ['metric without maxReplicas', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ minReplicas: 2, metric: ScalingMetric.CPU }) }),
      /^test\/m: scaling.maxReplicas undefined is required to autoscale on cpu on Kubernetes Deployment; set maxReplicas > 2$/],
    ['target without maxReplicas', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ target: 60 }) }),
      /^test\/m: scaling.maxReplicas undefined is required to autoscale on cpu on Kubernetes Deployment; set maxReplicas > 1$/],
    ['Prometheus without maxReplicas', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ minReplicas: 1, metric: PROMETHEUS }) }),
      /^test\/m: scaling.maxReplicas undefined is required to autoscale on a Prometheus metric on Kubernetes Deployment; set maxReplicas > 1$/],
    ['fractional utilization', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ maxReplicas: 3, target: 2.5 }) }),
      /^test\/m: scaling.target 2.5 is not a valid cpu utilization for the HPA; use a whole percentage from 1 to 100$/],
    ['explainer', () => new ServedModel(newChart(), 'm', { ...base, explainer: { image: 'registry.example.com/e:1' } }),
      /^test\/m: explainer "registry.example.com\/e:1" is not available on Kubernetes Deployment \(it is a KServe InferenceService component\)/],
    ['logger', () => new ServedModel(newChart(), 'm', { ...base, logger: { url: 'http://broker.example' } }),
      /^test\/m: logger "http:\/\/broker.example" is not available on Kubernetes Deployment \(it runs in KServe's agent sidecar\)/],
    ['name longer than a DNS label', () => new ServedModel(newChart(), 'm', { ...base, name: 'a'.repeat(64) }),
      /^test\/m: name "a{64}" is 64 characters long; use at most 63 characters$/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
