import { IConstruct } from 'constructs';
import { DownloadOptions, modelDownload } from './model-download';
import { ResolvedServer, resolveServer, ServerChoice } from './model-server-images';
import { serverProbes } from './probes';
import { ErrorScope, fail } from '../internal/errors';
import { compact, Container, sortedRecord, Volume, VolumeMount } from '../internal/k8s';
import { ModelSpec, ResolvedContainerSpec, ResolvedResources } from '../model/model-spec';
import { ResolvedPlacement } from '../scheduling/placement';

/** Pod-level placement fields (nodeSelector, tolerations, affinity, runtimeClassName), only those set. */
export function placementFields(p: ResolvedPlacement): Record<string, unknown> {
  return compact({
    nodeSelector: sortedRecord(p.nodeSelector),
    tolerations: p.tolerations,
    affinity: p.requiredNodeAffinity.length
      ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: p.requiredNodeAffinity }] } } }
      : undefined,
    runtimeClassName: p.runtimeClassName,
  });
}

export function resourcesJson(r: ResolvedResources): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const limits = sortedRecord(r.limits);
  const requests = sortedRecord(r.requests);
  if (limits) out.limits = limits;
  if (requests) out.requests = requests;
  return out;
}

/** The scratch volume (read-only root filesystem), if the spec has one. */
export function scratchVolumes(spec: ModelSpec): Volume[] {
  return spec.scratch ? [{ name: spec.scratch.volumeName, emptyDir: { sizeLimit: spec.scratch.sizeLimit } }] : [];
}

/** The user's volumes of the model server (`volumes`: ConfigMaps, Secrets, emptyDirs). */
function modelVolumes(spec: ModelSpec): Volume[] {
  return (spec.volumes ?? []).map((v) => ({ name: v.volumeName, ...v.source }));
}

/** The model server container's mounts of the user's volumes. */
function modelVolumeMounts(spec: ModelSpec): VolumeMount[] {
  return (spec.volumes ?? []).map((v) => (v.readOnly
    ? { name: v.volumeName, mountPath: v.mountPath, readOnly: true }
    : { name: v.volumeName, mountPath: v.mountPath }));
}

/** The volumes the model server's pod gets from the spec: the scratch directory, then the user's volumes. */
export function serverPodVolumes(spec: ModelSpec): Volume[] {
  return [...scratchVolumes(spec), ...modelVolumes(spec)];
}

/** The model server container's mounts of {@link serverPodVolumes}. */
function serverVolumeMounts(spec: ModelSpec): VolumeMount[] {
  return [...scratchMounts(spec), ...modelVolumeMounts(spec)];
}

/** The scratch mount every container of the pod gets, if the spec has one. */
export function scratchMounts(spec: ModelSpec): VolumeMount[] {
  return spec.scratch ? [{ name: spec.scratch.volumeName, mountPath: spec.scratch.mountPath }] : [];
}

/** The fields of the model server container every platform's predictor shares (undefined where unset). */
export function modelContainerFields(spec: ModelSpec): Partial<Container> {
  return {
    command: spec.command,
    args: spec.args.length ? spec.args : undefined,
    env: spec.env.length ? spec.env : undefined,
    resources: resourcesJson(spec.resources) as Container['resources'],
    securityContext: spec.securityContext,
    volumeMounts: spec.scratch || spec.volumes ? serverVolumeMounts(spec) : undefined,
  };
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
    volumeMounts: scratchMounts(spec),
  });
}

/** Options of the platforms that run the model server themselves (Knative Service, Deployment). */
export type StandaloneOptions = ServerChoice & DownloadOptions;

/** The model server container's conventional name (KServe's), so dashboards and log queries work on every platform. */
export const SERVER_CONTAINER = 'kserve-container';
const SHARED_MEMORY_VOLUME = 'dshm';

/** Rejects what only KServe provides, on platforms that run the server themselves. */
export function checkKServeOnly(scope: IConstruct, spec: ModelSpec, platform: string): void {
  const features: Array<[string, unknown, string, string]> = [
    ['runtime', spec.runtime, 'it names a KServe ServingRuntime', 'use the platform option modelServer (ModelServer.TRITON, ...), runtimeImage or server'],
    ['transformer', spec.transformer?.image, 'it is a KServe InferenceService component',
      'deploy the transformer as its own ServedModel, or use ServingPlatform.kserve()'],
    ['explainer', spec.explainer?.image, 'it is a KServe InferenceService component',
      'deploy the explainer as its own ServedModel, or use ServingPlatform.kserve()'],
    ['batcher', spec.batcher, 'it runs in KServe\'s agent sidecar', 'enable batching in the model server (e.g. Triton dynamic batching), or use a KServe platform'],
    ['logger', spec.logger?.url, 'it runs in KServe\'s agent sidecar', 'log payloads in the model server, or use a KServe platform'],
  ];
  for (const [prop, value, reason, allowed] of features) {
    if (value !== undefined) fail(scope, prop, value, `is not available on ${platform} (${reason})`, allowed);
  }
}

/** The pod pieces of a model served without KServe: server container, download and volumes. */
export interface StandalonePod {
  readonly initContainers: Container[];
  readonly containers: Container[];
  readonly volumes: Volume[];
  readonly server: ResolvedServer;
}

/**
 * Builds the model server pod. Knative routes to exactly one port per pod:
 * the protocol's (`h2c` for gRPC); probes may still use the REST port.
 */
export function standalonePod(scope: ErrorScope, spec: ModelSpec, options: StandaloneOptions, knative: boolean, platform: string): StandalonePod {
  const server = resolveServer(scope, spec, options, platform);
  const download = modelDownload(spec, options);
  const grpc = server.grpcPort !== undefined;
  let ports: Container['ports'];
  if (knative) {
    ports = [{ name: grpc ? 'h2c' : 'http1', containerPort: server.servingPort, protocol: 'TCP' }];
  } else {
    ports = [
      ...(grpc ? [{ name: 'grpc', containerPort: server.grpcPort!, protocol: 'TCP' }] : []),
      ...(server.httpPort !== undefined ? [{ name: 'http', containerPort: server.httpPort, protocol: 'TCP' }] : []),
    ];
  }
  const mounts: VolumeMount[] = [...download.serverMounts, ...serverVolumeMounts(spec)];
  const volumes: Volume[] = [...download.volumes, ...serverPodVolumes(spec)];
  if (server.sharedMemory) {
    mounts.push({ name: SHARED_MEMORY_VOLUME, mountPath: '/dev/shm' });
    volumes.push({ name: SHARED_MEMORY_VOLUME, emptyDir: { medium: 'Memory' } });
  }
  const container: Container = compact({
    name: SERVER_CONTAINER,
    image: server.image,
    imagePullPolicy: spec.imagePullPolicy,
    command: server.command,
    args: server.args.length ? server.args : undefined,
    env: server.env.length ? server.env : undefined,
    ports,
    resources: resourcesJson(spec.resources) as any,
    securityContext: { ...spec.securityContext, runAsUser: spec.securityContext.runAsUser ?? server.runAsUser },
    volumeMounts: mounts,
    ...serverProbes(spec, server, knative),
  });
  // Init containers write temporary files too: they share the scratch mount.
  const initContainers = download.initContainers.map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), ...scratchMounts(spec)] }));
  return { initContainers, containers: [container], volumes, server };
}

/**
 * A compacted pod spec with the pod's volumes added after compaction:
 * `emptyDir: {}` is meaningful and `compact()` would drop it.
 */
export function withVolumes(podSpec: Record<string, unknown>, pod: StandalonePod): Record<string, unknown> {
  return pod.volumes.length ? { ...podSpec, volumes: pod.volumes } : podSpec;
}
