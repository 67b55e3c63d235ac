import type { GraphNode } from './graph-node';
import { checkNonEmpty, fail, invalidInstance, orInvalid, raiseIfInvalid } from '../internal/errors';
import { checkDns1035 } from '../internal/names';
import type { IServedModel } from '../model/served-model-ref';
import { checkNoCredential } from '../security/credentials';

/** What a step sends to its target. */
export class StepData {
  /** The graph's original request (the default). */
  public static readonly REQUEST = new StepData('$request');
  /** The previous step's response (Sequence: chain models). */
  public static readonly RESPONSE = new StepData('$response');

  /**
   * A `data` expression as KServe's CRD spells it. KServe 0.20's router only
   * tells `$response` from the original request, so an InferenceGraph fails
   * synth on a field path such as `$response.predictions` (use
   * `StepData.RESPONSE` with `mapPredictionsToInstances: true`).
   *
   * @param expression starts with `$request` or `$response`
   */
  public static of(expression: string): StepData {
    checkNonEmpty('StepData.of', 'expression', expression);
    if (!/^\$(request|response)(\.[^\s]+)?$/.test(expression)) {
      fail('StepData.of', 'expression', expression, 'is not a request or response reference', 'use $request, $response or $response.<field>');
    }
    return new StepData(expression);
  }

  private constructor(
    /** The `data` value of the step. */
    public readonly expression: string,
  ) {}
}

/** Whether a failing step fails the graph. */
export enum StepDependency {
  /** A failure of this step fails the request. */
  HARD = 'Hard',
  /** The graph goes on without this step's result. */
  SOFT = 'Soft',
}

/** Options of one step. */
export interface GraphStepOptions {
  /**
   * The step name, unique within its node; an Ensemble keys each model's
   * result by it.
   *
   * @default - none (an Ensemble keys results by position)
   */
  readonly name?: string;

  /**
   * Splitter nodes only: the share of requests (whole percent) this step
   * gets; the weights of a Splitter add up to 100.
   *
   * @default - none (required in a Splitter)
   */
  readonly weight?: number;

  /**
   * Switch nodes (required) and Sequence nodes (optional, not on the first
   * step): a GJSON condition on the request (Switch) or the previous
   * response (Sequence: a step whose condition does not match ends the
   * Sequence with that response), e.g. `instances.#(user_tier=="gold")` or
   * `predictions.#(@>0.5)`.
   *
   * @default - none
   */
  readonly condition?: string;

  /**
   * Sequence nodes only: what the step receives. `StepData.RESPONSE` (on a
   * step after the first) sends it the previous step's answer.
   *
   * @default StepData.REQUEST
   */
  readonly data?: StepData;

  /**
   * Sequence and Ensemble nodes: whether a failure of this step fails the
   * request. A failing hard step ends a Sequence and answers an Ensemble with
   * its status; a soft one lets the graph go on. (KServe's router only reads
   * it in Sequence and Ensemble nodes.)
   *
   * @default - KServe's default (soft)
   */
  readonly dependency?: StepDependency;

  /**
   * Sequence nodes only: move the `predictions` of the request this step
   * gets (usually the previous step's response, `data: StepData.RESPONSE`)
   * into `instances`, so a V1-protocol model can take another model's output
   * as its input (KServe's `mapPredictionsToInstances`).
   *
   * @default false
   */
  readonly mapPredictionsToInstances?: boolean;
}

/** Options of {@link GraphStep.model}. */
export interface ModelStepOptions extends GraphStepOptions {
  /**
   * Allow a model in another namespace than the graph's. KServe resolves
   * `serviceName` in the graph's own namespace only, so such a step calls the
   * model's in-cluster URL instead.
   *
   * @default false (a model in another namespace is an error)
   */
  readonly crossNamespace?: boolean;
}

const INSTANCE_FIELDS = ['_model', '_node', '_url', '_serviceName', '_options', '_crossNamespace'];

/**
 * One step of a graph node: a ServedModel of this app, an InferenceService
 * already in the cluster, another node, or any URL.
 * Models and nodes are referenced by object, never by typed-in names.
 */
export class GraphStep {
  /**
   * Send the request to a served model (on KServe): a {@link ServedModel},
   * or any `IServedModel` whose platform is a KServe one (the graph reads
   * only its name, namespace, platform and URL). The model must be in the
   * graph's namespace unless `crossNamespace` is set.
   * @param model the model to call
   * @param options weight, condition, data, dependency, name, crossNamespace
   */
  public static model(model: IServedModel, options: ModelStepOptions = {}): GraphStep {
    return orInvalid(() => {
      if (model === undefined || model === null || typeof (model as any).node !== 'object') {
        fail('GraphStep.model', 'model', model, 'is not an IServedModel', 'pass the ServedModel construct');
      }
      GraphStep.checkOptions('GraphStep.model', options);
      return new GraphStep(model, undefined, undefined, undefined, options, options.crossNamespace ?? false);
    }, (e) => invalidInstance(GraphStep.prototype, e, INSTANCE_FIELDS));
  }

  /**
   * Call an InferenceService that exists in the cluster but is not declared
   * in this app (KServe's `serviceName`), e.g. a model another team deploys.
   * KServe looks it up in the graph's namespace and calls its predictor; the
   * graph stays not Ready until that InferenceService exists and is Ready.
   * For a ServedModel of this app use {@link GraphStep.model}; for a service
   * in another namespace or outside KServe use {@link GraphStep.url}.
   *
   * @param serviceName the InferenceService's name, in the graph's namespace
   * @param options weight, condition, data, dependency, name
   */
  public static inferenceService(serviceName: string, options: GraphStepOptions = {}): GraphStep {
    return orInvalid(() => {
      // A token pasted as the name would reach the manifest: names get the credential check too.
      if (typeof serviceName === 'string') checkNoCredential('GraphStep.inferenceService', 'serviceName', serviceName);
      checkDns1035('GraphStep.inferenceService', 'serviceName', serviceName);
      GraphStep.checkOptions('GraphStep.inferenceService', options);
      return new GraphStep(undefined, undefined, undefined, serviceName, options, false);
    }, (e) => invalidInstance(GraphStep.prototype, e, INSTANCE_FIELDS));
  }

  /**
   * Continue with another node of the same graph.
   *
   * @param node the graph node to call
   * @param options weight, condition, data, dependency, name
   */
  public static node(node: GraphNode, options: GraphStepOptions = {}): GraphStep {
    return orInvalid(() => {
      if (node === undefined || node === null || typeof (node as any).routerType !== 'string') {
        fail('GraphStep.node', 'node', node, 'is not a GraphNode', 'pass a GraphNode made with GraphNode.sequence(...), splitter(...), ...');
      }
      raiseIfInvalid(node);
      GraphStep.checkOptions('GraphStep.node', options);
      return new GraphStep(undefined, node, undefined, undefined, options, false);
    }, (e) => invalidInstance(GraphStep.prototype, e, INSTANCE_FIELDS));
  }

  /**
   * Call any HTTP endpoint that speaks the models' protocol (KServe's
   * `serviceUrl`): a service outside KServe, or an InferenceService in
   * another namespace by its inference URL.
   *
   * @param url the http(s) URL to call
   * @param options weight, condition, data, dependency, name
   */
  public static url(url: string, options: GraphStepOptions = {}): GraphStep {
    return orInvalid(() => {
      if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url)) {
        fail('GraphStep.url', 'url', url, 'is not an http(s) URL', 'use the full URL the router posts to, e.g. http://svc.ns.svc.cluster.local/v1/models/m:predict');
      }
      GraphStep.checkOptions('GraphStep.url', options);
      return new GraphStep(undefined, undefined, url, undefined, options, false);
    }, (e) => invalidInstance(GraphStep.prototype, e, INSTANCE_FIELDS));
  }
  /**
   * Checks the options under the factory's name (`GraphStep.model`), so the
   * construct that uses the step re-raises the error under its own path.
   */
  private static checkOptions(factory: string, options: GraphStepOptions): void {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      fail(factory, 'options', options, 'is not an options object', 'pass { name, weight, condition, data, dependency } or leave it out');
    }
    if (options.mapPredictionsToInstances !== undefined && typeof options.mapPredictionsToInstances !== 'boolean') {
      fail(factory, 'mapPredictionsToInstances', options.mapPredictionsToInstances, 'is not a boolean', 'use true or false');
    }
    checkNonEmpty(factory, 'name', options.name);
    checkNonEmpty(factory, 'condition', options.condition);
    if (options.data !== undefined && !(options.data instanceof StepData)) {
      fail(factory, 'data', options.data, 'is not a StepData', 'use StepData.REQUEST, StepData.RESPONSE or StepData.of(...)');
    }
    if (options.dependency !== undefined && !Object.values(StepDependency).includes(options.dependency)) {
      fail(factory, 'dependency', options.dependency, 'is not a step dependency', 'use StepDependency.HARD or StepDependency.SOFT');
    }
  }

  private constructor(
    /** @internal */
    public readonly _model: IServedModel | undefined,
    /** @internal */
    public readonly _node: GraphNode | undefined,
    /** @internal */
    public readonly _url: string | undefined,
    /** @internal */
    public readonly _serviceName: string | undefined,
    /** @internal */
    public readonly _options: GraphStepOptions,
    /** @internal */
    public readonly _crossNamespace: boolean,
  ) {
  }


  /** The step name, if given. */
  public get name(): string | undefined {
    return this._options.name;
  }

  /** The Splitter weight, if given. */
  public get weight(): number | undefined {
    return this._options.weight;
  }
}
