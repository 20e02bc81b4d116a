/**
 * describeDifferences: every difference between an expected and an actual outcome,
 * located by receipt, account (public key) and record, with plain JSON values; empty
 * exactly when compareOutcomes finds no difference.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOutcomes, describeDifferences, formatDifference, type OutcomeDifference } from '../../conformance/compare.ts';
import type { ExpectedJson, Vector } from '../../conformance/vectors/format.ts';
import type { AccountJson, StateJson } from '../../spec/index.ts';
import { ROOT } from './support.ts';

type Applied = Extract<ExpectedJson, { ok: true }>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Mutable<U>[] : T[K] extends object | null ? Mutable<T[K]> : T[K] };

const TOS = '00'.repeat(32);
const vector = JSON.parse(readFileSync(join(ROOT, 'vectors', 'precedence', 'precedence-r21-before-r23.json'), 'utf8')) as Vector;
const expected = vector.expected as Applied;
const copy = (): Mutable<Applied> => JSON.parse(JSON.stringify(expected)) as Mutable<Applied>;
const accounts = expected.postState.accounts;
const withMultisig = accounts.find((account) => account.multisig !== null)!;
const withOtherAsset = accounts.find((account) => account.balances.some((balance) => balance.asset !== TOS))!;
const otherAsset = withOtherAsset.balances.find((balance) => balance.asset !== TOS)!.asset;
const bump = (amount: string): string => (BigInt(amount) + 1n).toString();
const kinds = (differences: readonly OutcomeDifference[]): string[] => differences.map((difference) => difference.kind);

describe('describeDifferences', () => {
  it('the fixture vector has what the tests need: receipts, multisig, a second asset', () => {
    expect(expected.receipts.length).toBeGreaterThanOrEqual(3);
    expect(withMultisig).toBeDefined();
    expect(withOtherAsset).toBeDefined();
  });

  it('equal outcomes: no difference, like compareOutcomes', () => {
    expect(describeDifferences(expected, copy())).toEqual([]);
    expect(compareOutcomes(expected, copy())).toBeUndefined();
  });

  it('a differing receipt: status, error code and fee side by side, as plain JSON, with the fields that differ', () => {
    const actual = copy();
    actual.receipts[1] = { ...actual.receipts[1]!, status: 'applied', error: null, fee: '12345' };
    const differences = describeDifferences(expected, actual);
    expect(differences).toEqual([
      {
        kind: 'receipt',
        path: 'receipts[1]',
        index: 1,
        fields: ['status', 'error', 'fee'],
        expected: expected.receipts[1],
        actual: actual.receipts[1],
        message: `receipts[1] (status, error, fee): expected rejected ${expected.receipts[1]!.error}, fee 0; got applied, fee 12345`,
      },
    ]);
    // The values are JSON values, not JSON text.
    expect(typeof differences[0]!.expected).toBe('object');
  });

  it('lists every difference at once, each located: receipts, fee total, nonce, balances, a missing record, an extra account, multisig, assets, burned supply, state root', () => {
    const actual = copy();
    actual.receipts[0]!.fee = bump(actual.receipts[0]!.fee);
    actual.receipts[2]!.hash = null;
    actual.feeTotal = bump(actual.feeTotal);
    const state = actual.postState;
    const at = (key: string): Mutable<AccountJson> => state.accounts.find((account) => account.publicKey === key)!;
    at(accounts[0]!.publicKey).nonce = bump(accounts[0]!.nonce);
    const other = at(withOtherAsset.publicKey);
    other.balances = other.balances.map((balance) => (balance.asset === otherAsset ? { ...balance, amount: bump(balance.amount) } : balance));
    const dropped = at(accounts[1]!.publicKey);
    const droppedRecord = dropped.balances[0]!;
    dropped.balances = dropped.balances.slice(1);
    at(withMultisig.publicKey).multisig = null;
    const stranger = 'ab'.repeat(32);
    state.accounts.push({ publicKey: stranger, nonce: '0', balances: [], multisig: null });
    state.accounts.sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1));
    state.assets = state.assets.filter((asset) => asset !== otherAsset);
    state.burnedSupply = bump(state.burnedSupply);
    actual.stateRoot = 'cd'.repeat(32);

    const differences = describeDifferences(expected, actual);
    const find = (kind: string, extra: Partial<OutcomeDifference> = {}): OutcomeDifference | undefined =>
      differences.find((difference) => difference.kind === kind && Object.entries(extra).every(([key, value]) => (difference as unknown as Record<string, unknown>)[key] === value));
    expect(find('receipt', { index: 0 })).toMatchObject({ fields: ['fee'], expected: { fee: expected.receipts[0]!.fee }, actual: { fee: actual.receipts[0]!.fee } });
    expect(find('receipt', { index: 2 })).toMatchObject({ fields: ['hash'], expected: { hash: expected.receipts[2]!.hash }, actual: { hash: null } });
    expect(find('fee-total')).toMatchObject({ expected: expected.feeTotal, actual: actual.feeTotal });
    expect(find('nonce', { publicKey: accounts[0]!.publicKey })).toMatchObject({ expected: accounts[0]!.nonce, actual: bump(accounts[0]!.nonce), path: `postState.accounts[${accounts[0]!.publicKey}].nonce` });
    expect(find('balance', { publicKey: withOtherAsset.publicKey, asset: otherAsset })).toMatchObject({ path: `postState.accounts[${withOtherAsset.publicKey}].balances[${otherAsset}]` });
    expect(find('balance', { publicKey: dropped.publicKey, asset: droppedRecord.asset })).toMatchObject({ expected: droppedRecord.amount, actual: null });
    expect(find('balance', { publicKey: dropped.publicKey, asset: droppedRecord.asset })!.message).toContain('got no record');
    expect(find('multisig', { publicKey: withMultisig.publicKey })).toMatchObject({ expected: withMultisig.multisig, actual: null });
    expect(find('account', { publicKey: stranger })).toMatchObject({ expected: null, actual: { publicKey: stranger, nonce: '0' } });
    expect(find('assets')!.message).toContain(`missing ${otherAsset.slice(0, 16)}`);
    expect(find('burned-supply')).toMatchObject({ expected: expected.postState.burnedSupply, actual: state.burnedSupply });
    expect(find('state-root')).toMatchObject({ onlyStateRoot: false, expected: expected.stateRoot, actual: actual.stateRoot });
    // Receipts first, then the fee total, the post-state, and the state root last.
    expect(kinds(differences)[0]).toBe('receipt');
    expect(kinds(differences).at(-1)).toBe('state-root');
    expect(kinds(differences).indexOf('fee-total')).toBeLessThan(kinds(differences).indexOf('nonce'));
    // compareOutcomes still names one (the first) difference.
    expect(formatDifference(compareOutcomes(expected, actual)!)).toMatch(/^receipts\[0\]\.fee: expected /);
  });

  it('only the state root differs: one entry that says so and points at docs/state-root.md', () => {
    const actual = copy();
    actual.stateRoot = 'ef'.repeat(32);
    const differences = describeDifferences(expected, actual);
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({ kind: 'state-root', path: 'stateRoot', onlyStateRoot: true, expected: expected.stateRoot, actual: actual.stateRoot });
    expect(differences[0]!.message).toMatch(/^only the state root differs: .*receipts, fee total and post-state are equal.*docs\/state-root\.md/);
  });

  it('applied versus refused, and missing receipts', () => {
    const refused: ExpectedJson = { ok: false, error: 'BlockOverflow' };
    expect(describeDifferences(expected, refused)).toEqual([
      expect.objectContaining({ kind: 'outcome', path: 'ok', expected: true, actual: false, message: expect.stringContaining('refused with BlockOverflow') }),
    ]);
    expect(describeDifferences(refused, expected)).toEqual([expect.objectContaining({ kind: 'outcome', expected: false, actual: true })]);
    expect(describeDifferences(refused, { ok: false, error: 'BlockOverflow' })).toEqual([]);
    const short = copy();
    short.receipts.pop();
    const differences = describeDifferences(expected, short);
    expect(differences.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'receipt-count', expected: expected.receipts.length, actual: expected.receipts.length - 1 }),
      expect.objectContaining({ kind: 'receipt', index: expected.receipts.length - 1, expected: expected.receipts.at(-1), actual: null }),
    ]);
  });

  it('the same records in another order, or listed twice: a layout difference (collections must be sorted and unique)', () => {
    const reversed = copy();
    reversed.postState.accounts.reverse();
    expect(kinds(describeDifferences(expected, reversed))).toEqual(['layout']);
    expect(compareOutcomes(expected, reversed)).toBeDefined();
    const twice = copy();
    twice.postState.accounts.splice(1, 0, JSON.parse(JSON.stringify(twice.postState.accounts[0])) as Mutable<AccountJson>);
    expect(describeDifferences(expected, twice)).toEqual([expect.objectContaining({ kind: 'layout', path: 'postState.accounts', actual: [accounts[0]!.publicKey] })]);
  });

  it('property: for any combination of damage, the list is empty exactly when compareOutcomes finds nothing, and names each damaged record', async () => {
    interface Damage {
      readonly apply: (actual: Mutable<Applied>) => void;
      /** What it damages: a receipt, an account, a field. */
      readonly target: string;
      /** The kind and locator it must produce (none for a pure reordering). */
      readonly expect?: Partial<OutcomeDifference>;
    }
    const damages: fc.Arbitrary<Damage> = fc.oneof(
      fc.nat({ max: expected.receipts.length - 1 }).chain((index) =>
        fc.constantFrom<Damage>(
          { target: `receipt ${index}`, apply: (actual) => void (actual.receipts[index]!.fee = bump(actual.receipts[index]!.fee)), expect: { kind: 'receipt', index } },
          { target: `receipt ${index}`, apply: (actual) => void (actual.receipts[index]!.status = actual.receipts[index]!.status === 'applied' ? 'rejected' : 'applied'), expect: { kind: 'receipt', index } },
        ),
      ),
      fc.nat({ max: accounts.length - 1 }).chain((index) => {
        const key = accounts[index]!.publicKey;
        const find = (state: Mutable<StateJson>): Mutable<AccountJson> => state.accounts.find((account) => account.publicKey === key) ?? { publicKey: key, nonce: '0', balances: [], multisig: null };
        const target = `account ${key}`;
        return fc.constantFrom<Damage>(
          { target, apply: (actual) => void (find(actual.postState).nonce = bump(find(actual.postState).nonce)), expect: { kind: 'nonce', publicKey: key } },
          {
            target,
            apply: (actual) => {
              const account = find(actual.postState);
              account.balances = account.balances.length ? account.balances.map((balance, i) => (i === 0 ? { ...balance, amount: bump(balance.amount) } : balance)) : [{ asset: TOS, amount: '1' }];
            },
            expect: { kind: 'balance', publicKey: key },
          },
          {
            target,
            apply: (actual) => void (find(actual.postState).multisig = find(actual.postState).multisig === null ? { threshold: 1, participants: [key] } : null),
            expect: { kind: 'multisig', publicKey: key },
          },
          { target, apply: (actual) => void (actual.postState.accounts = actual.postState.accounts.filter((account) => account.publicKey !== key)), expect: { kind: 'account', publicKey: key } },
        );
      }),
      fc.constantFrom<Damage>(
        { target: 'fee total', apply: (actual) => void (actual.feeTotal = bump(actual.feeTotal)), expect: { kind: 'fee-total' } },
        { target: 'burned supply', apply: (actual) => void (actual.postState.burnedSupply = bump(actual.postState.burnedSupply)), expect: { kind: 'burned-supply' } },
        { target: 'state root', apply: (actual) => void (actual.stateRoot = '12'.repeat(32)), expect: { kind: 'state-root' } },
        { target: 'account order', apply: (actual) => void actual.postState.accounts.reverse() },
        { target: 'asset order', apply: (actual) => void actual.postState.assets.reverse() },
      ),
    );
    await fc.assert(
      fc.property(fc.array(damages, { maxLength: 6 }), (chosen) => {
        const actual = copy();
        for (const damage of chosen) damage.apply(actual);
        const differences = describeDifferences(expected, actual);
        expect(differences.length === 0).toBe(compareOutcomes(expected, actual) === undefined);
        for (const difference of differences) {
          expect(difference.message.length).toBeGreaterThan(0);
          expect(() => JSON.stringify([difference.expected, difference.actual])).not.toThrow();
        }
        // Two damages of the same record may undo each other (a status flipped twice): check
        // the locator of each damage that is the only one of its record.
        for (const damage of chosen) {
          if (!damage.expect || chosen.filter((other) => other.target === damage.target).length > 1) continue;
          const { kind, index, publicKey } = damage.expect;
          const present = differences.some((difference) => difference.kind === kind && (index === undefined || difference.index === index) && (publicKey === undefined || difference.publicKey === publicKey));
          expect(present, damage.target).toBe(true);
        }
      }),
      { numRuns: 300, seed: 7_2024 },
    );
  });
});
