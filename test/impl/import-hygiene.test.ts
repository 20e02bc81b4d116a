/**
 * docs/architecture.md (data flows one way, spec to impl): `impl/` may import the spec's types, codec and
 * signature code, never its checks or transitions (like execution-specs' import-hygiene
 * lint). Every `.ts` / `.mjs` file under `impl/` is parsed; every import or re-export that
 * reaches `spec/` is checked:
 *
 * - type-only imports (`import type`, `type X` specifiers) are always fine;
 * - a value import must name a symbol exported by one of the allowed spec modules;
 *   importing through `spec/index.ts` is fine when every value symbol comes from one;
 * - namespace imports, side-effect imports, `export *` and dynamic `import()` of a
 *   disallowed module (or of the index) cannot be checked symbol by symbol and fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SPEC_DIR = join(ROOT, 'spec');
const IMPL_DIR = join(ROOT, 'impl');

/** Spec modules whose value exports impl/ may use: types, codec, crypto, plain data helpers. */
const ALLOWED_MODULES: readonly string[] = ['bytes', 'integers', 'errors', 'transaction', 'codec', 'hash', 'signature', 'context', 'json'];

/** Checks and transitions that must never be imported as values (each must be flagged). */
const FORBIDDEN_EXAMPLES: readonly string[] = [
  'applyBlock',
  'applyTransaction',
  'applyCredit',
  'validateTransfers',
  'checkFee',
  'computeRequiredFee',
  'computeSpending',
  'computeStateRoot',
  'createState',
  'beginLedger',
];

interface SpecExports {
  /** Value symbol -> spec module (file name without `.ts`) that declares it. */
  readonly values: ReadonlyMap<string, string>;
  /** Symbols declared only as types or interfaces. */
  readonly types: ReadonlySet<string>;
}

/** Read which spec module exports each name (`export function|const|let|class|type|interface NAME`). */
function readSpecExports(): SpecExports {
  const values = new Map<string, string>();
  const types = new Set<string>();
  for (const file of readdirSync(SPEC_DIR)) {
    if (!file.endsWith('.ts') || file === 'index.ts') continue;
    const module = file.slice(0, -3);
    const text = readFileSync(join(SPEC_DIR, file), 'utf8');
    for (const match of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(function\*?|const|let|var|class|enum|type|interface)\s+([A-Za-z_$][\w$]*)/gm)) {
      const [, kind, name] = match;
      if (kind === 'type' || kind === 'interface') types.add(name!);
      else {
        if (values.has(name!) && values.get(name!) !== module) throw new Error(`${name} is exported by two spec modules`);
        values.set(name!, module);
      }
    }
  }
  return { values, types };
}

const SPEC_EXPORTS = readSpecExports();

/** A violation of the rule, for the report. */
export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly what: string;
}

/** The spec module (`'index'`, `'codec'`, ...) a specifier reaches from `file`, or null when it is not in spec/. */
function specModuleOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(file), specifier);
  const rel = relative(SPEC_DIR, target);
  if (rel.startsWith('..') || rel.includes('/') || rel === '') {
    // Directory import of spec itself ('../spec') means its index.
    return target === SPEC_DIR ? 'index' : null;
  }
  return rel.replace(/\.(ts|js|mjs|mts)$/, '');
}

/** Is this value symbol, imported from `module`, allowed? */
function checkValueName(module: string, name: string): string | null {
  const home = SPEC_EXPORTS.values.get(name);
  if (home === undefined) {
    if (SPEC_EXPORTS.types.has(name)) return null; // a type named without `type`: erased, harmless
    return `value '${name}' is not exported by any spec module`;
  }
  if (module !== 'index' && module !== home) return `value '${name}' is not exported by spec/${module}.ts`;
  if (!ALLOWED_MODULES.includes(home)) return `value '${name}' comes from spec/${home}.ts (checks or transitions)`;
  return null;
}

/** Check one source text; returns every violation. */
export function checkSource(file: string, text: string): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const violations: Violation[] = [];
  const report = (specifier: string, what: string): void => {
    violations.push({ file: relative(ROOT, file) || file, specifier, what });
  };
  const moduleAllowed = (module: string): boolean => module !== 'index' && ALLOWED_MODULES.includes(module);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      const module = specModuleOf(file, specifier);
      if (module !== null) {
        const clause = node.importClause;
        if (clause === undefined) {
          if (!moduleAllowed(module)) report(specifier, `side-effect import of spec/${module}.ts`);
        } else if (!clause.isTypeOnly) {
          if (clause.name !== undefined && !moduleAllowed(module)) report(specifier, `default import from spec/${module}.ts`);
          const bindings = clause.namedBindings;
          if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
            if (!moduleAllowed(module)) report(specifier, `namespace import of spec/${module}.ts`);
          } else if (bindings !== undefined) {
            for (const element of bindings.elements) {
              if (element.isTypeOnly) continue;
              const problem = checkValueName(module, (element.propertyName ?? element.name).text);
              if (problem) report(specifier, problem);
            }
          }
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      const module = specModuleOf(file, specifier);
      if (module !== null && !node.isTypeOnly) {
        const clause = node.exportClause;
        if (clause === undefined || ts.isNamespaceExport(clause)) {
          if (!moduleAllowed(module)) report(specifier, `re-export of all of spec/${module}.ts`);
        } else {
          for (const element of clause.elements) {
            if (element.isTypeOnly) continue;
            const problem = checkValueName(module, (element.propertyName ?? element.name).text);
            if (problem) report(specifier, problem);
          }
        }
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const argument = node.arguments[0];
      if (argument !== undefined && ts.isStringLiteralLike(argument)) {
        const module = specModuleOf(file, argument.text);
        if (module !== null && !moduleAllowed(module)) report(argument.text, `dynamic import of spec/${module}.ts`);
      } else if (argument !== undefined) {
        report('<computed>', 'dynamic import with a computed specifier');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return violations;
}

function listImplFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...listImplFiles(path));
    else if (/\.(ts|mts|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

const FAKE_FILE = join(IMPL_DIR, 'fake.ts');

describe('import hygiene: impl/ never imports the spec checks or transitions (docs/architecture.md)', () => {
  it('knows the spec exports it reasons about', () => {
    expect(SPEC_EXPORTS.values.get('applyBlock')).toBe('block');
    expect(SPEC_EXPORTS.values.get('decodeTransaction')).toBe('codec');
    expect(SPEC_EXPORTS.values.get('verifySignature')).toBe('signature');
    expect(SPEC_EXPORTS.values.get('TOS_ASSET')).toBe('bytes');
    for (const name of FORBIDDEN_EXAMPLES) expect(SPEC_EXPORTS.values.has(name), name).toBe(true);
  });

  it('every .ts/.mjs file under impl/ imports only types, codec, crypto and plain helpers from spec/', () => {
    const files = listImplFiles(IMPL_DIR);
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(files.some((file) => file.endsWith('.mjs'))).toBe(true);
    const violations = files.flatMap((file) => checkSource(file, readFileSync(file, 'utf8')));
    expect(violations).toEqual([]);
  });

  it('impl/ does reach the spec (the checker is not vacuous)', () => {
    const files = listImplFiles(IMPL_DIR);
    const reaching = files.filter((file) => /from\s+['"]\.\.?\/(\.\.\/)*spec\//.test(readFileSync(file, 'utf8')));
    expect(reaching.length).toBeGreaterThan(3);
  });

  describe('self-check on synthetic sources', () => {
    for (const name of FORBIDDEN_EXAMPLES) {
      it(`flags a value import of ${name} through the index and directly`, () => {
        const viaIndex = checkSource(FAKE_FILE, `import { bytesToHex, ${name}, type State } from '../spec/index.ts';\n`);
        expect(viaIndex.map((violation) => violation.what)).toEqual([expect.stringContaining(`'${name}'`)]);
        const module = SPEC_EXPORTS.values.get(name)!;
        const direct = checkSource(FAKE_FILE, `import {\n  ${name} as renamed,\n} from '../spec/${module}.ts';\n`);
        expect(direct).toHaveLength(1);
      });
    }

    it('accepts type-only imports of anything and value imports of codec, crypto and data helpers', () => {
      const text = [
        `import type { Ledger, Receipt } from '../spec/index.ts';`,
        `import { type State, type Rejection, decodeTransaction, verifySignature, bytesToHex, MAX_U64, stateToJson, computeMultiSigMessage } from '../spec/index.ts';`,
        `import { encodeTransaction } from '../spec/codec.ts';`,
        `import * as signature from '../spec/signature.ts';`,
        `export { TOS_ASSET } from '../spec/bytes.ts';`,
        `export type { Ledger } from '../spec/ledger.ts';`,
        `import { createState } from './not-the-spec.ts';`,
      ].join('\n');
      expect(checkSource(FAKE_FILE, text)).toEqual([]);
    });

    it('flags namespace imports, re-exports, dynamic imports and renamed or unknown symbols', () => {
      const text = [
        `import * as spec from '../spec/index.ts';`,
        `export * from '../spec/block.ts';`,
        `export { applyMinerFees as fees } from '../spec/index.ts';`,
        `const ledger = await import('../spec/ledger.ts');`,
        `import { checkFee as fee } from '../spec/fee.ts';`,
        `import { validateBurn } from '../spec/codec.ts';`,
        `import { noSuchThing } from '../spec/index.ts';`,
        `import '../spec/state.ts';`,
      ].join('\n');
      expect(checkSource(FAKE_FILE, text)).toHaveLength(8);
    });

    it('resolves nested files and .mjs workers', () => {
      const nested = join(IMPL_DIR, 'workers', 'fake.mjs');
      expect(checkSource(nested, `import { applyTransaction } from '../../spec/index.ts';\n`)).toHaveLength(1);
      expect(checkSource(nested, `import { decodeTransaction } from '../../spec/index.ts';\n`)).toEqual([]);
      expect(checkSource(nested, `import { applyTransaction } from '../spec/index.ts';\n`)).toEqual([]); // impl/spec is not the spec
    });
  });
});
