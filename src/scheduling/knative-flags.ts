import { IConstruct } from 'constructs';

/**
 * Knative Serving's `config-features` defaults at knative-v1.23.0
 * (`pkg/apis/config/features.go`, `defaultFeaturesConfig`): every flag not
 * listed here is `Disabled` until the cluster's ConfigMap says otherwise.
 */
export const KNATIVE_FLAG_DEFAULTS: Readonly<Record<string, string>> = {
  'multi-container': 'enabled',
  'kubernetes.podspec-volumes-emptydir': 'enabled',
};

/**
 * Every key `config-features` reads at knative-v1.23.0
 * (`NewFeaturesConfigFromMap`); any other key is ignored by Knative.
 */
export const KNATIVE_FLAG_KEYS: readonly string[] = [
  'autodetect-http2', 'multi-container', 'multi-container-probing', 'queueproxy.mount-podinfo',
  'queueproxy.resource-defaults', 'secure-pod-defaults', 'tag-header-based-routing',
  'kubernetes.containerspec-addcapabilities', 'kubernetes.podspec-affinity', 'kubernetes.podspec-dnsconfig',
  'kubernetes.podspec-dnspolicy', 'kubernetes.podspec-fieldref', 'kubernetes.podspec-hostaliases',
  'kubernetes.podspec-hostipc', 'kubernetes.podspec-hostnetwork', 'kubernetes.podspec-hostpid',
  'kubernetes.podspec-init-containers', 'kubernetes.podspec-nodeselector', 'kubernetes.podspec-persistent-volume-claim',
  'kubernetes.podspec-persistent-volume-write', 'kubernetes.podspec-priorityclassname', 'kubernetes.podspec-runtimeclassname',
  'kubernetes.podspec-schedulername', 'kubernetes.podspec-securitycontext', 'kubernetes.podspec-shareprocessnamespace',
  'kubernetes.podspec-tolerations', 'kubernetes.podspec-topologyspreadconstraints', 'kubernetes.podspec-volumes-csi',
  'kubernetes.podspec-volumes-emptydir', 'kubernetes.podspec-volumes-ephemeral', 'kubernetes.podspec-volumes-hostpath',
  'kubernetes.podspec-volumes-image', 'kubernetes.podspec-volumes-mount-propagation',
];

/**
 * The values Knative understands (`asFlag` compares them case-insensitively;
 * any other value is ignored and the default stays). `secure-pod-defaults`
 * also takes `AllowRootBounded` (`asSecurePodDefaultsFlag`).
 */
export function validFlagValues(flag: string): string[] {
  return flag === 'secure-pod-defaults' ? ['enabled', 'disabled', 'allowed', 'allowrootbounded'] : ['enabled', 'disabled', 'allowed'];
}

/**
 * Flags whose field Knative's webhook accepts only when the flag is exactly
 * `Enabled` (`k8s_validation.go`: `validateVolume`, `validatePersistentVolumeClaims`,
 * `validateInitContainers` compare `!= config.Enabled`). The field-mask flags
 * (`fieldmask.go`: `PodSpecMask`) accept `Allowed` as well.
 */
const ENABLED_ONLY = new Set([
  'kubernetes.podspec-init-containers', 'kubernetes.podspec-volumes-emptydir', 'kubernetes.podspec-persistent-volume-claim',
  'kubernetes.podspec-volumes-hostpath', 'kubernetes.podspec-volumes-csi', 'kubernetes.podspec-volumes-ephemeral',
  'kubernetes.podspec-volumes-image',
]);

/** The pod-spec field each flag unlocks, for error messages. */
export const KNATIVE_FLAG_FIELDS: Readonly<Record<string, string>> = {
  'kubernetes.podspec-nodeselector': 'nodeSelector',
  'kubernetes.podspec-tolerations': 'tolerations',
  'kubernetes.podspec-affinity': 'affinity',
  'kubernetes.podspec-runtimeclassname': 'runtimeClassName',
  'kubernetes.podspec-init-containers': 'initContainers',
  'kubernetes.podspec-volumes-emptydir': 'volumes[].emptyDir',
  'kubernetes.podspec-persistent-volume-claim': 'volumes[].persistentVolumeClaim',
  // Knative's webhook admits readiness probes on more than one container (a collocated transformer and the server) only with it.
  'multi-container-probing': 'containers[].readinessProbe',
};

/** True when `state` (a `config-features` value) lets the field `flag` gates through Knative's webhook. */
export function flagAllows(flag: string, state: string | undefined): boolean {
  const s = (state ?? KNATIVE_FLAG_DEFAULTS[flag] ?? 'disabled').toLowerCase();
  if (ENABLED_ONLY.has(flag)) return s === 'enabled';
  return s === 'enabled' || s === 'allowed';
}

/** Something whose pods run as Knative revisions and need flags. */
interface Consumer {
  readonly scope: IConstruct;
  readonly flags: () => string[];
}

/** Something that states the cluster's `config-features` (emitted or declared). */
interface Source {
  readonly flags: () => Record<string, string>;
}

interface AppState {
  readonly consumers: Consumer[];
  readonly sources: Source[];
  /** Bumped when a consumer's flags may have changed (see {@link knativeFlagsChanged}). */
  version: number;
  /** The last check: what it saw and the errors it found. */
  last?: { readonly version: number; readonly consumerCount: number; readonly sourceCount: number; readonly errors: string[] };
}

const APPS = new WeakMap<IConstruct, AppState>();

function appState(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = APPS.get(root);
  if (!state) {
    const created: AppState = { consumers: [], sources: [], version: 0 };
    state = created;
    APPS.set(root, created);
    // One validation for the whole app: the flags the cluster has are only
    // known once every KnativeFeatures / KnativeClusterFlags is in the tree.
    root.node.addValidation({ validate: () => missingFlagErrors(created) });
  }
  return state;
}

/**
 * Registers a construct whose Knative pods need `flags()` (read at synth).
 * The flags may change after registration only with a call to
 * {@link knativeFlagsChanged}.
 */
export function registerKnativeFlagConsumer(scope: IConstruct, flags: () => string[]): void {
  appState(scope).consumers.push({ scope, flags });
}

/** Says that the flags of a registered consumer of `scope`'s app may have changed (a model's spec changed). */
export function knativeFlagsChanged(scope: IConstruct): void {
  appState(scope).version++;
}

/** Every flag the Knative pods of `scope`'s app need, with the construct paths that need each (registration order). */
export function requiredKnativeFlags(scope: IConstruct): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { scope: c, flags } of APPS.get(scope.node.root)?.consumers ?? []) {
    for (const flag of flags()) (out[flag] ??= []).push(c.node.path);
  }
  return out;
}

/** Registers a statement of the cluster's `config-features` (read at synth). */
export function registerKnativeFlagSource(scope: IConstruct, flags: () => Record<string, string>): void {
  appState(scope).sources.push({ flags });
}

/**
 * The app asks once per chart it synthesizes. A source's statement follows
 * from its own props and the consumers' flags, and those change only with a
 * new consumer or source or a {@link knativeFlagsChanged}: without one, the
 * errors are the same.
 */
function missingFlagErrors(state: AppState): string[] {
  if (state.consumers.length === 0) return [];
  const last = state.last;
  if (last !== undefined && last.version === state.version && last.consumerCount === state.consumers.length
    && last.sourceCount === state.sources.length) {
    return last.errors;
  }
  const errors = flagErrors(state);
  state.last = { version: state.version, consumerCount: state.consumers.length, sourceCount: state.sources.length, errors };
  return errors;
}

function flagErrors(state: AppState): string[] {
  const declared: Record<string, string> = {};
  for (const source of state.sources) {
    for (const [flag, value] of Object.entries(source.flags())) {
      // Two statements of one flag: the one that lets more through wins (a
      // DISABLED that a model needs is reported by KnativeFeatures itself).
      if (declared[flag] === undefined || (!flagAllows(flag, declared[flag]) && flagAllows(flag, value))) declared[flag] = value;
    }
  }
  const errors: string[] = [];
  for (const { scope, flags } of state.consumers) {
    for (const flag of flags()) {
      if (flagAllows(flag, declared[flag])) continue;
      const state0 = declared[flag] ?? `${KNATIVE_FLAG_DEFAULTS[flag] ?? 'disabled'} (Knative's default)`;
      // The pod-spec field leads, in the place of the prop of every other synth error.
      const field = KNATIVE_FLAG_FIELDS[flag] ?? 'podSpec';
      errors.push(`${scope.node.path}: ${field} needs the Knative feature flag ${flag}, which is ${state0} in this app; `
        + 'Knative\'s webhook rejects the revision. Add a KnativeFeatures to the app (it enables the flags the models need), or declare '
        + `that the cluster already has it with new KnativeClusterFlags(scope, id, { enabled: ['${flag}'] })`);
    }
  }
  return errors;
}

const RUNTIME_FLAGS = new WeakMap<IConstruct, readonly string[]>();

/**
 * Records the flags a serving runtime's pod fields need: KServe merges the
 * runtime's nodeSelector, tolerations and affinity into the pods of every
 * model that uses it (v0.20.0 `components/predictor.go`, `MergePodSpec`).
 */
export function setRuntimeKnativeFlags(runtime: IConstruct, flags: readonly string[]): void {
  RUNTIME_FLAGS.set(runtime, flags);
}

/** The flags a runtime's pod fields need (none when it sets none). */
export function runtimeKnativeFlags(runtime: IConstruct | undefined): readonly string[] {
  return runtime ? RUNTIME_FLAGS.get(runtime) ?? [] : [];
}

/** The `config-features` keys that gate the pod-spec fields GPU placement uses. */
export const KNATIVE_PLACEMENT_FLAGS = {
  nodeSelector: 'kubernetes.podspec-nodeselector',
  tolerations: 'kubernetes.podspec-tolerations',
  affinity: 'kubernetes.podspec-affinity',
  runtimeClassName: 'kubernetes.podspec-runtimeclassname',
} as const;

/** The flags a placement needs: nodeSelector, tolerations, required node affinity, RuntimeClass. */
export function placementKnativeFlags(p: {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly unknown[];
  readonly requiredNodeAffinity: readonly unknown[];
  readonly runtimeClassName?: string;
}): string[] {
  const out: string[] = [];
  if (Object.keys(p.nodeSelector).length > 0) out.push(KNATIVE_PLACEMENT_FLAGS.nodeSelector);
  if (p.tolerations.length > 0) out.push(KNATIVE_PLACEMENT_FLAGS.tolerations);
  if (p.requiredNodeAffinity.length > 0) out.push(KNATIVE_PLACEMENT_FLAGS.affinity);
  if (p.runtimeClassName !== undefined) out.push(KNATIVE_PLACEMENT_FLAGS.runtimeClassName);
  return out;
}
