/**
 * The apply-stage cost model: predictions, the decision with its 20% margin, and the moving
 * averages, each worked out by hand; then the executor's use of it (`applyOn` and a seeded
 * model).
 */
import { describe, expect, it } from 'vitest';
import { ApplyCostModel, INITIAL_COST_ESTIMATES, type CostEstimates } from '../../impl/index.ts';
import { createState, TOS_ASSET } from '../../spec/index.ts';
import { createTestKey } from '../../spec/test-keys.ts';
import { alice, bob, carol, context as blockContext, dave, encode, pay, transfer } from '../support/fixtures.ts';
import { useExecutors } from '../support/lifetimes.ts';

const estimates = (mainMicrosPerTx: number, workerRoundTripMicros: number, workerMicrosPerTx: number): CostEstimates => ({
  mainMicrosPerTx,
  workerRoundTripMicros,
  workerMicrosPerTx,
});

describe('ApplyCostModel', () => {
  it('starts from 10 us per transaction on the main thread, a 400 us round trip and 40 us per transaction on workers', () => {
    expect(new ApplyCostModel().estimates).toEqual({ mainMicrosPerTx: 10, workerRoundTripMicros: 400, workerMicrosPerTx: 40 });
    expect(INITIAL_COST_ESTIMATES).toEqual(new ApplyCostModel().estimates);
  });

  it('predicts size x mainPerTx on the main thread, and roundTrip + size x workerPerTx / min(workers, size) on workers', () => {
    const model = new ApplyCostModel(estimates(10, 400, 40));
    expect(model.predictMain(100)).toBe(1000);
    // 400 + 100 * 40 / 2 = 2400
    expect(model.predictWorkers(100, 2)).toBe(2400);
    // one transaction on 4 workers runs in one chunk: 400 + 1 * 40 / 1 = 440
    expect(model.predictWorkers(1, 4)).toBe(440);
    // 3 transactions on 8 workers: 3 chunks, 400 + 3 * 40 / 3 = 440
    expect(model.predictWorkers(3, 8)).toBe(440);
  });

  it('with the initial estimates, 2 workers never win (400 + 20n against 8n), 64 workers win on wide levels only', () => {
    const model = new ApplyCostModel();
    // 1,000 transactions on 2 workers: 400 + 1000 * 40 / 2 = 20,400 against 0.8 x 10,000 = 8,000
    expect(model.shouldUseWorkers(1000, 2)).toBe(false);
    expect(model.shouldUseWorkers(1_000_000, 2)).toBe(false);
    // 100,000 on 64 workers: 400 + 100000 * 40 / 64 = 62,900 against 800,000
    expect(model.shouldUseWorkers(100_000, 64)).toBe(true);
    // 50 on 64 workers (50 chunks): 400 + 50 * 40 / 50 = 440 against 400
    expect(model.shouldUseWorkers(50, 64)).toBe(false);
  });

  it('picks the workers only when they are predicted at least 20% faster', () => {
    // main 100 us/tx, round trip 400 us, workers 40 us/tx on 2 workers.
    const model = new ApplyCostModel(estimates(100, 400, 40));
    // size 5: main 500, 0.8 x 500 = 400; workers 400 + 5 * 40 / 2 = 500 -> main
    expect(model.shouldUseWorkers(5, 2)).toBe(false);
    // size 10: main 1000 -> 800; workers 400 + 200 = 600 -> workers
    expect(model.shouldUseWorkers(10, 2)).toBe(true);
    // The boundary is strict: main 100/tx, round trip 600, worker 40/tx, size 10, 2 workers:
    // 0.8 x 1000 = 800 against 600 + 200 = 800 -> main.
    expect(new ApplyCostModel(estimates(100, 600, 40)).shouldUseWorkers(10, 2)).toBe(false);
    // No workers, or an empty level: never.
    expect(model.shouldUseWorkers(10, 0)).toBe(false);
    expect(model.shouldUseWorkers(0, 2)).toBe(false);
  });

  it('moves the main-thread estimate 20% towards each measurement', () => {
    const model = new ApplyCostModel(estimates(10, 400, 40));
    // 50 transactions in 1,500 us: 30 us each; 0.8 x 10 + 0.2 x 30 = 14
    model.recordMain(50, 1500);
    expect(model.estimates.mainMicrosPerTx).toBeCloseTo(14, 9);
    // again: 0.8 x 14 + 0.2 x 30 = 17.2
    model.recordMain(50, 1500);
    expect(model.estimates.mainMicrosPerTx).toBeCloseTo(17.2, 9);
    expect(model.estimates.workerRoundTripMicros).toBe(400);
    expect(model.estimates.workerMicrosPerTx).toBe(40);
    model.recordMain(0, 1000);
    expect(model.estimates.mainMicrosPerTx).toBeCloseTo(17.2, 9);
  });

  it('moves the worker estimates towards each measurement, capping a single round-trip jump at 4 times the estimate', () => {
    const model = new ApplyCostModel(estimates(10, 400, 40));
    // 100 transactions on 2 workers in 1,000 us: 10 us wall each, 20 us of worker time each;
    // workerPerTx 0.8 x 40 + 0.2 x 20 = 36; round trip 0.8 x 400 + 0.2 x min(1000, 1600) = 520
    model.recordWorkers(100, 2, 1000);
    expect(model.estimates.workerMicrosPerTx).toBeCloseTo(36, 9);
    expect(model.estimates.workerRoundTripMicros).toBeCloseTo(520, 9);
    // A stalled level of 100,000 us: per tx 1,000 x 2 = 2,000 -> 0.8 x 36 + 0.2 x 2000 = 428.8;
    // round trip capped at 4 x 520 = 2080 -> 0.8 x 520 + 0.2 x 2080 = 832
    model.recordWorkers(100, 2, 100_000);
    expect(model.estimates.workerMicrosPerTx).toBeCloseTo(428.8, 9);
    expect(model.estimates.workerRoundTripMicros).toBeCloseTo(832, 9);
    // 1 transaction on 8 workers in 500 us: one chunk, 500 us each -> 0.8 x 428.8 + 0.2 x 500 = 443.04
    model.recordWorkers(1, 8, 500);
    expect(model.estimates.workerMicrosPerTx).toBeCloseTo(443.04, 9);
    expect(model.estimates.mainMicrosPerTx).toBe(10);
    // An empty level teaches nothing (and would otherwise divide by zero).
    const before = model.estimates;
    model.recordWorkers(0, 2, 1000);
    expect(model.estimates).toEqual(before);
  });

  it('lets a round-trip estimate of 0 grow: the cap counts from at least 100 us', () => {
    const model = new ApplyCostModel(estimates(10, 0, 40));
    // 0.8 x 0 + 0.2 x min(1000, 4 x max(0, 100)) = 0.2 x 400 = 80
    model.recordWorkers(10, 2, 1000);
    expect(model.estimates.workerRoundTripMicros).toBeCloseTo(80, 9);
    // 0.8 x 80 + 0.2 x min(1000, 4 x 100) = 64 + 80 = 144
    model.recordWorkers(10, 2, 1000);
    expect(model.estimates.workerRoundTripMicros).toBeCloseTo(144, 9);
    // 0.8 x 144 + 0.2 x min(300, 576) = 115.2 + 60 = 175.2
    model.recordWorkers(10, 2, 300);
    expect(model.estimates.workerRoundTripMicros).toBeCloseTo(175.2, 9);
  });

  it('returns a copy of its estimates, and refuses negative or non-finite ones', () => {
    const model = new ApplyCostModel();
    const copy = model.estimates as { mainMicrosPerTx: number };
    copy.mainMicrosPerTx = 1e9;
    expect(model.estimates.mainMicrosPerTx).toBe(10);
    expect(() => new ApplyCostModel(estimates(-1, 400, 40))).toThrow(/mainMicrosPerTx/);
    expect(() => new ApplyCostModel(estimates(10, Number.NaN, 40))).toThrow(/workerRoundTripMicros/);
    expect(() => new ApplyCostModel(estimates(10, 400, Number.POSITIVE_INFINITY))).toThrow(/workerMicrosPerTx/);
  });
});

describe('the executor and its cost model', () => {
  const context = blockContext();
  // Four independent transfers, each to an account of its own: one level of 4 transactions.
  const senders = [alice, bob, carol, dave];
  const destinations = senders.map((_, index) => createTestKey(`cost-model-destination-${index}`));
  const state = createState({
    accounts: senders.map((key) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, 1_000_000n]] as const })),
  });
  const block = senders.map((source, index) =>
    encode({ source, payload: pay(transfer(destinations[index]!.publicKey, 1n)) }),
  );
  // Estimates under which any level goes to the workers: the main thread at 1 s per transaction.
  const workersWin = (): ApplyCostModel => new ApplyCostModel(estimates(1_000_000, 0, 1));
  const make = useExecutors();

  it("applyOn 'auto' follows the model: a seeded model sends the level to the workers and learns from it", async () => {
    const model = workersWin();
    const executor = make({ workers: 2, applyOn: 'auto', costModel: model });
    const started = performance.now();
    const result = await executor.executeBlock(state, context, block);
    const blockMicros = (performance.now() - started) * 1000;
    expect(result.ok && result.receipts.every((receipt) => receipt.status === 'applied')).toBe(true);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 1 });
    // It measured the level: the worker estimates moved off their seeds, the main one did not.
    // The level's round trip takes more than 10 us and at most the whole block's wall time
    // (which includes worker start-up here, however long the machine takes), so the
    // per-transaction estimate 0.8 x 1 + 0.2 x (elapsed / 4 x 2) lies above 1.8 and at most
    // 0.8 + 0.2 x blockMicros / 2: a bound from this run's own clock, not a guess of its speed.
    expect(model.estimates.workerRoundTripMicros).toBeGreaterThan(0);
    expect(model.estimates.workerMicrosPerTx).toBeGreaterThan(1.8);
    expect(model.estimates.workerMicrosPerTx).toBeLessThanOrEqual(0.8 + (0.2 * blockMicros) / 2);
    expect(model.estimates.mainMicrosPerTx).toBe(1_000_000);
  });

  it("applyOn 'auto' with a fresh model applies on the calling thread and feeds it the measured time", async () => {
    const model = new ApplyCostModel();
    const executor = make({ workers: 2, applyOn: 'auto', costModel: model });
    const started = performance.now();
    await executor.executeBlock(state, context, block);
    const blockMicros = (performance.now() - started) * 1000;
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 0 });
    // Applying a signed transfer takes more than 0.5 us, and the level at most the whole
    // block's wall time: the estimate 0.8 x 10 + 0.2 x (elapsed / 4) lies above 8.1 and at
    // most 8 + 0.2 x blockMicros / 4 (a bound from this run's own clock).
    expect(model.estimates.mainMicrosPerTx).toBeGreaterThan(8.1);
    expect(model.estimates.mainMicrosPerTx).toBeLessThanOrEqual(8 + (0.2 * blockMicros) / 4);
    expect(model.estimates.workerMicrosPerTx).toBe(40);
  });

  it("applyOn 'main' ignores the model: the same seeded model, and the level stays on the calling thread", async () => {
    const model = workersWin();
    const executor = make({ workers: 2, applyOn: 'main', costModel: model });
    const result = await executor.executeBlock(state, context, block);
    expect(result.ok && result.receipts.every((receipt) => receipt.status === 'applied')).toBe(true);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 0 });
    expect(model.estimates.workerMicrosPerTx).toBe(1);
  });

  it("applyOn 'workers' ignores the model the other way: a model that never picks workers still gets workers", async () => {
    const model = new ApplyCostModel();
    const executor = make({ workers: 2, applyOn: 'workers', costModel: model });
    await executor.executeBlock(state, context, block);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 1 });
  });

  it('with 0 workers nothing reaches the workers, whatever the model says', async () => {
    const executor = make({ workers: 0, applyOn: 'auto', costModel: workersWin() });
    await executor.executeBlock(state, context, block);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 0 });
  });
});
