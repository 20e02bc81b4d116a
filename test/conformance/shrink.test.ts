/**
 * The block shrinker (conformance/shrink.ts) against the deliberately broken variants on
 * generated blocks: the shrunk block still fails, is 1-minimal with respect to dropping a
 * transaction, is the same on every run, respects its budget (by an injected clock, never
 * the machine's speed), and the shrinker only ever rechecks valid inputs to the spec.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockArbitrary, type GeneratedBlock } from '../../conformance/arbitraries/index.ts';
import type { BlockExecutor } from '../../conformance/executor-under-test.ts';
import { agreementRecheck, DisagreementError, type ExecutedBlock } from '../../conformance/properties.ts';
import { adapterRecheck, shrinkBlock, type Recheck, type ShrinkProgress } from '../../conformance/shrink.ts';
import { BROKEN_VARIANTS, brokenExecutor, type Defect } from '../../conformance/variants/index.ts';
import { applyBlock, bytesToHex, computeRequiredFee, decodeTransaction, stateToJson, TOS_ASSET, validateBlockInputs } from '../../spec/index.ts';

/** A clock that never moves: no verdict here depends on how fast the machine is. */
const frozen = (): number => 0;

/** Generated blocks, drawn once per seed. */
const samples = new Map<number, GeneratedBlock[]>();
function generated(seed: number): GeneratedBlock[] {
  if (!samples.has(seed)) samples.set(seed, fc.sample(blockArbitrary(), { seed, numRuns: 60 }));
  return samples.get(seed)!;
}

/** The first generated block (seed 1) on which the variant disagrees with the spec. */
async function failingBlock(defect: Defect): Promise<ExecutedBlock> {
  const recheck = agreementRecheck([brokenExecutor(defect)]);
  for (const block of generated(1)) if ((await recheck(block)) !== undefined) return block;
  throw new Error(`no generated block fails ${defect}`);
}

/** A recheck that records every call and whether its input was a valid input to the spec. */
function recorded(recheck: Recheck) {
  const log = { calls: 0, invalid: [] as string[] };
  const wrapped: Recheck = async (candidate) => {
    log.calls++;
    try {
      validateBlockInputs(candidate.state, candidate.context, candidate.transactions);
    } catch (error) {
      log.invalid.push(String(error));
    }
    return recheck(candidate);
  };
  return { recheck: wrapped, log };
}

function withoutTransaction(block: ExecutedBlock, index: number): ExecutedBlock {
  return { ...block, transactions: block.transactions.filter((_, position) => position !== index) };
}

function fingerprint(block: ExecutedBlock): string {
  return JSON.stringify([stateToJson(block.state), block.context.chainId, `${block.context.topoheight}`, block.context.miner, block.context.ledger, block.transactions.map(bytesToHex)]);
}

describe('shrinkBlock against the broken variants', () => {
  for (const variant of BROKEN_VARIANTS) {
    it(`${variant.defect}: the shrunk block still fails, removing any one transaction makes it pass, and only valid inputs were rechecked`, async () => {
      const block = await failingBlock(variant.defect);
      const recheck = agreementRecheck([brokenExecutor(variant.defect)]);
      const { recheck: watched, log } = recorded(recheck);
      const progress: ShrinkProgress[] = [];
      const result = await shrinkBlock(block, watched, { clock: frozen, onProgress: (step) => progress.push(step) });

      expect(result.reproduced).toBe(true);
      expect(result.stats.budgetExhausted).toBe(false);
      expect(result.detail).toContain(`broken:${variant.defect} disagrees with the spec`);
      expect(await recheck(result.block)).toBe(result.detail);
      for (let index = 0; index < result.block.transactions.length; index++) {
        expect(await recheck(withoutTransaction(result.block, index)), `without transaction ${index}`).toBeUndefined();
      }
      expect(log.invalid).toEqual([]);
      expect(log.calls).toBe(result.stats.candidatesTried);
      // Smaller, and the statistics say so.
      expect(result.stats.transactionsBefore).toBe(block.transactions.length);
      expect(result.stats.transactionsAfter).toBe(result.block.transactions.length);
      expect(result.stats.accountsBefore).toBe(block.state.accounts.size);
      expect(result.stats.accountsAfter).toBe(result.block.state.accounts.size);
      expect(result.block.transactions.length).toBeLessThanOrEqual(3);
      expect(result.block.transactions.length).toBeLessThan(block.transactions.length);
      expect(result.block.state.accounts.size).toBeLessThanOrEqual(1);
      // Progress came as the block got smaller, ending at the result's size.
      expect(progress.length).toBeGreaterThan(0);
      for (let index = 1; index < progress.length; index++) {
        expect(progress[index]!.transactions).toBeLessThanOrEqual(progress[index - 1]!.transactions);
        expect(progress[index]!.candidatesTried).toBeGreaterThan(progress[index - 1]!.candidatesTried);
      }
      expect(progress.at(-1)!.transactions).toBe(result.block.transactions.length);
    });
  }

  it('is deterministic: the same block shrinks to the same block with the same statistics', async () => {
    for (const defect of ['stale-sender-balance', 'conflicts-reordered'] as const) {
      const block = await failingBlock(defect);
      const recheck = agreementRecheck([brokenExecutor(defect)]);
      const first = await shrinkBlock(block, recheck, { clock: frozen });
      const second = await shrinkBlock(block, recheck, { clock: frozen });
      expect(fingerprint(second.block)).toBe(fingerprint(first.block));
      expect(second.detail).toBe(first.detail);
      expect(second.stats).toEqual(first.stats);
    }
  });

  it('simplifies amounts and fees of a transaction and re-signs it with the recovered pool key', async () => {
    const block = await failingBlock('sender-never-debited');
    const result = await shrinkBlock(block, agreementRecheck([brokenExecutor('sender-never-debited')]), { clock: frozen });
    expect(result.block.transactions).toHaveLength(1);
    const bytes = result.block.transactions[0]!;
    // New bytes: the transaction was edited and signed again ...
    expect(block.transactions.map(bytesToHex)).not.toContain(bytesToHex(bytes));
    // ... and the spec applies it, so its signatures verify.
    const outcome = applyBlock(result.block.state, result.block.context, result.block.transactions);
    expect(outcome.ok && outcome.receipts[0]!.status).toBe('applied');
    const decoded = decodeTransaction(bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const { transaction } = decoded.value;
    // The smallest fee that is still accepted, and nothing sent: the defect needs no more.
    expect(transaction.fee).toBe(computeRequiredFee(transaction, bytes.length));
    expect(transaction.payload.kind === 'transfers' ? transaction.payload.transfers.map((transfer) => transfer.amount) : 'not a transfer').toEqual([0n]);
    // The sender's balance is exactly what the fee needs.
    expect(result.block.state.accounts.get(transaction.source)?.balances.get(TOS_ASSET)).toBe(transaction.fee);
  });
});

describe('shrinkBlock on a synthetic failure', () => {
  it('delta debugging keeps exactly the two transactions that matter, and drops every account and record the failure does not need', async () => {
    const block = generated(2).find((candidate) => candidate.transactions.length >= 10)!;
    const [a, b] = [bytesToHex(block.transactions[2]!), bytesToHex(block.transactions[7]!)];
    const { recheck, log } = recorded(async (candidate) => {
      const present = new Set(candidate.transactions.map(bytesToHex));
      return present.has(a) && present.has(b) ? 'both present' : undefined;
    });
    const result = await shrinkBlock(block, recheck, { clock: frozen });
    expect(result.block.transactions.map(bytesToHex)).toEqual([a, b]);
    expect(result.detail).toBe('both present');
    expect(result.block.state.accounts.size).toBe(0);
    expect([...result.block.state.assets]).toEqual([TOS_ASSET]);
    expect(result.block.state.burnedSupply).toBe(0n);
    expect(result.block.context).toEqual(block.context);
    expect(log.invalid).toEqual([]);
    // Far fewer candidates than subsets: delta debugging, not a search.
    expect(result.stats.candidatesTried).toBeLessThan(100);
  });

  it("drops a sender's earlier applied transactions by raising its pre-state nonce, so a later one still applies", async () => {
    // The first generated block with two applied transactions of one sender.
    const found = generated(3).flatMap((block) => {
      const result = applyBlock(block.state, block.context, block.transactions);
      if (!result.ok) return [];
      const sources = block.transactions.map((bytes) => {
        const decoded = decodeTransaction(bytes);
        return decoded.ok ? decoded.value.transaction.source : undefined;
      });
      const applied = (index: number): boolean => result.receipts[index]!.status === 'applied';
      for (let later = 1; later < block.transactions.length; later++) {
        for (let earlier = 0; earlier < later; earlier++) {
          if (applied(earlier) && applied(later) && sources[earlier] === sources[later]) return [{ block, later }];
        }
      }
      return [];
    })[0]!;
    const target = bytesToHex(found.block.transactions[found.later]!);
    const decodedTarget = decodeTransaction(found.block.transactions[found.later]!);
    if (!decodedTarget.ok) throw new Error('the generated transaction does not decode');
    const { source, nonce } = decodedTarget.value.transaction;
    expect(found.block.state.accounts.get(source)!.nonce).toBeLessThan(nonce);
    // Fails while that transaction is there and the spec applies it.
    const stillApplied: Recheck = async (candidate) => {
      const index = candidate.transactions.findIndex((bytes) => bytesToHex(bytes) === target);
      if (index < 0) return undefined;
      const result = applyBlock(candidate.state, candidate.context, candidate.transactions);
      return result.ok && result.receipts[index]!.status === 'applied' ? 'applied' : undefined;
    };
    const result = await shrinkBlock(found.block, stillApplied, { clock: frozen });
    expect(result.block.transactions.map(bytesToHex)).toEqual([target]);
    expect(result.block.state.accounts.get(source)!.nonce).toBe(nonce);
  });

  it('lowers a balance to the smallest value that still fails', async () => {
    const block = generated(2).find((candidate) => [...candidate.state.accounts.values()].some((account) => (account.balances.get(TOS_ASSET) ?? 0n) > 1_000_000n))!;
    const [key] = [...block.state.accounts].find(([, account]) => (account.balances.get(TOS_ASSET) ?? 0n) > 1_000_000n)!;
    const result = await shrinkBlock(block, async (candidate) => ((candidate.state.accounts.get(key)?.balances.get(TOS_ASSET) ?? 0n) >= 12_345n ? 'rich' : undefined), { clock: frozen });
    expect(result.block.state.accounts.get(key)?.balances.get(TOS_ASSET)).toBe(12_345n);
    expect(result.block.transactions).toHaveLength(0);
    expect(result.block.state.accounts.size).toBe(1);
  });

  it('returns the input, not reproduced, when it does not fail; and never rechecks an input that is not valid', async () => {
    const block = generated(1)[0]!;
    let calls = 0;
    const passing = await shrinkBlock(block, async () => void calls++, { clock: frozen });
    expect(passing.reproduced).toBe(false);
    expect(passing.block).toBe(block);
    expect(passing.detail).toBeUndefined();
    expect(passing.stats.candidatesTried).toBe(1);
    expect(calls).toBe(1);
    const invalid = { ...block, context: { ...block.context, chainId: 256 } };
    const refused = await shrinkBlock(
      invalid,
      async () => {
        calls++;
        return 'fails';
      },
      { clock: frozen },
    );
    expect(refused.reproduced).toBe(false);
    expect(refused.stats.candidatesTried).toBe(0);
    expect(calls).toBe(1);
  });
});

describe('shrinkBlock budget', () => {
  it('stops when the budget has passed by the given clock, returning the smallest failing block so far, flagged', async () => {
    const block = await failingBlock('stale-sender-balance');
    const recheck = agreementRecheck([brokenExecutor('stale-sender-balance')]);
    let now = 0;
    // Every reading of the clock advances it by one second.
    const clock = (): number => (now += 1000);
    const result = await shrinkBlock(block, recheck, { budgetSeconds: 5, clock });
    expect(result.stats.budgetExhausted).toBe(true);
    expect(result.stats.candidatesTried).toBeLessThanOrEqual(6);
    expect(result.stats.seconds).toBeGreaterThanOrEqual(5);
    expect(await recheck(result.block)).toBe(result.detail);
    const unlimited = await shrinkBlock(block, recheck, { clock: frozen });
    expect(unlimited.stats.candidatesTried).toBeGreaterThan(result.stats.candidatesTried);
  });

  it('with a budget of 0 returns the input block itself, checked once', async () => {
    const block = await failingBlock('rejected-fees-counted');
    const result = await shrinkBlock(block, agreementRecheck([brokenExecutor('rejected-fees-counted')]), { budgetSeconds: 0, clock: frozen });
    expect(result.reproduced).toBe(true);
    expect(result.stats.budgetExhausted).toBe(true);
    expect(result.stats.candidatesTried).toBe(1);
    expect(fingerprint(result.block)).toBe(fingerprint(block));
    expect(result.detail).toContain('broken:rejected-fees-counted disagrees with the spec');
  });
});

describe('rechecks', () => {
  const block = generated(1)[0]!;
  const throwing = (name: string, error: unknown): BlockExecutor => ({
    name,
    executeBlock: async () => {
      throw error;
    },
    close: async () => undefined,
  });
  const agreeing: BlockExecutor = { name: 'spec', executeBlock: async (state, context, transactions) => applyBlock(state, context, transactions), close: async () => undefined };

  it('agreementRecheck: undefined when every executor agrees; the first disagreement as a DisagreementError message otherwise', async () => {
    expect(await agreementRecheck([agreeing])(block)).toBeUndefined();
    const failing = await failingBlock('rejected-fees-counted');
    expect(await agreementRecheck([agreeing, brokenExecutor('rejected-fees-counted')])(failing)).toMatch(/^broken:rejected-fees-counted disagrees with the spec: feeTotal: expected "\d+", got "\d+"$/);
  });

  it('agreementRecheck: a thrown error fails the candidate, unless it is an fc.pre failure or the predicate passes it', async () => {
    class Skip extends Error {}
    expect(await agreementRecheck([throwing('crashy', new TypeError('boom'))])(block)).toBe('crashy threw TypeError: boom');
    expect(await agreementRecheck([throwing('disagreeing', new DisagreementError('disagreeing', 'protocol error', block))])(block)).toBe('disagreeing disagrees with the spec: protocol error');
    expect(await agreementRecheck([throwing('skipping', new fc.PreconditionFailure())])(block)).toBeUndefined();
    expect(await agreementRecheck([throwing('skipping', new Skip())], { passes: (error) => error instanceof Skip })(block)).toBeUndefined();
    // A passing executor does not hide the next one's failure.
    expect(await agreementRecheck([throwing('skipping', new Skip()), throwing('crashy', new Error('late'))], { passes: (error) => error instanceof Skip })(block)).toBe('crashy threw Error: late');
  });

  it('adapterRecheck: a protocol error still fails, a skip passes', async () => {
    class ProtocolError extends Error {}
    class SkipError extends Error {}
    const isSkip = (error: unknown): boolean => error instanceof SkipError;
    expect(await adapterRecheck(throwing('adapter', new ProtocolError('bad reply')), isSkip)(block)).toBe('adapter threw Error: bad reply');
    expect(await adapterRecheck(throwing('adapter', new SkipError('ledger')), isSkip)(block)).toBeUndefined();
    expect(await adapterRecheck(agreeing, isSkip)(block)).toBeUndefined();
  });
});
