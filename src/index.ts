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
export * from './security/network-policy';
export { GraphNode, RouterType } from './graph/graph-node';
export type { GraphNodeOptions } from './graph/graph-node';
export { GraphStep, StepData, StepDependency } from './graph/graph-step';
export type { GraphStepOptions, ModelStepOptions } from './graph/graph-step';
export { InferenceGraph, GraphDeploymentMode } from './graph/inference-graph';
export type { InferenceGraphProps, RouterTimeouts } from './graph/inference-graph';
export { ServingRuntime, ClusterServingRuntime } from './runtime/serving-runtime';
export type {
  IServingRuntime, SupportedModelFormat, ServingRuntimeBaseProps, ServingRuntimeProps, ClusterServingRuntimeProps,
} from './runtime/serving-runtime';
export { LocalModelCache, LocalModelNodeGroup } from './cache/local-model-cache';
export type { LocalModelCacheProps, LocalModelNodeGroupProps } from './cache/local-model-cache';
export { LlmDataType, LlmBackend } from './llm/llm-options';
export type { LlmOptions } from './llm/llm-options';
export { ModelServer } from './platforms/model-server-images';
export { PodSecurity } from './security/pod-security';
export type { RestrictedPodSecurityOptions } from './security/pod-security';
export { GatewayRef } from './traffic/gateway-ref';
export type { GatewayRefOptions } from './traffic/gateway-ref';
export { GatewayExposure } from './traffic/gateway-exposure';
export type { GatewayRouteOptions } from './traffic/gateway-exposure';
