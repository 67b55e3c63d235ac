import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Accelerator, GpuProduct, LlmBackend, LlmDataType, ModelFormat, ModelStorage, ServedModel } from '../src';
import { docOf, newChart, synth } from './util';

const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-70B-Instruct');

describe('LLM serving on the Hugging Face runtime (vLLM)', () => {
  test('typed options become server args; tensor parallelism follows the GPU count', () => {
    const chart = newChart('llm');
    new ServedModel(chart, 'llama-70b', {
      format: ModelFormat.HUGGINGFACE,
      storage: LLAMA,
      accelerator: Accelerator.nvidiaGpu({ count: 4, product: GpuProduct.H100_80GB_HBM3 }),
      resources: { cpu: Cpu.units(16), memory: Size.gibibytes(160) },
      args: ['--model_name=llama'],
      llm: {
        maxModelLength: 16384,
        gpuMemoryUtilization: 0.92,
        dtype: LlmDataType.BFLOAT16,
        maxNumSeqs: 128,
        enablePrefixCaching: true,
        quantization: 'fp8',
      },
    });
    const docs = synth(chart);
    const model = docOf(docs, 'InferenceService').spec.predictor.model;
    expect(model.modelFormat).toEqual({ name: 'huggingface' });
    expect(model.storageUri).toBe('hf://meta-llama/Llama-3.1-70B-Instruct');
    expect(model.protocolVersion).toBe('v1');
    expect(model.args).toEqual([
      '--model_name=llama',
      '--backend=vllm',
      '--max_model_len=16384',
      '--dtype=bfloat16',
      '--gpu-memory-utilization=0.92',
      '--max-num-seqs=128',
      '--enable-prefix-caching',
      '--quantization=fp8',
      '--tensor-parallel-size=4',
    ]);
    expect(model.resources.limits['nvidia.com/gpu']).toBe(4);
    expect(docs).toMatchSnapshot();
  });

  test('Hugging Face backend on CPU, task and remote code', () => {
    const chart = newChart();
    new ServedModel(chart, 'bert', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('google-bert/bert-base-uncased', { revision: 'main' }),
      llm: { backend: LlmBackend.HUGGINGFACE, task: 'fill_mask', trustRemoteCode: true, dtype: LlmDataType.FLOAT32, maxModelLength: 512 },
    });
    const model = docOf(synth(chart), 'InferenceService').spec.predictor.model;
    expect(model.args).toEqual(['--backend=huggingface', '--max_model_len=512', '--dtype=float32', '--trust_remote_code', '--task=fill_mask']);
    expect(model.storageUri).toBe('hf://google-bert/bert-base-uncased:main');
  });

  test('one GPU: no tensor parallel flag; prefix caching can be switched off', () => {
    const chart = newChart();
    new ServedModel(chart, 'qwen', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('Qwen/Qwen2.5-7B-Instruct'),
      accelerator: Accelerator.nvidiaGpu(),
      llm: { enablePrefixCaching: false, dtype: LlmDataType.of('half') },
    });
    const model = docOf(synth(chart), 'InferenceService').spec.predictor.model;
    expect(model.args).toEqual(['--backend=vllm', '--dtype=half', '--no-enable-prefix-caching']);
  });
});

describe('LLM bad input', () => {
  const base = { format: ModelFormat.HUGGINGFACE, storage: LLAMA, accelerator: Accelerator.nvidiaGpu() };
  const cases: Array<[string, () => void, RegExp]> = [
    ['llm on another format', () => new ServedModel(newChart(), 'm', { ...base, format: ModelFormat.SKLEARN, llm: {} }),
      /^test\/m: llm "sklearn" applies to the Hugging Face runtime only; set format: ModelFormat.HUGGINGFACE, or drop llm$/],
    ['vLLM without a GPU', () => new ServedModel(newChart(), 'm', { ...base, accelerator: undefined, llm: {} }),
      /^test\/m: llm.backend "vllm" needs a GPU; set accelerator \(e.g. Accelerator.nvidiaGpu\(\)\), or use LlmBackend.HUGGINGFACE on CPU$/],
    ['memory utilization above 1', () => new ServedModel(newChart(), 'm', { ...base, llm: { gpuMemoryUtilization: 1.2 } }),
      /^test\/m: llm.gpuMemoryUtilization 1.2 is out of range; use a share above 0 and at most 1, e.g. 0.9$/],
    ['fractional max model length', () => new ServedModel(newChart(), 'm', { ...base, llm: { maxModelLength: 4096.5 } }),
      /^test\/m: llm.maxModelLength 4096.5 is not allowed; use a whole number from 1 to 10000000$/],
    ['zero max num seqs', () => new ServedModel(newChart(), 'm', { ...base, llm: { maxNumSeqs: 0 } }),
      /^test\/m: llm.maxNumSeqs 0 is not allowed/],
    ['a flag set twice', () => new ServedModel(newChart(), 'm', { ...base, args: ['--max-model-len=8192'], llm: { maxModelLength: 4096 } }),
      /^test\/m: args "--max-model-len=8192" sets what llm already sets; set it once, in llm or in args/],
    ['vLLM setting on the Hugging Face backend', () => new ServedModel(newChart(), 'm', { ...base, llm: { backend: LlmBackend.HUGGINGFACE, maxNumSeqs: 8 } }),
      /^test\/m: llm.maxNumSeqs 8 is a vLLM setting, not used by the Hugging Face backend; drop it, or use LlmBackend.VLLM$/],
    ['several GPUs on the Hugging Face backend', () => new ServedModel(newChart(), 'm', {
      ...base, accelerator: Accelerator.nvidiaGpu({ count: 2 }), llm: { backend: LlmBackend.HUGGINGFACE },
    }), /^test\/m: accelerator.count 2 GPUs cannot be used by the Hugging Face backend \(no tensor parallelism\)/],
    ['empty dtype', () => LlmDataType.of(''), /^LlmDataType.of: value "" is not a valid value/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
