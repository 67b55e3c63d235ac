/**
 * Compiles every CRD schema once per test run into standalone ajv validator
 * modules (the InferenceService schema alone takes seconds to compile), kept
 * in `.conformance-cache/<hash of the schema folder and this harness>/`.
 * Jest's global setup builds the cache; each test file only `require`s it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { CelNode } from './cel-rules';
import { crdsDir, listCrdFiles, loadCrdSchemas } from './crd-schemas';

/** The file of the cache folder that holds the CEL rule trees by kind key. */
export const CEL_FILE = 'cel-rules.json';

const REPO_ROOT = path.join(__dirname, '..', '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.conformance-cache');

export function newAjv(): Ajv {
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true } });
}

/** The cache folder for the current schema folder. */
export function cacheDirFor(dir: string): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.parse(fs.readFileSync(require.resolve('ajv/package.json'), 'utf8')).version);
  for (const f of [path.join(__dirname, 'crd-schemas.ts'), path.join(__dirname, 'cel-rules.ts'), __filename]) hash.update(fs.readFileSync(f));
  for (const f of listCrdFiles(dir)) {
    hash.update(path.relative(dir, f));
    hash.update(fs.readFileSync(f));
  }
  return path.join(CACHE_ROOT, hash.digest('hex').slice(0, 16));
}

function fileNameFor(key: string): string {
  return key.replace(/[^A-Za-z0-9.-]/g, '_') + '.js';
}

/** Builds the validator modules unless they are already there; returns the folder. */
export function ensureValidatorCache(dir: string = crdsDir()): string {
  const cache = cacheDirFor(dir);
  const index = path.join(cache, 'index.json');
  if (fs.existsSync(index)) return cache;
  const tmp = `${cache}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  const entries: Record<string, string> = {};
  const cel: Record<string, CelNode> = {};
  for (const crd of loadCrdSchemas(dir)) {
    if (crd.cel) cel[crd.key] = crd.cel;
    const ajv = newAjv();
    const validate = ajv.compile(crd.schema);
    const file = fileNameFor(crd.key);
    fs.writeFileSync(path.join(tmp, file), standaloneCode(ajv, validate));
    entries[crd.key] = file;
  }
  // The CEL rule trees, read by every test file instead of the CRD YAML.
  fs.writeFileSync(path.join(tmp, CEL_FILE), JSON.stringify(cel));
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify(entries, undefined, 2));
  fs.rmSync(cache, { recursive: true, force: true });
  fs.renameSync(tmp, cache);
  return cache;
}
