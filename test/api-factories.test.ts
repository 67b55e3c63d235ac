/**
 * Options objects for every factory with more than one value (issue 19):
 * a positional list reads differently in every jsii language (Python
 * keywords, Java overloads), and a second positional value of the same type
 * is swapped without a compiler noticing. Read from the public API's source
 * with the TypeScript compiler, so a new factory is checked on its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../src';

const SRC = path.join(__dirname, '..', 'src');

interface Factory {
  readonly name: string;
  readonly params: Array<{ name: string; type: string }>;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * The public static methods of every class the package exports: parsed
 * only (no type check, which would cost seconds), the exported names taken
 * from the package itself.
 */
function publicFactories(): Factory[] {
  const exported = new Set(Object.keys(lib));
  const out: Factory[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
    for (const decl of source.statements) {
      if (!ts.isClassDeclaration(decl) || !decl.name || !exported.has(decl.name.text)) continue;
      for (const member of decl.members) {
        if (!ts.isMethodDeclaration(member)) continue;
        const mods = (member.modifiers ?? []).map((m) => m.kind);
        const hidden = mods.includes(ts.SyntaxKind.PrivateKeyword) || mods.includes(ts.SyntaxKind.ProtectedKeyword);
        if (!mods.includes(ts.SyntaxKind.StaticKeyword) || hidden) continue;
        const name = member.name.getText(source);
        if (name.startsWith('_')) continue;
        out.push({
          name: `${decl.name.text}.${name}`,
          params: member.parameters.map((p) => ({ name: p.name.getText(source), type: p.type?.getText(source) ?? '' })),
        });
      }
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The values a factory takes besides the construct scope and id of an
 * importer (`fromConfigName(scope, id, name, options)`) and a trailing
 * options object.
 */
function positionalValues(f: Factory): string[] {
  let params = f.params;
  if (params[0]?.type === 'Construct' && params[1]?.name === 'id') params = params.slice(2);
  const last = params[params.length - 1];
  if (last && /(Options|Props)$/.test(last.type)) params = params.slice(0, -1);
  return params.map((p) => p.name);
}

/** Factories of other families that still take several values; each is being changed on its own branch. */
const KNOWN_POSITIONAL: string[] = [];

describe('factories', () => {
  const factories = publicFactories();

  test('the public API was read (a parser that read nothing would find no violation)', () => {
    const names = factories.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['HeaderMatch.exact', 'NetworkPeer.pods', 'LoraAdapter.of', 'LlmServiceConfig.fromConfigName', 'ModelStorage.fromS3']));
  });

  test('take at most one value before an options object', () => {
    const several = factories.filter((f) => positionalValues(f).length > 1).map((f) => `${f.name}(${positionalValues(f).join(', ')})`);
    expect(several.filter((s) => !KNOWN_POSITIONAL.includes(s.split('(')[0]))).toEqual([]);
    // The known ones still take several values: remove an entry when its factory is fixed.
    expect(several.map((s) => s.split('(')[0]).sort()).toEqual([...KNOWN_POSITIONAL].sort());
  });
});
