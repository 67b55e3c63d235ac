import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../internal/errors';
import { sortedRecord } from '../internal/k8s';
import { checkDns1123Label, checkLabels } from '../internal/names';
import { standardLabels } from '../model/model-spec';
import { ServedModel } from '../model/served-model';

/** Who may call a model. */
export class NetworkPeer {
  /**
   * Every pod in a namespace.
   *
   * @param name the namespace
   */
  public static namespace(name: string): NetworkPeer {
    checkDns1123Label('NetworkPeer.namespace', 'name', name);
    return new NetworkPeer({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }, `namespace ${name}`);
  }

  /**
   * Pods with these labels, in the model's namespace or in `namespace`.
   *
   * @param labels pod labels that must all match
   * @param namespace the callers' namespace; the model's own when omitted
   */
  public static pods(labels: Record<string, string>, namespace?: string): NetworkPeer {
    checkLabels('NetworkPeer.pods', 'labels', labels);
    if (Object.keys(labels).length === 0) fail('NetworkPeer.pods', 'labels', labels, 'is empty', 'name at least one label (use NetworkPeer.namespace for a whole namespace)');
    if (namespace !== undefined) checkDns1123Label('NetworkPeer.pods', 'namespace', namespace);
    return new NetworkPeer(
      {
        podSelector: { matchLabels: sortedRecord(labels) },
        ...(namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } : {}),
      },
      `pods ${JSON.stringify(labels)}`,
    );
  }

  private constructor(
    /** @internal the NetworkPolicyPeer JSON */
    public readonly _peer: Record<string, unknown>,
    /** A human description. */
    public readonly description: string,
  ) {}
}

/** Props of a {@link ModelNetworkPolicy}. */
export interface ModelNetworkPolicyProps {
  /** The model to protect. */
  readonly model: ServedModel;

  /**
   * The callers allowed in, besides the serving gateway.
   *
   * @default - only the serving gateway
   */
  readonly allowFrom?: NetworkPeer[];

  /**
   * Namespaces of the serving data path (ingress gateway, Knative activator)
   * that must reach the model for it to work at all.
   *
   * @default ['istio-system', 'knative-serving', 'kourier-system']
   */
  readonly servingNamespaces?: string[];
}

/**
 * A NetworkPolicy that admits only the named callers and the serving data
 * path to a model's pods: nothing else in the cluster can reach the model.
 */
export class ModelNetworkPolicy extends Construct {
  /** The NetworkPolicy (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ModelNetworkPolicyProps) {
    super(scope, id);
    const model = props.model;
    const servingNamespaces = props.servingNamespaces ?? ['istio-system', 'knative-serving', 'kourier-system'];
    servingNamespaces.forEach((ns) => checkDns1123Label(this, 'servingNamespaces', ns));
    const peers = [
      ...servingNamespaces.map((ns) => NetworkPeer.namespace(ns)._peer),
      ...(props.allowFrom ?? []).map((p) => p._peer),
    ];
    const podSelector = model.platform._compiler.podSelector?.(model._spec()) ?? { 'app.kubernetes.io/name': model.name };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${model.name}-ingress`, namespace: model.namespace, labels: standardLabels(model.name, 'network-policy') },
      spec: {
        podSelector: { matchLabels: sortedRecord(podSelector) },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers }],
      },
    });
  }
}
