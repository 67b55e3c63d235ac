/**
 * Regression tests for issue 15 ("Admitted and Ready"), item 3: each defect
 * the issue lists, with an assertion that failed before its fix.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu, EnvValue } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, ClusterServingRuntime, GpuCapacityReport, GpuNodePool, GpuProduct, InferenceProtocol, LocalModelCache,
  LocalModelNodeGroup, ModelFormat, ModelServer, ModelStorage, PodSecurity, Scaling, ScalingMetric, ServedModel, ServingPlatform,
  ServingRuntime, StandardAutoscaler,
} from '../src';
import { docOf, newChart, synth } from './util';

const DIGEST = 'sha256:' + 'a'.repeat(64);

// Value classes keep a factory's error until a model uses the value; the model re-raises it after its path.
const withScaling = (scaling: Scaling) => new ServedModel(newChart(), 'm', {
  format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), scaling,
});
const withStorage = (storage: ModelStorage) => new ServedModel(newChart(), 'm', { format: ModelFormat.SKLEARN, storage });

describe('quantities are checked', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['negative cpu', () => ({ cpu: Cpu.units(-1) }), 'test/m: resources.cpu "-1" is not a valid CPU quantity; use a positive finite number of cores, e.g. Cpu.units(2) or Cpu.millis(500)'],
    ['NaN cpu', () => ({ cpu: Cpu.units(NaN) }), 'test/m: resources.cpu "NaN" is not a valid CPU quantity'],
    ['Infinity cpu', () => ({ cpu: Cpu.units(Infinity) }), 'test/m: resources.cpu "Infinity" is not a valid CPU quantity'],
    ['zero cpu', () => ({ cpu: Cpu.units(0) }), 'test/m: resources.cpu "0" is not a valid CPU quantity'],
    ['NaN cpu limit', () => ({ cpuLimit: Cpu.units(NaN) }), 'test/m: resources.cpuLimit "NaN" is not a valid CPU quantity'],
    ['cpu limit under request', () => ({ cpu: Cpu.units(2), cpuLimit: Cpu.millis(500) }),
      'test/m: resources.cpuLimit "500m" is below the cpu request (2); use a limit >= the request'],
    ['NaN memory', () => ({ memory: Size.mebibytes(NaN) }), 'test/m: resources.memory "NaNMi" is too small; use at least 1 MiB'],
    ['Infinity memory', () => ({ memory: Size.mebibytes(Infinity) }), 'test/m: resources.memory "InfinityMi" is not a finite size'],
    ['memory limit under the default request', () => ({ memoryLimit: Size.gibibytes(1) }),
      'test/m: resources.memoryLimit "1024Mi" is below the memory request (2Gi); use a limit >= the request'],
    ['NaN memory limit', () => ({ memoryLimit: Size.mebibytes(NaN) }), 'test/m: resources.memoryLimit "NaNMi" is too small; use at least 1 MiB'],
  ];
  test.each(cases)('%s', (_name, resources, message) => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), resources: resources() as any,
    })).toThrow(message);
  });

  test('a whole-core cpu and milli-cpu still pass', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      resources: { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1), memoryLimit: Size.gibibytes(1) },
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.resources)
      .toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  });

  test('maxReplicas above int32 is rejected', () => {
    expect(() => withScaling(Scaling.autoscale({ maxReplicas: 2 ** 31 }))).toThrow(
      'test/m: scaling Scaling.autoscale: maxReplicas 2147483648 is not allowed; use a whole number from 1 to 2147483647');
    expect(() => withScaling(Scaling.autoscale({ minReplicas: 2 ** 31, maxReplicas: 2 ** 31 }))).toThrow('minReplicas 2147483648 is not allowed');
    expect(() => withScaling(Scaling.fixedReplicas(2 ** 31))).toThrow('Scaling.fixedReplicas: replicas 2147483648 is not allowed; use a whole number from 1 to 2147483647');
    expect(() => withScaling(Scaling.autoscale({ initialScale: 2 ** 31 }))).toThrow('initialScale 2147483648 is not allowed');
  });

  test('Duration.seconds(NaN) is rejected, never written as "NaNs"', () => {
    expect(() => withScaling(Scaling.autoscale({ window: Duration.seconds(NaN) }))).toThrow(
      'test/m: scaling Scaling.autoscale: window "NaNs" is out of range; use whole seconds from 6 seconds to 1 hour');
    expect(() => withScaling(Scaling.autoscale({ window: Duration.seconds(Infinity) }))).toThrow('window "Infinitys" is out of range');
    expect(() => withScaling(Scaling.autoscale({ window: Duration.millis(6500) }))).toThrow('window "6.5s" is out of range; use whole seconds from 6 seconds to 1 hour');
  });
});

describe('pvc storage paths', () => {
  test.each(['pvc://claim/../../etc', 'pvc://claim/a/../b', 'pvc://claim//etc', 'pvc://claim/./x'])('%s is rejected', (uri) => {
    expect(() => withStorage(ModelStorage.fromUri(uri))).toThrow(
      `test/m: storage ModelStorage.fromUri: uri "${uri}" has an empty, "." or ".." path segment or an absolute path; use pvc://<claim-name>/<path inside the claim>`);
  });

  test('a plain path still mounts as subPath', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('pvc://claim/models/v1'),
      platform: ServingPlatform.kubernetesDeployment(),
    });
    const dep = docOf(synth(chart), 'Deployment');
    expect(JSON.stringify(dep)).toContain('"subPath":"models/v1"');
  });
});

describe('image digests and runtimeVersion', () => {
  test('runtimeImage pinned by digest plus runtimeVersion fails naming both', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      runtimeImage: `kserve/sklearnserver@${DIGEST}`,
      runtimeVersion: 'v0.16.1',
      platform: ServingPlatform.kubernetesDeployment(),
    })).toThrow(`test/m: runtimeVersion "v0.16.1" would replace the digest of runtimeImage "kserve/sklearnserver@${DIGEST}"; `
      + 'pin the version once: the digest in runtimeImage, or runtimeVersion without a digest');
  });

  test('runtimeVersion "sha256:..." becomes a digest, not a tag', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      runtimeVersion: DIGEST,
      platform: ServingPlatform.kubernetesDeployment(),
    });
    const c = docOf(synth(chart), 'Deployment').spec.template.spec.containers[0];
    expect(c.image).toBe(`kserve/sklearnserver@${DIGEST}`);
  });

  test('runtimeVersion "sha256:..." on KServe fails (KServe appends it as a tag)', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), runtimeVersion: DIGEST,
    })).toThrow(`test/m: runtimeVersion "${DIGEST}" is a digest, which KServe would append to the runtime image as a tag; `
      + 'pin the digest with runtimeImage (<repository>@sha256:...)');
  });

  test('runtimeVersion that is not a tag is rejected', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), runtimeVersion: 'v1:2',
    })).toThrow('test/m: runtimeVersion "v1:2" is not a valid image tag or digest');
  });
});

describe('readiness probes ask for the name the server serves', () => {
  test('KServe: --model_name in args names the model (Hugging Face, V1)', () => {
    const chart = newChart();
    new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromUri('hf://Qwen/Qwen2.5-0.5B'), args: ['--model_name=qwen'],
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/v1/models/qwen', port: 8080 });
  });

  test('KServe: vLLM --served-model-name wins over --model_name, as in huggingfaceserver __main__', () => {
    const chart = newChart();
    new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromUri('hf://Qwen/Qwen2.5-0.5B'),
      args: ['--model_name', 'qwen', '--served-model-name=chat'],
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.readinessProbe.httpGet.path).toBe('/v1/models/chat');
  });

  test('KServe: TorchServe names the model after its archive, so readiness asks the server, not a model', () => {
    const chart = newChart();
    new ServedModel(chart, 'mnist-model', {
      format: ModelFormat.PYTORCH, protocol: InferenceProtocol.V1, storage: ModelStorage.fromUri('gs://models/mnist'),
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/', port: 8080 });
  });

  test('Knative Service: TorchServe readiness on the V2 server health path', () => {
    const chart = newChart();
    new ServedModel(chart, 'mnist-model', {
      format: ModelFormat.PYTORCH, storage: ModelStorage.fromUri('gs://models/mnist'), platform: ServingPlatform.knativeService(),
    });
    const c = docOf(synth(chart), 'Service').spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 8080 });
  });

  test('Deployment: the last --model_name / --model-name of the args wins (the server parses them in order)', () => {
    const chart = newChart();
    new ServedModel(chart, 'fraud-detector', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/fraud'),
      args: ['--model-name=fraud'],
      platform: ServingPlatform.kubernetesDeployment(),
    });
    const c = docOf(synth(chart), 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v2/models/fraud/ready', port: 8080 });
  });

  test('Deployment: MLServer serves MLSERVER_MODEL_NAME', () => {
    const chart = newChart();
    new ServedModel(chart, 'wine', {
      format: ModelFormat.MLFLOW,
      storage: ModelStorage.fromUri('s3://models/wine'),
      envVariables: { MLSERVER_MODEL_NAME: EnvValue.fromValue('wine-classifier') },
      platform: ServingPlatform.kubernetesDeployment({ modelServer: ModelServer.MLSERVER }),
    });
    const c = docOf(synth(chart), 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/v2/models/wine-classifier/ready');
  });
});

describe('gRPC in Knative mode gets the h2c port', () => {
  test('KServe (Knative mode): the built-in runtime\'s gRPC port is named h2c; probes on the REST port', () => {
    const chart = newChart();
    new ServedModel(chart, 'resnet', {
      format: ModelFormat.ONNX,
      storage: ModelStorage.fromUri('s3://models/resnet'),
      protocol: InferenceProtocol.GRPC_V2,
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    });
    const m = docOf(synth(chart), 'InferenceService').spec.predictor.model;
    // Triton: --grpc-port=9000 in KServe's kserve-tritonserver runtime.
    expect(m.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
    expect(m.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 8080 });
    // The GPU startup probe is kept (it was dropped for gRPC).
    expect(m.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 120 });
  });

  test('KServe: TorchServe over gRPC V2 on 8081', () => {
    const chart = newChart();
    new ServedModel(chart, 'mnist', {
      format: ModelFormat.PYTORCH, storage: ModelStorage.fromUri('s3://models/mnist'), protocol: InferenceProtocol.GRPC_V2,
    });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.ports).toEqual([{ name: 'h2c', containerPort: 8081, protocol: 'TCP' }]);
  });

  test('KServe: a custom gRPC server\'s port is named h2c', () => {
    const chart = newChart();
    new ServedModel(chart, 'custom', {
      server: { image: 'example.com/grpc-server:1.0', port: 9000 }, protocol: InferenceProtocol.GRPC_V2,
    });
    const c = docOf(synth(chart), 'InferenceService').spec.predictor.containers[0];
    expect(c.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
  });

  test('KServe: a named runtime over gRPC without grpcPort fails (its port is unknown)', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.ONNX,
      storage: ModelStorage.fromUri('s3://models/m'),
      protocol: InferenceProtocol.GRPC_V2,
      runtime: ServingRuntime.fromServingRuntimeName(chart, 'triton', 'my-triton'),
      startup: { probe: true },
    })).toThrow('test/m: grpcPort undefined is needed for grpc-v2 on runtime "my-triton": the library cannot know the port it serves gRPC on; '
      + 'set grpcPort (e.g. 9000 for Triton\'s --grpc-port), or use a runtime object that names its gRPC port (gRPC only, or grpcPort)');
  });

  test('Knative Service: gRPC served on an h2c port, probed on the REST port', () => {
    const chart = newChart();
    new ServedModel(chart, 'resnet', {
      format: ModelFormat.ONNX,
      storage: ModelStorage.fromUri('s3://models/resnet'),
      protocol: InferenceProtocol.GRPC_V2,
      platform: ServingPlatform.knativeService(),
    });
    const c = docOf(synth(chart), 'Service').spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet.port).toBe(8080);
  });
});

describe('KServe Standard mode scaling', () => {
  test('scale-to-zero without a Prometheus metric fails, as on the Deployment platform', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      scaling: Scaling.scaleToZero({ maxReplicas: 3 }),
      platform: ServingPlatform.kserveStandard(),
    })).toThrow('test/m: scaling.minReplicas 0 needs a Prometheus metric in KServe Standard mode (KEDA cannot scale to zero on cpu or memory); '
      + 'use ScalingMetric.prometheus({ query, serverAddress }), minReplicas >= 1, or ServingPlatform.kserve()');
  });

  test('the documented default scaling works: one replica, no autoscaler', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), platform: ServingPlatform.kserveStandard(),
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('none');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(isvc.spec.predictor.scaleMetric).toBeUndefined();
  });

  test('an HPA asked for explicitly still needs maxReplicas', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.HPA }),
    })).toThrow('test/m: scaling.maxReplicas undefined is required in KServe Standard mode');
  });

  test('scale-to-zero on Prometheus defaults maxReplicas to 1 (as documented)', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.scaleToZero({ metric: ScalingMetric.prometheus({ query: 'sum(rate(requests_total[1m]))', serverAddress: 'http://prometheus:9090' }) }),
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 1 });
  });
});

describe('a KServe Knative-mode candidate that adds a GPU', () => {
  test('annotations follow the candidate spec, like its probes', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'm', {
      format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromUri('hf://org/llm'), scaling: Scaling.scaleToZero({ maxReplicas: 2 }),
    });
    new CanaryRollout(chart, 'gpu', {
      model, steps: [10], candidate: { accelerator: Accelerator.nvidiaGpu({ count: 1, product: GpuProduct.L4 }), nodePool: GpuNodePool.gke('nvidia-l4') },
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.model.startupProbe.failureThreshold).toBe(120);
    expect(isvc.metadata.annotations).toMatchObject({
      'serving.knative.dev/progress-deadline': '1200s',
      'autoscaling.knative.dev/scale-down-delay': '900s',
      'autoscaling.knative.dev/initial-scale': '1',
    });
  });
});

describe('startup settings are honoured on every platform', () => {
  test.each([
    ['knativeService', () => ServingPlatform.knativeService(), 'Service'],
    ['kubernetesDeployment', () => ServingPlatform.kubernetesDeployment(), 'Deployment'],
  ])('startup: { probe: false } on %s leaves the startup probe out, GPU model too', (_name, platform, kind) => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: platform(),
      startup: { probe: false },
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    });
    const c = docOf(synth(chart), kind).spec.template.spec.containers[0];
    expect(c.startupProbe).toBeUndefined();
    expect(c.readinessProbe).toBeDefined();
  });

  test('KServe Standard mode: startup.timeout becomes the startup probe\'s budget (KServe fixes the Deployment\'s deadline at 600s)', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: ServingPlatform.kserveStandard(),
      startup: { timeout: Duration.minutes(30) },
    });
    const m = docOf(synth(chart), 'InferenceService').spec.predictor.model;
    expect(m.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 180 });
  });

  test('KServe Standard mode: startup.timeout with probe: false fails (nothing would carry it)', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: ServingPlatform.kserveStandard(),
      startup: { timeout: Duration.minutes(30), probe: false },
    })).toThrow('test/m: startup.timeout "1800s" has no effect in KServe Standard mode without a startup probe '
      + '(KServe sets the Deployment\'s progressDeadlineSeconds to 600); drop probe: false, or drop timeout');
  });
});

describe('the GPU capacity report counts canaries', () => {
  test('KServe: a candidate that adds an L4 reports its GPUs', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', {
      format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromUri('hf://org/llm'), scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2 }),
    });
    new CanaryRollout(chart, 'gpu', { model, steps: [10], candidate: { accelerator: Accelerator.nvidiaGpu({ count: 1, product: GpuProduct.L4 }) } });
    const report = new GpuCapacityReport(chart.node.root as any, 'r', { writeFiles: false });
    expect(report.entries.map((e) => [e.path, e.name, e.rolloutRole, e.capacityKey, e.minDevices, e.maxDevices])).toEqual([
      ['test/gpu', 'm', 'candidate', 'NVIDIA-L4', 1, 2],
    ]);
  });

  test.each([
    ['Flagger', () => ServingPlatform.knativeService()],
    ['Argo Rollouts', () => ServingPlatform.kubernetesDeployment()],
  ])('%s: the stable pods running beside the candidate are counted', (_name, platform) => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'm', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/m'),
      platform: platform(),
      accelerator: Accelerator.nvidiaGpu({ count: 1, product: GpuProduct.L4 }),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }),
    });
    new CanaryRollout(chart, 'v2', { model, steps: [10], candidate: { storage: ModelStorage.fromUri('s3://models/m2') } });
    const report = new GpuCapacityReport(chart.node.root as any, 'r', { writeFiles: false });
    expect(report.entries.map((e) => [e.path, e.rolloutRole, e.minDevices, e.maxDevices])).toEqual([
      ['test/m', 'stable', 1, 3],
      ['test/v2', 'candidate', 1, 3],
    ]);
    expect(report.totals).toEqual([{ capacityKey: 'NVIDIA-L4', resourceName: 'nvidia.com/gpu', minDevices: 2, maxDevices: 6, models: 1 }]);
  });
});

describe('serving runtimes', () => {
  test('a ClusterServingRuntime carries no namespace, even in a namespaced chart', () => {
    const chart = newChart('ml');
    new ClusterServingRuntime(chart, 'triton', {
      supportedFormats: [{ format: ModelFormat.ONNX }], protocols: [InferenceProtocol.V2], container: { image: 'nvcr.io/nvidia/tritonserver:25.01-py3' },
    });
    const doc = docOf(synth(chart), 'ClusterServingRuntime');
    expect(doc.metadata.namespace).toBeUndefined();
  });

  test('a node pool with a RuntimeClass fails with a clear error (ServingRuntimeSpec has no runtimeClassName)', () => {
    const chart = newChart('ml');
    expect(() => new ClusterServingRuntime(chart, 'triton', {
      supportedFormats: [{ format: ModelFormat.ONNX }],
      protocols: [InferenceProtocol.V2],
      container: { image: 'nvcr.io/nvidia/tritonserver:25.01-py3' },
      nodePool: GpuNodePool.custom({ labels: { pool: 'gpu' }, runtimeClassName: 'nvidia' }),
    })).toThrow('test/triton: nodePool.runtimeClassName "nvidia" cannot be set on a serving runtime (KServe v0.20 ServingRuntimeSpec has no runtimeClassName); '
      + 'give the node pool to the ServedModels that use the runtime, or use a pool without a RuntimeClass');
  });

  test('a runtime image that needs a user id gets one through podSecurity', () => {
    const chart = newChart('ml');
    new ServingRuntime(chart, 'torch', {
      supportedFormats: [{ format: ModelFormat.PYTORCH }],
      protocols: [InferenceProtocol.V1],
      container: { image: 'pytorch/torchserve-kfs:0.12.0' },
      podSecurity: PodSecurity.restricted({ runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: false }),
    });
    const c = docOf(synth(chart), 'ServingRuntime').spec.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a read-only root filesystem gets the writable /tmp scratch volume', () => {
    const chart = newChart('ml');
    new ServingRuntime(chart, 'torch', {
      supportedFormats: [{ format: ModelFormat.PYTORCH }],
      protocols: [InferenceProtocol.V1],
      container: { image: 'pytorch/torchserve-kfs:0.12.0' },
      podSecurity: PodSecurity.restricted({ runAsUser: 1000 }),
    });
    const spec = docOf(synth(chart), 'ServingRuntime').spec;
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(spec.containers[0].env).toEqual([{ name: 'HOME', value: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
  });
});

test('a serving runtime\'s baseline opt-out is written, with its reason', () => {
  const chart = newChart('ml');
  new ServingRuntime(chart, 'legacy', {
    supportedFormats: [{ format: ModelFormat.SKLEARN }],
    container: { image: 'example.com/legacy-server:1.0' },
    podSecurity: PodSecurity.baseline('vendor image runs as root, ticket ML-123'),
  });
  const doc = docOf(synth(chart), 'ServingRuntime');
  expect(doc.metadata.annotations).toEqual({ 'model-serving.cdk8s.io/pod-security-opt-out': 'vendor image runs as root, ticket ML-123' });
  expect(doc.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
});

test('a gRPC-only serving runtime names its port h2c; a runtime that also speaks REST does not', () => {
  const chart = newChart('ml');
  new ServingRuntime(chart, 'grpc-only', {
    supportedFormats: [{ format: ModelFormat.ONNX }],
    protocols: [InferenceProtocol.GRPC_V2],
    container: { image: 'nvcr.io/nvidia/tritonserver:25.01-py3', port: 9000 },
  });
  new ServingRuntime(chart, 'both', {
    supportedFormats: [{ format: ModelFormat.TRITON }],
    protocols: [InferenceProtocol.V2, InferenceProtocol.GRPC_V2],
    container: { image: 'nvcr.io/nvidia/tritonserver:25.01-py3' },
  });
  const docs = synth(chart);
  expect(docOf(docs, 'ServingRuntime', 'grpc-only').spec.containers[0].ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
  expect(docOf(docs, 'ServingRuntime', 'both').spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
});

test('inferPath and readyPath use the name the server serves (graphs post to inferPath)', () => {
  const chart = newChart();
  const model = new ServedModel(chart, 'llm', {
    format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromUri('hf://Qwen/Qwen2.5-0.5B'), args: ['--model_name=qwen'],
  });
  expect(model.inferPath).toBe('/v1/models/qwen:predict');
  expect(model.readyPath).toBe('/v1/models/qwen');
  const plain = new ServedModel(chart, 'plain', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m') });
  expect(plain.inferPath).toBe('/v2/models/plain/infer');
});

test('LocalModelNodeGroup and LocalModelCache (cluster-scoped) carry no namespace in a namespaced chart', () => {
  const chart = newChart('ml');
  const nodes = new LocalModelNodeGroup(chart, 'nvme', { storageLimit: Size.tebibytes(1), localPath: '/mnt/nvme', nodeSelector: { cache: 'nvme' } });
  new LocalModelCache(chart, 'llama', { storage: ModelStorage.fromUri('hf://meta-llama/Llama-3.1-8B'), modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
  const docs = synth(chart);
  expect(docOf(docs, 'LocalModelNodeGroup').metadata.namespace).toBeUndefined();
  expect(docOf(docs, 'LocalModelCache').metadata.namespace).toBeUndefined();
});

describe('Knative revision annotations come from the typed props', () => {
  test.each([
    ['autoscaling.knative.dev/target', 'ML-123'],
    ['serving.knative.dev/progress-deadline', 'soon'],
  ])('a user annotation %s is a synth error naming it (Knative would reject the revision)', (key, value) => {
    expect(() => new ServedModel(newChart(), 'm', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/m'), annotations: { [key]: value },
    })).toThrow(`test/m: annotations["${key}"] "${value}" is a Knative revision annotation, which the library writes and checks itself; set it through scaling`);
  });
});
