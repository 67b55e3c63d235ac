import * as fs from 'fs';
import * as path from 'path';
import { expectRestricted } from './conformance/pod-security';
import { synthApp, testOutdir } from './util';

const examplesDir = path.join(__dirname, '..', 'examples');
const names = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();

describe('examples', () => {
  test('there are examples', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  test.each(names)('%s synthesizes valid documents', (name) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(examplesDir, name));
    const docs = synthApp(buildApp(testOutdir()));
    expect(docs.length).toBeGreaterThan(0);
    // Every example serves a model: the pod checks ran on at least one pod.
    expect(expectRestricted(docs)).toBeGreaterThan(0);
    // Every document says what it is, who wrote it and the application it is part of
    // (a model's, or its own for what many models share: runtimes, caches, config-features).
    for (const d of docs) {
      expect([d.kind, d.metadata.name, d.metadata.labels]).toEqual([d.kind, d.metadata.name, expect.objectContaining({
        'app.kubernetes.io/component': expect.any(String),
        'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
        'app.kubernetes.io/name': expect.any(String),
        'app.kubernetes.io/part-of': expect.any(String),
      })]);
    }
    expect(docs).toMatchSnapshot();
  });
});
