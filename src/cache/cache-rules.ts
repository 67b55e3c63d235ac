import { ErrorScope, fail } from '../internal/errors';

/**
 * Marks LocalModelCache instances, so the model resolver recognises one
 * without importing the construct (which sits above it).
 */
export const LOCAL_MODEL_CACHE = Symbol.for('cdk8s-model-serving.LocalModelCache');

/** What the model resolver reads of a LocalModelCache. */
export interface CacheRef {
  readonly cacheName: string;
  readonly storage: { readonly uri: string };
  readonly nodeGroups: ReadonlyArray<{ readonly groupName: string }>;
}

/** Whether `x` is a LocalModelCache construct. */
export function isLocalModelCache(x: unknown): x is CacheRef {
  return typeof x === 'object' && x !== null && (x as { [LOCAL_MODEL_CACHE]?: boolean })[LOCAL_MODEL_CACHE] === true;
}

/** The InferenceService annotation that picks which of a cache's node groups the model uses. */
export const NODE_GROUP_ANNOTATION = 'serving.kserve.io/nodegroup';

/** KServe's rule: the model's URI is the cached URI or a path under it. */
export function cacheCovers(cacheUri: string, storageUri: string): boolean {
  const cached = cacheUri.replace(/\/+$/, '');
  const uri = storageUri.replace(/\/+$/, '');
  return uri === cached || uri.startsWith(`${cached}/`);
}

/**
 * @internal a ServedModel that names a cache must load the cached URI (or a
 * path under it): KServe matches caches by URI, so any other storage silently
 * bypasses the cache. A `serving.kserve.io/nodegroup` annotation must name
 * one of the cache's node groups, else KServe ignores the cache too.
 */
export function checkCacheUri(
  scope: ErrorScope, cache: unknown, storageUri: string | undefined, annotations: Record<string, string> | undefined,
): void {
  if (!isLocalModelCache(cache)) fail(scope, 'modelCache', cache, 'is not a LocalModelCache', 'pass the LocalModelCache construct');
  if (storageUri === undefined || !cacheCovers(cache.storage.uri, storageUri)) {
    fail(scope, 'storage', storageUri, `is not the sourceModelUri "${cache.storage.uri}" of LocalModelCache "${cache.cacheName}" (or a path under it), so KServe would not use the cache`,
      'give the model the same storage as the cache');
  }
  const group = annotations?.[NODE_GROUP_ANNOTATION];
  const groups = cache.nodeGroups.map((g) => g.groupName);
  if (group !== undefined && !groups.includes(group)) {
    fail(scope, `annotations["${NODE_GROUP_ANNOTATION}"]`, group, `is not a node group of LocalModelCache "${cache.cacheName}", so KServe would not use the cache`,
      `use one of ${groups.join(', ')}, or drop the annotation (KServe then uses ${groups[0]})`);
  }
}
