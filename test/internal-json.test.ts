import * as fc from 'fast-check';
import { compact, sameJson } from '../src/internal/k8s';

// Both helpers run once per model of a fleet; they trade copies for checks,
// so they are pinned here against plain reference versions.

/** The reference: a fresh copy without undefined values and empty objects/arrays under keys. */
function referenceCompact(value: unknown, drop: boolean = false): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => referenceCompact(v, false)).filter((v) => v !== undefined);
    return drop && out.length === 0 ? undefined : out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = referenceCompact(v, true);
    if (c !== undefined) out[k] = c;
  }
  return drop && Object.keys(out).length === 0 ? undefined : out;
}

/** JSON with object keys sorted, to compare without caring about key order. */
function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const leaf = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string({ maxLength: 3 }), fc.boolean());
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('node'), { maxKeys: 4 }).map((d) => ({ ...d })),
})).node;

describe('compact', () => {
  test('drops undefined values and empty objects/arrays under keys, keeps empty array elements', () => {
    expect(compact({ a: undefined, b: {}, c: [], d: [{}, undefined, []], e: { f: { g: undefined } }, h: 0, i: '' }))
      .toEqual({ d: [{}, []], h: 0, i: '' });
  });

  test('returns parts with nothing to drop as they are (no copy), and never changes its input', () => {
    const shared = { drop: ['ALL'] };
    const input = { keep: shared, gone: undefined, list: [shared] };
    const out = compact(input) as any;
    expect(out).not.toBe(input);
    expect(out.keep).toBe(shared);
    expect(out.list).toBe(input.list);
    expect(input).toEqual({ keep: shared, gone: undefined, list: [shared] });
    const clean = { a: { b: [1] } };
    expect(compact(clean)).toBe(clean);
  });

  test('matches the copying reference on random trees', () => {
    fc.assert(fc.property(tree, (value) => {
      const before = JSON.stringify(value);
      expect(compact(value)).toEqual(referenceCompact(value));
      expect(JSON.stringify(value)).toBe(before);
    }), { seed: SEED, numRuns: 1000 });
  });
});

describe('sameJson', () => {
  test('ignores key order and undefined values, as JSON does', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [1] }, { a: { 0: 1 } })).toBe(false);
  });

  test('compares class instances by their fields, and honours toJSON', () => {
    class Box { constructor(readonly v: number) {} }
    expect(sameJson(new Box(1), new Box(1))).toBe(true);
    expect(sameJson(new Box(1), new Box(2))).toBe(false);
    expect(sameJson({ toJSON: () => 'x' }, { toJSON: () => 'x' })).toBe(true);
  });

  test('agrees with comparing key-sorted JSON on random trees', () => {
    fc.assert(fc.property(tree, tree, (a, b) => {
      expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      expect(sameJson(a, a)).toBe(true);
      expect(sameJson(a, structuredClone(a))).toBe(true);
    }), { seed: SEED, numRuns: 1000 });
  });
});
