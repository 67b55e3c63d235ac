import { ErrorScope, fail } from '../internal/errors';
import { EnvVar } from '../internal/k8s';
import { ModelFormat } from '../model/format';
import { ModelSpec } from '../model/model-spec';
import { InferenceProtocol } from '../model/protocol';

/** Where every model server reads its model files. */
export const MODEL_DIR = '/mnt/models';
/** The REST port of every default model server. */
export const HTTP_PORT = 8080;

/** How a server container is started, for one model. */
interface ServerLaunch {
  readonly command?: string[];
  readonly args: string[];
  readonly env: EnvVar[];
}

/** What a model server needs, besides its image, to serve one model. */
interface ServerDefinition {
  /** Formats it serves, mapped to the image repository of that format. */
  readonly repositories: Record<string, string>;
  readonly tag: string;
  /** Tag of the GPU build, when the server ships one. */
  readonly gpuTag?: string;
  readonly protocols: string[];
  readonly grpcPort: number;
  /** Needs shared memory (`/dev/shm`) larger than the runtime's 64 MiB default. */
  readonly sharedMemory: boolean;
  /**
   * The name the server serves the model under, read from its final args and
   * env (readiness asks for that model); undefined when it cannot be known
   * (Triton names models after the repository folders, TorchServe after its
   * model archive), and readiness asks the server instead.
   */
  modelName(args: string[], env: EnvVar[]): string | undefined;
  launch(spec: ModelSpec, format: string, protocol: string): ServerLaunch;
}

const KSERVE_VERSION = 'v0.16.0';

const MLSERVER_IMPLEMENTATIONS: Record<string, string> = {
  lightgbm: 'mlserver_lightgbm.LightGBMModel',
  mlflow: 'mlserver_mlflow.MLflowRuntime',
  sklearn: 'mlserver_sklearn.SKLearnModel',
  xgboost: 'mlserver_xgboost.XGBoostModel',
};

// Images, args and ports follow KServe's own ClusterServingRuntimes, so a model
// that works on KServe works unchanged on the Knative Service and Deployment platforms.
const SERVERS: Record<string, ServerDefinition> = {
  'kserve': {
    repositories: { sklearn: 'kserve/sklearnserver', xgboost: 'kserve/xgbserver', lightgbm: 'kserve/lgbserver', pmml: 'kserve/pmmlserver' },
    tag: KSERVE_VERSION,
    protocols: ['v1', 'v2', 'grpc-v2'],
    grpcPort: 8081,
    modelName: (args) => modelNameFlag(args),
    sharedMemory: false,
    launch: (spec, _format, protocol) => ({
      args: [`--model_name=${spec.name}`, `--model_dir=${MODEL_DIR}`, `--http_port=${HTTP_PORT}`,
        ...(protocol === 'grpc-v2' ? ['--grpc_port=8081'] : [])],
      env: [],
    }),
  },
  'mlserver': {
    repositories: { sklearn: 'seldonio/mlserver', xgboost: 'seldonio/mlserver', lightgbm: 'seldonio/mlserver', mlflow: 'seldonio/mlserver' },
    tag: '1.7.1',
    protocols: ['v2', 'grpc-v2'],
    grpcPort: 9000,
    // MLServer's single-model settings come from the environment (MLSERVER_MODEL_NAME).
    modelName: (_args, env) => env.find((e) => e.name === 'MLSERVER_MODEL_NAME')?.value,
    sharedMemory: false,
    launch: (spec, format) => ({
      args: [],
      env: [
        { name: 'MLSERVER_GRPC_PORT', value: '9000' },
        { name: 'MLSERVER_HTTP_PORT', value: String(HTTP_PORT) },
        { name: 'MLSERVER_MODEL_IMPLEMENTATION', value: MLSERVER_IMPLEMENTATIONS[format] },
        { name: 'MLSERVER_MODEL_NAME', value: spec.name },
        { name: 'MLSERVER_MODEL_URI', value: MODEL_DIR },
      ],
    }),
  },
  'triton': {
    repositories: Object.fromEntries(['triton', 'onnx', 'tensorrt', 'pytorch', 'tensorflow'].map((f) => [f, 'nvcr.io/nvidia/tritonserver'])),
    tag: '25.01-py3',
    protocols: ['v2', 'grpc-v2'],
    grpcPort: 9000,
    modelName: () => undefined,
    sharedMemory: true,
    launch: () => ({
      args: ['tritonserver', `--model-store=${MODEL_DIR}`, '--grpc-port=9000', `--http-port=${HTTP_PORT}`, '--allow-grpc=true', '--allow-http=true'],
      env: [],
    }),
  },
  'tensorflow-serving': {
    repositories: { tensorflow: 'tensorflow/serving' },
    tag: '2.18.0',
    gpuTag: '2.18.0-gpu',
    protocols: ['v1', 'grpc-v1'],
    grpcPort: 9000,
    modelName: (args) => modelNameFlag(args),
    sharedMemory: false,
    launch: (spec) => ({
      command: ['/usr/bin/tensorflow_model_server'],
      args: [`--model_name=${spec.name}`, '--port=9000', `--rest_api_port=${HTTP_PORT}`, `--model_base_path=${MODEL_DIR}`, '--rest_api_timeout_in_ms=60000'],
      env: [],
    }),
  },
  'torchserve': {
    repositories: { pytorch: 'pytorch/torchserve-kfs' },
    tag: '0.12.0',
    gpuTag: '0.12.0-gpu',
    protocols: ['v1', 'v2', 'grpc-v2'],
    grpcPort: 8081,
    // The KServe wrapper registers the models of the archive's config (e.g. `mnist`), whatever the ServedModel is called.
    modelName: () => undefined,
    sharedMemory: false,
    // The KServe wrapper in the image reads the protocol from PROTOCOL_VERSION.
    launch: (_spec, _format, protocol) => ({
      args: ['torchserve', '--start', `--model-store=${MODEL_DIR}/model-store`, `--ts-config=${MODEL_DIR}/config/config.properties`],
      env: [{ name: 'PROTOCOL_VERSION', value: protocol }],
    }),
  },
  'huggingface': {
    repositories: { huggingface: 'kserve/huggingfaceserver' },
    tag: KSERVE_VERSION,
    gpuTag: `${KSERVE_VERSION}-gpu`,
    protocols: ['v1', 'v2'],
    grpcPort: 8081,
    modelName: (args) => servedModelNameFlag(args) ?? modelNameFlag(args),
    sharedMemory: true,
    launch: (spec) => ({
      args: [`--model_name=${spec.name}`, `--model_dir=${MODEL_DIR}`, `--http_port=${HTTP_PORT}`],
      env: [],
    }),
  },
};

/** The protocols the servers speak, by `protocolVersion`. */
const PROTOCOLS: Record<string, InferenceProtocol> = {
  'v1': InferenceProtocol.V1,
  'v2': InferenceProtocol.V2,
  'grpc-v1': InferenceProtocol.GRPC_V1,
  'grpc-v2': InferenceProtocol.GRPC_V2,
};

/** Options of {@link ModelServer.defaultImage}. */
export interface DefaultImageOptions {
  /**
   * Whether the replica has a GPU (some servers ship a GPU build).
   *
   * @default false
   */
  readonly gpu?: boolean;
}

/**
 * A standard model server that the Knative Service and Kubernetes Deployment
 * platforms run for a model format (KServe itself picks a ServingRuntime).
 * Each has pinned default images; override them with the platform's
 * `modelServerImage` or the ServedModel's `runtimeImage`.
 */
export class ModelServer {
  /** KServe's Python servers (`kserve/sklearnserver`, `xgbserver`, `lgbserver`, `pmmlserver`); V1, V2, gRPC V2. */
  public static readonly KSERVE = new ModelServer('kserve');
  /** Seldon MLServer (`seldonio/mlserver`) for sklearn, xgboost, lightgbm and mlflow; V2 and gRPC V2. */
  public static readonly MLSERVER = new ModelServer('mlserver');
  /** NVIDIA Triton (`nvcr.io/nvidia/tritonserver`) for onnx, tensorrt, pytorch (TorchScript), tensorflow and Triton repositories; V2. */
  public static readonly TRITON = new ModelServer('triton');
  /** TensorFlow Serving (`tensorflow/serving`); V1 REST and gRPC. */
  public static readonly TENSORFLOW_SERVING = new ModelServer('tensorflow-serving');
  /** TorchServe with the KServe wrapper (`pytorch/torchserve-kfs`) for `.mar` archives; V1, V2, gRPC V2. */
  public static readonly TORCHSERVE = new ModelServer('torchserve');
  /** KServe's Hugging Face server (`kserve/huggingfaceserver`, vLLM backend on GPUs); V1, V2 and OpenAI routes. */
  public static readonly HUGGINGFACE = new ModelServer('huggingface');

  /**
   * A model server by name: `kserve`, `mlserver`, `triton`, `tensorflow-serving`, `torchserve` or `huggingface`.
   *
   * @param name the server name
   */
  public static of(name: string): ModelServer {
    if (!Object.prototype.hasOwnProperty.call(SERVERS, name ?? '')) {
      fail('ModelServer.of', 'name', name, 'is not a known model server', `use one of ${Object.keys(SERVERS).join(', ')}`);
    }
    return new ModelServer(name);
  }

  private constructor(
    /** The server's name, e.g. `triton`. */
    public readonly name: string,
  ) {}

  /** The model formats this server serves. */
  public get formats(): ModelFormat[] {
    return Object.keys(SERVERS[this.name].repositories).map((f) => ModelFormat.of(f));
  }

  /** The protocols this server speaks. */
  public get protocols(): InferenceProtocol[] {
    return SERVERS[this.name].protocols.map((p) => PROTOCOLS[p]);
  }

  /**
   * The pinned default image for a format, or undefined when the server does not serve it.
   *
   * @param format the model format
   * @param options whether the replica has a GPU
   */
  public defaultImage(format: ModelFormat, options: DefaultImageOptions = {}): string | undefined {
    return this._image(format?.name, options?.gpu ?? false);
  }

  /** @internal the pinned default image for a format name. */
  public _image(format: string, gpu: boolean): string | undefined {
    const d = SERVERS[this.name];
    const repository = d.repositories[format];
    if (!repository) return undefined;
    return `${repository}:${gpu && d.gpuTag ? d.gpuTag : d.tag}`;
  }

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.name;
  }
}

const DEFAULT_FORMATS = ['sklearn', 'xgboost', 'lightgbm', 'pmml', 'mlflow', 'tensorflow', 'pytorch', 'onnx', 'tensorrt', 'triton', 'huggingface'];

/** The server the platforms pick when the user names none, mirroring KServe's runtime choice. */
function defaultServerName(format: string, protocol: string): string | undefined {
  switch (format) {
    case 'sklearn':
    case 'xgboost':
    case 'lightgbm':
    case 'pmml':
      return 'kserve';
    case 'mlflow':
      return 'mlserver';
    case 'tensorflow':
      return protocol === 'v1' || protocol === 'grpc-v1' ? 'tensorflow-serving' : 'triton';
    case 'pytorch':
      return 'torchserve';
    case 'onnx':
    case 'tensorrt':
    case 'triton':
      return 'triton';
    case 'huggingface':
      return 'huggingface';
    default:
      return undefined;
  }
}

/** Platform options that shape the model server container. */
export interface ServerChoice {
  readonly modelServer?: ModelServer;
  readonly modelServerImage?: string;
}

/** The model server container of one model, before probes and volumes. */
export interface ResolvedServer {
  /** The server name, or `custom` for the model's own `server`. */
  readonly server: string;
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: EnvVar[];
  /** The REST port (health, metrics); undefined for a custom gRPC-only container. */
  readonly httpPort?: number;
  /** The gRPC port, when the protocol is gRPC. */
  readonly grpcPort?: number;
  /** The port the protocol is served on (what the Service and Knative route to). */
  readonly servingPort: number;
  /** Whether probes may use the protocol's endpoints. */
  readonly speaksProtocol: boolean;
  /** The name the server serves the model under (readiness asks for it); undefined: readiness asks the server. */
  readonly modelName?: string;
  /** A non-root user for images whose default user is root or non-numeric. */
  readonly runAsUser?: number;
  readonly sharedMemory: boolean;
}

/**
 * Picks and configures the model server for a spec, or throws a
 * ModelServingError naming what to change.
 */
export function resolveServer(scope: ErrorScope, spec: ModelSpec, choice: ServerChoice, platform: string): ResolvedServer {
  const protocol = spec.protocol.version;
  const grpc = spec.protocol.grpc;
  if (!spec.format) {
    if (choice.modelServer) {
      fail(scope, 'modelServer', choice.modelServer.name, `needs a model format on ${platform}`, 'give format, or drop modelServer to run your own server as is');
    }
    const image = choice.modelServerImage ?? spec.image!;
    return {
      server: 'custom',
      image,
      command: spec.command,
      args: [...spec.args],
      env: [...spec.env],
      httpPort: grpc ? undefined : spec.port,
      grpcPort: grpc ? spec.port : undefined,
      servingPort: spec.port,
      // A custom server only gets protocol probes when the user says which protocol it speaks.
      speaksProtocol: spec.protocolExplicit && !grpc,
      modelName: modelNameFlag(spec.args) ?? spec.name,
      sharedMemory: false,
    };
  }
  const format = spec.format.name;
  const name = choice.modelServer?.name ?? defaultServerName(format, protocol);
  if (!name) {
    fail(scope, 'format', format, `has no default model server on ${platform}`,
      `use a format with a standard server (${DEFAULT_FORMATS.join(', ')}), or drop format and give server (your own model server)`);
  }
  const d = SERVERS[name];
  if (!d.repositories[format]) {
    fail(scope, 'modelServer', name, `does not serve format "${format}"`, `use a server for ${format}, or one of the formats ${Object.keys(d.repositories).join(', ')}`);
  }
  if (!d.protocols.includes(protocol)) {
    fail(scope, 'protocol', protocol, `is not spoken by the ${name} model server on ${platform}`,
      `use one of ${d.protocols.join(', ')}, or choose another modelServer`);
  }
  if (spec.image && choice.modelServerImage) {
    fail(scope, 'runtimeImage', spec.image, `and the platform's modelServerImage "${choice.modelServerImage}" both set the model server image`, 'set the image once');
  }
  const gpu = !!spec.accelerator?.isGpu;
  let image = spec.image ?? choice.modelServerImage ?? ModelServer.of(name)._image(format, gpu)!;
  if (spec.runtimeVersion !== undefined) image = withTag(image, spec.runtimeVersion);
  const launch = d.launch(spec, format, protocol);
  const args = [...launch.args, ...spec.args];
  const env = mergeEnv(launch.env, spec.env);
  return {
    server: name,
    image,
    command: spec.command ?? launch.command,
    args,
    env,
    httpPort: HTTP_PORT,
    grpcPort: grpc ? d.grpcPort : undefined,
    servingPort: grpc ? d.grpcPort : HTTP_PORT,
    speaksProtocol: true,
    modelName: d.modelName(args, env),
    // KServe's runtimes set the same: several of these images run as root or a named user.
    runAsUser: 1000,
    sharedMemory: d.sharedMemory,
  };
}

/**
 * The image with its tag replaced (runtimeVersion pins the server version, as
 * on KServe); a `sha256:` version becomes a digest (`@sha256:...`).
 */
function withTag(image: string, version: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  const repository = colon > slash ? base.slice(0, colon) : base;
  return version.startsWith('sha256:') ? `${repository}@${version}` : `${repository}:${version}`;
}

/** User env overrides the server's defaults of the same name; sorted by name. */
function mergeEnv(defaults: EnvVar[], user: EnvVar[]): EnvVar[] {
  const byName = new Map<string, EnvVar>();
  for (const e of [...defaults, ...user]) byName.set(e.name, e);
  return [...byName.keys()].sort().map((k) => byName.get(k)!);
}

const MODEL_NAME_FLAGS = ['--model_name', '--model-name'];
const SERVED_MODEL_NAME_FLAGS = ['--served-model-name', '--served_model_name'];

/**
 * The value of the last `--model_name` (or `--model-name`) in `args`, as
 * `--flag=value` or `--flag value`: KServe's Python servers
 * (python/kserve/kserve/model_server.py, v0.20) and TensorFlow Serving parse
 * flags in order, so a user's flag after the runtime's `--model_name={{.Name}}`
 * wins.
 */
export function modelNameFlag(args: string[]): string | undefined {
  return flagValues(args, MODEL_NAME_FLAGS).pop();
}

/**
 * The first name of vLLM's `--served-model-name`, which KServe's Hugging Face
 * server serves instead of `--model_name` (python/huggingfaceserver/huggingfaceserver/__main__.py, v0.20).
 */
export function servedModelNameFlag(args: string[]): string | undefined {
  return flagValues(args, SERVED_MODEL_NAME_FLAGS).pop();
}

function flagValues(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const n of names) {
      if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (a === n && i + 1 < args.length) out.push(args[i + 1]);
    }
  }
  return out;
}

/**
 * The gRPC port KServe's built-in runtime for a format listens on
 * (config/runtimes/*.yaml, v0.20): Triton and MLServer 9000
 * (`--grpc-port=9000`, `MLSERVER_GRPC_PORT`), KServe's Python servers and the
 * TorchServe wrapper 8081 (model_server.py `--grpc_port` default).
 */
export function builtInGrpcPort(format: string, protocol: string): number | undefined {
  const name = defaultServerName(format, protocol);
  return name === undefined ? undefined : SERVERS[name].grpcPort;
}

/**
 * The name KServe's built-in runtime for the spec's format serves the model
 * under: the runtimes pass `--model_name={{.Name}}` (the InferenceService
 * name) or MLSERVER_MODEL_NAME, and KServe appends the model's own args
 * after the runtime's (pkg/controller/v1beta1/inferenceservice/utils/utils.go,
 * MergeRuntimeContainers, v0.20) and lets its env override. Undefined when
 * the server names it otherwise (Triton, TorchServe).
 */
export function builtInModelName(spec: ModelSpec): string | undefined {
  const name = defaultServerName(spec.format!.name, spec.protocol.version);
  const args = [`--model_name=${spec.name}`, ...spec.args];
  if (name === undefined) return modelNameFlag(args);
  return SERVERS[name].modelName(args, mergeEnv([{ name: 'MLSERVER_MODEL_NAME', value: spec.name }], spec.env));
}

/**
 * The name the model is served under on any platform: a custom server's
 * `--model_name`, else what the format's built-in server reads (see
 * {@link builtInModelName}); undefined when the server names it itself.
 */
export function servedModelName(spec: ModelSpec): string | undefined {
  return spec.format ? builtInModelName(spec) : modelNameFlag(spec.args) ?? spec.name;
}
