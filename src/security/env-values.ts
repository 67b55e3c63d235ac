import { EnvValue } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkNoCredentialLiteral } from './credentials';
import { fail } from '../internal/errors';
import { EnvVar } from '../internal/k8s';
import { checkEnvName } from '../internal/names';


/**
 * Turns cdk8s-plus `EnvValue`s (from a Secret, a ConfigMap, a field ref or a
 * literal) into env vars, sorted by name. Literals get the same credential
 * check as plain `env`.
 */
export function resolveEnvValues(scope: IConstruct, values: Record<string, EnvValue> | undefined, prop: string = 'envValues'): EnvVar[] {
  return Object.keys(values ?? {}).sort().map((name) => {
    checkEnvName(scope, `${prop} name`, name);
    const v = values![name];
    if (!v || typeof v !== 'object' || (v.value === undefined && v.valueFrom === undefined)) {
      fail(scope, `${prop}["${name}"]`, v, 'is not an EnvValue', 'use EnvValue.fromSecretValue(...), EnvValue.fromConfigMap(...) or EnvValue.fromValue(...)');
    }
    if (v.value !== undefined) {
      // EnvValue.fromValue takes whatever plain JavaScript passes.
      if (typeof v.value !== 'string') fail(scope, `${prop}["${name}"]`, v.value, 'is not a string', 'environment values are strings');
      checkNoCredentialLiteral(scope, prop, name, v.value);
      return { name, value: v.value };
    }
    // cdk8s-plus keeps the Kubernetes EnvVarSource shape; copy only what the API accepts.
    const from: any = v.valueFrom;
    const ref = (r: any) => (r ? { name: r.name, key: r.key, ...(r.optional !== undefined ? { optional: r.optional } : {}) } : undefined);
    const valueFrom: any = {};
    if (from.secretKeyRef) valueFrom.secretKeyRef = ref(from.secretKeyRef);
    if (from.configMapKeyRef) valueFrom.configMapKeyRef = ref(from.configMapKeyRef);
    if (from.fieldRef) valueFrom.fieldRef = { fieldPath: from.fieldRef.fieldPath };
    if (from.resourceFieldRef) valueFrom.resourceFieldRef = { resource: from.resourceFieldRef.resource };
    if (Object.keys(valueFrom).length === 0) {
      fail(scope, `${prop}["${name}"]`, from, 'has an unsupported source', 'use a Secret, ConfigMap, field or resource reference');
    }
    return { name, valueFrom };
  });
}
