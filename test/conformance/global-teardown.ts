import * as fs from 'fs';
import { RUN_TMPDIR_ENV } from '../fixtures/temp';

/**
 * Jest global teardown: the run's temporary folder must be empty once every
 * test file has cleaned up after itself (see fixtures/temp.ts); it is removed
 * either way, and anything left in it fails the run.
 */
export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR_ENV];
  if (!dir || !fs.existsSync(dir)) return;
  // v8-compile-cache (npm, jsii on Node 20) and node-compile-cache (Node >= 22's module compile cache,
  // which npm turns on) are caches child tools keep in TMPDIR, not leaks of the tests.
  const left = fs.readdirSync(dir).filter((f) => !f.startsWith('v8-compile-cache') && f !== 'node-compile-cache').sort();
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`tests left ${left.length} entries in their temporary folder ${dir}: ${left.slice(0, 20).join(', ')}; remove them (or use testApp()/freshOutdir() from test/util)`);
  }
}
