/**
 * Compiles every CRD schema once per test run into standalone ajv validator
 * modules (the InferenceService schema alone takes seconds to compile), kept
 * in `.conformance-cache/<hash of the schema folder and this harness>/`.
 * Jest's global setup builds the cache; each test file only `require`s it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
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

/**
 * The validator modules are large (the InferenceService one is over 10 MB of
 * generated code) and every test file loads its own copy: parsing them was a
 * good part of each file's start-up. V8's code cache for each module, made
 * once per V8 version, lets each test file skip that parse.
 */
function wrapModule(source: string): string {
  return `(function (exports, require, module) {${source}\n})`;
}

function codeCacheFile(file: string): string {
  return `${file}.v8-${process.versions.v8}.cache`;
}

function compileModule(file: string): vm.Script {
  const cacheFile = codeCacheFile(file);
  const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
  return new vm.Script(wrapModule(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
}

/**
 * Loads one validator module (the harness's replacement for `require`): the
 * function lives in the worker's own context, which is fine for a function
 * that only reads JSON data.
 */
export function loadValidator(file: string): any {
  const m: { exports: any } = { exports: {} };
  compileModule(file).runInThisContext()(m.exports, require, m);
  return m.exports.default ?? m.exports;
}

/** Writes the V8 code cache of every validator module that has none for this V8 version. */
function ensureCodeCaches(cache: string, entries: Record<string, string>): void {
  for (const file of Object.values(entries).map((f) => path.join(cache, f))) {
    if (fs.existsSync(codeCacheFile(file))) continue;
    const script = compileModule(file);
    // Run the module and the validator once first: V8 compiles a function on
    // its first call, and the cache holds only what is compiled by then.
    const m: { exports: any } = { exports: {} };
    script.runInThisContext()(m.exports, require, m);
    (m.exports.default ?? m.exports)({});
    const tmp = `${codeCacheFile(file)}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, codeCacheFile(file));
  }
}

/** Builds the validator modules (and their code caches) unless they are already there; returns the folder. */
export function ensureValidatorCache(dir: string = crdsDir()): string {
  const cache = cacheDirFor(dir);
  const index = path.join(cache, 'index.json');
  if (fs.existsSync(index)) {
    ensureCodeCaches(cache, JSON.parse(fs.readFileSync(index, 'utf8')));
    return cache;
  }
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
  // Folders of earlier schema sets or harness versions are never read again.
  for (const old of fs.readdirSync(CACHE_ROOT)) {
    if (path.join(CACHE_ROOT, old) !== cache && !old.includes('.tmp-')) fs.rmSync(path.join(CACHE_ROOT, old), { recursive: true, force: true });
  }
  ensureCodeCaches(cache, entries);
  return cache;
}
