/**
 * Deterministic chains of generated blocks for the storage tests, the crash test and the
 * `demo` subcommand: a fixed starting state (from {@link blockArbitrary} with a fixed
 * seed), then block after block generated from the spec's current state by
 * {@link generateBlockFromState} with fixed per-topoheight seeds, and the spec's state and
 * root after each.
 *
 * @module conformance/storage-chain
 */

import fc from 'fast-check';
import {
  applyBlock,
  computeStateRoot,
  toU64,
  type BlockContext,
  type Hash,
  type LedgerModel,
  type PublicKey,
  type State,
} from '../spec/index.ts';
import { blockArbitrary, generateBlockFromState, type BlockConstraints } from './arbitraries/index.ts';
import type { AccountRecord, BlockWrites, LmdbStorage } from '../impl/index.ts';

/** The fixed start of a chain: its genesis state and who mines. */
export interface ChainStart {
  /** The state before the first block (topoheight 0). */
  readonly state: State;
  /** The miner of every block. */
  readonly miner: PublicKey;
  /** The chain id of every block. */
  readonly chainId: number;
}

/** One block of a chain. */
export interface ChainBlock {
  /** The block context (topoheight 1 for the first block). */
  readonly context: BlockContext;
  /** The transactions' wire bytes. */
  readonly transactions: Uint8Array[];
}

/** A chain with the spec's state after every block. */
export interface SpecChain {
  /** The start. */
  readonly start: ChainStart;
  /** Blocks 1..n (`blocks[i]` has topoheight `i + 1`). */
  readonly blocks: readonly ChainBlock[];
  /** `states[t]`: the spec's state after `t` blocks (`states[0]` is the genesis state). */
  readonly states: readonly State[];
  /** `roots[t]`: the spec's state root of `states[t]`. */
  readonly roots: readonly Hash[];
}

/**
 * The starting state for a seed: a generated pre-state (2 to 50 accounts, balances at the
 * edges, assets, multisig configurations) with its miner and chain id.
 *
 * @param seed - the seed
 * @returns the chain's start
 * @example
 * const start = chainStart(7);
 */
export function chainStart(seed: number): ChainStart {
  const block = fc.sample(blockArbitrary({ maxTransactions: 0 }), { seed, numRuns: 1 })[0]!;
  return { state: block.state, miner: block.context.miner, chainId: block.context.chainId };
}

/**
 * The next block of a chain: generated from `state` (the state at `topoheight - 1`) with a
 * seed fixed by the chain seed and the topoheight. The ledger model alternates. When the
 * spec refuses the generated block (`BlockOverflow`), other seeds are tried, then an
 * empty block, so every chain block is applied.
 *
 * @param start - the chain's start
 * @param state - the state the block builds on
 * @param topoheight - the block's topoheight
 * @param seed - the chain seed
 * @param constraints - block-size and transaction constraints
 * @returns the block and the spec's result of it
 * @example
 * const { block, state: next } = nextChainBlock(start, start.state, 1n, 7);
 */
export function nextChainBlock(
  start: ChainStart,
  state: State,
  topoheight: bigint,
  seed: number,
  constraints: BlockConstraints = {},
): { readonly block: ChainBlock; readonly state: State; readonly stateRoot: Hash } {
  const ledger: LedgerModel = topoheight % 2n === 1n ? 'immediate' : 'deferred-credits';
  const context: BlockContext = { chainId: start.chainId, topoheight: toU64(topoheight), miner: start.miner, ledger };
  for (let attempt = 0; attempt <= 4; attempt++) {
    const transactions =
      attempt < 4 ? generateBlockFromState(state, context, (seed * 7919 + Number(topoheight) * 104_729 + attempt * 15_485_863) | 0, constraints).transactions : [];
    const result = applyBlock(state, context, transactions);
    if (result.ok) return { block: { context, transactions }, state: result.state, stateRoot: result.stateRoot };
  }
  throw new Error('unreachable: an empty block is always applied');
}

/**
 * A whole chain from {@link chainStart}: `blocks` blocks and the spec's states and roots.
 *
 * @param seed - the chain seed
 * @param blocks - how many blocks
 * @param constraints - block-size and transaction constraints
 * @returns the chain
 * @example
 * const chain = generateSpecChain(7, 20, { minTransactions: 4, maxTransactions: 8 });
 */
export function generateSpecChain(seed: number, blocks: number, constraints: BlockConstraints = {}): SpecChain {
  const start = chainStart(seed);
  const chainBlocks: ChainBlock[] = [];
  const states: State[] = [start.state];
  const roots: Hash[] = [computeStateRoot(start.state)];
  for (let topoheight = 1; topoheight <= blocks; topoheight++) {
    const next = nextChainBlock(start, states[topoheight - 1]!, BigInt(topoheight), seed, constraints);
    chainBlocks.push(next.block);
    states.push(next.state);
    roots.push(next.stateRoot);
  }
  return { start, blocks: chainBlocks, states, roots };
}

/**
 * The writes that take a store from `pre` to `post`: every account of `post` that is new or
 * differs from `pre` (as a final record), and `post`'s burned supply. The chain helpers
 * commit spec blocks with it, without the executor.
 *
 * @param pre - the state before the block
 * @param post - the state after it
 * @returns the block's writes
 * @example
 * const writes = blockWrites(chain.states[0]!, chain.states[1]!);
 */
export function blockWrites(pre: State, post: State): BlockWrites {
  const accounts = new Map<PublicKey, AccountRecord>();
  for (const [key, account] of post.accounts) {
    const before = pre.accounts.get(key);
    const same =
      before !== undefined &&
      before.nonce === account.nonce &&
      before.balances.equals(account.balances) &&
      JSON.stringify(before.multisig) === JSON.stringify(account.multisig);
    if (!same) accounts.set(key, { nonce: account.nonce, balances: new Map(account.balances), multisig: account.multisig });
  }
  return { accounts, burnedSupply: post.burnedSupply };
}

/**
 * Commit the chain's next block into a store straight from the spec: the block is generated
 * from the stored state ({@link nextChainBlock}), applied by the spec, and its writes
 * committed with the stored position as the base and the root the store computes.
 *
 * @param storage - an open store, for writing
 * @param start - the chain's start
 * @param seed - the chain seed
 * @param constraints - block-size and transaction constraints
 * @returns the committed topoheight, the spec's root and the root the store computed
 * @example
 * const { topoheight, specRoot } = commitChainBlock(storage, chainStart(7), 7);
 */
export function commitChainBlock(
  storage: LmdbStorage,
  start: ChainStart,
  seed: number,
  constraints: BlockConstraints = {},
): { readonly topoheight: bigint; readonly specRoot: Hash; readonly storeRoot: Hash } {
  const base = storage.readMeta()!;
  const pre = storage.readState();
  const topoheight = base.topoheight + 1n;
  const next = nextChainBlock(start, pre, topoheight, seed, constraints);
  const writes = blockWrites(pre, next.state);
  const storeRoot = storage.stateRootAfter(writes);
  storage.commit(writes, { topoheight, stateRoot: storeRoot, base });
  return { topoheight, specRoot: next.stateRoot, storeRoot };
}
