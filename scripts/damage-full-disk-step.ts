/**
 * One step of `scripts/damage-full-disk.ts`, run in its own process on a small, mounted
 * file system (see there). Prints what happened; exit 0 when the step behaved (an
 * `IoFailure` error, the store intact), 1 otherwise.
 *
 * Usage: tsx scripts/damage-full-disk-step.ts genesis-too-large|fill-then-commit <mount point>
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbStorage, StorageError } from '../impl/index.ts';
import { createState, stateToJson, TOS_ASSET } from '../spec/index.ts';
import { chainStart, commitChainBlock } from '../conformance/storage-chain.ts';

const [step, mountPoint] = process.argv.slice(2);
if (mountPoint === undefined) throw new Error('usage: damage-full-disk-step.ts <step> <mount point>');
const store = join(mountPoint, 'store');

function describe(error: unknown): string {
  return error instanceof StorageError ? `typed ${error.code}: ${error.message}` : `UNTYPED ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

if (step === 'genesis-too-large') {
  // About 20,000 accounts with two records each: several MiB, more than the disk holds.
  const genesis = createState({
    accounts: Array.from({ length: 20_000 }, (_, index) => ({ publicKey: index.toString(16).padStart(64, '0'), nonce: BigInt(index), balances: [[TOS_ASSET, BigInt(index)]] as [string, bigint][] })),
  });
  try {
    const storage = LmdbStorage.open(store, { genesis: { state: genesis, topoheight: 0n } });
    console.log('the genesis fitted: nothing was tested');
    await storage.close();
    process.exit(1);
  } catch (error) {
    console.log(`creating a store whose genesis does not fit: ${describe(error)}`);
    // What the failed creation left behind must be refused with a typed error, or be empty.
    let leftover: unknown;
    try {
      await LmdbStorage.open(store, { readOnly: true }).close();
    } catch (reopenError) {
      leftover = reopenError;
    }
    console.log(`opening what it left: ${leftover === undefined ? 'UNEXPECTEDLY opened' : describe(leftover)}`);
    process.exit(error instanceof StorageError && error.code === 'IoFailure' && leftover instanceof StorageError ? 0 : 1);
  }
} else if (step === 'fill-then-commit') {
  const seed = 5;
  const start = chainStart(seed);
  const storage = LmdbStorage.open(store, { genesis: { state: start.state, topoheight: 0n } });
  // Fill what is left of the disk.
  const filler = openSync(join(mountPoint, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  let filled = 0;
  try {
    for (;;) filled += writeSync(filler, chunk);
  } catch (error) {
    console.log(`filled the disk with ${filled} bytes (${(error as NodeJS.ErrnoException).code})`);
  } finally {
    closeSync(filler);
  }
  let committed = storage.readMeta()!;
  let committedState = stateToJson(storage.readState());
  let failure: unknown;
  for (let block = 0; block < 200 && failure === undefined; block++) {
    try {
      commitChainBlock(storage, start, seed, { minTransactions: 8, maxTransactions: 16 });
      committed = storage.readMeta()!;
      committedState = stateToJson(storage.readState());
    } catch (error) {
      failure = error;
    }
  }
  console.log(failure === undefined ? 'every commit fitted: nothing was tested' : `commit after topoheight ${committed.topoheight} on the full disk: ${describe(failure)}`);
  await storage.close();
  let intact = false;
  try {
    const reopened = LmdbStorage.open(store, { readOnly: true });
    const meta = reopened.readMeta()!;
    intact = meta.topoheight === committed.topoheight && meta.stateRoot === committed.stateRoot && JSON.stringify(stateToJson(reopened.readState())) === JSON.stringify(committedState);
    console.log(`reopened (root check on) at topoheight ${meta.topoheight}: ${intact ? 'exactly the last committed state' : 'NOT the last committed state'}`);
    await reopened.close();
  } catch (error) {
    console.log(`reopening failed: ${describe(error)}`);
  }
  process.exit(failure instanceof StorageError && failure.code === 'IoFailure' && intact ? 0 : 1);
} else {
  throw new Error(`unknown step ${step}`);
}
