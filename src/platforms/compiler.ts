import { IConstruct } from 'constructs';
import { ErrorScope } from '../internal/errors';
import { DerivedObject } from '../internal/identity';
import type { ModelSpec } from '../model/model-spec';
import type { IRolloutEngine } from '../rollout/engines/engine';
import type { GatewayBackend } from '../traffic/gateway-exposure';

/** One document a platform emits for a model; its body is computed at synth from the final spec. */
export interface PlannedDocument {
  /** Construct id; the main document uses `Resource`. */
  readonly id: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /**
   * The document's namespace when it is not the model's (a Gateway route
   * attached from the Gateway's namespace).
   */
  readonly namespace?: string;
  /** The document's `spec`, built at synth from the model's final spec. */
  spec(spec: ModelSpec): Record<string, unknown>;
  /** Extra labels for this document's metadata. */
  labels?(spec: ModelSpec): Record<string, string>;
  /** Annotations for this document's metadata (user annotations are added on the main document). */
  annotations?(spec: ModelSpec): Record<string, string>;
}

/** Where callers reach a served model. */
export interface ModelEndpoint {
  /** In-cluster host name. */
  readonly hostname: string;
  /** Base URL callers use. */
  readonly url: string;
}

/**
 * What a platform offers around a served model. Constructs ask these; they
 * never test a platform's id.
 */
export interface PlatformCapabilities {
  /** KServe ServingRuntimes and ClusterServingRuntimes can serve the model (`runtime`). */
  readonly servingRuntimes: boolean;
  /** A KServe LocalModelCache can pre-load the model's files on its nodes (`modelCache`). */
  readonly modelCaches: boolean;
  /**
   * The model is an InferenceService an InferenceGraph can route to, and the
   * graph deployment mode that matches its own; undefined when it is not one.
   */
  readonly inferenceGraphMode?: 'Knative' | 'Standard';
  /** The canary rollout engines that can drive the model's traffic, the default first; none when it cannot be rolled out. */
  readonly rolloutEngines: readonly IRolloutEngine[];
}

/**
 * Turns a {@link ModelSpec} into the documents of one engine. Adding a
 * platform is adding one implementation; nothing else switches on platforms.
 */
export interface IPlatformCompiler {
  /** A stable id, e.g. `kserve`, `kserve-standard`. */
  readonly id: string;
  /** Human name used in messages. */
  readonly displayName: string;
  /** Whether the pods run under Knative (feature flags, KPA metrics apply). */
  readonly knative: boolean;
  /** What the platform offers around the model (runtimes, caches, graphs, rollouts). */
  readonly capabilities: PlatformCapabilities;
  /** Platform rules on top of the spec's own checks; throws ModelServingError. */
  validate(scope: IConstruct, spec: ModelSpec): void;
  /** The documents, fixed at construction; bodies resolve at synth. */
  plan(spec: ModelSpec): PlannedDocument[];
  /** The model's in-cluster endpoint. */
  endpoint(spec: ModelSpec): ModelEndpoint;
  /** Labels that select the model's serving pods (for NetworkPolicies); default `app.kubernetes.io/name`. */
  podSelector?(spec: ModelSpec): Record<string, string>;
  /**
   * The Service a Gateway API route may point at, on platforms whose routes
   * the library writes (undefined where none can be: Knative routes through
   * its own ingress, KServe finds gRPC ports at runtime).
   */
  gatewayBackend?(spec: ModelSpec): GatewayBackend | undefined;
  /**
   * Objects the engine creates from the model's documents (the Service a
   * Knative Service or an InferenceService gets): the app checks that no
   * other document has the same identity.
   */
  derivedObjects?(spec: ModelSpec): DerivedObject[];
  /** The Knative `config-features` flags the rendered pods need, sorted, without duplicates (Knative platforms only). */
  knativeFlags?(spec: ModelSpec): string[];
}

/**
 * The in-cluster endpoint every platform gives a model: a Service named
 * after it in its namespace (KServe and Knative create one, the Deployment
 * platform writes it).
 */
export function clusterEndpoint(spec: ModelSpec): ModelEndpoint {
  // A model without a namespace is applied to kubectl's current namespace,
  // which synth cannot know: name `default`, the one a fresh context uses.
  const hostname = `${spec.name}.${spec.namespace ?? 'default'}.svc.cluster.local`;
  return { hostname, url: `http://${hostname}` };
}

/**
 * What a compiler derives from a resolved spec (the autoscaler, the model
 * server, the pod), decided once per spec: validation, the plan and every
 * document read the same decision. A resolved spec never changes; `addEnv`
 * or a rollout resolves a new spec, and so a new decision.
 */
export class PerSpec<T> {
  private readonly decided = new WeakMap<ModelSpec, T>();

  /** @param decide builds the decision; its errors name `scope` */
  constructor(private readonly decide: (scope: ErrorScope, spec: ModelSpec) => T) {}

  /**
   * The decision for `spec`. Validation asks first, with the construct as
   * `scope`, so a decision that fails does so with the construct's path.
   */
  public of(scope: ErrorScope, spec: ModelSpec): T {
    let d = this.decided.get(spec);
    if (d === undefined) {
      d = this.decide(scope, spec);
      this.decided.set(spec, d);
    }
    return d;
  }
}
