/**
 * Sanity of the conformance arbitraries: encodings round-trip, intents align with
 * transactions, generation is deterministic for a seed, and constraints are respected.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBlock, bytesToHex, decodeTransaction, encodeTransaction, getAccount, isU64, toU64, TOS_ASSET, type BlockContext } from '../../spec/index.ts';
import {
  applyDamage,
  ASSET_UNREGISTERED,
  ASSET_X,
  blockArbitrary,
  damageArbitrary,
  generateBlockFromState,
  isU64Edge,
  KEY_POOL_SIZE,
  keyPool,
  MINER_KEY,
  preStateArbitrary,
  transactionArbitrary,
  universeArbitrary,
  type GeneratedBlock,
} from '../../conformance/arbitraries/index.ts';

const SEED = 4242;

function sampleBlocks(count: number, constraints: Parameters<typeof blockArbitrary>[0] = {}, seed = SEED): GeneratedBlock[] {
  return fc.sample(blockArbitrary(constraints), { seed, numRuns: count });
}

describe('key pool and universes', () => {
  it('has distinct deterministic keys', () => {
    expect(keyPool).toHaveLength(KEY_POOL_SIZE);
    expect(new Set(keyPool.map((key) => key.publicKey)).size).toBe(KEY_POOL_SIZE);
    expect(keyPool[0]!.name).toBe('pool-0');
    expect(keyPool.some((key) => key.publicKey === MINER_KEY.publicKey)).toBe(false);
  });

  it('respects universe sizes and hot-set sizes', () => {
    for (const universe of fc.sample(universeArbitrary({ minAccounts: 5, maxAccounts: 7, minHotAccounts: 2, maxHotAccounts: 2 }), { seed: SEED, numRuns: 50 })) {
      expect(universe.members.length).toBeGreaterThanOrEqual(5);
      expect(universe.members.length).toBeLessThanOrEqual(7);
      expect(new Set(universe.members).size).toBe(universe.members.length);
      expect(universe.hot).toHaveLength(2);
      expect(universe.fresh.every((key) => !universe.members.includes(key))).toBe(true);
    }
    const sizes = fc.sample(universeArbitrary(), { seed: SEED, numRuns: 300 }).map((universe) => universe.members.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(Math.max(...sizes)).toBeGreaterThan(20);
  });
});

describe('pre-states', () => {
  it('hold 0, 1, u64-edge balances, absent records, multisig configurations and the not-a-point account', () => {
    const pres = fc.sample(preStateArbitrary(), { seed: SEED, numRuns: 150 });
    const balances = pres.flatMap(({ state }) => [...state.accounts.values()].flatMap((account) => [...account.balances.values()]));
    expect(balances).toContain(0n);
    expect(balances).toContain(1n);
    expect(balances.some(isU64Edge)).toBe(true);
    expect(balances.every((value) => isU64(value))).toBe(true);
    for (const { state, universe } of pres) {
      expect(state.accounts.size).toBeGreaterThanOrEqual(2);
      expect([...state.accounts.values()].some((account) => account.multisig !== null)).toBe(true);
      for (const key of universe.hot) expect(state.accounts.has(key)).toBe(true);
    }
    expect(pres.some(({ state }) => [...state.accounts.values()].some((account) => !account.balances.has(TOS_ASSET)))).toBe(true);
    expect(pres.some(({ state }) => state.assets.has(ASSET_X))).toBe(true);
    expect(pres.some(({ state }) => !state.assets.has(ASSET_X))).toBe(true);
    expect(pres.every(({ state }) => !state.assets.has(ASSET_UNREGISTERED))).toBe(true);
    expect(pres.some(({ minerNearMax }) => minerNearMax)).toBe(true);
  });
});

describe('damage', () => {
  it('always changes the bytes', () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, index) => index);
    for (const damage of fc.sample(damageArbitrary(), { seed: SEED, numRuns: 100 })) {
      expect(bytesToHex(applyDamage(bytes, damage))).not.toBe(bytesToHex(bytes));
    }
  });
});

describe('blocks', () => {
  const blocks = sampleBlocks(40, { maxTransactions: 8 });

  it('align intents with transactions, and undamaged transactions round-trip through the codec', () => {
    let decoded = 0;
    for (const block of blocks) {
      expect(block.intents).toHaveLength(block.transactions.length);
      block.transactions.forEach((bytes, index) => {
        const intent = block.intents[index]!;
        expect(intent.length).toBeGreaterThan(0);
        const result = decodeTransaction(bytes);
        if (!intent.startsWith('damaged')) {
          expect(result.ok, intent).toBe(true);
          if (result.ok) expect(bytesToHex(encodeTransaction(result.value.transaction))).toBe(bytesToHex(bytes));
          decoded++;
        } else if (/truncate|trailing|payload tag|byte \d+$|byte \d+ \(/.test(intent) && !intent.includes('flip')) {
          expect(result.ok, intent).toBe(false);
        }
      });
    }
    expect(decoded).toBeGreaterThan(100);
  });

  it('are mostly accepted', () => {
    let total = 0;
    let accepted = 0;
    for (const block of blocks) {
      const result = applyBlock(block.state, block.context, block.transactions);
      total += block.transactions.length;
      if (result.ok) accepted += result.receipts.filter((receipt) => receipt.status === 'applied').length;
    }
    expect(accepted / total).toBeGreaterThan(0.5);
  });

  it('respect block-size bounds, the ledger model and a fixed miner', () => {
    for (const block of sampleBlocks(20, { minTransactions: 3, maxTransactions: 5, ledger: 'deferred-credits', miner: MINER_KEY.publicKey, hotSetSize: 1 })) {
      expect(block.transactions.length).toBeGreaterThanOrEqual(3);
      expect(block.transactions.length).toBeLessThanOrEqual(5);
      expect(block.context.ledger).toBe('deferred-credits');
      expect(block.context.miner).toBe(MINER_KEY.publicKey);
      expect(block.universe.hot).toHaveLength(1);
    }
    expect(sampleBlocks(5, { maxTransactions: 0 }).every((block) => block.transactions.length === 0)).toBe(true);
    expect(new Set(sampleBlocks(30, { maxTransactions: 2 }).map((block) => block.context.ledger)).size).toBe(2);
  });

  it('honour the invalid and damaged shares', () => {
    const valid = sampleBlocks(10, { invalidShare: 0, maxTransactions: 6, blockOverflowShare: 0, ledger: 'immediate' });
    let total = 0;
    let accepted = 0;
    for (const block of valid) {
      const result = applyBlock(block.state, block.context, block.transactions);
      total += block.transactions.length;
      if (result.ok) accepted += result.receipts.filter((receipt) => receipt.status === 'applied').length;
    }
    expect(accepted / total).toBeGreaterThan(0.85);
    const damaged = sampleBlocks(5, { damagedShare: 1, maxTransactions: 4 });
    expect(damaged.every((block) => block.intents.every((intent) => intent.startsWith('damaged')))).toBe(true);
  });

  it('are deterministic for a seed', () => {
    const again = sampleBlocks(40, { maxTransactions: 8 });
    expect(again.map((block) => block.transactions.map(bytesToHex))).toEqual(blocks.map((block) => block.transactions.map(bytesToHex)));
    expect(again.map((block) => block.intents)).toEqual(blocks.map((block) => block.intents));
  });
});

describe('generateBlockFromState', () => {
  const start = sampleBlocks(1, { maxTransactions: 0, universe: { minAccounts: 6, maxAccounts: 12 } }, 99)[0]!;

  it('is deterministic for a seed and differs between seeds', () => {
    const context: BlockContext = { chainId: 0, topoheight: toU64(5n), miner: MINER_KEY.publicKey, ledger: 'immediate' };
    const first = generateBlockFromState(start.state, context, 7);
    const second = generateBlockFromState(start.state, context, 7);
    expect(second.transactions.map(bytesToHex)).toEqual(first.transactions.map(bytesToHex));
    expect(second.intents).toEqual(first.intents);
    expect(first.intents).toHaveLength(first.transactions.length);
    const other = generateBlockFromState(start.state, context, 8);
    expect(other.transactions.map(bytesToHex)).not.toEqual(first.transactions.map(bytesToHex));
  });

  it('chains blocks: each generated from the state the previous one produced', () => {
    let state = start.state;
    let total = 0;
    let accepted = 0;
    for (let height = 1n; height <= 4n; height++) {
      const context: BlockContext = { chainId: 1, topoheight: toU64(height), miner: MINER_KEY.publicKey, ledger: height % 2n === 0n ? 'deferred-credits' : 'immediate' };
      const { transactions } = generateBlockFromState(state, context, Number(height), { maxTransactions: 6 });
      const result = applyBlock(state, context, transactions);
      total += transactions.length;
      if (!result.ok) continue;
      accepted += result.receipts.filter((receipt) => receipt.status === 'applied').length;
      state = result.state;
    }
    expect(total).toBeGreaterThan(0);
    expect(accepted / total).toBeGreaterThan(0.4);
    expect(getAccount(state, MINER_KEY.publicKey)).toBeDefined();
  });
});

describe('single transactions', () => {
  it('are built against a given state', () => {
    const block = sampleBlocks(1, { maxTransactions: 0 }, 5)[0]!;
    const generated = fc.sample(transactionArbitrary(block.universe, block.state, block.context, { invalidShare: 0 }), { seed: SEED, numRuns: 10 });
    expect(generated.filter(({ bytes }) => applyBlock(block.state, block.context, [bytes]).ok).length).toBeGreaterThan(0);
    for (const { bytes, intent } of generated) {
      expect(decodeTransaction(bytes).ok, intent).toBe(true);
    }
  });
});
