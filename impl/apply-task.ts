/**
 * Applying one chunk of a DAG level on a worker: the chunk's transactions travel with a
 * copy of exactly the accounts they touch, and come back as a write set.
 *
 * Transactions in one level are pairwise independent, so chunks of a level never touch
 * the same account and their write sets merge without conflict, in block order.
 *
 * @module apply-task
 */

import { decodeTransaction, TOS_ASSET, type AssetId, type BlockContext, type LedgerModel, type MultiSigConfig, type PublicKey, type Receipt } from '../spec/index.ts';
import { applyPrepared, type PreparedTransaction } from './apply.ts';
import { cloneRecord, type AccountRecord } from './records.ts';
import { BURNED_SUPPLY_KEY, getAccessSet } from './schedule.ts';
import { Workspace, type Counters } from './workspace.ts';

/** A chunk of one level, with the slice of state it needs. */
export interface ApplyTask {
  /** The ledger model. */
  readonly model: LedgerModel;
  /** The block context. */
  readonly context: BlockContext;
  /** Wire bytes of each transaction of the chunk, in block order. */
  readonly transactions: readonly Uint8Array[];
  /** Owner and multisig verdicts, two per transaction. */
  readonly verdicts: Uint8Array;
  /** The configuration each multisig verdict was computed against. */
  readonly preConfigs: readonly (MultiSigConfig | null)[];
  /** Current records of every account the chunk touches. */
  readonly current: ReadonlyMap<PublicKey, AccountRecord | undefined>;
  /** Pre-block records of the same accounts (`deferred-credits` only; empty otherwise). */
  readonly pre: ReadonlyMap<PublicKey, AccountRecord | undefined>;
  /** `spent` counters of those accounts. */
  readonly spent: Counters;
  /** `received` counters of those accounts. */
  readonly received: Counters;
  /** Registered assets among those the chunk spends. */
  readonly assets: readonly AssetId[];
  /** The burned supply now. */
  readonly burnedSupply: bigint;
}

/** What a worker sends back for an {@link ApplyTask}. */
export interface ApplyTaskResult {
  /** One receipt per transaction of the chunk, in its order. */
  readonly receipts: readonly Receipt[];
  /** Final records of the accounts the chunk touched. */
  readonly accounts: ReadonlyMap<PublicKey, AccountRecord>;
  /** Updated `spent` counters of those accounts. */
  readonly spent: Counters;
  /** Updated `received` counters of those accounts. */
  readonly received: Counters;
  /** The burned supply after the chunk. */
  readonly burnedSupply: bigint;
  /** R27 re-verifications the chunk needed (see {@link Workspace.multisigReverifications}). */
  readonly multisigReverifications: number;
}

/**
 * Build the task for a chunk from the main workspace.
 *
 * @param workspace - the main thread's block in progress
 * @param context - the block context
 * @param chunk - the prepared transactions of the chunk, with their verdicts
 * @returns the task
 * @example
 * const task = buildApplyTask(workspace, context, chunk);
 */
export function buildApplyTask(workspace: Workspace, context: BlockContext, chunk: readonly PreparedTransaction[]): ApplyTask {
  const keys = new Set<PublicKey>();
  // The fee is always spent in TOS, so TOS is always among the assets a chunk needs.
  const assets = new Set<AssetId>([TOS_ASSET]);
  for (const prepared of chunk) {
    for (const key of getAccessSet(prepared.decoded)) if (key !== BURNED_SUPPLY_KEY) keys.add(key);
    const payload = prepared.decoded?.transaction.payload;
    if (payload?.kind === 'transfers') for (const transfer of payload.transfers) assets.add(transfer.asset);
    if (payload?.kind === 'burn') assets.add(payload.asset);
  }
  const deferred = workspace.model === 'deferred-credits';
  const pick = (counters: Counters): Counters => {
    const out: Counters = new Map();
    for (const key of keys) {
      const perAsset = counters.get(key);
      if (perAsset) out.set(key, new Map(perAsset));
    }
    return out;
  };
  return {
    model: workspace.model,
    context,
    transactions: chunk.map((prepared) => prepared.decoded?.bytes ?? new Uint8Array(0)),
    verdicts: Uint8Array.from(chunk.flatMap((prepared) => [prepared.ownerVerdict, prepared.multisigVerdict])),
    preConfigs: chunk.map((prepared) => prepared.preConfig),
    current: workspace.sliceAccounts(keys),
    pre: deferred ? new Map([...keys].map((key) => [key, workspace.getPreAccount(key)])) : new Map(),
    spent: pick(workspace.spent),
    received: pick(workspace.received),
    assets: [...assets].filter((asset) => workspace.source.hasAsset(asset)),
    burnedSupply: workspace.burnedSupply,
  };
}

/**
 * Apply a chunk (worker side). Only transactions that decoded are shipped.
 *
 * @param task - the chunk and its slice of state
 * @returns the receipts and the write set
 * @example
 * const result = runApplyTask(task);
 */
export function runApplyTask(task: ApplyTask): ApplyTaskResult {
  const registered = new Set(task.assets);
  const workspace = new Workspace(
    task.model,
    {
      readAccount: (key) => {
        const record = task.current.get(key);
        return record === undefined ? undefined : cloneRecord(record);
      },
      readPreAccount: (key) => task.pre.get(key),
      hasAsset: (asset) => registered.has(asset),
    },
    task.burnedSupply,
  );
  for (const [key, perAsset] of task.spent) workspace.spent.set(key, new Map(perAsset));
  for (const [key, perAsset] of task.received) workspace.received.set(key, new Map(perAsset));
  const receipts = task.transactions.map((bytes, index) => {
    const decoded = decodeTransaction(bytes);
    const prepared: PreparedTransaction = {
      decoded: decoded.ok ? decoded.value : null,
      decodeError: decoded.ok ? null : decoded.rejection.code,
      ownerVerdict: task.verdicts[2 * index]!,
      multisigVerdict: task.verdicts[2 * index + 1]!,
      preConfig: task.preConfigs[index] ?? null,
    };
    return applyPrepared(workspace, task.context, prepared);
  });
  const accounts = new Map<PublicKey, AccountRecord>();
  for (const [key, record] of workspace.accounts) if (record !== undefined) accounts.set(key, record);
  return {
    receipts,
    accounts,
    spent: workspace.spent,
    received: workspace.received,
    burnedSupply: workspace.burnedSupply,
    multisigReverifications: workspace.multisigReverifications,
  };
}

/**
 * Merge a chunk's write set into the main workspace.
 *
 * @param workspace - the main thread's block in progress (mutated)
 * @param task - the task that was sent
 * @param result - what came back
 * @example
 * mergeApplyResult(workspace, task, result);
 */
export function mergeApplyResult(workspace: Workspace, task: ApplyTask, result: ApplyTaskResult): void {
  for (const [key, record] of result.accounts) workspace.setAccount(key, record);
  for (const [key, perAsset] of result.spent) workspace.spent.set(key, perAsset);
  for (const [key, perAsset] of result.received) workspace.received.set(key, perAsset);
  if (result.burnedSupply !== task.burnedSupply) workspace.burnedSupply = result.burnedSupply;
  workspace.multisigReverifications += result.multisigReverifications;
}
