// Rollout strategies of KServe Standard mode (the predictor's
// deploymentStrategy): a GPU model that may never run below capacity
// (one extra pod at a time), and a model that cannot run two versions at
// once (recreate). The same value works on the Kubernetes Deployment platform.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { PercentOrAbsolute } from 'cdk8s-plus-28';
import { Accelerator, DeploymentStrategy, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'rollouts', { namespace: 'ml' });

  new ServedModel(chart, 'ranker', {
    format: ModelFormat.PYTORCH,
    storage: ModelStorage.fromUri('s3://models/ranker/v12'),
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.fixedReplicas(4),
    deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.absolute(0) }),
  });

  new ServedModel(chart, 'batch-scorer', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/scorer/v3'),
    platform: ServingPlatform.kserveStandard(),
    deploymentStrategy: DeploymentStrategy.recreate(),
  });

  return app;
}

if (require.main === module) buildApp().synth();
