#!/usr/bin/env node
// `npm run build`: compile spec/, impl/ and conformance/ into dist/ with type declarations
// (tsconfig.build.json), then copy what the compiled code reads at run time beside it:
// every .mjs, .txt and .json file under those directories, at the same relative place,
// and the vectors (the compiled harness finds them at dist/vectors, as the
// sources find them at vectors/). dist/ is emptied first, so a removed module never ships.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const SOURCE_DIRECTORIES = ['spec', 'impl', 'conformance'];
const ASSET = /\.(mjs|txt|json)$/;

rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${compiled.status ?? compiled.signal})\n`);
  process.exit(1);
}

// tsc rewrites relative `.ts` imports to `.js` in the JavaScript it emits, but not in the
// declarations: rewrite them there too, so the declarations read like any package's and
// type-check with TypeScript versions that do not map `.ts` imports to `.d.ts` files.
const RELATIVE_TS_IMPORT = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;
function rewriteDeclarations(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) rewriteDeclarations(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const rewritten = text.replace(RELATIVE_TS_IMPORT, '$1$2$3.js$2');
      if (rewritten !== text) writeFileSync(path, rewritten);
    }
  }
}
rewriteDeclarations(dist);

let assets = 0;
function copyAssets(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (ASSET.test(name)) {
      cpSync(path, join(dist, relative(root, path)));
      assets++;
    }
  }
}
for (const directory of SOURCE_DIRECTORIES) copyAssets(join(root, directory));

// The vectors, regressions included (they are part of vectors/index.json).
const vectors = join(root, 'vectors');
if (!existsSync(join(vectors, 'index.json'))) {
  process.stderr.write('build: vectors/index.json is missing\n');
  process.exit(1);
}
cpSync(vectors, join(dist, 'vectors'), { recursive: true });
process.stdout.write(`build: dist/ compiled, ${assets} assets and the vectors copied\n`);
