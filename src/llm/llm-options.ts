import { IConstruct } from 'constructs';
import { checkInteger, checkNonEmpty, fail } from '../internal/errors';

/** The weight data type the LLM server loads (`--dtype`). */
export class LlmDataType {
  /** The model config's type (vLLM: float16 for float32 checkpoints). */
  public static readonly AUTO = new LlmDataType('auto');
  /** 16-bit floating point. */
  public static readonly FLOAT16 = new LlmDataType('float16');
  /** bfloat16: the usual choice on Ampere (A100) and newer GPUs. */
  public static readonly BFLOAT16 = new LlmDataType('bfloat16');
  /** 32-bit floating point. */
  public static readonly FLOAT32 = new LlmDataType('float32');

  /**
   * Any value the server accepts, written as given.
   *
   * @param value the vLLM `--dtype` value
   */
  public static of(value: string): LlmDataType {
    checkNonEmpty('LlmDataType.of', 'value', value);
    return new LlmDataType(value);
  }

  private constructor(
    /** The `--dtype` value. */
    public readonly value: string,
  ) {}
}

/** The engine KServe's Hugging Face server runs the model with (`--backend`). */
export enum LlmBackend {
  /** vLLM: paged attention, continuous batching, tensor parallelism, OpenAI-compatible API. */
  VLLM = 'vllm',
  /** Plain Hugging Face transformers (CPU or one GPU; no tensor parallelism). */
  HUGGINGFACE = 'huggingface',
}

/**
 * Common LLM serving settings for KServe's Hugging Face runtime, turned into
 * the server's arguments. Tensor parallelism follows the accelerator's GPU
 * count; set other engine flags with `args`.
 */
export interface LlmOptions {
  /**
   * The engine.
   *
   * @default LlmBackend.VLLM
   */
  readonly backend?: LlmBackend;

  /**
   * The longest context (prompt plus output tokens) the server accepts
   * (`--max_model_len`). Smaller values leave more GPU memory for the KV cache.
   *
   * @default - the model's maximum position embeddings
   */
  readonly maxModelLength?: number;

  /**
   * Share of each GPU's memory vLLM may use, above 0 and at most 1
   * (`--gpu-memory-utilization`).
   *
   * @default 0.9 (vLLM's default)
   */
  readonly gpuMemoryUtilization?: number;

  /**
   * The weight data type (`--dtype`).
   *
   * @default - the server's default (float16 on GPU)
   */
  readonly dtype?: LlmDataType;

  /**
   * Most sequences vLLM batches at once (`--max-num-seqs`).
   *
   * @default 256 (vLLM's default)
   */
  readonly maxNumSeqs?: number;

  /**
   * Reuse the KV cache of shared prompt prefixes (`--enable-prefix-caching`).
   *
   * @default - vLLM's default
   */
  readonly enablePrefixCaching?: boolean;

  /**
   * The quantization of the checkpoint, e.g. `awq`, `gptq`, `fp8` (`--quantization`).
   *
   * @default - none (read from the model config)
   */
  readonly quantization?: string;

  /**
   * Run the model repository's own Python code (`--trust_remote_code`). Only
   * for repositories you trust.
   *
   * @default false
   */
  readonly trustRemoteCode?: boolean;

  /**
   * The task, e.g. `text_generation`, `text2text_generation`, `fill_mask` (`--task`).
   *
   * @default - inferred from the model architecture
   */
  readonly task?: string;
}

/** Flags this module writes; the same flag in `args` would be set twice. */
const FLAGS = ['--backend', '--max_model_len', '--max-model-len', '--max_length', '--gpu-memory-utilization', '--dtype', '--max-num-seqs',
  '--enable-prefix-caching', '--no-enable-prefix-caching', '--quantization', '--trust_remote_code', '--task'];

/**
 * @internal The Hugging Face server arguments for `options`; `gpus` is the
 * accelerator's device count (0 without one). `userArgs` are checked for
 * flags set twice.
 */
export function resolveLlmArgs(scope: IConstruct, options: LlmOptions, formatName: string | undefined, gpus: number, userArgs: string[]): string[] {
  if (formatName !== 'huggingface') {
    fail(scope, 'llm', formatName ?? 'undefined', 'applies to the Hugging Face runtime only', 'set format: ModelFormat.HUGGINGFACE, or drop llm');
  }
  const backend = options.backend ?? LlmBackend.VLLM;
  if (!Object.values(LlmBackend).includes(backend)) fail(scope, 'llm.backend', backend, 'is not a backend', 'use LlmBackend.VLLM or LlmBackend.HUGGINGFACE');
  checkInteger(scope, 'llm.maxModelLength', options.maxModelLength, 1, 10_000_000);
  checkInteger(scope, 'llm.maxNumSeqs', options.maxNumSeqs, 1, 100_000);
  const util = options.gpuMemoryUtilization;
  if (util !== undefined && (typeof util !== 'number' || !Number.isFinite(util) || util <= 0 || util > 1)) {
    fail(scope, 'llm.gpuMemoryUtilization', util, 'is out of range', 'use a share above 0 and at most 1, e.g. 0.9');
  }
  checkNonEmpty(scope, 'llm.quantization', options.quantization);
  checkNonEmpty(scope, 'llm.task', options.task);
  if (options.dtype !== undefined && !(options.dtype instanceof LlmDataType)) {
    fail(scope, 'llm.dtype', options.dtype, 'is not an LlmDataType', 'use LlmDataType.BFLOAT16, FLOAT16, ... or LlmDataType.of(...)');
  }
  if (backend === LlmBackend.VLLM && gpus === 0) {
    fail(scope, 'llm.backend', backend, 'needs a GPU', 'set accelerator (e.g. Accelerator.nvidiaGpu()), or use LlmBackend.HUGGINGFACE on CPU');
  }
  if (backend === LlmBackend.HUGGINGFACE) {
    const vllmOnly: Array<[string, unknown]> = [
      ['gpuMemoryUtilization', options.gpuMemoryUtilization], ['maxNumSeqs', options.maxNumSeqs],
      ['enablePrefixCaching', options.enablePrefixCaching], ['quantization', options.quantization],
    ];
    for (const [name, value] of vllmOnly) {
      if (value !== undefined) fail(scope, `llm.${name}`, value, 'is a vLLM setting, not used by the Hugging Face backend', 'drop it, or use LlmBackend.VLLM');
    }
    if (gpus > 1) {
      fail(scope, 'accelerator.count', gpus, 'GPUs cannot be used by the Hugging Face backend (no tensor parallelism)', 'use LlmBackend.VLLM, or one GPU');
    }
  }
  const out: string[] = [`--backend=${backend}`];
  if (options.maxModelLength !== undefined) out.push(`--max_model_len=${options.maxModelLength}`);
  if (options.dtype !== undefined) out.push(`--dtype=${options.dtype.value}`);
  if (options.gpuMemoryUtilization !== undefined) out.push(`--gpu-memory-utilization=${options.gpuMemoryUtilization}`);
  if (options.maxNumSeqs !== undefined) out.push(`--max-num-seqs=${options.maxNumSeqs}`);
  if (options.enablePrefixCaching !== undefined) out.push(options.enablePrefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching');
  if (options.quantization !== undefined) out.push(`--quantization=${options.quantization}`);
  if (options.trustRemoteCode) out.push('--trust_remote_code');
  if (options.task !== undefined) out.push(`--task=${options.task}`);

  for (const arg of userArgs) {
    const flag = arg.split('=')[0];
    if (FLAGS.includes(flag) && out.some((a) => a.split('=')[0] === flag || sameSetting(a.split('=')[0], flag))) {
      fail(scope, 'args', arg, 'sets what llm already sets', `set it once, in llm or in args (llm writes ${out.join(' ')})`);
    }
  }
  // An option set explicitly (false included) owns its flags: the same flag in
  // args would win at runtime (`trustRemoteCode: false` with `--trust_remote_code` runs remote code).
  for (const [option, flags] of OPTION_FLAGS) {
    const value = options[option];
    if (value === undefined) continue;
    const arg = userArgs.find((a) => typeof a === 'string' && flags.includes(normFlag(a.split('=')[0])));
    if (arg !== undefined) {
      fail(scope, 'args', arg, `contradicts or repeats llm.${option} (${value instanceof LlmDataType ? value.value : String(value)})`,
        `set it once, in llm.${option} or in args`);
    }
  }
  return out;
}

/** The server flags each option stands for, normalized (see normFlag). */
const OPTION_FLAGS: Array<[keyof LlmOptions, string[]]> = [
  ['maxModelLength', ['--max-model-len', '--max-length']],
  ['gpuMemoryUtilization', ['--gpu-memory-utilization']],
  ['dtype', ['--dtype']],
  ['maxNumSeqs', ['--max-num-seqs']],
  ['enablePrefixCaching', ['--enable-prefix-caching', '--no-enable-prefix-caching']],
  ['quantization', ['--quantization']],
  ['trustRemoteCode', ['--trust-remote-code']],
  ['task', ['--task']],
];

/** Servers accept `_` and `-` alike in flag names. */
function normFlag(flag: string): string {
  return flag.replace(/_/g, '-');
}

/** `--max_model_len`, `--max-model-len` and `--max_length` are one setting. */
function sameSetting(a: string, b: string): boolean {
  const norm = (f: string) => (f === '--max_length' ? '--max_model_len' : f.replace(/-/g, '_').replace(/^__/, '--'));
  return norm(a) === norm(b);
}
