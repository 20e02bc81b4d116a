/**
 * The executor's own checks of what it is given (docs/semantics.md, "Input validation"): block
 * contexts, pre-states, transaction lists and executor options.
 *
 * Written independently of the spec's checks, with the same outcome: the same
 * {@link InvalidInputError} code and path for the same input (the input-agreement
 * property compares them). The order is the spec's: state, then context, then
 * transactions; inside each, field by field in the same order.
 *
 * Validating a state walks all of it, so validated states are remembered
 * ({@link markValidState}): states are immutable, and a chain of blocks whose post-states
 * the executor produced pays once.
 *
 * @module validate
 */

import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import { InvalidInputError, InvalidStateError, type BlockContext, type State } from '../spec/index.ts';

const U64_LIMIT = 1n << 64n;
const KEY_PATTERN = /^[0-9a-f]{64}$/;
const ZERO_ASSET = '0'.repeat(64);
const LEDGERS: ReadonlySet<unknown> = new Set(['immediate', 'deferred-credits']);

/** States that passed {@link validateStateInput} or that the executor produced itself. */
const validStates = new WeakSet<object>();

function pathKey(key: unknown): string {
  if (typeof key === 'string') return key;
  return key === null ? '<null>' : `<${typeof key}>`;
}

function readable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function u64(value: unknown): boolean {
  return typeof value === 'bigint' && value >= 0n && value < U64_LIMIT;
}

function key32(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

function checkMultisig(owner: string, config: unknown, path: string): void {
  if (!readable(config)) throw new InvalidStateError(path, 'neither null nor a multisig configuration');
  const participants = config['participants'];
  if (!Array.isArray(participants) || participants.length > 255) {
    throw new InvalidStateError(`${path}.participants`, 'not an array of at most 255 keys');
  }
  const threshold = config['threshold'];
  if (!Number.isInteger(threshold) || (threshold as number) < 1 || (threshold as number) > participants.length) {
    throw new InvalidStateError(`${path}.threshold`, 'not an integer from 1 to the participant count');
  }
  const seen = new Set<string>();
  participants.forEach((participant, index) => {
    if (!key32(participant)) throw new InvalidStateError(`${path}.participants[${index}]`, 'not a 64-character lowercase hex key');
  });
  let repeated = false;
  for (const participant of participants as string[]) {
    if (seen.has(participant)) repeated = true;
    seen.add(participant);
  }
  if (repeated) throw new InvalidStateError(`${path}.participants`, 'a participant appears twice');
  if (seen.has(owner)) throw new InvalidStateError(`${path}.participants`, 'the owner is one of its participants');
}

/**
 * Check a pre-state given to the executor, unless it was checked (or produced by the
 * executor) before.
 *
 * @param state - the value given as the state
 * @throws InvalidStateError (code `InvalidState`) naming the first offending field
 * @example
 * validateStateInput(state);
 */
export function validateStateInput(state: unknown): asserts state is State {
  if (readable(state) && validStates.has(state)) return;
  if (!readable(state)) throw new InvalidStateError('state', 'not a state');
  const accounts = state['accounts'];
  if (!ImmutableMap.isMap(accounts)) throw new InvalidStateError('state.accounts', 'not an Immutable Map');
  (accounts as ImmutableMap<unknown, unknown>).forEach((account, key) => {
    const path = `state.accounts[${pathKey(key)}]`;
    if (!key32(key)) throw new InvalidStateError(path, 'the key is not 64 lowercase hex characters');
    if (!readable(account)) throw new InvalidStateError(path, 'not an account');
    if (!u64(account['nonce'])) throw new InvalidStateError(`${path}.nonce`, 'not a u64 bigint');
    const balances = account['balances'];
    if (!ImmutableMap.isMap(balances)) throw new InvalidStateError(`${path}.balances`, 'not an Immutable Map');
    (balances as ImmutableMap<unknown, unknown>).forEach((amount, asset) => {
      const balancePath = `${path}.balances[${pathKey(asset)}]`;
      if (!key32(asset)) throw new InvalidStateError(balancePath, 'the asset id is not 64 lowercase hex characters');
      if (!u64(amount)) throw new InvalidStateError(balancePath, 'the amount is not a u64 bigint');
    });
    const multisig = account['multisig'];
    if (multisig !== null) checkMultisig(key, multisig, `${path}.multisig`);
  });
  const assets = state['assets'];
  if (!ImmutableSet.isSet(assets)) throw new InvalidStateError('state.assets', 'not an Immutable Set');
  (assets as ImmutableSet<unknown>).forEach((asset) => {
    if (!key32(asset)) throw new InvalidStateError(`state.assets[${pathKey(asset)}]`, 'not 64 lowercase hex characters');
  });
  if (!(assets as ImmutableSet<unknown>).has(ZERO_ASSET)) throw new InvalidStateError('state.assets', 'the native asset is not registered');
  if (!u64(state['burnedSupply'])) throw new InvalidStateError('state.burnedSupply', 'not a u64 bigint');
  validStates.add(state);
}

/**
 * Remember a state the executor produced itself (a post-state), so that executing the
 * next block on it does not validate it again.
 *
 * @param state - a post-state built by the executor from a validated pre-state
 * @example
 * markValidState(storage.readState());
 */
export function markValidState(state: State): void {
  validStates.add(state);
}

/**
 * Check a block context given to the executor.
 *
 * @param context - the value given as the context
 * @throws InvalidInputError (code `InvalidContext`) naming the first offending field
 * @example
 * validateContextInput(context);
 */
export function validateContextInput(context: unknown): asserts context is BlockContext {
  if (!readable(context)) throw new InvalidInputError('InvalidContext', 'context', 'not a block context');
  const chainId = context['chainId'];
  if (!Number.isInteger(chainId) || (chainId as number) < 0 || (chainId as number) > 255) {
    throw new InvalidInputError('InvalidContext', 'context.chainId', 'not an integer from 0 to 255');
  }
  const topoheight = context['topoheight'];
  if (typeof topoheight !== 'bigint' || topoheight <= 0n || topoheight >= U64_LIMIT) {
    throw new InvalidInputError('InvalidContext', 'context.topoheight', 'not a bigint from 1 to 2^64 - 1');
  }
  if (!key32(context['miner'])) throw new InvalidInputError('InvalidContext', 'context.miner', 'not 64 lowercase hex characters');
  if (!LEDGERS.has(context['ledger'])) throw new InvalidInputError('InvalidContext', 'context.ledger', 'not a ledger model');
}

/**
 * Check a block's transaction list given to the executor: an array of `Uint8Array`s.
 *
 * @param transactions - the value given as the transactions
 * @throws InvalidInputError (code `InvalidTransactions`) naming the list or the first bad element
 * @example
 * validateTransactionsInput(transactions);
 */
export function validateTransactionsInput(transactions: unknown): asserts transactions is readonly Uint8Array[] {
  if (!Array.isArray(transactions)) throw new InvalidInputError('InvalidTransactions', 'transactions', 'not an array');
  const count = transactions.length;
  for (let index = 0; index < count; index++) {
    if (!(transactions[index] instanceof Uint8Array)) {
      throw new InvalidInputError('InvalidTransactions', `transactions[${index}]`, 'not a Uint8Array');
    }
  }
}

/** The largest worker count the executor accepts. */
export const MAX_WORKERS = 1024;
/** The largest task deadline the executor accepts, in milliseconds (the timer limit, about 24.8 days). */
export const MAX_TASK_TIMEOUT_MS = 2 ** 31 - 1;

function checkWhole(options: Record<string, unknown>, name: string, min: number, max: number): void {
  const value = options[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError('InvalidOptions', `options.${name}`, `not an integer from ${min} to ${max}`);
  }
}

function checkChoice(options: Record<string, unknown>, name: string, choices: readonly string[]): void {
  const value = options[name];
  if (value !== undefined && !choices.includes(value as string)) {
    throw new InvalidInputError('InvalidOptions', `options.${name}`, `not one of ${choices.join(', ')}`);
  }
}

function checkFaults(faults: unknown): void {
  if (faults === undefined) return;
  if (!Array.isArray(faults)) throw new InvalidInputError('InvalidOptions', 'options.faults', 'not an array of fault plans');
  faults.forEach((fault: unknown, index) => {
    const valid =
      readable(fault) &&
      (fault['stage'] === 'verify' || fault['stage'] === 'apply') &&
      Number.isInteger(fault['taskIndex']) &&
      (fault['taskIndex'] as number) >= 0 &&
      (fault['kind'] === 'throw' || fault['kind'] === 'hang' || fault['kind'] === 'exit') &&
      (fault['afterMs'] === undefined || (Number.isInteger(fault['afterMs']) && (fault['afterMs'] as number) >= 0));
    if (!valid) throw new InvalidInputError('InvalidOptions', `options.faults[${index}]`, 'not a fault plan');
  });
}

/**
 * Check executor options, in the order of `ExecutorOptions`: `workers` (0 to
 * {@link MAX_WORKERS}), `scheduler`, `applyOn`, `batchSize` (a whole number of
 * transactions, at least 1), `taskTimeoutMs` (1 to {@link MAX_TASK_TIMEOUT_MS}),
 * `onWorkerFailure`, `costModel` (checked by the caller, which knows the class),
 * `faults`, `taskCompletionHook` (a function). NaN, infinities and fractions are refused
 * wherever a count is expected.
 *
 * @param options - the value given as the options (`undefined` means all defaults)
 * @param isCostModel - whether a value is an acceptable cost model
 * @throws InvalidInputError (code `InvalidOptions`) naming the first offending option
 * @example
 * validateOptions({ workers: 2, batchSize: 16 }, (value) => value instanceof ApplyCostModel);
 */
export function validateOptions(options: unknown, isCostModel: (value: unknown) => boolean): void {
  if (options === undefined) return;
  if (!readable(options)) throw new InvalidInputError('InvalidOptions', 'options', 'not an options object');
  checkWhole(options, 'workers', 0, MAX_WORKERS);
  checkChoice(options, 'scheduler', ['dag', 'tos-batches']);
  checkChoice(options, 'applyOn', ['auto', 'workers', 'main']);
  checkWhole(options, 'batchSize', 1, Number.MAX_SAFE_INTEGER);
  checkWhole(options, 'taskTimeoutMs', 1, MAX_TASK_TIMEOUT_MS);
  checkChoice(options, 'onWorkerFailure', ['redo', 'fail']);
  if (options['costModel'] !== undefined && !isCostModel(options['costModel'])) {
    throw new InvalidInputError('InvalidOptions', 'options.costModel', 'not an ApplyCostModel');
  }
  checkFaults(options['faults']);
  if (options['taskCompletionHook'] !== undefined && typeof options['taskCompletionHook'] !== 'function') {
    throw new InvalidInputError('InvalidOptions', 'options.taskCompletionHook', 'not a function');
  }
}
