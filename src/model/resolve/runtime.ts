import { IConstruct } from 'constructs';
import { checkStringArray } from './shapes';
import { checkInteger, checkNonEmpty, fail, raiseIfInvalid, withScope } from '../../internal/errors';
import { checkDns1123Subdomain, checkImage } from '../../internal/names';
import type { IServingRuntime } from '../../runtime/runtime-ref';
import { checkRuntimeForModel, runtimeDefaultProtocol } from '../../runtime/runtime-rules';
import { checkNoCredential, checkNoCredentialArgs } from '../../security/credentials';
import { CustomServer } from '../custom-server';
import { ModelFormat } from '../format';
import { InferenceProtocol } from '../protocol';

/** The props that decide which server runs the model. */
export interface RuntimeProps {
  readonly format?: ModelFormat;
  readonly protocol?: InferenceProtocol;
  readonly runtime?: IServingRuntime;
  readonly runtimeVersion?: string;
  readonly runtimeImage?: string;
  readonly server?: CustomServer;
  readonly serverPort?: number;
  readonly namespace?: string;
}

/** The server of a model: a format's runtime (maybe pinned), or a custom server. */
export interface ResolvedRuntime {
  readonly format?: ModelFormat;
  /** The ServingRuntime or ClusterServingRuntime name the model names. */
  readonly runtime?: string;
  readonly runtimeVersion?: string;
  readonly protocol: InferenceProtocol;
  /** Whether the user chose the protocol (else it is only our default). */
  readonly protocolExplicit: boolean;
  /** The image: the runtime's replaced (`runtimeImage`), or the custom server's. */
  readonly image?: string;
  /** The custom server's entrypoint. */
  readonly command?: string[];
  /** The port the server listens on (8080 for the runtimes). */
  readonly port: number;
}

/** An image tag, or a digest (`sha256:<64 hex>`); `runtimeVersion` replaces the server image's tag with it. */
export const DIGEST_VERSION = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The port every built-in runtime serves REST on, and a custom server's default. */
const DEFAULT_PORT = 8080;

/**
 * Either a model format's runtime, which KServe picks or `runtime` names,
 * and whose image `runtimeVersion` / `runtimeImage` may pin; or `server`,
 * which replaces the runtime. Mixing the two fails: a setting of one would
 * be dropped without a word.
 */
export function resolveRuntime(scope: IConstruct, p: RuntimeProps): ResolvedRuntime {
  withScope(scope, 'format', () => raiseIfInvalid(p.format));
  const runtime = p.runtime;
  if (runtime !== undefined && (runtime === null || typeof runtime !== 'object' || typeof runtime.runtimeName !== 'string')) {
    fail(scope, 'runtime', typeof runtime === 'string' ? runtime : `<${typeof runtime}>`, 'is not a serving runtime',
      'use a ServingRuntime or ClusterServingRuntime, or ServingRuntime.fromServingRuntimeName(scope, id, name) for one known by name');
  }
  const server = p.server;
  if (server !== undefined) checkServerShape(scope, server);
  // Names end up in the manifest too: a pasted token is a leak whatever prop it lands in.
  if (runtime !== undefined) checkNoCredential(scope, 'runtime', runtime.runtimeName);
  for (const [prop, v] of [['runtimeVersion', p.runtimeVersion], ['runtimeImage', p.runtimeImage]] as const) {
    if (typeof v === 'string') checkNoCredential(scope, prop, v);
  }
  if (runtime !== undefined) checkDns1123Subdomain(scope, 'runtime', runtime.runtimeName);
  checkNonEmpty(scope, 'runtimeVersion', p.runtimeVersion);

  checkInteger(scope, 'serverPort', p.serverPort, 1, 65535);
  if (p.serverPort !== undefined && server !== undefined) {
    fail(scope, 'serverPort', p.serverPort, 'is set as well as server', 'give a custom server\'s port once, as server.port');
  }
  const format = p.format;
  if (server !== undefined) {
    // The server replaces the runtime: any runtime setting would be dropped.
    if (format !== undefined) {
      fail(scope, 'format', format.toString(), 'is set as well as server, which replaces the runtime the format picks',
        'drop format to run your own server, or drop server and use runtimeImage to replace only the runtime\'s image');
    }
    if (runtime !== undefined) fail(scope, 'runtime', runtime.runtimeName, 'is set as well as server, which replaces the runtime', 'drop runtime or server');
    if (p.runtimeVersion !== undefined) fail(scope, 'runtimeVersion', p.runtimeVersion, 'is set as well as server', 'pin the version in server.image');
    if (p.runtimeImage !== undefined) fail(scope, 'runtimeImage', p.runtimeImage, 'is set as well as server', 'give the image once, in server.image');
  } else if (format === undefined) {
    fail(scope, 'format', undefined, 'is missing', 'give a ModelFormat (KServe picks the runtime), or server (your own model server)');
  }
  if (p.runtimeImage !== undefined) checkImage(scope, 'runtimeImage', p.runtimeImage);
  if (p.runtimeVersion !== undefined) checkRuntimeVersion(scope, p.runtimeVersion, p.runtimeImage);
  // A runtime object pins its server: nothing on the model may swap its image. One known only by name may be pinned here.
  if (runtime !== undefined && !runtime.imported) {
    if (p.runtimeVersion !== undefined) {
      fail(scope, 'runtimeVersion', p.runtimeVersion, `would replace the image tag pinned by runtime "${runtime.runtimeName}"`,
        'pin the version in the runtime\'s container.image, or drop runtime');
    }
    if (p.runtimeImage !== undefined) {
      fail(scope, 'runtimeImage', p.runtimeImage, `would replace the server pinned by runtime "${runtime.runtimeName}"`,
        'change the runtime\'s container, or drop runtime');
    }
  }

  const builtInProtocol = format && format.supports(InferenceProtocol.V2) && format.name !== 'huggingface' && format.name !== 'tensorflow'
    ? InferenceProtocol.V2 : InferenceProtocol.V1;
  const protocol = p.protocol ?? (runtime !== undefined ? runtimeDefaultProtocol(runtime, builtInProtocol) : builtInProtocol);
  // A named runtime or a replaced image may speak what the built-ins do not; only check the built-ins.
  if (format && runtime === undefined && p.runtimeImage === undefined) format._checkProtocol(scope, protocol);
  // A runtime known only by name brings no formats or protocols to check against.
  if (runtime !== undefined && !runtime.imported) checkRuntimeForModel(scope, runtime, format, protocol, p.namespace);

  return {
    format,
    runtime: runtime?.runtimeName,
    runtimeVersion: p.runtimeVersion,
    protocol,
    protocolExplicit: p.protocol !== undefined,
    image: server?.image ?? p.runtimeImage,
    command: server?.command ? [...server.command] : undefined,
    port: server?.port ?? p.serverPort ?? DEFAULT_PORT,
  };
}

function checkServerShape(scope: IConstruct, server: CustomServer): void {
  if (server === null || typeof server !== 'object') fail(scope, 'server', server, 'is not a CustomServer', 'use { image, command?, port? }');
  checkImage(scope, 'server.image', server.image);
  checkStringArray(scope, 'server.command', server.command);
  checkNoCredentialArgs(scope, 'server.command', server.command);
  checkInteger(scope, 'server.port', server.port, 1, 65535);
}

function checkRuntimeVersion(scope: IConstruct, version: string, image: string | undefined): void {
  if (!TAG.test(version) && !DIGEST_VERSION.test(version)) {
    fail(scope, 'runtimeVersion', version, 'is not a valid image tag or digest', 'use a tag such as "v0.16.0" or a digest "sha256:<64 hex digits>"');
  }
  // A digest is the exact server the model was validated with: a version must not silently replace it.
  if (image !== undefined && image.includes('@')) {
    fail(scope, 'runtimeVersion', version, `would replace the digest of runtimeImage "${image}"`,
      'pin the version once: the digest in runtimeImage, or runtimeVersion without a digest');
  }
  // Likewise a tag: the image would run another version than the one written.
  if (image !== undefined && image.lastIndexOf(':') > image.lastIndexOf('/')) {
    fail(scope, 'runtimeVersion', version, `would replace the tag of runtimeImage "${image}"`,
      'pin the version once: the tag in runtimeImage, or runtimeVersion with an untagged runtimeImage');
  }
}
