/**
 * Core Kubernetes validation (`k8s.io/apimachinery/pkg/util/validation`,
 * `pkg/apis/core/validation`) for what the library writes, on every pod it
 * emits (core kinds, and the pods inside custom resources, which the API
 * server validates only when the controller creates them: a late failure that
 * leaves the model un-Ready):
 * quantities, limits >= requests, DNS names, label keys and values, port
 * names, int32 ranges.
 */
import { podsOf } from '../pod-security';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `validation.IsQualifiedName` name part, and `IsValidLabelValue`. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** `resource.ParseQuantity`: sign, digits, optional fraction, suffix (binary SI, decimal SI or exponent). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const INT32_MAX = 2147483647;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a Kubernetes quantity, or undefined when it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string' || !QUANTITY.test(q)) return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(q)!;
  const base = Number(m[1]);
  const suffix = m[2];
  if (!suffix) return base;
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

/** `validation.IsQualifiedName` for a label or annotation key. */
export function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return 'prefix is not a DNS-1123 subdomain';
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part must be 1-63 alphanumerics, "-", "_" or "." beginning and ending alphanumeric';
  return undefined;
}

/** `validation.IsValidPortName` (IANA_SVC_NAME). */
export function portNameError(name: string): string | undefined {
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'must contain only lower-case alphanumerics and "-"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}

/** Kinds whose name is a DNS-1123 label rather than a subdomain (Service names end in DNS). */
const LABEL_NAMED = new Set(['Service', 'Namespace']);

function metadataErrors(doc: any): string[] {
  const out: string[] = [];
  const meta = doc.metadata ?? {};
  if (typeof meta.name === 'string') {
    const label = LABEL_NAMED.has(doc.kind);
    const ok = label ? DNS1123_LABEL.test(meta.name) && meta.name.length <= 63 : DNS1123_SUBDOMAIN.test(meta.name) && meta.name.length <= 253;
    if (!ok) out.push(`/metadata/name: ${meta.name} is not a DNS-1123 ${label ? 'label' : 'subdomain'}`);
  }
  if (meta.namespace !== undefined && !(DNS1123_LABEL.test(meta.namespace) && meta.namespace.length <= 63)) {
    out.push(`/metadata/namespace: ${meta.namespace} is not a DNS-1123 label`);
  }
  out.push(...labelErrors(meta.labels, '/metadata/labels'));
  for (const k of Object.keys(meta.annotations ?? {})) {
    const e = qualifiedNameError(k);
    if (e) out.push(`/metadata/annotations/${k}: key ${e}`);
  }
  return out;
}

/** `ValidateLabels`: qualified-name keys, values of at most 63 characters. */
export function labelErrors(labels: Record<string, unknown> | undefined, at: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const e = qualifiedNameError(k);
    if (e) out.push(`${at}/${k}: key ${e}`);
    if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) out.push(`${at}/${k}: value ${JSON.stringify(v)} is not a valid label value`);
  }
  return out;
}

function int32(v: unknown, at: string, min: number, out: string[]): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > INT32_MAX) out.push(`${at}: ${JSON.stringify(v)} is not an integer in ${min}-${INT32_MAX}`);
}

/** Quantities, limits >= requests, ports and probe ranges of one container. */
function containerErrors(c: any, at: string): string[] {
  const out: string[] = [];
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const [kind, m] of [['requests', req], ['limits', lim]] as const) {
    for (const [k, v] of Object.entries<any>(m)) {
      const q = parseQuantity(v);
      if (q === undefined) out.push(`${at}/resources/${kind}/${k}: ${JSON.stringify(v)} is not a quantity`);
      else if (q < 0) out.push(`${at}/resources/${kind}/${k}: ${v} must not be negative`);
    }
  }
  for (const k of Object.keys(req)) {
    const r = parseQuantity(req[k]);
    const l = parseQuantity(lim[k]);
    if (lim[k] !== undefined && r !== undefined && l !== undefined && l < r) out.push(`${at}/resources/requests/${k}: ${req[k]} must be less than or equal to the ${k} limit ${lim[k]}`);
  }
  const names = new Set<string>();
  (c.ports ?? []).forEach((p: any, i: number) => {
    int32(p.containerPort, `${at}/ports/${i}/containerPort`, 1, out);
    if (typeof p.containerPort === 'number' && p.containerPort > 65535) out.push(`${at}/ports/${i}/containerPort: ${p.containerPort} must be 1-65535`);
    if (p.name !== undefined) {
      const e = portNameError(p.name);
      if (e) out.push(`${at}/ports/${i}/name: ${p.name} ${e}`);
      if (names.has(p.name)) out.push(`${at}/ports/${i}/name: duplicate port name ${p.name}`);
      names.add(p.name);
    }
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (!p) continue;
    for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) int32(p[f], `${at}/${probe}/${f}`, 0, out);
    // ValidateProbe: liveness and startup probes must have successThreshold 1.
    if (probe !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) out.push(`${at}/${probe}/successThreshold: must be 1`);
    const port = p.httpGet?.port ?? p.tcpSocket?.port;
    if (typeof port === 'number' && (port < 1 || port > 65535)) out.push(`${at}/${probe}: port ${port} must be 1-65535`);
    if (typeof port === 'string' && portNameError(port)) out.push(`${at}/${probe}: port name ${port} ${portNameError(port)}`);
  }
  for (const [i, e] of (c.env ?? []).entries()) {
    // validateEnvVarName: a C identifier-ish name (`IsEnvVarName`: [-._a-zA-Z][-._a-zA-Z0-9]*).
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name ?? '')) out.push(`${at}/env/${i}/name: ${e.name} is not a valid environment variable name`);
  }
  return out;
}

/** Every core-validation problem of a document. */
export function coreErrors(doc: any): string[] {
  const out = metadataErrors(doc);
  for (const { where, pod, containers } of podsOf(doc)) {
    const at = '/' + where.replace(/\./g, '/').replace(/\[(\d+)\]/g, '/$1');
    for (const { where: cw, c } of containers) out.push(...containerErrors(c, '/' + cw.replace(/\./g, '/').replace(/\[(\d+)\]/g, '/$1')));
    const names = new Set<string>();
    for (const { c } of containers) {
      if (c.name !== undefined && names.has(c.name)) out.push(`${at}: duplicate container name ${c.name}`);
      if (c.name !== undefined && !(DNS1123_LABEL.test(c.name) && c.name.length <= 63)) out.push(`${at}: container name ${c.name} is not a DNS-1123 label`);
      names.add(c.name);
    }
    for (const [i, v] of (pod.volumes ?? []).entries()) {
      if (!(DNS1123_LABEL.test(v.name ?? '') && v.name.length <= 63)) out.push(`${at}/volumes/${i}/name: ${v.name} is not a DNS-1123 label`);
      const sub = v.emptyDir?.sizeLimit;
      if (sub !== undefined && (parseQuantity(sub) ?? -1) < 0) out.push(`${at}/volumes/${i}/emptyDir/sizeLimit: ${sub} is not a quantity`);
    }
    for (const [k, v] of Object.entries<any>(pod.nodeSelector ?? {})) {
      const e = qualifiedNameError(k);
      if (e) out.push(`${at}/nodeSelector/${k}: key ${e}`);
      if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) out.push(`${at}/nodeSelector/${k}: value ${v} is not a valid label value`);
    }
  }
  // ServingRuntime containers become the model's containers once KServe merges them.
  if (doc.kind === 'ServingRuntime' || doc.kind === 'ClusterServingRuntime') {
    (doc.spec?.containers ?? []).forEach((c: any, i: number) => out.push(...containerErrors(c, `/spec/containers/${i}`)));
  }
  // Replica counts and HPA bounds are int32.
  const spec = doc.spec ?? {};
  for (const f of ['replicas', 'minReplicas', 'maxReplicas', 'minReplicaCount', 'maxReplicaCount']) int32(spec[f], `/spec/${f}`, 0, out);
  for (const comp of ['predictor', 'transformer', 'explainer']) {
    for (const f of ['minReplicas', 'maxReplicas', 'scaleTarget', 'containerConcurrency', 'timeout']) int32(spec[comp]?.[f], `/spec/${comp}/${f}`, 0, out);
  }
  if (doc.kind === 'HorizontalPodAutoscaler' && spec.minReplicas !== undefined && spec.maxReplicas !== undefined && spec.minReplicas > spec.maxReplicas) {
    out.push(`/spec/minReplicas: ${spec.minReplicas} must be less than or equal to maxReplicas ${spec.maxReplicas}`);
  }
  if (doc.kind === 'PersistentVolumeClaim') {
    const s = spec.resources?.requests?.storage;
    if (s !== undefined && !(parseQuantity(s)! > 0)) out.push(`/spec/resources/requests/storage: ${s} must be a positive quantity`);
  }
  return out;
}
