/**
 * Unit tests of the executor's access sets and schedulers (docs/architecture.md, step 2), with
 * hand-computed expectations.
 */
import { describe, expect, it } from 'vitest';
import { BURNED_SUPPLY_KEY, computeParallelism, getAccessSet, scheduleDag, scheduleTosBatches } from '../../impl/index.ts';
import { decodeTransaction, TOS_ASSET, toU64, type DecodedTransaction, type Payload } from '../../spec/index.ts';
import { alice, ASSET_A, bob, carol, dave, encode, erin, miner, transfer, type BuildOptions } from '../support/fixtures.ts';

function decoded(options: BuildOptions): DecodedTransaction {
  const result = decodeTransaction(encode(options));
  if (!result.ok) throw new Error('fixture did not decode');
  return result.value;
}

const burn = (asset: string, amount: bigint): Payload => ({ kind: 'burn', asset, amount: toU64(amount) });

describe('getAccessSet', () => {
  it('an undecodable transaction touches nothing', () => {
    expect(getAccessSet(null)).toEqual([]);
  });

  it('a transfer touches its source and its destinations, each once, source first', () => {
    const tx = decoded({ source: alice, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 1n), transfer(carol.publicKey, 2n), transfer(bob.publicKey, 3n, ASSET_A)] } });
    expect(getAccessSet(tx)).toEqual([alice.publicKey, bob.publicKey, carol.publicKey]);
  });

  it('a transfer to the miner names the miner; the miner is otherwise not in access sets', () => {
    expect(getAccessSet(decoded({ source: alice, payload: { kind: 'transfers', transfers: [transfer(miner.publicKey, 1n)] } }))).toEqual([
      alice.publicKey,
      miner.publicKey,
    ]);
    expect(getAccessSet(decoded({ source: alice, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 1n)] } }))).not.toContain(miner.publicKey);
  });

  it('a TOS burn touches the burned supply; a burn of another asset does not', () => {
    expect(getAccessSet(decoded({ source: alice, payload: burn(TOS_ASSET, 5n) }))).toEqual([alice.publicKey, BURNED_SUPPLY_KEY]);
    expect(getAccessSet(decoded({ source: alice, payload: burn(ASSET_A, 5n) }))).toEqual([alice.publicKey]);
  });

  it('a multisig setup touches only its source (participants are keys, not state)', () => {
    expect(getAccessSet(decoded({ source: alice, payload: { kind: 'multisig', threshold: 1, participants: [bob.publicKey, carol.publicKey] } }))).toEqual([
      alice.publicKey,
    ]);
    expect(getAccessSet(decoded({ source: alice, payload: { kind: 'multisig', threshold: 0, participants: [] } }))).toEqual([alice.publicKey]);
  });

  it('two TOS burns from different senders conflict through the burned supply; a TOS burn and another asset burn do not', () => {
    const tosBurnAlice = getAccessSet(decoded({ source: alice, payload: burn(TOS_ASSET, 1n) }));
    const tosBurnBob = getAccessSet(decoded({ source: bob, payload: burn(TOS_ASSET, 2n) }));
    const assetBurnBob = getAccessSet(decoded({ source: bob, payload: burn(ASSET_A, 2n) }));
    expect(scheduleDag([tosBurnAlice, tosBurnBob])).toEqual([[0], [1]]);
    expect(scheduleTosBatches([tosBurnAlice, tosBurnBob])).toEqual([[0], [1]]);
    expect(scheduleDag([tosBurnAlice, assetBurnBob])).toEqual([[0, 1]]);
    expect(scheduleTosBatches([tosBurnAlice, assetBurnBob])).toEqual([[0, 1]]);
  });
});

describe('scheduleDag and scheduleTosBatches', () => {
  it('an empty block has no levels and no batches', () => {
    expect(scheduleDag([])).toEqual([]);
    expect(scheduleTosBatches([])).toEqual([]);
  });

  it('a 100%-conflict chain of n transactions gives n levels and n batches', () => {
    for (const n of [1, 2, 7, 25]) {
      const sets = Array.from({ length: n }, () => ['a']);
      const chain = Array.from({ length: n }, (_, index) => [index]);
      expect(scheduleDag(sets)).toEqual(chain);
      expect(scheduleTosBatches(sets)).toEqual(chain);
    }
  });

  it('real transactions: successive nonces of one sender, and many senders paying one hot account, are chains', () => {
    const oneSender = Array.from({ length: 6 }, (_, nonce) =>
      getAccessSet(decoded({ source: alice, nonce: BigInt(nonce), payload: { kind: 'transfers', transfers: [transfer([bob, carol, dave][nonce % 3]!.publicKey, 1n)] } })),
    );
    expect(scheduleDag(oneSender)).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(scheduleTosBatches(oneSender)).toEqual([[0], [1], [2], [3], [4], [5]]);
    const hot = [alice, bob, carol, dave].map((source) => getAccessSet(decoded({ source, payload: { kind: 'transfers', transfers: [transfer(erin.publicKey, 1n)] } })));
    expect(scheduleDag(hot)).toEqual([[0], [1], [2], [3]]);
    expect(scheduleTosBatches(hot)).toEqual([[0], [1], [2], [3]]);
  });

  it('independent transactions give one level and one batch', () => {
    expect(scheduleDag([['a'], ['b'], ['c'], ['d', 'e']])).toEqual([[0, 1, 2, 3]]);
    expect(scheduleTosBatches([['a'], ['b'], ['c'], ['d', 'e']])).toEqual([[0, 1, 2, 3]]);
    const sets = [alice, bob, carol].map((source, index) =>
      getAccessSet(decoded({ source, payload: { kind: 'transfers', transfers: [transfer([dave, erin, miner][index]!.publicKey, 1n)] } })),
    );
    expect(scheduleDag(sets)).toEqual([[0, 1, 2]]);
  });

  it('the documented examples', () => {
    expect(scheduleDag([['a'], ['b'], ['a', 'b']])).toEqual([[0, 1], [2]]);
    expect(scheduleTosBatches([['a'], ['b'], ['a'], ['c']])).toEqual([[0, 1], [2, 3]]);
  });

  it('a transaction waits only for the earlier ones it conflicts with (dag), while batches stay contiguous', () => {
    expect(scheduleDag([['a'], ['b'], ['a'], ['c']])).toEqual([[0, 1, 3], [2]]);
    expect(scheduleDag([['a'], ['a'], ['b']])).toEqual([[0, 2], [1]]);
    expect(scheduleTosBatches([['a'], ['a'], ['b']])).toEqual([[0], [1, 2]]);
  });

  it('a level is one more than the highest level among the conflicting earlier transactions', () => {
    // tx0 a:L0, tx1 a:L1, tx2 b:L0, tx3 a,b: max(L1, L0) + 1 = L2, tx4 b: L3, tx5 c: L0
    expect(scheduleDag([['a'], ['a'], ['b'], ['a', 'b'], ['b'], ['c']])).toEqual([[0, 2, 5], [1], [3], [4]]);
    // Batches close at the first conflict with the batch so far: [0] | [1, 2] | [3] | [4, 5]
    expect(scheduleTosBatches([['a'], ['a'], ['b'], ['a', 'b'], ['b'], ['c']])).toEqual([[0], [1, 2], [3], [4, 5]]);
  });

  it('conflicts are not transitive across levels: a-b, b-c, c-d chain, e is free', () => {
    expect(scheduleDag([['a', 'b'], ['b', 'c'], ['c', 'd'], ['e']])).toEqual([[0, 3], [1], [2]]);
    expect(scheduleTosBatches([['a', 'b'], ['b', 'c'], ['c', 'd'], ['e']])).toEqual([[0], [1], [2, 3]]);
  });

  it('transactions with empty access sets (undecodable) conflict with nothing', () => {
    expect(scheduleDag([[], ['a'], [], ['a'], []])).toEqual([[0, 1, 2, 4], [3]]);
    expect(scheduleTosBatches([[], ['a'], [], ['a'], []])).toEqual([[0, 1, 2], [3, 4]]);
  });

  it('every level of the dag holds pairwise independent transactions in block order, and every index appears once', () => {
    const sets = [['a', 'b'], ['c'], ['b'], ['d', 'a'], ['c', 'e'], ['f'], ['e'], ['a']];
    const levels = scheduleDag(sets);
    expect(levels).toEqual([[0, 1, 5], [2, 3, 4], [6, 7]]);
    expect(levels.flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const level of levels) {
      expect([...level].sort((x, y) => x - y)).toEqual(level);
      const keys = level.flatMap((index) => sets[index]!);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('computeParallelism', () => {
  it('the documented example: two conflicting transactions', () => {
    expect(computeParallelism([['a'], ['a']], [1, 1])).toEqual({ totalWork: 2, criticalPath: 2, available: 1 });
  });

  it('independent transactions: the critical path is the heaviest one', () => {
    expect(computeParallelism([['a'], ['b'], ['c']], [1, 2, 3])).toEqual({ totalWork: 6, criticalPath: 3, available: 2 });
  });

  it('a 100%-conflict chain offers no parallelism', () => {
    const sets = Array.from({ length: 10 }, () => ['hot']);
    expect(computeParallelism(sets, Array.from({ length: 10 }, () => 1))).toEqual({ totalWork: 10, criticalPath: 10, available: 1 });
  });

  it('a join starts after the latest of its predecessors', () => {
    // tx2 starts at max(2, 3) = 3 and ends at 4.
    expect(computeParallelism([['a'], ['b'], ['a', 'b']], [2, 3, 1])).toEqual({ totalWork: 6, criticalPath: 4, available: 1.5 });
  });

  it('missing weights count 1; an empty block has available parallelism 1', () => {
    expect(computeParallelism([['a'], ['b']], [])).toEqual({ totalWork: 2, criticalPath: 1, available: 2 });
    expect(computeParallelism([], [])).toEqual({ totalWork: 0, criticalPath: 0, available: 1 });
  });

  it('empty access sets run in parallel with everything', () => {
    expect(computeParallelism([['a'], [], ['a'], []], [1, 1, 1, 1])).toEqual({ totalWork: 4, criticalPath: 2, available: 2 });
  });
});
