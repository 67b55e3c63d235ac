import type { IServingRuntime } from './runtime-ref';
import { ErrorScope, fail } from '../internal/errors';
import type { ModelFormat } from '../model/format';
import type { InferenceProtocol } from '../model/protocol';

/** @internal the protocol a model on `runtime` defaults to: the built-in default if the runtime speaks it, else the runtime's first. */
export function runtimeDefaultProtocol(runtime: IServingRuntime, builtIn: InferenceProtocol): InferenceProtocol {
  if (runtime.protocols.length === 0 || runtime.protocols.some((p) => p.version === builtIn.version)) return builtIn;
  return runtime.protocols[0];
}

/**
 * @internal KServe's rules for a model that names a runtime: the runtime
 * must serve the model's format (and version, when the model pins one),
 * speak its protocol, be enabled, be single-model, and (namespaced) live in
 * the model's namespace.
 */
export function checkRuntimeForModel(
  scope: ErrorScope, runtime: IServingRuntime, format: ModelFormat | undefined, protocol: InferenceProtocol, namespace: string | undefined,
): void {
  const what = `${runtime.clusterScoped ? 'ClusterServingRuntime' : 'ServingRuntime'} "${runtime.runtimeName}"`;
  if (runtime.disabled) fail(scope, 'runtime', runtime.runtimeName, `is disabled (${what})`, 'enable the runtime, or choose another');
  if (runtime.multiModel) {
    fail(scope, 'runtime', runtime.runtimeName, `is a multi-model (ModelMesh) runtime (${what})`, 'use a single-model runtime');
  }
  if (!runtime.clusterScoped && runtime.runtimeNamespace !== namespace) {
    fail(scope, 'runtime', runtime.runtimeName, `is in namespace "${runtime.runtimeNamespace ?? '<default>'}", not the model's "${namespace ?? '<default>'}"`,
      'create the ServingRuntime in the model\'s namespace, or use a ClusterServingRuntime');
  }
  if (!format) fail(scope, 'format', undefined, `is missing; ${what} is chosen by format`, 'set format to one the runtime supports');
  const sameName = runtime.supportedFormats.filter((f) => f.format.name.toLowerCase() === format.name.toLowerCase());
  const supported = format.version === undefined ? sameName.length > 0 : sameName.some((f) => f.format.version === format.version);
  if (!supported) {
    fail(scope, 'format', format.toString(), `is not supported by ${what}`,
      `use one of ${runtime.supportedFormats.map((f) => f.format.toString()).join(', ')}, or another runtime`);
  }
  if (runtime.protocols.length && !runtime.protocols.some((p) => p.version === protocol.version)) {
    fail(scope, 'protocol', protocol.version, `is not spoken by ${what}`, `use one of ${runtime.protocols.map((p) => p.version).join(', ')}`);
  }
}
