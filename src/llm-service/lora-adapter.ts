import { checkInteger, fail, invalidInstance, orInvalid } from '../internal/errors';
import { ModelStorage } from '../model/storage';

/**
 * URI schemes KServe downloads LoRA adapters from (`LoRASpec.Adapters`:
 * "supports hf://, s3://, and pvc:// schemes", llm_inference_service_types.go, v0.20.0).
 */
const LORA_SCHEMES = ['hf', 's3', 'pvc'];

/** Options for {@link LoraAdapter.of}. */
export interface LoraAdapterOptions {
  /** The model name clients send (in the request's `model` field) for this adapter. */
  readonly name: string;
  /** Where the adapter weights are: hf://, s3:// or pvc://. */
  readonly storage: ModelStorage;
}

/** A LoRA adapter served on top of an LLM's base weights, under its own model name. */
export class LoraAdapter {
  /**
   * An adapter clients reach by `name` in the request's `model` field.
   *
   * @param options the adapter's model name and where its weights are
   */
  public static of(options: LoraAdapterOptions): LoraAdapter {
    return orInvalid(() => {
      const scope = 'LoraAdapter.of';
      const { name, storage } = options ?? ({} as LoraAdapterOptions);
      // Webhook (validateLoRAAdapters): a name is required and must not be "." or ".." (path traversal).
      if (typeof name !== 'string' || name.trim() === '' || name !== name.trim()) {
        fail(scope, 'name', name, 'is not a valid adapter name', 'use a non-empty name without surrounding whitespace (clients send it as "model")');
      }
      if (name === '.' || name === '..' || name.includes('/') || /\s/.test(name)) {
        fail(scope, 'name', name, 'is not a valid adapter name', 'use letters, digits, ".", "_" and "-" (no "/", spaces, "." or "..": KServe stores adapters under their name)');
      }
      if (!(storage instanceof ModelStorage)) fail(scope, 'storage', storage, 'is not a ModelStorage', "use ModelStorage.fromHuggingFace('org/adapter') or ModelStorage.fromS3({ bucket: ..., key: undefined })");
      if (!LORA_SCHEMES.includes(storage.scheme)) {
        fail(scope, 'storage', storage.uri, `uses the scheme ${storage.scheme}:// which KServe does not download LoRA adapters from`,
          `use one of ${LORA_SCHEMES.map((s) => `${s}://`).join(', ')}`);
      }
      return new LoraAdapter(name, storage);
    }, (e) => invalidInstance(LoraAdapter.prototype, e, ['name', 'storage']));
  }

  private constructor(
    /** The model name clients use. */
    public readonly name: string,
    /** Where the adapter is stored. */
    public readonly storage: ModelStorage,
  ) {}
}

/** Runtime limits for LoRA adapters (vLLM flags KServe sets). */
export interface LoraOptions {
  /**
   * The largest adapter rank the server accepts (`--max-lora-rank`).
   *
   * @default - vLLM's default (16)
   */
  readonly maxRank?: number;

  /**
   * Adapters loaded on the GPU at once (`--max-loras`).
   *
   * @default - the number of adapters
   */
  readonly maxAdapters?: number;

  /**
   * Adapters kept in CPU memory (`--max-cpu-loras`).
   *
   * @default - the number of adapters
   */
  readonly maxCpuAdapters?: number;
}

/** `spec.model.lora`, checked as KServe's webhook does (`validateLoRAAdapters`, v0.20.0). */
export function resolveLora(
  scope: import('constructs').IConstruct, adapters: LoraAdapter[] | undefined, options: LoraOptions | undefined, baseModelName: string,
): Record<string, unknown> | undefined {
  const list = adapters ?? [];
  checkInteger(scope, 'lora.maxRank', options?.maxRank, 1, 1024);
  checkInteger(scope, 'lora.maxAdapters', options?.maxAdapters, 1, 1024);
  checkInteger(scope, 'lora.maxCpuAdapters', options?.maxCpuAdapters, 1, 1024);
  if (list.length === 0) {
    if (options && Object.values(options).some((v) => v !== undefined)) {
      fail(scope, 'lora', options, 'is set without loraAdapters', 'add loraAdapters, or drop lora');
    }
    return undefined;
  }
  const seen = new Map<string, number>();
  list.forEach((a, i) => {
    if (!(a instanceof LoraAdapter)) fail(scope, `loraAdapters[${i}]`, a, 'is not a LoraAdapter', 'use LoraAdapter.of({ name, storage })');
    const prev = seen.get(a.name);
    if (prev !== undefined) fail(scope, `loraAdapters[${i}].name`, a.name, `is the same as loraAdapters[${prev}]`, 'give each adapter its own name');
    seen.set(a.name, i);
    if (a.name === baseModelName) {
      fail(scope, `loraAdapters[${i}].name`, a.name, 'is the base model\'s name', 'use a name that differs from modelName');
    }
  });
  if (options?.maxAdapters !== undefined && options?.maxCpuAdapters !== undefined && options.maxCpuAdapters < options.maxAdapters) {
    // vLLM refuses to start when max_cpu_loras < max_loras.
    fail(scope, 'lora.maxCpuAdapters', options.maxCpuAdapters, `is below lora.maxAdapters ${options.maxAdapters}`, 'vLLM needs maxCpuAdapters >= maxAdapters');
  }
  const out: Record<string, unknown> = { adapters: list.map((a) => ({ name: a.name, uri: a.storage.uri })) };
  if (options?.maxRank !== undefined) out.maxRank = options.maxRank;
  if (options?.maxAdapters !== undefined) out.maxAdapters = options.maxAdapters;
  if (options?.maxCpuAdapters !== undefined) out.maxCpuAdapters = options.maxCpuAdapters;
  return out;
}
