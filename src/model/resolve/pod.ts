import { IServiceAccount } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkManagedKeys, checkRecord } from './shapes';
import { fail, withScope } from '../../internal/errors';
import { ContainerSecurityContext } from '../../internal/k8s';
import { standardLabels } from '../../internal/labels';
import { checkAnnotations, checkDns1123Label, checkDns1123Subdomain, checkLabels } from '../../internal/names';
import { checkNoCredential } from '../../security/credentials';
import { PodSecurity, SECURITY_OPT_OUT_ANNOTATION } from '../../security/pod-security';

/** The restricted Pod Security Standard, per container (for containers outside a ServedModel, e.g. runtimes). */
export const RESTRICTED_CONTAINER_SECURITY: ContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The restricted Pod Security Standard, per pod. */
export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The props that shape the model's pods and documents: identity, metadata and security. */
export interface PodProps {
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly serviceAccount?: IServiceAccount;
  readonly podSecurity?: PodSecurity;
}

/** The resolved pod identity, metadata and security of a model. */
export interface ResolvedPod {
  readonly namespace?: string;
  /** Labels for every document and pod (standard labels included). */
  readonly labels: Record<string, string>;
  /** User annotations for the top-level document (and the security opt-out). */
  readonly annotations: Record<string, string>;
  readonly serviceAccountName?: string;
  readonly securityContext: ContainerSecurityContext;
  readonly podSecurityContext: Record<string, unknown>;
  readonly scratch?: { readonly volumeName: string; readonly mountPath: string; readonly sizeLimit: string };
}

/** Namespace, labels, annotations, service account and Pod Security of a model named `name`. */
export function resolvePod(scope: IConstruct, name: string, p: PodProps): ResolvedPod {
  if (p.namespace !== undefined) checkDns1123Label(scope, 'namespace', p.namespace);
  checkRecord(scope, 'labels', p.labels);
  checkRecord(scope, 'annotations', p.annotations);
  checkLabels(scope, 'labels', p.labels);
  checkAnnotations(scope, 'annotations', p.annotations);
  for (const [k, v] of Object.entries(p.labels ?? {})) checkNoCredential(scope, `labels["${k}"]`, v);
  for (const [k, v] of Object.entries(p.annotations ?? {})) {
    checkNoCredential(scope, `annotations["${k}"]`, v);
    // Knative validates its autoscaling and revision annotations (knative serving
    // pkg/apis/autoscaling/annotation_validation.go, ValidateAnnotations): a value the
    // library did not write and check would make the revision fail admission.
    if (k === 'serving.knative.dev/enablePassthrough') {
      // KServe 0.20 copies only the OpenShift key to the Knative Service (KnativeOpenshiftEnablePassthroughKey,
      // pkg/controller/v1beta1/inferenceservice/reconcilers/knative/ksvc_reconciler.go); Knative has no such revision annotation.
      fail(scope, `annotations["${k}"]`, v, 'is not an annotation KServe or Knative reads (KServe 0.20 passes on only serving.knative.openshift.io/enablePassthrough)',
        'set annotations["serving.knative.openshift.io/enablePassthrough"] instead (Knative mode)');
    }
    if (k.startsWith('autoscaling.knative.dev/') || k.startsWith('serving.knative.dev/')) {
      fail(scope, `annotations["${k}"]`, v, 'is a Knative revision annotation, which the library writes and checks itself',
        'set it through scaling (Scaling.autoscale, scaleToZero, fixedReplicas), startup and timeout');
    }
  }
  checkManagedKeys(scope, 'labels', p.labels, standardLabels(name, 'model-server'), 'standard app.kubernetes.io labels');
  // Names end up in the manifest too: a pasted token is a leak whatever prop it lands in.
  checkNoCredential(scope, 'name', name);

  const serviceAccountName = serviceAccountNameOf(scope, p.serviceAccount);

  const security = withScope(scope, 'podSecurity', () => (p.podSecurity ?? PodSecurity.RESTRICTED)._resolve());
  if (p.annotations?.[SECURITY_OPT_OUT_ANNOTATION] !== undefined && p.annotations[SECURITY_OPT_OUT_ANNOTATION] !== security.optOutReason) {
    fail(scope, `annotations["${SECURITY_OPT_OUT_ANNOTATION}"]`, p.annotations[SECURITY_OPT_OUT_ANNOTATION], 'is written by the library from podSecurity',
      'opt out with podSecurity: PodSecurity.baseline(reason)');
  }
  return {
    namespace: p.namespace,
    labels: { ...(p.labels ?? {}), ...standardLabels(name, 'model-server') },
    annotations: {
      ...(p.annotations ?? {}),
      ...(security.optOutReason !== undefined ? { [SECURITY_OPT_OUT_ANNOTATION]: security.optOutReason } : {}),
    },
    serviceAccountName,
    securityContext: security.container,
    podSecurityContext: security.pod,
    scratch: security.scratch,
  };
}

/** The name of a cdk8s-plus service account, checked: it is written as the pods' `serviceAccountName`. */
function serviceAccountNameOf(scope: IConstruct, account: IServiceAccount | undefined): string | undefined {
  if (account === undefined) return undefined;
  if (account === null || typeof account !== 'object' || typeof account.name !== 'string') {
    fail(scope, 'serviceAccount', typeof account === 'string' ? account : `<${typeof account}>`, 'is not a service account',
      'use a cdk8s-plus ServiceAccount, or ServiceAccount.fromServiceAccountName(scope, id, name) for one that exists');
  }
  checkNoCredential(scope, 'serviceAccount', account.name);
  checkDns1123Subdomain(scope, 'serviceAccount', account.name);
  return account.name;
}
