/**
 * The conformance properties: the executor under test must be observably equal to the
 * spec (R33) on random, heavily conflicting blocks.
 *
 * Each property is a named export building a fast-check async property; {@link checkProperty}
 * runs one with a budget and, on failure, returns the seed, the path and the shrunk
 * counterexample (and writes it as a replayable vector).
 *
 * @module properties
 */

import fc from 'fast-check';
import { applyBlock, InvalidInputError, toU64, type BlockContext, type BlockResult, type State } from '../spec/index.ts';
import { ParallelExecutor } from '../impl/index.ts';
import { blockArbitrary, generateBlockFromState, misusedBlockArbitrary, type BlockConstraints, type GeneratedBlock, type MisusedBlock } from './arbitraries/index.ts';
import { compareResults, formatDifference } from './compare.ts';
import type { BlockExecutor } from './executor-under-test.ts';
import type { Recheck } from './shrink.ts';

/** A block as executed: enough to replay it or write it as a vector. */
export interface ExecutedBlock {
  /** The pre-state. */
  readonly state: State;
  /** The block context. */
  readonly context: BlockContext;
  /** The transactions' wire bytes. */
  readonly transactions: readonly Uint8Array[];
}

/** Thrown inside a property when an implementation disagrees with the spec. */
export class DisagreementError extends Error {
  /**
   * @param executor - the implementation's name
   * @param detail - the first difference
   * @param block - the block on which they disagree
   */
  constructor(
    readonly executor: string,
    readonly detail: string,
    readonly block: ExecutedBlock,
  ) {
    super(`${executor} disagrees with the spec: ${detail}`);
    this.name = 'DisagreementError';
  }
}

/** What a property checks, for reports. */
export interface PropertyInfo {
  /** Stable name, e.g. `agreement`. */
  readonly name: string;
  /** Rule ids it exercises. */
  readonly rules: readonly string[];
  /** One line for people. */
  readonly description: string;
}

/**
 * Run one block through an implementation and the spec and throw on the first difference.
 *
 * @param executor - the implementation under test
 * @param block - the block
 * @throws DisagreementError when the results differ
 * @example
 * await expectAgreement(executor, block);
 */
export async function expectAgreement(executor: BlockExecutor, block: ExecutedBlock): Promise<void> {
  await expectAgreementOfAll([executor], block);
}

/**
 * Run one block through the spec once and through every implementation at the same time,
 * and throw the first difference in the order of `executors` (so a report does not depend
 * on which finished first). An implementation that throws fails the block, again in that
 * order.
 *
 * @param executors - the implementations under test
 * @param block - the block
 * @throws DisagreementError for the first implementation whose result differs
 * @example
 * await expectAgreementOfAll(executors, block);
 */
export async function expectAgreementOfAll(executors: readonly BlockExecutor[], block: ExecutedBlock): Promise<void> {
  // Started first, so that their worker threads verify while this thread runs the spec.
  const running = executors.map((executor) => executor.executeBlock(block.state, block.context, block.transactions));
  let expected: BlockResult;
  try {
    expected = applyBlock(block.state, block.context, block.transactions);
  } catch (error) {
    // Nothing is left running or unobserved when the property fails.
    await Promise.allSettled(running);
    throw error;
  }
  const outcomes = await Promise.allSettled(running);
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    const difference = compareResults(expected, outcome.value);
    if (difference) throw new DisagreementError(executors[index]!.name, formatDifference(difference), block);
  });
}

/** How {@link agreementRecheck} counts an error an executor throws on a candidate. */
export interface RecheckOptions {
  /**
   * Whether the error means the executor did not judge the candidate (e.g. an adapter's
   * skip): that executor passes it. By default only `fc.pre` failures do; any other error
   * thrown by an executor is a failure on the candidate.
   */
  readonly passes?: (error: unknown) => boolean;
}

/**
 * The recheck of a failing block for {@link shrinkBlock} and `checkProperty`'s `recheck`
 * option: runs a candidate through the spec and through each executor in order, and
 * returns the first disagreement as a {@link DisagreementError} message would give it
 * (`<executor> disagrees with the spec: <first difference>`), or `undefined` when every
 * executor agrees.
 *
 * An executor that throws on the candidate fails on it (a thrown
 * {@link DisagreementError} gives its message, any other error
 * `<executor> threw <error>`), unless the error is an `fc.pre` failure or
 * `options.passes` accepts it: then that executor passes it.
 *
 * @param executors - the implementations the property checks
 * @param options - which thrown errors count as passing
 * @returns the recheck
 * @example
 * const report = await checkProperty(AGREEMENT, agreementProperty(executors), { numRuns: 100, recheck: agreementRecheck(executors) });
 */
export function agreementRecheck(executors: readonly BlockExecutor[], options: RecheckOptions = {}): Recheck {
  return async (block) => {
    const expected = applyBlock(block.state, block.context, block.transactions);
    for (const executor of executors) {
      let actual: BlockResult;
      try {
        actual = await executor.executeBlock(block.state, block.context, block.transactions);
      } catch (error) {
        if (fc.PreconditionFailure.isFailure(error) || options.passes?.(error)) continue;
        if (error instanceof DisagreementError) return error.message;
        return `${executor.name} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      }
      const difference = compareResults(expected, actual);
      if (difference) return new DisagreementError(executor.name, formatDifference(difference), block).message;
    }
    return undefined;
  };
}

/** The agreement property's description. */
export const AGREEMENT: PropertyInfo = {
  name: 'agreement',
  rules: ['R17', 'R19', 'R20', 'R21', 'R22', 'R23', 'R24', 'R25', 'R26', 'R27', 'R28', 'R29', 'R30', 'R31', 'R32', 'R33'],
  description: 'receipts, fee total, state root and committed post-state equal the spec for every executor configuration and both ledger models',
};

/**
 * Agreement (R33): for every generated pre-state and block, every executor gives the
 * spec's receipts (error codes included), fee total, state root and post-state.
 *
 * @param executors - the implementations under test
 * @param constraints - block generation constraints
 * @returns the property
 * @example
 * await fc.assert(agreementProperty([executor]), { numRuns: 50 });
 */
export function agreementProperty(executors: readonly BlockExecutor[], constraints: BlockConstraints = {}): fc.IAsyncPropertyWithHooks<[GeneratedBlock]> {
  return fc.asyncProperty(blockArbitrary(constraints), async (block) => {
    await expectAgreementOfAll(executors, block);
  });
}

/** The schedule-independence property's description. */
export const SCHEDULE_INDEPENDENCE: PropertyInfo = {
  name: 'schedule-independence',
  rules: ['R33'],
  description: 'worker task completions delayed at random or permuted by fc.scheduler leave every result unchanged',
};

/** The schedule-independence property with the executors it owns. */
export interface ScheduleIndependenceCheck {
  /** The property. */
  readonly property: fc.IAsyncPropertyWithHooks<[fc.Scheduler, GeneratedBlock, number]>;
  /**
   * End the property's executors.
   *
   * @returns when their pools have stopped
   */
  readonly close: () => Promise<void>;
}

/**
 * Schedule independence (R33): the executor's results do not depend on the order or the
 * timing in which worker tasks complete. Completions are permuted by `fc.scheduler`.
 *
 * @param workers - worker threads of the executors built for this property
 * @param constraints - block generation constraints
 * @returns the property and a function that ends its executors
 * @example
 * const { property, close } = scheduleIndependenceProperty(2);
 */
export function scheduleIndependenceProperty(workers = 2, constraints: BlockConstraints = {}): ScheduleIndependenceCheck {
  let scheduler: fc.Scheduler | undefined;
  let delayRandom = 0;
  const permutedHook = async (): Promise<void> => {
    if (scheduler) await scheduler.schedule(Promise.resolve(), 'task completion');
  };
  // Levels applied on the workers once everything is verified, and transactions applied in
  // block order on the calling thread while verification tasks complete: both pipelines.
  const permuted = new ParallelExecutor({ workers, applyOn: 'workers', batchSize: 2, taskCompletionHook: permutedHook });
  const permutedStreaming = new ParallelExecutor({ workers, applyOn: 'main', batchSize: 2, taskCompletionHook: permutedHook });
  const delayed = new ParallelExecutor({
    workers,
    applyOn: 'main',
    batchSize: 1,
    taskCompletionHook: async () => {
      delayRandom = (delayRandom * 1103515245 + 12345) % 2147483648;
      await new Promise((resolve) => setTimeout(resolve, delayRandom % 5));
    },
  });
  const property = fc.asyncProperty(fc.scheduler(), blockArbitrary(constraints), fc.nat(), async (s, block, seed) => {
    const expected = applyBlock(block.state, block.context, block.transactions);
    for (const [name, executor] of [
      ['permuted completions', permuted],
      ['permuted completions, applied in block order', permutedStreaming],
    ] as const) {
      scheduler = s;
      const actual = await s.waitFor(executor.executeBlock(block.state, block.context, block.transactions));
      scheduler = undefined;
      const permutedDifference = compareResults(expected, actual);
      if (permutedDifference) throw new DisagreementError(name, formatDifference(permutedDifference), block);
    }
    delayRandom = seed;
    const delayedDifference = compareResults(expected, await delayed.executeBlock(block.state, block.context, block.transactions));
    if (delayedDifference) throw new DisagreementError('delayed completions', formatDifference(delayedDifference), block);
  });
  return { property, close: async () => void (await Promise.all([permuted.close(), permutedStreaming.close(), delayed.close()])) };
}

/** The multi-block property's description. */
export const MULTI_BLOCK: PropertyInfo = {
  name: 'multi-block',
  rules: ['R5', 'R20', 'R21', 'R30', 'R32', 'R33'],
  description: 'a model-based run (fc.commands) applies a sequence of blocks to the implementation and to the spec and compares after every block',
};

/** The spec's side of a multi-block run. */
export interface ChainModel {
  /** The spec's state after the blocks so far. */
  state: State;
  /** The topoheight of the last block. */
  topoheight: bigint;
  /** The miner of every block of the run. */
  readonly miner: string;
}

/** The implementation's side of a multi-block run. */
export interface ChainReal {
  /** The state the implementation committed after the blocks so far. */
  state: State;
}

class ExecuteNextBlock implements fc.AsyncCommand<ChainModel, ChainReal> {
  constructor(
    private readonly executor: BlockExecutor,
    private readonly seed: number,
    private readonly ledger: BlockContext['ledger'],
    private readonly constraints: BlockConstraints,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ChainModel, real: ChainReal): Promise<void> {
    model.topoheight += 1n;
    const context: BlockContext = { chainId: 0, topoheight: toU64(model.topoheight), miner: model.miner, ledger: this.ledger };
    const { transactions } = generateBlockFromState(model.state, context, this.seed, this.constraints);
    const expected = applyBlock(model.state, context, transactions);
    const actual = await this.executor.executeBlock(real.state, context, transactions);
    const difference = compareResults(expected, actual);
    if (difference) {
      throw new DisagreementError(this.executor.name, `block at topoheight ${model.topoheight}: ${formatDifference(difference)}`, {
        state: model.state,
        context,
        transactions,
      });
    }
    if (expected.ok && actual.ok) {
      model.state = expected.state;
      real.state = actual.state;
    }
  }

  toString(): string {
    return `block(seed=${this.seed}, ${this.ledger})`;
  }
}

/**
 * Multi-block runs (R33): a sequence of blocks, each generated from the current state,
 * applied to the implementation and to the spec, compared after every block.
 *
 * @param executor - the implementation under test
 * @param constraints - block generation constraints (pre-state and per-block)
 * @returns the property
 * @example
 * await fc.assert(multiBlockProperty(executor), { numRuns: 10 });
 */
export function multiBlockProperty(
  executor: BlockExecutor,
  constraints: BlockConstraints = {},
): fc.IAsyncPropertyWithHooks<[GeneratedBlock, Iterable<fc.AsyncCommand<ChainModel, ChainReal>>]> {
  const commands = [
    fc
      .tuple(fc.nat(), fc.constantFrom<BlockContext['ledger']>('immediate', 'deferred-credits'))
      .map(([seed, ledger]) => new ExecuteNextBlock(executor, seed, ledger, constraints)),
  ];
  return fc.asyncProperty(blockArbitrary({ ...constraints, maxTransactions: 0 }), fc.commands(commands, { maxCommands: 6 }), async (start, sequence) => {
    await fc.asyncModelRun(() => ({ model: { state: start.state, topoheight: 1n, miner: start.context.miner }, real: { state: start.state } }), sequence);
  });
}

/** The decoding-agreement property's description. */
export const DECODING_AGREEMENT: PropertyInfo = {
  name: 'decoding-agreement',
  rules: ['R6', 'R7', 'R8', 'R9', 'R10', 'R11', 'R17', 'R18'],
  description: 'for arbitrary and damaged bytes, the implementation and the spec reject with the same code or accept the same transaction',
};

/**
 * Decoding agreement (R17): arbitrary bytes, and damaged encodings of generated
 * transactions, are rejected with the same code, or accepted with the same hash, by the
 * implementation and the spec.
 *
 * @param executors - the implementations under test
 * @param constraints - block generation constraints (the source of damaged bytes)
 * @returns the property
 * @example
 * await fc.assert(decodingAgreementProperty([executor]));
 */
export function decodingAgreementProperty(
  executors: readonly BlockExecutor[],
  constraints: BlockConstraints = {},
): fc.IAsyncPropertyWithHooks<[GeneratedBlock, readonly Uint8Array[]]> {
  const noise = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 });
  return fc.asyncProperty(blockArbitrary({ ...constraints, damagedShare: 0.5 }), noise, async (block, randomBytes) => {
    const transactions = [...block.transactions, ...randomBytes];
    await expectAgreementOfAll(executors, { ...block, transactions });
  });
}

/** The input-agreement property's description. */
export const INPUT_AGREEMENT: PropertyInfo = {
  name: 'input-agreement',
  rules: ['R1', 'R2', 'R3', 'R5'],
  description: 'invalid contexts, pre-states and transaction lists are refused by the implementation with the spec\'s error class, code and path; valid ones agree as usual',
};

/** What one side did with a block's inputs: a result, or the input error it threw. */
type InputOutcome = { readonly result: BlockResult } | { readonly error: { readonly name: string; readonly code: string; readonly path: string } };

/** How one case of the input-agreement property went, for reports. */
export interface InputCase {
  /** The misuses applied to the generated block (empty: valid inputs). */
  readonly misuses: readonly string[];
  /** `ok` / `refused` (both sides gave that block result) or the code both threw, e.g. `InvalidContext`. */
  readonly outcome: string;
}

async function outcomeOf(run: () => BlockResult | Promise<BlockResult>, who: string): Promise<InputOutcome> {
  try {
    return { result: await run() };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) {
      throw new Error(`${who} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of an InvalidInputError`);
    }
    return { error: { name: error.name, code: error.code, path: error.path } };
  }
}

/**
 * Input agreement (R1-R5): for generated blocks with zero, one or two invalid inputs
 * ({@link misusedBlockArbitrary}), every implementation throws what the spec throws (the
 * same `InvalidInputError` class, code and path), or, when the spec accepts the inputs,
 * gives the spec's result. Any other exception is a failure.
 *
 * @param executors - the implementations under test
 * @param constraints - block generation constraints
 * @param onCase - called once per case with its misuses and outcome (to tally what the generator produced)
 * @returns the property
 * @example
 * await fc.assert(inputAgreementProperty([executor], {}, (c) => console.log(c.misuses, c.outcome)));
 */
export function inputAgreementProperty(
  executors: readonly BlockExecutor[],
  constraints: BlockConstraints = {},
  onCase?: (inputCase: InputCase) => void,
): fc.IAsyncPropertyWithHooks<[MisusedBlock]> {
  return fc.asyncProperty(misusedBlockArbitrary({ maxTransactions: 6, ...constraints }), async (block) => {
    const expected = await outcomeOf(() => applyBlock(block.state, block.context, block.transactions), 'the spec');
    for (const executor of executors) {
      const actual = await outcomeOf(() => executor.executeBlock(block.state, block.context, block.transactions), executor.name);
      if ('error' in expected || 'error' in actual) {
        const want = JSON.stringify('error' in expected ? expected.error : 'a result');
        const got = JSON.stringify('error' in actual ? actual.error : 'a result');
        if (want !== got) throw new Error(`${executor.name} disagrees with the spec on [${block.misuses.join('; ')}]: expected ${want}, got ${got}`);
        continue;
      }
      const difference = compareResults(expected.result, actual.result);
      if (difference) throw new DisagreementError(executor.name, formatDifference(difference), block);
    }
    onCase?.({ misuses: block.misuses, outcome: 'error' in expected ? expected.error.code : expected.result.ok ? 'ok' : 'refused' });
  });
}
