/**
 * The public surface of the package: the names each entry point of package.json's
 * `exports` map provides are checked against a committed snapshot
 * (test/package/exports.snapshot.json), so the surface changes only on purpose; internals
 * (test keys, fault injection, broken variants) stay out of the main entry points; and the
 * package's file list holds only the compiled code, the bins and the changelog.
 *
 * After an intended change of the public surface, regenerate the snapshot with
 *
 *     npm run exports:snapshot
 *
 * (that is `UPDATE_EXPORTS_SNAPSHOT=1 vitest run test/package/exports.test.ts`) and commit it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const snapshotFile = join(root, 'test', 'package', 'exports.snapshot.json');
const update = process.env['UPDATE_EXPORTS_SNAPSHOT'] === '1';

interface PackageJson {
  readonly types: string;
  readonly main: string;
  readonly exports: Record<string, string | { readonly types: string; readonly default: string }>;
  readonly bin: Record<string, string>;
  readonly files: readonly string[];
}
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** The public names of one entry point: run-time values and type-only names, each sorted. */
interface Surface {
  readonly values: readonly string[];
  readonly types: readonly string[];
}

/** The TypeScript source that a compiled `./dist/<path>.js` comes from. */
function sourceOf(built: string): string {
  const match = /^\.\/dist\/(.+)\.js$/.exec(built);
  if (match === null) throw new Error(`export target ${built} is not a module under ./dist`);
  return `${match[1]!}.ts`;
}

/** Module entry points of the exports map (subpath -> source file), without patterns and package.json. */
const entries: [string, string][] = Object.entries(packageJson.exports).flatMap(([subpath, target]): [string, string][] =>
  typeof target === 'string' ? [] : [[subpath, sourceOf(target.default)]],
);

/** Type-checker view of the exports of some source modules. */
function typeSurfaces(files: readonly string[]): Map<string, { values: string[]; types: string[] }> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('tsconfig.json does not parse');
  const program = ts.createProgram(
    files.map((file) => join(root, file)),
    { ...config.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const result = new Map<string, { values: string[]; types: string[] }>();
  for (const file of files) {
    const source = program.getSourceFile(join(root, file));
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
    const values: string[] = [];
    const types: string[] = [];
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
    }
    result.set(file, { values: values.sort(), types: types.sort() });
  }
  return result;
}

async function runtimeValues(file: string): Promise<string[]> {
  const module = (await import(join(root, file))) as Record<string, unknown>;
  return Object.keys(module).sort();
}

/** Internal modules and the entry points allowed to export their names. */
const INTERNALS: readonly { readonly file: string; readonly allowedIn: readonly string[] }[] = [
  { file: 'spec/test-keys.ts', allowedIn: ['./testing'] },
  { file: 'impl/faults.ts', allowedIn: [] },
  { file: 'conformance/variants/index.ts', allowedIn: [] },
];

describe('package exports', async () => {
  const surfaces = typeSurfaces([...new Set([...entries.map(([, file]) => file), ...INTERNALS.map((internal) => internal.file)])]);
  const current: Record<string, Surface> = {};
  for (const [subpath, file] of entries) current[subpath] = surfaces.get(file)!;

  it('the exports map has the documented entry points, each with its declarations and a source', () => {
    expect(entries.map(([subpath]) => subpath).sort()).toEqual(['.', './conformance', './impl', './spec', './testing', './vectors']);
    for (const [subpath, target] of Object.entries(packageJson.exports)) {
      if (typeof target === 'string') continue;
      expect(target.types, subpath).toBe(target.default.replace(/\.js$/, '.d.ts'));
      expect(existsSync(join(root, sourceOf(target.default))), `${subpath}: ${sourceOf(target.default)}`).toBe(true);
    }
    const main = packageJson.exports['.'];
    expect(main).toEqual(packageJson.exports['./spec']);
    expect(typeof main === 'string' ? main : [main?.default, main?.types]).toEqual([packageJson.main, packageJson.types]);
  });

  it('the type checker and the module loader agree on the value names of each entry point', async () => {
    for (const [subpath, file] of entries) {
      expect(await runtimeValues(file), subpath).toEqual(current[subpath]!.values);
    }
  });

  it('internals are not exported from the main entry points', () => {
    for (const internal of INTERNALS) {
      const names = [...surfaces.get(internal.file)!.values, ...surfaces.get(internal.file)!.types];
      expect(names.length, internal.file).toBeGreaterThan(0);
      for (const [subpath] of entries) {
        if (internal.allowedIn.includes(subpath)) continue;
        const exported = new Set([...current[subpath]!.values, ...current[subpath]!.types]);
        expect(names.filter((name) => exported.has(name)), `${internal.file} names exported from ${subpath}`).toEqual([]);
      }
    }
  });

  it('each entry point exports exactly the names of the committed snapshot', () => {
    if (update) writeFileSync(snapshotFile, `${JSON.stringify(current, null, 2)}\n`);
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<string, Surface>;
    expect(current, 'the public surface changed: if on purpose, run `npm run exports:snapshot` and commit the snapshot').toEqual(snapshot);
  });

  it('the bins exist and the package files are the compiled code, the bins and the changelog only', () => {
    for (const [name, file] of Object.entries(packageJson.bin)) {
      expect(existsSync(join(root, file)), name).toBe(true);
      expect(readFileSync(join(root, file), 'utf8').startsWith('#!/usr/bin/env node\n'), name).toBe(true);
    }
    expect(packageJson.files).toEqual(['dist/', 'bin/', 'CHANGELOG.md']);
    // What npm would pack (without building first): only the manifest, the README, the
    // licence, the changelog, dist/ and bin/ — no tests, CI, benchmarks, scripts, sources or release files.
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as { files: { path: string }[] }[];
    const paths = pack!.files.map((file) => file.path);
    expect(paths).toContain('bin/tos-conformance.mjs');
    expect(paths.filter((path) => !/^(dist|bin)\//.test(path) && !/^(package\.json|README\.md|CHANGELOG\.md|LICEN[CS]E(\.\w+)?)$/i.test(path))).toEqual([]);
    expect(paths.filter((path) => /\.tar\.gz$|SHA256SUMS|(^|\/)release\//.test(path))).toEqual([]);
  });
});
