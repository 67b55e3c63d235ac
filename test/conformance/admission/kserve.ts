/**
 * KServe v0.20.0's admission webhooks for what the library writes, and the
 * Knative Service KServe generates for each Knative-mode component (which
 * Knative's webhook then judges: see `knative.ts`).
 *
 * Facts read from upstream (cited beside each rule); the code is ours.
 */
import { AdmissionContext } from './context';
import { knativeAutoscalingErrors, knativePodSpecErrors, knativeRevisionSpecErrors } from './knative';

/** `pkg/apis/serving/v1beta1/inference_service_validation.go`: `IsvcNameFmt`; `inference_graph_validation.go`: `GraphNameFmt`. */
const NAME_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** `pkg/apis/serving/v1beta1/predictor.go`, `GetImplementations`: the framework fields and `model`. */
const PREDICTOR_IMPLS = ['xgboost', 'pytorch', 'triton', 'sklearn', 'tensorflow', 'onnx', 'pmml', 'lightgbm', 'paddle', 'huggingface', 'model'];
/** `explainer.go`, `GetImplementations`. */
const EXPLAINER_IMPLS = ['art'];
/** `component.go`, `ComponentExtensionSpec` json names: not part of the pod. */
const EXTENSION_FIELDS = ['minReplicas', 'maxReplicas', 'scaleTarget', 'scaleMetric', 'scaleMetricType', 'autoScaling', 'containerConcurrency', 'timeout',
  'canaryTrafficPercent', 'logger', 'batcher', 'labels', 'annotations', 'deploymentStrategy'];
/** `predictor.go`, `PredictorSpec` fields beside the inline PodSpec. */
const PREDICTOR_FIELDS = [...PREDICTOR_IMPLS, 'storageUris', 'storageContainerName', 'workerSpec', 'name'];
/** `predictor.go`, `PredictorExtensionSpec` + `ModelSpec`: fields of `model` that are not container fields. */
const MODEL_NON_CONTAINER = ['storageUri', 'runtimeVersion', 'protocolVersion', 'storage', 'modelFormat', 'runtime', 'schemaPath', 'confidential'];
/**
 * `pkg/controller/v1beta1/inferenceservice/utils/utils.go`, `SupportedStorageURIPrefixList`
 * (checked by `ValidateStorageURI`; Azure blob https URLs and local paths pass too).
 */
const STORAGE_PREFIXES = ['gs://', 's3://', 'pvc://', 'file://', 'https://', 'http://', 'hdfs://', 'webhdfs://', 'oci://', 'oci+native://', 'hf://'];
/** `pkg/constants/constants.go`, `AutoscalerAllowedClassList`. */
const AUTOSCALER_CLASSES = ['hpa', 'external', 'keda', 'none'];
const DEPLOYMENT_MODE = 'serving.kserve.io/deploymentMode';
const AUTOSCALER_CLASS = 'serving.kserve.io/autoscalerClass';

/**
 * The deployment mode KServe uses: the annotation, else the `inferenceservice-config`
 * default, which is Standard at v0.20.0 (`constants.go`: `DefaultDeployment = Standard`).
 */
export function isKnativeMode(annotations: Record<string, string> | undefined): boolean {
  const mode = annotations?.[DEPLOYMENT_MODE];
  return mode === 'Knative' || mode === 'Serverless';
}

/** `inference_service_validation.go`: `ValidateStorageURI` as the controller applies it. */
export function storageUriError(uri: string, appDocs: readonly any[] = []): string | undefined {
  // Step 1 of ValidateStorageURI: a ClusterStorageContainer of the app whose supportedUriFormats
  // match (prefix, else regex) admits any scheme (StorageContainerSpec.IsStorageUriSupported,
  // pkg/apis/serving/v1alpha1/storage_container_types.go).
  for (const csc of appDocs) {
    if (csc?.kind !== 'ClusterStorageContainer') continue;
    for (const f of csc.spec?.supportedUriFormats ?? []) {
      if (f.prefix ? uri.startsWith(f.prefix) : (f.regex && new RegExp(f.regex).test(uri))) return undefined;
    }
  }
  if (!/\w+?:\/\//.test(uri)) return undefined; // a local path
  if (uri.includes('.blob.core.windows.net')) return undefined;
  if (STORAGE_PREFIXES.some((p) => uri.startsWith(p))) return undefined;
  return `storageUri ${uri} is not supported; one of ${STORAGE_PREFIXES.join(', ')}, an Azure blob URL or a local path`;
}

/**
 * The pod spec of the Knative Service KServe generates for one Knative-mode
 * component: the component's inline PodSpec, with `model` (or the framework
 * field) turned into the `kserve-container`
 * (`pkg/controller/v1beta1/inferenceservice/components/predictor.go`,
 * `reconcilers/knative/ksvc_reconciler.go` `createKnativeService`).
 * The storage initializer for `storageUri` is NOT in it: KServe's pod
 * mutator injects it at pod creation (`pkg/webhook/admission/pod/storage_initializer_injector.go`),
 * after Knative's webhook; only `storageUris` puts an init container into the
 * Knative Service (`CommonStorageInitialization` from `createKnativeService`).
 */
export function generatedKnativePodSpec(component: any, impls: string[], runtime?: any): any {
  const pod: any = {};
  // The runtime's pod fields come first; the component's own win (predictor.go, MergePodSpec).
  for (const k of ['nodeSelector', 'tolerations', 'affinity', 'volumes', 'imagePullSecrets']) {
    if (runtime?.spec?.[k] !== undefined) pod[k] = runtime.spec[k];
  }
  for (const [k, v] of Object.entries(component)) {
    if (EXTENSION_FIELDS.includes(k) || PREDICTOR_FIELDS.includes(k) || impls.includes(k)) continue;
    pod[k] = v;
  }
  const containers = [...(component.containers ?? [])];
  for (const impl of impls) {
    const m = component[impl];
    if (!m) continue;
    const container: any = { name: 'kserve-container' };
    for (const [k, v] of Object.entries(m)) if (!MODEL_NON_CONTAINER.includes(k)) container[k] = v;
    // The runtime supplies the image when the model names none; Knative only needs it to be set.
    container.image ??= '<runtime image>';
    // The runtime's server container is merged under the model's (utils.go,
    // MergeRuntimeContainers: a strategic merge, ports keyed by containerPort).
    const server = (runtime?.spec?.containers ?? []).find((c: any) => c.name === 'kserve-container');
    const ports = [...(container.ports ?? [])];
    for (const p of server?.ports ?? []) if (!ports.some((q: any) => q.containerPort === p.containerPort)) ports.push(p);
    if (ports.length) container.ports = ports;
    containers.unshift(container);
  }
  // The runtime's other containers (sidecars) join the pod (components/predictor.go,
  // buildPodSpec: "Append all containers except the predictor and transformer containers").
  if (impls.some((i) => component[i])) {
    for (const c of runtime?.spec?.containers ?? []) if (c.name !== 'kserve-container' && c.name !== 'transformer-container') containers.push(c);
  }
  pod.containers = containers;
  if ((component.storageUris ?? []).length > 0) {
    pod.initContainers = [...(pod.initContainers ?? []), { name: 'storage-initializer', image: '<storage initializer>' }];
  }
  return pod;
}

/**
 * The annotations of the revision template KServe generates: the
 * InferenceService's and the component's, plus the autoscaling ones it
 * derives from the component (`pkg/controller/v1alpha1/utils/utils.go`,
 * `SetAutoScalingAnnotations`: class kpa unless set, target, metric,
 * min-scale (1 when unset), max-scale unless 0).
 */
export function generatedRevisionAnnotations(doc: any, comp: any): Record<string, string> {
  const a: Record<string, string> = { ...(doc.metadata?.annotations ?? {}), ...(comp.annotations ?? {}) };
  const K = 'autoscaling.knative.dev/';
  a[K + 'class'] ??= 'kpa.autoscaling.knative.dev';
  if (comp.scaleTarget !== undefined) a[K + 'target'] = String(comp.scaleTarget);
  if (comp.scaleMetric !== undefined) a[K + 'metric'] = String(comp.scaleMetric);
  a[K + 'min-scale'] = String(comp.minReplicas ?? 1);
  if (comp.maxReplicas) a[K + 'max-scale'] = String(comp.maxReplicas);
  return a;
}

/** The ServingRuntime (same namespace) or ClusterServingRuntime of the app a component names in `model.runtime`. */
function runtimeOf(doc: any, comp: any, impls: string[], ctx: AdmissionContext): any {
  const name = impls.map((i) => comp[i]?.runtime).find((r) => r !== undefined);
  if (!name) return undefined;
  const ns = doc.metadata?.namespace ?? '';
  return ctx.appDocs.find((d) => d?.kind === 'ServingRuntime' && d.metadata?.name === name && (d.metadata?.namespace ?? '') === ns)
    ?? ctx.appDocs.find((d) => d?.kind === 'ClusterServingRuntime' && d.metadata?.name === name);
}

function componentErrors(doc: any, key: string, comp: any, impls: string[], ctx: AdmissionContext, canary = false): string[] {
  const at = `/spec/${key}`;
  const out: string[] = [];
  const annotations = doc.metadata?.annotations ?? {};
  // validateExactlyOneImplementation (a `kserve-container` in containers counts as one; a
  // predictor with no implementation but containers takes the first container).
  const present = impls.filter((i) => comp[i] !== undefined);
  const custom = (comp.containers ?? []).some((c: any) => c.name === 'kserve-container') || (present.length === 0 && (comp.containers ?? []).length > 0);
  const count = present.length + (custom ? 1 : 0);
  if (count !== 1) out.push(`${at}: exactly one implementation is required, found ${count} (${[...present, ...(custom ? ['containers'] : [])].join(', ') || 'none'})`);
  // validatePredictor: no `name` on the model (the stable predictor only).
  for (const i of present) if (!canary && comp[i]?.name) out.push(`${at}/${i}/name: the 'name' field is not allowed in standard predictor`);
  // component.go ComponentExtensionSpec.Validate: replicas and concurrency.
  const min = comp.minReplicas ?? 1;
  if (min < 0) out.push(`${at}/minReplicas: 'MinReplicas' cannot be less than 0`);
  if ((comp.maxReplicas ?? 0) < 0) out.push(`${at}/maxReplicas: 'MaxReplicas' cannot be less than 0`);
  if (comp.maxReplicas && min > comp.maxReplicas) out.push(`${at}/minReplicas: 'MinReplicas' cannot be greater than MaxReplicas`);
  if (comp.containerConcurrency !== undefined && comp.containerConcurrency < 0) out.push(`${at}/containerConcurrency: parallelism cannot be less than 0`);
  if (comp.logger && !['all', 'request', 'response'].includes(comp.logger.mode ?? 'all')) out.push(`${at}/logger/mode: invalid logger type`);
  // validateAutoScalingCompExtension (not for canaries: validateCanarySpecs forbids their autoscaling).
  const knative = !canary && isKnativeMode(annotations);
  const metric = comp.scaleMetric;
  if (knative) {
    if (annotations['autoscaling.knative.dev/class'] === 'hpa.autoscaling.knative.dev') {
      if (!['cpu', 'memory'].includes(metric ?? 'cpu')) out.push(`${at}/scaleMetric: [${metric}] is not a supported metric (Knative HPA class)`);
    } else {
      if (comp.deploymentStrategy) out.push(`${at}/deploymentStrategy: customizing deploymentStrategy is only supported for raw deployment mode`);
      if (!['concurrency', 'rps'].includes(metric ?? 'concurrency')) out.push(`${at}/scaleMetric: [${metric}] is not a supported metric (KPA)`);
      if (metric === 'rps' && comp.scaleTarget !== undefined && comp.scaleTarget < 1) out.push(`${at}/scaleTarget: the target for rps should be greater than 1`);
    }
  } else if (canary) {
    // Canaries run fixed replicas.
  } else if (annotations[AUTOSCALER_CLASS] === 'hpa') {
    // validateScalingHPACompExtension (KServe runs it only with the hpa class annotation).
    const m = metric ?? 'cpu';
    if (annotations[AUTOSCALER_CLASS] === 'hpa' && !['cpu', 'memory'].includes(m)) out.push(`${at}/scaleMetric: [${m}] is not a supported metric (HPA)`);
    if (annotations[AUTOSCALER_CLASS] === 'hpa' && comp.scaleTarget !== undefined && m === 'cpu' && (comp.scaleTarget < 1 || comp.scaleTarget > 100)) {
      out.push(`${at}/scaleTarget: the target utilization percentage should be a [1-100] integer`);
    }
    for (const [i, ms] of (comp.autoScaling?.metrics ?? []).entries()) {
      if (annotations[AUTOSCALER_CLASS] === 'hpa' && ms.type !== 'Resource') out.push(`${at}/autoScaling/metrics/${i}/type: ${ms.type} is invalid for HPA; Resource`);
    }
  } else if (annotations[AUTOSCALER_CLASS] === 'keda') {
    // validateScalingKedaCompExtension.
    if (metric !== undefined) out.push(`${at}/scaleMetric: ScaleMetric is not supported for KEDA`);
    for (const [i, ms] of (comp.autoScaling?.metrics ?? []).entries()) {
      const w = `${at}/autoScaling/metrics/${i}`;
      if (ms.type === 'Resource') {
        const r = ms.resource;
        if (!r) out.push(`${w}: metricSpec.Resource is not set for resource metric source type`);
        else if (r.name === 'cpu' && r.target?.type !== 'Utilization') out.push(`${w}: the cpu target value type should be Utilization`);
        else if (r.name === 'memory' && !['AverageValue', 'Utilization'].includes(r.target?.type)) out.push(`${w}: the memory target value type should be AverageValue or Utilization`);
        else if (r.name !== 'cpu' && r.name !== 'memory') out.push(`${w}: resource type ${r.name} is not supported`);
        if (r?.target?.type === 'Utilization' && (r.target.averageUtilization === undefined || r.target.averageUtilization < 1 || r.target.averageUtilization > 100)) {
          out.push(`${w}: the target utilization percentage should be a [1-100] integer`);
        }
      } else if (ms.type === 'External' || ms.type === 'PodMetric') {
        const src = ms.type === 'External' ? ms.external : ms.podmetric;
        if (!src) {out.push(`${w}: metricSpec.${ms.type} is not set`);} else {
          if (!src.metric?.query) out.push(`${w}: the query should not be empty`);
          if (src.target?.value === undefined) out.push(`${w}: the target threshold value should not be empty`);
        }
      } else {
        out.push(`${w}/type: unknown KEDA metric type ${ms.type}; Resource, External, PodMetric`);
      }
    }
  }
  // component.go validateLogger: a logger's storage needs path, parameters and key.
  const st = comp.logger?.storage;
  if (st && (st.path === undefined || st.parameters === undefined || st.key === undefined)) out.push(`${at}/logger/storage: invalid logger storage configuration`);
  // inference_service_validation.go validateMultipleStorageURIsSpec (per component).
  out.push(...storageUrisErrors(comp.storageUris ?? [], `${at}/storageUris`));
  // validateCollocationStorageURI: a transformer-container may not carry STORAGE_URI.
  const colloc = (comp.containers ?? []).find((c: any) => c.name === 'transformer-container');
  if (colloc && (colloc.env ?? []).some((e: any) => e.name === 'STORAGE_URI')) out.push(`${at}/containers: storage uri should not be specified in transformer container`);
  // Storage URI schemes (the controller's ValidateStorageURI).
  for (const i of present) {
    const uri = comp[i]?.storageUri;
    if (typeof uri === 'string') {
      const e = storageUriError(uri, ctx.appDocs);
      if (e) out.push(`${at}/${i}/storageUri: ${e}`);
      if (key === 'transformer') out.push(`${at}/${i}/storageUri: storage uri should not be specified in transformer container`);
    }
    if (uri !== undefined && (comp.storageUris ?? []).length > 0) out.push(`${at}: Setting both StorageURI and StorageURIs is not supported.`);
  }
  // The generated Knative Service, judged by Knative's webhook.
  if (knative) {
    const pod = generatedKnativePodSpec(comp, impls, runtimeOf(doc, comp, impls, ctx));
    out.push(...knativePodSpecErrors(pod, `${at} (generated Knative Service pod)`, ctx));
    out.push(...knativeRevisionSpecErrors({ containerConcurrency: comp.containerConcurrency, timeoutSeconds: comp.timeout }, at));
    out.push(...knativeAutoscalingErrors(generatedRevisionAnnotations(doc, comp), `${at} (generated revision annotations)`, ctx.knativeAutoscaler));
  }
  return out;
}

/**
 * `inference_service_validation.go`: `validateStorageURISpec` and
 * `validateMultipleStorageURIsSpec` (absolute mount paths, not `/`, no `..`;
 * unique PVC paths; non-PVC paths under one parent below `/`,
 * `utils.FindCommonParentPath`).
 */
export function storageUrisErrors(uris: any[], at: string): string[] {
  const out: string[] = [];
  const paths: string[] = [];
  const pvcPaths: string[] = [];
  uris.forEach((u, i) => {
    const mountPath = u.mountPath ?? '/mnt/models';
    if (!u.uri) out.push(`${at}/${i}/uri: storage URI cannot be empty`);
    else if (storageUriError(u.uri)) out.push(`${at}/${i}/uri: ${storageUriError(u.uri)}`);
    if (mountPath === '/') out.push(`${at}/${i}/mountPath: storage path cannot be empty`);
    if (!mountPath.startsWith('/')) out.push(`${at}/${i}/mountPath: storage path must be absolute: ${mountPath}`);
    if (mountPath.includes('..')) out.push(`${at}/${i}/mountPath: storage path cannot contain '..' for security reasons: ${mountPath}`);
    (String(u.uri).startsWith('pvc://') ? pvcPaths : paths).push(mountPath);
  });
  if (paths.length <= 1) return out;
  if (new Set(pvcPaths).size !== pvcPaths.length) out.push(`${at}: PVC storage paths must be unique`);
  // FindCommonParentPath: the common prefix of the paths' directories, component by component.
  const parts = paths.map((p) => p.split('/').filter((x) => x !== ''));
  let n = 0;
  while (parts.every((p) => p.length > n && p[n] === parts[0][n])) n++;
  if (parts.some((p) => p.length === n)) n = Math.max(0, n - 1);
  if (n === 0) out.push(`${at}: storage paths must have a common parent directory. Current paths: [${paths.join(' ')}] have no common parent beyond root`);
  return out;
}

/** `inference_service_validation.go`, `validateMultiNodeVariables`. */
function multiNodeErrors(doc: any): string[] {
  const p = doc.spec?.predictor ?? {};
  const w = p.workerSpec;
  if (!w) return [];
  const out: string[] = [];
  const at = '/spec/predictor';
  if ((w.containers ?? []).length > 1) out.push(`${at}/workerSpec/containers: setting multiple containers in workerSpec is not allowed`);
  if (p.model) {
    const env: any[] = p.model.env ?? [];
    if (env.some((e) => e.name === 'PIPELINE_PARALLEL_SIZE')) out.push(`${at}/model/env: setting PIPELINE_PARALLEL_SIZE in environment variables is not allowed`);
    if (env.some((e) => e.name === 'TENSOR_PARALLEL_SIZE')) out.push(`${at}/model/env: setting TENSOR_PARALLEL_SIZE in environment variables is not allowed`);
    const uri = p.model.storageUri;
    if (uri === undefined) out.push(`${at}/model/storageUri: StorageURI must be set for multinode enabled`);
    else if (!['pvc', 'oci'].includes(String(uri).split('://')[0])) out.push(`${at}/model/storageUri: the storage protocol ${String(uri).split('://')[0]} is not supported for multinode (pvc, oci)`);
    const cls = doc.metadata?.annotations?.[AUTOSCALER_CLASS];
    if (cls !== 'none') out.push(`/metadata/annotations/${AUTOSCALER_CLASS}: the autoscaler ${cls ?? ''} is not supported for multinode; none`);
  }
  if (w.pipelineParallelSize !== undefined && w.pipelineParallelSize < 1) out.push(`${at}/workerSpec/pipelineParallelSize: cannot be less than 1`);
  if (w.tensorParallelSize !== undefined && w.tensorParallelSize < 1) out.push(`${at}/workerSpec/tensorParallelSize: cannot be less than 1`);
  return out;
}

/** `inference_service_validation.go`, `validateInferenceService`, for a create. */
export function inferenceServiceErrors(doc: any, ctx: AdmissionContext): string[] {
  const out: string[] = [];
  const name = doc.metadata?.name ?? '';
  if (!NAME_RE.test(name)) out.push(`/metadata/name: ${name} is not a valid InferenceService name (${NAME_RE.source})`);
  const annotations = doc.metadata?.annotations ?? {};
  const cls = annotations[AUTOSCALER_CLASS];
  if (cls !== undefined && !AUTOSCALER_CLASSES.includes(cls)) out.push(`/metadata/annotations/${AUTOSCALER_CLASS}: [${cls}] is not a supported autoscaler class type`);
  const spec = doc.spec ?? {};
  out.push(...multiNodeErrors(doc));
  if (spec.predictor) out.push(...componentErrors(doc, 'predictor', spec.predictor, PREDICTOR_IMPLS, ctx));
  if (spec.transformer) out.push(...componentErrors(doc, 'transformer', spec.transformer, [], ctx));
  if (spec.explainer) out.push(...componentErrors(doc, 'explainer', spec.explainer, EXPLAINER_IMPLS, ctx));
  // validateCanarySpecs.
  const canaries: any[] = spec.canary ?? [];
  if (canaries.length > 0) {
    if (annotations[DEPLOYMENT_MODE] !== 'Standard') out.push('/spec/canary: canary is only supported in Standard deployment mode');
    if (spec.predictor?.model === undefined && !PREDICTOR_IMPLS.some((i) => spec.predictor?.[i]?.storageUri !== undefined)) {
      out.push('/spec/canary: canary requires a stable predictor with a model (multi-model serving is not supported with canary)');
    }
    const names = new Set<string>();
    let total = 0;
    canaries.forEach((c, i) => {
      const at = `/spec/canary/${i}`;
      const n = c.predictor?.name;
      if (!n) out.push(`${at}/predictor/name: is required`);
      else if (names.has(n)) out.push(`${at}/predictor/name: ${n} is duplicated`);
      else if (n === spec.predictor?.name) out.push(`${at}/predictor/name: ${n} conflicts with stable predictor name`);
      names.add(n);
      const tp = c.trafficPercent ?? 0;
      if (tp < 0 || tp > 100) out.push(`${at}/trafficPercent: must be between 0 and 100, got ${tp}`);
      total += tp;
      for (const f of ['workerSpec', 'scaleTarget', 'scaleMetric', 'autoScaling']) {
        if (c.predictor?.[f] !== undefined) out.push(`${at}/predictor/${f}: must not be set (canary uses fixed replicas)`);
      }
      if ((c.predictor?.maxReplicas ?? 0) > 0) out.push(`${at}/predictor/maxReplicas: must not be set (canary uses fixed replicas)`);
      if (c.predictor) out.push(...componentErrors(doc, `canary/${i}/predictor`, c.predictor, PREDICTOR_IMPLS, ctx, true));
      if (c.predictor?.minReplicas !== undefined && c.predictor.minReplicas > (spec.predictor?.minReplicas ?? 1)) out.push(`${at}/predictor/minReplicas: must not exceed stable predictor minReplicas`);
    });
    if (total > 100) out.push(`/spec/canary: sum of canary trafficPercent values (${total}) must be <= 100`);
  }
  return out;
}

/** `pkg/apis/serving/v1alpha1/inference_graph_validation.go`, `validateInferenceGraph`. */
export function inferenceGraphErrors(doc: any, ctx: AdmissionContext): string[] {
  const out: string[] = [];
  const name = doc.metadata?.name ?? '';
  if (!NAME_RE.test(name)) out.push(`/metadata/name: ${name} is not a valid InferenceGraph name`);
  const nodes = doc.spec?.nodes ?? {};
  if (!('root' in nodes)) out.push('/spec/nodes: root node not found');
  for (const [nodeName, node] of Object.entries<any>(nodes)) {
    const stepNames = new Set<string>();
    let weights = 0;
    (node.steps ?? []).forEach((s: any, i: number) => {
      const at = `/spec/nodes/${nodeName}/steps/${i}`;
      if (s.name) {
        if (stepNames.has(s.name)) out.push(`${at}/name: node ${nodeName} has more than one step named ${s.name}`);
        stepNames.add(s.name);
      }
      const targets = ['nodeName', 'serviceName', 'serviceUrl'].filter((t) => s[t]);
      if (targets.length === 0) out.push(`${at}: does not specify an inference target`);
      if (targets.length > 1) out.push(`${at}: specifies more than one of nodeName, serviceName, serviceUrl`);
      if (s.nodeName && !(s.nodeName in nodes)) out.push(`${at}/nodeName: node ${s.nodeName} does not exist`);
      weights += s.weight ?? 0;
    });
    if (node.routerType === 'Splitter' && weights !== 100) out.push(`/spec/nodes/${nodeName}: splitter node: the sum of traffic weights for all routing targets should be 100`);
  }
  // The router's Knative Service (knative_reconciler.go createKnativeService) carries
  // affinity, tolerations, nodeSelector, nodeName and serviceAccountName from the graph spec.
  const mode = doc.metadata?.annotations?.[DEPLOYMENT_MODE];
  if (mode === 'Knative' || mode === 'Serverless') {
    const spec = doc.spec ?? {};
    const pod: any = { containers: [{ name: 'router', image: '<router image>' }], automountServiceAccountToken: false };
    for (const k of ['affinity', 'tolerations', 'nodeSelector', 'nodeName', 'serviceAccountName']) if (spec[k] !== undefined) pod[k] = spec[k];
    out.push(...knativePodSpecErrors(pod, '/spec (generated router Knative Service pod)', ctx));
    out.push(...knativeRevisionSpecErrors({ timeoutSeconds: spec.timeout }, '/spec'));
    out.push(...knativeAutoscalingErrors(doc.metadata?.annotations, '/metadata/annotations', ctx.knativeAutoscaler));
  }
  return out;
}

/**
 * `pkg/webhook/admission/servingruntime/servingruntime_webhook.go`:
 * `validateModelFormatPrioritySame` and `validateServingRuntimePriority`
 * against the other runtimes of the app (same namespace for
 * ServingRuntimes, all for ClusterServingRuntimes).
 */
export function servingRuntimeErrors(doc: any, ctx: AdmissionContext): string[] {
  const out: string[] = [];
  const spec = doc.spec ?? {};
  const autoSelect = (f: any) => f.autoSelect === true;
  const byName = new Map<string, number | undefined>();
  for (const f of spec.supportedModelFormats ?? []) {
    if (!autoSelect(f)) continue;
    if (byName.has(f.name)) {
      const p = byName.get(f.name);
      if (p !== undefined && f.priority !== undefined && p !== f.priority) out.push(`/spec/supportedModelFormats: different priorities assigned for the model format ${f.name}`);
    } else {
      byName.set(f.name, f.priority);
    }
  }
  // Handle admits a disabled runtime before its checks; the library refuses mixed priorities even then.
  if (spec.disabled) return out;
  // servingruntime_webhook.go, validateBlockedEnvVars (run after the disabled check; pkg/validation/env_policy.go, DefaultBlockedEnvVars).
  for (const [i, c] of (spec.containers ?? []).entries()) {
    for (const e of c.env ?? []) {
      if (e.name === 'PYTHONPATH') out.push(`/spec/containers/${i}/env: setting PYTHONPATH in container "${c.name}" is not allowed for security reasons`);
    }
  }
  const multi = (s: any) => s.multiModel === true;
  const sameScope = (o: any) => o.kind === doc.kind && o.apiVersion === doc.apiVersion && o.metadata?.name !== doc.metadata?.name
    && (doc.kind === 'ClusterServingRuntime' || (o.metadata?.namespace ?? '') === (doc.metadata?.namespace ?? ''));
  for (const other of ctx.appDocs.filter(sameScope)) {
    const os = other.spec ?? {};
    if (multi(os) !== multi(spec) || os.disabled) continue;
    if (!(os.protocolVersions ?? []).some((p: string) => (spec.protocolVersions ?? []).includes(p))) continue;
    for (const ef of os.supportedModelFormats ?? []) {
      for (const nf of spec.supportedModelFormats ?? []) {
        const same = autoSelect(ef) && autoSelect(nf) && String(ef.name).toLowerCase() === String(nf.name).toLowerCase() && ef.version === nf.version;
        if (same && ef.priority !== undefined && nf.priority !== undefined && ef.priority === nf.priority) {
          out.push(`/spec/supportedModelFormats: same priority assigned for the model format ${nf.name} in the ${doc.kind}s ${other.metadata?.name} and ${doc.metadata?.name}`);
        }
      }
    }
  }
  return out;
}
