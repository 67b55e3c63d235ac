/**
 * KServe v0.20.0's rules for a TrainedModel: its admission webhook
 * (`pkg/apis/serving/v1alpha1/trainedmodel_webhook.go`) and what its
 * controller needs before the model becomes Ready
 * (`pkg/controller/v1alpha1/trainedmodel/controller.go`, `updateConditions`).
 *
 * Facts read from upstream (cited beside each rule); the code is ours.
 */
import { AdmissionContext } from './context';

/** trainedmodel_webhook.go: `TmNameFmt`. */
const TM_NAME_RE = /^[a-zA-Z0-9_-]+$/;
/** pkg/agent/storage/provider.go: `SupportedProtocols` (s3, gs, https, http). */
const TM_STORAGE_PREFIXES = ['s3://', 'gs://', 'https://', 'http://'];
/** pkg/apis/serving/v1beta1/predictor.go, `GetImplementations`: the framework fields and `model`. */
const PREDICTOR_IMPLS = ['xgboost', 'pytorch', 'triton', 'sklearn', 'tensorflow', 'onnx', 'pmml', 'lightgbm', 'paddle', 'huggingface', 'model'];

/** A Kubernetes quantity in bytes (the forms the library and KServe's examples write). */
function bytes(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) return NaN;
  const f: Record<string, number> = { '': 1, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12 };
  return Number(m[1]) * f[m[2] ?? ''];
}

/**
 * `pkg/controller/v1beta1/inferenceservice/utils/utils.go`, `IsMMSPredictor`:
 * a custom container with `MULTI_MODEL_SERVER=true`, or an implementation
 * with no storageUri/storage/storageUris that is not Hugging Face.
 */
function isMultiModelPredictor(predictor: any): boolean {
  if ((predictor.containers ?? []).length > 0) {
    return (predictor.containers[0].env ?? []).some((e: any) => e.name === 'MULTI_MODEL_SERVER' && e.value === 'true');
  }
  const impl = PREDICTOR_IMPLS.map((i) => predictor[i]).find((x) => x !== undefined);
  if (!impl) return false;
  if (predictor.huggingface !== undefined || impl.modelFormat?.name === 'huggingface') return false;
  return impl.storageUri === undefined && impl.storage === undefined && (predictor.storageUris ?? []).length === 0;
}

/** The memory limit of the predictor's server container (utils.go, `IsMemoryResourceAvailable`). */
function predictorMemoryLimit(predictor: any): number {
  const impl = PREDICTOR_IMPLS.map((i) => predictor[i]).find((x) => x !== undefined) ?? predictor.containers?.[0];
  return bytes(impl?.resources?.limits?.memory ?? 0);
}

export function trainedModelErrors(doc: any, ctx: AdmissionContext): string[] {
  const out: string[] = [];
  const name = doc.metadata?.name ?? '';
  // validateTrainedModelName.
  if (!TM_NAME_RE.test(name)) out.push(`/metadata/name: the Trained Model "${name}" is invalid: a Trained Model name must consist of alphanumeric characters, '_', or '-'`);
  // validateStorageURI (utils.IsPrefixSupported).
  const uri = doc.spec?.model?.storageUri ?? '';
  if (!TM_STORAGE_PREFIXES.some((p) => String(uri).startsWith(p))) {
    out.push(`/spec/model/storageUri: the Trained Model "${name}" storageUri field is invalid. The storage uri must start with one of the prefixes: ${TM_STORAGE_PREFIXES.join(', ')}`);
  }
  // Readiness (controller.go): the parent in the same namespace, a multi-model predictor, enough memory.
  const ns = doc.metadata?.namespace ?? '';
  const parentName = doc.spec?.inferenceService;
  const parent = ctx.appDocs.find((d) => d?.kind === 'InferenceService' && d.metadata?.name === parentName && (d.metadata?.namespace ?? '') === ns);
  if (!parent) return out;
  const predictor = parent.spec?.predictor ?? {};
  if (!isMultiModelPredictor(predictor)) out.push(`/spec/inferenceService: Inference Service "${parentName}" predictor is not configured for multi-model serving (IsMMSPredictor)`);
  const siblings = ctx.appDocs.filter((d) => d?.kind === 'TrainedModel' && d.spec?.inferenceService === parentName && (d.metadata?.namespace ?? '') === ns);
  const total = siblings.reduce((sum, d) => sum + bytes(d.spec?.model?.memory), 0);
  if (!(predictorMemoryLimit(predictor) >= total)) out.push(`/spec/model/memory: Inference Service "${parentName}" does not have enough memory resources for its Trained Models (IsMemoryResourceAvailable)`);
  return out;
}
