/**
 * The package's commands (bin/): in a clone with the development dependencies they run
 * the TypeScript sources through tsx; where the sources are absent (the installed package)
 * or tsx is not installed (`npm ci --omit=dev`) they run the compiled dist/; with neither
 * they stop with exit code 2 and say what to do. The choice is tested on small packages in
 * temporary directories whose entry modules report which one ran; the real CLI is run
 * from this clone.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { globalHelp } from '../../conformance/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tos-conformance-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let packages = 0;
/** A package directory holding this repository's bin/ and the given files. */
function fakePackage(files: Record<string, string>, options: { tsx?: boolean } = {}): string {
  const directory = join(scratch, `package-${packages++}`);
  cpSync(join(root, 'bin'), join(directory, 'bin'), { recursive: true });
  writeFileSync(join(directory, 'package.json'), '{ "name": "fake", "type": "module" }\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  if (options.tsx === true) {
    mkdirSync(join(directory, 'node_modules'));
    symlinkSync(join(root, 'node_modules', 'tsx'), join(directory, 'node_modules', 'tsx'), 'dir');
  }
  return directory;
}

function run(directory: string, bin: string, args: readonly string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(directory, 'bin', bin), ...args], { cwd: directory, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const BUILT_CLI = "export async function main(argv) { console.log('built ' + argv.join(' ')); return 3; }\n";
const SOURCE_CLI = "export async function main(argv: readonly string[]): Promise<number> { console.log('source ' + argv.join(' ')); return 4; }\n";

describe('bin/tos-conformance.mjs', () => {
  it('runs dist/ in an installed package (no sources), passing the arguments and the exit code', () => {
    const directory = fakePackage({ 'dist/conformance/cli.js': BUILT_CLI });
    expect(run(directory, 'tos-conformance.mjs', ['vectors', '--adapter', 'x'])).toMatchObject({ status: 3, stdout: 'built vectors --adapter x\n' });
  });

  it('runs dist/ in a clone without tsx (npm ci --omit=dev)', () => {
    const directory = fakePackage({ 'conformance/cli.ts': SOURCE_CLI, 'dist/conformance/cli.js': BUILT_CLI });
    expect(run(directory, 'tos-conformance.mjs', ['help'])).toMatchObject({ status: 3, stdout: 'built help\n' });
  });

  it('runs the TypeScript sources through tsx in a clone with it, even when dist/ is built', () => {
    const directory = fakePackage({ 'conformance/cli.ts': SOURCE_CLI, 'dist/conformance/cli.js': BUILT_CLI }, { tsx: true });
    expect(run(directory, 'tos-conformance.mjs', ['help'])).toMatchObject({ status: 4, stdout: 'source help\n' });
  });

  it('stops with exit code 2 and what to do when there is neither dist/ nor tsx', () => {
    const directory = fakePackage({ 'conformance/cli.ts': SOURCE_CLI });
    const result = run(directory, 'tos-conformance.mjs', ['help']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/dist\/conformance\/cli\.js is not built.*npm ci.*npm run build/);
  });

  it('runs the real CLI from this clone: help prints the global help, --version the version line', () => {
    expect(run(root, 'tos-conformance.mjs', ['help'])).toMatchObject({ status: 0, stdout: globalHelp() });
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    expect(run(root, 'tos-conformance.mjs', ['--version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(new RegExp(`^tos-conformance ${version.replace(/\./g, '\\.')} \\(vector root hash [0-9a-f]{64}\\)\n$`)) });
  });
});

describe('bin/tos-conformance-builtin-adapter.mjs', () => {
  it('runs the compiled built-in adapter in an installed package', () => {
    const directory = fakePackage({ 'dist/conformance/adapters/builtin.js': "console.log('built adapter');\n" });
    expect(run(directory, 'tos-conformance-builtin-adapter.mjs')).toMatchObject({ status: 0, stdout: 'built adapter\n' });
  });

  it('serves the adapter protocol from this clone: the vectors command passes a vector through it', () => {
    const adapter = `"${process.execPath}" "${join(root, 'bin', 'tos-conformance-builtin-adapter.mjs')}"`;
    const result = run(root, 'tos-conformance.mjs', ['vectors', '--adapter', adapter, '--filter', 'r29-effects']);
    expect(result.stdout).toContain('1 passed, 0 failed, 0 skipped, 0 errors');
    expect(result.status).toBe(0);
  });
});
