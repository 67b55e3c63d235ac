export * from './model/components';
export * from './model/format';
export * from './model/protocol';
export { ModelStorage } from './model/storage';
export * from './model/served-model';
export { Scaling, ScalingMetric } from './scaling/scaling';
export type { ScalingOptions, ScaleToZeroOptions, AutoscaleOptions } from './scaling/scaling';
export { Accelerator, MigStrategy } from './scheduling/accelerator';
export type {
  NvidiaGpuOptions, NvidiaMigOptions, SharedNvidiaGpuOptions, GpuRequirements, CustomAcceleratorOptions,
} from './scheduling/accelerator';
export type { ModelStartup } from './scheduling/startup';
export { KnativeFeatures, FeatureFlagState } from './scheduling/knative-features';
export type { KnativeFeaturesProps } from './scheduling/knative-features';
export { GpuCapacityReport } from './report/gpu-capacity-report';
export type { GpuCapacityReportProps, GpuCapacityEntry, GpuCapacityTotal } from './report/gpu-capacity-report';
export * from './scheduling/gpu-product';
export * from './scheduling/node-pool';
export * from './platforms/platform';
export { StandardAutoscaler } from './platforms/kserve';
export * from './rollout/canary-rollout';
export { RolloutAnalysis, MetricCheck } from './rollout/analysis';
export type { PrometheusAnalysisOptions } from './rollout/analysis';
export { RolloutEngine } from './rollout/engines/engine';
export { ModelServer } from './platforms/model-server-images';
