/**
 * What {@link applyBlock} accepts (rules R1-R5): the checks every public entry makes on
 * its inputs before executing anything.
 *
 * A block is executed only against a state the rules can hold (R1-R3), under a context
 * the rules define (R5), over a list of byte strings. Anything else is a misuse of the
 * API, not a transaction to reject: the entry throws an {@link InvalidInputError} (for a
 * state, its subclass {@link InvalidStateError}) naming the first offending field, and
 * executes nothing. What the bytes of a transaction say is judged later, per transaction,
 * by R17-R29.
 *
 * The checks run in argument order (state, context, transactions) and, inside each,
 * field by field in the order written here, so every implementation reports the same
 * first field for the same input.
 *
 * Decision: the miner is any 32-byte key written as 64 lowercase hex characters, like a
 * transfer destination. It need not be a valid Ristretto255 encoding: keys are decoded
 * as points only where a signature is verified (R2, R26), and the miner signs nothing in
 * a block; it is only credited (R32).
 *
 * @module inputs
 */

import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import { isHexOfLength, TOS_ASSET } from './bytes.ts';
import type { BlockContext } from './context.ts';
import { InvalidInputError, InvalidStateError, keyInPath } from './errors.ts';
import { isU64, MAX_U64 } from './integers.ts';
import { LEDGER_MODELS } from './ledger.ts';
import type { State } from './state.ts';

/** Is this value an object whose fields can be read (not `null`, not a primitive)? */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Is this value a u64 (R1): a bigint in `0..2^64 - 1`? */
function isU64Bigint(value: unknown): boolean {
  return typeof value === 'bigint' && isU64(value);
}

/** Is this value a key, an asset id or a hash (R2): 32 bytes as 64 lowercase hex characters? */
function isKey(value: unknown): value is string {
  return typeof value === 'string' && isHexOfLength(value, 32);
}

/**
 * Check a multisig configuration (R24's limits on a stored one): at most 255 distinct
 * participant keys, none of them the owner, and a whole threshold from 1 to their count.
 *
 * @param config - the account's `multisig` field (not `null`)
 * @param owner - the account's key
 * @param path - the field's path, e.g. `state.accounts[<key>].multisig`
 * @throws InvalidStateError naming the first offending field
 */
function validateMultiSig(config: unknown, owner: string, path: string): void {
  if (!isObject(config)) throw new InvalidStateError(path, 'neither null nor a configuration');
  const { threshold, participants } = config;
  if (!Array.isArray(participants) || participants.length > 255) {
    throw new InvalidStateError(`${path}.participants`, 'not an array of at most 255 keys');
  }
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1 || threshold > participants.length) {
    throw new InvalidStateError(`${path}.threshold`, `not an integer from 1 to the ${participants.length} participants`);
  }
  for (let index = 0; index < participants.length; index++) {
    if (!isKey(participants[index])) throw new InvalidStateError(`${path}.participants[${index}]`, 'not 32 bytes of lowercase hex');
  }
  if (new Set(participants).size !== participants.length) {
    throw new InvalidStateError(`${path}.participants`, 'the participants are not distinct');
  }
  if (participants.includes(owner)) {
    throw new InvalidStateError(`${path}.participants`, 'an account cannot be its own multisig participant');
  }
}

/**
 * Check one account (R3): a u64 nonce, balance records keyed by asset id with u64
 * amounts, and `null` or a valid multisig configuration.
 *
 * @param key - the account's key in `state.accounts`
 * @param account - the account
 * @throws InvalidStateError naming the first offending field
 */
function validateAccount(key: unknown, account: unknown): void {
  const path = `state.accounts[${keyInPath(key)}]`;
  if (!isKey(key)) throw new InvalidStateError(path, 'the key is not 32 bytes of lowercase hex');
  if (!isObject(account)) throw new InvalidStateError(path, 'not an account');
  if (!isU64Bigint(account['nonce'])) throw new InvalidStateError(`${path}.nonce`, 'not a u64 bigint');
  const balances = account['balances'];
  if (!ImmutableMap.isMap(balances)) throw new InvalidStateError(`${path}.balances`, 'not an Immutable Map');
  for (const [asset, amount] of balances as ImmutableMap<unknown, unknown>) {
    const balancePath = `${path}.balances[${keyInPath(asset)}]`;
    if (!isKey(asset)) throw new InvalidStateError(balancePath, 'the asset id is not 32 bytes of lowercase hex');
    if (!isU64Bigint(amount)) throw new InvalidStateError(balancePath, 'the amount is not a u64 bigint');
  }
  if (account['multisig'] !== null) validateMultiSig(account['multisig'], key, `${path}.multisig`);
}

/**
 * Check a pre-state (R1-R3): what {@link createState} builds. Accounts keyed by valid
 * keys, each valid (`validateAccount`, above); registered assets that are valid ids and
 * include TOS; a u64 burned supply. Maps and sets cannot hold duplicates, so none are
 * looked for.
 *
 * @param state - the value given as a state
 * @throws InvalidStateError naming the first offending field
 * @example
 * validateState(createState({})) // passes
 */
export function validateState(state: unknown): asserts state is State {
  if (!isObject(state)) throw new InvalidStateError('state', 'not a state');
  const { accounts, assets, burnedSupply } = state;
  if (!ImmutableMap.isMap(accounts)) throw new InvalidStateError('state.accounts', 'not an Immutable Map');
  for (const [key, account] of accounts as ImmutableMap<unknown, unknown>) validateAccount(key, account);
  if (!ImmutableSet.isSet(assets)) throw new InvalidStateError('state.assets', 'not an Immutable Set');
  for (const asset of assets as ImmutableSet<unknown>) {
    if (!isKey(asset)) throw new InvalidStateError(`state.assets[${keyInPath(asset)}]`, 'not 32 bytes of lowercase hex');
  }
  if (!(assets as ImmutableSet<unknown>).has(TOS_ASSET)) throw new InvalidStateError('state.assets', 'TOS is not registered');
  if (!isU64Bigint(burnedSupply)) throw new InvalidStateError('state.burnedSupply', 'not a u64 bigint');
}

/**
 * Check a block context (R5): a chain id from 0 to 255 (R25 compares it with a u8), a
 * topoheight from 1 to 2^64 - 1 (the pre-state is at `topoheight - 1`, R20), a miner key
 * of 64 lowercase hex characters (any 32 bytes, see the module's decision) and a ledger
 * model (R30).
 *
 * @param context - the value given as a context
 * @throws InvalidInputError with code `InvalidContext` naming the first offending field
 * @example
 * validateContext({ chainId: 0, topoheight: toU64(1n), miner, ledger: 'immediate' }) // passes
 */
export function validateContext(context: unknown): asserts context is BlockContext {
  if (!isObject(context)) throw new InvalidInputError('InvalidContext', 'context', 'not a block context');
  const { chainId, topoheight, miner, ledger } = context;
  if (typeof chainId !== 'number' || !Number.isInteger(chainId) || chainId < 0 || chainId > 255) {
    throw new InvalidInputError('InvalidContext', 'context.chainId', 'not an integer from 0 to 255');
  }
  if (typeof topoheight !== 'bigint' || topoheight < 1n || topoheight > MAX_U64) {
    throw new InvalidInputError('InvalidContext', 'context.topoheight', 'not a bigint from 1 to 2^64 - 1');
  }
  if (!isKey(miner)) throw new InvalidInputError('InvalidContext', 'context.miner', 'not 32 bytes as 64 lowercase hex characters');
  if (!LEDGER_MODELS.includes(ledger as BlockContext['ledger'])) {
    throw new InvalidInputError('InvalidContext', 'context.ledger', `not one of ${LEDGER_MODELS.join(', ')}`);
  }
}

/**
 * Check a block's transactions: an array of `Uint8Array`s. Their content is not looked
 * at here; bytes that do not decode are rejected one by one (R17).
 *
 * @param transactions - the value given as the block's transactions
 * @throws InvalidInputError with code `InvalidTransactions` naming `transactions` or the
 *   first element that is not bytes (`transactions[3]`)
 * @example
 * validateTransactions([new Uint8Array(0)]) // passes: an undecodable transaction, rejected by R17
 */
export function validateTransactions(transactions: unknown): asserts transactions is readonly Uint8Array[] {
  if (!Array.isArray(transactions)) throw new InvalidInputError('InvalidTransactions', 'transactions', 'not an array');
  for (let index = 0; index < transactions.length; index++) {
    if (!(transactions[index] instanceof Uint8Array)) {
      throw new InvalidInputError('InvalidTransactions', `transactions[${index}]`, 'not a Uint8Array');
    }
  }
}

/**
 * Check everything {@link applyBlock} is given, in argument order: the state
 * ({@link validateState}), the context ({@link validateContext}), the transactions
 * ({@link validateTransactions}).
 *
 * @param state - the pre-state
 * @param context - the block context
 * @param transactions - the block's transactions
 * @throws InvalidInputError (for the state, {@link InvalidStateError}) naming the first
 *   offending field; nothing has been executed
 * @example
 * validateBlockInputs(state, context, transactions);
 */
export function validateBlockInputs(state: unknown, context: unknown, transactions: unknown): void {
  validateState(state);
  validateContext(context);
  validateTransactions(transactions);
}
