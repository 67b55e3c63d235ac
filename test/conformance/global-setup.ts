import * as fs from 'fs';
import { crdsDir, CRDS_DIR_ENV } from './crd-schemas';
import { ensureValidatorCache } from './validator-cache';

/** Jest global setup: compile every CRD schema once for the whole run. */
export default function globalSetup(): void {
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
