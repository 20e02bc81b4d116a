/**
 * Deliberately broken executors, each reproducing one bug class found in the TOS V3
 * parallel executor. The conformance suite must catch every one: they prove it has teeth.
 *
 * Each variant runs the executor's own stages (decode, verify, schedule, apply) in the
 * calling thread with exactly one defect, so a failure points at that defect alone.
 *
 * @module variants
 */

import { applyMinerFees, applyPrepared, type PreparedTransaction } from '../../impl/apply.ts';
import { cloneRecord, type AccountRecord } from '../../impl/records.ts';
import { getAccessSet, scheduleDag } from '../../impl/schedule.ts';
import { computeStateRootFast } from '../../impl/state-root.ts';
import { MemoryStorage } from '../../impl/storage.ts';
import { MultiSigVerdict, OwnerVerdict, verifyDecoded } from '../../impl/verify.ts';
import { sourceFromStorage, Workspace } from '../../impl/workspace.ts';
import { decodeTransaction, type BlockContext, type BlockResult, type Receipt, type State, type U64 } from '../../spec/index.ts';
import type { BlockExecutor } from '../executor-under-test.ts';

/** The defects a variant can have. */
export type Defect =
  | 'sender-never-debited'
  | 'stale-sender-balance'
  | 'no-nonce-or-signature-check'
  | 'rejected-fees-counted'
  | 'results-out-of-order'
  | 'multisig-ignored'
  | 'partial-writes-on-failure'
  | 'conflicts-reordered';

/** A broken variant: its defect and the TOS V3 bug class it reproduces. */
export interface BrokenVariant {
  /** The defect, also the variant's name. */
  readonly defect: Defect;
  /** The bug class, in words. */
  readonly description: string;
}

/** Every broken variant. */
export const BROKEN_VARIANTS: readonly BrokenVariant[] = [
  { defect: 'sender-never-debited', description: 'the sender is never debited: credits appear from nowhere' },
  { defect: 'stale-sender-balance', description: "the sender's balance is read from the pre-block state, so earlier in-block effects on it are lost" },
  { defect: 'no-nonce-or-signature-check', description: 'the parallel path checks neither nonces nor owner signatures' },
  { defect: 'rejected-fees-counted', description: 'fees of rejected transactions are counted in the fee total paid to the miner' },
  { defect: 'results-out-of-order', description: 'receipts come back in execution (level) order instead of block order' },
  { defect: 'multisig-ignored', description: "multisig configurations are ignored: the owner signature alone authorises" },
  { defect: 'partial-writes-on-failure', description: 'a transaction that fails after its nonce check leaves its nonce bump and fee debit behind' },
  { defect: 'conflicts-reordered', description: 'the scheduler ignores destinations, so a level can hold conflicting transactions, applied in reverse order' },
];

/**
 * Execute a block with one defect (in the calling thread).
 *
 * @param defect - the defect
 * @param state - the pre-state
 * @param context - the block context
 * @param transactions - wire bytes
 * @returns the (wrong) block result
 * @example
 * executeWithDefect('sender-never-debited', state, context, transactions)
 */
export function executeWithDefect(defect: Defect, state: State, context: BlockContext, transactions: readonly Uint8Array[]): BlockResult {
  const storage = new MemoryStorage(state);
  const workspace = new Workspace(
    context.ledger,
    sourceFromStorage(storage),
    storage.readBurnedSupply(),
  );
  const decoded = transactions.map((bytes) => decodeTransaction(bytes));
  const prepared: PreparedTransaction[] = decoded.map((result) => {
    const value = result.ok ? result.value : null;
    const preConfig = value ? (storage.readAccount(value.transaction.source)?.multisig ?? null) : null;
    let [ownerVerdict, multisigVerdict] = verifyDecoded(value, preConfig);
    if (defect === 'no-nonce-or-signature-check' && value) ownerVerdict = OwnerVerdict.Valid;
    if (defect === 'multisig-ignored') multisigVerdict = MultiSigVerdict.Valid;
    return {
      decoded: value,
      decodeError: result.ok ? null : result.rejection.code,
      ownerVerdict,
      multisigVerdict,
      preConfig: defect === 'multisig-ignored' ? null : preConfig,
    };
  });
  const accessSets = prepared.map((p) => {
    const keys = getAccessSet(p.decoded);
    return defect === 'conflicts-reordered' ? keys.slice(0, 1) : keys; // the source only
  });
  const levels = scheduleDag(accessSets);
  const receipts: Receipt[] = new Array(transactions.length);
  const order: number[] = [];
  for (const level of levels) {
    const inLevel = defect === 'conflicts-reordered' ? [...level].reverse() : level;
    for (const index of inLevel) {
      receipts[index] = applyWithDefect(defect, workspace, storage, context, prepared[index]!);
      order.push(index);
    }
  }
  const ordered = defect === 'results-out-of-order' ? order.map((index) => receipts[index]!) : receipts;
  let feeTotal = receipts.reduce((total, receipt) => total + receipt.fee, 0n);
  if (defect === 'rejected-fees-counted') {
    feeTotal = prepared.reduce((total, p) => total + (p.decoded?.transaction.fee ?? 0n), 0n);
  }
  if (!applyMinerFees(workspace, context.miner, feeTotal)) {
    return { ok: false, error: { code: 'BlockOverflow', rule: 'R32', detail: 'overflow' } };
  }
  const writes = new Map<string, AccountRecord>();
  for (const [key, record] of workspace.accounts) if (record !== undefined) writes.set(key, record);
  storage.commit({ accounts: writes, burnedSupply: workspace.burnedSupply });
  const post = storage.readState();
  return { ok: true, state: post, receipts: ordered, feeTotal: feeTotal as U64, stateRoot: computeStateRootFast(post) };
}

function applyWithDefect(defect: Defect, workspace: Workspace, storage: MemoryStorage, context: BlockContext, prepared: PreparedTransaction): Receipt {
  const transaction = prepared.decoded?.transaction;
  const source = transaction?.source;
  const account = source === undefined ? undefined : workspace.getAccount(source);
  if (defect === 'stale-sender-balance' && account && source !== undefined) {
    const pre = storage.readAccount(source);
    if (pre) account.balances = new Map(pre.balances);
  }
  if (defect === 'no-nonce-or-signature-check' && account && transaction) {
    account.nonce = transaction.nonce;
  }
  const before = account ? cloneRecord(account) : undefined;
  const receipt = applyPrepared(workspace, context, prepared);
  if (defect === 'sender-never-debited' && receipt.status === 'applied' && account && before) {
    account.balances = before.balances;
  }
  const lateRejection = receipt.error !== null && !['InvalidFormat', 'UnsupportedTransactionType', 'InvalidTxFee', 'InvalidReferenceTopoheight', 'AccountNotFound', 'InvalidNonce'].includes(receipt.error);
  if (defect === 'partial-writes-on-failure' && lateRejection && account && transaction) {
    account.nonce += 1n;
    const balance = account.balances.get('00'.repeat(32));
    if (balance !== undefined && balance >= transaction.fee) account.balances.set('00'.repeat(32), balance - transaction.fee);
  }
  return receipt;
}

/**
 * A broken variant as an executor under test.
 *
 * @param defect - the defect
 * @returns the executor
 * @example
 * const broken = brokenExecutor('results-out-of-order');
 */
export function brokenExecutor(defect: Defect): BlockExecutor {
  return {
    name: `broken:${defect}`,
    executeBlock: async (state, context, transactions) => executeWithDefect(defect, state, context, transactions),
    close: async () => undefined,
  };
}
