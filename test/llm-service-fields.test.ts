// The fields of KServe 0.20's LLMInferenceService (v1alpha2) added after the first LlmService release: the scheduler's
// inline InferencePool and pod, the storage initializer switch, KEDA fallback (and its behavior), HPA behavior and policies.
import { Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, Secret } from 'cdk8s-plus-28';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, EndpointPickerFailureMode, InferencePoolProtocol, LlmKedaFallbackBehavior, LlmRouter, LlmScaling, LlmScalingPolicyType,
  LlmScalingSelectPolicy, LlmScheduler, LlmService, LlmServiceConfig, LoraAdapter,
  ModelStorage,
} from '../src';
import { conformanceErrors } from './conformance/conformance';
import { raiseIfInvalid } from '../src/internal/errors';

const LLAMA_8B = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f249a16976918f6564b8830bc894c89659' });

function schedulerOf(scheduler: LlmScheduler, name = 'llama'): any {
  const chart = newChart('llm');
  new LlmService(chart, name, { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed({ scheduler }) });
  return docOf(synth(chart), 'LLMInferenceService', name).spec.router.scheduler;
}

describe('LlmScheduler.managed: the InferencePool and the endpoint picker pod', () => {
  test('an inline pool is written whole, naming this service\'s endpoint-picker Service and workload pods', () => {
    const s = schedulerOf(LlmScheduler.managed({
      pool: { failureMode: EndpointPickerFailureMode.FAIL_CLOSE, targetPorts: [8000, 8001], appProtocol: InferencePoolProtocol.H2C },
    }));
    expect(s).toEqual({
      pool: {
        spec: {
          appProtocol: 'kubernetes.io/h2c',
          endpointPickerRef: { failureMode: 'FailClose', kind: 'Service', name: 'llama-epp-service', port: { number: 9002 } },
          selector: {
            matchLabels: { 'app.kubernetes.io/name': 'llama', 'app.kubernetes.io/part-of': 'llminferenceservice', 'kserve.io/component': 'workload' },
          },
          targetPorts: [{ number: 8000 }, { number: 8001 }],
        },
      },
    });
  });

  test('an inline pool keeps KServe\'s FailOpen and port 8000 unless told otherwise (the API server would default FailClose)', () => {
    const s = schedulerOf(LlmScheduler.managed({ pool: {} }));
    expect(s.pool.spec.endpointPickerRef.failureMode).toBe('FailOpen');
    expect(s.pool.spec.targetPorts).toEqual([{ number: 8000 }]);
    expect(s.pool.spec.appProtocol).toBeUndefined();
  });

  test('the endpoint picker pod: image, resources, env and flags on KServe\'s `main` container, nothing else', () => {
    const hf = Secret.fromSecretName(newChart(), 'hf', 'hf-token');
    const s = schedulerOf(LlmScheduler.managed({
      replicas: 2,
      template: {
        image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.1',
        resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
        // The tokenizer of prefix-aware scoring may need a Hugging Face token: by reference, as on the service.
        envVariables: { HF_TOKEN: EnvValue.fromSecretValue({ secret: hf, key: 'token' }), GOMEMLIMIT: EnvValue.fromValue('3GiB') },
        args: ['--v=4'],
      },
    }));
    expect(s).toEqual({
      replicas: 2,
      template: {
        containers: [{
          name: 'main',
          image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.1',
          args: ['--v=4'],
          env: [{ name: 'GOMEMLIMIT', value: '3GiB' }, { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } }],
          resources: { limits: { memory: '4Gi' }, requests: { cpu: '2', memory: '4Gi' } },
        }],
      },
    });
  });

  test('resources: only what is set; explicit limits', () => {
    const cpuOnly = schedulerOf(LlmScheduler.managed({ template: { resources: { cpu: Cpu.millis(500) } } }));
    expect(cpuOnly.template.containers[0].resources).toEqual({ requests: { cpu: '500m' } });
    const limits = schedulerOf(LlmScheduler.managed({
      template: { resources: { cpu: Cpu.units(1), cpuLimit: Cpu.units(4), memory: Size.gibibytes(2), memoryLimit: Size.gibibytes(8) } },
    }));
    expect(limits.template.containers[0].resources).toEqual({ limits: { cpu: '4', memory: '8Gi' }, requests: { cpu: '1', memory: '2Gi' } });
  });

  test('in a preset, the pool names KServe\'s templates, filled per service', () => {
    const chart = newChart('llm');
    new LlmServiceConfig(chart, 'routing', { router: LlmRouter.managed({ scheduler: LlmScheduler.managed({ pool: { failureMode: EndpointPickerFailureMode.FAIL_OPEN } }) }) });
    const spec = docOf(synth(chart), 'LLMInferenceServiceConfig', 'routing').spec.router.scheduler.pool.spec;
    expect(spec.endpointPickerRef.name).toBe('{{ ChildName .ObjectMeta.Name `-epp-service` }}');
    expect(spec.selector.matchLabels['app.kubernetes.io/name']).toBe('{{ .ObjectMeta.Name }}');
  });

  test.each<[string, () => unknown, string | RegExp]>([
    ['a failure mode that is not one', () => LlmScheduler.managed({ pool: { failureMode: 'FailSometimes' as any } }),
      'LlmScheduler.managed: pool.failureMode "FailSometimes" is not a failure mode; use EndpointPickerFailureMode.FAIL_OPEN or FAIL_CLOSE'],
    ['a protocol that is not one', () => LlmScheduler.managed({ pool: { appProtocol: 'grpc' as any } }), 'pool.appProtocol "grpc" is not a protocol'],
    ['no ports', () => LlmScheduler.managed({ pool: { targetPorts: [] } }), 'pool.targetPorts [] is not a list of 1 to 8 ports'],
    ['nine ports', () => LlmScheduler.managed({ pool: { targetPorts: [1, 2, 3, 4, 5, 6, 7, 8, 9] } }), 'is not a list of 1 to 8 ports'],
    ['a port out of range', () => LlmScheduler.managed({ pool: { targetPorts: [70000] } }), 'pool.targetPorts[0] 70000 is not allowed; use a whole number from 1 to 65535'],
    ['a port twice', () => LlmScheduler.managed({ pool: { targetPorts: [8000, 8000] } }), 'pool.targetPorts 8000 is listed twice'],
    ['a bad image', () => LlmScheduler.managed({ template: { image: 'Not An Image' } }), 'LlmScheduler.managed: template.image "Not An Image" is not a valid image reference'],
    ['a flag KServe sets', () => LlmScheduler.managed({ template: { args: ['--pool-name=x'] } }),
      'LlmScheduler.managed: template.args "--pool-name=x" repeats a flag KServe passes the endpoint picker'],
    ['an empty flag', () => LlmScheduler.managed({ template: { args: [''] } }), 'template.args [""] is not a list of flags'],
    ['a credential in a flag', () => LlmScheduler.managed({ template: { args: ['--api-key=sk-live-0123456789abcdef'] } }), /template\.args/],
    ['a credential in env', () => LlmScheduler.managed({ template: { envVariables: { API_TOKEN: EnvValue.fromValue('sk-live-0123456789abcdef') } } }),
      'LlmScheduler.managed: template.envVariables["API_TOKEN"] "<redacted>"'],
    ['a string where an EnvValue belongs', () => LlmScheduler.managed({ template: { envVariables: { LEVEL: 'debug' as any } } }),
      'LlmScheduler.managed: template.envVariables["LEVEL"] "debug" is not an EnvValue'],
    ['the replaced env prop', () => LlmScheduler.managed({ template: { env: { A: '1' } } as any }),
      'LlmScheduler.managed: template.env "<set>" is no longer a scheduler template prop; use template.envVariables'],
    ['an empty template', () => LlmScheduler.managed({ template: {} }), 'LlmScheduler.managed: template {} sets nothing'],
    ['a memory limit below the request', () => LlmScheduler.managed({ template: { resources: { memory: Size.gibibytes(4), memoryLimit: Size.gibibytes(2) } } }),
      'template.resources.memoryLimit "2Gi" is below the memory request (4Gi)'],
    ['a cpu limit below the request', () => LlmScheduler.managed({ template: { resources: { cpu: Cpu.units(2), cpuLimit: Cpu.millis(500) } } }),
      'template.resources.cpuLimit "500m" is below the cpu request (2)'],
    ['a negative cpu', () => LlmScheduler.managed({ template: { resources: { cpu: Cpu.units(-1) } } }), 'template.resources.cpu "-1" is not a positive Cpu'],
  ])('%s fails', (_n, f, message) => {
    // Value classes keep their factory's error until used (raiseIfInvalid is what a construct runs).
    expect(() => raiseIfInvalid(f())).toThrow(message);
  });

  test('secrets never reach the error message', () => {
    const withToken = () => raiseIfInvalid(LlmScheduler.managed({ template: { envVariables: { API_TOKEN: EnvValue.fromValue('sk-live-0123456789abcdef') } } }));
    expect(withToken).toThrow(/API_TOKEN/);
    expect(withToken).not.toThrow(/0123456789abcdef/);
  });
});

describe('LlmService storageInitializer', () => {
  const acc = Accelerator.nvidiaGpu();

  test('off: written as spec.storageInitializer.enabled false; on: written as set', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'baked', { storage: LLAMA_8B, accelerator: acc, storageInitializer: false });
    new LlmService(chart, 'explicit', { storage: LLAMA_8B, accelerator: acc, storageInitializer: true });
    new LlmService(chart, 'default', { storage: LLAMA_8B, accelerator: acc });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'baked').spec.storageInitializer).toEqual({ enabled: false });
    expect(docOf(docs, 'LLMInferenceService', 'explicit').spec.storageInitializer).toEqual({ enabled: true });
    expect(docOf(docs, 'LLMInferenceService', 'default').spec.storageInitializer).toBeUndefined();
  });

  test.each<[string, (chart: any) => unknown, string]>([
    ['not a boolean', (c) => new LlmService(c, 's', { storage: LLAMA_8B, accelerator: acc, storageInitializer: 'no' as any }),
      'test/s: storageInitializer "no" is not a boolean; use true or false'],
    ['off with confidential weights', (c) => new LlmService(c, 's', { storage: LLAMA_8B, accelerator: acc, storageInitializer: false, confidential: {} }),
      'test/s: storageInitializer false is set, but the storage initializer decrypts confidential weights'],
    ['off with LoRA adapters', (c) => new LlmService(c, 's', {
      storage: LLAMA_8B,
      accelerator: acc,
      storageInitializer: false,
      loraAdapters: [LoraAdapter.of({ name: 'sql', storage: ModelStorage.fromHuggingFace('acme/sql-lora', { revision: 'v1' }) })],
    }), 'test/s: storageInitializer false is set, but then KServe attaches no LoRA adapter ("sql", hf://acme/sql-lora'],
    ['off with pvc:// weights', (c) => new LlmService(c, 's', { storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'llama' }), accelerator: acc, storageInitializer: false }),
      'test/s: storageInitializer false is set, but then KServe does not mount the pvc:// weights either'],
  ])('%s fails', (_n, f, message) => {
    expect(() => f(newChart('llm'))).toThrow(message);
  });
});

describe('LlmScaling: KEDA fallback and HPA scale-up stabilization (KServe\'s autoscaling examples)', () => {
  test('KEDA fallback and HPA behavior in both directions are written', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'k', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 6, fallback: { failureThreshold: 3, replicas: 4 } }),
    });
    new LlmService(chart, 'h', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.hpa({ maxReplicas: 5, scaleUpStabilization: Duration.seconds(0), scaleDownStabilization: Duration.minutes(5) }),
    });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'k').spec.scaling).toEqual({ minReplicas: 2, maxReplicas: 6, wva: { keda: { fallback: { failureThreshold: 3, replicas: 4 } } } });
    expect(docOf(docs, 'LLMInferenceService', 'h').spec.scaling).toEqual({
      maxReplicas: 5, wva: { hpa: { behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } } } },
    });
  });

  test.each<[string, () => unknown, string]>([
    ['a fallback above maxReplicas', () => LlmScaling.keda({ maxReplicas: 4, fallback: { failureThreshold: 3, replicas: 5 } }),
      'LlmScaling.keda: fallback.replicas 5 is not allowed; use a whole number from 1 to 4'],
    ['a fallback below minReplicas', () => LlmScaling.keda({ minReplicas: 2, maxReplicas: 4, fallback: { failureThreshold: 3, replicas: 1 } }),
      'LlmScaling.keda: fallback.replicas 1 is not allowed; use a whole number from 2 to 4'],
    ['a fallback without a threshold', () => LlmScaling.keda({ maxReplicas: 4, fallback: { replicas: 2 } as any }), 'LlmScaling.keda: fallback.failureThreshold undefined is required'],
    ['a zero threshold', () => LlmScaling.keda({ maxReplicas: 4, fallback: { failureThreshold: 0, replicas: 2 } }), 'LlmScaling.keda: fallback.failureThreshold 0 is not allowed'],
    ['a fallback without replicas', () => LlmScaling.keda({ maxReplicas: 4, fallback: { failureThreshold: 2 } as any }), 'LlmScaling.keda: fallback.replicas undefined is required'],
    ['a scale-up window over an hour', () => LlmScaling.hpa({ maxReplicas: 4, scaleUpStabilization: Duration.hours(2) }), 'LlmScaling.hpa: scaleUpStabilization'],
  ])('%s fails', (_n, f, message) => {
    // Value classes keep their factory's error until used (raiseIfInvalid is what a construct runs).
    expect(() => raiseIfInvalid(f())).toThrow(message);
  });
});

describe('KV-cache offloading on a claim KServe creates per pod', () => {
  test('written as pvc.spec with access mode, size and storage class, after the emptyDir tier', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'kv', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      resources: { memory: Size.gibibytes(64) },
      kvCacheOffloading: { cpu: Size.gibibytes(20), localDisk: Size.gibibytes(50), ephemeralVolume: { size: Size.gibibytes(200), storageClassName: 'local-nvme' } },
    });
    expect(docOf(synth(chart), 'LLMInferenceService').spec.kvCacheOffloading).toEqual({
      cpu: '20Gi',
      secondary: [
        { fileSystem: { emptyDir: { size: '50Gi' } } },
        { fileSystem: { pvc: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '200Gi' } }, storageClassName: 'local-nvme' } } } },
      ],
    });
  });

  test.each<[string, any, string]>([
    ['no size', { size: undefined }, 'test/kv: kvCacheOffloading.ephemeralVolume.size undefined is not a Size'],
    ['a zero size', { size: Size.mebibytes(0) }, 'test/kv: kvCacheOffloading.ephemeralVolume.size "0Mi" is out of range'],
    ['a bad storage class', { size: Size.gibibytes(1), storageClassName: 'Local NVMe' }, 'test/kv: kvCacheOffloading.ephemeralVolume.storageClassName "Local NVMe"'],
  ])('%s fails', (_n, ephemeralVolume, message) => {
    const chart = newChart('llm');
    expect(() => new LlmService(chart, 'kv', {
      storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), kvCacheOffloading: { cpu: Size.gibibytes(1), ephemeralVolume },
    })).toThrow(message);
  });
});

describe('LlmScaling: HPA policies, KEDA advanced and fallback behavior (KServe 0.20 ScalingSpec)', () => {
  test('HPA policies, select policy and tolerance are written in both directions', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'h', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.hpa({
        maxReplicas: 8,
        scaleUpStabilization: Duration.seconds(30),
        scaleUp: {
          policies: [
            { unit: LlmScalingPolicyType.PODS, value: 2, period: Duration.minutes(1) },
            { unit: LlmScalingPolicyType.PERCENT, value: 50, period: Duration.seconds(60) },
          ],
          selectPolicy: LlmScalingSelectPolicy.MIN,
          tolerance: 0.05,
        },
        scaleDown: { stabilization: Duration.minutes(10), selectPolicy: LlmScalingSelectPolicy.DISABLED },
      }),
    });
    expect(docOf(synth(chart), 'LLMInferenceService', 'h').spec.scaling).toEqual({
      maxReplicas: 8,
      wva: {
        hpa: {
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 30,
              selectPolicy: 'Min',
              policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }],
              tolerance: '0.05',
            },
            scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Disabled' },
          },
        },
      },
    });
  });

  test('KEDA fallback behavior is written', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'k', {
      storage: LLAMA_8B,
      accelerator: Accelerator.nvidiaGpu(),
      scaling: LlmScaling.keda({
        minReplicas: 2, maxReplicas: 6, fallback: { failureThreshold: 3, replicas: 4, behavior: LlmKedaFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER },
      }),
    });
    expect(docOf(synth(chart), 'LLMInferenceService', 'k').spec.scaling).toEqual({
      minReplicas: 2, maxReplicas: 6, wva: { keda: { fallback: { failureThreshold: 3, replicas: 4, behavior: 'currentReplicasIfHigher' } } },
    });
  });

  test('why KEDA advanced is not offered: the KServe 0.20 CRD admits no `advanced` block', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'k', { storage: LLAMA_8B, accelerator: Accelerator.nvidiaGpu(), scaling: LlmScaling.keda({ maxReplicas: 4 }) });
    const doc = docOf(synth(chart), 'LLMInferenceService', 'k');
    const withAdvanced = (advanced: unknown) => {
      const d = JSON.parse(JSON.stringify(doc));
      d.spec.scaling.wva.keda.advanced = advanced;
      return conformanceErrors(d).join('\n');
    };
    // Without scalingModifiers the CEL rule reads a missing key; with an empty metricType the enum rejects it.
    expect(withAdvanced({ restoreToOriginalReplicaCount: true })).toMatch(/wva\/keda: evaluation error: field not found: scalingModifiers/);
    expect(withAdvanced({ restoreToOriginalReplicaCount: true, scalingModifiers: { formula: '', target: '', activationTarget: '', metricType: '' } }))
      .toMatch(/advanced\/scalingModifiers\/metricType: must be equal to one of the allowed values/);
  });

  test.each<[string, () => unknown, string]>([
    ['an unknown fallback behavior', () => LlmScaling.keda({ maxReplicas: 4, fallback: { failureThreshold: 3, replicas: 2, behavior: 'sticky' as any } }),
      'LlmScaling.keda: fallback.behavior "sticky" is not a KEDA fallback behavior; use one of static, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower'],
    ['a stabilization set twice', () => LlmScaling.hpa({ maxReplicas: 4, scaleDownStabilization: Duration.minutes(1), scaleDown: { stabilization: Duration.minutes(2) } }),
      'LlmScaling.hpa: scaleDown.stabilization "<Duration>" is set together with scaleDownStabilization'],
    ['an empty policy list', () => LlmScaling.hpa({ maxReplicas: 4, scaleUp: { policies: [] } }), 'LlmScaling.hpa: scaleUp.policies [] is empty'],
    ['a zero policy value', () => LlmScaling.hpa({ maxReplicas: 4, scaleUp: { policies: [{ unit: LlmScalingPolicyType.PODS, value: 0, period: Duration.seconds(15) }] } }),
      'LlmScaling.hpa: scaleUp.policies[0].value 0 is not allowed'],
    ['a policy period over 30 minutes', () => LlmScaling.hpa({ maxReplicas: 4, scaleDown: { policies: [{ unit: LlmScalingPolicyType.PERCENT, value: 10, period: Duration.hours(1) }] } }),
      'LlmScaling.hpa: scaleDown.policies[0].period "3600s" is out of range; use whole seconds from 1 to 1800'],
    ['an unknown policy unit', () => LlmScaling.hpa({ maxReplicas: 4, scaleUp: { policies: [{ unit: 'Nodes' as any, value: 1, period: Duration.seconds(15) }] } }),
      'LlmScaling.hpa: scaleUp.policies[0].unit "Nodes" is not a policy unit; use LlmScalingPolicyType.PODS or PERCENT'],
    ['a policy without a period', () => LlmScaling.hpa({ maxReplicas: 4, scaleUp: { policies: [{ unit: LlmScalingPolicyType.PODS, value: 1 } as any] } }),
      'LlmScaling.hpa: scaleUp.policies[0].period undefined is required'],
    ['an unknown select policy', () => LlmScaling.hpa({ maxReplicas: 4, scaleUp: { selectPolicy: 'Avg' as any } }),
      'LlmScaling.hpa: scaleUp.selectPolicy "Avg" is not a select policy; use one of Max, Min, Disabled'],
    ['a negative tolerance', () => LlmScaling.hpa({ maxReplicas: 4, scaleDown: { tolerance: -0.1 } }), 'LlmScaling.hpa: scaleDown.tolerance -0.1 is not a fraction from 0 to below 1'],
  ])('%s fails', (_n, f, message) => {
    expect(() => raiseIfInvalid(f())).toThrow(message);
  });
});
