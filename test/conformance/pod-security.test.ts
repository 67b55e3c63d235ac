import { restrictedViolations, resourceViolations } from './pod-security';

const deployment = (container: any, pod: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { template: { spec: { ...pod, containers: [{ name: 'c', image: 'i', ...container }] } } },
});

const restricted = {
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  resources: { requests: { 'cpu': '1', 'memory': '1Gi', 'nvidia.com/gpu': 1 }, limits: { 'memory': '1Gi', 'nvidia.com/gpu': 1 } },
};

describe('restricted pod security checker', () => {
  test('accepts a restricted container', () => {
    expect(restrictedViolations(deployment(restricted))).toEqual([]);
    expect(resourceViolations(deployment(restricted))).toEqual([]);
  });

  test('finds each violation', () => {
    const v = restrictedViolations(deployment(
      { securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 80, hostPort: 80 }] },
      { hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] },
    ));
    expect(v).toEqual([
      'spec.template.spec.hostNetwork must not be true',
      'spec.template.spec.volumes[0] type hostPath is not allowed',
      'spec.template.spec.containers[0].securityContext.privileged must not be true',
      'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation must be false',
      'spec.template.spec.containers[0].securityContext.capabilities.drop must include ALL',
      'spec.template.spec.containers[0].securityContext.capabilities.add SYS_ADMIN is not allowed',
      'spec.template.spec.containers[0]: runAsNonRoot must be true (container or pod)',
      'spec.template.spec.containers[0]: seccompProfile must be RuntimeDefault or Localhost',
      'spec.template.spec.containers[0]: hostPort is not allowed',
    ]);
  });

  test('checks KServe components and resource invariants', () => {
    const isvc = { kind: 'InferenceService', metadata: { name: 'm' }, spec: { predictor: { model: { resources: { requests: { 'cpu': '1', 'nvidia.com/gpu': 2 }, limits: { 'nvidia.com/gpu': 1 } } } } } };
    expect(resourceViolations(isvc)).toEqual([
      'spec.predictor.model: cpu and memory requests must be set',
      'spec.predictor.model: nvidia.com/gpu limit 1 must equal request 2',
    ]);
    expect(restrictedViolations(isvc)).toHaveLength(4);
  });
});
