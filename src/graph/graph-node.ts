import { GraphStep } from './graph-step';
import { fail, invalidInstance, orInvalid, raiseIfInvalid } from '../internal/errors';

/** How a graph node routes a request through its steps. */
export enum RouterType {
  /** Run the steps one after another; each can get the previous response. */
  SEQUENCE = 'Sequence',
  /** Send each request to one step, picked at random by weight (A/B tests). */
  SPLITTER = 'Splitter',
  /** Send the request to every step at once and merge the responses. */
  ENSEMBLE = 'Ensemble',
  /** Send the request to the first step whose condition matches. */
  SWITCH = 'Switch',
}

/** Options of a graph node. */
export interface GraphNodeOptions {
  /**
   * The node name in the graph (letters, digits, "-" and "_"). The root node
   * is always `root`.
   *
   * @default - the parent node's name and the step position, e.g. `root-step-2`
   */
  readonly name?: string;
}

const NODE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/;

/**
 * A routing node of an {@link InferenceGraph}: a router type and its steps.
 * Nodes are immutable, so a graph built from them has no cycles.
 *
 * @example
 * GraphNode.splitter([
 *   GraphStep.model(champion, { weight: 90 }),
 *   GraphStep.model(challenger, { weight: 10 }),
 * ])
 */
export class GraphNode {
  /**
   * Run the steps in order; pass `data: StepData.RESPONSE` to chain models (pre-processing -> classifier).
   *
   * @param steps the models or nodes called in order
   * @param options the node name
   */
  public static sequence(steps: GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return orInvalid(() => {
      return new GraphNode(RouterType.SEQUENCE, steps, options, 'GraphNode.sequence');
    }, (e) => invalidInstance(GraphNode.prototype, e, ['stepList', 'routerType', 'name']));
  }

  /**
   * A weighted split: every step has a `weight` and the weights add up to 100.
   *
   * @param steps the weighted models or nodes (weights sum to 100)
   * @param options the node name
   */
  public static splitter(steps: GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return orInvalid(() => {
      return new GraphNode(RouterType.SPLITTER, steps, options, 'GraphNode.splitter');
    }, (e) => invalidInstance(GraphNode.prototype, e, ['stepList', 'routerType', 'name']));
  }

  /**
   * Call every step with the same request and merge their responses, keyed by step name.
   *
   * @param steps the models or nodes whose results are merged
   * @param options the node name
   */
  public static ensemble(steps: GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return orInvalid(() => {
      return new GraphNode(RouterType.ENSEMBLE, steps, options, 'GraphNode.ensemble');
    }, (e) => invalidInstance(GraphNode.prototype, e, ['stepList', 'routerType', 'name']));
  }

  /**
   * Route to the first step whose `condition` matches the request; every step has a condition.
   *
   * @param steps the models or nodes with their conditions
   * @param options the node name
   */
  public static conditional(steps: GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return orInvalid(() => {
      return new GraphNode(RouterType.SWITCH, steps, options, 'GraphNode.conditional');
    }, (e) => invalidInstance(GraphNode.prototype, e, ['stepList', 'routerType', 'name']));
  }

  /** The node's explicit name, if given. */
  public readonly name?: string;
  private readonly stepList: readonly GraphStep[];

  private constructor(
    /** The router type. */
    public readonly routerType: RouterType,
    steps: GraphStep[],
    options: GraphNodeOptions,
    factory: string,
  ) {
    if (!Array.isArray(steps) || steps.length === 0) {
      fail(factory, 'steps', steps, 'is empty', 'give the node at least one step');
    }
    steps.forEach((s, i) => {
      if (!(s instanceof GraphStep)) fail(factory, `steps[${i}]`, s, 'is not a GraphStep', 'use GraphStep.model(...), GraphStep.node(...) or GraphStep.url(...)');
      raiseIfInvalid(s);
    });
    if (options.name !== undefined && (typeof options.name !== 'string' || !NODE_NAME.test(options.name) || options.name.length > 63)) {
      fail(factory, 'name', options.name, 'is not a valid node name', 'use at most 63 letters, digits, "-" and "_", starting and ending with a letter or digit');
    }
    // Copied and frozen: a step pushed later (or the root pushed onto itself,
    // a cycle) would bypass the checks graphs run on their nodes.
    this.stepList = Object.freeze([...steps]);
    this.name = options.name;
  }

  /**
   * The steps, in order. The list is frozen: nodes are immutable, and a push
   * fails loudly instead of being lost or creating a cycle.
   */
  public get steps(): GraphStep[] {
    return this.stepList as GraphStep[];
  }
}
