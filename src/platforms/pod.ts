import { compact, Container, sortedRecord } from '../internal/k8s';
import { ModelSpec, ResolvedContainerSpec, ResolvedResources } from '../model/model-spec';

/** Pod-level placement fields (nodeSelector, tolerations, affinity, runtimeClassName). */
export function placementFields(spec: ModelSpec): Record<string, unknown> {
  const p = spec.placement;
  return compact({
    nodeSelector: sortedRecord(p.nodeSelector),
    tolerations: p.tolerations.length ? p.tolerations.map((t) => compact({ ...t })) : undefined,
    affinity: p.requiredNodeAffinity.length
      ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: p.requiredNodeAffinity }] } } }
      : undefined,
    runtimeClassName: p.runtimeClassName,
  });
}

export function resourcesJson(r: ResolvedResources): Record<string, unknown> {
  return { limits: sortedRecord(r.limits), requests: sortedRecord(r.requests) };
}

/** The fields of the model server container every platform shares. */
export function modelContainerFields(spec: ModelSpec): Partial<Container> {
  return compact({
    command: spec.command,
    args: spec.args.length ? spec.args : undefined,
    env: spec.env.length ? spec.env : undefined,
    resources: resourcesJson(spec.resources) as any,
    securityContext: spec.securityContext,
  });
}

/** A side container (transformer, explainer) under KServe's conventional name. */
export function sideContainer(spec: ModelSpec, c: ResolvedContainerSpec): Container {
  return compact({
    name: 'kserve-container',
    image: c.image,
    command: c.command,
    args: c.args.length ? c.args : undefined,
    env: c.env.length ? c.env : undefined,
    ports: c.port !== 8080 ? [{ containerPort: c.port, protocol: 'TCP' }] : undefined,
    resources: resourcesJson(c.resources) as any,
    securityContext: spec.securityContext,
  });
}
