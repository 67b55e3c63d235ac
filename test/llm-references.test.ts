/**
 * LLM services reference what they use by cdk8s-plus objects and interfaces
 * (issue 19): service accounts as `IServiceAccount`, presets as
 * `ILlmServiceConfig`, canary members as `ILlmService`; a service and a
 * config declare their shared fields once (`LlmServiceBaseProps`).
 */
import { ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, ILlmService, ILlmServiceConfig, LlmCanary, LlmRouter, LlmService, LlmServiceBaseProps, LlmServiceConfig, LlmServiceConfigProps,
  LlmServiceProps, ModelStorage,
} from '../src';

const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });

describe('service accounts by reference', () => {
  test('an LlmService and an LlmServiceConfig write the referenced account\'s name into their pod templates', () => {
    const chart = newChart('llm');
    const reader = ServiceAccount.fromServiceAccountName(chart, 'reader', 'weights-reader');
    const preset = new LlmServiceConfig(chart, 'preset', { serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'preset-sa', 'preset-reader') });
    new LlmService(chart, 'svc', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), serviceAccount: reader, config: [preset] });
    const docs = synth(chart);
    expect(docOf(docs, 'LLMInferenceService', 'svc').spec.template.serviceAccountName).toBe('weights-reader');
    expect(docOf(docs, 'LLMInferenceServiceConfig', 'preset').spec.template.serviceAccountName).toBe('preset-reader');
    // An imported account writes no document of its own.
    expect(docs.map((d) => d.kind).sort()).toEqual(['LLMInferenceService', 'LLMInferenceServiceConfig']);
  });

  test('a multi-node service gives its workers the same account', () => {
    const chart = newChart('llm');
    new LlmService(chart, 'svc', {
      storage: LLAMA,
      accelerator: Accelerator.nvidiaGpu({ count: 8 }),
      parallelism: { tensor: 8, data: 2, dataLocal: 1 },
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'weights-reader'),
    });
    const spec = docOf(synth(chart), 'LLMInferenceService', 'svc').spec;
    expect(spec.worker.serviceAccountName).toBe('weights-reader');
  });

  test.each<[string, (chart: Construct) => unknown, RegExp]>([
    ['a bare name (untyped callers)', () => 'weights-reader',
      /^test\/svc: serviceAccount "weights-reader" is not a ServiceAccount; use a cdk8s-plus ServiceAccount, e\.g\. ServiceAccount\.fromServiceAccountName\(chart, 'sa', 'model-reader'\)$/],
    ['an invalid name', (c) => ServiceAccount.fromServiceAccountName(c, 'sa', 'Weights_Reader'), /^test\/svc: serviceAccount "Weights_Reader" is not a valid DNS-1123 subdomain/],
    ['a token as the name', (c) => ServiceAccount.fromServiceAccountName(c, 'sa', 'sk-abcdefghijklmnopqrstuvwx'),
      /^test\/svc: serviceAccount "<redacted>" looks like an OpenAI-style API key written as a literal/],
  ])('%s fails naming the prop', (_n, account, error) => {
    const chart = newChart('llm');
    expect(() => new LlmService(chart, 'svc', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), serviceAccount: account(chart) as any })).toThrow(error);
  });

  test('a config checks its account the same way', () => {
    const chart = newChart('llm');
    expect(() => new LlmServiceConfig(chart, 'preset', { serviceAccount: 'preset-reader' as any }))
      .toThrow(/^test\/preset: serviceAccount "preset-reader" is not a ServiceAccount; use a cdk8s-plus ServiceAccount/);
  });
});

describe('one declaration of the fields a service and a preset share', () => {
  test('LlmServiceProps and LlmServiceConfigProps both extend LlmServiceBaseProps', () => {
    const shared: LlmServiceBaseProps = { image: 'vllm/vllm-openai:v0.11.0', args: ['--seed=1'], labels: { team: 'ml' }, storageInitializer: false };
    const chart = newChart('llm');
    // The same object is valid props of both constructs (the compiler checks the assignments).
    const configProps: LlmServiceConfigProps = shared;
    const serviceProps: LlmServiceProps = { ...shared, storage: ModelStorage.fromS3({ bucket: 'weights', key: 'llama' }) };
    new LlmServiceConfig(chart, 'preset', configProps);
    new LlmService(chart, 'svc', { ...serviceProps, accelerator: Accelerator.nvidiaGpu() });
    const docs = synth(chart);
    for (const [kind, name] of [['LLMInferenceServiceConfig', 'preset'], ['LLMInferenceService', 'svc']]) {
      const doc = docOf(docs, kind, name);
      expect(doc.metadata.labels.team).toBe('ml');
      expect(doc.spec.template.containers[0].image).toBe('vllm/vllm-openai:v0.11.0');
      expect(doc.spec.storageInitializer).toEqual({ enabled: false });
    }
  });
});

describe('interfaces for references between constructs', () => {
  test('a service takes presets as ILlmServiceConfig, created here or referenced by name', () => {
    const chart = newChart('llm');
    const installed: ILlmServiceConfig = LlmServiceConfig.fromConfigName(chart, 'installed', 'team-preset', { namespace: 'kserve' });
    const own: ILlmServiceConfig = new LlmServiceConfig(chart, 'own', { args: ['--seed=1'] });
    new LlmService(chart, 'svc', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), config: [installed, own], args: ['--max-num-seqs=8'] });
    const spec = docOf(synth(chart), 'LLMInferenceService', 'svc').spec;
    expect(spec.baseRefs).toEqual([{ name: 'team-preset' }, { name: 'own' }]);
    // The own preset's args are known and repeated before the service's (a list replaces a list in KServe's merge).
    expect(spec.template.containers[0].args).toEqual(['--seed=1', '--max-num-seqs=8']);
    expect(installed.namespace).toBe('kserve');
  });

  test('a config that is not a construct fails naming the importer', () => {
    expect(() => new LlmService(newChart('llm'), 'svc', { storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), config: [{ name: 'x' } as any] }))
      .toThrow(/^test\/svc: config\[0\] \{"name":"x"\} is not an LlmServiceConfig; pass LlmServiceConfig constructs, or LlmServiceConfig.fromConfigName\(\.\.\.\) for installed ones$/);
  });

  test('an LlmCanary takes ILlmService references; one that is not an LlmService of this app fails by its path', () => {
    const chart = newChart('llm');
    const common = { modelName: 'llama', accelerator: Accelerator.nvidiaGpu(), router: LlmRouter.managed() };
    const stable: ILlmService = new LlmService(chart, 'v1', { storage: LLAMA, ...common });
    const candidate: ILlmService = new LlmService(chart, 'v2', { storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'v2' }), ...common });
    new LlmCanary(chart, 'canary', { stable, candidate, candidateWeight: 20 });
    expect(docOf(synth(chart), 'LLMInferenceService', 'v2').spec.router.route).toEqual({ group: 'v1', weight: 20 });

    const elsewhere = newChart('llm');
    class Foreign extends Construct implements ILlmService {
      public readonly name = 'v1';
      public readonly namespace = 'llm';
      public readonly modelName = 'llama';
    }
    const foreign = new Foreign(elsewhere, 'foreign');
    const v2 = new LlmService(elsewhere, 'v2', { storage: LLAMA, ...common });
    expect(() => new LlmCanary(elsewhere, 'canary', { stable: foreign, candidate: v2 }))
      .toThrow(/^test\/canary: stable "test\/foreign" is not an LlmService; pass the LlmService serving today's traffic$/);
  });
});
