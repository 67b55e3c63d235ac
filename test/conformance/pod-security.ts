/**
 * A checker for the Pod Security Standards "restricted" profile and the
 * library's own pod invariants, run over synthesized documents.
 */

interface PodShape {
  readonly where: string;
  readonly pod: any;
  readonly containers: Array<{ where: string; c: any }>;
  /** A preset KServe merges into other pods (LLMInferenceServiceConfig): resource requests may come from the service. */
  readonly partial?: boolean;
}

const ALLOWED_VOLUME_TYPES = ['emptyDir', 'persistentVolumeClaim', 'configMap', 'secret', 'projected', 'downwardAPI', 'csi', 'ephemeral', 'image'];

function kserveComponent(where: string, comp: any): PodShape | undefined {
  if (!comp) return undefined;
  const containers: Array<{ where: string; c: any }> = [];
  if (comp.model) containers.push({ where: `${where}.model`, c: comp.model });
  (comp.containers ?? []).forEach((c: any, i: number) => containers.push({ where: `${where}.containers[${i}]`, c }));
  (comp.initContainers ?? []).forEach((c: any, i: number) => containers.push({ where: `${where}.initContainers[${i}]`, c }));
  return { where, pod: comp, containers };
}

/**
 * KServe's multi-node `workerSpec`: a pod spec of its own (the worker
 * Deployment's pods), which inherits the component's pod-level fields
 * (security context) the way KServe merges them into the worker pods.
 */
function kserveWorker(where: string, comp: any): PodShape | undefined {
  const w = comp?.workerSpec;
  if (!w) return undefined;
  const shape = podTemplate(`${where}.workerSpec`, w);
  return shape && { ...shape, pod: { ...w, securityContext: w.securityContext ?? comp.securityContext } };
}

function podTemplate(where: string, spec: any): PodShape | undefined {
  if (!spec) return undefined;
  const containers: Array<{ where: string; c: any }> = [];
  (spec.containers ?? []).forEach((c: any, i: number) => containers.push({ where: `${where}.containers[${i}]`, c }));
  (spec.initContainers ?? []).forEach((c: any, i: number) => containers.push({ where: `${where}.initContainers[${i}]`, c }));
  return { where, pod: spec, containers };
}

/** Every pod (template) in a document. */
export function podsOf(doc: any): PodShape[] {
  const out: Array<PodShape | undefined> = [];
  switch (doc?.kind) {
    case 'InferenceService':
      for (const k of ['predictor', 'transformer', 'explainer']) out.push(kserveComponent(`spec.${k}`, doc.spec?.[k]));
      out.push(kserveWorker('spec.predictor', doc.spec?.predictor));
      (doc.spec?.canary ?? []).forEach((c: any, i: number) => out.push(kserveComponent(`spec.canary[${i}].predictor`, c.predictor)));
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'Job':
    case 'Service':
      if (doc.apiVersion === 'serving.knative.dev/v1' || doc.kind !== 'Service') out.push(podTemplate('spec.template.spec', doc.spec?.template?.spec));
      break;
    case 'Rollout':
      out.push(podTemplate('spec.template.spec', doc.spec?.template?.spec));
      break;
    case 'ServingRuntime':
    case 'ClusterServingRuntime':
      // KServe copies a runtime's containers (server and sidecars) into every pod of the models that use it.
      out.push(podTemplate('spec', doc.spec));
      break;
    case 'LeaderWorkerSet':
      // What KServe derives from an LLMInferenceService with a worker (lws v0.8.0 LeaderWorkerTemplate): the leader's
      // template defaults to the workers' when unset.
      out.push(podTemplate('spec.leaderWorkerTemplate.leaderTemplate.spec', doc.spec?.leaderWorkerTemplate?.leaderTemplate?.spec));
      out.push(podTemplate('spec.leaderWorkerTemplate.workerTemplate.spec', doc.spec?.leaderWorkerTemplate?.workerTemplate?.spec));
      break;
    case 'LLMInferenceServiceConfig':
    case 'LLMInferenceService': {
      // Pod specs inline (no `spec` level): decode and prefill, each with an optional multi-node worker; a config
      // (a preset KServe merges into its services) carries the same fields, resources optional.
      const partial = doc.kind === 'LLMInferenceServiceConfig';
      for (const [where, spec] of [['spec.template', doc.spec?.template], ['spec.worker', doc.spec?.worker],
        ['spec.prefill.template', doc.spec?.prefill?.template], ['spec.prefill.worker', doc.spec?.prefill?.worker]]) {
        const shape = podTemplate(where, spec);
        out.push(shape && { ...shape, partial });
      }
      break;
    }
    default:
      break;
  }
  return out.filter((p): p is PodShape => !!p && (p.containers.length > 0));
}

/** Violations of the "restricted" Pod Security Standard. */
export function restrictedViolations(doc: any): string[] {
  const v: string[] = [];
  for (const { where, pod, containers } of podsOf(doc)) {
    const psc = pod.securityContext ?? {};
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f]) v.push(`${where}.${f} must not be true`);
    for (const [i, vol] of (pod.volumes ?? []).entries()) {
      const type = Object.keys(vol).find((k) => k !== 'name');
      if (!type || !ALLOWED_VOLUME_TYPES.includes(type)) v.push(`${where}.volumes[${i}] type ${type} is not allowed`);
    }
    if (psc.runAsUser === 0) v.push(`${where}.securityContext.runAsUser must not be 0`);
    for (const { where: cw, c } of containers) {
      const sc = c.securityContext ?? {};
      if (sc.privileged) v.push(`${cw}.securityContext.privileged must not be true`);
      if (sc.allowPrivilegeEscalation !== false) v.push(`${cw}.securityContext.allowPrivilegeEscalation must be false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${cw}.securityContext.capabilities.drop must include ALL`);
      const added = (sc.capabilities?.add ?? []).filter((a: string) => a !== 'NET_BIND_SERVICE');
      if (added.length) v.push(`${cw}.securityContext.capabilities.add ${added.join(',')} is not allowed`);
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) v.push(`${cw}: runAsNonRoot must be true (container or pod)`);
      if (sc.runAsUser === 0) v.push(`${cw}.securityContext.runAsUser must not be 0`);
      const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${cw}: seccompProfile must be RuntimeDefault or Localhost`);
      for (const p of c.ports ?? []) if (p.hostPort) v.push(`${cw}: hostPort is not allowed`);
    }
  }
  return v;
}

/** The library's own invariants: requests always set; accelerator limits equal requests. */
export function resourceViolations(doc: any): string[] {
  const v: string[] = [];
  for (const { containers, partial } of podsOf(doc)) {
    for (const { where, c } of containers) {
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      if (!partial && (req.cpu === undefined || req.memory === undefined)) v.push(`${where}: cpu and memory requests must be set`);
      for (const k of Object.keys({ ...req, ...lim })) {
        if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') continue;
        // The API server defaults a missing request to the limit: a preset may give the limit alone.
        if (partial && req[k] === undefined) continue;
        if (String(req[k]) !== String(lim[k])) v.push(`${where}: ${k} limit ${lim[k]} must equal request ${req[k]}`);
      }
    }
  }
  return v;
}

/**
 * Throws when any document violates the restricted profile or the resource
 * invariants; returns how many pod templates it checked, so that a caller
 * can assert the check was not vacuous (kinds `podsOf` does not know pass
 * unchecked).
 */
export function expectRestricted(docs: readonly any[]): number {
  const problems = docs.flatMap((d) => [...restrictedViolations(d), ...resourceViolations(d)].map((p) => `${d.kind} ${d.metadata?.name}: ${p}`));
  if (problems.length) throw new Error(`pod security violations:\n${problems.join('\n')}`);
  return docs.reduce((n, d) => n + podsOf(d).length, 0);
}
