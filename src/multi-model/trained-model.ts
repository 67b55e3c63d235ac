import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { standardLabels } from '../internal/labels';
import { checkDns1123Subdomain, checkLabels, nameFromId } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { mebibytesOf } from '../internal/units';
import { ModelFormat } from '../model/format';
import { memoryQuantity, ModelSpec } from '../model/model-spec';
import { ServedModel } from '../model/served-model';
import { IServedModel } from '../model/served-model-ref';
import { ModelStorage } from '../model/storage';

export const TRAINED_MODEL_API_VERSION = 'serving.kserve.io/v1alpha1';

/**
 * The storage schemes KServe's model agent downloads a TrainedModel from
 * (kserve pkg/agent/storage/provider.go, `SupportedProtocols`: s3, gs,
 * https, http; checked by trainedmodel_webhook.go `validateStorageURI`).
 * Azure Blob URLs are https. hf://, pvc://, oci:// and the rest are refused.
 */
export const TRAINED_MODEL_STORAGE_PREFIXES: readonly string[] = ['s3://', 'gs://', 'https://', 'http://'];

/** The env var that marks a custom predictor container as a multi-model server (kserve pkg/constants, `CustomSpecMultiModelServerEnvVarKey`). */
const MULTI_MODEL_SERVER_ENV = 'MULTI_MODEL_SERVER';

/** Props of a {@link TrainedModel}. */
export interface TrainedModelProps {
  /**
   * The InferenceService that serves the model: a ServedModel on KServe
   * declared for multi-model serving, i.e. with a `format` (and a runtime
   * that loads models on request, such as Triton, MLServer, sklearn or
   * xgboost) and no `storage`: KServe's model agent then loads each
   * TrainedModel into its server. Only a {@link ServedModel} of this app
   * will do (its format, storage and memory limit are checked); another
   * `IServedModel` implementation is a synth error.
   */
  readonly inferenceService: IServedModel;

  /** Where the model files are: s3://, gs:// (incl. Azure Blob) https:// or http:// storage. */
  readonly storage: ModelStorage;

  /**
   * The most memory the model takes once loaded. KServe loads a model only
   * while the models of its InferenceService fit its memory limit, so the
   * sum over one InferenceService is checked against that limit.
   */
  readonly memory: Size;

  /**
   * The model's framework (`spec.model.framework`).
   *
   * @default - the InferenceService's format
   */
  readonly format?: ModelFormat;

  /**
   * The resource name, which is also the model name in inference URLs
   * (`/v1/models/<name>:predict`): lower-case letters, digits and `-`.
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * Extra labels.
   *
   * @default - the standard app.kubernetes.io labels only
   */
  readonly labels?: Record<string, string>;
}

/**
 * A KServe TrainedModel (serving.kserve.io/v1alpha1): one of many models
 * served by a single multi-model InferenceService. KServe's model agent
 * downloads it and loads it into the InferenceService's server, as long as
 * the models fit the server's memory limit.
 *
 * The TrainedModel lives in its InferenceService's namespace and is applied
 * after it. At synth the library checks what KServe's webhook checks (name,
 * storage scheme) and what its controller needs for the model to become
 * Ready: the parent is an InferenceService set up for multi-model serving,
 * and the memory of all its TrainedModels fits its memory limit.
 *
 * @example
 * const server = new ServedModel(chart, 'sklearn-mms', {
 *   format: ModelFormat.SKLEARN,
 *   resources: { memory: Size.gibibytes(4) },
 * });
 * new TrainedModel(chart, 'churn', {
 *   inferenceService: server,
 *   storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn/v3' }),
 *   memory: Size.mebibytes(512),
 * });
 */
export class TrainedModel extends Construct {
  /** The resource name (the model's name in inference URLs). */
  public readonly modelName: string;
  /** The memory the model takes. */
  public readonly memory: Size;
  /** The InferenceService that serves the model. */
  public readonly inferenceService: IServedModel;
  /** The TrainedModel document (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: TrainedModelProps) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, {
      storage: { cls: ModelStorage, use: 'ModelStorage.fromS3(...), fromGcs(...), fromAzureBlob(...) or fromHttps(...)' },
      memory: { cls: Size, use: 'Size.mebibytes(n) or Size.gibibytes(n) from cdk8s' },
      format: { cls: ModelFormat, use: 'ModelFormat.SKLEARN, ModelFormat.of(...)' },
      name: 'string',
      labels: 'map',
    }, ['inferenceService', 'storage', 'memory'], 'TrainedModelProps, e.g. { inferenceService, storage, memory }');
    const parent = props.inferenceService;
    // KServe loads a TrainedModel only into a multi-model server: checking that takes the parent's
    // resolved spec (format, storage, memory limit), which only a ServedModel of this app has.
    if (!ServedModel.isServedModel(parent)) {
      fail(this, 'inferenceService', shownRef(parent), 'is not a ServedModel', 'pass the ServedModel that serves the model (an IServedModel implemented elsewhere cannot be checked as a multi-model server)');
    }
    this.modelName = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.modelName);
    // trainedmodel_webhook.go, validateTrainedModelName: TmNameFmt [a-zA-Z0-9_-]+ (no dots; a
    // Kubernetes name has no upper case or underscore, so lower case, digits and '-').
    if (this.modelName.includes('.')) {
      fail(this, 'name', this.modelName, 'contains "." (KServe\'s TrainedModel webhook allows only letters, digits, "_" and "-")', 'use lower-case letters, digits and "-"');
    }
    checkLabels(this, 'labels', props.labels);
    const uri = props.storage.uri;
    if (!TRAINED_MODEL_STORAGE_PREFIXES.some((p) => uri.startsWith(p))) {
      fail(this, 'storage', uri, 'has a scheme KServe\'s model agent cannot download a TrainedModel from (trainedmodel_webhook.go, validateStorageURI)',
        `use ${TRAINED_MODEL_STORAGE_PREFIXES.join(', ')} storage (ModelStorage.fromS3, fromGcs, fromAzureBlob or fromHttps)`);
    }
    if (!(mebibytesOf(props.memory) >= 1)) {
      fail(this, 'memory', `${mebibytesOf(props.memory)}Mi`, 'is not a valid size', 'use a Size of at least 1 MiB, e.g. Size.mebibytes(512)');
    }
    this.memory = props.memory;
    this.inferenceService = parent;
    // The TrainedModel controller looks its parent up as an InferenceService (controller.go, Reconcile).
    if (parent.apiObject.kind !== 'InferenceService') {
      fail(this, 'inferenceService', parent.name, `runs on the "${parent.platform.id}" platform, which renders a ${parent.apiObject.kind}, not a KServe InferenceService`,
        'serve the parent with ServingPlatform.kserve() or ServingPlatform.kserveStandard()');
    }
    this.node.addDependency(parent);

    // ServedModel resolves its spec when it is constructed: format, storage and memory are known here.
    const spec = parent._spec();
    checkMultiModelParent(this, parent, spec);
    const framework = props.format ?? spec.format;
    if (framework === undefined) {
      fail(this, 'format', undefined, `is missing and InferenceService "${parent.name}" runs a custom server with no format`, 'give the model\'s format, e.g. ModelFormat.SKLEARN');
    }
    checkMemoryFits(this, parent, spec);

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: TRAINED_MODEL_API_VERSION,
      kind: 'TrainedModel',
      metadata: {
        name: this.modelName,
        // The controller finds the parent in the TrainedModel's own namespace.
        namespace: parent.namespace,
        labels: { ...(props.labels ?? {}), ...standardLabels(this.modelName, 'trained-model', parent.name) },
      },
      spec: {
        inferenceService: parent.name,
        model: { storageUri: uri, framework: framework.name, memory: memoryQuantity(props.memory) },
      },
    });
  }
}

/** A reference as an error shows it: a construct by its path, anything else as given. */
function shownRef(v: unknown): unknown {
  const path = (v as { node?: { path?: unknown } } | null | undefined)?.node?.path;
  return typeof path === 'string' ? path : v;
}

/**
 * KServe loads TrainedModels only into an InferenceService whose predictor
 * is a multi-model server (kserve pkg/controller/v1beta1/inferenceservice/utils/utils.go,
 * `IsMMSPredictor`, read by the TrainedModel controller's `IsMMSPredictor`
 * condition): a model format with no storage of its own and not Hugging
 * Face, or a custom container with `MULTI_MODEL_SERVER=true`. Otherwise the
 * TrainedModel never becomes Ready.
 */
function checkMultiModelParent(scope: TrainedModel, parent: ServedModel, spec: ModelSpec): void {
  const what = `InferenceService "${parent.name}" (${parent.node.path})`;
  if (spec.format === undefined) {
    if (!spec.env.some((e) => e.name === MULTI_MODEL_SERVER_ENV && e.value === 'true')) {
      fail(scope, 'inferenceService', parent.name, `runs a custom server without ${MULTI_MODEL_SERVER_ENV}=true, so KServe does not treat ${what} as a multi-model server`,
        `set envVariables ${MULTI_MODEL_SERVER_ENV}: EnvValue.fromValue("true") on the custom server's model, or serve a format`);
    }
    return;
  }
  if (spec.format.name.toLowerCase() === 'huggingface') {
    fail(scope, 'inferenceService', parent.name, `serves the huggingface format, which KServe never runs as a multi-model server (${what})`,
      'serve TrainedModels from a Triton, MLServer, sklearn, xgboost or lightgbm InferenceService');
  }
  if (spec.storage !== undefined) {
    fail(scope, 'inferenceService', parent.name, `has storage (${spec.storage.uri}), so KServe serves that one model and loads no TrainedModel into ${what}`,
      'declare the multi-model InferenceService without storage');
  }
}

/**
 * The TrainedModel controller allocates a model only while the memory of
 * every TrainedModel of the InferenceService fits its predictor's memory
 * limit (trainedmodel/controller.go, `updateConditions`;
 * utils.go `IsMemoryResourceAvailable`).
 */
function checkMemoryFits(scope: TrainedModel, parent: ServedModel, spec: ModelSpec): void {
  const limit = memoryLimitMib(spec);
  // Checked as each model is added (this one is not in the tree's list yet when its constructor runs).
  const siblings = [
    ...scope.node.root.node.findAll().filter((c): c is TrainedModel =>
      c instanceof TrainedModel && c !== scope && c.inferenceService === parent && c.memory !== undefined),
    scope,
  ];
  const total = siblings.reduce((sum, m) => sum + mebibytesOf(m.memory), 0);
  if (limit === undefined || total > limit) {
    fail(scope, 'memory', memoryQuantity(scope.memory),
      `brings the TrainedModels of InferenceService "${parent.name}" to ${memoryQuantity(Size.mebibytes(total))}, over its memory limit of ${limit === undefined ? 'none' : memoryQuantity(Size.mebibytes(limit))}`
      + ` (${siblings.map((m) => `${m.modelName}: ${memoryQuantity(m.memory)}`).join(', ')}), so KServe would not load it`,
      'raise the InferenceService\'s memory (resources.memory or memoryLimit), or spread the models over more InferenceServices');
  }
}

/** The memory limit of a resolved spec's server container, in MiB (undefined when none is set). */
function memoryLimitMib(spec: ModelSpec): number | undefined {
  const q = spec.resources.limits.memory;
  return q === undefined ? undefined : quantityMib(String(q));
}

/** A Kubernetes memory quantity in MiB. */
function quantityMib(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q);
  if (!m) return NaN;
  const factor: Record<string, number> = {
    '': 1 / 1048576,
    'Ki': 1 / 1024,
    'Mi': 1,
    'Gi': 1024,
    'Ti': 1048576,
    'Pi': 1073741824,
    'k': 1000 / 1048576,
    'M': 1e6 / 1048576,
    'G': 1e9 / 1048576,
    'T': 1e12 / 1048576,
    'P': 1e15 / 1048576,
  };
  return Number(m[1]) * factor[m[2] ?? ''];
}
