import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { compact } from '../../internal/k8s';
import { standardLabels } from '../../internal/labels';
import type { ServedModel } from '../../model/served-model';
import { GatewayBackend, ResolvedGatewayExposure } from '../../traffic/gateway-exposure';
import { ResolvedAbTest } from '../../traffic/header-match';
import { ResolvedLoadTest } from '../../traffic/load-test';
import { ResolvedAnalysis } from '../analysis';

/** The engine that moves traffic from the stable model to the candidate. */
export enum RolloutEngine {
  /** KServe's own canary (`canaryTrafficPercent` or `spec.canary[]`): steps are applied by you; no automatic rollback. */
  KSERVE_CANARY = 'kserve-canary',
  /** Flagger (`flagger.app/v1beta1` Canary) on a Knative Service: promotes and rolls back on its own. */
  FLAGGER = 'flagger',
  /** Argo Rollouts (`argoproj.io/v1alpha1` Rollout) over a Deployment: promotes and rolls back on its own. */
  ARGO_ROLLOUTS = 'argo-rollouts',
}

/** The annotation that says, in the synthesized output, who acts on the analysis. */
export const ROLLBACK_ANNOTATION = 'canary.model-serving.cdk8s.io/rollback';
/** The annotation that says how traffic is split. */
export const TRAFFIC_ANNOTATION = 'canary.model-serving.cdk8s.io/traffic-split';

/** A rollout after validation: what every engine reads. */
export interface ResolvedRollout {
  /** The rollout's name (a DNS label). */
  readonly name: string;
  /** Traffic percent per step, strictly increasing, each 1..99 (100 follows). */
  readonly steps: number[];
  readonly stepIntervalSeconds: number;
  readonly analysis?: ResolvedAnalysis;
  /** The candidate's share now (KServe; 0 = rolled back). */
  readonly trafficPercent: number;
  /** Whether a candidate is declared (else: steady state, engine resources only). */
  readonly hasCandidate: boolean;
  /** Gateway API routing (`TrafficRouter.gatewayApi()`), with the route it splits. */
  readonly gateway?: ResolvedGatewayRouting;
  /** A header A/B test instead of weight steps (`steps` is then empty). */
  readonly abTest?: ResolvedAbTestPlan;
  /** Requests sent to the candidate during the analysis, with the URL they go to. */
  readonly loadTest?: { readonly test: ResolvedLoadTest; readonly url: string };
}

/** The route a Gateway API router splits. */
export interface ResolvedGatewayRouting {
  readonly exposure: ResolvedGatewayExposure;
  /** The model's Service the route targets. */
  readonly backend: GatewayBackend;
  /** Whether the model itself wrote the route (its `gateway` prop), else the router's `gateway` option. */
  readonly fromModel: boolean;
}

/** An A/B test with its length in step intervals. */
export interface ResolvedAbTestPlan extends ResolvedAbTest {
  /** How many step intervals the candidate takes matching requests before promotion. */
  readonly iterations: number;
}

/** What an engine builds from. */
export interface EngineContext {
  /** The CanaryRollout construct: documents go under it. */
  readonly scope: Construct;
  readonly model: ServedModel;
  readonly rollout: ResolvedRollout;
}

/**
 * One rollout engine. The model's platform compiler lists the engines it
 * offers (`capabilities.rolloutEngines`); nothing switches on platforms.
 */
export interface IRolloutEngine {
  readonly engine: RolloutEngine;
  /** Whether the engine itself rolls back a degraded candidate. */
  readonly rollsBack: boolean;
  /**
   * true: the model's documents show the candidate and the engine shifts
   * traffic between the old and new revision; false: the platform renders
   * stable and candidate side by side (`ModelSpec.canary`).
   */
  readonly rendersCandidate: boolean;
  /** Whether you move the steps (KServe) rather than the engine (`currentStep`, `rollback`). */
  readonly manualSteps: boolean;
  /** Whether it splits traffic with a Gateway API router (`TrafficRouter.gatewayApi()`). */
  readonly gatewayRouting: boolean;
  /** Whether it runs only with a Gateway API router (Flagger on a Deployment: no router, no split). */
  readonly requiresRouter: boolean;
  /** Whether its queries can select the candidate's pods, which typed ServingChecks need. */
  readonly scopesChecksToCandidate: boolean;
  /** What a user reads in errors about this engine, e.g. `Flagger (knative provider)`. */
  readonly description: string;
  /** Engine rules on top of the rollout's own; throws ModelServingError. */
  validate(ctx: EngineContext): void;
  /** Creates the engine's documents under `ctx.scope`. */
  build(ctx: EngineContext): void;
  /**
   * Who reaches the model's pods while the engine drives the rollout, for a
   * `ModelNetworkPolicy`; undefined: the model's own pods, and no caller
   * beyond the model's (traffic arrives through the platform's ingress).
   */
  networkAccess?(ctx: EngineContext): RolloutNetworkAccess;
}

/** A label selector of the pods that serve a model (a NetworkPolicy's `podSelector`). */
export interface ServingPodSelector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions?: Array<{ readonly key: string; readonly operator: 'In'; readonly values: string[] }>;
}

/** A caller an engine sends to the model's pods. */
export interface RolloutTrafficSource {
  /** What it is, for error messages, e.g. `the load tester`. */
  readonly what: string;
  /** Its namespace; undefined: the model's. */
  readonly namespace?: string;
  /** Its pods' labels; undefined: every pod of the namespace. */
  readonly podLabels?: Record<string, string>;
  /** Why its namespace cannot be known at synth (a policy then fails instead of guessing). */
  readonly unknown?: string;
}

/** What a NetworkPolicy of a rolled-out model must select and admit. */
export interface RolloutNetworkAccess {
  /** The callers the engine adds: the Gateways it routes through, its load tester. */
  readonly sources: RolloutTrafficSource[];
  /**
   * The pods that serve during and after the rollout, from the labels the
   * platform gives the model's own pods; undefined: those pods.
   */
  servingPods?(modelPods: Record<string, string>): ServingPodSelector;
}

/** A model's rollout as its NetworkPolicy sees it: the rollout construct (errors name it) and the engine's access. */
export interface RolloutNetwork {
  readonly scope: IConstruct;
  readonly access?: RolloutNetworkAccess;
}

/**
 * The rollout of each model (a model has at most one), registered by the
 * rollout: a model's NetworkPolicy finds it without walking the whole app
 * once per policy (quadratic in a fleet).
 */
const ROLLOUT_NETWORKS = new WeakMap<ServedModel, RolloutNetwork>();

/** Records what a model's rollout adds to its network paths. */
export function registerRolloutNetwork(model: ServedModel, network: RolloutNetwork): void {
  ROLLOUT_NETWORKS.set(model, network);
}

/** What the model's rollout adds to its network paths; undefined without a rollout. */
export function rolloutNetworkOf(model: ServedModel): RolloutNetwork | undefined {
  return ROLLOUT_NETWORKS.get(model);
}

/**
 * The callers behind a Gateway API route: each Gateway's proxies, which
 * Istio, kgateway, NGINX Gateway Fabric (and Envoy Gateway in its
 * GatewayNamespace mode) run in the Gateway's namespace. A Gateway without a
 * namespace is in the route's.
 */
export function gatewaySources(exposure: ResolvedGatewayExposure, modelNamespace: string | undefined): RolloutTrafficSource[] {
  return exposure.gateways.map((g) => ({ what: `Gateway ${g.name}`, namespace: g.namespace ?? exposure.routeNamespace ?? modelNamespace }));
}

/** Labels for the engine's documents. */
function rolloutLabels(model: ServedModel): Record<string, string> {
  return standardLabels(model.name, 'canary-rollout');
}

/** Adds one engine document under the rollout. */
export function engineDocument(ctx: EngineContext, id: string, apiVersion: string, kind: string, name: string,
  body: Record<string, unknown>, annotations?: Record<string, string>): ApiObject {
  return new ApiObject(ctx.scope, id, {
    apiVersion,
    kind,
    metadata: compact({ name, namespace: ctx.model.namespace, labels: rolloutLabels(ctx.model), annotations }),
    ...compact(body),
  });
}

/** A PromQL label matcher list, without empty values. */
export function matchers(pairs: Array<[string, string, string | undefined]>): string {
  return pairs.filter(([, , v]) => v !== undefined).map(([k, op, v]) => `${k}${op}"${v}"`).join(',');
}
