/**
 * Knative Serving's admission webhook at knative-v1.23.0, for the pod specs
 * and annotations the library writes: Knative Services directly, and the
 * Knative Service KServe generates for each Knative-mode InferenceService
 * component and InferenceGraph router.
 *
 * Facts read from upstream (cited beside each rule); the code is ours.
 */
import { AdmissionContext } from './context';
import { flagAllows } from '../../../src/scheduling/knative-flags';

/** `pkg/apis/serving/k8s_validation.go`: `reservedPorts` (queue-proxy, activator, profiling). */
const RESERVED_PORTS = new Set([8012, 8013, 8022, 9090, 9091, 8008]);
/** `k8s_validation.go`: `validPortNames`. */
const VALID_PORT_NAMES = new Set(['', 'h2c', 'http1']);
/** `k8s_validation.go`: `reservedContainerNames`. */
const RESERVED_CONTAINER_NAMES = new Set(['queue-proxy']);
/** `k8s_validation.go`: `reservedEnvVars`. */
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION']);

/**
 * `pkg/apis/serving/fieldmask.go`, `PodSpecMask`: always allowed, or allowed
 * while the flag is not Disabled.
 */
const POD_ALWAYS = new Set(['serviceAccountName', 'containers', 'volumes', 'imagePullSecrets', 'enableServiceLinks', 'automountServiceAccountToken']);
const POD_FLAGGED: Record<string, string> = {
  affinity: 'kubernetes.podspec-affinity',
  topologySpreadConstraints: 'kubernetes.podspec-topologyspreadconstraints',
  hostAliases: 'kubernetes.podspec-hostaliases',
  nodeSelector: 'kubernetes.podspec-nodeselector',
  runtimeClassName: 'kubernetes.podspec-runtimeclassname',
  tolerations: 'kubernetes.podspec-tolerations',
  securityContext: 'kubernetes.podspec-securitycontext',
  shareProcessNamespace: 'kubernetes.podspec-shareprocessnamespace',
  priorityClassName: 'kubernetes.podspec-priorityclassname',
  schedulerName: 'kubernetes.podspec-schedulername',
  initContainers: 'kubernetes.podspec-init-containers',
  dnsPolicy: 'kubernetes.podspec-dnspolicy',
  dnsConfig: 'kubernetes.podspec-dnsconfig',
  hostIPC: 'kubernetes.podspec-hostipc',
  hostPID: 'kubernetes.podspec-hostpid',
  hostNetwork: 'kubernetes.podspec-hostnetwork',
};
/** `fieldmask.go`, `VolumeSourceMask`. */
const VOLUME_ALWAYS = new Set(['secret', 'configMap', 'projected']);
const VOLUME_FLAGGED: Record<string, string> = {
  emptyDir: 'kubernetes.podspec-volumes-emptydir',
  persistentVolumeClaim: 'kubernetes.podspec-persistent-volume-claim',
  hostPath: 'kubernetes.podspec-volumes-hostpath',
  csi: 'kubernetes.podspec-volumes-csi',
  ephemeral: 'kubernetes.podspec-volumes-ephemeral',
  image: 'kubernetes.podspec-volumes-image',
};
/** `fieldmask.go`, `ContainerMask`. */
const CONTAINER_FIELDS = new Set(['name', 'args', 'command', 'env', 'workingDir', 'envFrom', 'image', 'imagePullPolicy', 'livenessProbe', 'ports',
  'readinessProbe', 'resources', 'securityContext', 'startupProbe', 'terminationMessagePath', 'terminationMessagePolicy', 'volumeMounts']);
/** `fieldmask.go`, `SecurityContextMask` (privileged only as false; capabilities.add gated). */
const CONTAINER_SC_FIELDS = new Set(['capabilities', 'readOnlyRootFilesystem', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'allowPrivilegeEscalation',
  'seccompProfile', 'privileged']);
/** `fieldmask.go`, `ProbeMask` + `HandlerMask`. */
const PROBE_FIELDS = new Set(['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold',
  'failureThreshold', 'terminationGracePeriodSeconds']);
/** `fieldmask.go`, `ContainerPortMask`. */
const PORT_FIELDS = new Set(['containerPort', 'name', 'protocol']);
/** `fieldmask.go`, `PodSecurityContextMask` (with `kubernetes.podspec-securitycontext` on). */
const POD_SC_FIELDS = new Set(['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups', 'seccompProfile']);

function flagOff(ctx: AdmissionContext, flag: string): boolean {
  // Field masks keep a field while its flag is not Disabled (fieldmask.go); flagAllows
  // also encodes where k8s_validation.go demands exactly Enabled.
  return !flagAllows(flag, ctx.knativeFlags[flag]);
}

function stateOf(ctx: AdmissionContext, flag: string): string {
  return ctx.knativeFlags[flag] ?? 'the default';
}

/** `k8s_validation.go`, `ValidatePodSpec` and the functions it calls. */
export function knativePodSpecErrors(spec: any, at: string, ctx: AdmissionContext): string[] {
  const out: string[] = [];
  if (!spec || typeof spec !== 'object') return [`${at}: missing pod spec`];
  // PodSpecMask: fields outside the mask, or behind a flag that is off.
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined) continue;
    if (POD_ALWAYS.has(k)) {
      if (k === 'automountServiceAccountToken' && v !== false) out.push(`${at}/automountServiceAccountToken: only false is allowed (PodSpecMask)`);
      continue;
    }
    const flag = POD_FLAGGED[k];
    if (!flag) out.push(`${at}/${k}: must not set the field (Knative PodSpecMask)`);
    else if (flagOff(ctx, flag)) out.push(`${at}/${k}: needs Knative feature flag ${flag} (is ${stateOf(ctx, flag)})`);
  }
  // ValidatePodSecurityContext + PodSecurityContextMask.
  if (spec.securityContext && !flagOff(ctx, 'kubernetes.podspec-securitycontext')) {
    for (const k of Object.keys(spec.securityContext)) if (!POD_SC_FIELDS.has(k)) out.push(`${at}/securityContext/${k}: must not set the field (PodSecurityContextMask)`);
  }
  // validateVolume / VolumeSourceMask.
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    for (const k of Object.keys(v)) {
      if (k === 'name' || VOLUME_ALWAYS.has(k)) continue;
      const flag = VOLUME_FLAGGED[k];
      if (!flag) out.push(`${at}/volumes/${i}/${k}: volume type not allowed by Knative (VolumeSourceMask)`);
      else if (flagOff(ctx, flag)) out.push(`${at}/volumes/${i}/${k}: needs Knative feature flag ${flag} enabled (is ${stateOf(ctx, flag)})`);
    }
    // validatePersistentVolumeClaims: a writable claim needs kubernetes.podspec-persistent-volume-write.
    if (v.persistentVolumeClaim && v.persistentVolumeClaim.readOnly !== true
      && ctx.knativeFlags['kubernetes.podspec-persistent-volume-write']?.toLowerCase() !== 'enabled') {
      out.push(`${at}/volumes/${i}/persistentVolumeClaim/readOnly: a writable claim needs Knative feature flag kubernetes.podspec-persistent-volume-write enabled`);
    }
  });
  // ValidateVolumes: unique names; every volume must be mounted by some container.
  const volSeen = new Set<string>();
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    if (volSeen.has(v.name)) out.push(`${at}/volumes/${i}/name: duplicate volume name "${v.name}"`);
    volSeen.add(v.name);
  });
  const allContainers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const mounted = new Set(allContainers.flatMap((c: any) => (c.volumeMounts ?? []).map((m: any) => m.name)));
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    if (!mounted.has(v.name)) out.push(`${at}/volumes/${i}/name: volume "${v.name}" is not mounted (ValidateVolumes)`);
  });
  const volumeNames = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  const containers: any[] = spec.containers ?? [];
  // validateContainersPorts: one port across all containers; a port when there are several.
  const portCount = containers.reduce((n, c) => n + (c.ports ?? []).length, 0);
  if (containers.length === 0) out.push(`${at}/containers: missing`);
  if (portCount === 0 && containers.length > 1) out.push(`${at}/containers: one container must declare the serving port (validateContainersPorts)`);
  if (portCount > 1) out.push(`${at}/containers: more than one container port is set; only one port across all containers (validateContainersPorts)`);
  const servingPort = containers.flatMap((c) => c.ports ?? [])[0] ?? {};
  const portName = servingPort.name || 'http';
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const where = `${at}/containers/${i}`;
    if (names.has(c.name)) out.push(`${where}/name: duplicate container name "${c.name}"`);
    names.add(c.name);
    const user = containers.length === 1 || (c.ports ?? []).length > 0;
    out.push(...containerErrors(c, where, ctx, volumeNames, { user, init: false, portName }));
  });
  // validateInitContainers.
  (spec.initContainers ?? []).forEach((c: any, i: number) => {
    const where = `${at}/initContainers/${i}`;
    if (names.has(c.name)) out.push(`${where}/name: duplicate container name "${c.name}"`);
    out.push(...containerErrors(c, where, ctx, volumeNames, { user: false, init: true, portName }));
  });
  return out;
}

interface ContainerRole { readonly user: boolean; readonly init: boolean; readonly portName: string }

function containerErrors(c: any, at: string, ctx: AdmissionContext, volumes: Map<string, any>, o: ContainerRole): string[] {
  const out: string[] = [];
  // ContainerMask.
  for (const k of Object.keys(c)) if (!CONTAINER_FIELDS.has(k)) out.push(`${at}/${k}: must not set the field (Knative ContainerMask)`);
  if (RESERVED_CONTAINER_NAMES.has(c.name)) out.push(`${at}/name: "${c.name}" is a reserved container name`);
  if (!c.image) out.push(`${at}/image: missing`);
  // validateEnvVar: reserved names (PORT is allowed outside the serving container).
  for (const [i, e] of (c.env ?? []).entries()) {
    if (RESERVED_ENV.has(e.name) && (o.user || e.name !== 'PORT')) out.push(`${at}/env/${i}/name: "${e.name}" is a reserved environment variable`);
    if (e.valueFrom?.fieldRef || e.valueFrom?.resourceFieldRef) {
      if (flagOff(ctx, 'kubernetes.podspec-fieldref')) out.push(`${at}/env/${i}/valueFrom: fieldRef needs Knative feature flag kubernetes.podspec-fieldref`);
    }
  }
  // validateContainerPorts / validateInitContainerPorts / validateContainerPortBasic.
  const ports: any[] = c.ports ?? [];
  const checked = o.init ? ports : ports.slice(0, 1);
  for (const [i, p] of checked.entries()) {
    for (const k of Object.keys(p)) if (!PORT_FIELDS.has(k)) out.push(`${at}/ports/${i}/${k}: must not set the field (ContainerPortMask)`);
    if (RESERVED_PORTS.has(p.containerPort)) out.push(`${at}/ports/${i}/containerPort: ${p.containerPort} is a reserved port`);
    if (p.containerPort < 0 || p.containerPort > 65535) out.push(`${at}/ports/${i}/containerPort: ${p.containerPort} is out of range 0-65535`);
    if (!o.init) {
      if (p.protocol !== undefined && p.protocol !== '' && p.protocol !== 'TCP') out.push(`${at}/ports/${i}/protocol: only TCP is allowed`);
      if (!VALID_PORT_NAMES.has(p.name ?? '')) out.push(`${at}/ports/${i}/name: port name ${p.name} is not allowed; empty, "h2c" or "http1"`);
    }
  }
  // validateSecurityContext + SecurityContextMask + CapabilitiesMask.
  const sc = c.securityContext;
  if (sc) {
    for (const k of Object.keys(sc)) if (!CONTAINER_SC_FIELDS.has(k)) out.push(`${at}/securityContext/${k}: must not set the field (SecurityContextMask)`);
    if (sc.privileged === true) out.push(`${at}/securityContext/privileged: only false is allowed (SecurityContextMask)`);
    if ((sc.capabilities?.add ?? []).length > 0 && ctx.knativeFlags['kubernetes.containerspec-addcapabilities']?.toLowerCase() !== 'enabled') {
      out.push(`${at}/securityContext/capabilities/add: needs Knative feature flag kubernetes.containerspec-addcapabilities enabled`);
    }
  }
  // validateVolumeMounts: a mount names a volume of the pod, at a unique, absolute, unreserved
  // path (`reservedPaths`: /, /dev, /dev/log); mounts of secret/configMap/projected volumes are readOnly.
  const seen = new Set<string>();
  for (const [i, m] of (c.volumeMounts ?? []).entries()) {
    const vol = volumes.get(m.name);
    if (!vol) out.push(`${at}/volumeMounts/${i}/name: volumeMount has no matching volume "${m.name}"`);
    const clean = typeof m.mountPath === 'string' ? (m.mountPath.replace(/\/+$/, '') || '/') : '';
    if (!clean) out.push(`${at}/volumeMounts/${i}/mountPath: missing`);
    else if (['/', '/dev', '/dev/log'].includes(clean)) out.push(`${at}/volumeMounts/${i}/mountPath: ${clean} is a reserved path`);
    else if (!clean.startsWith('/')) out.push(`${at}/volumeMounts/${i}/mountPath: must be an absolute path`);
    else if (seen.has(clean)) out.push(`${at}/volumeMounts/${i}/mountPath: ${clean} must be unique`);
    seen.add(clean);
    if (vol && !vol.emptyDir && !vol.persistentVolumeClaim && !vol.ephemeral && m.readOnly !== true) {
      out.push(`${at}/volumeMounts/${i}/readOnly: volume mount should be readOnly for this type of volume`);
    }
    if (vol?.persistentVolumeClaim?.readOnly && m.readOnly !== true) out.push(`${at}/volumeMounts/${i}/readOnly: volume is readOnly but volume mount is not`);
    if (m.mountPropagation !== undefined && flagOff(ctx, 'kubernetes.podspec-volumes-mount-propagation')) {
      out.push(`${at}/volumeMounts/${i}/mountPropagation: needs Knative feature flag kubernetes.podspec-volumes-mount-propagation`);
    }
  }
  // ValidateUserContainer / validateSidecarContainer: probes.
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[kind];
    if (!p) continue;
    if (o.init) {
      out.push(`${at}/${kind}: init containers must not have probes`);
      continue;
    }
    if (!o.user && flagOff(ctx, 'multi-container-probing')) {
      // validateSidecarContainer: only the probe's timing fields without multi-container-probing.
      if (p.httpGet || p.tcpSocket || p.exec || p.grpc) out.push(`${at}/${kind}: sidecar probes need Knative feature flag multi-container-probing`);
      continue;
    }
    out.push(...probeErrors(p, `${at}/${kind}`, o.user, o.portName, kind === 'readinessProbe'));
  }
  return out;
}

/** `k8s_validation.go`, `validateProbe` and `validateReadinessProbe`. */
function probeErrors(p: any, at: string, user: boolean, portName: string, readiness: boolean): string[] {
  const out: string[] = [];
  for (const k of Object.keys(p)) if (!PROBE_FIELDS.has(k)) out.push(`${at}/${k}: must not set the field (ProbeMask)`);
  const handlers = ['httpGet', 'tcpSocket', 'exec', 'grpc'].filter((h) => p[h] !== undefined);
  if (handlers.length === 0) out.push(`${at}: expected exactly one of httpGet, tcpSocket, exec, grpc`);
  if (handlers.length > 1) out.push(`${at}: expected exactly one handler, got ${handlers.join(', ')}`);
  for (const h of ['httpGet', 'tcpSocket']) {
    const port = p[h]?.port;
    if (p[h] === undefined) continue;
    if (user && typeof port === 'string' && port !== portName) out.push(`${at}/${h}/port: probe port ${port} must match the container port (${portName})`);
    if (!user && (port === undefined || port === 0 || port === '')) out.push(`${at}/${h}/port: probe port must be specified`);
  }
  if (readiness) {
    const period = p.periodSeconds ?? 0;
    if (period < 0) out.push(`${at}/periodSeconds: must be >= 0`);
    if ((p.initialDelaySeconds ?? 0) < 0) out.push(`${at}/initialDelaySeconds: must be >= 0`);
    if (p.successThreshold !== undefined && p.successThreshold < 1) out.push(`${at}/successThreshold: must be >= 1`);
    if (period === 0) {
      // Knative's aggressive-retry probe: no failureThreshold / timeoutSeconds.
      if (p.failureThreshold) out.push(`${at}/failureThreshold: is disallowed when periodSeconds is zero`);
      if (p.timeoutSeconds) out.push(`${at}/timeoutSeconds: is disallowed when periodSeconds is zero`);
    } else {
      if (p.timeoutSeconds !== undefined && p.timeoutSeconds < 1) out.push(`${at}/timeoutSeconds: must be >= 1`);
      if (p.failureThreshold !== undefined && p.failureThreshold < 1) out.push(`${at}/failureThreshold: must be >= 1`);
    }
  }
  return out;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Go's `time.ParseDuration`, in seconds (unsigned forms only; the library writes none other). */
export function parseGoDuration(v: string): number | undefined {
  if (v === '0') return 0;
  if (!GO_DURATION.test(v)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}

const A = 'autoscaling.knative.dev/';
const KPA = 'kpa.autoscaling.knative.dev';
const HPA = 'hpa.autoscaling.knative.dev';

/**
 * `pkg/apis/autoscaling/annotation_validation.go`, `ValidateAnnotations`,
 * with the autoscaler defaults of `config-autoscaler` (class kpa, no
 * max-scale limit, initial-scale 0 not allowed).
 */
export function knativeAutoscalingErrors(
  annotations: Record<string, string> | undefined, at: string, autoscaler: Readonly<Record<string, string>> = {},
): string[] {
  const a = annotations ?? {};
  const out: string[] = [];
  const num = (k: string) => (a[A + k] === undefined ? undefined : Number(a[A + k]));
  const intGE0 = (k: string): number => {
    const v = a[A + k];
    if (v === undefined) return 0;
    if (!/^\d+$/.test(v) || Number(v) > 2147483647) {
      out.push(`${at}/${A}${k}: ${JSON.stringify(v)} is not an integer in 0-2147483647 (validateMinMaxScale)`);
      return 0;
    }
    return Number(v);
  };
  const cls = a[A + 'class'] ?? KPA;
  // validateClass.
  if (cls.endsWith('.knative.dev') && cls !== KPA && cls !== HPA) out.push(`${at}/${A}class: ${cls} is not a Knative autoscaler class`);
  // validateMinMaxScale.
  const min = intGE0('min-scale');
  const max = intGE0('max-scale');
  if (max !== 0 && max < min) out.push(`${at}/${A}max-scale: max-scale=${max} is less than min-scale=${min}`);
  if (a[A + 'activation-scale'] !== undefined) {
    const act = Number(a[A + 'activation-scale']);
    if (!Number.isInteger(act)) out.push(`${at}/${A}activation-scale: not an integer`);
    else if (min > act) out.push(`${at}/${A}activation-scale: min-scale=${min} is greater than activation-scale=${act}`);
    else if (max !== 0 && max < act) out.push(`${at}/${A}activation-scale: max-scale=${max} is less than activation-scale=${act}`);
    else if (act < 2) out.push(`${at}/${A}activation-scale: activation-scale=${act} must be greater than 1`);
  }
  // validateFloats.
  const float = (k: string, lo: number, hi: number) => {
    const v = num(k);
    if (v === undefined) return;
    if (Number.isNaN(v)) out.push(`${at}/${A}${k}: ${a[A + k]} is not a number`);
    else if (v < lo || v > hi) out.push(`${at}/${A}${k}: ${v} is out of range ${lo}-${hi}`);
  };
  float('panic-window-percentage', 1, 100);
  float('panic-threshold-percentage', 110, 1000);
  float('target', 0.01, Infinity);
  float('target-utilization-percentage', 1, 100);
  const tbc = num('target-burst-capacity');
  if (tbc !== undefined && (Number.isNaN(tbc) || (tbc < 0 && tbc !== -1))) out.push(`${at}/${A}target-burst-capacity: ${a[A + 'target-burst-capacity']} is invalid`);
  // validateWindow, validateScaleDownDelay, validateLastPodRetention.
  const dur = (k: string, lo: number, hi: number, wholeSeconds: boolean) => {
    const v = a[A + k];
    if (v === undefined) return;
    const d = parseGoDuration(v);
    if (d === undefined) out.push(`${at}/${A}${k}: ${JSON.stringify(v)} is not a Go duration`);
    else if (d < lo || d > hi) out.push(`${at}/${A}${k}: ${v} is out of range ${lo}s-${hi}s`);
    else if (wholeSeconds && !Number.isInteger(d)) out.push(`${at}/${A}${k}: must be specified with at most second precision`);
  };
  dur('window', 6, 3600, true);
  dur('scale-down-delay', 0, 3600, true);
  dur('scale-to-zero-pod-retention-period', 0, 3600, false);
  // validateMetric: kpa takes concurrency or rps; hpa any non-empty metric.
  const metric = a[A + 'metric'];
  if (metric !== undefined) {
    if (cls === KPA && metric !== 'concurrency' && metric !== 'rps') out.push(`${at}/${A}metric: ${metric} is not a metric of the kpa class; concurrency or rps`);
    if (cls === HPA && metric === '') out.push(`${at}/${A}metric: must not be empty for the hpa class`);
  }
  // validateAlgorithm.
  const alg = a[A + 'metric-aggregation-algorithm'];
  if (cls === KPA && alg && !['linear', 'weighted-exponential', 'weightedExponential'].includes(alg)) out.push(`${at}/${A}metric-aggregation-algorithm: ${alg} is invalid`);
  // validateInitialScale: config-autoscaler allow-zero-initial-scale defaults to false.
  const initial = a[A + 'initial-scale'];
  if (initial !== undefined) {
    if (!/^\d+$/.test(initial)) out.push(`${at}/${A}initial-scale: ${initial} is not a non-negative integer`);
    else if (Number(initial) === 0 && autoscaler['allow-zero-initial-scale'] !== 'true') out.push(`${at}/${A}initial-scale: 0 is not allowed by a default cluster (allow-zero-initial-scale: false)`);
  }
  // revision_validation.go validateProgressDeadlineAnnotation: a positive whole-second duration.
  const pd = a['serving.knative.dev/progress-deadline'];
  if (pd !== undefined) {
    const d = parseGoDuration(pd);
    if (d === undefined || d <= 0) out.push(`${at}/serving.knative.dev/progress-deadline: ${JSON.stringify(pd)} must be a positive duration`);
    else if (!Number.isInteger(d)) out.push(`${at}/serving.knative.dev/progress-deadline: must be specified with at most second precision`);
  }
  return out;
}

/**
 * `pkg/apis/serving/v1/revision_validation.go`, `RevisionSpec.Validate`:
 * timeoutSeconds within config-defaults' max-revision-timeout-seconds (600 by
 * default); `serving/v1/..._validation.go` `ValidateContainerConcurrency`:
 * 0..container-concurrency-max-limit (1000 by default).
 */
export function knativeRevisionSpecErrors(spec: any, at: string): string[] {
  const out: string[] = [];
  const t = spec?.timeoutSeconds;
  if (t !== undefined && (t < 0 || t > 600)) out.push(`${at}/timeoutSeconds: ${t} is out of range 0-600 (max-revision-timeout-seconds default)`);
  const cc = spec?.containerConcurrency;
  if (cc !== undefined && (cc < 0 || cc > 1000)) out.push(`${at}/containerConcurrency: ${cc} is out of range 0-1000`);
  for (const k of ['responseStartTimeoutSeconds', 'idleTimeoutSeconds']) {
    if (spec?.[k] !== undefined && (spec[k] < 0 || spec[k] > 600)) out.push(`${at}/${k}: ${spec[k]} is out of range 0-600`);
  }
  return out;
}

/** `pkg/apis/serving/v1/traffic_validation.go` (as used by a Service). */
export function knativeTrafficErrors(traffic: any[] | undefined, at: string): string[] {
  if (!traffic || traffic.length === 0) return [];
  const out: string[] = [];
  let sum = 0;
  const tags = new Set<string>();
  traffic.forEach((t, i) => {
    const where = `${at}/${i}`;
    if (t.configurationName !== undefined) out.push(`${where}/configurationName: must not be set on a Service`);
    if (t.latestRevision === true && t.revisionName) out.push(`${where}: revisionName and latestRevision: true are mutually exclusive`);
    if (t.latestRevision === false && !t.revisionName) out.push(`${where}/revisionName: required when latestRevision is false`);
    if (t.percent !== undefined && (t.percent < 0 || t.percent > 100)) out.push(`${where}/percent: ${t.percent} is out of range 0-100`);
    sum += t.percent ?? 0;
    if (t.tag !== undefined) {
      if (tags.has(t.tag)) out.push(`${where}/tag: duplicate tag ${t.tag}`);
      tags.add(t.tag);
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.tag)) out.push(`${where}/tag: ${t.tag} is not a DNS-1035 label`);
    }
  });
  if (sum !== 100) out.push(`${at}: traffic targets sum to ${sum}, want 100`);
  return out;
}

/** A Knative Service (`serving.knative.dev/v1`): what the webhook checks on create. */
export function knativeServiceErrors(doc: any, ctx: AdmissionContext): string[] {
  const tmpl = doc.spec?.template ?? {};
  const name = doc.metadata?.name ?? '';
  const out = [
    ...knativePodSpecErrors(podSpecOfRevision(tmpl.spec), '/spec/template/spec', ctx),
    ...knativeRevisionSpecErrors(tmpl.spec, '/spec/template/spec'),
    ...knativeAutoscalingErrors(tmpl.metadata?.annotations, '/spec/template/metadata/annotations', ctx.knativeAutoscaler),
    ...knativeTrafficErrors(doc.spec?.traffic, '/spec/traffic'),
  ];
  // service_validation.go: serving.ValidateObjectMetadata(..., false) rejects autoscaling annotations on the
  // Service itself (ValidateHasNoAutoscalingAnnotation); ValidateRolloutDurationAnnotation.
  for (const k of Object.keys(doc.metadata?.annotations ?? {})) {
    if (k.startsWith('autoscaling.knative.dev')) out.push(`/metadata/annotations/${k}: autoscaling annotations must be put under spec.template.metadata.annotations`);
  }
  const rollout = doc.metadata?.annotations?.['serving.knative.dev/rollout-duration'];
  if (rollout !== undefined) {
    const d = parseGoDuration(rollout);
    if (d === undefined || !Number.isInteger(d)) out.push(`/metadata/annotations/serving.knative.dev/rollout-duration: ${rollout} is not a whole-second duration`);
  }
  // serving.ValidateObjectMetadata: a Service name is a DNS-1035 label of at most 63 characters.
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) out.push(`/metadata/name: ${name} is not a DNS-1035 label`);
  if (tmpl.metadata?.name !== undefined && !String(tmpl.metadata.name).startsWith(`${name}-`)) {
    out.push(`/spec/template/metadata/name: "${tmpl.metadata.name}" must have prefix "${name}-" (validateRevisionName)`);
  }
  return out;
}

/** The PodSpec part of a RevisionSpec (the revision-only fields are checked apart). */
function podSpecOfRevision(spec: any): any {
  if (!spec) return spec;
  const { containerConcurrency: _c, timeoutSeconds: _t, responseStartTimeoutSeconds: _r, idleTimeoutSeconds: _i, ...pod } = spec;
  return pod;
}
