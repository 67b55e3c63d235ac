import { Duration, Size } from 'cdk8s';
import { ModelFormat, ModelStorage, PodSecurity, Scaling, ServedModel } from '../src';
import { newChart } from './util';

// cdk8s throws a plain Error when a Duration or Size is not a whole number of
// the unit asked for; the library must report the property instead.
describe('fractional durations and sizes give clear errors', () => {
  const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) };
  test.each([
    ['timeout', () => new ServedModel(newChart(), 'm', { ...base, timeout: Duration.millis(1500) }), /test\/m: timeout "1.5s" is out of range; use whole seconds/],
    ['batcher.maxLatency', () => new ServedModel(newChart(), 'm', { ...base, batcher: { maxLatency: Duration.millis(0.5) } }), /batcher.maxLatency "0.5ms" is not allowed/],
    ['scaling.scaleDownDelay', () => new ServedModel(newChart(), 'm', { ...base, scaling: Scaling.autoscale({ scaleDownDelay: Duration.millis(500) }) }),
      /scaling.scaleDownDelay "0.5s" is out of range/],
    ['resources.memory', () => new ServedModel(newChart(), 'm', { ...base, resources: { memory: Size.kibibytes(100) } }), /resources.memory "0.09765625Mi" is too small/],
  ] as const)('%s', (_n, fn, message) => {
    expect(fn).toThrow(message);
  });

  test('sizes that are whole in a smaller unit are accepted', () => {
    expect(() => PodSecurity.restricted({ scratchSize: Size.kibibytes(1536) })).not.toThrow();
  });
});
