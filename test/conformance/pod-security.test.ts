import { podsOf, restrictedViolations, resourceViolations } from './pod-security';

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

  const open = { name: 'c', image: 'i', resources: { requests: { cpu: '1', memory: '1Gi' } } };

  test('checks ServingRuntime and ClusterServingRuntime containers (KServe copies them into every model pod)', () => {
    for (const kind of ['ServingRuntime', 'ClusterServingRuntime']) {
      const rt = { kind, metadata: { name: 'rt' }, spec: { supportedModelFormats: [{ name: 'onnx' }], containers: [open], hostNetwork: true } };
      expect(podsOf(rt).map((p) => p.where)).toEqual(['spec']);
      expect(restrictedViolations(rt)).toEqual([
        'spec.hostNetwork must not be true',
        'spec.containers[0].securityContext.allowPrivilegeEscalation must be false',
        'spec.containers[0].securityContext.capabilities.drop must include ALL',
        'spec.containers[0]: runAsNonRoot must be true (container or pod)',
        'spec.containers[0]: seccompProfile must be RuntimeDefault or Localhost',
      ]);
    }
  });

  test('checks both LeaderWorkerSet templates, leader and workers', () => {
    const lws = {
      kind: 'LeaderWorkerSet',
      metadata: { name: 'mn' },
      spec: {
        leaderWorkerTemplate: { size: 2, leaderTemplate: { spec: { containers: [restricted] } }, workerTemplate: { spec: { containers: [open] } } },
      },
    };
    expect(podsOf(lws).map((p) => p.where)).toEqual(['spec.leaderWorkerTemplate.leaderTemplate.spec', 'spec.leaderWorkerTemplate.workerTemplate.spec']);
    expect(restrictedViolations(lws)).toHaveLength(4);
    expect(restrictedViolations(lws).every((v) => v.startsWith('spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]'))).toBe(true);
  });

  test('checks an InferenceService\'s multi-node workerSpec with the predictor\'s pod security context', () => {
    const podContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const isvc = (worker: any) => ({
      kind: 'InferenceService', metadata: { name: 'm' }, spec: { predictor: { securityContext: podContext, model: restricted, workerSpec: worker } },
    });
    const containerOnly = { ...restricted, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
    expect(restrictedViolations(isvc({ containers: [containerOnly] }))).toEqual([]);
    expect(restrictedViolations(isvc({ containers: [open] }))).toEqual([
      'spec.predictor.workerSpec.containers[0].securityContext.allowPrivilegeEscalation must be false',
      'spec.predictor.workerSpec.containers[0].securityContext.capabilities.drop must include ALL',
    ]);
  });

  test('checks LLMInferenceService and LLMInferenceServiceConfig pods; a preset may leave requests to its services', () => {
    const pods = (kind: string) => ({
      kind,
      metadata: { name: 'llm' },
      spec: { template: { containers: [{ ...restricted, resources: { limits: { 'nvidia.com/gpu': 8 } } }] }, worker: { containers: [open] } },
    });
    expect(podsOf(pods('LLMInferenceServiceConfig')).map((p) => p.where)).toEqual(['spec.template', 'spec.worker']);
    expect(restrictedViolations(pods('LLMInferenceServiceConfig'))).toHaveLength(4);
    // The API server defaults a missing request to the limit; a preset's pod is merged with its service's.
    expect(resourceViolations(pods('LLMInferenceServiceConfig'))).toEqual([]);
    expect(resourceViolations(pods('LLMInferenceService'))).toEqual([
      'spec.template.containers[0]: cpu and memory requests must be set',
      'spec.template.containers[0]: nvidia.com/gpu limit 8 must equal request undefined',
    ]);
  });
});

