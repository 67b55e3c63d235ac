import { EnvValue, IServiceAccount } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { LlmRouter } from './llm-router';
import { VllmOptions } from './vllm-options';
import { fail } from '../internal/errors';
import { PropType } from '../internal/prop-types';
import { PodSecurity } from '../security/pod-security';

/**
 * What an {@link LlmService} and an {@link LlmServiceConfig} both set: a
 * config is a preset of exactly these service fields (KServe merges
 * `LLMInferenceServiceConfig`s and the service with one strategic merge),
 * so both declare them once, here.
 */
export interface LlmServiceBaseProps {
  /**
   * The resource name; a config's is the name services reference in `baseRefs`.
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The namespace. A config lives in its services' namespace, or in KServe's
   * (`kserve`) as a cluster-wide preset.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /**
   * The vLLM image, pinned by tag or digest.
   *
   * @default - a service: the image of its last config that sets one, else LlmService.DEFAULT_IMAGE
   * (the image of KServe 0.20's presets); a config: none
   */
  readonly image?: string;

  /**
   * Common vLLM engine settings.
   *
   * @default - vLLM's defaults
   */
  readonly vllm?: VllmOptions;

  /**
   * Further `vllm serve` flags, after the typed ones.
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Environment variables of the vLLM container, as cdk8s-plus `EnvValue`s:
   * plain values (`EnvValue.fromValue('INFO')`), Secrets
   * (`EnvValue.fromSecretValue(...)`, e.g. `HF_TOKEN`), ConfigMaps or field
   * references. Literals that look like credentials are rejected.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * How the pods are locked down.
   *
   * @default PodSecurity.restricted({ readOnlyRootFilesystem: false }): restricted, with the writable root
   * filesystem the NVIDIA container toolkit's CDI hook needs (as in KServe's presets)
   */
  readonly podSecurity?: PodSecurity;

  /**
   * How clients reach the service.
   *
   * @default - no router (LlmRouter.NONE): the workload Service, inside the cluster
   */
  readonly router?: LlmRouter;

  /**
   * Whether KServe's storage initializer downloads the weights and LoRA
   * adapters into the pod before vLLM starts (`spec.storageInitializer.enabled`).
   * Turn it off when the image, a node-local cache or an init container of
   * your own already holds the weights at `/mnt/models`.
   *
   * @default true (KServe's default)
   */
  readonly storageInitializer?: boolean;

  /**
   * The service account the pods run as (e.g. with the storage credentials
   * for s3:// weights). One that exists in the cluster already is referenced
   * with cdk8s-plus `ServiceAccount.fromServiceAccountName(scope, id, name)`;
   * only its name is written.
   *
   * @default - the namespace's default service account
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * Extra labels for the resource.
   *
   * @default - the standard app.kubernetes.io labels
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra annotations for the resource.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * What each base prop must be, for callers without a type checker. A
 * function: the classes are read when a construct is built, after every
 * module has loaded. `serviceAccount` (an interface) and `storageInitializer`
 * are checked where they are read.
 */
export function llmServiceBasePropTypes(): Record<keyof Omit<LlmServiceBaseProps, 'serviceAccount' | 'storageInitializer'>, PropType> {
  return {
    name: 'string',
    namespace: 'string',
    image: 'string',
    vllm: 'struct',
    args: 'strings',
    envVariables: 'struct',
    podSecurity: { cls: PodSecurity, use: 'PodSecurity.restricted(...) or PodSecurity.baseline(reason)' },
    router: { cls: LlmRouter, use: 'LlmRouter.managed(), gateways(...), httpRoutes(...) or NONE' },
    labels: 'map',
    annotations: 'map',
  };
}

/**
 * Props replaced before 1.0 (README "Changes"), with what to write instead:
 * plain JavaScript callers (and spreads, which TypeScript does not check)
 * may still pass them, and they would be dropped without a word.
 */
const REPLACED_PROPS: Array<[string, string]> = [
  ['env', 'use envVariables with EnvValue.fromValue(...)'],
  ['envValues', 'use envVariables'],
];

/** Fails on a prop that was replaced before 1.0 (see {@link REPLACED_PROPS}). */
export function checkReplacedLlmProps(scope: IConstruct, props: unknown, kind: string): void {
  if (props === null || typeof props !== 'object') return;
  for (const [old, use] of REPLACED_PROPS) {
    if ((props as Record<string, unknown>)[old] !== undefined) fail(scope, old, '<set>', `is no longer ${kind} prop`, use);
  }
}
