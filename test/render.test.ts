import * as path from 'path';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { ModelFormat, ModelStorage, ServedModel, ServingPlatform } from '../src';
import { testApp, testOutdir } from './util';
import { exampleNames } from '../scripts/synth-examples';

/** What cdk8s's own `ApiObject.toJson()` renders for a document (resolving its `Lazy` spec). */
function renderedByCdk8s(o: ApiObject): any {
  return ApiObject.prototype.toJson.call(o);
}

function modelDocuments(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && ServedModel.isServedModel(c.node.scope));
}

describe('model documents render as cdk8s renders them', () => {
  test.each(exampleNames())('every model document of the %s example', (name) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(__dirname, '..', 'examples', name));
    const app: App = buildApp(testOutdir());
    const docs = modelDocuments(app);
    // Every example serves a model, but for LlmService ones (they may have none).
    expect(docs.length > 0 || name.startsWith('llm-')).toBe(true);
    for (const d of docs) {
      const direct = d.toJson();
      // Same content and the same key order (YAML output follows it).
      expect(JSON.stringify(direct)).toEqual(JSON.stringify(renderedByCdk8s(d)));
    }
  });

  function model(app: App): ServedModel {
    const chart = new Chart(app, 'c', { namespace: 'ml' });
    return new ServedModel(chart, 'iris', {
      format: ModelFormat.SKLEARN,
      storage: ModelStorage.fromUri('s3://models/iris'),
      platform: ServingPlatform.kubernetesDeployment(),
    });
  }

  test('resolvers of the app still act on every value', () => {
    const upper: IResolver = {
      resolve(context: ResolutionContext) {
        if (context.value === '--model_name=iris') context.replaceValue('--model_name=RESOLVED');
      },
    };
    const app = new App({ outdir: testOutdir(), resolvers: [upper] });
    const m = model(app);
    const out = m.apiObject.toJson();
    expect(out.metadata.namespace).toBe('ml');
    expect(out.spec.template.spec.containers[0].args[0]).toBe('--model_name=RESOLVED');
  });

  test('JSON patches on the escape hatch are applied', () => {
    const m = model(testApp());
    m.apiObject.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 7));
    expect(m.apiObject.toJson().spec.minReadySeconds).toBe(7);
  });

  test('a token in the metadata is resolved', () => {
    const m = model(testApp());
    m.apiObject.metadata.addAnnotation('example.com/lazy', Lazy.any({ produce: () => 'produced' }) as unknown as string);
    expect(m.apiObject.toJson().metadata.annotations['example.com/lazy']).toBe('produced');
  });

  test('CDK8S_DISABLE_SORT leaves keys in the order cdk8s keeps', () => {
    const m = model(testApp());
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(JSON.stringify(m.apiObject.toJson())).toEqual(JSON.stringify(renderedByCdk8s(m.apiObject)));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });
});
