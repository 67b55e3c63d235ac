import { checkNonEmpty } from '../internal/errors';

/** Options of {@link InferenceProtocol.of}. */
export interface InferenceProtocolOptions {
  /**
   * Whether the protocol runs over gRPC (HTTP/2).
   *
   * @default false
   */
  readonly grpc?: boolean;
}

/**
 * The inference protocol a model server speaks.
 *
 * KServe's `protocolVersion` values: `v1` (TensorFlow-style REST),
 * `v2` (Open Inference Protocol over REST) and `grpc-v2`.
 */
export class InferenceProtocol {
  /** KServe V1 REST protocol: `POST /v1/models/{name}:predict`. */
  public static readonly V1 = new InferenceProtocol('v1', false);
  /** Open Inference Protocol (V2) over REST: `POST /v2/models/{name}/infer`. */
  public static readonly V2 = new InferenceProtocol('v2', false);
  /** Open Inference Protocol (V2) over gRPC. */
  public static readonly GRPC_V2 = new InferenceProtocol('grpc-v2', true);
  /** KServe V1 over gRPC (TensorFlow Serving's gRPC API). */
  public static readonly GRPC_V1 = new InferenceProtocol('grpc-v1', true);

  /**
   * A protocol version this library does not know yet, written as given.
   *
   * @param version the `protocolVersion` value
   * @param options whether it runs over gRPC
   */
  public static of(version: string, options: InferenceProtocolOptions = {}): InferenceProtocol {
    checkNonEmpty('InferenceProtocol.of', 'version', version);
    return new InferenceProtocol(version, options?.grpc ?? false);
  }

  private constructor(
    /** The value of KServe's `protocolVersion`. */
    public readonly version: string,
    /** Whether the protocol runs over gRPC (HTTP/2). */
    public readonly grpc: boolean,
  ) {}

  /** Whether this is an Open Inference Protocol (V2) variant. */
  public get isV2(): boolean {
    return this.version === 'v2' || this.version === 'grpc-v2';
  }

  /**
   * The readiness path of a model on this protocol (REST protocols only).
   *
   * @param modelName the model name
   */
  public modelReadyPath(modelName: string): string {
    return this.isV2 ? `/v2/models/${modelName}/ready` : `/v1/models/${modelName}`;
  }

  /** The server's health path on this protocol (REST protocols only). */
  public get healthPath(): string {
    return this.isV2 ? '/v2/health/ready' : '/';
  }

  /**
   * The path a client posts inference requests to.
   *
   * @param modelName the model name
   */
  public inferPath(modelName: string): string {
    return this.isV2 ? `/v2/models/${modelName}/infer` : `/v1/models/${modelName}:predict`;
  }

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.version;
  }
}
