import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ModelStorage } from '../model/storage';

/**
 * A KServe local model cache, as a served model references it
 * (`ServedModelProps.modelCache`). Implemented by {@link LocalModelCache} and
 * {@link LocalModelNamespaceCache}; the model checks its storage against the
 * cache's node groups, which only those constructs carry, so another
 * implementation is a synth error.
 */
export interface ILocalModelCache extends IConstruct {
  /** The resource name. */
  readonly cacheName: string;

  /**
   * The namespace of a namespaced cache.
   *
   * @default - none (cluster-scoped, or the namespace kubectl applies to)
   */
  readonly cacheNamespace?: string;

  /** The cached model's storage: models load this URI, or a path under it. */
  readonly storage: ModelStorage;

  /** The size of the model files. */
  readonly modelSize: Size;
}

/**
 * A KServe LocalModelNodeGroup, as a cache references it
 * (`LocalModelCacheProps.nodeGroups`): its name, and the storage limit all
 * the models cached on it must fit. Implemented by
 * {@link LocalModelNodeGroup}.
 */
export interface ILocalModelNodeGroup extends IConstruct {
  /** The resource name. */
  readonly groupName: string;

  /** The storage limit, all cached models together. */
  readonly storageLimit: Size;
}
