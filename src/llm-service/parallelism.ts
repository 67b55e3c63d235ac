import { checkInteger, ErrorScope, fail } from '../internal/errors';

/**
 * How one replica of an LLM is split over GPUs and pods
 * (`spec.parallelism` of an LLMInferenceService).
 *
 * - `tensor`: GPUs one model copy is sharded over inside a pod.
 * - `pipeline`: pods (nodes) the layers are split over; one LeaderWorkerSet group of `pipeline` pods.
 * - `data` / `dataLocal`: data-parallel ranks in total and per pod; a group has `data / dataLocal` pods.
 * - `expert`: expert parallelism for mixture-of-experts models (with data parallelism).
 */
export interface LlmParallelism {
  /**
   * Tensor-parallel size: GPUs each model shard spans inside one pod (`--tensor-parallel-size`).
   *
   * @default - the accelerator's device count (divided by `dataLocal`)
   */
  readonly tensor?: number;

  /**
   * Pipeline-parallel size: pods of one replica the model's layers are split over.
   *
   * @default - no pipeline parallelism
   */
  readonly pipeline?: number;

  /**
   * Data-parallel size: ranks in total over all pods of one replica. Needs `dataLocal`.
   *
   * @default - no data parallelism
   */
  readonly data?: number;

  /**
   * Data-parallel ranks per pod. Needs `data`.
   *
   * @default - no data parallelism
   */
  readonly dataLocal?: number;

  /**
   * The data-parallel RPC port.
   *
   * @default - 5555 (KServe's preset)
   */
  readonly dataRpcPort?: number;

  /**
   * Expert parallelism for mixture-of-experts models (`--enable-expert-parallel`); needs data parallelism.
   *
   * @default false
   */
  readonly expert?: boolean;
}

/** Parallelism after the webhook's rules and the GPU arithmetic. */
export interface ResolvedParallelism {
  readonly tensor: number;
  readonly pipeline?: number;
  readonly data?: number;
  readonly dataLocal?: number;
  readonly dataRpcPort?: number;
  readonly expert: boolean;
  /** Pods per replica (LeaderWorkerSet group size); 1 without a worker. */
  readonly podsPerReplica: number;
  /** GPUs each pod must hold: tensor x dataLocal. */
  readonly gpusPerPod: number;
  /** Whether KServe runs the workload as a LeaderWorkerSet (spec.worker). */
  readonly multiNode: boolean;
  /** Which KServe multi-node preset applies. */
  readonly mode: 'single' | 'pipeline' | 'data';
  /** What `spec.parallelism` says, exactly as the user set it (plus a derived tensor). */
  readonly json?: Record<string, unknown>;
}

/**
 * Checks parallelism against the accelerator and the node size, following
 * KServe's webhook (`validateWorkloadParallelism` in
 * pkg/apis/serving/v1alpha2/llm_inference_service_validation.go, v0.20.0) and
 * the LeaderWorkerSet size it derives (`ParallelismSpec.GetSize` in
 * llm_inference_service_types_func.go): data parallelism runs `data /
 * dataLocal` pods of `tensor x dataLocal` GPUs, pipeline parallelism
 * `pipeline` pods of `tensor` GPUs.
 */
export function resolveParallelism(
  scope: ErrorScope, prop: string, p: LlmParallelism | undefined, devices: number, gpusPerNode: number | undefined, isGpu: boolean,
): ResolvedParallelism {
  const given = p ?? {};
  checkInteger(scope, `${prop}.tensor`, given.tensor, 1, 64);
  checkInteger(scope, `${prop}.pipeline`, given.pipeline, 1, 64);
  checkInteger(scope, `${prop}.data`, given.data, 1, 1024);
  checkInteger(scope, `${prop}.dataLocal`, given.dataLocal, 1, 64);
  checkInteger(scope, `${prop}.dataRpcPort`, given.dataRpcPort, 1, 65535);
  const isData = given.data !== undefined || given.dataLocal !== undefined;
  const isPipeline = given.pipeline !== undefined && given.pipeline > 1;
  if (isData && given.pipeline !== undefined) {
    fail(scope, `${prop}.pipeline`, given.pipeline, 'cannot be combined with data parallelism (data, dataLocal)',
      'choose pipeline or data parallelism (KServe webhook)');
  }
  if (given.data !== undefined && given.dataLocal === undefined) {
    fail(scope, `${prop}.dataLocal`, undefined, 'must be set when data is set', 'set dataLocal, the data-parallel ranks per pod (KServe webhook)');
  }
  if (given.dataLocal !== undefined && given.data === undefined) {
    fail(scope, `${prop}.data`, undefined, 'must be set when dataLocal is set', 'set data, the data-parallel ranks in total (KServe webhook)');
  }
  if (isData && given.data! % given.dataLocal! !== 0) {
    fail(scope, `${prop}.data`, given.data, `is not a multiple of dataLocal ${given.dataLocal}`,
      'KServe runs data / dataLocal pods per replica (integer division would drop ranks); use a multiple');
  }
  if (given.expert && !isData) {
    fail(scope, `${prop}.expert`, true, 'needs data parallelism: only KServe\'s data-parallel preset passes --enable-expert-parallel',
      'set data and dataLocal, or drop expert');
  }
  if (given.dataRpcPort !== undefined && !isData) {
    fail(scope, `${prop}.dataRpcPort`, given.dataRpcPort, 'only applies to data parallelism', 'set data and dataLocal, or drop dataRpcPort');
  }
  const dataLocal = given.dataLocal ?? 1;
  if (!isGpu && (given.tensor ?? 1) > 1) {
    fail(scope, `${prop}.tensor`, given.tensor, 'needs GPUs', 'set accelerator to GPUs, or drop tensor parallelism');
  }
  let tensor = given.tensor;
  if (tensor === undefined) {
    if (devices % dataLocal !== 0) {
      fail(scope, 'accelerator.count', devices, `is not a multiple of dataLocal ${dataLocal}`, 'give each data-parallel rank the same number of GPUs');
    }
    tensor = Math.max(1, devices / dataLocal);
  }
  const gpusPerPod = tensor * dataLocal;
  if (isGpu && gpusPerPod !== devices) {
    fail(scope, 'accelerator.count', devices, `does not match ${prop} (tensor ${tensor} x dataLocal ${dataLocal} = ${gpusPerPod} GPUs per pod)`,
      `request exactly ${gpusPerPod} GPUs per pod, or change tensor/dataLocal`);
  }
  if (gpusPerNode !== undefined && gpusPerPod > gpusPerNode) {
    fail(scope, `${prop}.tensor`, tensor, `x dataLocal ${dataLocal} needs ${gpusPerPod} GPUs in one pod, more than the ${gpusPerNode} a node of the pool holds`,
      `keep tensor x dataLocal <= ${gpusPerNode} and span nodes with pipeline or data parallelism`);
  }
  const podsPerReplica = isData ? given.data! / dataLocal : isPipeline ? given.pipeline! : 1;
  const mode = isData ? 'data' : isPipeline ? 'pipeline' : 'single';
  const json: Record<string, unknown> = {};
  if (p?.tensor !== undefined || tensor > 1) json.tensor = tensor;
  if (given.pipeline !== undefined) json.pipeline = given.pipeline;
  if (given.data !== undefined) json.data = given.data;
  if (given.dataLocal !== undefined) json.dataLocal = given.dataLocal;
  if (given.dataRpcPort !== undefined) json.dataRPCPort = given.dataRpcPort;
  if (given.expert) json.expert = true;
  return {
    tensor,
    pipeline: given.pipeline,
    data: given.data,
    dataLocal: given.dataLocal,
    dataRpcPort: given.dataRpcPort,
    expert: given.expert ?? false,
    podsPerReplica,
    gpusPerPod,
    multiNode: mode !== 'single',
    mode,
    json: Object.keys(json).length ? json : undefined,
  };
}
