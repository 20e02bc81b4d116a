/**
 * Invalid inputs (R1-R5): generated blocks with one or two of their inputs made into
 * something the rules do not define, a context field out of range, an impossible
 * pre-state, a transaction that is not bytes, to check that an implementation refuses
 * them exactly as the spec does (same error class, code and path). Each misuse is a
 * small targeted change, so every field check is reached, not only the first.
 *
 * @module conformance/arbitraries/invalid-inputs
 */

import fc from 'fast-check';
import { Map as ImmutableMap } from 'immutable';
import { MAX_U64, TOS_ASSET, type Account, type BlockContext, type State } from '../../spec/index.ts';
import { blockArbitrary, type BlockConstraints, type GeneratedBlock } from './block.ts';

/** A block's three inputs, any of which may be invalid. */
export interface BlockInputs {
  /** The pre-state (possibly not a valid `State`). */
  readonly state: State;
  /** The block context (possibly not a valid `BlockContext`). */
  readonly context: BlockContext;
  /** The transactions (possibly not an array of `Uint8Array`). */
  readonly transactions: readonly Uint8Array[];
}

/** One way of making an input invalid: a label for reports and the change. */
export interface Misuse {
  /** What it does, e.g. `context.miner uppercase sender`. */
  readonly label: string;
  /**
   * Apply it.
   *
   * @param inputs - the inputs so far
   * @returns the changed inputs
   */
  readonly apply: (inputs: BlockInputs) => BlockInputs;
}

/** A generated block with its misuses applied. */
export interface MisusedBlock extends BlockInputs {
  /** The labels of the misuses applied, in order (empty: the inputs are valid). */
  readonly misuses: readonly string[];
}

const withContext = (label: string, change: (context: BlockContext) => unknown): Misuse => ({
  label,
  apply: (inputs) => ({ ...inputs, context: change(inputs.context) as BlockContext }),
});

const withState = (label: string, change: (state: State) => unknown): Misuse => ({
  label,
  apply: (inputs) => ({ ...inputs, state: change(inputs.state) as State }),
});

/** An account whose fields may be set to anything. */
interface LooseAccount {
  readonly nonce: unknown;
  readonly balances: ImmutableMap<string, unknown>;
  readonly multisig: unknown;
}

/** Change the first account of the state (or add one with a fixed key if there is none). */
const withFirstAccount = (label: string, change: (account: LooseAccount, key: string, others: string[]) => unknown): Misuse =>
  withState(label, (state) => {
    const keys = [...state.accounts.keys()];
    const key = keys[0] ?? '11'.repeat(32);
    const account: LooseAccount = state.accounts.get(key) ?? { nonce: 0n, balances: ImmutableMap<string, unknown>(), multisig: null };
    const others = keys.slice(1).length > 0 ? keys.slice(1) : ['22'.repeat(32)];
    return { ...state, accounts: state.accounts.set(key, change(account, key, others) as Account) };
  });

const withTransactions = (label: string, change: (transactions: readonly Uint8Array[]) => unknown): Misuse => ({
  label,
  apply: (inputs) => ({ ...inputs, transactions: change(inputs.transactions) as Uint8Array[] }),
});

/** The first account key of the state, or a fixed key when there is none. */
const someKey = (state: State): string => state.accounts.keySeq().first() ?? '11'.repeat(32);

/**
 * Every misuse, each tied to one field check of the spec's input validation.
 */
export const MISUSES: readonly Misuse[] = [
  withContext('context null', () => null),
  withContext('context.chainId 256', (context) => ({ ...context, chainId: 256 })),
  withContext('context.chainId -1', (context) => ({ ...context, chainId: -1 })),
  withContext('context.chainId 0.5', (context) => ({ ...context, chainId: 0.5 })),
  withContext('context.chainId NaN', (context) => ({ ...context, chainId: Number.NaN })),
  withContext('context.topoheight 0', (context) => ({ ...context, topoheight: 0n })),
  withContext('context.topoheight 2^64', (context) => ({ ...context, topoheight: MAX_U64 + 1n })),
  withContext('context.topoheight number', (context) => ({ ...context, topoheight: 5 })),
  withContext('context.miner 66 hex', (context) => ({ ...context, miner: `${context.miner}00` })),
  withContext('context.miner 62 hex', (context) => ({ ...context, miner: context.miner.slice(2) })),
  withContext('context.miner number', (context) => ({ ...context, miner: 7 })),
  withContext('context.ledger unknown', (context) => ({ ...context, ledger: 'optimistic' })),
  {
    label: 'context.miner uppercase account key',
    apply: (inputs) => ({ ...inputs, context: { ...inputs.context, miner: someKey(inputs.state).toUpperCase() } }),
  },
  withState('state null', () => null),
  withState('state.accounts plain Map', (state) => ({ ...state, accounts: new Map(state.accounts) })),
  withState('state.assets without TOS', (state) => ({ ...state, assets: state.assets.delete(TOS_ASSET) })),
  withState('state.assets plain Set', (state) => ({ ...state, assets: new Set(state.assets) })),
  withState('state.assets malformed', (state) => ({ ...state, assets: state.assets.add('ab') })),
  withState('state.burnedSupply -1', (state) => ({ ...state, burnedSupply: -1n })),
  withState('state.burnedSupply 2^64', (state) => ({ ...state, burnedSupply: MAX_U64 + 1n })),
  withState('state.accounts uppercase key', (state) => ({
    ...state,
    accounts: state.accounts.set(someKey(state).toUpperCase(), state.accounts.first() ?? ({ nonce: 0n, balances: ImmutableMap(), multisig: null } as unknown as Account)),
  })),
  withFirstAccount('account.nonce -1', (account) => ({ ...account, nonce: -1n })),
  withFirstAccount('account.nonce 2^64', (account) => ({ ...account, nonce: MAX_U64 + 1n })),
  withFirstAccount('account.nonce number', (account) => ({ ...account, nonce: 1 })),
  withFirstAccount('account.balances 2^64', (account) => ({ ...account, balances: account.balances.set(TOS_ASSET, MAX_U64 + 1n) })),
  withFirstAccount('account.balances -1', (account) => ({ ...account, balances: account.balances.set(TOS_ASSET, -1n) })),
  withFirstAccount('account.balances uppercase asset', (account) => ({ ...account, balances: account.balances.set('AA'.repeat(32), 1n) })),
  withFirstAccount('account.multisig threshold 0', (account, _key, others) => ({ ...account, multisig: { threshold: 0, participants: others.slice(0, 1) } })),
  withFirstAccount('account.multisig threshold above count', (account, _key, others) => ({ ...account, multisig: { threshold: 2, participants: others.slice(0, 1) } })),
  withFirstAccount('account.multisig repeated participant', (account, _key, others) => ({ ...account, multisig: { threshold: 1, participants: [others[0], others[0]] } })),
  withFirstAccount('account.multisig owner participant', (account, key) => ({ ...account, multisig: { threshold: 1, participants: [key] } })),
  withFirstAccount('account.multisig malformed participant', (account, _key, others) => ({ ...account, multisig: { threshold: 1, participants: [others[0], 'zz'] } })),
  withFirstAccount('account.multisig undefined', (account) => ({ ...account, multisig: undefined })),
  withTransactions('transactions not an array', (transactions) => transactions[0] ?? 'none'),
  withTransactions('transactions string element', (transactions) => [...transactions, 'ab']),
  withTransactions('transactions number array element', (transactions) => [[1, 2, 3], ...transactions]),
  withTransactions('transactions null element', (transactions) => [...transactions.slice(0, 1), null, ...transactions.slice(1)]),
];

/**
 * Generated blocks with zero, one or two misuses applied (about one in six valid, so the
 * property also checks that valid inputs still agree). A second misuse that does not
 * apply to what the first left (a field of a `null` state) is left out of `misuses`.
 *
 * @param constraints - block generation constraints
 * @returns blocks with their inputs possibly made invalid
 * @example
 * fc.sample(misusedBlockArbitrary({ maxTransactions: 4 }), 3).map((block) => block.misuses)
 */
export function misusedBlockArbitrary(constraints: BlockConstraints = {}): fc.Arbitrary<MisusedBlock> {
  const misuse = fc.constantFrom(...MISUSES);
  const misuses = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(misuse, { minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.array(misuse, { minLength: 2, maxLength: 2 }) });
  return fc.tuple(blockArbitrary(constraints), misuses).map(([block, chosen]: [GeneratedBlock, readonly Misuse[]]) => {
    let inputs: BlockInputs = { state: block.state, context: block.context, transactions: block.transactions };
    const applied: string[] = [];
    for (const { label, apply } of chosen) {
      // A second misuse may not apply to what the first left (a field of a null state).
      try {
        inputs = apply(inputs);
        applied.push(label);
      } catch {
        continue;
      }
    }
    return { ...inputs, misuses: applied };
  });
}
