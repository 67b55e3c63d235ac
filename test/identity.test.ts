/**
 * Identity is unique across the whole app (issue 16), for every construct
 * family and in apps without a ServedModel: two documents of one API group,
 * kind, namespace and name, or a document and an object an engine derives
 * (KServe's LLMInferenceService children, a Standard-mode canary's
 * Deployment), fail synth naming both construct paths.
 */
import { ApiObject, App, Chart, Size, Testing } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, ClusterServingRuntime, GatewayExposure, GatewayRef, KnativeFeatures, LlmRouter, LlmScheduler, LlmService,
  LlmServiceConfig, LocalModelCache, LocalModelNodeGroup, ModelFormat, ModelStorage, RolloutEngine, ServedModel, ServedModelProps, ServingPlatform,
  ServingRuntime, TrafficRouter,
} from '../src';
import { testApp } from './util';
import * as identity from '../src/internal/identity';

const base: ServedModelProps = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' }) };
const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });
const RUNTIME = { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'reg.example.com/rt:1' } };

function appWith(build: (app: App) => void): App {
  const app = testApp();
  build(app);
  return app;
}

function group(c: Chart, id: string, name?: string): LocalModelNodeGroup {
  return new LocalModelNodeGroup(c, id, { name, storageLimit: Size.gibibytes(500), localPath: '/mnt/models', nodeSelector: { cache: 'nvme' } });
}

describe('documents of one identity, without any ServedModel', () => {
  test('two ServingRuntimes of one name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      new ServingRuntime(c, 'rt1', { ...RUNTIME, name: 'rt' } as any);
      new ServingRuntime(c, 'rt2', { ...RUNTIME, name: 'rt' } as any);
    });
    expect(() => app.synthYaml()).toThrow(/c\/rt2\/Resource: metadata.name "rt" gives a second serving.kserve.io\/v1alpha1 ServingRuntime ml\/rt: c\/rt1\/Resource emits the same object/);
  });

  test('two ClusterServingRuntimes of one name in charts of different namespaces (cluster-scoped: one object)', () => {
    const app = appWith((a) => {
      new ClusterServingRuntime(new Chart(a, 'c1', { namespace: 'ml' }), 'rt', { ...RUNTIME, name: 'triton' } as any);
      new ClusterServingRuntime(new Chart(a, 'c2', { namespace: 'risk' }), 'rt', { ...RUNTIME, name: 'triton' } as any);
    });
    expect(() => app.synthYaml()).toThrow(/c2\/rt\/Resource: metadata.name "triton" gives a second serving.kserve.io\/v1alpha1 ClusterServingRuntime triton: c1\/rt\/Resource emits the same object/);
  });

  test('KnativeFeatures in two charts write the same config-features ConfigMap', () => {
    const app = appWith((a) => {
      new KnativeFeatures(new Chart(a, 'c1'), 'features');
      new KnativeFeatures(new Chart(a, 'c2'), 'features');
    });
    expect(() => app.synthYaml()).toThrow(/c2\/features\/[^:]*: metadata.name "config-features" gives a second v1 ConfigMap knative-serving\/config-features: c1\/features\/[^ ]* emits the same object/);
  });

  test('two LocalModelNodeGroups of one name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c');
      group(c, 'g1', 'nvme');
      group(c, 'g2', 'nvme');
    });
    expect(() => app.synthYaml()).toThrow(/c\/g2\/[^:]*: metadata.name "nvme" gives a second serving.kserve.io\/v1alpha1 LocalModelNodeGroup nvme: c\/g1\/[^ ]* emits the same object/);
  });

  test('two LocalModelCaches of one name in two charts', () => {
    const app = appWith((a) => {
      const c1 = new Chart(a, 'c1');
      const c2 = new Chart(a, 'c2');
      new LocalModelCache(c1, 'llama', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(c1, 'g', 'nvme-a')] });
      new LocalModelCache(c2, 'llama', { storage: ModelStorage.fromUri('hf://meta-llama/Llama-3.1-70B'), modelSize: Size.gibibytes(16), nodeGroups: [group(c2, 'g', 'nvme-b')] });
    });
    expect(() => app.synthYaml()).toThrow(/c2\/llama\/[^:]*: metadata.name "llama" gives a second serving.kserve.io\/v1alpha1 LocalModelCache llama: c1\/llama\/[^ ]* emits the same object/);
  });

  test('two LlmServiceConfigs of one name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'llm' });
      new LlmServiceConfig(c, 'p1', { name: 'h100', image: 'vllm/vllm-openai:v0.11.0' });
      new LlmServiceConfig(c, 'p2', { name: 'h100', image: 'vllm/vllm-openai:v0.11.1' });
    });
    expect(() => app.synthYaml()).toThrow(/c\/p2\/[^:]*: metadata.name "h100" gives a second serving.kserve.io\/v1alpha2 LLMInferenceServiceConfig llm\/h100: c\/p1\/[^ ]* emits the same object/);
  });

  test('two LlmServices of one name in two charts', () => {
    const app = appWith((a) => {
      new LlmService(new Chart(a, 'c1', { namespace: 'llm' }), 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu() });
      new LlmService(new Chart(a, 'c2', { namespace: 'llm' }), 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu() });
    });
    expect(() => app.synthYaml()).toThrow(/c2\/chat\/Resource: metadata.name "chat" gives a second serving.kserve.io\/v1alpha2 LLMInferenceService llm\/chat: c1\/chat\/Resource emits the same object/);
  });

  test('the same names in two namespaces are fine', () => {
    const app = appWith((a) => {
      for (const ns of ['ml', 'risk']) {
        const c = new Chart(a, ns, { namespace: ns });
        new ServingRuntime(c, 'rt', { ...RUNTIME, name: 'rt' } as any);
        new LlmService(c, 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed() });
      }
    });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('objects KServe derives from an LLMInferenceService (pkg/controller/v1alpha2/llmisvc)', () => {
  test('the main Deployment `{name}-kserve` collides with a Deployment model of that name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'llm' });
      new LlmService(c, 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu() });
      new ServedModel(c, 'deploy', { ...base, name: 'chat-kserve', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/chat: name "chat-kserve" makes KServe \(the LLMInferenceService's main Deployment\) create apps\/v1 Deployment llm\/chat-kserve, but c\/deploy\/[^ ]* emits the same object/);
  });

  test('the workload Service `{name}-kserve-workload-svc` collides with a Service of that name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'llm' });
      new LlmService(c, 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu() });
      new ServedModel(c, 'deploy', { ...base, name: 'chat-kserve-workload-svc', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/chat: name "chat-kserve-workload-svc" makes KServe \(the LLMInferenceService's workload Service\) create v1 Service llm\/chat-kserve-workload-svc, but c\/deploy\/[^ ]* emits the same object/);
  });

  test('a prefill Deployment `{name}-kserve-prefill` collides with a Deployment model of that name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'llm' });
      new LlmService(c, 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), prefill: {} });
      new ServedModel(c, 'deploy', { ...base, name: 'chat-kserve-prefill', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/chat: name "chat-kserve-prefill" makes KServe \(the LLMInferenceService's prefill Deployment\) create apps\/v1 Deployment llm\/chat-kserve-prefill, but c\/deploy\/[^ ]* emits the same object/);
  });

  test('the scheduler\'s Deployment and InferencePool, only when KServe manages the scheduler', () => {
    const derived = (router: LlmRouter) => {
      const c = new Chart(testApp(), 'c', { namespace: 'llm' });
      const svc = new LlmService(c, 'chat', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), router });
      return svc._derivedObjects().map((d) => `${d.apiVersion} ${d.kind} ${d.namespace}/${d.name}`);
    };
    expect(derived(LlmRouter.managed())).toEqual([
      'apps/v1 Deployment llm/chat-kserve',
      'v1 Service llm/chat-kserve-workload-svc',
      'gateway.networking.k8s.io/v1 HTTPRoute llm/chat-kserve-route',
      'apps/v1 Deployment llm/chat-kserve-router-scheduler',
      'inference.networking.k8s.io/v1 InferencePool llm/chat-inference-pool',
    ]);
    expect(derived(LlmRouter.managed({ scheduler: LlmScheduler.existingPool('shared-pool') }))).toEqual([
      'apps/v1 Deployment llm/chat-kserve',
      'v1 Service llm/chat-kserve-workload-svc',
      'gateway.networking.k8s.io/v1 HTTPRoute llm/chat-kserve-route',
    ]);
    expect(derived(LlmRouter.NONE)).toEqual(['apps/v1 Deployment llm/chat-kserve', 'v1 Service llm/chat-kserve-workload-svc']);
  });
});

describe('rollouts and routes', () => {
  test('a Standard-mode canary\'s `{isvc}-{canary}-predictor` collides with another model\'s predictor', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      const fraud = new ServedModel(c, 'fraud', { ...base, platform: ServingPlatform.kserveStandard() });
      new CanaryRollout(c, 'v2', { model: fraud, candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v8' }) }, steps: [10, 50] });
      new ServedModel(c, 'other', { ...base, name: 'fraud-v2', platform: ServingPlatform.kserveStandard() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/other: name "fraud-v2-predictor" makes KServe \(the predictor's Deployment\) create apps\/v1 Deployment ml\/fraud-v2-predictor, but c\/fraud makes KServe \(the canary "v2"'s Deployment\) create the same object/);
  });

  test('a rollout\'s documents collide with a model\'s: Argo\'s `{model}-canary` Service and a model of that name', () => {
    const route = GatewayExposure.route({ gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })], hostnames: ['churn.example.com'] });
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      const churn = new ServedModel(c, 'churn', { ...base, platform: ServingPlatform.kubernetesDeployment(), gateway: route });
      new CanaryRollout(c, 'v2', {
        model: churn,
        candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn/v2' }) },
        steps: [10, 50],
        engine: RolloutEngine.ARGO_ROLLOUTS,
        trafficRouter: TrafficRouter.gatewayApi(),
      });
      new ServedModel(c, 'other', { ...base, name: 'churn-canary', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/other\/Service: metadata.name "churn-canary" gives a second v1 Service ml\/churn-canary: c\/v2\/CanaryService emits the same object/);
  });

  test('two models exposing one HTTPRoute name', () => {
    const gateway = (name: string) => GatewayExposure.route({ name, gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })], hostnames: ['m.example.com'] });
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      new ServedModel(c, 'a', { ...base, platform: ServingPlatform.kubernetesDeployment(), gateway: gateway('models') });
      new ServedModel(c, 'b', { ...base, platform: ServingPlatform.kubernetesDeployment(), gateway: gateway('models') });
    });
    expect(() => app.synthYaml()).toThrow(/c\/b\/[^:]*: metadata.name "models" gives a second gateway.networking.k8s.io\/v1 HTTPRoute ml\/models: c\/a\/[^ ]* emits the same object/);
  });
});

describe('chart.toJson() checks identities too', () => {
  test('synthesizing one chart runs the app-wide check (cdk8s validates the whole app first)', () => {
    const app = testApp();
    const c1 = new Chart(app, 'c1', { namespace: 'ml' });
    new ServingRuntime(c1, 'rt', { ...RUNTIME, name: 'rt' } as any);
    new ServingRuntime(new Chart(app, 'c2', { namespace: 'ml' }), 'rt', { ...RUNTIME, name: 'rt' } as any);
    expect(() => c1.toJson()).toThrow(/c2\/rt\/Resource: metadata.name "rt" gives a second serving.kserve.io\/v1alpha1 ServingRuntime ml\/rt/);
    expect(() => Testing.synth(c1)).toThrow(/gives a second serving.kserve.io\/v1alpha1 ServingRuntime ml\/rt/);
  });
});

describe('the check across syntheses (cdk8s validates the app once per chart)', () => {
  test('a document added after a synthesis that collides with a derived object fails the next synthesis', () => {
    const app = testApp();
    const c = new Chart(app, 'c', { namespace: 'ml' });
    new Chart(app, 'other', { namespace: 'ml' });
    new ServedModel(c, 'fraud', base);
    expect(() => app.synthYaml()).not.toThrow();
    new ApiObject(c, 'clash', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fraud-predictor' } });
    expect(() => app.synthYaml()).toThrow(/fraud-predictor/);
  });

  test('a document that replaces another after a synthesis (as many constructs as before) is checked', () => {
    const app = testApp();
    const c = new Chart(app, 'c', { namespace: 'ml' });
    new ServedModel(c, 'fraud', base);
    new ApiObject(c, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fraud-metrics' } });
    expect(() => app.synthYaml()).not.toThrow();
    expect(c.node.tryRemoveChild('svc')).toBe(true);
    new ApiObject(c, 'clash', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fraud-predictor' } });
    expect(() => app.synthYaml()).toThrow(/c\/fraud: name "fraud-predictor" makes Knative \(the predictor's route Service\) create v1 Service ml\/fraud-predictor, but c\/clash emits the same object/);
  });

  test('a model derives the same objects until its spec changes, and says when it does (the check keeps its result until then)', () => {
    const app = testApp();
    const c = new Chart(app, 'c', { namespace: 'ml' });
    const model = new ServedModel(c, 'fraud', { ...base, platform: ServingPlatform.kserveStandard() });
    const before = model._derivedObjects().map((d) => d.name);
    expect(model._derivedObjects().map((d) => d.name)).toEqual(before);
    expect(before).toContain('fraud-predictor');
    expect(before).not.toContain('fraud-v2-predictor');
    const changed = jest.spyOn(identity, 'derivedObjectsChanged');
    new CanaryRollout(c, 'v2', { model, steps: [10, 50], candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v8' }) } });
    expect(changed).toHaveBeenCalledWith(model);
    expect(model._derivedObjects().map((d) => d.name)).toContain('fraud-v2-predictor');
    changed.mockClear();
    model.addEnv('LOG_LEVEL', EnvValue.fromValue('debug'));
    expect(changed).toHaveBeenCalledWith(model);
    changed.mockRestore();
  });

  test('a model whose derived objects change after a synthesis is checked again', () => {
    const app = testApp();
    const c = new Chart(app, 'c', { namespace: 'ml' });
    const model = new ServedModel(c, 'fraud', { ...base, platform: ServingPlatform.kserveStandard() });
    // Standard mode derives `fraud-predictor`; a transformer-less model has no `fraud-transformer` yet.
    new ApiObject(c, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fraud-v2-predictor' } });
    expect(() => app.synthYaml()).not.toThrow();
    new CanaryRollout(c, 'v2', { model, steps: [10, 50], candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v8' }) } });
    expect(() => app.synthYaml()).toThrow(/fraud-v2-predictor/);
  });
});
