/**
 * Comparing an implementation's block result with the spec's, field by field:
 * {@link compareOutcomes} names the first differing field and both values;
 * {@link describeDifferences} lists every difference, located by receipt, account and
 * record, so a failure points at the bug.
 *
 * @module compare
 */

import type { AccountJson, BlockResult, ReceiptJson, StateJson } from '../spec/index.ts';
import { canonicalJson, resultToJson, type ExpectedJson } from './vectors/format.ts';

/** The first difference between two results. */
export interface Difference {
  /** JSON path of the field, e.g. `receipts[3].error` or `postState.accounts[1].balances[0].amount`. */
  readonly path: string;
  /** The spec's value (JSON text). */
  readonly expected: string;
  /** The implementation's value (JSON text). */
  readonly actual: string;
}

function firstDifference(expected: unknown, actual: unknown, path: string): Difference | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
      if (index >= expected.length || index >= actual.length) {
        return { path: `${path}.length`, expected: String(expected.length), actual: String(actual.length) };
      }
      const difference = firstDifference(expected[index], actual[index], `${path}[${index}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      const difference = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (difference) return difference;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? undefined
    : { path: path || '(root)', expected: JSON.stringify(expected) ?? 'undefined', actual: JSON.stringify(actual) ?? 'undefined' };
}

/**
 * Compare two expected-outcome JSON values: `ok`, then receipts (codes included), fee
 * total, state root, then the post-state.
 *
 * @param expected - the spec's outcome
 * @param actual - the implementation's outcome
 * @returns the first difference, or `undefined` when equal
 * @example
 * compareOutcomes(resultToJson(specResult), resultToJson(implResult))
 */
export function compareOutcomes(expected: ExpectedJson, actual: ExpectedJson): Difference | undefined {
  // Order the comparison so the most telling field is reported first.
  const order = (outcome: ExpectedJson): unknown =>
    outcome.ok
      ? { ok: true, receipts: outcome.receipts, feeTotal: outcome.feeTotal, stateRoot: outcome.stateRoot, postState: outcome.postState }
      : { ok: false, error: outcome.error };
  return firstDifference(order(expected), order(actual), '');
}

/**
 * Compare two block results (see {@link compareOutcomes}).
 *
 * @param expected - the spec's result
 * @param actual - the implementation's result
 * @returns the first difference, or `undefined` when equal
 * @example
 * const difference = compareResults(applyBlock(s, c, t), await executor.executeBlock(s, c, t));
 */
export function compareResults(expected: BlockResult, actual: BlockResult): Difference | undefined {
  return compareOutcomes(resultToJson(expected), resultToJson(actual));
}

/**
 * Describe a difference in one line.
 *
 * @param difference - the difference
 * @returns `path: expected X, got Y`
 * @example
 * formatDifference({ path: 'feeTotal', expected: '"10"', actual: '"0"' })
 */
export function formatDifference(difference: Difference): string {
  return `${difference.path}: expected ${difference.expected}, got ${difference.actual}`;
}

/** What kind of field or record an {@link OutcomeDifference} is about. */
export type DifferenceKind =
  /** One side applied the block, the other refused it (`ok`). */
  | 'outcome'
  /** Both refused the block, with different block errors. */
  | 'block-error'
  /** The number of receipts differs. */
  | 'receipt-count'
  /** One receipt differs (any of hash, status, error code, fee), or is missing on one side. */
  | 'receipt'
  /** The fee total differs. */
  | 'fee-total'
  /** An account exists in one post-state only. */
  | 'account'
  /** An account's nonce differs. */
  | 'nonce'
  /** An account's balance record of one asset differs, or exists on one side only. */
  | 'balance'
  /** An account's multisig configuration differs. */
  | 'multisig'
  /** The registered asset sets differ. */
  | 'assets'
  /** The burned supply differs. */
  | 'burned-supply'
  /** Same records, but in another order or listed twice (collections must be sorted and unique). */
  | 'layout'
  /** The state root differs. */
  | 'state-root';

/** The receipt fields {@link describeDifferences} compares. */
export type ReceiptField = 'hash' | 'status' | 'error' | 'fee';

/**
 * One difference between an expected and an actual outcome, located: which receipt, which
 * account (by public key) and which record of it. `expected` and `actual` are plain JSON
 * values (not JSON text); `null` stands for "absent" where the record can be missing (no
 * receipt, no account, no balance record).
 */
export interface OutcomeDifference {
  /** What the difference is about. */
  readonly kind: DifferenceKind;
  /** Where: `receipts[2]`, `feeTotal`, `postState.accounts[<publicKey>].balances[<asset>]`, `postState.burnedSupply`, `stateRoot`, ... */
  readonly path: string;
  /** The expected value (a JSON value; `null` when absent). */
  readonly expected: unknown;
  /** The actual value (a JSON value; `null` when absent). */
  readonly actual: unknown;
  /** The difference in one line, for people. */
  readonly message: string;
  /** The receipt's index (kind `receipt`). */
  readonly index?: number;
  /** The receipt fields that differ (kind `receipt`). */
  readonly fields?: readonly ReceiptField[];
  /** The account's public key (kinds `account`, `nonce`, `balance`, `multisig`). */
  readonly publicKey?: string;
  /** The asset of the balance record (kind `balance`). */
  readonly asset?: string;
  /** Kind `state-root` only: true when nothing else differs (receipts, fee total and post-state are equal). */
  readonly onlyStateRoot?: boolean;
}

/** The native asset's id (32 zero bytes). */
const TOS_ASSET_HEX = '00'.repeat(32);

/** A key or hash, shortened for messages (the full value is in the structured fields). */
function shortHex(hex: string): string {
  return hex.length > 20 ? `${hex.slice(0, 16)}…` : hex;
}

function assetName(asset: string): string {
  return asset === TOS_ASSET_HEX ? 'TOS' : `asset ${shortHex(asset)}`;
}

function receiptText(receipt: ReceiptJson, withHash: boolean): string {
  const hash = withHash ? `, hash ${receipt.hash === null ? 'null' : shortHex(receipt.hash)}` : '';
  return `${receipt.status}${receipt.error === null ? '' : ` ${receipt.error}`}, fee ${receipt.fee}${hash}`;
}

function multisigText(multisig: AccountJson['multisig']): string {
  return multisig === null ? 'none' : `${multisig.threshold} of [${multisig.participants.map(shortHex).join(', ')}]`;
}

/** Keys listed more than once. */
function repeated(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const key of keys) (seen.has(key) ? twice : seen).add(key);
  return [...twice].sort();
}

function byKey<T>(list: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}

const sortedUnion = (a: Iterable<string>, b: Iterable<string>): string[] => [...new Set([...a, ...b])].sort();

function receiptDifferences(expected: readonly ReceiptJson[], actual: readonly ReceiptJson[]): OutcomeDifference[] {
  const differences: OutcomeDifference[] = [];
  if (expected.length !== actual.length) {
    differences.push({
      kind: 'receipt-count',
      path: 'receipts.length',
      expected: expected.length,
      actual: actual.length,
      message: `receipts: expected ${expected.length}, got ${actual.length} (one per transaction, in order)`,
    });
  }
  for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
    const want = expected[index];
    const got = actual[index];
    const path = `receipts[${index}]`;
    if (want === undefined || got === undefined) {
      differences.push({
        kind: 'receipt',
        path,
        index,
        fields: ['hash', 'status', 'error', 'fee'],
        expected: want ?? null,
        actual: got ?? null,
        message: `${path}: expected ${want === undefined ? 'no receipt' : receiptText(want, true)}; got ${got === undefined ? 'no receipt' : receiptText(got, true)}`,
      });
      continue;
    }
    const fields = (['hash', 'status', 'error', 'fee'] as const).filter((field) => want[field] !== got[field]);
    if (fields.length === 0) continue;
    const withHash = fields.includes('hash');
    differences.push({
      kind: 'receipt',
      path,
      index,
      fields,
      expected: want,
      actual: got,
      message: `${path} (${fields.join(', ')}): expected ${receiptText(want, withHash)}; got ${receiptText(got, withHash)}`,
    });
  }
  return differences;
}

function accountDifferences(want: AccountJson, got: AccountJson): OutcomeDifference[] {
  const differences: OutcomeDifference[] = [];
  const key = want.publicKey;
  const at = `postState.accounts[${key}]`;
  const who = `account ${shortHex(key)}`;
  if (want.nonce !== got.nonce) {
    differences.push({ kind: 'nonce', path: `${at}.nonce`, publicKey: key, expected: want.nonce, actual: got.nonce, message: `${who}: nonce: expected ${want.nonce}, got ${got.nonce}` });
  }
  const wantBalances = byKey(want.balances, (balance) => balance.asset);
  const gotBalances = byKey(got.balances, (balance) => balance.asset);
  for (const asset of sortedUnion(wantBalances.keys(), gotBalances.keys())) {
    const expected = wantBalances.get(asset)?.amount ?? null;
    const actual = gotBalances.get(asset)?.amount ?? null;
    if (expected === actual) continue;
    differences.push({
      kind: 'balance',
      path: `${at}.balances[${asset}]`,
      publicKey: key,
      asset,
      expected,
      actual,
      message: `${who}: ${assetName(asset)} balance: expected ${expected ?? 'no record'}, got ${actual ?? 'no record'}`,
    });
  }
  if (canonicalJson(want.multisig) !== canonicalJson(got.multisig)) {
    differences.push({
      kind: 'multisig',
      path: `${at}.multisig`,
      publicKey: key,
      expected: want.multisig,
      actual: got.multisig,
      message: `${who}: multisig configuration: expected ${multisigText(want.multisig)}, got ${multisigText(got.multisig)}`,
    });
  }
  return differences;
}

function postStateDifferences(expected: StateJson, actual: StateJson): OutcomeDifference[] {
  const differences: OutcomeDifference[] = [];
  const wantAccounts = byKey(expected.accounts, (account) => account.publicKey);
  const gotAccounts = byKey(actual.accounts, (account) => account.publicKey);
  for (const key of sortedUnion(wantAccounts.keys(), gotAccounts.keys())) {
    const want = wantAccounts.get(key);
    const got = gotAccounts.get(key);
    if (want && got) {
      differences.push(...accountDifferences(want, got));
      continue;
    }
    const present = (want ?? got)!;
    const summary = `nonce ${present.nonce}, ${present.balances.map((balance) => `${assetName(balance.asset)} ${balance.amount}`).join(', ') || 'no balance records'}`;
    differences.push({
      kind: 'account',
      path: `postState.accounts[${key}]`,
      publicKey: key,
      expected: want ?? null,
      actual: got ?? null,
      message: want ? `account ${shortHex(key)}: expected (${summary}), got no account` : `account ${shortHex(key)}: expected no account, got one (${summary})`,
    });
  }
  const missing = expected.assets.filter((asset) => !actual.assets.includes(asset));
  const extra = actual.assets.filter((asset) => !expected.assets.includes(asset));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [...(missing.length ? [`missing ${missing.map(shortHex).join(', ')}`] : []), ...(extra.length ? [`not expected ${extra.map(shortHex).join(', ')}`] : [])];
    differences.push({ kind: 'assets', path: 'postState.assets', expected: expected.assets, actual: actual.assets, message: `registered assets: ${parts.join('; ')}` });
  }
  if (expected.burnedSupply !== actual.burnedSupply) {
    differences.push({
      kind: 'burned-supply',
      path: 'postState.burnedSupply',
      expected: expected.burnedSupply,
      actual: actual.burnedSupply,
      message: `burned supply: expected ${expected.burnedSupply}, got ${actual.burnedSupply}`,
    });
  }
  // Collections must be sorted and without repeats: report what the keyed comparison cannot see.
  const layout: [string, string[]][] = [
    ['postState.accounts', repeated(actual.accounts.map((account) => account.publicKey))],
    ['postState.assets', repeated(actual.assets)],
    ...actual.accounts.map((account): [string, string[]] => [`postState.accounts[${account.publicKey}].balances`, repeated(account.balances.map((balance) => balance.asset))]),
  ];
  for (const [path, twice] of layout) {
    if (twice.length === 0) continue;
    differences.push({ kind: 'layout', path, expected: null, actual: twice, message: `${path}: listed more than once: ${twice.map(shortHex).join(', ')}` });
  }
  if (differences.length === 0) {
    const positional = firstDifference(expected, actual, 'postState');
    if (positional) {
      differences.push({
        kind: 'layout',
        path: positional.path,
        expected: parseJsonText(positional.expected),
        actual: parseJsonText(positional.actual),
        message: `the post-state has the same records in another order (collections are sorted: accounts by key, balances by asset, assets): ${formatDifference(positional)}`,
      });
    }
  }
  return differences;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // `undefined`: the member is absent
  }
}

/**
 * Every difference between two expected-outcome JSON values, located so it points at the
 * bug: each differing receipt (status, error code, fee and hash side by side), the fee
 * total, and in the post-state each account (by public key) and record (nonce, the balance
 * of each asset, the multisig configuration) that differs, the registered assets and the
 * burned supply; last the state root. When only the state root differs (receipts, fee
 * total and post-state equal), its entry says so (`onlyStateRoot`) and points at
 * `docs/state-root.md`. The list is empty exactly when {@link compareOutcomes} finds no
 * difference.
 *
 * @param expected - the spec's outcome
 * @param actual - the implementation's outcome
 * @returns the differences, in that order (empty when the outcomes are equal)
 * @example
 * for (const difference of describeDifferences(vector.expected, actual)) console.log(difference.message);
 */
export function describeDifferences(expected: ExpectedJson, actual: ExpectedJson): OutcomeDifference[] {
  if (expected.ok !== actual.ok) {
    return [
      {
        kind: 'outcome',
        path: 'ok',
        expected: expected.ok,
        actual: actual.ok,
        message: expected.ok
          ? `expected the block to apply (${expected.receipts.length} receipt${expected.receipts.length === 1 ? '' : 's'}, fee total ${expected.feeTotal}), got it refused with ${actual.ok ? '?' : actual.error}`
          : `expected the block to be refused with ${expected.error}, got it applied (${actual.ok ? actual.receipts.length : 0} receipts)`,
      },
    ];
  }
  if (!expected.ok || !actual.ok) {
    const want = expected.ok ? undefined : expected.error;
    const got = actual.ok ? undefined : actual.error;
    return want === got ? [] : [{ kind: 'block-error', path: 'error', expected: want ?? null, actual: got ?? null, message: `block error: expected ${want}, got ${got}` }];
  }
  const differences = receiptDifferences(expected.receipts, actual.receipts);
  if (expected.feeTotal !== actual.feeTotal) {
    differences.push({ kind: 'fee-total', path: 'feeTotal', expected: expected.feeTotal, actual: actual.feeTotal, message: `fee total: expected ${expected.feeTotal}, got ${actual.feeTotal}` });
  }
  const postState = postStateDifferences(expected.postState, actual.postState);
  differences.push(...postState);
  if (expected.stateRoot !== actual.stateRoot) {
    const onlyStateRoot = differences.length === 0;
    differences.push({
      kind: 'state-root',
      path: 'stateRoot',
      expected: expected.stateRoot,
      actual: actual.stateRoot,
      onlyStateRoot,
      message: onlyStateRoot
        ? `only the state root differs: expected ${expected.stateRoot}, got ${actual.stateRoot}; the receipts, fee total and post-state are equal, so the state-root encoding is wrong: see docs/state-root.md`
        : `state root: expected ${shortHex(expected.stateRoot)}, got ${shortHex(actual.stateRoot)}${postState.length > 0 ? ' (the post-state differs, above)' : ''}`,
    });
  }
  return differences;
}
