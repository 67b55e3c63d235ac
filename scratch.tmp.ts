const name = process.argv[2];
const { buildApp } = require(`./examples/${name}`);
const app = buildApp('/tmp/exout');
const docs = app.charts.flatMap((c: any) => c.toJson());
console.log(JSON.stringify(docs.filter((d: any) => ['Service','InferenceService','ConfigMap'].includes(d.kind)), null, 1));
