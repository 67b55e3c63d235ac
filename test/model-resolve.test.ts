/**
 * The resolvers behind ServedModel (issue 19, item 3): one per concern, each
 * called with only the props of its concern.
 */
import { EnvValue } from 'cdk8s-plus-28';
import { Accelerator, InferenceProtocol, ModelFormat, PodSecurity, Scaling } from '../src';
import { newChart } from './util';
import { resolveServerContainer } from '../src/model/resolve/container';
import { resolvePod } from '../src/model/resolve/pod';
import { resolveRuntime } from '../src/model/resolve/runtime';
import { resolveModelScaling } from '../src/model/resolve/scaling';
import { resolveModelScheduling } from '../src/model/resolve/scheduling';

describe('one resolver per concern', () => {
  test('runtime and server: a format\'s runtime, or a custom server', () => {
    const scope = newChart();
    expect(resolveRuntime(scope, { format: ModelFormat.SKLEARN }))
      .toMatchObject({ protocol: InferenceProtocol.V2, protocolExplicit: false, port: 8080, image: undefined });
    expect(resolveRuntime(scope, { format: ModelFormat.SKLEARN, runtimeImage: 'reg.example.com/sk', runtimeVersion: 'v1' }))
      .toMatchObject({ image: 'reg.example.com/sk', runtimeVersion: 'v1' });
    expect(resolveRuntime(scope, { server: { image: 'reg.example.com/s:1', command: ['serve'], port: 9000 }, protocol: InferenceProtocol.V1 }))
      .toMatchObject({ format: undefined, image: 'reg.example.com/s:1', command: ['serve'], port: 9000, protocol: InferenceProtocol.V1, protocolExplicit: true });
  });

  test('pod and security: identity, metadata and the restricted profile', () => {
    const pod = resolvePod(newChart(), 'm', { labels: { team: 'risk' }, podSecurity: PodSecurity.baseline('vendor image runs as root') });
    expect(pod.labels).toMatchObject({ 'team': 'risk', 'app.kubernetes.io/name': 'm' });
    expect(pod.annotations).toEqual({ 'model-serving.cdk8s.io/pod-security-opt-out': 'vendor image runs as root' });
    expect(pod.serviceAccountName).toBeUndefined();
    expect(resolvePod(newChart(), 'm', {}).scratch?.mountPath).toBe('/tmp');
  });

  test('container: args, one env list, resources with the accelerator\'s devices', () => {
    const scope = newChart();
    const scheduling = resolveModelScheduling(scope, { accelerator: Accelerator.nvidiaGpu({ count: 2 }) }, 8080);
    const c = resolveServerContainer(scope, { args: ['--x'], envVariables: { B: EnvValue.fromValue('2') } }, { A: EnvValue.fromValue('1') }, {
      format: ModelFormat.HUGGINGFACE, accelerator: scheduling.accelerator, hasStorage: true, scratchHome: '/tmp',
    });
    expect(c.args).toEqual(['--x', '--tensor-parallel-size=2']);
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'HOME', value: '/tmp' }]);
    expect(c.resources.limits).toMatchObject({ 'nvidia.com/gpu': 2 });
  });

  test('scheduling and scaling: GPU models get the GPU startup budget and scaling defaults', () => {
    const scope = newChart();
    const scheduling = resolveModelScheduling(scope, { accelerator: Accelerator.nvidiaGpu() }, 8080);
    expect(scheduling.startup.timeoutSeconds).toBe(1200);
    const scaling = resolveModelScaling(scope, { scaling: Scaling.scaleToZero({ maxReplicas: 2 }) }, scheduling.accelerator);
    expect(scaling.gpuScalingDefaults).toEqual({ scaleDownDelaySeconds: 900, initialScale: 1 });
    expect(resolveModelScaling(scope, {}, undefined).gpuScalingDefaults).toBeUndefined();
  });
});
