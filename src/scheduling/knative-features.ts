import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KNATIVE_FLAG_KEYS, KNATIVE_PLACEMENT_FLAGS, registerKnativeFlagSource, requiredKnativeFlags, validFlagValues } from './knative-flags';
import { fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { standardLabels } from '../internal/labels';
import { checkDns1123Label } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import type { ServedModel } from '../model/served-model';
import { placementFlagsOf } from '../platforms/knative-annotations';

/** A Knative feature flag's state in `config-features`. */
export enum FeatureFlagState {
  /** On for every revision. */
  ENABLED = 'enabled',
  /** Off: Knative's webhook rejects revisions that use the field. */
  DISABLED = 'disabled',
  /** Allowed (for these pod-spec fields Knative treats it like enabled). */
  ALLOWED = 'allowed',
}


/** Props of {@link KnativeFeatures}. */
export interface KnativeFeaturesProps {
  /**
   * `kubernetes.podspec-nodeselector`.
   *
   * @default - enabled when a model on a Knative platform uses a node selector, else not written
   */
  readonly nodeSelector?: FeatureFlagState;

  /**
   * `kubernetes.podspec-tolerations`.
   *
   * @default - enabled when a model on a Knative platform uses tolerations, else not written
   */
  readonly tolerations?: FeatureFlagState;

  /**
   * `kubernetes.podspec-affinity`.
   *
   * @default - enabled when a model on a Knative platform uses node affinity, else not written
   */
  readonly affinity?: FeatureFlagState;

  /**
   * `kubernetes.podspec-runtimeclassname`.
   *
   * @default - enabled when a model on a Knative platform uses a RuntimeClass, else not written
   */
  readonly runtimeClassName?: FeatureFlagState;

  /**
   * Other `config-features` keys to write (e.g.
   * `kubernetes.podspec-persistent-volume-claim`). Each value must be
   * `enabled`, `disabled` or `allowed` (Knative ignores any other value and
   * keeps its default); `secure-pod-defaults` also takes `AllowRootBounded`.
   * Each key must be one Knative Serving 1.23 reads. Keys the four props
   * above manage are rejected here.
   *
   * @default - none
   */
  readonly additionalFlags?: Record<string, string>;

  /**
   * The namespace Knative Serving runs in.
   *
   * @default 'knative-serving'
   */
  readonly namespace?: string;
}

/** Every `config-features` flag a model's pods need; none off Knative. */
export function knativeFlagsOf(model: ServedModel): string[] {
  if (!model.platform.isKnative) return [];
  const spec = model._spec();
  return model.platform._compiler.knativeFlags?.(spec) ?? placementFlagsOf(spec);
}

const DECLARED: Array<[keyof KnativeFeaturesProps, string]> = [
  ['nodeSelector', KNATIVE_PLACEMENT_FLAGS.nodeSelector],
  ['tolerations', KNATIVE_PLACEMENT_FLAGS.tolerations],
  ['affinity', KNATIVE_PLACEMENT_FLAGS.affinity],
  ['runtimeClassName', KNATIVE_PLACEMENT_FLAGS.runtimeClassName],
];

/**
 * Knative's `config-features` ConfigMap with exactly the pod-spec flags the
 * app's models need: Knative rejects `nodeSelector`, `tolerations`,
 * `affinity` and `runtimeClassName` unless they are enabled. The flags are
 * computed at synth from every ServedModel in the app that runs on a
 * Knative platform; a flag declared `DISABLED` that a model needs fails synth.
 *
 * `kubectl apply` merges keys into the installed ConfigMap (keys it did not
 * write before stay). With the Knative Operator, copy `flags` into
 * `KnativeServing.spec.config.features` instead.
 *
 * @example
 * new KnativeFeatures(chart, 'knative-features');
 */
export class KnativeFeatures extends Construct {
  /**
   * The flags the Knative pods of `scope`'s app need (models, Knative-mode
   * InferenceGraph routers), with the construct paths that need each.
   *
   * @param scope any construct of the app
   */
  public static requiredFlags(scope: IConstruct): Record<string, string[]> {
    // Models, Knative-mode graph routers, and the runtimes' placement merged into models.
    return requiredKnativeFlags(scope);
  }

  /** The ConfigMap. */
  public readonly configMap: ApiObject;
  private readonly props: KnativeFeaturesProps;

  constructor(scope: Construct, id: string, props: KnativeFeaturesProps = {}) {
    super(scope, id);
    ensureUniqueIdentities(this);
    const state = { oneOf: FeatureFlagState, name: 'FeatureFlagState' };
    checkProps(this, props, {
      nodeSelector: state, tolerations: state, affinity: state, runtimeClassName: state, additionalFlags: 'map', namespace: 'string',
    }, [], 'KnativeFeaturesProps, e.g. { affinity: FeatureFlagState.ENABLED }');
    // A copy: flags added to the caller's map after construction would bypass the checks below.
    this.props = props.additionalFlags === undefined ? props : { ...props, additionalFlags: { ...props.additionalFlags } };
    const namespace = props.namespace ?? 'knative-serving';
    checkDns1123Label(this, 'namespace', namespace);
    const managed = new Set(DECLARED.map(([, flag]) => flag));
    for (const [k, v] of Object.entries(props.additionalFlags ?? {})) {
      if (managed.has(k)) {
        const prop = DECLARED.find(([, f]) => f === k)![0];
        fail(this, `additionalFlags["${k}"]`, v, 'is managed by this construct', `use the ${prop} prop`);
      }
      if (!KNATIVE_FLAG_KEYS.includes(k)) {
        fail(this, 'additionalFlags', k, 'is not a config-features key of Knative Serving 1.23 (Knative ignores it)',
          'use a key from Knative\'s config-features, e.g. kubernetes.podspec-persistent-volume-claim');
      }
      checkFlagValue(this, `additionalFlags["${k}"]`, k, v);
    }
    this.configMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'config-features',
        namespace,
        labels: standardLabels('knative-serving', 'controller'),
      },
      data: Lazy.any({ produce: () => this.flags }),
    });
    this.node.addValidation({ validate: () => this.conflicts() });
    registerKnativeFlagSource(this, () => this.flags);
  }

  /** The `config-features` data this construct writes (sorted keys). */
  public get flags(): Record<string, string> {
    const needed = KnativeFeatures.requiredFlags(this);
    const out: Record<string, string> = { ...(this.props.additionalFlags ?? {}) };
    for (const [prop, flag] of DECLARED) {
      const declared = this.props[prop] as FeatureFlagState | undefined;
      if (declared !== undefined) out[flag] = declared;
      else if (needed[flag]) out[flag] = FeatureFlagState.ENABLED;
    }
    // Other flags the pods need (init containers, volumes): enabled unless the app says otherwise.
    for (const flag of Object.keys(needed)) {
      if (!DECLARED.some(([, f]) => f === flag) && out[flag] === undefined) out[flag] = FeatureFlagState.ENABLED;
    }
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(out).sort()) sorted[k] = out[k];
    return sorted;
  }

  private conflicts(): string[] {
    const needed = KnativeFeatures.requiredFlags(this);
    const errors: string[] = [];
    for (const [prop, flag] of DECLARED) {
      if (this.props[prop] !== FeatureFlagState.DISABLED || !needed[flag]) continue;
      for (const path of needed[flag]) {
        errors.push(`${this.node.path}: ${prop} "disabled" turns off ${flag}, which the model ${path} needs on a Knative platform; `
          + `enable the flag (drop ${prop} or set FeatureFlagState.ENABLED), or remove the model's ${prop} placement (accelerator, nodePool)`);
      }
    }
    for (const [flag, paths] of Object.entries(needed)) {
      if (DECLARED.some(([, f]) => f === flag) || this.props.additionalFlags?.[flag] !== FeatureFlagState.DISABLED) continue;
      for (const path of paths) {
        errors.push(`${this.node.path}: additionalFlags["${flag}"] "disabled" turns off a feature the model ${path} needs on a Knative platform; `
          + 'enable the flag, or move the model to a platform without Knative');
      }
    }
    return errors;
  }
}

/** Rejects a `config-features` value Knative would ignore (it keeps its default then, silently). */
function checkFlagValue(scope: IConstruct, prop: string, flag: string, value: unknown): void {
  const allowed = validFlagValues(flag);
  if (typeof value !== 'string' || !allowed.includes(value.toLowerCase())) {
    fail(scope, prop, value, 'is not a value Knative reads (it ignores it and keeps the flag\'s default)',
      `use ${allowed.map((a) => `"${a}"`).join(', ')} (FeatureFlagState)`);
  }
}

/** Props of {@link KnativeClusterFlags}. */
export interface KnativeClusterFlagsProps {
  /**
   * `config-features` keys the cluster already has `enabled` (e.g.
   * `kubernetes.podspec-nodeselector`). Each must be a key Knative
   * Serving reads.
   *
   * @default - none
   */
  readonly enabled?: string[];

  /**
   * `config-features` keys the cluster has `allowed`. Knative's field masks
   * treat `allowed` like enabled for placement fields (nodeSelector,
   * tolerations, affinity, runtimeClassName), but volumes and init containers
   * need `enabled`.
   *
   * @default - none
   */
  readonly allowed?: string[];
}

/**
 * Declares the Knative feature flags the cluster already has, without
 * emitting `config-features`: for clusters whose platform team owns that
 * ConfigMap (or the Knative Operator's `KnativeServing.spec.config.features`).
 * Synth fails when a model on a Knative platform needs a flag that is off by
 * default and neither a {@link KnativeFeatures} nor a `KnativeClusterFlags`
 * in the app turns it on; this construct is the way to say "it is on".
 * It writes no document: the claim is checked by the cluster, not by synth.
 *
 * @example
 * new KnativeClusterFlags(chart, 'cluster-flags', {
 *   enabled: ['kubernetes.podspec-nodeselector', 'kubernetes.podspec-tolerations'],
 * });
 */
export class KnativeClusterFlags extends Construct {
  /** The declared `config-features` data (sorted keys). */
  public readonly flags: Record<string, string>;

  constructor(scope: Construct, id: string, props: KnativeClusterFlagsProps = {}) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, { enabled: 'strings', allowed: 'strings' }, [], "KnativeClusterFlagsProps, e.g. { enabled: ['kubernetes.podspec-affinity'] }");
    const out: Record<string, string> = {};
    const add = (prop: string, list: string[] | undefined, state: FeatureFlagState) => {
      (list ?? []).forEach((flag, i) => {
        if (typeof flag !== 'string' || !KNATIVE_FLAG_KEYS.includes(flag)) {
          fail(this, `${prop}[${i}]`, flag, 'is not a config-features key of Knative Serving 1.23',
            `use one of ${KNATIVE_FLAG_KEYS.filter((k) => k.startsWith('kubernetes.')).slice(0, 4).join(', ')}, ... (see Knative's config-features)`);
        }
        if (out[flag] !== undefined) fail(this, `${prop}[${i}]`, flag, 'is declared twice', 'list each flag once, in enabled or allowed');
        out[flag] = state;
      });
    };
    add('enabled', props.enabled, FeatureFlagState.ENABLED);
    add('allowed', props.allowed, FeatureFlagState.ALLOWED);
    if (Object.keys(out).length === 0) fail(this, 'enabled', props.enabled, 'declares no flag', 'list at least one config-features key in enabled or allowed');
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(out).sort()) sorted[k] = out[k];
    this.flags = sorted;
    registerKnativeFlagSource(this, () => this.flags);
  }
}
