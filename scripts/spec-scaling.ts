/**
 * Does the spec's purity cost quadratic time? Times `applyBlock` on blocks of 10,000 and
 * 20,000 transactions, side by side in one run, and prints the ratio (goal: at most 2.3;
 * a block that copied the state per transaction would give about 4).
 *
 * Each block: n funded senders (one account each) plus 20,000 idle accounts in the
 * pre-state; every sender makes one transfer to a fresh account or to a hot account, so
 * the block touches about 2n accounts. Usage: `npm run spec:scaling [-- --sizes 10000,20000]`.
 */
import { performance } from 'node:perf_hooks';
import {
  applyBlock,
  computeRequiredFee,
  createState,
  encodeTransaction,
  toU64,
  TOS_ASSET,
  type AccountInit,
  type BlockContext,
  type Transaction,
} from '../spec/index.ts';
import { createTestKey, signTransaction } from '../spec/test-keys.ts';

const sizesArgument = process.argv.indexOf('--sizes');
const sizes = sizesArgument > 0 ? process.argv[sizesArgument + 1]!.split(',').map(Number) : [10_000, 20_000];
const IDLE_ACCOUNTS = 20_000;

function makeBlock(n: number) {
  const senders = Array.from({ length: n }, (_, i) => createTestKey(`scaling-sender-${i}`));
  const hot = createTestKey('scaling-hot');
  const idle: AccountInit[] = Array.from({ length: IDLE_ACCOUNTS }, (_, i) => ({
    publicKey: (i + 1).toString(16).padStart(64, '0'),
    balances: [[TOS_ASSET, 1n]],
  }));
  const state = createState({
    accounts: [...senders.map((s) => ({ publicKey: s.publicKey, balances: [[TOS_ASSET, 1_000_000n]] as const })), ...idle],
  });
  const transactions = senders.map((sender, i) => {
    const destination = i % 4 === 0 ? hot.publicKey : (IDLE_ACCOUNTS + 1 + i).toString(16).padStart(64, '0');
    const unsigned: Transaction = {
      version: 1,
      chainId: 0,
      source: sender.publicKey,
      payload: { kind: 'transfers', transfers: [{ asset: TOS_ASSET, destination, amount: toU64(BigInt(i % 1000)), extraData: null }] },
      fee: toU64(0n),
      feeType: 0,
      nonce: toU64(0n),
      reference: { hash: '00'.repeat(32), topoheight: toU64(0n) },
      multisig: null,
      signature: '00'.repeat(64),
    };
    const fee = computeRequiredFee(unsigned, encodeTransaction(unsigned).length);
    return encodeTransaction(signTransaction({ ...unsigned, fee }, sender.secret));
  });
  return { state, transactions };
}

const context: BlockContext = { chainId: 0, topoheight: toU64(1n), miner: createTestKey('scaling-miner').publicKey, ledger: 'immediate' };

const timings: { n: number; seconds: number }[] = [];
for (const n of sizes) {
  process.stdout.write(`building and signing a ${n}-transaction block... `);
  const { state, transactions } = makeBlock(n);
  const started = performance.now();
  const result = applyBlock(state, context, transactions);
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok || result.receipts.some((receipt) => receipt.status !== 'applied')) {
    throw new Error('the scaling workload should be fully accepted');
  }
  timings.push({ n, seconds });
  console.log(`applyBlock: ${seconds.toFixed(2)} s, ${(n / seconds).toFixed(0)} tx/s`);
}
const first = timings[0]!;
for (const timing of timings.slice(1)) {
  const ratio = timing.seconds / first.seconds;
  const expected = timing.n / first.n;
  console.log(
    `ratio ${timing.n}/${first.n} transactions: time x${ratio.toFixed(2)} for x${expected.toFixed(1)} work (goal: at most ${(expected * 1.15).toFixed(2)}) -> ${ratio <= expected * 1.15 ? 'PASS' : 'FAIL'}`,
  );
}
