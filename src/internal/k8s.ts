/**
 * The small part of the Kubernetes object model the library emits, as plain
 * JSON shapes. Compilers build these; the conformance tests check them
 * against the real schemas.
 */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: string[];
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  readonly tcpSocket?: { readonly port: number | string };
  readonly grpc?: { readonly port: number; readonly service?: string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

export interface ContainerSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: string[]; readonly add?: string[] };
  readonly seccompProfile?: { readonly type: string };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

export interface Volume {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  readonly secret?: { readonly secretName: string };
  readonly configMap?: { readonly name: string };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: EnvVar[];
  readonly envFrom?: Array<{ readonly secretRef?: { readonly name: string }; readonly configMapRef?: { readonly name: string } }>;
  readonly ports?: Array<{ readonly name?: string; readonly containerPort: number; readonly protocol?: string }>;
  readonly resources?: { readonly requests?: Record<string, string | number>; readonly limits?: Record<string, string | number> };
  readonly securityContext?: ContainerSecurityContext;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly volumeMounts?: VolumeMount[];
}

/** Drops undefined values and empty objects/arrays so output stays minimal and stable. */
export function compact<T>(value: T): T {
  return compactValue(value, false) as T;
}

/**
 * One walk, copy on write: an object or array comes back as it is when
 * nothing under it is dropped, so the spec's shared, already compact parts
 * (env, security context, tolerations) are not copied for every document.
 * `drop`: the value sits under an object key, where undefined and empty
 * objects/arrays are left out; array elements keep empty ones.
 */
function compactValue(value: unknown, drop: boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const c = compactValue(value[i], false);
      if (out === undefined && (c !== value[i] || c === undefined)) out = value.slice(0, i);
      if (out !== undefined && c !== undefined) out.push(c);
    }
    const result = out ?? value;
    return drop && result.length === 0 ? undefined : result;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return drop && Object.keys(value).length === 0 ? undefined : value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let out: Record<string, unknown> | undefined;
  let kept = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = record[keys[i]];
    const c = compactValue(v, true);
    if (out === undefined && (c !== v || c === undefined)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = record[keys[j]];
    }
    if (c === undefined) continue;
    kept++;
    if (out !== undefined) out[keys[i]] = c;
  }
  if (drop && kept === 0) return undefined;
  return out ?? record;
}

/** A copy of a string map with keys sorted, for deterministic output. */
export function sortedRecord<V>(record: Record<string, V> | undefined): Record<string, V> | undefined {
  if (!record) return undefined;
  const keys = Object.keys(record).sort();
  if (keys.length === 0) return undefined;
  const out: Record<string, V> = {};
  for (const k of keys) out[k] = record[k];
  return out;
}

/**
 * Whether two values render the same JSON (keys in any order; undefined and
 * functions left out, as JSON.stringify does), stopping at the first
 * difference and sharing no strings: a fleet compares every candidate with
 * its stable model.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return jsonScalar(a) === jsonScalar(b);
  if (typeof (a as any).toJSON === 'function' || typeof (b as any).toJSON === 'function') return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes left-out values inside arrays as null.
    for (let i = 0; i < a.length; i++) if (!sameJson(jsonScalar(a[i]) ?? null, jsonScalar(b[i]) ?? null)) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let count = 0;
  for (const k of Object.keys(ra)) {
    if (jsonScalar(ra[k]) === undefined) continue;
    count++;
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !sameJson(ra[k], rb[k])) return false;
  }
  for (const k of Object.keys(rb)) if (jsonScalar(rb[k]) !== undefined) count--;
  return count === 0;
}

/** A value as JSON.stringify treats it inside an object: undefined for left-out values, null for non-finite numbers. */
function jsonScalar(v: unknown): unknown {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
