import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crdsDir, CRDS_DIR_ENV } from './crd-schemas';
import { ensureValidatorCache } from './validator-cache';
import { RUN_TMPDIR_ENV } from '../fixtures/temp';

/**
 * Jest global setup: one temporary folder for the whole run (the workers,
 * started after this, inherit TMPDIR; global-teardown.ts checks it is left
 * empty), then every CRD schema compiled once for the whole run.
 */
export default function globalSetup(): void {
  if (!process.env[RUN_TMPDIR_ENV]) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-jest-'));
    process.env[RUN_TMPDIR_ENV] = tmp;
    process.env.TMPDIR = tmp;
  }
  const dir = crdsDir();
  if (!fs.existsSync(dir)) {
    const msg = `conformance: CRD schema folder ${dir} not found (set ${CRDS_DIR_ENV} to the folder holding the upstream CRDs)`;
    if (process.env.CI) throw new Error(`${msg}; CI never skips the schema check`);
    console.warn(`WARNING ${msg}: schema checks are SKIPPED outside CI`);
    return;
  }
  const start = Date.now();
  const cache = ensureValidatorCache(dir);
  console.log(`conformance: validators for ${dir} ready in ${cache} (${Date.now() - start} ms)`);
}
