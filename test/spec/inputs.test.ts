/**
 * Input validation (R1-R5): applyBlock, createState and stateFromJson refuse inputs the
 * rules do not define with an InvalidInputError naming the first offending field.
 */
import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  createState,
  InvalidInputError,
  InvalidStateError,
  MAX_U64,
  stateFromJson,
  stateToJson,
  TOS_ASSET,
  toU64,
  type BlockContext,
  type State,
} from '../../spec/index.ts';
import { alice, ASSET_A, bob, carol, context, encode, miner, pay, transfer } from '../support/fixtures.ts';

const state = createState({
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey, carol.publicKey] } },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 5n]] },
  ],
  assets: [ASSET_A],
});
const transactions = [encode({ source: bob, payload: pay(transfer(carol.publicKey, 1n)) })];

/** The error `action` throws, as class name, code and path. */
function thrown(action: () => unknown): { name: string; code: string; path: string } | 'no error' {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const { name, code, path } = error as InvalidInputError;
    return { name, code, path };
  }
  return 'no error';
}

const contextCases: [string, unknown, string][] = [
  ['not an object', null, 'context'],
  ['chain id 256', { ...context(), chainId: 256 }, 'context.chainId'],
  ['chain id -1', { ...context(), chainId: -1 }, 'context.chainId'],
  ['chain id 0.5', { ...context(), chainId: 0.5 }, 'context.chainId'],
  ['chain id NaN', { ...context(), chainId: Number.NaN }, 'context.chainId'],
  ['chain id as a bigint', { ...context(), chainId: 0n }, 'context.chainId'],
  ['topoheight 0', { ...context(), topoheight: 0n }, 'context.topoheight'],
  ['topoheight 2^64', { ...context(), topoheight: MAX_U64 + 1n }, 'context.topoheight'],
  ['topoheight as a number', { ...context(), topoheight: 10 }, 'context.topoheight'],
  ['miner in uppercase hex', { ...context(), miner: miner.publicKey.toUpperCase() }, 'context.miner'],
  ['miner of 66 hex characters', { ...context(), miner: `${miner.publicKey}00` }, 'context.miner'],
  ['miner of 62 hex characters', { ...context(), miner: miner.publicKey.slice(2) }, 'context.miner'],
  ['ledger not a model', { ...context(), ledger: 'optimistic' }, 'context.ledger'],
  ['chain id checked before the miner', { ...context(), chainId: 300, miner: 'x' }, 'context.chainId'],
];

function withAccount(key: unknown, account: unknown): State {
  return { ...state, accounts: state.accounts.set(key as string, account as never) };
}
const aliceAccount = state.accounts.get(alice.publicKey)!;
const stateCases: [string, unknown, string][] = [
  ['not an object', 'state', 'state'],
  ['accounts not an Immutable Map', { ...state, accounts: new Map() }, 'state.accounts'],
  ['an uppercase account key', withAccount(carol.publicKey.toUpperCase(), aliceAccount), `state.accounts[${carol.publicKey.toUpperCase()}]`],
  ['a numeric account key', withAccount(7, aliceAccount), 'state.accounts[<number>]'],
  ['an account that is not an object', withAccount(carol.publicKey, 1), `state.accounts[${carol.publicKey}]`],
  ['a negative nonce', withAccount(alice.publicKey, { ...aliceAccount, nonce: -1n }), `state.accounts[${alice.publicKey}].nonce`],
  ['a nonce as a number', withAccount(alice.publicKey, { ...aliceAccount, nonce: 1 }), `state.accounts[${alice.publicKey}].nonce`],
  ['balances as a plain object', withAccount(alice.publicKey, { ...aliceAccount, balances: {} }), `state.accounts[${alice.publicKey}].balances`],
  ['a balance of 2^64', withAccount(alice.publicKey, { ...aliceAccount, balances: ImmutableMap([[TOS_ASSET, MAX_U64 + 1n]]) }), `state.accounts[${alice.publicKey}].balances[${TOS_ASSET}]`],
  ['a 31-byte asset', withAccount(alice.publicKey, { ...aliceAccount, balances: ImmutableMap([['00'.repeat(31), 1n]]) }), `state.accounts[${alice.publicKey}].balances[${'00'.repeat(31)}]`],
  ['multisig undefined', withAccount(alice.publicKey, { ...aliceAccount, multisig: undefined }), `state.accounts[${alice.publicKey}].multisig`],
  ['threshold 0', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 0, participants: [bob.publicKey] } }), `state.accounts[${alice.publicKey}].multisig.threshold`],
  ['threshold above the participants', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 2, participants: [bob.publicKey] } }), `state.accounts[${alice.publicKey}].multisig.threshold`],
  ['participants not an array', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 1, participants: bob.publicKey } }), `state.accounts[${alice.publicKey}].multisig.participants`],
  ['a malformed participant', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 1, participants: [bob.publicKey, 'ab'] } }), `state.accounts[${alice.publicKey}].multisig.participants[1]`],
  ['repeated participants', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 1, participants: [bob.publicKey, bob.publicKey] } }), `state.accounts[${alice.publicKey}].multisig.participants`],
  ['the owner among its participants', withAccount(alice.publicKey, { ...aliceAccount, multisig: { threshold: 1, participants: [alice.publicKey] } }), `state.accounts[${alice.publicKey}].multisig.participants`],
  ['assets not an Immutable Set', { ...state, assets: new Set([TOS_ASSET]) }, 'state.assets'],
  ['TOS not registered', { ...state, assets: ImmutableSet([ASSET_A]) }, 'state.assets'],
  ['a malformed asset', { ...state, assets: state.assets.add('zz'.repeat(32)) }, `state.assets[${'zz'.repeat(32)}]`],
  ['burned supply -1', { ...state, burnedSupply: -1n }, 'state.burnedSupply'],
  ['burned supply as a string', { ...state, burnedSupply: '0' }, 'state.burnedSupply'],
];

const transactionCases: [string, unknown, string][] = [
  ['not an array', transactions[0], 'transactions'],
  ['a string among the bytes', [transactions[0], 'aa'], 'transactions[1]'],
  ['a plain array of numbers', [[1, 2, 3]], 'transactions[0]'],
  ['a hole', [transactions[0], , transactions[0]], 'transactions[1]'],
];

describe('applyBlock validates what it is given (R1-R5)', () => {
  it('valid inputs pass: the fixture block is applied', () => {
    const result = applyBlock(state, context(), transactions);
    expect(result.ok && result.receipts.map((receipt) => receipt.status)).toEqual(['applied']);
  });

  it.each(contextCases)('R5 context: %s is InvalidContext at its field', (_name, bad, path) => {
    expect(thrown(() => applyBlock(state, bad as BlockContext, transactions))).toEqual({ name: 'InvalidInputError', code: 'InvalidContext', path });
  });

  it.each(stateCases)('R1-R3 state: %s is InvalidState at its field', (_name, bad, path) => {
    expect(thrown(() => applyBlock(bad as State, context(), transactions))).toEqual({ name: 'InvalidStateError', code: 'InvalidState', path });
  });

  it.each(transactionCases)('transactions: %s is InvalidTransactions at its index', (_name, bad, path) => {
    expect(thrown(() => applyBlock(state, context(), bad as Uint8Array[]))).toEqual({ name: 'InvalidInputError', code: 'InvalidTransactions', path });
  });

  it('the state is checked before the context, the context before the transactions', () => {
    expect(thrown(() => applyBlock({ ...state, burnedSupply: -1n as never }, { ...context(), miner: 'x' }, [1] as never))).toMatchObject({ path: 'state.burnedSupply' });
    expect(thrown(() => applyBlock(state, { ...context(), miner: 'x' }, [1] as never))).toMatchObject({ path: 'context.miner' });
  });

  it('R5 decision: a miner key that is not a valid Ristretto point is accepted and credited, like a destination', () => {
    const notAPoint = 'ff'.repeat(32);
    const result = applyBlock(state, context({ miner: notAPoint }), transactions);
    expect(result.ok && result.state.accounts.get(notAPoint)?.balances.get(TOS_ASSET)).toBe(result.ok ? result.feeTotal : -1n);
  });

  it('R1 R20: topoheights 1 and 2^64 - 1 are accepted', () => {
    for (const topoheight of [1n, MAX_U64]) expect(applyBlock(state, context({ topoheight: toU64(topoheight) }), transactions).ok).toBe(true);
  });
});

describe('createState and stateFromJson report the same codes and paths', () => {
  it('createState: every refusal is an InvalidStateError (an InvalidInputError) with the field path', () => {
    const cases: [Parameters<typeof createState>[0], string][] = [
      [{ accounts: [{ publicKey: 'AB'.repeat(32) }] }, `state.accounts[${'AB'.repeat(32)}]`],
      [{ accounts: [{ publicKey: alice.publicKey }, { publicKey: alice.publicKey }] }, `state.accounts[${alice.publicKey}]`],
      [{ accounts: [{ publicKey: alice.publicKey, nonce: -1n }] }, `state.accounts[${alice.publicKey}].nonce`],
      [{ accounts: [{ publicKey: alice.publicKey, nonce: 3 as unknown as bigint }] }, `state.accounts[${alice.publicKey}].nonce`],
      [{ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1n], [TOS_ASSET, 2n]] }] }, `state.accounts[${alice.publicKey}].balances[${TOS_ASSET}]`],
      [{ accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 2, participants: [bob.publicKey] } }] }, `state.accounts[${alice.publicKey}].multisig.threshold`],
      [{ accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1, participants: [alice.publicKey] } }] }, `state.accounts[${alice.publicKey}].multisig.participants`],
      [{ assets: ['aa'] }, 'state.assets[aa]'],
      [{ burnedSupply: MAX_U64 + 1n }, 'state.burnedSupply'],
    ];
    for (const [init, path] of cases) {
      expect(thrown(() => createState(init)), path).toEqual({ name: 'InvalidStateError', code: 'InvalidState', path });
    }
    expect(new InvalidStateError('state', 'x')).toBeInstanceOf(InvalidInputError);
  });

  it('stateFromJson: malformed JSON is an InvalidStateError at the field, never a TypeError', () => {
    const json = stateToJson(state);
    const cases: [unknown, string][] = [
      [null, 'state'],
      [{ ...json, accounts: 'none' }, 'state.accounts'],
      [{ ...json, accounts: [5] }, 'state.accounts[0]'],
      [{ ...json, accounts: [{ ...json.accounts[0], nonce: '01' }] }, `state.accounts[${json.accounts[0]!.publicKey}].nonce`],
      [{ ...json, accounts: [{ ...json.accounts[0], balances: 'x' }] }, `state.accounts[${json.accounts[0]!.publicKey}].balances`],
      [{ ...json, accounts: [{ ...json.accounts[0], balances: [{ asset: TOS_ASSET, amount: '-1' }] }] }, `state.accounts[${json.accounts[0]!.publicKey}].balances[${TOS_ASSET}]`],
      [{ ...json, assets: {} }, 'state.assets'],
      [{ ...json, burnedSupply: 0 }, 'state.burnedSupply'],
    ];
    for (const [bad, path] of cases) {
      expect(thrown(() => stateFromJson(bad as never)), path).toEqual({ name: 'InvalidStateError', code: 'InvalidState', path });
    }
    expect(stateToJson(stateFromJson(json))).toEqual(json);
  });
});
