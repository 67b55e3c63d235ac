import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { RolloutAnalysis } from './analysis';
import { ArgoRolloutsEngine } from './engines/argo';
import { EngineContext, IRolloutEngine, ResolvedRollout, RolloutEngine } from './engines/engine';
import { FlaggerEngine } from './engines/flagger';
import { KServeKnativeEngine } from './engines/kserve-knative';
import { KServeStandardEngine } from './engines/kserve-standard';
import { checkInteger, fail, requireProps, withScope } from '../internal/errors';
import { sameJson } from '../internal/k8s';
import { checkDns1035, nameFromId } from '../internal/names';
import { secondsOf } from '../internal/units';
import { ModelContainer, ModelResources } from '../model/components';
import { ModelFormat } from '../model/format';
import { InferenceProtocol } from '../model/protocol';
import { ServedModel, ServedModelProps } from '../model/served-model';
import { ModelStorage } from '../model/storage';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';

/**
 * The engines, keyed by the id of the model's platform compiler. Adding a
 * platform's rollout is adding one entry here.
 */
const ENGINES: Record<string, IRolloutEngine> = {
  'kserve': new KServeKnativeEngine(),
  'kserve-standard': new KServeStandardEngine(),
  'knative-service': new FlaggerEngine(),
  'kubernetes-deployment': new ArgoRolloutsEngine(),
};

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
   * The ServingRuntime name.
   *
   * @default - the stable model's runtime
   */
  readonly runtime?: string;

  /**
   * The runtime's image tag.
   *
   * @default - the stable model's runtimeVersion
   */
  readonly runtimeVersion?: string;

  /**
   * A custom model server container.
   *
   * @default - the stable model's container
   */
  readonly container?: ModelContainer;

  /**
   * Extra arguments for the model server (replace the stable model's).
   *
   * @default - the stable model's args
   */
  readonly args?: string[];

  /**
   * Environment variables (replace the stable model's `env`).
   *
   * @default - the stable model's env
   */
  readonly env?: Record<string, string>;

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
  readonly serviceAccountName?: string;
}

/** Props of a {@link CanaryRollout}. */
export interface CanaryRolloutProps {
  /** The stable model. Its platform decides the engine. */
  readonly model: ServedModel;

  /**
   * The new model, as overrides of the stable model's props.
   *
   * @default - none: steady state. Only the engine's resources are written
   * (Flagger and Argo Rollouts must know the stable version before a
   * candidate appears, or they would promote the candidate unanalysed).
   */
  readonly candidate?: CandidateProps;

  /** Percent of traffic per step, strictly increasing, each from 1 to 99; 100 follows the last step. */
  readonly steps: number[];

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
 *   counts (no traffic router).
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
  public readonly model: ServedModel;
  /** The engine that moves traffic. */
  public readonly engine: RolloutEngine;
  /** Whether an engine rolls a degraded candidate back on its own (Flagger or Argo Rollouts with an analysis). */
  public readonly automaticRollback: boolean;
  /** The candidate's share of traffic now (KServe: the current step, 0 when rolled back; Flagger/Argo: the first step). */
  public readonly trafficPercent: number;
  /** The traffic percent that rolls the candidate back. */
  public readonly rollbackPercent: number = 0;

  private readonly stepList: number[];
  private readonly current: number;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    requireProps(this, props, 'CanaryRolloutProps, e.g. { model, candidate, steps }');
    const model = props.model;
    if (!(model instanceof ServedModel)) fail(this, 'model', undefined, 'is missing', 'give the stable ServedModel');
    this.model = model;
    this.name = props.name ?? nameFromId(id);
    checkDns1035(this, 'name', this.name);
    this.stepList = checkSteps(this, props.steps);
    const stepIntervalSeconds = secondsOf(props.stepInterval ?? Duration.minutes(5));
    if (!Number.isInteger(stepIntervalSeconds) || stepIntervalSeconds < 10 || stepIntervalSeconds > 86400) {
      fail(this, 'stepInterval', `${stepIntervalSeconds}s`, 'is out of range', 'use whole seconds from 10 seconds to 24 hours');
    }

    const engine = ENGINES[model.platform.id];
    if (!engine) {
      fail(this, 'model.platform', model.platform.id, 'has no canary rollout engine',
        `use one of ${Object.keys(ENGINES).map((k) => `"${k}"`).join(', ')}`);
    }
    this.engine = engine.engine;
    const analysis = props.analysis === undefined ? undefined : withScope(this, 'analysis', () => props.analysis!._resolve());
    this.automaticRollback = engine.rollsBack && analysis !== undefined;
    if (props.requireAutomaticRollback && !engine.rollsBack) {
      fail(this, 'requireAutomaticRollback', true, `cannot be met: no engine rolls back automatically on ${model.platform._compiler.displayName}`,
        'use ServingPlatform.knativeService() (Flagger) or ServingPlatform.kubernetesDeployment() (Argo Rollouts), or accept alert-driven manual rollback');
    }
    if (props.requireAutomaticRollback && !analysis) {
      fail(this, 'analysis', undefined, 'is missing but requireAutomaticRollback is set', 'give an analysis for the engine to roll back on');
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
    this.trafficPercent = props.rollback ? 0 : this.promoteStep(this.current);

    const overrides = candidateOverrides(props.candidate);
    if (overrides) {
      if (sameJson(model._stableSpec(), model._resolveWith(this, overrides))) {
        fail(this, 'candidate', Object.keys(overrides).sort(), 'resolves to the same model as the stable one',
          'change storage, format, container, runtimeVersion or another prop, or drop candidate for the steady state');
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
    };
    const ctx: EngineContext = { scope: this, model, rollout };
    engine.validate(ctx);
    engine.build(ctx);
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
