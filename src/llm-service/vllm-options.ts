import { IConstruct } from 'constructs';
import { checkInteger, checkNonEmpty, fail } from '../internal/errors';
import { LlmDataType } from '../llm/llm-options';

/** Common vLLM engine settings of an LLM service, written as `vllm serve` flags. */
export interface VllmOptions {
  /**
   * The longest context (prompt plus output tokens) the server accepts
   * (`--max-model-len`). Smaller values leave more GPU memory for the KV cache.
   *
   * @default - the model's maximum position embeddings
   */
  readonly maxModelLength?: number;

  /**
   * Share of each GPU's memory vLLM may use, above 0 and at most 1 (`--gpu-memory-utilization`).
   *
   * @default 0.9 (vLLM's default)
   */
  readonly gpuMemoryUtilization?: number;

  /**
   * The weight data type (`--dtype`).
   *
   * @default - the model config's type
   */
  readonly dtype?: LlmDataType;

  /**
   * Most sequences batched at once (`--max-num-seqs`).
   *
   * @default - vLLM's default
   */
  readonly maxNumSeqs?: number;

  /**
   * Reuse the KV cache of shared prompt prefixes (`--enable-prefix-caching`).
   *
   * @default - vLLM's default (on)
   */
  readonly enablePrefixCaching?: boolean;

  /**
   * The checkpoint's quantization, e.g. `awq`, `gptq`, `fp8` (`--quantization`).
   *
   * @default - read from the model config
   */
  readonly quantization?: string;

  /**
   * Run the model repository's own Python code (`--trust-remote-code`). Only for repositories you trust.
   *
   * @default false
   */
  readonly trustRemoteCode?: boolean;
}

/**
 * Flags KServe's presets already pass to `vllm serve` (config-llm-template.yaml
 * and the data-parallel presets, v0.20.0) or derives from typed fields: set
 * twice, vLLM takes the last one and the typed field would silently lose.
 */
const OWNED_FLAGS: Record<string, string> = {
  '--served-model-name': 'modelName',
  '--port': 'the preset (port 8000)',
  '--tensor-parallel-size': 'parallelism.tensor',
  '--pipeline-parallel-size': 'parallelism.pipeline',
  '--data-parallel-size': 'parallelism.data',
  '--data-parallel-size-local': 'parallelism.dataLocal',
  '--data-parallel-rpc-port': 'parallelism.dataRpcPort',
  '--enable-expert-parallel': 'parallelism.expert',
  '--enable-lora': 'loraAdapters',
  '--lora-modules': 'loraAdapters',
  '--max-lora-rank': 'lora.maxRank',
  '--max-loras': 'lora.maxAdapters',
  '--max-cpu-loras': 'lora.maxCpuAdapters',
  '--kv-transfer-config': 'kvCacheOffloading',
};

const TYPED_FLAGS: Record<string, keyof VllmOptions> = {
  '--max-model-len': 'maxModelLength',
  '--gpu-memory-utilization': 'gpuMemoryUtilization',
  '--dtype': 'dtype',
  '--max-num-seqs': 'maxNumSeqs',
  '--enable-prefix-caching': 'enablePrefixCaching',
  '--no-enable-prefix-caching': 'enablePrefixCaching',
  '--quantization': 'quantization',
  '--trust-remote-code': 'trustRemoteCode',
};

/** vLLM accepts `--max_model_len` and `--max-model-len` alike. */
function normalizeFlag(arg: string): string {
  return arg.split('=')[0].replace(/_/g, '-');
}

/** The `vllm serve` flags for `options`, then `args`; a flag set twice is an error. */
export function resolveVllmArgs(scope: IConstruct, prop: string, options: VllmOptions | undefined, args: string[] | undefined): string[] {
  const o = options ?? {};
  checkInteger(scope, `${prop}.maxModelLength`, o.maxModelLength, 1, 10_000_000);
  checkInteger(scope, `${prop}.maxNumSeqs`, o.maxNumSeqs, 1, 100_000);
  const util = o.gpuMemoryUtilization;
  if (util !== undefined && (typeof util !== 'number' || !Number.isFinite(util) || util <= 0 || util > 1)) {
    fail(scope, `${prop}.gpuMemoryUtilization`, util, 'is out of range', 'use a share above 0 and at most 1, e.g. 0.9');
  }
  checkNonEmpty(scope, `${prop}.quantization`, o.quantization);
  if (o.dtype !== undefined && !(o.dtype instanceof LlmDataType)) {
    fail(scope, `${prop}.dtype`, o.dtype, 'is not an LlmDataType', 'use LlmDataType.BFLOAT16, FLOAT16, ... or LlmDataType.of(...)');
  }
  const out: string[] = [];
  if (o.maxModelLength !== undefined) out.push(`--max-model-len=${o.maxModelLength}`);
  if (o.dtype !== undefined) out.push(`--dtype=${o.dtype.value}`);
  if (util !== undefined) out.push(`--gpu-memory-utilization=${util}`);
  if (o.maxNumSeqs !== undefined) out.push(`--max-num-seqs=${o.maxNumSeqs}`);
  if (o.enablePrefixCaching !== undefined) out.push(o.enablePrefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching');
  if (o.quantization !== undefined) out.push(`--quantization=${o.quantization}`);
  if (o.trustRemoteCode) out.push('--trust-remote-code');
  for (const [i, arg] of (args ?? []).entries()) {
    if (typeof arg !== 'string' || arg === '') fail(scope, `args[${i}]`, arg, 'is not a flag', 'use strings such as --enable-chunked-prefill');
    const flag = normalizeFlag(arg);
    if (OWNED_FLAGS[flag]) fail(scope, `args[${i}]`, arg, `is set by KServe from ${OWNED_FLAGS[flag]}`, `set ${OWNED_FLAGS[flag]} instead`);
    const typed = TYPED_FLAGS[flag];
    if (typed && o[typed] !== undefined) fail(scope, `args[${i}]`, arg, `sets what ${prop}.${typed} already sets`, `set it once, in ${prop} or in args`);
    out.push(arg);
  }
  return out;
}
