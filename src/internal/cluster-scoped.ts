import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Drops the namespace cdk8s gives every object of a namespaced chart: a
 * cluster-scoped kind (ClusterServingRuntime, LocalModelCache,
 * LocalModelNodeGroup) must have none.
 */
export function withoutNamespace(obj: ApiObject): ApiObject {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
