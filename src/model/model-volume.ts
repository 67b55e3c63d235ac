import { Size } from 'cdk8s';
import { IConfigMap, ISecret } from 'cdk8s-plus-28';
import { fail, ModelServingError, orInvalid } from '../internal/errors';
import { checkDns1123Label, checkDns1123Subdomain } from '../internal/names';
import { binaryQuantity, mebibytesOf } from '../internal/units';

/** Options of {@link ModelVolume.fromConfigMap} and {@link ModelVolume.fromSecret}. */
export interface ModelVolumeOptions {
  /** Where the model server sees the files: an absolute path, e.g. `/lmcache`. */
  readonly mountPath: string;

  /**
   * The volume's name in the pod (a DNS-1123 label).
   *
   * @default - the ConfigMap's or Secret's name
   */
  readonly volumeName?: string;
}

/** Options of {@link ModelVolume.emptyDir}. */
export interface EmptyDirModelVolumeOptions {
  /** Where the model server sees the directory: an absolute path. */
  readonly mountPath: string;

  /** The volume's name in the pod (a DNS-1123 label). */
  readonly volumeName: string;

  /**
   * The most the directory may hold before the kubelet evicts the pod.
   *
   * @default - no limit (the node's ephemeral storage)
   */
  readonly sizeLimit?: Size;
}

/** A volume of the model server, resolved engine-neutrally. */
export interface ResolvedModelVolume {
  readonly volumeName: string;
  readonly mountPath: string;
  /** ConfigMap and Secret files are mounted read-only. */
  readonly readOnly: boolean;
  /** The pod volume's source, as Kubernetes writes it (`configMap`, `secret` or `emptyDir`). */
  readonly source: {
    readonly configMap?: { readonly name: string };
    readonly secret?: { readonly secretName: string };
    readonly emptyDir?: { readonly sizeLimit?: string };
  };
}

/**
 * A volume mounted into the model server container: a ConfigMap or Secret
 * whose keys become files (a server's config file, LMCache's
 * `lmcache_config.yaml`), or an empty scratch directory. The model files
 * themselves come from `storage`, not from a volume.
 *
 * ConfigMap, Secret and emptyDir volumes keep the pod within the
 * "restricted" Pod Security Standard; Knative admits ConfigMap and Secret
 * volumes always and emptyDir with `kubernetes.podspec-volumes-emptydir`
 * (enabled by default).
 *
 * @example
 * ModelVolume.fromConfigMap(ConfigMap.fromConfigMapName(scope, 'cfg', 'lmcache-config'), { mountPath: '/lmcache' });
 */
export class ModelVolume {
  /**
   * The keys of a ConfigMap, as files under `mountPath` (read-only).
   *
   * @param configMap the ConfigMap (a cdk8s-plus object, or `ConfigMap.fromConfigMapName`)
   * @param options where to mount it
   */
  public static fromConfigMap(configMap: IConfigMap, options: ModelVolumeOptions): ModelVolume {
    return orInvalid(() => {
      const scope = 'ModelVolume.fromConfigMap';
      const name = configMap?.name;
      checkDns1123Subdomain(scope, 'configMap', name);
      return new ModelVolume(check(scope, options, name, { configMap: { name } }));
    }, (e) => new ModelVolume(undefined, e));
  }

  /**
   * The keys of a Secret, as files under `mountPath` (read-only). Only the
   * Secret's name reaches the manifest.
   *
   * @param secret the Secret (a cdk8s-plus object, or `Secret.fromSecretName`)
   * @param options where to mount it
   */
  public static fromSecret(secret: ISecret, options: ModelVolumeOptions): ModelVolume {
    return orInvalid(() => {
      const scope = 'ModelVolume.fromSecret';
      const name = secret?.name;
      checkDns1123Subdomain(scope, 'secret', name);
      return new ModelVolume(check(scope, options, name, { secret: { secretName: name } }));
    }, (e) => new ModelVolume(undefined, e));
  }

  /**
   * An empty, writable directory that lives as long as the pod.
   *
   * @param options where to mount it, its name and size limit
   */
  public static emptyDir(options: EmptyDirModelVolumeOptions): ModelVolume {
    return orInvalid(() => {
      const scope = 'ModelVolume.emptyDir';
      let sizeLimit: string | undefined;
      if (options?.sizeLimit !== undefined) {
        if (!(options.sizeLimit instanceof Size)) fail(scope, 'sizeLimit', options.sizeLimit, 'is not a Size', 'use Size.gibibytes(n) from cdk8s');
        const mib = mebibytesOf(options.sizeLimit);
        if (!(mib >= 1)) fail(scope, 'sizeLimit', `${mib}Mi`, 'is too small', 'use at least 1 MiB');
        sizeLimit = binaryQuantity(mib, 'Mi', 'Gi');
      }
      if (options?.volumeName === undefined) fail(scope, 'volumeName', undefined, 'is missing', 'name the volume (a DNS-1123 label)');
      return new ModelVolume({ ...check(scope, options, options.volumeName, { emptyDir: sizeLimit ? { sizeLimit } : {} }), readOnly: false });
    }, (e) => new ModelVolume(undefined, e));
  }

  private constructor(private readonly resolved: ResolvedModelVolume | undefined, private readonly invalid?: ModelServingError) {}

  /** @internal the resolved volume; raises the factory's error for an invalid one. */
  public _resolve(): ResolvedModelVolume {
    if (this.invalid) throw this.invalid;
    return this.resolved!;
  }
}

function check(scope: string, options: ModelVolumeOptions, defaultName: string, source: ResolvedModelVolume['source']): ResolvedModelVolume {
  if (options === null || typeof options !== 'object') fail(scope, 'options', options, 'is missing', 'give { mountPath }');
  const mountPath = options.mountPath;
  if (typeof mountPath !== 'string' || !mountPath.startsWith('/') || mountPath === '/' || mountPath.split('/').some((s) => s === '..' || s === '.')
    || /\s|\/\/|\/$/.test(mountPath)) {
    fail(scope, 'mountPath', mountPath, 'is not an absolute directory path', 'use an absolute path below /, without "." or ".." segments, e.g. /lmcache');
  }
  // The volume name defaults to the object's, which may be a dotted subdomain; a pod volume name is a label.
  const volumeName = options.volumeName ?? defaultName.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
  checkDns1123Label(scope, 'volumeName', volumeName);
  return { volumeName, mountPath, readOnly: true, source };
}
