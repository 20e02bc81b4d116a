/**
 * Blocks generated from their pre-state (rules R5, R17-R33): a pre-state over a
 * universe, a block context under one ledger model or both, and 2 to 16 transactions
 * (by default) built one after the other against the block in progress, most of them
 * accepted, with a tunable share of deliberately invalid ones.
 *
 * Signing costs about 0.5 ms and verification about 0.7 ms per signature, and the
 * generator verifies each transaction once for its bookkeeping: keep blocks small.
 *
 * @module conformance/arbitraries/block
 */

import * as fc from 'fast-check';
import { bytesToHex, toU64, type BlockContext, type LedgerModel, type PublicKey, type State } from '../../spec/index.ts';
import { nameOfKey } from './keys.ts';
import { describeState, preStateArbitrary, type GeneratedPreState, type PreStateConstraints } from './pre-state.ts';
import { appendTransaction, beginBlock, transactionPlanArbitrary, type TransactionConstraints, type TransactionPlan } from './transaction.ts';
import { universeFromState, type Universe } from './universe.ts';

/** Options of {@link contextArbitrary}. */
export interface ContextConstraints {
  /** The ledger model, or `'both'` (default) to draw one per block (R30). */
  readonly ledger?: LedgerModel | 'both';
  /** Largest chain id drawn (default 3); ids start at 0. */
  readonly maxChainId?: number;
  /** Largest block topoheight drawn (default 1000); topoheights start at 1 (R20). */
  readonly maxTopoheight?: bigint;
  /** Share of blocks mined by a universe member instead of the universe's miner (default 0.1; 0 when `miner` is set). */
  readonly memberMinerShare?: number;
}

/** Options of {@link blockArbitrary} and {@link generateBlockFromState}. */
export interface BlockConstraints extends PreStateConstraints, TransactionConstraints, ContextConstraints {
  /** Fewest transactions per block (default 2, or `maxTransactions` when that is smaller). */
  readonly minTransactions?: number;
  /** Most transactions per block (default 16). */
  readonly maxTransactions?: number;
  /** Exact size of the hot set (overrides `universe.minHotAccounts` and `universe.maxHotAccounts`; default 1 to 3, 2 for {@link generateBlockFromState}). */
  readonly hotSetSize?: number;
}

/** Generated transactions with their intents. */
export interface GeneratedTransactions {
  /** The transactions' wire bytes, in block order. */
  readonly transactions: Uint8Array[];
  /** A short human description per transaction, aligned with `transactions`. */
  readonly intents: string[];
}

/** A generated block. */
export interface GeneratedBlock {
  /** The pre-state. */
  readonly state: State;
  /** The block context. */
  readonly context: BlockContext;
  /** The transactions' wire bytes, in block order. */
  readonly transactions: Uint8Array[];
  /** A short human description per transaction, aligned with `transactions`. */
  readonly intents: string[];
  /** The accounts the block is about. */
  readonly universe: Universe;
}

function per10k(share: number): number {
  return Math.round(Math.min(1, Math.max(0, share)) * 10_000);
}

interface ContextPlan {
  readonly chainId: number;
  readonly topoheight: bigint;
  readonly ledger: LedgerModel;
  readonly minerRoll: number;
  readonly minerPick: number;
}

function contextPlanArbitrary(c: ContextConstraints): fc.Arbitrary<ContextPlan> {
  const ledger = c.ledger ?? 'both';
  return fc.record({
    chainId: fc.integer({ min: 0, max: Math.min(255, Math.max(0, c.maxChainId ?? 3)) }),
    topoheight: fc.bigInt({ min: 1n, max: c.maxTopoheight !== undefined && c.maxTopoheight >= 1n ? c.maxTopoheight : 1000n }),
    ledger: ledger === 'both' ? fc.constantFrom<LedgerModel>('immediate', 'deferred-credits') : fc.constant(ledger),
    minerRoll: fc.noBias(fc.nat(9_999)),
    minerPick: fc.noBias(fc.nat(1_000)),
  });
}

function resolveContext(plan: ContextPlan, universe: Universe, minerNearMax: boolean, c: ContextConstraints & { readonly miner?: PublicKey }): BlockContext {
  const member = !minerNearMax && plan.minerRoll < per10k(c.memberMinerShare ?? (c.miner === undefined ? 0.1 : 0));
  const miner: PublicKey = member ? universe.members[plan.minerPick % universe.members.length]!.publicKey : universe.miner;
  return { chainId: plan.chainId, topoheight: toU64(plan.topoheight), miner, ledger: plan.ledger };
}

/**
 * Block contexts for a universe (R5): a small chain id, a topoheight of at least 1, the
 * universe's miner (sometimes a member), and the ledger model.
 *
 * @param universe - the universe whose miner or members mine
 * @param c - ledger model, chain ids, topoheights, member-miner share
 * @returns the arbitrary
 * @example
 * fc.sample(contextArbitrary(universe, { ledger: 'immediate' }), 1)[0]!.ledger // 'immediate'
 */
export function contextArbitrary(universe: Universe, c: ContextConstraints = {}): fc.Arbitrary<BlockContext> {
  return contextPlanArbitrary(c).map((plan) => resolveContext(plan, universe, false, c));
}

function withHotSet(c: BlockConstraints): PreStateConstraints {
  if (c.hotSetSize === undefined) return c;
  return { ...c, universe: { ...c.universe, minHotAccounts: c.hotSetSize, maxHotAccounts: c.hotSetSize } };
}

function planArrayArbitrary(c: BlockConstraints): fc.Arbitrary<TransactionPlan[]> {
  const minLength = Math.max(0, c.minTransactions ?? Math.min(2, c.maxTransactions ?? 2));
  const maxLength = Math.max(minLength, c.maxTransactions ?? 16);
  // An explicit length keeps sizes spread over the whole range (fast-check's default size would cap them).
  if (maxLength === 0) return fc.constant([]);
  return fc.integer({ min: minLength, max: maxLength }).chain((length) => fc.array(transactionPlanArbitrary(c), { minLength: length, maxLength: length }));
}

function buildTransactions(universe: Universe, state: State, context: BlockContext, plans: readonly TransactionPlan[]): GeneratedTransactions {
  const block = beginBlock(universe, state, context);
  const transactions: Uint8Array[] = [];
  const intents: string[] = [];
  for (const plan of plans) {
    const { bytes, intent } = appendTransaction(block, plan);
    transactions.push(bytes);
    intents.push(intent);
  }
  return { transactions, intents };
}

function describeBlock(block: GeneratedBlock): string {
  const { context } = block;
  return [
    `context: chainId=${context.chainId} topoheight=${context.topoheight} miner=${nameOfKey(context.miner)} ledger=${context.ledger} hot=${block.universe.hot.map(nameOfKey).join(',')}`,
    `pre: ${describeState(block.state)}`,
    ...block.transactions.map((bytes, index) => `tx${index}: ${block.intents[index]} hex=${bytesToHex(bytes)}`),
  ].join('\n');
}

function makeBlock(pre: GeneratedPreState, context: BlockContext, plans: readonly TransactionPlan[]): GeneratedBlock {
  const { transactions, intents } = buildTransactions(pre.universe, pre.state, context, plans);
  const block: GeneratedBlock = { state: pre.state, context, transactions, intents, universe: pre.universe };
  Object.defineProperty(block, fc.toStringMethod, { enumerable: false, value: () => describeBlock(block) });
  return block;
}

/**
 * Blocks with their pre-state and context: the transactions are generated one after the
 * other *from* the block in progress (see {@link transactionPlanArbitrary}), so most are
 * accepted; `invalidShare` of them carry one deliberate flaw. Counterexamples print the
 * context, the pre-state and every transaction's intent and bytes.
 *
 * @param c - universe, pre-state, context, transaction and block-size constraints
 * @returns the arbitrary
 * @example
 * fc.assert(fc.property(blockArbitrary({ ledger: 'deferred-credits', maxTransactions: 8 }), (block) => {
 *   const result = applyBlock(block.state, block.context, block.transactions);
 *   return !result.ok || result.receipts.length === block.transactions.length;
 * }));
 */
export function blockArbitrary(c: BlockConstraints = {}): fc.Arbitrary<GeneratedBlock> {
  return fc
    .record({ pre: preStateArbitrary(withHotSet(c)), context: contextPlanArbitrary(c), plans: planArrayArbitrary(c) })
    .map(({ pre, context, plans }) => makeBlock(pre, resolveContext(context, pre.universe, pre.minerNearMax, c), plans));
}

/**
 * Generate the transactions of a next block from a given state, deterministically for a
 * seed (used to chain blocks in model-based tests). The universe is read from the state
 * ({@link universeFromState}: pool keys with accounts; the first `hotSetSize`, default 2,
 * are hot).
 *
 * @param state - the state the block builds on
 * @param context - the block context
 * @param seed - the seed; the same inputs and seed give the same bytes
 * @param c - transaction and block-size constraints (pre-state and context options are ignored)
 * @returns the transactions and their intents
 * @example
 * const next = generateBlockFromState(result.state, { ...context, topoheight: toU64(context.topoheight + 1n) }, 42);
 * applyBlock(result.state, nextContext, next.transactions);
 */
export function generateBlockFromState(
  state: State,
  context: BlockContext,
  seed: number,
  c: BlockConstraints = {},
): GeneratedTransactions {
  const plans = fc.sample(planArrayArbitrary(c), { seed, numRuns: 1 })[0]!;
  const universe = universeFromState(state, context.miner, c.hotSetSize ?? 2);
  return buildTransactions(universe, state, context, plans);
}
