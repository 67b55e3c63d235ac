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
 * One walk, no intermediate arrays (it runs on every document of a fleet).
 * `drop`: the value sits under an object key, where undefined and empty
 * objects/arrays are left out; array elements keep empty ones.
 */
function compactValue(value: unknown, drop: boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const c = compactValue(value[i], false);
      if (c !== undefined) out.push(c);
    }
    return drop && out.length === 0 ? undefined : out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return drop && Object.keys(value).length === 0 ? undefined : value;
  }
  const out: Record<string, unknown> = {};
  let empty = true;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const c = compactValue((value as Record<string, unknown>)[keys[i]], true);
    if (c === undefined) continue;
    out[keys[i]] = c;
    empty = false;
  }
  return drop && empty ? undefined : out;
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
