#!/usr/bin/env bash
# The package as a consumer gets it: build, npm pack, install the tarball into an empty
# scratch project (runtime dependencies only, no tsx, no TypeScript) and use it there:
# the spec and the executor from plain .mjs and from a .ts file checked with tsc (the
# repository's TypeScript, run by path), a signed transfer executed by the spec and by the
# executor on worker threads loading the compiled files, and the tos-conformance command
# running generated blocks through the executor and every vector through the built-in
# adapter; the JavaScript example of docs/install.md runs there too. Prints the tarball's
# size and file count; exits non-zero on any failure.
#
#   bash scripts/pack-smoke.sh        (or npm run pack:smoke)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/tos-conformance-pack-smoke.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
step() { printf '\npack-smoke: %s\n' "$*"; }
fail() { printf 'pack-smoke: FAILED: %s\n' "$*" >&2; exit 1; }

step "build"
(cd "$repo" && npm run --silent build)

step "npm pack"
(cd "$repo" && npm pack --ignore-scripts --json --pack-destination "$scratch" >"$scratch/pack.json")
tarball="$(node -e '
  const [pack] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bad = pack.files.map((f) => f.path).filter((p) => !/^(dist|bin)\//.test(p) && !/^(package\.json|README\.md|CHANGELOG\.md|LICEN[CS]E(\.\w+)?)$/i.test(p));
  if (bad.length > 0) { console.error("unexpected files in the tarball: " + bad.join(", ")); process.exit(1); }
  for (const needed of ["bin/tos-conformance.mjs", "bin/tos-conformance-builtin-adapter.mjs", "CHANGELOG.md", "LICENSE", "dist/spec/index.js", "dist/spec/index.d.ts",
    "dist/impl/workers/tasks.worker.js", "dist/vectors/schema/run-report.schema.json", "dist/vectors/index.json", "dist/vectors/schema/adapter-protocol.schema.json"]) {
    if (!pack.files.some((f) => f.path === needed)) { console.error("missing from the tarball: " + needed); process.exit(1); }
  }
  console.error(`pack-smoke: tarball ${pack.filename}: ${(pack.size / 1024).toFixed(0)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${pack.entryCount} files`);
  console.log(pack.filename);
' "$scratch/pack.json")" || fail "tarball contents"

step "install the tarball into an empty project (runtime dependencies only)"
project="$scratch/project"
mkdir "$project"
cd "$project"
printf '{ "name": "scratch", "version": "1.0.0", "private": true, "type": "module" }\n' >package.json
started=$(date +%s)
npm install --omit=dev --no-audit --no-fund --loglevel=error "$scratch/$tarball"
printf 'pack-smoke: installed in %s s; node_modules: %s packages, %s\n' "$(($(date +%s) - started))" \
  "$(npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l)" "$(du -sh node_modules | cut -f1)"
for absent in tsx typescript esbuild vitest; do
  [ ! -e "node_modules/$absent" ] || fail "$absent was installed with the package"
done
node --input-type=module -e "import('tsx').then(() => process.exit(1), () => process.exit(0))" || fail "tsx is resolvable from the scratch project"

step "plain JavaScript (.mjs)"
cat >smoke.mjs <<'JS'
import { applyBlock, computeRequiredFee, createState, encodeTransaction, toU64, TOS_ASSET } from 'tos-conformance';
import * as spec from 'tos-conformance/spec';
import { ParallelExecutor } from 'tos-conformance/impl';
import { createTestKey, signTransaction } from 'tos-conformance/testing';
import { resultToJson } from 'tos-conformance/vectors';
import { agreementProperty } from 'tos-conformance/conformance';
import index from 'tos-conformance/vectors/index.json' with { type: 'json' };

if (spec.applyBlock !== applyBlock) throw new Error('tos-conformance and tos-conformance/spec differ');
if (typeof agreementProperty !== 'function') throw new Error('the conformance entry has no agreementProperty');
if (!(index.total > 0) || index.vectors.length !== index.total) throw new Error('the vector index from tos-conformance/vectors/index.json is empty or inconsistent');

// Sixteen signed transfers from sixteen senders to one receiver.
const receiver = createTestKey('receiver');
const senders = Array.from({ length: 16 }, (_, i) => createTestKey(`sender-${i}`));
const state = createState({ accounts: senders.map((key) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, 1_000_000n]] })) });
const transactions = senders.map((key) => {
  const unsigned = {
    version: 1, chainId: 0, source: key.publicKey,
    payload: { kind: 'transfers', transfers: [{ asset: TOS_ASSET, destination: receiver.publicKey, amount: toU64(250n), extraData: null }] },
    fee: toU64(0n), feeType: 0, nonce: toU64(0n),
    reference: { hash: '00'.repeat(32), topoheight: toU64(0n) }, multisig: null, signature: '00'.repeat(64),
  };
  const fee = computeRequiredFee(unsigned, encodeTransaction(unsigned).length);
  return encodeTransaction(signTransaction({ ...unsigned, fee }, key.secret));
});
const context = { chainId: 0, topoheight: toU64(1n), miner: createTestKey('miner').publicKey, ledger: 'immediate' };

const expected = applyBlock(state, context, transactions);
if (!expected.ok || expected.receipts.some((receipt) => receipt.status !== 'applied')) throw new Error(`the spec did not apply the block: ${JSON.stringify(resultToJson(expected))}`);
// Two worker threads, every level applied on them, any worker failure fails the block:
// the block only executes if the workers load the compiled task module.
const executor = new ParallelExecutor({ workers: 2, applyOn: 'workers', onWorkerFailure: 'fail' });
try {
  const actual = await executor.executeBlock(state, context, transactions);
  if (!actual.ok || actual.stateRoot !== expected.stateRoot) throw new Error('the executor disagrees with the spec');
  if (!(executor.stats.levelsOnWorkers > 0)) throw new Error(`no level ran on a worker: ${JSON.stringify(executor.stats)}`);
  console.log(`mjs: ${transactions.length} signed transfers applied, fee total ${expected.feeTotal}, ${executor.stats.levelsOnWorkers} level(s) on workers, state root ${expected.stateRoot}`);
} finally {
  await executor.close();
}
JS
node smoke.mjs

step "TypeScript (.ts checked with tsc, then run as compiled JavaScript)"
# Node's types come from the repository's @types/node, like its TypeScript, so the
# scratch install holds the package and its runtime dependencies only. skipLibCheck is
# off: the package's declarations (and those they pull in) must check too.
cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "typeRoots": ["$repo/node_modules/@types"],
    "types": ["node"],
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": false,
    "outDir": "out"
  },
  "files": ["smoke.ts"]
}
JSON
cat >smoke.ts <<'TS'
import { applyBlock, computeRequiredFee, createState, encodeTransaction, toU64, TOS_ASSET, type BlockContext, type Transaction } from 'tos-conformance';
import { ParallelExecutor, type ExecutorOptions } from 'tos-conformance/impl';
import { createTestKey, signTransaction, type TestKey } from 'tos-conformance/testing';
import { resultToJson } from 'tos-conformance/vectors';

const alice: TestKey = createTestKey('alice');
const bob = createTestKey('bob');
const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] });
const unsigned: Transaction = {
  version: 1, chainId: 0, source: alice.publicKey,
  payload: { kind: 'transfers', transfers: [{ asset: TOS_ASSET, destination: bob.publicKey, amount: toU64(250n), extraData: null }] },
  fee: toU64(0n), feeType: 0, nonce: toU64(0n),
  reference: { hash: '00'.repeat(32), topoheight: toU64(0n) }, multisig: null, signature: '00'.repeat(64),
};
const fee = computeRequiredFee(unsigned, encodeTransaction(unsigned).length);
const bytes: Uint8Array = encodeTransaction(signTransaction({ ...unsigned, fee }, alice.secret));
const context: BlockContext = { chainId: 0, topoheight: toU64(1n), miner: createTestKey('miner').publicKey, ledger: 'deferred-credits' };

// The declarations are real types, not `any`: each line below must be a type error.
// @ts-expect-error a transaction needs every field
const incomplete: Transaction = { version: 1 };
// @ts-expect-error workers is a number
const wrongOptions: ExecutorOptions = { workers: 'two' };
void incomplete;
void wrongOptions;

const expected = applyBlock(state, context, [bytes]);
const executor = new ParallelExecutor({ workers: 2, applyOn: 'workers', onWorkerFailure: 'fail' });
try {
  const actual = await executor.executeBlock(state, context, [bytes]);
  if (!expected.ok || !actual.ok || expected.stateRoot !== actual.stateRoot) throw new Error('the executor disagrees with the spec');
  if (expected.receipts[0]?.status !== 'applied') throw new Error(`not applied: ${JSON.stringify(resultToJson(expected))}`);
  console.log(`ts: signed transfer ${expected.receipts[0].status}, fee ${fee}, state root ${actual.stateRoot}`);
} finally {
  await executor.close();
}
TS
node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json || fail "tsc rejected smoke.ts"
node out/smoke.js

step "the JavaScript example of docs/install.md"
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  const match = /## Use it from JavaScript or TypeScript[\s\S]*?```js\n([\s\S]*?)```/.exec(text);
  if (match === null) { console.error("docs/install.md has no JavaScript example"); process.exit(1); }
  require("fs").writeFileSync("install-example.mjs", match[1]);
' "$repo/docs/install.md"
[ "$(node install-example.mjs)" = "true" ] || fail "the example of docs/install.md did not print true"

step "npx tos-conformance"
npx --no-install tos-conformance help >help.txt
grep -q '^  vectors ' help.txt || fail "tos-conformance help does not list the vectors command"
# The built package behaves as the source tree: the same help for every subcommand, the
# same version line, the same usage errors and exit codes.
for command in "" run vectors fuzz state-root demo; do
  npx --no-install tos-conformance $command --help >installed-help.txt
  (cd "$repo" && node --import tsx conformance/cli.ts $command --help) >source-help.txt
  cmp -s installed-help.txt source-help.txt || fail "tos-conformance $command --help differs between the package and the sources"
done
[ "$(npx --no-install tos-conformance --version)" = "$(cd "$repo" && node --import tsx conformance/cli.ts --version)" ] || fail "--version differs between the package and the sources"
set +e
npx --no-install tos-conformance run --workers 99 2>usage.txt
status=$?
set -e
[ "$status" -eq 2 ] || fail "run --workers 99 exited $status, not 2"
grep -q -- '--workers must be a whole number from 0 to 64' usage.txt || fail "run --workers 99 does not name the valid range"
npx --no-install tos-conformance run --runs 10 --workers 2 --only agreement --failures-dir failures
npx --no-install tos-conformance vectors --adapter "TOS_ADAPTER_WORKERS=2 tos-conformance-builtin-adapter" --json-report vectors-report.json
npx --no-install tos-conformance vectors --adapter "node node_modules/tos-conformance/dist/conformance/adapters/builtin.js" --filter r29
node -e '
  const fs = require("fs");
  const report = JSON.parse(fs.readFileSync("vectors-report.json", "utf8"));
  const index = JSON.parse(fs.readFileSync("node_modules/tos-conformance/dist/vectors/index.json", "utf8"));
  if (!(index.total > 0) || report.total !== index.total || report.passed !== index.total) {
    console.error(`vectors report: ${report.passed} of ${report.total} passed, the index lists ${index.total}`);
    process.exit(1);
  }
' || fail "the vectors report does not show every vector passing"

printf '\npack-smoke: passed (%s)\n' "$tarball"
