/**
 * A block: every transaction in order, then the miner's fees (rules R5, R32, R33).
 *
 * {@link applyBlock} applies each transaction to the block in progress, in input order,
 * giving one receipt each (R33); then credits the miner with the sum of the accepted
 * transactions' fees, creating the account if missing (R32). If that sum, or the miner's
 * credit, would overflow, the block is invalid: `BlockOverflow`, no receipts, and the
 * caller keeps its pre-state. Nothing about how a block is executed may change the
 * result.
 *
 * Decision: the miner is credited even when the fee total is 0 (no transaction was
 * accepted), so an empty block still creates the miner's account and its TOS record,
 * like any other credit (R3).
 *
 * @module block
 */

import { TOS_ASSET, type Hash } from './bytes.ts';
import { applyTransaction, type Receipt } from './apply-transaction.ts';
import type { BlockContext } from './context.ts';
import type { BlockError } from './errors.ts';
import { validateBlockInputs } from './inputs.ts';
import { isU64, MAX_U64, type U64 } from './integers.ts';
import { applyCredit, beginLedger, type Ledger } from './ledger.ts';
import type { State } from './state.ts';
import { computeStateRoot } from './state-root.ts';

/** A block that was applied (R33). */
export interface AppliedBlock {
  /** Discriminant. */
  readonly ok: true;
  /** The post-state. */
  readonly state: State;
  /** One receipt per input transaction, in input order. */
  readonly receipts: readonly Receipt[];
  /** The sum of the accepted transactions' fees, credited to the miner (R32). */
  readonly feeTotal: U64;
  /** The state root of the post-state (R4). */
  readonly stateRoot: Hash;
}

/** A block that could not be applied (R32): the pre-state stands and there are no receipts. */
export interface RefusedBlock {
  /** Discriminant. */
  readonly ok: false;
  /** Why. */
  readonly error: BlockError;
}

/** The result of {@link applyBlock}. */
export type BlockResult = AppliedBlock | RefusedBlock;

/**
 * Sum the fees of accepted transactions (R32).
 *
 * @param receipts - the block's receipts
 * @returns the total as an unbounded bigint (the caller checks the u64 range)
 * @example
 * computeFeeTotal(receipts) // 30000n
 */
export function computeFeeTotal(receipts: readonly Receipt[]): bigint {
  return receipts.reduce((total, receipt) => total + receipt.fee, 0n);
}

/**
 * End the block (R32): credit the miner with the fee total.
 *
 * @param ledger - the block after its last transaction
 * @param context - the block context
 * @param feeTotal - the sum of accepted fees
 * @returns the final ledger, or the block error when the total or the credit overflows
 * @example
 * const finished = applyMinerFees(ledger, context, computeFeeTotal(receipts));
 */
export function applyMinerFees(ledger: Ledger, context: BlockContext, feeTotal: bigint): Ledger | BlockError {
  if (!isU64(feeTotal)) {
    return { code: 'BlockOverflow', rule: 'R32', detail: `the fee total ${feeTotal} exceeds ${MAX_U64}` };
  }
  const credited = applyCredit(ledger, context.miner, TOS_ASSET, feeTotal);
  if (credited === undefined) {
    return { code: 'BlockOverflow', rule: 'R32', detail: `crediting ${feeTotal} of fees would overflow the miner's balance` };
  }
  return credited;
}

/**
 * Apply a block of transaction bytes to a state (R5, R17-R33).
 *
 * Pure: `state` and `transactions` are not modified. The cost is proportional to what
 * the block touches (persistent maps), plus one validation pass over the pre-state and
 * one state-root pass over the post-state.
 *
 * @param state - the pre-state (at `context.topoheight - 1`)
 * @param context - the block context
 * @param transactions - the wire bytes of each transaction, in block order
 * @returns the post-state, receipts, fee total and state root, or a block error
 * @throws InvalidInputError when an input is not one the rules define (an impossible
 *   state, a context field out of range, a transaction that is not bytes; see
 *   {@link validateBlockInputs}); nothing is executed
 * @example
 * const result = applyBlock(state, { chainId: 0, topoheight: toU64(1n), miner, ledger: 'immediate' }, [bytes]);
 * if (result.ok) console.log(result.stateRoot, result.receipts[0]?.status);
 */
export function applyBlock(state: State, context: BlockContext, transactions: readonly Uint8Array[]): BlockResult {
  // R1-R5: only inputs the rules define are executed; anything else is a misuse, thrown.
  validateBlockInputs(state, context, transactions);
  // R30: start the block under its ledger model.
  let ledger = beginLedger(context.ledger, state);
  const receipts: Receipt[] = [];
  // R17-R31, R33: every transaction in input order, each with its receipt.
  for (const bytes of transactions) {
    const result = applyTransaction(ledger, context, bytes);
    ledger = result.ledger;
    receipts.push(result.receipt);
  }
  // R32: the miner receives the accepted fees, or the whole block is refused.
  const feeTotal = computeFeeTotal(receipts);
  const finished = applyMinerFees(ledger, context, feeTotal);
  if ('code' in finished) {
    return { ok: false, error: finished };
  }
  // R4, R33: the post-state and its root.
  return {
    ok: true,
    state: finished.current,
    receipts,
    feeTotal: feeTotal as U64,
    stateRoot: computeStateRoot(finished.current),
  };
}
