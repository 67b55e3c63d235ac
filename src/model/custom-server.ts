/**
 * Your own model server, run in place of a KServe serving runtime or the
 * platform's standard server (`ServedModelProps.server`). It bakes in or
 * fetches its model itself, or reads it from `/mnt/models` when the model
 * has `storage`.
 *
 * The server's arguments, environment variables and resources are the
 * model's own props (`args`, `envVariables`, `resources`), as for any model.
 */
export interface CustomServer {
  /** The server image, pinned by tag or digest. */
  readonly image: string;

  /**
   * The entrypoint.
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * The port the server listens on: REST, or gRPC when the model's
   * `protocol` is a gRPC one.
   *
   * @default 8080
   */
  readonly port?: number;
}
