import { ISecret } from 'cdk8s-plus-28';
import { fail, invalidInstance, ModelServingError, orInvalid } from '../internal/errors';
import { checkDns1123Subdomain } from '../internal/names';

/** How KEDA's Prometheus scaler authenticates (its `authModes`). */
export enum PrometheusAuthMode {
  /** A bearer token (`Authorization: Bearer ...`). */
  BEARER = 'bearer',
  /** HTTP basic authentication. */
  BASIC = 'basic',
  /** A client certificate (mutual TLS). */
  TLS = 'tls',
}

/** Options for {@link KedaAuthentication.bearer}. */
export interface BearerAuthenticationOptions {
  /** The Secret holding the token. */
  readonly secret: ISecret;

  /**
   * The key of the token in the Secret.
   *
   * @default "token"
   */
  readonly tokenKey?: string;
}

/** Options for {@link KedaAuthentication.basic}. */
export interface BasicAuthenticationOptions {
  /** The Secret holding the user name and password. */
  readonly secret: ISecret;

  /**
   * The key of the user name in the Secret.
   *
   * @default "username"
   */
  readonly usernameKey?: string;

  /**
   * The key of the password in the Secret.
   *
   * @default "password"
   */
  readonly passwordKey?: string;
}

/** A KEDA authentication, resolved: referenced by name, or emitted from Secret keys. */
export interface ResolvedKedaAuthentication {
  readonly mode: string;
  /** An existing TriggerAuthentication. */
  readonly existingName?: string;
  /** The `secretTargetRef` of a TriggerAuthentication the library emits. */
  readonly secretTargetRef?: Array<{ readonly parameter: string; readonly name: string; readonly key: string }>;
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/** Options of {@link KedaAuthentication.fromTriggerAuthentication}. */
export interface ExistingTriggerAuthenticationOptions {
  /** What the existing TriggerAuthentication carries (how KEDA authenticates to Prometheus). */
  readonly mode: PrometheusAuthMode;
}

/**
 * How KEDA authenticates to a secured Prometheus (the KServe
 * `authenticationRef` of an external metric, or the ScaledObject trigger's
 * on the Deployment platform). The credentials stay in a Secret: the
 * library emits a KEDA `TriggerAuthentication` that points at its keys, or
 * references one that exists.
 *
 * @example
 * KedaAuthentication.bearer({ secret: Secret.fromSecretName(chart, 'prom', 'prometheus-token') })
 */
export class KedaAuthentication {
  /**
   * A bearer token from a Secret key (emits a TriggerAuthentication with
   * parameter `bearerToken`, KEDA's Prometheus scaler).
   *
   * @param options the Secret and its key
   */
  public static bearer(options: BearerAuthenticationOptions): KedaAuthentication {
    return orInvalid(() => {
      const scope = 'KedaAuthentication.bearer';
      const secret = secretName(scope, options?.secret);
      const key = secretKey(scope, 'tokenKey', options.tokenKey ?? 'token');
      return new KedaAuthentication({ mode: PrometheusAuthMode.BEARER, secretTargetRef: [{ parameter: 'bearerToken', name: secret, key }] });
    }, (e) => invalidInstance(KedaAuthentication.prototype, e, ['mode']));
  }

  /**
   * HTTP basic authentication from Secret keys (emits a TriggerAuthentication
   * with parameters `username` and `password`).
   *
   * @param options the Secret and its keys
   */
  public static basic(options: BasicAuthenticationOptions): KedaAuthentication {
    return orInvalid(() => {
      const scope = 'KedaAuthentication.basic';
      const secret = secretName(scope, options?.secret);
      const user = secretKey(scope, 'usernameKey', options.usernameKey ?? 'username');
      const password = secretKey(scope, 'passwordKey', options.passwordKey ?? 'password');
      return new KedaAuthentication({
        mode: PrometheusAuthMode.BASIC,
        secretTargetRef: [{ parameter: 'username', name: secret, key: user }, { parameter: 'password', name: secret, key: password }],
      });
    }, (e) => invalidInstance(KedaAuthentication.prototype, e, ['mode']));
  }

  /**
   * An existing KEDA TriggerAuthentication in the model's namespace (for TLS,
   * or credentials managed elsewhere).
   *
   * @param name its name
   * @param options what it carries
   */
  public static fromTriggerAuthentication(name: string, options: ExistingTriggerAuthenticationOptions): KedaAuthentication {
    return orInvalid(() => {
      const scope = 'KedaAuthentication.fromTriggerAuthentication';
      checkDns1123Subdomain(scope, 'name', name);
      const mode = options?.mode;
      if (!(Object.values(PrometheusAuthMode) as string[]).includes(mode)) {
        fail(scope, 'mode', mode, 'is not a PrometheusAuthMode', `use one of ${Object.values(PrometheusAuthMode).join(', ')}`);
      }
      return new KedaAuthentication({ mode, existingName: name });
    }, (e) => invalidInstance(KedaAuthentication.prototype, e, ['mode']));
  }

  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(private readonly resolved: ResolvedKedaAuthentication) {}

  /** The auth mode (`bearer`, `basic`, `tls`). */
  public get mode(): string {
    return this._resolve().mode;
  }

  /** @internal */
  public _resolve(): ResolvedKedaAuthentication {
    if (this.invalid) throw this.invalid;
    return this.resolved;
  }
}

function secretName(scope: string, secret: ISecret | undefined): string {
  const name = secret?.name;
  if (typeof name !== 'string') fail(scope, 'secret', secret, 'is not a Secret', 'use a cdk8s-plus Secret, e.g. Secret.fromSecretName(scope, id, name)');
  checkDns1123Subdomain(scope, 'secret', name);
  return name;
}

function secretKey(scope: string, prop: string, key: string): string {
  if (typeof key !== 'string' || !KEY.test(key) || key.length > 253) fail(scope, prop, key, 'is not a Secret key', 'use letters, digits, "-", "_" or "."');
  return key;
}
