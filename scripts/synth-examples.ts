/**
 * Synthesizes every example app in examples/ into dist/examples/<name>/ as
 * plain Kubernetes YAML (one file per chart), ready for kubectl or GitOps.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const outRoot = path.join(root, 'dist', 'examples');

export function exampleNames(): string[] {
  return fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
}

function main(): void {
  fs.rmSync(outRoot, { recursive: true, force: true });
  for (const name of exampleNames()) {
    const outdir = path.join(outRoot, name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(examplesDir, name));
    mod.buildApp(outdir).synth();
    const files = fs.readdirSync(outdir).sort();
    console.log(`${name}: ${files.map((f) => path.join('dist/examples', name, f)).join(', ')}`);
  }
}

if (require.main === module) main();
