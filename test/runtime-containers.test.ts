import { Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, ImagePullPolicy, Secret } from 'cdk8s-plus-28';
import {
  ClusterServingRuntime, InferenceProtocol, ModelFormat, ModelStorage, PodSecurity, ServedModel, ServingPlatform, ServingRuntime, ServingRuntimeProps,
} from '../src';
import { conformanceErrors, contextOf } from './conformance/conformance';
import { docOf, newChart, synth, testApp } from './util';

const TRITON = 'nvcr.io/nvidia/tritonserver:24.08-py3';
const EXPORTER = 'registry.example.com/triton-metrics-exporter:1.4.0';

function tritonRuntime(chart: Chart, extra: Partial<ServingRuntimeProps> = {}): ServingRuntime {
  return new ServingRuntime(chart, 'triton', {
    supportedFormats: [{ format: ModelFormat.ONNX.withVersion('1'), autoSelect: true, priority: 3 }],
    protocols: [InferenceProtocol.V2, InferenceProtocol.GRPC_V2],
    container: { image: TRITON, args: ['tritonserver', '--model-store=/mnt/models', '--http-port=8080', '--grpc-port=9000'] },
    grpcPort: 9000,
    ...extra,
  });
}

function onnxModel(chart: Chart, runtime: ServingRuntime, platform?: ServingPlatform): ServedModel {
  return new ServedModel(chart, 'detector', {
    format: ModelFormat.ONNX.withVersion('1'),
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'detector' }),
    runtime: runtime,
    protocol: InferenceProtocol.GRPC_V2,
    platform,
  });
}

/** Every validation message of an app (what `cdk8s synth` runs first). */
function validationErrors(chart: Chart): string[] {
  return chart.node.root.node.findAll().flatMap((c) => c.node.validate());
}

describe('ServingRuntime ports', () => {
  test('REST and gRPC together: REST first as http1, gRPC as h2c; a Standard-mode model is admitted', () => {
    const chart = newChart('vision');
    const runtime = tritonRuntime(chart);
    onnxModel(chart, runtime, ServingPlatform.kserveStandard());
    expect(validationErrors(chart)).toEqual([]);
    const docs = synth(chart);
    expect(docOf(docs, 'ServingRuntime').spec.containers[0].ports).toEqual([
      { name: 'http1', containerPort: 8080, protocol: 'TCP' },
      { name: 'h2c', containerPort: 9000, protocol: 'TCP' },
    ]);
  });

  test('a Knative-mode model on a REST+gRPC runtime fails validation, naming the platform that can', () => {
    const chart = newChart('vision');
    const runtime = tritonRuntime(chart);
    onnxModel(chart, runtime);
    expect(validationErrors(chart)).toEqual([
      'test/detector: runtime triton is a runtime that opens 2 ports (REST and gRPC), and the "kserve" platform runs the model under Knative, '
      + 'which routes to one port per pod; use ServingPlatform.kserveStandard(), or a runtime without grpcPort',
    ]);
  });

  test('a Knative-mode model KServe would auto-select the REST+gRPC runtime for fails too; other formats, namespaces and platforms do not', () => {
    const app = testApp();
    const chart = new Chart(app, 'test', { namespace: 'vision' });
    tritonRuntime(chart);
    const storage = ModelStorage.fromS3({ bucket: 'models', key: 'm' });
    new ServedModel(chart, 'auto', { format: ModelFormat.ONNX, storage, protocol: InferenceProtocol.V2 });
    new ServedModel(chart, 'pinned-version', { format: ModelFormat.ONNX.withVersion('1'), storage, protocol: InferenceProtocol.V2 });
    new ServedModel(chart, 'other-version', { format: ModelFormat.ONNX.withVersion('2'), storage, protocol: InferenceProtocol.V2 });
    new ServedModel(chart, 'sklearn', { format: ModelFormat.SKLEARN, storage });
    new ServedModel(chart, 'standard', { format: ModelFormat.ONNX, storage, protocol: InferenceProtocol.V2, platform: ServingPlatform.kserveStandard() });
    new ServedModel(chart, 'knative-service', { format: ModelFormat.ONNX, storage, protocol: InferenceProtocol.V2, platform: ServingPlatform.knativeService() });
    new ServedModel(new Chart(app, 'elsewhere', { namespace: 'other' }), 'auto', { format: ModelFormat.ONNX, storage, protocol: InferenceProtocol.V2 });
    const errors = app.node.findAll().flatMap((c) => c.node.validate()).filter((e) => /opens 2 ports/.test(e));
    expect(errors).toEqual([
      'test/auto: format onnx would auto-select runtime triton, which opens 2 ports (REST and gRPC), and the "kserve" platform runs the model under Knative, '
      + 'which routes to one port per pod; use ServingPlatform.kserveStandard(), name another runtime, or use a runtime without grpcPort',
      expect.stringMatching(/^test\/pinned-version: format onnx@1 would auto-select runtime triton/),
    ]);
  });

  test('a single-port runtime adds no validation; gRPC-only keeps one h2c port', () => {
    const chart = newChart('vision');
    const runtime = tritonRuntime(chart, { protocols: [InferenceProtocol.GRPC_V2], grpcPort: undefined, container: { image: TRITON, port: 9000 } });
    onnxModel(chart, runtime);
    expect(validationErrors(chart)).toEqual([]);
    expect(docOf(synth(chart), 'ServingRuntime').spec.containers[0].ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
  });

  test('the conformance harness merges runtime ports into the Knative pod KServe generates', () => {
    const runtime = {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ServingRuntime',
      metadata: { name: 'triton', namespace: 'vision' },
      spec: {
        supportedModelFormats: [{ name: 'onnx' }],
        protocolVersions: ['v2', 'grpc-v2'],
        containers: [{ name: 'kserve-container', image: TRITON, ports: [{ name: 'http1', containerPort: 8080 }, { name: 'h2c', containerPort: 9000 }] }],
      },
    };
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'detector', namespace: 'vision', annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } },
      spec: { predictor: { model: { modelFormat: { name: 'onnx' }, runtime: 'triton', storageUri: 's3://models/detector' } } },
    };
    expect(conformanceErrors(isvc, contextOf([runtime, isvc])).filter((e) => /more than one container port/.test(e))).toHaveLength(1);
    const standard = { ...isvc, metadata: { ...isvc.metadata, annotations: { 'serving.kserve.io/deploymentMode': 'Standard' } } };
    expect(conformanceErrors(standard, contextOf([runtime, standard]))).toEqual([]);
  });

  test.each<[string, Partial<ServingRuntimeProps>, RegExp]>([
    ['no gRPC protocol', { protocols: [InferenceProtocol.V2] }, /^test\/triton: grpcPort 9000 is set, but no protocol in protocols is gRPC; add InferenceProtocol.GRPC_V2/],
    ['gRPC only', { protocols: [InferenceProtocol.GRPC_V2] }, /^test\/triton: grpcPort 9000 is set, but the runtime speaks only gRPC; give the gRPC port as container.port/],
    ['same as REST', { grpcPort: 8080 }, /^test\/triton: grpcPort 8080 is the REST port \(container.port 8080\); serve gRPC and REST on different ports$/],
    ['out of range', { grpcPort: 70000 }, /^test\/triton: grpcPort 70000 /],
    ['not a number', { grpcPort: '9000' as any }, /^test\/triton: grpcPort "9000" is not a number/],
  ])('grpcPort: %s', (_name, extra, message) => {
    expect(() => tritonRuntime(newChart('vision'), extra)).toThrow(message);
  });
});

describe('ServingRuntime containers', () => {
  test('sidecars, pull policy, pull secrets, pod labels and env from a Secret', () => {
    const chart = newChart('vision');
    const token = Secret.fromSecretName(chart, 'hf', 'hf-token');
    tritonRuntime(chart, {
      grpcPort: undefined,
      protocols: [InferenceProtocol.V2],
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      imagePullSecrets: [Secret.fromSecretName(chart, 'ngc', 'ngc-pull')],
      container: {
        image: TRITON,
        args: ['tritonserver', '--model-store=/mnt/models', '--http-port=8080', '--grpc-port=9000'],
        envVariables: { HF_TOKEN: EnvValue.fromSecretValue({ secret: token, key: 'token' }), LOG_VERBOSE: EnvValue.fromValue('1') },
      },
      podLabels: { 'monitoring.example.com/scrape': 'triton' },
      sidecars: [{
        name: 'metrics-exporter',
        image: EXPORTER,
        args: ['--triton-url=http://localhost:8002'],
        envVariables: { TARGET: EnvValue.fromValue('triton') },
        resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) },
        imagePullPolicy: ImagePullPolicy.ALWAYS,
      }],
    });
    const sr = docOf(synth(chart), 'ServingRuntime');
    expect(sr.spec.labels).toEqual({ 'monitoring.example.com/scrape': 'triton' });
    expect(sr.spec.imagePullSecrets).toEqual([{ name: 'ngc-pull' }]);
    expect(sr.spec.containers.map((c: any) => c.name)).toEqual(['kserve-container', 'metrics-exporter']);
    const [server, sidecar] = sr.spec.containers;
    expect(server.imagePullPolicy).toBe('IfNotPresent');
    expect(server.env).toEqual([
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'LOG_VERBOSE', value: '1' },
    ]);
    expect(sidecar).toEqual({
      name: 'metrics-exporter',
      image: EXPORTER,
      imagePullPolicy: 'Always',
      args: ['--triton-url=http://localhost:8002'],
      env: [{ name: 'TARGET', value: 'triton' }],
      resources: { limits: { memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    // Only the Secret's name and key reach the manifest.
    expect(JSON.stringify(sr)).not.toMatch(/hf_[A-Za-z0-9]{10}/);
  });

  test('sharedMemory: a memory-backed /dev/shm for the server only; a Knative model on the runtime is admitted', () => {
    const chart = newChart('llm');
    const runtime = tritonRuntime(chart, {
      grpcPort: undefined,
      protocols: [InferenceProtocol.V2],
      container: { image: TRITON, resources: { memory: Size.gibibytes(16) } },
      sharedMemory: Size.gibibytes(2),
      sidecars: [{ name: 'exporter', image: EXPORTER }],
    });
    new ServedModel(chart, 'detector', {
      format: ModelFormat.ONNX.withVersion('1'), storage: ModelStorage.fromS3({ bucket: 'models', key: 'detector' }), runtime: runtime,
    });
    const sr = docOf(synth(chart), 'ServingRuntime');
    expect(sr.spec.volumes).toEqual([
      { name: 'devshm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
    ]);
    expect(sr.spec.containers[0].volumeMounts).toEqual([{ name: 'devshm', mountPath: '/dev/shm' }]);
    expect(sr.spec.containers[1].volumeMounts).toBeUndefined();
  });

  test('runAsUser through PodSecurity: on the server and every sidecar, with the scratch mount; restricted stays the default', () => {
    const chart = newChart('vision');
    new ClusterServingRuntime(chart, 'triton-root-image', {
      supportedFormats: [{ format: ModelFormat.ONNX }],
      protocols: [InferenceProtocol.V2],
      container: { image: TRITON },
      podSecurity: PodSecurity.restricted({ runAsUser: 1000 }),
      sidecars: [{ name: 'exporter', image: EXPORTER }],
    });
    const csr = docOf(synth(chart), 'ClusterServingRuntime');
    for (const c of csr.spec.containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    }
    expect(csr.spec.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
  });

  test.each<[string, Partial<ServingRuntimeProps>, RegExp]>([
    ['reserved sidecar name', { sidecars: [{ name: 'queue-proxy', image: EXPORTER }] },
      /^test\/triton: sidecars\[0\].name "queue-proxy" is the name of a container KServe or Knative adds to the pod; use another name \(reserved: kserve-container, /],
    ['server name as sidecar', { sidecars: [{ name: 'kserve-container', image: EXPORTER }] }, /sidecars\[0\].name "kserve-container" is the name of a container KServe or Knative adds/],
    ['duplicate sidecar', { sidecars: [{ name: 'exporter', image: EXPORTER }, { name: 'exporter', image: EXPORTER }] },
      /^test\/triton: sidecars\[1\].name "exporter" is also the name of sidecars\[0\]; give each container its own name$/],
    ['bad sidecar name', { sidecars: [{ name: 'Exporter', image: EXPORTER }] }, /^test\/triton: sidecars\[0\].name "Exporter" /],
    ['unpinned sidecar', { sidecars: [{ name: 'exporter', image: 'registry.example.com/exporter:latest' }] },
      /^test\/triton: sidecars\[0\].image "registry.example.com\/exporter:latest" uses the moving "latest" tag/],
    ['sidecar not a list', { sidecars: { name: 'x' } as any }, /^test\/triton: sidecars "<Object>" is not a list/],
    ['sidecar pull policy', { sidecars: [{ name: 'exporter', image: EXPORTER, imagePullPolicy: 'Sometimes' as any }] },
      /^test\/triton: sidecars\[0\].imagePullPolicy "Sometimes" is not an ImagePullPolicy; use ImagePullPolicy.IF_NOT_PRESENT/],
    ['server pull policy', { imagePullPolicy: 'always' as any }, /^test\/triton: imagePullPolicy "always" is not an? ImagePullPolicy; use one of ImagePullPolicy.ALWAYS, /],
    ['PYTHONPATH in container.envVariables', { container: { image: TRITON, envVariables: { PYTHONPATH: EnvValue.fromValue('/opt/extra') } } },
      /^test\/triton: container.envVariables\["PYTHONPATH"\] "<not shown>" is refused by KServe's runtime webhook \(servingruntime_webhook.go, validateBlockedEnvVars\)/],
    ['PYTHONPATH in a sidecar', { sidecars: [{ name: 'exporter', image: EXPORTER, envVariables: { PYTHONPATH: EnvValue.fromValue('/x') } }] },
      /^test\/triton: sidecars\[0\].envVariables\["PYTHONPATH"\] "<not shown>" is refused/],
    ['the replaced container.env', { container: { image: TRITON, env: { LOG: '1' } } as any },
      /^test\/triton: container.env "<set>" was replaced by container.envVariables; use container.envVariables with EnvValue.fromValue\(...\)/],
    ['the replaced runtime envVariables', { envVariables: { LOG: EnvValue.fromValue('2') } } as any,
      /^test\/triton: envVariables "<set>" was replaced by container.envVariables; give the server container's env in container.envVariables$/],
    ['the replaced sidecar env', { sidecars: [{ name: 'exporter', image: EXPORTER, env: { A: '1' } } as any] },
      /^test\/triton: sidecars\[0\].env "<set>" was replaced by sidecars\[0\].envVariables/],
    ['credential literal in container.envVariables', { container: { image: TRITON, envVariables: { HF_TOKEN: EnvValue.fromValue('hf_abcdefghijklmnopqrstuvwxyz0123') } } },
      /^test\/triton: container.envVariables\["HF_TOKEN"\] "<redacted>"/],
    ['pull secret listed twice', {}, /^test\/triton: imagePullSecrets\[1\] "ngc" is listed twice; list each Secret once$/],
    ['pull secret not an ISecret', { imagePullSecrets: ['ngc'] as any }, /^test\/triton: imagePullSecrets\[0\] "ngc" is not an ISecret; use Secret.fromSecretName/],
    ['bad pod label', { podLabels: { 'bad key!': 'x' } }, /^test\/triton: podLabels/],
    ['sharedMemory at the memory limit', { sharedMemory: Size.gibibytes(2) },
      /^test\/triton: sharedMemory "2Gi" is not below the server's memory limit \(2Gi\), which \/dev\/shm counts against; raise container.resources.memory/],
    ['sharedMemory zero', { sharedMemory: Size.mebibytes(0) }, /^test\/triton: sharedMemory "0Mi" is not a valid size/],
    ['sharedMemory not a Size', { sharedMemory: '2Gi' as any }, /^test\/triton: sharedMemory "2Gi" is not a Size/],
  ])('%s', (name, extra, message) => {
    const chart = newChart('vision');
    const props = name === 'pull secret listed twice'
      ? { imagePullSecrets: [Secret.fromSecretName(chart, 'a', 'ngc'), Secret.fromSecretName(chart, 'b', 'ngc')] }
      : extra;
    expect(() => tritonRuntime(chart, { grpcPort: undefined, protocols: [InferenceProtocol.V2], ...props })).toThrow(message);
  });

  test('a credential literal never reaches the error message', () => {
    const chart = newChart('vision');
    const secret = 'hf_abcdefghijklmnopqrstuvwxyz0123';
    let message = '';
    try {
      tritonRuntime(chart, { grpcPort: undefined, protocols: [InferenceProtocol.V2], sidecars: [{ name: 'x', image: EXPORTER, envVariables: { HF_TOKEN: EnvValue.fromValue(secret) } }] });
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/HF_TOKEN/);
    expect(message).not.toContain(secret);
  });

  test('the conformance harness refuses PYTHONPATH in a runtime (KServe 0.20 validateBlockedEnvVars)', () => {
    const doc = {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ServingRuntime',
      metadata: { name: 'x', namespace: 'a' },
      spec: { supportedModelFormats: [{ name: 'onnx' }], containers: [{ name: 'kserve-container', image: TRITON, env: [{ name: 'PYTHONPATH', value: '/x' }] }] },
    };
    expect(conformanceErrors(doc)).toEqual(['[kserve] /spec/containers/0/env: setting PYTHONPATH in container "kserve-container" is not allowed for security reasons']);
  });

  test('the conformance harness puts a runtime\'s sidecars into the generated Knative pod', () => {
    const runtime = {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ServingRuntime',
      metadata: { name: 'rt', namespace: 'a' },
      spec: {
        supportedModelFormats: [{ name: 'onnx' }],
        containers: [{ name: 'kserve-container', image: TRITON }, { name: 'exporter', image: EXPORTER, ports: [{ containerPort: 9400 }] }],
      },
    };
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'm', namespace: 'a', annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } },
      spec: { predictor: { model: { modelFormat: { name: 'onnx' }, runtime: 'rt', storageUri: 's3://b/m', ports: [{ containerPort: 8080 }] } } },
    };
    // Two containers with a port each: Knative's validateContainersPorts refuses the pod.
    expect(conformanceErrors(isvc, contextOf([runtime, isvc])).filter((e) => /more than one container port/.test(e))).toHaveLength(1);
  });
});
