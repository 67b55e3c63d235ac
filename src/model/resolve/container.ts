import { Size } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkRecord, checkStringArray } from './shapes';
import { checkInteger, fail } from '../../internal/errors';
import { EnvVar } from '../../internal/k8s';
import { checkEnvName, checkImage } from '../../internal/names';
import { binaryQuantity, mebibytesOf } from '../../internal/units';
import { LlmOptions, resolveLlmArgs } from '../../llm/llm-options';
import { ResolvedAccelerator } from '../../scheduling/placement';
import { checkNoCredentialArgs, checkNoCredentialLiteral } from '../../security/credentials';
import { resolveEnvValues } from '../../security/env-values';
import { ModelContainer, ModelResources } from '../components';
import { ModelFormat } from '../format';
import type { ResolvedComponentExtras } from '../model-extensions';

/** Resolved CPU/memory/accelerator resources of one container. */
export interface ResolvedResources {
  readonly requests: Record<string, string | number>;
  readonly limits: Record<string, string | number>;
}

/** A resolved side container (transformer, explainer). */
export interface ResolvedContainerSpec extends ResolvedComponentExtras {
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: EnvVar[];
  readonly port: number;
  readonly resources: ResolvedResources;
}

/** Plain environment values, checked: names, strings, no credential literals. Sorted by name. */
export function resolveEnv(scope: IConstruct, prop: string, env: Record<string, string> | undefined): EnvVar[] {
  return Object.keys(env ?? {}).sort().map((name) => {
    checkEnvName(scope, `${prop} name`, name);
    const value = env![name];
    if (typeof value !== 'string') fail(scope, `${prop}["${name}"]`, value, 'is not a string', 'environment values are strings');
    checkNoCredentialLiteral(scope, prop, name, value);
    return { name, value };
  });
}

/** A memory quantity in the largest whole binary unit (4Gi rather than 4096Mi). */
export function memoryQuantity(size: Size): string {
  return binaryQuantity(mebibytesOf(size), 'Mi', 'Gi');
}

/** The default memory request (and limit) of a container, in MiB. */
const DEFAULT_MEMORY_MIB = 2048;

/**
 * A CPU quantity in millicores, or a clear error: cdk8s-plus writes any
 * number it is given (`Cpu.units(-1)` is "-1", NaN is "NaN"), and the API
 * server rejects such quantities at apply.
 */
function cpuMillis(scope: IConstruct, prop: string, amount: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(amount));
  const millis = m ? Number(m[1]) * (m[2] ? 1 : 1000) : NaN;
  if (!(millis > 0) || !Number.isFinite(millis)) {
    fail(scope, prop, String(amount), 'is not a valid CPU quantity', 'use a positive finite number of cores, e.g. Cpu.units(2) or Cpu.millis(500)');
  }
  return millis;
}

/** A memory size in MiB, or a clear error (NaN and Infinity pass `Size` unchecked). */
function memoryMib(scope: IConstruct, prop: string, size: Size): number {
  const mib = mebibytesOf(size);
  if (mib === Infinity) fail(scope, prop, `${mib}Mi`, 'is not a finite size', 'use a Size of at least 1 MiB, e.g. Size.gibibytes(4)');
  if (!(mib >= 1)) fail(scope, prop, `${mib}Mi`, 'is too small', 'use at least 1 MiB');
  return mib;
}

/** Requests and limits of one container; `extra` adds accelerator resources to both. */
export function resolveResources(
  scope: IConstruct, prop: string, r: ModelResources | undefined, extra: Record<string, number> = {},
): ResolvedResources {
  checkRecord(scope as IConstruct, prop, r);
  for (const k of ['cpu', 'cpuLimit'] as const) {
    const c: any = r?.[k];
    if (c !== undefined && (c === null || typeof c !== 'object' || typeof c.amount !== 'string')) {
      fail(scope, `${prop}.${k}`, c, 'is not a Cpu', 'use Cpu.units(2) or Cpu.millis(500) from cdk8s-plus-28');
    }
  }
  for (const k of ['memory', 'memoryLimit'] as const) {
    const m: any = r?.[k];
    if (m !== undefined && (m === null || typeof m !== 'object' || typeof m.toMebibytes !== 'function')) fail(scope, `${prop}.${k}`, m, 'is not a Size', 'use Size.gibibytes(4) or Size.mebibytes(512) from cdk8s');
  }
  const cpu = r?.cpu?.amount ?? '1';
  const cpuRequestMillis = cpuMillis(scope, `${prop}.cpu`, cpu);
  const memory = r?.memory ?? undefined;
  const memoryRequestMib = memory ? memoryMib(scope, `${prop}.memory`, memory) : DEFAULT_MEMORY_MIB;
  const memoryRequest = memory ? memoryQuantity(memory) : '2Gi';
  // The API server rejects a limit below its request (core validation, ValidateResourceRequirements).
  if (r?.memoryLimit) {
    const limitMib = memoryMib(scope, `${prop}.memoryLimit`, r.memoryLimit);
    if (limitMib < memoryRequestMib) {
      fail(scope, `${prop}.memoryLimit`, `${limitMib}Mi`, `is below the memory request (${memoryRequest})`, 'use a limit >= the request');
    }
  }
  const requests: Record<string, string | number> = { cpu, memory: memoryRequest, ...extra };
  const limits: Record<string, string | number> = { memory: r?.memoryLimit ? memoryQuantity(r.memoryLimit) : memoryRequest, ...extra };
  if (r?.cpuLimit) {
    if (cpuMillis(scope, `${prop}.cpuLimit`, r.cpuLimit.amount) < cpuRequestMillis) {
      fail(scope, `${prop}.cpuLimit`, r.cpuLimit.amount, `is below the cpu request (${cpu})`, 'use a limit >= the request');
    }
    limits.cpu = r.cpuLimit.amount;
  }
  return { requests, limits };
}

/**
 * A container prop replaced before 1.0 (README "Changes"): plain JavaScript
 * (or a spread, which TypeScript does not check) may still pass `env`, which
 * would otherwise be dropped silently.
 */
export function checkNoPlainContainerEnv(scope: IConstruct, prop: string, c: unknown): void {
  const old = (c as { env?: unknown } | undefined)?.env;
  if (old !== undefined) {
    fail(scope, `${prop}.env`, '<set>', `was replaced by ${prop}.envVariables`, `use ${prop}.envVariables with EnvValue.fromValue(...) (or EnvValue.fromSecretValue(...)) from cdk8s-plus-28`);
  }
}

function checkContainerShape(scope: IConstruct, prop: string, c: ModelContainer): void {
  if (c === null || typeof c !== 'object') fail(scope, prop, c, 'is not a container', 'use { image, args?, envVariables?, ... }');
  checkNoPlainContainerEnv(scope, prop, c);
  checkStringArray(scope, `${prop}.args`, c.args);
  checkStringArray(scope, `${prop}.command`, c.command);
  checkRecord(scope, `${prop}.envVariables`, c.envVariables);
}

/** A container next to the model server (transformer, explainer). */
export function resolveSideContainer(scope: IConstruct, prop: string, c: ModelContainer | undefined): ResolvedContainerSpec | undefined {
  if (!c) return undefined;
  checkContainerShape(scope, prop, c);
  checkImage(scope, `${prop}.image`, c.image);
  checkNoCredentialArgs(scope, `${prop}.args`, c.args);
  checkNoCredentialArgs(scope, `${prop}.command`, c.command);
  checkInteger(scope, `${prop}.port`, c.port, 1, 65535);
  return {
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    args: [...(c.args ?? [])],
    env: resolveEnvValues(scope, c.envVariables, `${prop}.envVariables`),
    port: c.port ?? 8080,
    resources: resolveResources(scope, `${prop}.resources`, c.resources),
  };
}

/** The props the model server container is resolved from (the server itself comes from the runtime resolver). */
export interface ServerContainerProps {
  readonly args?: string[];
  readonly envVariables?: Record<string, EnvValue>;
  readonly resources?: ModelResources;
  readonly llm?: LlmOptions;
}

/** What the container resolver needs to know of the other concerns. */
export interface ServerContainerContext {
  readonly format?: ModelFormat;
  readonly accelerator?: ResolvedAccelerator;
  /** Whether the model has storage (then STORAGE_URI belongs to it). */
  readonly hasStorage: boolean;
  /** The writable scratch directory HOME points to, when the root filesystem is read-only. */
  readonly scratchHome?: string;
}

/** The model server container's own settings: arguments, environment and resources. */
export interface ResolvedServerContainer {
  readonly args: string[];
  readonly env: EnvVar[];
  readonly resources: ResolvedResources;
}

/**
 * Arguments (the user's, then LLM settings and the tensor-parallel size),
 * environment (`envVariables`, then `addEnv` calls in `added`) and resources
 * (the accelerator's devices on top) of the model server container.
 */
export function resolveServerContainer(
  scope: IConstruct, props: ServerContainerProps, added: Record<string, EnvValue>, ctx: ServerContainerContext,
): ResolvedServerContainer {
  checkStringArray(scope, 'args', props.args);
  checkRecord(scope, 'envVariables', props.envVariables);
  checkNoCredentialArgs(scope, 'args', props.args);
  checkEnvSources(scope, [['envVariables', Object.keys(props.envVariables ?? {})], ['addEnv', Object.keys(added)]], ctx.hasStorage);
  const userArgs = [...(props.args ?? [])];
  const llmArgs = props.llm !== undefined ? resolveLlmArgs(scope, props.llm, ctx.format?.name, ctx.accelerator?.deviceCount ?? 0, userArgs) : [];
  const values: Record<string, EnvValue> = { ...(props.envVariables ?? {}), ...added };
  // Servers keep caches under $HOME; with a read-only root it must be writable, unless the user points it elsewhere.
  if (ctx.scratchHome !== undefined && values.HOME === undefined) values.HOME = EnvValue.fromValue(ctx.scratchHome);
  return {
    args: tensorParallelArgs(scope, ctx.format, ctx.accelerator, [...userArgs, ...llmArgs]),
    env: resolveEnvValues(scope, values, 'envVariables'),
    resources: resolveResources(scope, 'resources', props.resources, ctx.accelerator?.resources),
  };
}

/**
 * Every env name comes from exactly one source: two sources for one name
 * would silently drop one value. A later `addEnv` on the model counts as a
 * source too. STORAGE_URI belongs to `storage`.
 */
function checkEnvSources(scope: IConstruct, sources: Array<[string, readonly string[]]>, storage: boolean): void {
  const seen = new Map<string, string>();
  for (const [prop, names] of sources) {
    for (const name of names) {
      const first = seen.get(name);
      if (first !== undefined) {
        fail(scope, prop, name, `is also set by ${first}`, 'set each environment variable once');
      }
      seen.set(name, prop);
    }
  }
  const storageUri = seen.get('STORAGE_URI');
  if (storage && storageUri !== undefined) {
    fail(scope, `${storageUri}["STORAGE_URI"]`, '<not shown>', 'conflicts with storage', 'set the model location once, with storage');
  }
}

const TP_FLAG = /^--tensor[-_]parallel[-_]size(?:=(.*))?$/;

/**
 * vLLM (KServe's Hugging Face runtime) shards a model over the GPUs of a
 * replica only when told: the tensor-parallel size follows the GPU count.
 */
function tensorParallelArgs(
  scope: IConstruct, format: ModelFormat | undefined, accelerator: ResolvedAccelerator | undefined, args: string[],
): string[] {
  if (format?.name !== 'huggingface' || !accelerator || accelerator.deviceCount < 2) return args;
  if (accelerator.kind === 'mig' || accelerator.kind === 'shared') {
    fail(scope, 'accelerator.count', accelerator.deviceCount, `gives a Hugging Face (vLLM) model ${accelerator.kind === 'mig' ? 'MIG slices' : 'GPU shares'}, which it cannot shard a model over`,
      'use one slice per replica, or Accelerator.nvidiaGpu({ count }) for tensor parallelism');
  }
  const n = accelerator.deviceCount;
  for (let i = 0; i < args.length; i++) {
    const m = TP_FLAG.exec(args[i]);
    if (!m) continue;
    const value = m[1] ?? args[i + 1];
    if (value !== String(n)) {
      fail(scope, 'args', `${args[i]}${m[1] === undefined && value !== undefined ? ` ${value}` : ''}`, `does not match the ${n} GPUs per replica of the accelerator`,
        `use --tensor-parallel-size=${n}, or drop the argument (it follows accelerator.count)`);
    }
    return args;
  }
  return [...args, `--tensor-parallel-size=${n}`];
}
