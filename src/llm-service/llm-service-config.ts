import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmRouter } from './llm-router';
import { checkReplacedLlmProps, LlmServiceBaseProps, llmServiceBasePropTypes } from './llm-service-base';
import { ILlmServiceConfig } from './llm-service-ref';
import { llmPodSpec } from './llm-workload';
import { resolveVllmArgs } from './vllm-options';
import { fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { chartNamespace, standardLabels } from '../internal/labels';
import { checkAnnotations, checkDns1123Label, checkDns1123Subdomain, checkImage, checkLabels, nameFromId } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { ModelResources } from '../model/components';
import { resolveResources } from '../model/model-spec';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';
import { resolveEnvValues } from '../security/env-values';
import { PodSecurity } from '../security/pod-security';
import { serviceAccountName } from '../security/references';

/** Marks the props of a config that exists already (see `fromConfigName`). */
const EXISTING = Symbol('existing LLMInferenceServiceConfig');

/** Options for {@link LlmServiceConfig.fromConfigName}. */
export interface ExistingLlmServiceConfigOptions {
  /**
   * The config's namespace: the services' or KServe's (`kserve`) for a cluster-wide preset.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/**
 * Props of an {@link LlmServiceConfig}: the service fields a preset sets
 * (shared with {@link LlmServiceProps}), and the pods' GPUs and placement.
 */
export interface LlmServiceConfigProps extends LlmServiceBaseProps {
  /**
   * GPUs per pod, with their node placement.
   *
   * @default - none
   */
  readonly accelerator?: Accelerator;

  /**
   * The node pool.
   *
   * @default - none
   */
  readonly nodePool?: GpuNodePool;

  /**
   * CPU and memory per pod.
   *
   * @default - none (the service's)
   */
  readonly resources?: ModelResources;
}

/**
 * Shared settings for many LLM services (`LLMInferenceServiceConfig`): one per
 * GPU type or model family, referenced through `LlmService` `config`.
 * KServe merges it after its own presets and before the service's own fields.
 *
 * @example
 * const h100 = new LlmServiceConfig(chart, 'vllm-h100', {
 *   accelerator: Accelerator.nvidiaGpu({ count: 8, product: GpuProduct.H100_80GB_HBM3 }),
 *   vllm: { gpuMemoryUtilization: 0.92 },
 * });
 */
export class LlmServiceConfig extends Construct implements ILlmServiceConfig {
  /**
   * A config that already exists in the cluster (e.g. one a platform team
   * installs in KServe's namespace), to reference from services without
   * writing it. Its contents are unknown here: a service referencing it is
   * checked with its own fields only.
   *
   * @param scope the scope
   * @param id the construct id
   * @param configName the LLMInferenceServiceConfig name
   * @param options where it is
   */
  public static fromConfigName(scope: Construct, id: string, configName: string, options: ExistingLlmServiceConfigOptions = {}): LlmServiceConfig {
    const props: LlmServiceConfigProps & { [EXISTING]?: boolean } = { name: configName, namespace: options?.namespace, [EXISTING]: true };
    return new LlmServiceConfig(scope, id, props);
  }

  /** The config name. */
  public readonly name: string;
  /** The namespace, if set. */
  public readonly namespace?: string;
  /**
   * The LLMInferenceServiceConfig (escape hatch); undefined for a config referenced by name.
   *
   * @default - none for a config referenced with `fromConfigName`
   */
  public readonly apiObject?: ApiObject;
  /** The accelerator the preset gives its services, if any. */
  public readonly accelerator?: Accelerator;
  /** The node pool the preset gives its services, if any. */
  public readonly nodePool?: GpuNodePool;
  /** The image the preset gives its services, if any. */
  public readonly image?: string;

  /** The preset's `vllm serve` flags (its container args), for services that add their own. */
  private readonly serverArgs: string[];

  constructor(scope: Construct, id: string, props: LlmServiceConfigProps = {}) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkReplacedLlmProps(this, props, 'an LlmServiceConfig');
    checkProps(this, props, {
      ...llmServiceBasePropTypes(),
      accelerator: { cls: Accelerator, use: 'Accelerator.nvidiaGpu(...), amdGpu(...) or custom(...)' },
      nodePool: { cls: GpuNodePool, use: 'GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)' },
      resources: 'struct',
      storageInitializer: 'boolean',
    }, [], 'LlmServiceConfigProps, e.g. { image, vllm }');
    this.name = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.name);
    if (props.namespace !== undefined) checkDns1123Label(this, 'namespace', props.namespace);
    this.namespace = props.namespace ?? chartNamespace(this);
    if (props.image !== undefined) checkImage(this, 'image', props.image);
    if ((props as { [EXISTING]?: boolean })[EXISTING]) {
      this.serverArgs = [];
      return;
    }
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'annotations', props.annotations);
    const ps = props.podSecurity ?? PodSecurity.restricted({ readOnlyRootFilesystem: false });
    if (!(ps instanceof PodSecurity)) fail(this, 'podSecurity', ps, 'is not a PodSecurity', 'use PodSecurity.restricted(...)');
    const args = resolveVllmArgs(this, 'vllm', props.vllm, props.args);
    this.serverArgs = args;
    this.accelerator = props.accelerator;
    this.nodePool = props.nodePool;
    this.image = props.image;
    const env = resolveEnvValues(this, props.envVariables, 'envVariables');
    const scheduling = props.accelerator
      ? props.accelerator._schedule(this, props.nodePool?._pool())
      : { placement: props.nodePool?._resolve() ?? { nodeSelector: {}, requiredNodeAffinity: [], tolerations: [] } };
    const resources = props.resources || props.accelerator
      ? resolveResources(this, 'resources', props.resources, scheduling.accelerator?.resources ?? {})
      : undefined;
    const spec: Record<string, unknown> = {
      template: llmPodSpec({
        image: props.image,
        args,
        env,
        security: ps._resolve(),
        resources,
        placement: scheduling.placement,
        serviceAccountName: serviceAccountName(this, 'serviceAccount', props.serviceAccount),
      }),
    };
    if (props.router !== undefined) {
      if (!(props.router instanceof LlmRouter)) fail(this, 'router', props.router, 'is not an LlmRouter', 'use LlmRouter.managed(), ...');
      const r = props.router._resolve().json;
      if (r) spec.router = r;
    }
    if (props.storageInitializer !== undefined) spec.storageInitializer = { enabled: props.storageInitializer };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'serving.kserve.io/v1alpha2',
      kind: 'LLMInferenceServiceConfig',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...standardLabels(this.name, 'llm-config'), ...(props.labels ?? {}) },
        annotations: props.annotations,
      },
      spec,
    });
  }

  /** @internal the preset's `vllm serve` flags. */
  public _serverArgs(): string[] {
    return [...this.serverArgs];
  }
}

