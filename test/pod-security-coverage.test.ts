import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { expectRestricted, podsOf } from './conformance/pod-security';
import { docOf, newChart, synth } from './util';
import {
  Accelerator, ClusterServingRuntime, GpuNodePool, GpuProduct, LlmService, LlmServiceConfig, ModelFormat, ModelStorage, PodSecurity, ServingRuntime,
} from '../src';

const OPT_OUT = 'model-serving.cdk8s.io/pod-security-opt-out';
const SKLEARN_IMAGE = 'kserve/sklearnserver:v0.20.0';

/**
 * The restricted-profile checker sees every pod template the library writes:
 * the containers of serving runtimes (KServe copies them into each model pod)
 * and the pods of LLM presets and multi-node (LeaderWorkerSet) workers, not
 * only the models' own.
 */
describe('every pod template the library writes is restricted', () => {
  test('ServingRuntime and ClusterServingRuntime containers; baseline is an annotated exception', () => {
    const chart = newChart('ml');
    const formats = [{ format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority: 1 }];
    new ServingRuntime(chart, 'sklearn', { supportedFormats: formats, container: { image: SKLEARN_IMAGE } });
    new ClusterServingRuntime(chart, 'sklearn-gpu', {
      supportedFormats: [{ format: ModelFormat.XGBOOST }],
      container: { image: SKLEARN_IMAGE, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) } },
    });
    new ServingRuntime(chart, 'legacy', {
      supportedFormats: [{ format: ModelFormat.LIGHTGBM }], container: { image: SKLEARN_IMAGE }, podSecurity: PodSecurity.baseline('vendor image runs as root'),
    });
    const docs = synth(chart);
    const runtimes = docs.filter((d) => d.kind.endsWith('ServingRuntime'));
    expect(runtimes.map((d) => `${d.kind}/${d.metadata.name}`).sort())
      .toEqual(['ClusterServingRuntime/sklearn-gpu', 'ServingRuntime/legacy', 'ServingRuntime/sklearn']);
    expect(runtimes.every((d) => podsOf(d).length === 1)).toBe(true);
    const restricted = runtimes.filter((d) => d.metadata.annotations?.[OPT_OUT] === undefined);
    expect(expectRestricted(restricted)).toBe(2);
    // The documented exception stays one: recorded, and visibly not restricted.
    const legacy = docOf(docs, 'ServingRuntime', 'legacy');
    expect(legacy.metadata.annotations[OPT_OUT]).toBe('vendor image runs as root');
    expect(() => expectRestricted([legacy])).toThrow(/runAsNonRoot must be true/);
  });

  test('LLM presets and multi-node workers (the LeaderWorkerSet KServe derives)', () => {
    const chart = newChart('llm');
    const h100 = Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 });
    const p5 = GpuNodePool.eksKarpenter('gpu-h100', { instanceFamily: 'p5', gpusPerNode: 8 });
    const preset = new LlmServiceConfig(chart, 'h100', { accelerator: h100, nodePool: p5, image: 'vllm/vllm-openai:v0.11.0' });
    new LlmService(chart, 'big', {
      storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-70B-Instruct', { revision: 'main' }),
      accelerator: h100,
      nodePool: p5,
      parallelism: { tensor: 8, data: 2, dataLocal: 1 },
      config: [preset],
    });
    const docs = synth(chart);
    const svc = docOf(docs, 'LLMInferenceService', 'big');
    expect(podsOf(svc).map((p) => p.where)).toEqual(['spec.template', 'spec.worker']);
    expect(podsOf(docOf(docs, 'LLMInferenceServiceConfig', 'h100')).map((p) => p.where)).toEqual(['spec.template']);
    // Leader, worker and the preset's pod.
    expect(expectRestricted(docs)).toBe(3);
  });
});
