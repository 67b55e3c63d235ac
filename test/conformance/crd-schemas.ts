/**
 * Loads the upstream CRDs from the shared schema folder and turns each served
 * version into a *closed* JSON schema: every object schema that lists
 * `properties` rejects fields it does not list, so a misspelled field fails
 * here instead of being pruned silently by the API server.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CelNode, celTreeOf } from './cel-rules';

/** Environment variable that points at the CRD folder. */
export const CRDS_DIR_ENV = 'MODEL_SERVING_CRDS_DIR';

/** The CRD folder: `$MODEL_SERVING_CRDS_DIR`, else `../shared/crds` next to the checkout. */
export function crdsDir(): string {
  return path.resolve(process.env[CRDS_DIR_ENV] ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds'));
}

export interface CrdSchema {
  /** `group/version/Kind`, e.g. `serving.kserve.io/v1beta1/InferenceService`. */
  readonly key: string;
  readonly file: string;
  readonly schema: any;
  /** The CEL rule tree of the upstream (unclosed) schema, if it has rules. */
  readonly cel?: CelNode;
}

/** The key a document is looked up by. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export function listCrdFiles(dir: string): string[] {
  const files: string[] = [];
  for (const sub of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, sub);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) {
      if (f.endsWith('.yaml') || f.endsWith('.yml')) files.push(path.join(full, f));
    }
  }
  return files;
}

export function loadCrdSchemas(dir: string): CrdSchema[] {
  const out: CrdSchema[] = [];
  for (const file of listCrdFiles(dir)) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS({ maxAliasCount: -1 });
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema) continue;
        out.push({
          key: kindKey(`${crd.spec.group}/${version.name}`, crd.spec.names.kind),
          file: path.relative(dir, file),
          schema: closeSchema(schema),
          cel: celTreeOf(schema),
        });
      }
    }
  }
  return out;
}

/**
 * Returns a copy of an OpenAPI v3 structural schema with unknown fields
 * rejected and Go-only regex syntax translated for JavaScript.
 */
export function closeSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, closeSchema(pv)]));
    } else if (k === 'pattern' && typeof v === 'string') {
      out.pattern = translateGoRegex(v);
    } else if (k === 'default' || k === 'example' || k === 'enum') {
      out[k] = v;
    } else {
      out[k] = closeSchema(v);
    }
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && !open && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  // apiVersion/kind/metadata are checked separately (metadata is `type: object`
  // in every CRD); the root must still accept them.
  return out;
}

/**
 * RE2 allows an inline case-insensitive flag such as `^(?i)(abort|warn)?$`;
 * JavaScript does not. Drop the flag and spell each literal letter as a
 * two-case class instead (escapes and bracket classes are copied unchanged).
 */
export function translateGoRegex(pattern: string): string {
  const m = /^(\^?)\(\?i\)(.*)$/s.exec(pattern);
  if (!m) return pattern;
  let out = m[1];
  let inClass = false;
  const rest = m[2];
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') {
      out += c + (rest[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += /[a-zA-Z]/.test(c) ? c.toLowerCase() + c.toUpperCase() : c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else {
      out += /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
    }
  }
  return out;
}
