/**
 * The executor's own checks and effects (R19-R32), written for speed on mutable records.
 *
 * It mirrors the spec's names and order but shares none of its check or transition code:
 * only the codec and the hash functions come from `spec/`. Signatures arrive already
 * verified by the stateless stage ({@link PreparedTransaction}); a multisig account whose
 * configuration changed earlier in the block is re-verified here.
 *
 * @module apply
 */

import {
  TOS_ASSET,
  type AssetId,
  type BlockContext,
  type DecodedTransaction,
  type MultiSigConfig,
  type PublicKey,
  type Receipt,
  type RejectionCode,
  type U64,
} from '../spec/index.ts';
import type { AccountRecord } from './records.ts';
import { MULTISIG_VERDICT_CODES, MultiSigVerdict, OwnerVerdict, verifyMultiSig } from './verify.ts';
import { getCounter, setCounter, type Workspace } from './workspace.ts';

const MAX = 0xffff_ffff_ffff_ffffn;
const FEE_PER_KB = 10_000n;
const FEE_PER_TRANSFER = 5_000n;
const FEE_PER_MULTISIG_SIGNATURE = 5_000n;
const EXTRA_DATA_LIMIT = 128;
const EXTRA_DATA_SUM_LIMIT = 4096;

/** A transaction after the stateless stage. */
export interface PreparedTransaction {
  /** The decoded transaction, or `null` when the bytes did not decode. */
  readonly decoded: DecodedTransaction | null;
  /** The decoding rejection code when `decoded` is `null`. */
  readonly decodeError: RejectionCode | null;
  /** {@link OwnerVerdict} of the owner signature. */
  readonly ownerVerdict: number;
  /** {@link MultiSigVerdict} against {@link PreparedTransaction.preConfig}. */
  readonly multisigVerdict: number;
  /** The configuration the multisig verdict was computed against. */
  readonly preConfig: MultiSigConfig | null;
}

function sameConfig(a: MultiSigConfig | null, b: MultiSigConfig | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.threshold !== b.threshold || a.participants.length !== b.participants.length) return false;
  return a.participants.every((participant, index) => participant === b.participants[index]);
}

function rejected(hash: string | null, error: RejectionCode): Receipt {
  return { hash, status: 'rejected', error, fee: 0n as U64 };
}

function balanceOf(record: AccountRecord | undefined, asset: AssetId): bigint | undefined {
  return record?.balances.get(asset);
}

/**
 * Check and apply one prepared transaction to the workspace, all or nothing.
 *
 * @param workspace - the block in progress (mutated only when the transaction applies)
 * @param context - the block context
 * @param prepared - the transaction and its signature verdicts
 * @returns the receipt
 * @example
 * const receipt = applyPrepared(workspace, context, prepared);
 */
export function applyPrepared(workspace: Workspace, context: BlockContext, prepared: PreparedTransaction): Receipt {
  const decoded = prepared.decoded;
  if (decoded === null) return rejected(null, prepared.decodeError ?? 'InvalidFormat');
  const { transaction: tx, hash } = decoded;
  const payload = tx.payload;
  const deferred = workspace.model === 'deferred-credits';

  // R19 fee
  const transferCount = payload.kind === 'transfers' ? payload.transfers.length : 0;
  const signatureCount = tx.multisig === null ? 0 : tx.multisig.length;
  const required =
    BigInt(Math.ceil(decoded.bytes.length / 1024)) * FEE_PER_KB +
    BigInt(transferCount) * FEE_PER_TRANSFER +
    BigInt(signatureCount) * FEE_PER_MULTISIG_SIGNATURE;
  if (tx.fee < required) return rejected(hash, 'InvalidTxFee');
  // R20 reference
  if (tx.reference.topoheight >= context.topoheight) return rejected(hash, 'InvalidReferenceTopoheight');
  // R21 account (R31: under deferred credits it must predate the block), nonce
  const source = tx.source;
  if (deferred && workspace.getPreAccount(source) === undefined) return rejected(hash, 'AccountNotFound');
  const account = workspace.getAccount(source);
  if (account === undefined) return rejected(hash, 'AccountNotFound');
  if (tx.nonce !== account.nonce) return rejected(hash, 'InvalidNonce');
  // R22-R24 payload
  if (payload.kind === 'transfers') {
    let extraTotal = 0;
    for (const transfer of payload.transfers) {
      if (transfer.destination === source) return rejected(hash, 'SenderIsReceiver');
      const extra = transfer.extraData === null ? 0 : 2 + transfer.extraData.length / 2;
      if (extra > EXTRA_DATA_LIMIT) return rejected(hash, 'TransferExtraDataSize');
      extraTotal += extra;
    }
    if (extraTotal > EXTRA_DATA_SUM_LIMIT) return rejected(hash, 'TransactionExtraDataSize');
  } else if (payload.kind === 'burn') {
    if (payload.amount === 0n) return rejected(hash, 'InvalidTransferAmount');
    if (payload.amount + tx.fee > MAX) return rejected(hash, 'Overflow');
  } else {
    if (payload.threshold > payload.participants.length) return rejected(hash, 'MultiSigThreshold');
    if (payload.participants.includes(source)) return rejected(hash, 'MultiSigParticipants');
    if (payload.threshold === 0 && account.multisig === null) return rejected(hash, 'MultiSigNotConfigured');
  }
  // R25 chain id
  if (tx.chainId !== context.chainId) return rejected(hash, 'InvalidChainId');
  // R26 owner key and signature (verified in the stateless stage)
  if (prepared.ownerVerdict === OwnerVerdict.InvalidPublicKey) return rejected(hash, 'InvalidPublicKey');
  if (prepared.ownerVerdict !== OwnerVerdict.Valid) return rejected(hash, 'InvalidSignature');
  // R27 multisig against the configuration now; re-verify if it changed in this block
  let multisigVerdict = prepared.multisigVerdict;
  if (!sameConfig(account.multisig, prepared.preConfig)) {
    workspace.multisigReverifications++;
    multisigVerdict = verifyMultiSig(account.multisig, tx.multisig, decoded.signingBytes);
  }
  if (multisigVerdict !== MultiSigVerdict.Valid) return rejected(hash, MULTISIG_VERDICT_CODES[multisigVerdict]!);
  // R28 spending: sums first, then registration, record and funds per asset
  const spending = new Map<AssetId, bigint>();
  if (payload.kind === 'transfers') {
    for (const transfer of payload.transfers) spending.set(transfer.asset, (spending.get(transfer.asset) ?? 0n) + transfer.amount);
  } else if (payload.kind === 'burn') {
    spending.set(payload.asset, payload.amount);
  }
  spending.set(TOS_ASSET, (spending.get(TOS_ASSET) ?? 0n) + tx.fee);
  for (const total of spending.values()) if (total > MAX) return rejected(hash, 'Overflow');
  const preAccount = deferred ? workspace.getPreAccount(source) : undefined;
  for (const [asset, total] of spending) {
    if (!workspace.source.hasAsset(asset)) return rejected(hash, 'AssetNotFound');
    let spendable: bigint | undefined;
    if (deferred) {
      const pre = balanceOf(preAccount, asset);
      spendable = pre === undefined ? undefined : pre - getCounter(workspace.spent, source, asset);
    } else {
      spendable = balanceOf(account, asset);
    }
    if (spendable === undefined) return rejected(hash, 'NoPreviousBalanceFound');
    if (spendable < total) return rejected(hash, 'InsufficientFunds');
  }
  // R29 effects: plan every fallible step first, then write
  if (account.nonce === MAX) return rejected(hash, 'Overflow');
  const credits = new Map<string, { destination: PublicKey; asset: AssetId; balance: bigint; received: bigint }>();
  if (payload.kind === 'transfers') {
    for (const { destination, asset, amount } of payload.transfers) {
      const key = destination + asset;
      const planned = credits.get(key);
      const balance = (planned ? planned.balance : (balanceOf(workspace.getAccount(destination), asset) ?? 0n)) + amount;
      if (balance > MAX) return rejected(hash, 'Overflow');
      let received = 0n;
      if (deferred) {
        received = (planned ? planned.received : getCounter(workspace.received, destination, asset)) + amount;
        if ((balanceOf(workspace.getPreAccount(destination), asset) ?? 0n) + received > MAX) return rejected(hash, 'Overflow');
      }
      credits.set(key, { destination, asset, balance, received });
    }
  }
  let burnedSupply = workspace.burnedSupply;
  if (payload.kind === 'burn' && payload.asset === TOS_ASSET) {
    burnedSupply += payload.amount;
    if (burnedSupply > MAX) return rejected(hash, 'Overflow');
  }
  account.nonce += 1n;
  for (const [asset, total] of spending) {
    account.balances.set(asset, account.balances.get(asset)! - total);
    if (deferred) setCounter(workspace.spent, source, asset, getCounter(workspace.spent, source, asset) + total);
  }
  for (const { destination, asset, balance, received } of credits.values()) {
    let record = workspace.getAccount(destination);
    if (record === undefined) {
      record = { nonce: 0n, balances: new Map(), multisig: null };
      workspace.setAccount(destination, record);
    }
    record.balances.set(asset, balance);
    if (deferred) setCounter(workspace.received, destination, asset, received);
  }
  workspace.burnedSupply = burnedSupply;
  if (payload.kind === 'multisig') {
    account.multisig = payload.threshold === 0 ? null : { threshold: payload.threshold, participants: payload.participants };
  }
  return { hash, status: 'applied', error: null, fee: tx.fee };
}

/**
 * Credit the miner with the block's fees (R32).
 *
 * @param workspace - the block after its last transaction (mutated on success)
 * @param miner - the miner's key
 * @param feeTotal - the sum of accepted fees
 * @returns true on success, false when the total or the credit overflows (`BlockOverflow`)
 * @example
 * if (!applyMinerFees(workspace, context.miner, total)) return blockOverflow;
 */
export function applyMinerFees(workspace: Workspace, miner: PublicKey, feeTotal: bigint): boolean {
  if (feeTotal > MAX) return false;
  const record = workspace.getAccount(miner);
  const balance = (balanceOf(record, TOS_ASSET) ?? 0n) + feeTotal;
  if (balance > MAX) return false;
  if (workspace.model === 'deferred-credits') {
    const received = getCounter(workspace.received, miner, TOS_ASSET) + feeTotal;
    if ((balanceOf(workspace.getPreAccount(miner), TOS_ASSET) ?? 0n) + received > MAX) return false;
    setCounter(workspace.received, miner, TOS_ASSET, received);
  }
  if (record === undefined) {
    workspace.setAccount(miner, { nonce: 0n, balances: new Map([[TOS_ASSET, balance]]), multisig: null });
  } else {
    record.balances.set(TOS_ASSET, balance);
  }
  return true;
}
