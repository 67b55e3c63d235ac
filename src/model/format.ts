import { InferenceProtocol } from './protocol';
import { checkNonEmpty, fail, invalidInstance, orInvalid } from '../internal/errors';

/** Options of {@link ModelFormat.of}. */
export interface ModelFormatOptions {
  /**
   * The `modelFormat.version`, e.g. `1`.
   *
   * @default - no version: any version of the format
   */
  readonly version?: string;
}

/**
 * A model serialization format, as KServe's `modelFormat` names it. Each
 * format knows which protocols KServe's built-in runtimes speak for it, so a
 * mismatch fails at synth time instead of at the first request.
 */
export class ModelFormat {
  /** scikit-learn (joblib/pickle); kserve-sklearnserver (V1, V2) or MLServer (V2). */
  public static readonly SKLEARN = new ModelFormat('sklearn', undefined, ['v1', 'v2', 'grpc-v2']);
  /** XGBoost (bst/json); kserve-xgbserver or MLServer. */
  public static readonly XGBOOST = new ModelFormat('xgboost', undefined, ['v1', 'v2', 'grpc-v2']);
  /** LightGBM; kserve-lgbserver or MLServer. */
  public static readonly LIGHTGBM = new ModelFormat('lightgbm', undefined, ['v1', 'v2', 'grpc-v2']);
  /** TensorFlow SavedModel; TensorFlow Serving (V1, gRPC V1) or Triton (V2). */
  public static readonly TENSORFLOW = new ModelFormat('tensorflow', undefined, ['v1', 'grpc-v1', 'v2', 'grpc-v2']);
  /** PyTorch (TorchServe .mar, or TorchScript on Triton). */
  public static readonly PYTORCH = new ModelFormat('pytorch', undefined, ['v1', 'v2', 'grpc-v2']);
  /** ONNX; Triton or OpenVINO Model Server (V2). */
  public static readonly ONNX = new ModelFormat('onnx', undefined, ['v2', 'grpc-v2']);
  /** A Triton model repository (any backend); Triton (V2). */
  public static readonly TRITON = new ModelFormat('triton', undefined, ['v2', 'grpc-v2']);
  /** TensorRT plan; Triton (V2). */
  public static readonly TENSORRT = new ModelFormat('tensorrt', undefined, ['v2', 'grpc-v2']);
  /** Hugging Face transformers; KServe's Hugging Face server (vLLM backend). */
  public static readonly HUGGINGFACE = new ModelFormat('huggingface', undefined, ['v1', 'v2']);
  /** MLflow model; MLServer (V2). */
  public static readonly MLFLOW = new ModelFormat('mlflow', undefined, ['v2', 'grpc-v2']);
  /** PMML; kserve-pmmlserver. */
  public static readonly PMML = new ModelFormat('pmml', undefined, ['v1', 'v2']);
  /** PaddlePaddle; kserve-paddleserver. */
  public static readonly PADDLE = new ModelFormat('paddle', undefined, ['v1', 'v2']);
  /** OpenVINO IR; OpenVINO Model Server (V2). */
  public static readonly OPENVINO = new ModelFormat('openvino_ir', undefined, ['v2', 'grpc-v2']);

  /**
   * Any format by name, e.g. one a custom ServingRuntime supports. The library
   * does not check protocols for unknown formats.
   *
   * @param name the `modelFormat.name`, e.g. `sklearn`
   * @param options the version
   */
  public static of(name: string, options: ModelFormatOptions = {}): ModelFormat {
    return orInvalid(() => {
      checkNonEmpty('ModelFormat.of', 'name', name);
      const version = options?.version;
      checkNonEmpty('ModelFormat.of', 'version', version);
      const known = ALL.find((f) => f.name === name);
      return new ModelFormat(name, version, known?._protocols);
    }, (e) => invalidInstance(ModelFormat.prototype, e, FORMAT_FIELDS));
  }

  private constructor(
    /** The format name (`modelFormat.name`). */
    public readonly name: string,
    /** The format version (`modelFormat.version`), if pinned. */
    public readonly version: string | undefined,
    /** @internal protocols KServe's built-in runtimes speak for this format; undefined when unknown. */
    public readonly _protocols: string[] | undefined,
  ) {}

  /**
   * This format pinned to a version, e.g. `ModelFormat.SKLEARN.withVersion('1')`.
   *
   * @param version the format version, e.g. `1`
   */
  public withVersion(version: string): ModelFormat {
    return orInvalid(() => {
      checkNonEmpty('ModelFormat.withVersion', 'version', version);
      return new ModelFormat(this.name, version, this._protocols);
    }, (e) => invalidInstance(ModelFormat.prototype, e, FORMAT_FIELDS));
  }

  /**
   * Whether KServe's built-in runtimes speak `protocol` for this format (true when unknown).
   *
   * @param protocol the protocol to check
   */
  public supports(protocol: InferenceProtocol): boolean {
    return this._protocols === undefined || this._protocols.includes(protocol.version);
  }

  /** @internal */
  public _checkProtocol(scope: any, protocol: InferenceProtocol): void {
    if (!this.supports(protocol)) {
      fail(scope, 'protocol', protocol.version, `is not spoken by the built-in runtimes for format "${this.name}"`,
        `use one of ${this._protocols!.join(', ')}, or name a runtime that speaks it`);
    }
  }

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.version ? `${this.name}@${this.version}` : this.name;
  }
}

const ALL = [
  ModelFormat.SKLEARN, ModelFormat.XGBOOST, ModelFormat.LIGHTGBM, ModelFormat.TENSORFLOW, ModelFormat.PYTORCH,
  ModelFormat.ONNX, ModelFormat.TRITON, ModelFormat.TENSORRT, ModelFormat.HUGGINGFACE, ModelFormat.MLFLOW,
  ModelFormat.PMML, ModelFormat.PADDLE, ModelFormat.OPENVINO,
];

/** What an invalid format raises its error on. */
const FORMAT_FIELDS = ['name', 'version', '_protocols'];
