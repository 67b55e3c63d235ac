import { Size } from 'cdk8s';
import { checkNoCredential } from './credentials';
import { checkInteger, checkNonEmpty, fail, invalidInstance, ModelServingError, orInvalid } from '../internal/errors';
import { compact, ContainerSecurityContext } from '../internal/k8s';
import { mebibytesOf } from '../internal/units';

/** Options for {@link PodSecurity.restricted}. */
export interface RestrictedPodSecurityOptions {
  /**
   * Mount the container's root filesystem read-only. The library then mounts
   * a writable `emptyDir` at `/tmp` and sets `HOME=/tmp`, where model servers
   * keep caches.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Run as this user id (must not be 0).
   *
   * @default - the image's user, which must not be root
   */
  readonly runAsUser?: number;

  /**
   * Run as this group id.
   *
   * @default - the image's group
   */
  readonly runAsGroup?: number;

  /**
   * Size limit of the writable `/tmp` scratch volume.
   *
   * @default Size.gibibytes(4)
   */
  readonly scratchSize?: Size;
}

/** Engine-neutral security settings after validation. */
export interface ResolvedPodSecurity {
  readonly container: ContainerSecurityContext;
  readonly pod: Record<string, unknown>;
  /** The writable scratch mount for a read-only root filesystem. */
  readonly scratch?: { readonly volumeName: string; readonly mountPath: string; readonly sizeLimit: string };
  /** Why the model runs below the restricted profile (written as an annotation). */
  readonly optOutReason?: string;
  readonly profile: 'restricted' | 'baseline';
}

/** The annotation that records an explicit opt-out of the restricted profile. */
export const SECURITY_OPT_OUT_ANNOTATION = 'model-serving.cdk8s.io/pod-security-opt-out';

/**
 * How a model's pods are locked down. Every pod the library creates meets
 * the Pod Security Standards "restricted" profile unless the model opts out
 * explicitly, with a reason that is kept in the manifest.
 *
 * Bad input does not throw from the factory: the error is raised where a
 * model uses the value, after the model's path and prop.
 */
export class PodSecurity {
  /** The restricted profile with a read-only root filesystem (the default). */
  public static readonly RESTRICTED = PodSecurity.restricted();

  /**
   * The "restricted" profile: non-root, no privilege escalation, all
   * capabilities dropped, RuntimeDefault seccomp, read-only root filesystem.
   * @param options read-only root filesystem, user and group ids, scratch size
   */
  public static restricted(options: RestrictedPodSecurityOptions = {}): PodSecurity {
    return orInvalid(() => {
      const scope = 'PodSecurity.restricted';
      checkInteger(scope, 'runAsUser', options.runAsUser, 1, 2147483647);
      checkInteger(scope, 'runAsGroup', options.runAsGroup, 0, 2147483647);
      const readOnly = options.readOnlyRootFilesystem ?? true;
      const scratchMib = options.scratchSize !== undefined ? mebibytesOf(options.scratchSize) : 4096;
      if (!(scratchMib >= 1)) fail(scope, 'scratchSize', `${scratchMib}Mi`, 'is too small', 'use at least 1 MiB');
      return new PodSecurity({
        profile: 'restricted',
        container: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: readOnly ? true : undefined,
          runAsNonRoot: true,
          runAsUser: options.runAsUser,
          // Also per container: platforms under Knative drop the pod-level
          // context (Knative rejects it), and Knative's container field mask
          // admits runAsGroup (knative serving pkg/apis/serving/fieldmask.go, SecurityContextMask).
          runAsGroup: options.runAsGroup,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        pod: { runAsNonRoot: true, runAsUser: options.runAsUser, runAsGroup: options.runAsGroup, seccompProfile: { type: 'RuntimeDefault' } },
        scratch: readOnly
          ? { volumeName: 'scratch', mountPath: '/tmp', sizeLimit: Number.isInteger(scratchMib / 1024) ? `${scratchMib / 1024}Gi` : `${Math.ceil(scratchMib)}Mi` }
          : undefined,
      });
    }, (e) => invalidInstance(PodSecurity.prototype, e));
  }

  /**
   * An explicit opt-out to the "baseline" profile, for images that must run
   * as root or write to their root filesystem. Privilege escalation stays
   * off, capabilities dropped and seccomp on; the reason is written to the
   * `model-serving.cdk8s.io/pod-security-opt-out` annotation for reviewers.
   *
   * @param reason why this model cannot run restricted (kept in the manifest)
   */
  public static baseline(reason: string): PodSecurity {
    return orInvalid(() => {
      checkNonEmpty('PodSecurity.baseline', 'reason', reason);
      // The reason is written into an annotation: it must not carry a credential.
      checkNoCredential('PodSecurity.baseline', 'reason', reason);
      if (reason === undefined) fail('PodSecurity.baseline', 'reason', reason, 'is missing', 'say why the model cannot run restricted');
      return new PodSecurity({
        profile: 'baseline',
        container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        pod: { seccompProfile: { type: 'RuntimeDefault' } },
        optOutReason: reason,
      });
    }, (e) => invalidInstance(PodSecurity.prototype, e));
  }

  private readonly resolved!: ResolvedPodSecurity;
  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(resolved: ResolvedPodSecurity) {
    // Compacted once here: every model using this profile shares the result.
    this.resolved = { ...resolved, container: compact(resolved.container), pod: compact(resolved.pod) };
  }

  /** `restricted` or `baseline`. */
  public get profile(): string {
    return this._resolve().profile;
  }

  /** @internal */
  public _resolve(): ResolvedPodSecurity {
    if (this.invalid) throw this.invalid;
    return this.resolved;
  }
}
