import { Duration } from 'cdk8s';
import { EnvValue, IServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RolloutAnalysis } from './analysis';
import {
  EngineContext, IRolloutEngine, registerRolloutNetwork, ResolvedAbTestPlan, ResolvedGatewayRouting, ResolvedRollout, RolloutEngine,
} from './engines/engine';
import { checkInteger, fail, withScope } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { sameJson } from '../internal/k8s';
import { checkDns1035, nameFromId } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { secondsOf } from '../internal/units';
import { ModelResources } from '../model/components';
import { CustomServer } from '../model/custom-server';
import { ModelFormat } from '../model/format';
import { InferenceProtocol } from '../model/protocol';
import { ServedModel, ServedModelProps } from '../model/served-model';
import { IServedModel } from '../model/served-model-ref';
import { ModelStorage } from '../model/storage';
import { checkExposure } from '../platforms/gateway-route';
import { IServingRuntime } from '../runtime/runtime-ref';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';
import { AbTest } from '../traffic/header-match';
import { LoadTest } from '../traffic/load-test';
import { TrafficRouter } from '../traffic/traffic-router';

/**
 * What changes in the candidate: each prop given replaces the stable model's
 * (arrays and maps are replaced, not merged); the rest is inherited.
 */
export interface CandidateProps {
  /**
   * Where the candidate's model files are.
   *
   * @default - the stable model's storage
   */
  readonly storage?: ModelStorage;

  /**
   * The candidate's model format.
   *
   * @default - the stable model's format
   */
  readonly format?: ModelFormat;

  /**
   * The candidate's inference protocol (callers must speak it).
   *
   * @default - the stable model's protocol
   */
  readonly protocol?: InferenceProtocol;

  /**
   * The serving runtime (KServe).
   *
   * @default - the stable model's runtime
   */
  readonly runtime?: IServingRuntime;

  /**
   * Pins the runtime's image to this tag (or digest).
   *
   * @default - the stable model's runtimeVersion
   */
  readonly runtimeVersion?: string;

  /**
   * Replaces the runtime's image.
   *
   * @default - the stable model's runtimeImage
   */
  readonly runtimeImage?: string;

  /**
   * Your own model server, in place of a runtime.
   *
   * @default - the stable model's server
   */
  readonly server?: CustomServer;

  /**
   * Extra arguments for the model server (replace the stable model's).
   *
   * @default - the stable model's args
   */
  readonly args?: string[];

  /**
   * Environment variables (replace the stable model's `envVariables`).
   *
   * @default - the stable model's envVariables
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * CPU and memory per replica.
   *
   * @default - the stable model's resources
   */
  readonly resources?: ModelResources;

  /**
   * GPUs or other accelerators per replica.
   *
   * @default - the stable model's accelerator
   */
  readonly accelerator?: Accelerator;

  /**
   * The node pool to run on.
   *
   * @default - the stable model's node pool
   */
  readonly nodePool?: GpuNodePool;

  /**
   * The service account (e.g. other storage credentials).
   *
   * @default - the stable model's service account
   */
  readonly serviceAccount?: IServiceAccount;
}

/** Props of a {@link CanaryRollout}. */
export interface CanaryRolloutProps {
  /** The stable model (a {@link ServedModel}). Its platform decides the engine. */
  readonly model: IServedModel;

  /**
   * The new model, as overrides of the stable model's props.
   *
   * @default - none: steady state. Only the engine's resources are written
   * (Flagger and Argo Rollouts must know the stable version before a
   * candidate appears, or they would promote the candidate unanalysed).
   */
  readonly candidate?: CandidateProps;

  /**
   * Percent of traffic per step, strictly increasing, each from 1 to 99;
   * 100 follows the last step.
   *
   * @default - none: required unless `abTest` routes by header instead
   */
  readonly steps?: number[];

  /**
   * The rollout engine, where the platform offers more than one: on
   * `ServingPlatform.kubernetesDeployment()`, Argo Rollouts (the default) or
   * Flagger (`gatewayapi:v1` provider; needs `trafficRouter`).
   *
   * @default - the platform's engine: KServe's canary on KServe, Flagger on a Knative Service, Argo Rollouts on a Deployment
   */
  readonly engine?: RolloutEngine;

  /**
   * What splits the traffic. `TrafficRouter.gatewayApi()` makes each step a
   * real share of the requests through a Gateway (Flagger `gatewayapi:v1`,
   * Argo Rollouts' Gateway API plugin); Deployment platform only.
   *
   * @default - the platform's own split: revisions on KServe and Knative, replica counts with Argo Rollouts
   */
  readonly trafficRouter?: TrafficRouter;

  /**
   * A header or cookie A/B test instead of weight steps: matching requests
   * go to the candidate, with the same analysis and rollback, then it is
   * promoted. Needs `trafficRouter: TrafficRouter.gatewayApi()`.
   *
   * @default - weight steps
   */
  readonly abTest?: AbTest;

  /**
   * Requests sent to the candidate while it is analysed, for models that
   * get too little traffic to judge (above all those that scale to zero:
   * without requests the analysis halts). Flagger runs it through its load
   * tester, Argo Rollouts as a Job metric. Needs an analysis.
   *
   * @default - none: the candidate is judged on real traffic only
   */
  readonly loadTest?: LoadTest;

  /**
   * How long each step lasts before the next.
   *
   * @default Duration.minutes(5)
   */
  readonly stepInterval?: Duration;

  /**
   * How the candidate is judged.
   *
   * @default - no analysis: Flagger and Argo advance on time alone; KServe writes no alerts
   */
  readonly analysis?: RolloutAnalysis;

  /**
   * Fail at synth unless an engine rolls a degraded candidate back on its
   * own (Flagger or Argo Rollouts, with an analysis).
   *
   * @default false
   */
  readonly requireAutomaticRollback?: boolean;

  /**
   * KServe only (you move the steps): the step the candidate is at, 0 for
   * the first; `steps.length` sends it 100%.
   *
   * @default 0
   */
  readonly currentStep?: number;

  /**
   * KServe only: send the candidate 0% (the stable model takes all traffic again).
   *
   * @default false
   */
  readonly rollback?: boolean;

  /**
   * The rollout's name (KServe Standard mode names the canary entry with it).
   *
   * @default - derived from the construct id
   */
  readonly name?: string;
}

/**
 * Rolls a new model out like code: a small share of traffic first, then more
 * step by step while latency, errors and prediction quality are watched, and
 * back to the stable model when the candidate degrades. Who acts depends on
 * the model's platform; the library runs no controller of its own.
 *
 * - `ServingPlatform.kserve()` (Knative mode): the InferenceService shows the
 *   candidate with `canaryTrafficPercent` (the current step) and tag routing
 *   (`latest-` and `prev-` URLs). KServe does NOT roll back on metrics: the
 *   analysis becomes a `PrometheusRule` that pages someone, who promotes
 *   (`currentStep`) or rolls back (`rollback: true`, 0%) in code. The
 *   InferenceService carries the annotation
 *   `canary.model-serving.cdk8s.io/rollback: manual: ...` saying so.
 * - `ServingPlatform.kserveStandard()`: the same, with a `spec.canary[]` entry
 *   (named after the rollout) instead of `canaryTrafficPercent`.
 * - `ServingPlatform.knativeService()`: a Flagger `Canary` (provider
 *   `knative`); the Knative Service renders the candidate, Flagger shifts
 *   traffic between its revisions, promotes, and rolls back on its own.
 * - `ServingPlatform.kubernetesDeployment()`: an Argo Rollouts `Rollout` that
 *   takes over the Deployment (`workloadRef`), with `AnalysisTemplate`s; Argo
 *   promotes and rolls back on its own. Weights are approximated by replica
 *   counts, unless `trafficRouter: TrafficRouter.gatewayApi()` splits the
 *   requests through a Gateway (Argo's Gateway API plugin, or Flagger's
 *   `gatewayapi:v1` provider with `engine: RolloutEngine.FLAGGER`), which
 *   also allows header A/B tests (`abTest`).
 *
 * Workflow: apply the rollout without `candidate` first (steady state), then
 * add `candidate`; once promoted, move the candidate's props into the model
 * and drop `candidate`.
 *
 * @example
 * new CanaryRollout(chart, 'fraud-v8', {
 *   model: fraudDetector,
 *   candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
 *   steps: [5, 25, 50],
 *   stepInterval: Duration.minutes(5),
 *   analysis: RolloutAnalysis.prometheus({
 *     address: 'http://prometheus.monitoring:9090',
 *     maxLatencyP99: Duration.millis(250),
 *     minSuccessRate: 99,
 *   }),
 * });
 */
export class CanaryRollout extends Construct {
  /** The rollout's name. */
  public readonly name: string;
  /** The stable model. */
  public readonly model: IServedModel;
  /** The engine that moves traffic. */
  public readonly engine: RolloutEngine;
  /** Whether an engine rolls a degraded candidate back on its own (Flagger or Argo Rollouts with an analysis). */
  public readonly automaticRollback: boolean;
  /** The candidate's share of traffic now (KServe: the current step, 0 when rolled back; Flagger/Argo: the first step). */
  public readonly trafficPercent: number;

  private readonly stepList: number[];
  private readonly current: number;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, {
      model: { cls: ServedModel, use: 'the stable ServedModel' },
      candidate: 'struct',
      steps: 'numbers',
      engine: { oneOf: RolloutEngine, name: 'RolloutEngine' },
      trafficRouter: { cls: TrafficRouter, use: 'TrafficRouter.gatewayApi(...) or TrafficRouter.DEFAULT' },
      abTest: { cls: AbTest, use: 'AbTest.headers(...)' },
      loadTest: { cls: LoadTest, use: 'LoadTest.hey(...)' },
      stepInterval: { cls: Duration, use: 'Duration.minutes(n) from cdk8s' },
      analysis: { cls: RolloutAnalysis, use: 'RolloutAnalysis.prometheus(...)' },
      requireAutomaticRollback: 'boolean',
      currentStep: 'number',
      rollback: 'boolean',
      name: 'string',
    }, ['model'], 'CanaryRolloutProps, e.g. { model, candidate, steps }');
    const model = props.model;
    if (!ServedModel.isServedModel(model)) fail(this, 'model', undefined, 'is missing', 'give the stable ServedModel');
    this.model = model;
    this.name = props.name ?? nameFromId(id);
    checkDns1035(this, 'name', this.name);
    if (props.abTest !== undefined && props.steps !== undefined) {
      fail(this, 'steps', props.steps, 'is set as well as abTest', 'use weight steps or a header A/B test, not both');
    }
    if (props.abTest !== undefined && !(props.abTest instanceof AbTest)) {
      fail(this, 'abTest', props.abTest, 'is not an AbTest', 'use AbTest.headers({ matches: [...] })');
    }
    this.stepList = props.abTest !== undefined ? [] : checkSteps(this, props.steps as number[]);
    const stepIntervalSeconds = secondsOf(props.stepInterval ?? Duration.minutes(5));
    if (!Number.isInteger(stepIntervalSeconds) || stepIntervalSeconds < 10 || stepIntervalSeconds > 86400) {
      fail(this, 'stepInterval', `${stepIntervalSeconds}s`, 'is out of range', 'use whole seconds from 10 seconds to 24 hours');
    }

    const engine = selectEngine(this, model, props.engine);
    this.engine = engine.engine;
    const gateway = resolveRouting(this, model, engine, props.trafficRouter);
    const abTest = resolveAbTest(this, engine, gateway, props.abTest, stepIntervalSeconds);
    const analysis = props.analysis === undefined ? undefined : withScope(this, 'analysis', () => props.analysis!._resolve());
    this.automaticRollback = engine.rollsBack && analysis !== undefined;
    if (props.requireAutomaticRollback && !engine.rollsBack) {
      fail(this, 'requireAutomaticRollback', true, `cannot be met: no engine rolls back automatically on ${model.platform._compiler.displayName}`,
        'use ServingPlatform.knativeService() (Flagger) or ServingPlatform.kubernetesDeployment() (Argo Rollouts), or accept alert-driven manual rollback');
    }
    if (props.requireAutomaticRollback && !analysis) {
      fail(this, 'analysis', undefined, 'is missing but requireAutomaticRollback is set', 'give an analysis for the engine to roll back on');
    }
    const scoped = analysis?.checks.filter((c) => c.candidateQuery !== undefined).map((c) => c.name) ?? [];
    if (scoped.length > 0 && !engine.scopesChecksToCandidate) {
      fail(this, 'analysis.checks', scoped, `need the candidate's pods, which ${engine.description} cannot select in a query`,
        'use MetricCheck.max/min/between with your own PromQL, or ServingPlatform.kubernetesDeployment() (Argo Rollouts or Flagger)');
    }
    if (analysis && analysis.intervalSeconds > stepIntervalSeconds) {
      fail(this, 'analysis.interval', `${analysis.intervalSeconds}s`, `is longer than stepInterval (${stepIntervalSeconds}s)`,
        'check at least once per step: use an interval <= stepInterval');
    }

    checkInteger(this, 'currentStep', props.currentStep, 0, this.stepList.length);
    if (!engine.manualSteps && (props.currentStep !== undefined || props.rollback !== undefined)) {
      fail(this, props.currentStep !== undefined ? 'currentStep' : 'rollback', props.currentStep ?? props.rollback,
        `is set, but ${engine.engine} moves the steps and rolls back on its own`, 'remove it (use the engine\'s CLI to promote or abort by hand)');
    }
    this.current = props.currentStep ?? 0;
    // A header A/B test moves no weight: the candidate takes only matching requests.
    this.trafficPercent = props.rollback || abTest ? 0 : this.promoteStep(this.current);

    const overrides = candidateOverrides(props.candidate);
    if (overrides) {
      if (sameJson(model._stableSpec(), model._resolveWith(this, overrides))) {
        fail(this, 'candidate', Object.keys(overrides).sort(), 'resolves to the same model as the stable one',
          'change storage, format, runtimeVersion, runtimeImage, server or another prop, or drop candidate for the steady state');
      }
    }
    model._attachRollout({
      scope: this, name: this.name, candidate: overrides, trafficPercent: this.trafficPercent, renderCandidate: engine.rendersCandidate,
    });

    const rollout: ResolvedRollout = {
      name: this.name,
      steps: this.stepList,
      stepIntervalSeconds,
      analysis,
      trafficPercent: this.trafficPercent,
      hasCandidate: overrides !== undefined,
      gateway,
      abTest,
      loadTest: resolveLoadTest(this, model, engine, gateway, props.loadTest, analysis !== undefined),
    };
    const ctx: EngineContext = { scope: this, model, rollout };
    engine.validate(ctx);
    engine.build(ctx);
    // What a NetworkPolicy of the model must select and admit while the engine drives it.
    registerRolloutNetwork(model, { scope: this, access: engine.networkAccess?.(ctx) });
  }

  /** The traffic percent per step, as given. */
  public get steps(): number[] {
    return [...this.stepList];
  }

  /** The whole schedule: the steps, then 100. */
  public get schedule(): number[] {
    return [...this.stepList, 100];
  }

  /**
   * The traffic percent of step `index` (0 = first step; `steps.length` = 100,
   * promoted). Set `currentStep` to it to promote on KServe.
   * @param index the step index (0-based); `steps.length` means 100%
   */
  public promoteStep(index: number): number {
    checkInteger(this, 'promoteStep index', index, 0, this.stepList.length);
    return this.schedule[index];
  }

  /** The traffic percent of the step after the current one (100 at the end). */
  public get nextTrafficPercent(): number {
    return this.schedule[Math.min(this.current + 1, this.stepList.length)];
  }

}

/** The platform's engine, or the one asked for among those the platform offers. */
function selectEngine(scope: Construct, model: ServedModel, wanted: RolloutEngine | undefined): IRolloutEngine {
  const engines = model.platform._compiler.capabilities.rolloutEngines;
  if (engines.length === 0) {
    fail(scope, 'model.platform', model.platform.id, 'has no canary rollout engine',
      'use ServingPlatform.kserve(), kserveStandard(), knativeService() or kubernetesDeployment()');
  }
  if (wanted === undefined) return engines[0];
  const engine = engines.find((e) => e.engine === wanted);
  if (!engine) {
    fail(scope, 'engine', wanted, `is not available on ${model.platform._compiler.displayName}`,
      `use ${engines.map((e) => `RolloutEngine.${enumKey(e.engine)}`).join(' or ')}`);
  }
  return engine;
}

function enumKey(engine: RolloutEngine): string {
  return Object.entries(RolloutEngine).find(([, v]) => v === engine)?.[0] ?? String(engine);
}

/** The route a Gateway API router splits: the router's own exposure, else the model's. */
function resolveRouting(scope: Construct, model: ServedModel, engine: IRolloutEngine,
  router: TrafficRouter | undefined): ResolvedGatewayRouting | undefined {
  if (router === undefined) {
    if (engine.requiresRouter) {
      fail(scope, 'trafficRouter', undefined, `is required by ${engine.description}`,
        'set trafficRouter: TrafficRouter.gatewayApi() (with the model\'s gateway), or use RolloutEngine.ARGO_ROLLOUTS');
    }
    return undefined;
  }
  if (!(router instanceof TrafficRouter)) fail(scope, 'trafficRouter', router, 'is not a TrafficRouter', 'use TrafficRouter.gatewayApi()');
  if (!engine.gatewayRouting) {
    fail(scope, 'trafficRouter', 'gateway-api', `is not available with ${engine.description}, which splits traffic on its own`,
      'drop trafficRouter, or serve the model with ServingPlatform.kubernetesDeployment() and a gateway');
  }
  const r = router._resolve();
  const own = model._gateway();
  if (r.gateway && own) {
    fail(scope, 'trafficRouter.gateway', r.gateway.hostnames, 'is set as well as the model\'s gateway', 'give the Gateway once: on the model (gateway) or on the router');
  }
  const compiler = model.platform._compiler;
  const backend = own?.backend ?? compiler.gatewayBackend?.(model._stableSpec());
  const exposure = r.gateway ?? own?.exposure;
  if (!exposure || !backend) {
    fail(scope, 'trafficRouter', 'gateway-api', 'has no gateway to route through',
      'expose the model with gateway: GatewayExposure.route({ gateways: [GatewayRef.of(...)] }), or give TrafficRouter.gatewayApi({ gateway })');
  }
  if (r.gateway) checkExposure(scope, r.gateway, backend, model.namespace);
  return { exposure, backend, fromModel: own !== undefined };
}

/**
 * A load test and the URL it targets: the candidate's own Service where the
 * engine has one (`<name>-canary` of Flagger on a Deployment and of Argo's
 * Gateway routing), else the model's URL, which the engine splits.
 */
function resolveLoadTest(scope: Construct, model: ServedModel, engine: IRolloutEngine, gateway: ResolvedGatewayRouting | undefined,
  loadTest: LoadTest | undefined, hasAnalysis: boolean): ResolvedRollout['loadTest'] {
  if (loadTest === undefined) return undefined;
  if (!(loadTest instanceof LoadTest)) fail(scope, 'loadTest', loadTest, 'is not a LoadTest', 'use LoadTest.hey({...})');
  if (!engine.rollsBack) {
    fail(scope, 'loadTest', 'hey', `cannot run on ${engine.description}, which has no analysis runner`,
      'drop it and send traffic yourself, or use Flagger or Argo Rollouts');
  }
  if (!hasAnalysis) fail(scope, 'loadTest', 'hey', 'is set without an analysis: nothing would judge the traffic it sends', 'give analysis too');
  if (model.protocol.grpc) {
    fail(scope, 'loadTest', 'hey', `sends HTTP requests, but the model speaks ${model.protocol.version}`, 'drop it, or serve the model over REST');
  }
  const t = loadTest._resolve();
  const path = t.path ?? model.inferPath;
  // Flagger on a Deployment and Argo with a router have a Service of the candidate's pods alone.
  const canaryService = gateway !== undefined;
  const host = canaryService ? `${model.name}-canary.${model.namespace ?? 'default'}.svc.cluster.local` : model.hostname;
  return { test: t, url: `http://${host}${path}` };
}

/** An A/B test, checked against the engine and turned into a number of step intervals. */
function resolveAbTest(scope: Construct, engine: IRolloutEngine, gateway: ResolvedGatewayRouting | undefined, ab: AbTest | undefined,
  stepIntervalSeconds: number): ResolvedAbTestPlan | undefined {
  if (ab === undefined) return undefined;
  const r = ab._resolve();
  const names = r.matches.map((m) => m.name);
  if (!engine.gatewayRouting) {
    fail(scope, 'abTest', names, `cannot be routed by ${engine.description}, which splits by weight only`,
      'use weight steps, or ServingPlatform.kubernetesDeployment() with a gateway and trafficRouter: TrafficRouter.gatewayApi()');
  }
  if (!gateway) {
    fail(scope, 'abTest', names, `needs a traffic router that matches headers; ${engine.description} alone splits by replica counts`,
      'set trafficRouter: TrafficRouter.gatewayApi() (with the model\'s gateway)');
  }
  const seconds = r.durationSeconds ?? 10 * stepIntervalSeconds;
  if (seconds % stepIntervalSeconds !== 0) {
    fail(scope, 'abTest.duration', `${seconds}s`, `is not a whole number of step intervals (${stepIntervalSeconds}s)`,
      'use a multiple of stepInterval');
  }
  return { ...r, iterations: seconds / stepIntervalSeconds };
}

function checkSteps(scope: Construct, steps: number[]): number[] {
  if (!Array.isArray(steps) || steps.length === 0) {
    fail(scope, 'steps', steps, 'is empty', 'give at least one traffic percent, e.g. [5, 25, 50]');
  }
  if (steps.length > 20) fail(scope, 'steps', steps, `has ${steps.length} steps`, 'use at most 20');
  steps.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > 99) {
      fail(scope, `steps[${i}]`, s, 'is outside 1..99', 'use whole percentages from 1 to 99 (100 follows the last step)');
    }
    if (i > 0 && s <= steps[i - 1]) {
      fail(scope, `steps[${i}]`, s, `is not above the step before (${steps[i - 1]})`, 'make the steps strictly increasing');
    }
  });
  return [...steps];
}

/** The candidate's given props (undefined ones dropped so they inherit), or undefined without a candidate. */
function candidateOverrides(candidate: CandidateProps | undefined): Partial<ServedModelProps> | undefined {
  if (candidate === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(candidate)) if (v !== undefined) out[k] = v;
  return out as Partial<ServedModelProps>;
}
