import { Construct } from 'constructs';
import { CachePlacement, LocalModelCache, LocalModelCacheProps } from './local-model-cache';
import { chartNamespace } from '../internal/labels';
import { ServedModel } from '../model/served-model';

/** Props of a {@link LocalModelNamespaceCache}. */
export interface LocalModelNamespaceCacheProps extends LocalModelCacheProps {
  /**
   * The namespace; only InferenceServices in it use the cache.
   *
   * @default - the chart's namespace, else none: kubectl's current namespace at apply time
   */
  readonly namespace?: string;
}

/**
 * A KServe LocalModelNamespaceCache (KServe 0.20): a {@link LocalModelCache}
 * for the InferenceServices of one namespace, which a team can declare
 * without cluster-wide rights. The node groups stay cluster-wide, and every
 * cache on a node group counts against its storage limit.
 *
 * KServe looks at the namespace's caches before the cluster-wide ones
 * (inference_service_defaults.go, `setLocalModelLabel`), so a namespace cache
 * may cover the URI of a cluster cache; two caches of one namespace may not
 * overlap. A ServedModel that names the cache (`modelCache`) must be in its
 * namespace.
 *
 * @example
 * const teamCache = new LocalModelNamespaceCache(chart, 'llama3-8b', {
 *   namespace: 'team-a',
 *   storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct'),
 *   modelSize: Size.gibibytes(16),
 *   nodeGroups: [gpuNodes],
 * });
 */
export class LocalModelNamespaceCache extends LocalModelCache {
  constructor(scope: Construct, id: string, props: LocalModelNamespaceCacheProps) {
    super(scope, id, props);
    this.node.addValidation({ validate: () => this.foreignModelErrors() });
  }

  /** @internal a namespaced cache: in its own namespace or the chart's. */
  protected _placement(scope: Construct, props: LocalModelCacheProps): CachePlacement {
    const ns = (props as LocalModelNamespaceCacheProps | undefined)?.namespace;
    return { kind: 'LocalModelNamespaceCache', namespaced: true, namespace: typeof ns === 'string' ? ns : ns ?? chartNamespace(scope) };
  }

  /**
   * KServe lists an InferenceService's namespace caches in its own namespace
   * only (inference_service_defaults.go, `DefaultInferenceService`): a model
   * elsewhere that names this cache would silently not use it.
   */
  private foreignModelErrors(): string[] {
    return this.node.root.node.findAll()
      .filter((c): c is ServedModel => c instanceof ServedModel && c.node.dependencies.includes(this) && c.namespace !== this.cacheNamespace)
      .map((m) => `${m.node.path}: modelCache "${this.cacheName}" is a LocalModelNamespaceCache in namespace "${this.cacheNamespace ?? '<default>'}", `
        + `not the model's "${m.namespace ?? '<default>'}", so KServe would not use it; declare the cache in the model's namespace, or use a LocalModelCache`);
  }
}
