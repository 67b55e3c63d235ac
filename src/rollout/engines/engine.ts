import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
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
