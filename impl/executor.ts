/**
 * The production parallel executor (docs/architecture.md).
 *
 * 1. **Stateless stage**: decode, hash and verify every signature of the block on a
 *    piscina pool, in packed batches, while the main thread decodes (without hashing)
 *    and schedules.
 *    Multisig signatures are checked against the pre-block configuration.
 * 2. **Schedule**: access sets give a dependency DAG in block order (`dag`), or the TOS V3
 *    greedy contiguous batches (`tos-batches`, which also verifies batch by batch, as V3
 *    did).
 * 3. **Apply**: level by level with the executor's own code ({@link applyPrepared}), on
 *    workers or on the main thread as a measured cost model decides; write sets merge in
 *    block order.
 * 4. **Commit**: the block's writes reach {@link Storage} in one atomic step, or not at all.
 *
 * A worker that throws, hangs past the deadline or dies leads to the work being redone
 * on the main thread (`onWorkerFailure: 'redo'`, the default) or to a
 * {@link BlockExecutionError} with nothing committed (`'fail'`).
 *
 * Every input is checked first (impl/validate.ts): options when the executor is built,
 * state, context and transactions when a block is executed; a bad one is an
 * `InvalidInputError` with the spec's code and path, and nothing runs. Blocks on one
 * store run one after the other, whichever executor runs them. A call that fails has
 * settled every task and promise it started: nothing is left to reject later.
 *
 * @module executor
 */

import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import {
  bytesToHex,
  decodeTransactionFields,
  type BlockContext,
  type BlockResult,
  type DecodedFields,
  type FieldsDecodeResult,
  type Hash,
  type MultiSigConfig,
  type Receipt,
  type RejectionCode,
  type State,
  type U64,
} from '../spec/index.ts';
import { applyMinerFees, applyPrepared, type PreparedTransaction } from './apply.ts';
import { buildApplyTask, mergeApplyResult, runApplyTask, type ApplyTask, type ApplyTaskResult } from './apply-task.ts';
import { ApplyCostModel } from './cost-model.ts';
import type { FaultPlan } from './faults.ts';
import type { AccountRecord } from './records.ts';
import { getAccessSet, scheduleDag, scheduleTosBatches, type SchedulerName } from './schedule.ts';
import { computeStateRootFast } from './state-root.ts';
import { MemoryStorage, StorageError, type ChainPosition, type CommitMeta, type Storage } from './storage.ts';
import { markValidState, validateContextInput, validateOptions, validateStateInput, validateTransactionsInput } from './validate.ts';
import { packVerifyTask, runVerifyTask, verifyDecodedBatch, type VerifyTaskResult, type WireDecoded } from './verify.ts';
import { sourceFromStorage, Workspace } from './workspace.ts';

/** Where independent transactions are applied. */
export type ApplyOn = 'auto' | 'workers' | 'main';

/** Options of {@link ParallelExecutor}. */
export interface ExecutorOptions {
  /** Worker threads; 0 runs everything in the calling thread with the same code. Default: the number of cores. */
  readonly workers?: number;
  /** The scheduler. Default `'dag'`. */
  readonly scheduler?: SchedulerName;
  /** Where to apply levels. Default `'auto'` (the cost model decides). */
  readonly applyOn?: ApplyOn;
  /**
   * Transactions per verification task. Default: guided self-scheduling, i.e. each task
   * takes 1/(2 x workers) of what remains (at most 256, at least 8), so tasks shrink
   * towards the end of the block and the workers finish together.
   */
  readonly batchSize?: number;
  /** Deadline of one worker task in milliseconds (default 60,000). */
  readonly taskTimeoutMs?: number;
  /** On a worker failure: redo the work on the main thread (default), or fail the block. */
  readonly onWorkerFailure?: 'redo' | 'fail';
  /**
   * The cost model that places levels for `applyOn: 'auto'`. Default: a fresh
   * {@link ApplyCostModel} starting from {@link INITIAL_COST_ESTIMATES}. Pass a seeded one
   * to start from estimates measured earlier, or to share them between executors.
   */
  readonly costModel?: ApplyCostModel;
  /** Test-only: faults to inject into the next block's worker tasks. */
  readonly faults?: readonly FaultPlan[];
  /**
   * Test-only: awaited after each worker task completes and before its result is used, so
   * tests can delay completions or permute their order (e.g. with `fc.scheduler`).
   */
  readonly taskCompletionHook?: (stage: 'verify' | 'apply', taskIndex: number) => Promise<void>;
}

/** Thrown when a block cannot be executed (a worker failed and `onWorkerFailure` is `'fail'`); nothing was committed. */
export class BlockExecutionError extends Error {
  /** @param message - what failed
   *  @param cause - the underlying error */
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'BlockExecutionError';
  }
}

/** Measurements of the last executed block. */
export interface ExecutionStats {
  /** Transactions in the block. */
  readonly transactions: number;
  /** Levels (dag) or batches (tos-batches). */
  readonly levels: number;
  /** Levels applied on workers. */
  readonly levelsOnWorkers: number;
  /** Worker tasks that failed and were redone on the main thread. */
  readonly redoneTasks: number;
  /** Milliseconds in the stateless stage (including waiting for workers). */
  readonly verifyMs: number;
  /** Milliseconds applying. */
  readonly applyMs: number;
  /** Milliseconds committing and hashing the state root. */
  readonly commitMs: number;
  /**
   * Multisig authorisations (R27) verified a second time while applying, because an
   * earlier transaction of the block changed the source's configuration. 0 in a block
   * without such changes: the stateless stage's verdicts were used as they were.
   */
  readonly multisigReverifications: number;
}


/**
 * The size of the next verification task. With a fixed `batchSize`, that size; otherwise
 * guided self-scheduling: 1/(2 x workers) of the transactions still to hand out, between 8
 * and 256. Early tasks are large (little messaging), late ones small (the workers finish
 * within a few transactions of each other instead of one waiting on a long last task).
 *
 * @param remaining - transactions not yet in a task (> 0)
 * @param workers - worker threads (> 0)
 * @param batchSize - the fixed size, if the caller chose one
 * @returns the next task's size, at least 1 and at most `remaining`
 */
export function verifyTaskSize(remaining: number, workers: number, batchSize: number | undefined): number {
  const size = batchSize ?? Math.min(256, Math.max(8, Math.ceil(remaining / (2 * workers))));
  return Math.max(1, Math.min(size, remaining));
}

/**
 * One transaction ready to apply: its decoded fields (or the decoding rejection) with the
 * stateless stage's hash and verdicts.
 */
function prepareTransaction(
  fields: DecodedFields | RejectionCode,
  ownerVerdict: number,
  multisigVerdict: number,
  hash: Hash | null,
  preConfig: MultiSigConfig | null,
): PreparedTransaction {
  if (typeof fields === 'string') return { decoded: null, decodeError: fields, ownerVerdict, multisigVerdict, preConfig };
  if (hash === null) throw new BlockExecutionError('the stateless stage returned no hash for a transaction that decodes');
  const { transaction, bytes, signingBytes } = fields;
  return { decoded: { transaction, bytes, hash, signingBytes }, decodeError: null, ownerVerdict, multisigVerdict, preConfig };
}

/** The decoded fields of a decoding result, or its rejection code. */
function fieldsOf(result: FieldsDecodeResult): DecodedFields | RejectionCode {
  return result.ok ? result.value : result.rejection.code;
}

/** The decoded fields a worker returned ({@link WireDecoded}) over the wire bytes the caller holds, or the rejection code. */
function fieldsFromWire(wire: WireDecoded, bytes: Uint8Array): DecodedFields | RejectionCode {
  return 'rejection' in wire ? wire.rejection : { transaction: wire.transaction, bytes, signingBytes: bytes.subarray(0, wire.signingLength) };
}

/**
 * An applied-block result whose `state` is read back from the store on first access (a
 * persistent store need not materialise its whole state per block).
 */
function appliedWithStoredState(storage: Storage, topoheight: bigint, receipts: Receipt[], feeTotal: U64, stateRoot: Hash): BlockResult {
  let state: State | undefined;
  return {
    ok: true,
    get state(): State {
      if (state === undefined) {
        const committed = storage.readMeta?.()?.topoheight;
        if (committed !== undefined && committed !== topoheight) {
          throw new StorageError('StaleState', `the post-state of topoheight ${topoheight} was read after topoheight ${committed} was committed`);
        }
        state = storage.readState();
      }
      return state;
    },
    receipts,
    feeTotal,
    stateRoot,
  };
}

/**
 * The last block queued on each store (settled, never rejected). Module-level, so blocks
 * on one store are serialised even when two executors of one process run them.
 */
const storeQueues = new WeakMap<Storage, Promise<void>>();

/**
 * Run `work` on `storage` after every block queued on it before has finished (committed,
 * refused or failed), so no block reads a state another block is about to replace.
 */
function onStoreInTurn<T>(storage: Storage, work: () => Promise<T>): Promise<T> {
  const previous = storeQueues.get(storage) ?? Promise.resolve();
  const result = previous.then(work);
  storeQueues.set(
    storage,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
}

/**
 * Wait for every promise to settle, then fail with the first rejection if any: no task
 * is still running, and no rejection is left unobserved, when this settles.
 */
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(promises);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

/**
 * Told when transactions `start..end` of the block have their verdicts and hashes in
 * `block` (the block-wide arrays the stateless stage fills).
 */
type OnVerified = (start: number, end: number, block: VerifyTaskResult) => void;

/**
 * Applies a block's transactions on the calling thread in block order while the stateless
 * stage is still running: each time a verification task completes (in whatever order the
 * workers finish them), every transaction from the first unapplied one up to the first not
 * yet verified is applied. Block order is one valid order of the dependency DAG (R33), and
 * applying overlaps the verification instead of waiting for all of it.
 */
class BlockOrderApply {
  readonly #verified: Uint8Array;
  readonly #applyOne: (index: number, block: VerifyTaskResult) => void;
  #next = 0;
  /** Transactions applied so far. */
  applied = 0;
  /** Microseconds spent applying them. */
  micros = 0;

  constructor(count: number, applyOne: (index: number, block: VerifyTaskResult) => void) {
    this.#verified = new Uint8Array(count);
    this.#applyOne = applyOne;
  }

  /** Transactions `start..end` are verified: apply what is now ready. */
  verified(start: number, end: number, block: VerifyTaskResult): void {
    this.#verified.fill(1, start, end);
    const began = performance.now();
    for (; this.#next < this.#verified.length && this.#verified[this.#next] === 1; this.#next++, this.applied++) {
      this.#applyOne(this.#next, block);
    }
    this.micros += (performance.now() - began) * 1000;
  }
}

/** The parallel executor. Create once, execute many blocks, then {@link ParallelExecutor.close}. */
export class ParallelExecutor {
  readonly #workers: number;
  readonly #scheduler: SchedulerName;
  readonly #applyOn: ApplyOn;
  readonly #batchSize: number | undefined;
  readonly #timeoutMs: number;
  readonly #onFailure: 'redo' | 'fail';
  #faults: FaultPlan[];
  readonly #completionHook: ExecutorOptions['taskCompletionHook'];
  #pool: Piscina | undefined;
  #stats: ExecutionStats | undefined;
  readonly #costModel: ApplyCostModel;

  /**
   * @param options - see {@link ExecutorOptions}
   * @throws InvalidInputError (code `InvalidOptions`, path e.g. `options.batchSize`) when an
   *   option is out of range or not one of its choices
   */
  constructor(options: ExecutorOptions = {}) {
    validateOptions(options, (value) => value instanceof ApplyCostModel);
    this.#workers = options.workers ?? availableParallelism();
    this.#scheduler = options.scheduler ?? 'dag';
    this.#applyOn = options.applyOn ?? 'auto';
    this.#batchSize = options.batchSize;
    this.#timeoutMs = options.taskTimeoutMs ?? 60_000;
    this.#onFailure = options.onWorkerFailure ?? 'redo';
    this.#faults = [...(options.faults ?? [])];
    this.#completionHook = options.taskCompletionHook;
    this.#costModel = options.costModel ?? new ApplyCostModel();
  }

  /** Measurements of the last block, or `undefined` before the first. */
  get stats(): ExecutionStats | undefined {
    return this.#stats;
  }

  /**
   * Plan faults for the next block's worker tasks (test-only).
   *
   * @param faults - the faults
   */
  injectFaults(faults: readonly FaultPlan[]): void {
    this.#faults = [...faults];
  }

  #getPool(): Piscina {
    if (this.#pool === undefined) {
      const typescript = import.meta.url.endsWith('.ts');
      // From TypeScript sources, a plain-JS bootstrap registers the tsx loader in each worker.
      const filename = new URL(typescript ? './workers/bootstrap.mjs' : './workers/tasks.worker.js', import.meta.url).href;
      this.#pool = new Piscina({
        filename,
        minThreads: this.#workers,
        maxThreads: this.#workers,
        idleTimeout: 60_000,
      });
      this.#pool.on('error', () => undefined); // a dying worker is handled per task
    }
    return this.#pool;
  }

  /**
   * Execute a block against a state: exactly what the spec's `applyBlock` returns.
   *
   * @param state - the pre-state
   * @param context - the block context
   * @param transactions - wire bytes in block order
   * @returns post-state, receipts, fee total and state root, or the block error
   * @throws InvalidInputError when the state, the context or the transactions are not
   *   inputs the rules define (the spec's `applyBlock` throws the same code and path)
   * @example
   * const executor = new ParallelExecutor({ workers: 2 });
   * const result = await executor.executeBlock(state, context, transactions);
   * await executor.close();
   */
  async executeBlock(state: State, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult> {
    // The spec's order: state, context, transactions. A state validated once (or produced
    // by this module) is not walked again.
    validateStateInput(state);
    validateContextInput(context);
    validateTransactionsInput(transactions);
    const result = await this.#execute(new MemoryStorage(state), context, transactions);
    if (result.ok) markValidState(result.state);
    return result;
  }

  /**
   * Execute a block against a store and commit it there atomically. On a block error
   * (`BlockOverflow`) or a thrown {@link BlockExecutionError}, nothing is committed.
   *
   * With a store that has {@link Storage.stateRootAfter} (e.g. {@link LmdbStorage}), the
   * root is computed before the commit and committed with the writes as
   * `{ topoheight: context.topoheight, stateRoot, base }`, and the result's `state` is read
   * back from the store on first access (read it before committing the next block).
   *
   * Blocks on one store run one after the other, in call order, even from several
   * executors: each starts when the one before it has committed or failed. A store with a
   * chain position ({@link Storage.readMeta}) is read at the block's start (`base`); the
   * block is refused up front with `StorageError('NonConsecutiveTopoheight')` unless
   * `context.topoheight` is `base.topoheight + 1`, and commits with that `base`.
   *
   * @param storage - the store holding the pre-state
   * @param context - the block context
   * @param transactions - wire bytes in block order
   * @returns the result, with the post-state read back from the store
   * @throws InvalidInputError when the context or the transactions are not inputs the
   *   rules define (the store's records are the store's business); StorageError when the
   *   store refuses a read or the commit; nothing is committed in either case
   * @example
   * const result = await executor.executeBlockOn(storage, context, transactions);
   */
  async executeBlockOn(storage: Storage, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult> {
    validateContextInput(context);
    validateTransactionsInput(transactions);
    return this.#execute(storage, context, transactions);
  }

  /** Execute a validated block on a store, after the blocks queued on the same store. */
  #execute(storage: Storage, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult> {
    return onStoreInTurn(storage, () => this.#executeNow(storage, context, transactions));
  }

  async #executeNow(storage: Storage, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult> {
    // Where a persistent store stands before the block's first read: the only base the
    // block may commit on.
    const base: ChainPosition | undefined = storage.readMeta?.();
    if (base !== undefined && context.topoheight !== base.topoheight + 1n) {
      throw new StorageError(
        'NonConsecutiveTopoheight',
        `the block's topoheight ${context.topoheight} does not follow the store's topoheight ${base.topoheight}`,
      );
    }
    const faults = this.#faults;
    this.#faults = [];
    const counters = { levelsOnWorkers: 0, redoneTasks: 0 };
    const started = performance.now();
    const workspace = new Workspace(
      context.ledger,
      sourceFromStorage(storage),
      storage.readBurnedSupply(),
    );
    const readConfigs = this.#preConfigReader(storage, transactions);
    const receipts: Receipt[] = new Array(transactions.length);
    let levels: number[][];
    let verifyMs: number;
    if (this.#scheduler === 'dag' && this.#streamsApply(transactions.length)) {
      // 1+3. The stateless stage on the workers, which return each transaction decoded too,
      // and, as their tasks complete, every transaction applied on this thread in block
      // order (one valid order of the DAG, R33), overlapped with the verification still
      // running. The DAG is built afterwards, for the statistics only.
      const decodedAll: (DecodedFields | null)[] = new Array(transactions.length);
      // Read once, at the first completion: every configuration was read to pack the tasks.
      let preConfigs: (MultiSigConfig | null)[] | undefined;
      const applyStream = new BlockOrderApply(transactions.length, (index, block) => {
        preConfigs ??= readConfigs(0, transactions.length);
        const fields = fieldsFromWire(block.decoded![index]!, transactions[index]!);
        const prepared = prepareTransaction(fields, block.verdicts[2 * index]!, block.verdicts[2 * index + 1]!, block.hashes[index] ?? null, preConfigs[index] ?? null);
        decodedAll[index] = prepared.decoded;
        receipts[index] = applyPrepared(workspace, context, prepared);
      });
      await this.#verify(transactions, readConfigs, faults, counters, (start, end, block) => applyStream.verified(start, end, block), true);
      verifyMs = performance.now() - started;
      // Every task reported its range, so every transaction was applied in the callbacks.
      if (applyStream.applied !== transactions.length) throw new BlockExecutionError(`${applyStream.applied} of ${transactions.length} transactions were applied`);
      this.#costModel.recordMain(applyStream.applied, applyStream.micros);
      levels = scheduleDag(decodedAll.map((decoded) => getAccessSet(decoded)));
    } else if (this.#scheduler === 'dag') {
      // 1. Stateless stage for the whole block, while this thread decodes and schedules.
      // Each task is sent as soon as its sources' configurations are read.
      const running = this.#workers === 0 ? undefined : this.#verify(transactions, readConfigs, faults, counters);
      let preConfigs: (MultiSigConfig | null)[];
      let decoded: FieldsDecodeResult[];
      try {
        preConfigs = readConfigs(0, transactions.length);
        decoded = transactions.map((bytes) => decodeTransactionFields(bytes));
        levels = scheduleDag(decoded.map((result) => getAccessSet(result.ok ? result.value : null)));
      } catch (error) {
        // The verification already started must finish (and its failure be observed)
        // before this block fails.
        await running?.catch(() => undefined);
        throw error;
      }
      // In the calling thread, verify from the decoded transactions instead of decoding twice.
      const { verdicts, hashes } = running === undefined ? verifyDecodedBatch(decoded, preConfigs) : await running;
      verifyMs = performance.now() - started;
      const prepared = decoded.map((result, index) =>
        prepareTransaction(fieldsOf(result), verdicts[2 * index]!, verdicts[2 * index + 1]!, hashes[index] ?? null, preConfigs[index] ?? null),
      );
      // 3. Apply level by level.
      for (const level of levels) {
        await this.#applyLevel(workspace, context, level, prepared, receipts, faults, counters);
      }
    } else {
      // The TOS V3 pipeline: each contiguous batch is verified, then applied, before the next.
      const preConfigs = readConfigs(0, transactions.length);
      const decoded = transactions.map((bytes) => decodeTransactionFields(bytes));
      levels = scheduleTosBatches(decoded.map((result) => getAccessSet(result.ok ? result.value : null)));
      const prepared: PreparedTransaction[] = new Array(transactions.length);
      let verifyTime = 0;
      for (const batch of levels) {
        const verifyStarted = performance.now();
        const batchResult =
          this.#workers === 0
            ? verifyDecodedBatch(batch.map((index) => decoded[index]!), batch.map((index) => preConfigs[index]!))
            : await this.#verify(batch.map((index) => transactions[index]!), (start, end) => batch.slice(start, end).map((index) => preConfigs[index]!), faults, counters);
        verifyTime += performance.now() - verifyStarted;
        batch.forEach((index, position) => {
          const { verdicts, hashes } = batchResult;
          prepared[index] = prepareTransaction(fieldsOf(decoded[index]!), verdicts[2 * position]!, verdicts[2 * position + 1]!, hashes[position] ?? null, preConfigs[index] ?? null);
        });
        await this.#applyLevel(workspace, context, batch, prepared, receipts, faults, counters);
      }
      verifyMs = verifyTime;
    }
    const applied = performance.now();
    const applyMs = applied - started - verifyMs;
    const recordStats = (commitMs: number): void => {
      this.#stats = {
        transactions: transactions.length,
        levels: levels.length,
        ...counters,
        multisigReverifications: workspace.multisigReverifications,
        verifyMs,
        applyMs,
        commitMs,
      };
    };
    // R32: the miner's fees, or the whole block is refused with nothing committed.
    const feeTotal = receipts.reduce((total, receipt) => total + receipt.fee, 0n);
    if (!applyMinerFees(workspace, context.miner, feeTotal)) {
      recordStats(0);
      return { ok: false, error: { code: 'BlockOverflow', rule: 'R32', detail: 'the fee total or the miner credit overflows' } };
    }
    // 4. One atomic commit, then read the post-state back from the store.
    const writes = new Map<string, AccountRecord>();
    for (const [key, record] of workspace.accounts) if (record !== undefined) writes.set(key, record);
    const blockWrites = { accounts: writes, burnedSupply: workspace.burnedSupply };
    if (storage.stateRootAfter !== undefined) {
      // A persistent store: the root of exactly the state being committed, from the store
      // plus the writes, goes into the same atomic commit. The post-state is read back
      // from the store only if the caller asks for it.
      const stateRoot = storage.stateRootAfter(blockWrites);
      // A store that reports no position (nothing committed yet, or no readMeta) has no
      // base to be checked against; the in-process queue is all that orders its blocks.
      const meta: CommitMeta = { topoheight: context.topoheight, stateRoot, base };
      storage.commit(blockWrites, meta);
      recordStats(performance.now() - applied);
      return appliedWithStoredState(storage, context.topoheight, receipts, feeTotal as U64, stateRoot);
    }
    storage.commit(blockWrites);
    const state = storage.readState();
    const stateRoot = computeStateRootFast(state);
    recordStats(performance.now() - applied);
    return { ok: true, state, receipts, feeTotal: feeTotal as U64, stateRoot };
  }

  /**
   * The pre-block multisig configuration of each transaction's source (read at its fixed
   * offset), read on demand: `read(start, end)` reads transactions `start..end` (each once,
   * each source once per block) and returns those configurations.
   */
  #preConfigReader(storage: Storage, transactions: readonly Uint8Array[]): (start: number, end: number) => (MultiSigConfig | null)[] {
    const cache = new Map<string, MultiSigConfig | null>();
    const configs: (MultiSigConfig | null)[] = new Array(transactions.length);
    let read = 0;
    return (start, end) => {
      for (; read < end; read++) {
        const bytes = transactions[read]!;
        if (bytes.length < 34) {
          configs[read] = null;
          continue;
        }
        const source = bytesToHex(bytes.subarray(2, 34));
        let config = cache.get(source);
        if (config === undefined) {
          config = storage.readAccount(source)?.multisig ?? null;
          cache.set(source, config);
        }
        configs[read] = config;
      }
      return configs.slice(start, end);
    };
  }

  #takeFault(faults: FaultPlan[], stage: FaultPlan['stage'], taskIndex: number): FaultPlan | undefined {
    const position = faults.findIndex((fault) => fault.stage === stage && fault.taskIndex === taskIndex);
    return position < 0 ? undefined : faults.splice(position, 1)[0];
  }

  async #runTask<T>(name: 'verify' | 'apply', task: object, fault: FaultPlan | undefined, taskIndex: number): Promise<T> {
    const payload = fault ? { ...task, fault: fault.kind, faultAfterMs: fault.afterMs ?? 0 } : task;
    const result = (await this.#getPool().run(payload, { name, signal: AbortSignal.timeout(this.#timeoutMs) })) as T;
    if (this.#completionHook) await this.#completionHook(name, taskIndex);
    return result;
  }

  async #verify(
    transactions: readonly Uint8Array[],
    configsOf: (start: number, end: number) => readonly (MultiSigConfig | null)[],
    faults: FaultPlan[],
    counters: { redoneTasks: number },
    onVerified?: OnVerified,
    returnDecoded = false,
  ): Promise<VerifyTaskResult> {
    const verdicts = new Uint8Array(2 * transactions.length);
    const hashes: (Hash | null)[] = new Array(transactions.length);
    const block: VerifyTaskResult = returnDecoded ? { verdicts, hashes, decoded: new Array<WireDecoded>(transactions.length) } : { verdicts, hashes };
    const running: Promise<void>[] = [];
    try {
      this.#sendVerifyTasks(transactions, configsOf, faults, counters, running, block, onVerified);
    } catch (error) {
      // Packing a later task failed (e.g. a store read threw): the tasks already sent
      // finish first, and whatever they do is observed, before the block fails.
      await Promise.allSettled(running);
      throw error;
    }
    await settleAll(running);
    return block;
  }

  /** Pack and send the verification tasks of `transactions`, one promise per task in `running`. */
  #sendVerifyTasks(
    transactions: readonly Uint8Array[],
    configsOf: (start: number, end: number) => readonly (MultiSigConfig | null)[],
    faults: FaultPlan[],
    counters: { redoneTasks: number },
    running: Promise<void>[],
    block: VerifyTaskResult,
    onVerified: OnVerified | undefined,
  ): void {
    const { verdicts, hashes, decoded } = block;
    for (let start = 0; start < transactions.length; ) {
      const size = verifyTaskSize(transactions.length - start, this.#workers, this.#batchSize);
      const task = packVerifyTask(transactions.slice(start, start + size), configsOf(start, start + size), decoded !== undefined);
      const taskIndex = running.length;
      const at = start;
      // Sent now, so the first task is on a worker while later ones are still being packed.
      running.push(
        (async () => {
          const fault = this.#takeFault(faults, 'verify', taskIndex);
          let result: VerifyTaskResult;
          try {
            result = await this.#runTask<VerifyTaskResult>('verify', task, fault, taskIndex);
          } catch (error) {
            result = this.#redo(error, counters, () => runVerifyTask(task));
          }
          verdicts.set(result.verdicts, 2 * at);
          result.hashes.forEach((hash, position) => {
            hashes[at + position] = hash;
          });
          if (decoded !== undefined) {
            if (result.decoded === undefined || result.decoded.length !== size) throw new BlockExecutionError('a verification task returned no decoded transactions');
            result.decoded.forEach((wire, position) => {
              decoded[at + position] = wire;
            });
          }
          onVerified?.(at, at + size, block);
        })(),
      );
      start += size;
    }
  }

  #redo<T>(error: unknown, counters: { redoneTasks: number }, work: () => T): T {
    if (this.#onFailure === 'fail') {
      throw new BlockExecutionError(`a worker task failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (process.env["TOS_EXECUTOR_DEBUG"]) console.error("worker task failed:", error);
    counters.redoneTasks++;
    return work();
  }

  /**
   * Should a block of `count` transactions be applied in block order on this thread while
   * the workers verify it? Yes with workers, unless `applyOn` is `'workers'` or the cost
   * model would send a level of that width to them (a level is never wider than the block,
   * and the model's choice is monotonic in the width: if the widest possible level stays
   * here, every level does).
   */
  #streamsApply(count: number): boolean {
    return this.#workers > 0 && !this.#levelOnWorkers(count);
  }

  /** Should this level go to the workers? `applyOn` forces it; `'auto'` asks the cost model. */
  #levelOnWorkers(size: number): boolean {
    if (this.#workers === 0 || this.#applyOn === 'main') return false;
    if (this.#applyOn === 'workers') return true;
    return this.#costModel.shouldUseWorkers(size, this.#workers);
  }

  async #applyLevel(
    workspace: Workspace,
    context: BlockContext,
    level: readonly number[],
    prepared: readonly PreparedTransaction[],
    receipts: Receipt[],
    faults: FaultPlan[],
    counters: { levelsOnWorkers: number; redoneTasks: number },
  ): Promise<void> {
    // Undecodable transactions need no state: settle them here.
    const live = level.filter((index) => {
      if (prepared[index]!.decoded !== null) return true;
      receipts[index] = applyPrepared(workspace, context, prepared[index]!);
      return false;
    });
    if (live.length === 0) return;
    if (!this.#levelOnWorkers(live.length)) {
      const started = performance.now();
      for (const index of live) receipts[index] = applyPrepared(workspace, context, prepared[index]!);
      this.#costModel.recordMain(live.length, (performance.now() - started) * 1000);
      return;
    }
    counters.levelsOnWorkers++;
    const chunkCount = Math.min(this.#workers, live.length);
    const chunkSize = Math.ceil(live.length / chunkCount);
    const chunks: number[][] = [];
    for (let start = 0; start < live.length; start += chunkSize) chunks.push(live.slice(start, start + chunkSize));
    const started = performance.now();
    const tasks: ApplyTask[] = chunks.map((chunk) => buildApplyTask(workspace, context, chunk.map((index) => prepared[index]!)));
    let applyTaskIndex = 0;
    const results = await settleAll(
      tasks.map(async (task) => {
        const taskIndex = applyTaskIndex++;
        const fault = this.#takeFault(faults, 'apply', taskIndex);
        try {
          return await this.#runTask<ApplyTaskResult>('apply', task, fault, taskIndex);
        } catch (error) {
          // The worker worked on copies: the main workspace is untouched, so redo from the same task.
          return this.#redo(error, counters, () => runApplyTask(task));
        }
      }),
    );
    // Merge write sets in block order (chunks are contiguous in block order and independent).
    results.forEach((result, chunkIndex) => {
      mergeApplyResult(workspace, tasks[chunkIndex]!, result);
      chunks[chunkIndex]!.forEach((index, position) => {
        receipts[index] = result.receipts[position]!;
      });
    });
    this.#costModel.recordWorkers(live.length, this.#workers, (performance.now() - started) * 1000);
  }

  /**
   * End the worker pool. The executor can still run blocks with `workers: 0` semantics
   * afterwards only if created anew.
   *
   * @returns when every worker has stopped
   */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await pool.destroy();
  }
}

