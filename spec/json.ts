/**
 * Plain JSON forms of states and receipts (rules R1, R3, R33), for vectors, adapters and
 * comparisons. Amounts are decimal strings (R1); byte strings are lowercase hex.
 * Accounts, balance records and assets appear sorted by key bytes, so equal states have
 * equal JSON.
 *
 * @module json
 */

import type { AssetId, Hash, PublicKey } from './bytes.ts';
import type { Receipt } from './apply-transaction.ts';
import { InvalidStateError, keyInPath, type RejectionCode } from './errors.ts';
import { createState, type MultiSigConfig, type State } from './state.ts';

/** A balance record in JSON form. */
export interface BalanceJson {
  /** The asset. */
  readonly asset: AssetId;
  /** The amount, as a decimal string. */
  readonly amount: string;
}

/** An account in JSON form. */
export interface AccountJson {
  /** The account's key. */
  readonly publicKey: PublicKey;
  /** Its nonce, as a decimal string. */
  readonly nonce: string;
  /** Its balance records sorted by asset, amounts as decimal strings. */
  readonly balances: readonly BalanceJson[];
  /** Its multisig configuration, or `null`. */
  readonly multisig: MultiSigConfig | null;
}

/** A state in JSON form. */
export interface StateJson {
  /** Every account, sorted by key. */
  readonly accounts: readonly AccountJson[];
  /** Registered assets, sorted (TOS included). */
  readonly assets: readonly AssetId[];
  /** TOS burned so far, as a decimal string. */
  readonly burnedSupply: string;
}

/** A receipt in JSON form (R33). */
export interface ReceiptJson {
  /** The transaction hash, or `null` when the bytes did not decode. */
  readonly hash: Hash | null;
  /** Whether the transaction took effect. */
  readonly status: 'applied' | 'rejected';
  /** The rejection code, or `null`. */
  readonly error: RejectionCode | null;
  /** The fee charged, as a decimal string. */
  readonly fee: string;
}

/**
 * The JSON form of a state, with every collection sorted.
 *
 * @param state - the state
 * @returns its JSON form
 * @example
 * JSON.stringify(stateToJson(result.state))
 */
export function stateToJson(state: State): StateJson {
  return {
    accounts: [...state.accounts.keys()].sort().map((publicKey) => {
      const account = state.accounts.get(publicKey)!;
      return {
        publicKey,
        nonce: account.nonce.toString(),
        balances: [...account.balances.keys()].sort().map((asset) => ({
          asset,
          amount: account.balances.get(asset)!.toString(),
        })),
        multisig: account.multisig === null ? null : { threshold: account.multisig.threshold, participants: [...account.multisig.participants] },
      };
    }),
    assets: [...state.assets].sort(),
    burnedSupply: state.burnedSupply.toString(),
  };
}

function parseDecimal(text: unknown, path: string): bigint {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new InvalidStateError(path, 'not a decimal string');
  }
  return BigInt(text);
}

function requireArray<T>(value: readonly T[], path: string): readonly T[] {
  if (!Array.isArray(value)) throw new InvalidStateError(path, 'not an array');
  return value;
}

function requireObject<T extends object>(value: T, path: string): T {
  if (typeof value !== 'object' || value === null) throw new InvalidStateError(path, 'not an object');
  return value;
}

/**
 * Read a state from its JSON form, validating it.
 *
 * @param json - the JSON form
 * @returns the state
 * @throws InvalidStateError (code `InvalidState`, with the offending field's path) when a
 *   field is malformed (see {@link createState})
 * @example
 * stateFromJson(vector.preState)
 */
export function stateFromJson(json: StateJson): State {
  requireObject(json, 'state');
  return createState({
    accounts: requireArray(json.accounts, 'state.accounts').map((account, index) => {
      requireObject(account, `state.accounts[${index}]`);
      const path = `state.accounts[${keyInPath(account.publicKey)}]`;
      return {
        publicKey: account.publicKey,
        nonce: parseDecimal(account.nonce, `${path}.nonce`),
        balances: requireArray(account.balances, `${path}.balances`).map((balance) => {
          requireObject(balance, `${path}.balances`);
          return [balance.asset, parseDecimal(balance.amount, `${path}.balances[${keyInPath(balance.asset)}]`)] as const;
        }),
        multisig: account.multisig === null || account.multisig === undefined ? null : requireObject(account.multisig, `${path}.multisig`),
      };
    }),
    assets: requireArray(json.assets, 'state.assets'),
    burnedSupply: parseDecimal(json.burnedSupply, 'state.burnedSupply'),
  });
}

/**
 * The JSON form of a receipt.
 *
 * @param receipt - the receipt
 * @returns its JSON form, the fee as a decimal string
 * @example
 * result.receipts.map(receiptToJson)
 */
export function receiptToJson(receipt: Receipt): ReceiptJson {
  return { hash: receipt.hash, status: receipt.status, error: receipt.error, fee: receipt.fee.toString() };
}
