/**
 * The apply-stage cost model (docs/architecture.md, step 3): should a level of independent
 * transactions be applied on the calling thread, or split into chunks for the workers?
 *
 * Applying a transaction on the calling thread costs a few microseconds; shipping a chunk to
 * a worker costs a round trip (serialising the accounts it touches, a message each way,
 * merging the write set) that only pays off for wide levels. The model keeps three running
 * estimates, each an exponential moving average (weight 0.2 for the newest measurement):
 *
 * | estimate | meaning | initial |
 * | --- | --- | --- |
 * | `mainMicrosPerTx` | applying one transaction on the calling thread | 10 us |
 * | `workerRoundTripMicros` | fixed cost of one level sent to the workers | 400 us |
 * | `workerMicrosPerTx` | one transaction's share of worker time (CPU, not wall) | 40 us |
 *
 * A level of `size` transactions goes to the workers when
 * `roundTrip + size x workerPerTx / min(workers, size) < 0.8 x size x mainPerTx`: the
 * workers must be predicted at least 20% faster, so that noise does not flip levels back
 * and forth. Where a level runs never changes its result (R33), only its speed.
 *
 * @module cost-model
 */

/** The three running estimates of an {@link ApplyCostModel}, in microseconds. */
export interface CostEstimates {
  /** Applying one transaction on the calling thread. */
  readonly mainMicrosPerTx: number;
  /** The fixed cost of sending one level to the workers and merging the results. */
  readonly workerRoundTripMicros: number;
  /** One transaction's share of worker time (wall time x chunks run in parallel / size). */
  readonly workerMicrosPerTx: number;
}

/** The estimates a fresh model starts from (see the table in the module documentation). */
export const INITIAL_COST_ESTIMATES: CostEstimates = Object.freeze({
  mainMicrosPerTx: 10,
  workerRoundTripMicros: 400,
  workerMicrosPerTx: 40,
});

/** Weight of the newest measurement in each moving average. */
const NEWEST_WEIGHT = 0.2;

/** The workers must be predicted this much faster (as a fraction of the main-thread time). */
const WORKER_MARGIN = 0.8;

/** A single slow level may raise the round-trip estimate at most this many times over... */
const ROUND_TRIP_GROWTH_CAP = 4;

/** ...counting from at least this many microseconds, so that an estimate of 0 can still grow. */
const ROUND_TRIP_CAP_FLOOR_MICROS = 100;

/** The moving average of `previous` and `measured`. */
function average(previous: number, measured: number): number {
  return (1 - NEWEST_WEIGHT) * previous + NEWEST_WEIGHT * measured;
}

/**
 * Decides where each level is applied, from measurements of earlier levels. One model per
 * executor; pass a seeded one in `ExecutorOptions.costModel` to start from known estimates.
 *
 * @example
 * const model = new ApplyCostModel();
 * model.shouldUseWorkers(1000, 2); // false with the initial estimates: 20,400 us vs 0.8 x 10,000 us
 */
export class ApplyCostModel {
  #estimates: CostEstimates;

  /** @param initial - the starting estimates (default {@link INITIAL_COST_ESTIMATES}) */
  constructor(initial: CostEstimates = INITIAL_COST_ESTIMATES) {
    for (const [name, value] of Object.entries(initial)) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`cost estimate ${name} must be a finite number >= 0, got ${value}`);
    }
    this.#estimates = { ...initial };
  }

  /** The current estimates. */
  get estimates(): CostEstimates {
    return { ...this.#estimates };
  }

  /**
   * Predicted microseconds to apply `size` transactions on the calling thread.
   *
   * @param size - transactions in the level
   * @returns `size x mainMicrosPerTx`
   */
  predictMain(size: number): number {
    return size * this.#estimates.mainMicrosPerTx;
  }

  /**
   * Predicted microseconds to apply `size` transactions on `workers` workers: one round trip
   * plus the per-transaction work spread over at most `size` chunks.
   *
   * @param size - transactions in the level (> 0)
   * @param workers - worker threads (> 0)
   * @returns `roundTrip + size x workerPerTx / min(workers, size)`
   */
  predictWorkers(size: number, workers: number): number {
    return this.#estimates.workerRoundTripMicros + (size * this.#estimates.workerMicrosPerTx) / Math.min(workers, size);
  }

  /**
   * Should a level of `size` transactions go to the workers?
   *
   * @param size - transactions in the level
   * @param workers - worker threads available (0 means never)
   * @returns true when the workers are predicted at least 20% faster
   */
  shouldUseWorkers(size: number, workers: number): boolean {
    if (workers <= 0 || size <= 0) return false;
    return this.predictWorkers(size, workers) < WORKER_MARGIN * this.predictMain(size);
  }

  /**
   * Record a level applied on the calling thread.
   *
   * @param size - transactions applied (> 0)
   * @param elapsedMicros - wall time it took
   */
  recordMain(size: number, elapsedMicros: number): void {
    if (size <= 0) return;
    this.#estimates = { ...this.#estimates, mainMicrosPerTx: average(this.#estimates.mainMicrosPerTx, elapsedMicros / size) };
  }

  /**
   * Record a level applied on the workers. The per-transaction estimate is the wall time
   * times the chunks that ran in parallel, per transaction; the round-trip estimate moves
   * towards the level's wall time, counted at most 4 times the current estimate (or 400 us
   * if the estimate is below 100 us), so one stalled level (a slow worker start, a GC
   * pause) cannot lock the workers out.
   *
   * @param size - transactions applied (> 0)
   * @param workers - worker threads available
   * @param elapsedMicros - wall time from dispatch to merged results
   */
  recordWorkers(size: number, workers: number, elapsedMicros: number): void {
    if (size <= 0) return;
    const { workerMicrosPerTx, workerRoundTripMicros } = this.#estimates;
    this.#estimates = {
      ...this.#estimates,
      workerMicrosPerTx: average(workerMicrosPerTx, (elapsedMicros / size) * Math.min(workers, size)),
      workerRoundTripMicros: average(
        workerRoundTripMicros,
        Math.min(elapsedMicros, Math.max(workerRoundTripMicros, ROUND_TRIP_CAP_FLOOR_MICROS) * ROUND_TRIP_GROWTH_CAP),
      ),
    };
  }
}
