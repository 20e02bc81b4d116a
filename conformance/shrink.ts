/**
 * Shrinking a failing block directly, instead of regenerating shrink candidates with
 * fast-check: {@link shrinkBlock} takes the block a property failed on and a
 * {@link Recheck} (one spec execution and one executor call per candidate, milliseconds)
 * and makes the block smaller while it still fails.
 *
 * Each round runs these steps in order, and rounds repeat until one changes nothing (a
 * fixed point) or the time budget runs out:
 *
 * 1. `drop-transactions`: delta debugging over the transaction list: remove halves, then
 *    quarters, ... then single transactions. When removing applied transactions of a
 *    sender breaks the nonces of its later ones, the same removal is also tried with the
 *    sender's pre-state nonce raised by the applied transactions removed before them.
 * 2. `drop-accounts`: the same over the pre-state accounts (sorted by key).
 * 3. `drop-records`: the same over multisig configurations, balance records (other
 *    assets first, TOS last) and registered assets other than TOS.
 * 4. `simplify-state`: the burned supply and every balance record made as small as
 *    possible (a binary search towards 0), and each sender's nonce set to the smallest
 *    nonce of its remaining transactions.
 * 5. `simplify-transactions`: transactions re-encoded and re-signed with fewer transfers,
 *    no extra data, smaller amounts and fees, destinations replaced by keys the block
 *    already uses, fewer multisig participants, and a sender's nonces renumbered from 0.
 *
 * Only candidates that are valid inputs to the spec (`validateBlockInputs`) are tried,
 * and a candidate is kept only when the recheck still reports a failure (any failure: the
 * detail may change while shrinking). Identical candidates are checked once. With a
 * deterministic recheck the result is deterministic, and at a fixed point it is
 * 1-minimal with respect to dropping a transaction: removing any one makes it pass.
 *
 * Re-signing (step 5) is possible because generated blocks sign with the deterministic
 * key pool of `conformance/arbitraries/keys.ts`: the secret of every pool key, of the
 * miner key and of the not-a-point signer is recovered from its public key
 * (`findTestKey`). A signature that verifies is re-made over the edited transaction with
 * the recovered key; a signature that does not verify (a deliberate flaw) is kept as it
 * is, so it stays invalid. A transaction with a valid signature whose key is not in the
 * pool (a block that was not generated here) cannot be re-signed and keeps its bytes:
 * only the other steps shrink it.
 *
 * @module shrink
 */

import { createHash } from 'node:crypto';
import {
  applyBlock,
  bytesToHex,
  computeMultiSigMessage,
  computeRequiredFee,
  decodePublicKey,
  decodeTransactionFields,
  encodeSigningBytes,
  encodeTransaction,
  MAX_U64,
  stateToJson,
  toU64,
  TOS_ASSET,
  validateBlockInputs,
  verifySignature,
  type Account,
  type BlockResult,
  type PublicKey,
  type State,
  type Transaction,
  type Transfer,
} from '../spec/index.ts';
import { signDeterministic, type TestKey } from '../spec/test-keys.ts';
import { findTestKey } from './arbitraries/keys.ts';
import type { BlockExecutor } from './executor-under-test.ts';
import { agreementRecheck, type DisagreementError, type ExecutedBlock } from './properties.ts';
import { contextToJson } from './vectors/format.ts';

/** The default time budget of {@link shrinkBlock} and of `checkProperty`'s shrinking, in seconds. */
export const DEFAULT_SHRINK_SECONDS = 60;

/**
 * Does a candidate block still fail?
 *
 * @param candidate - a valid input to the spec
 * @returns the failure's detail when it still fails, `undefined` when it passes
 */
export type Recheck = (candidate: ExecutedBlock) => Promise<string | undefined>;

/** The steps of a shrinking round, in the order they run. */
export type ShrinkStep = 'drop-transactions' | 'drop-accounts' | 'drop-records' | 'simplify-state' | 'simplify-transactions';

/** Where shrinking is, reported when the counterexample got smaller. */
export interface ShrinkProgress {
  /** The step that made it smaller (`fast-check` when fast-check's own shrinking found it). */
  readonly step: ShrinkStep | 'fast-check';
  /** Candidates checked so far. */
  readonly candidatesTried: number;
  /** Transactions in the counterexample now. */
  readonly transactions: number;
  /** Pre-state accounts in the counterexample now. */
  readonly accounts: number;
  /** Seconds since shrinking started. */
  readonly seconds: number;
}

/** Options of {@link shrinkBlock}. */
export interface ShrinkOptions {
  /** Time budget in seconds (default {@link DEFAULT_SHRINK_SECONDS}); when it has passed, the smallest failing block found so far is returned. */
  readonly budgetSeconds?: number;
  /** The clock, in milliseconds (default `performance.now`); tests inject one. */
  readonly clock?: () => number;
  /**
   * Called when the counterexample got smaller: after each accepted candidate that drops a
   * transaction or an account, and at the end of a round that made anything else smaller.
   */
  readonly onProgress?: (progress: ShrinkProgress) => void;
}

/** What shrinking did. */
export interface ShrinkStats {
  /** Accepted candidates: the times the counterexample got smaller. */
  readonly steps: number;
  /** Rounds of the step sequence run (the last one changed nothing unless the budget ran out). */
  readonly rounds: number;
  /** Candidates checked with the recheck (the original block included). */
  readonly candidatesTried: number;
  /** Seconds spent, by the clock used. */
  readonly seconds: number;
  /** Transactions before shrinking. */
  readonly transactionsBefore: number;
  /** Transactions after shrinking. */
  readonly transactionsAfter: number;
  /** Pre-state accounts before shrinking. */
  readonly accountsBefore: number;
  /** Pre-state accounts after shrinking. */
  readonly accountsAfter: number;
  /** Whether the budget ran out before a fixed point: the block may not be minimal. */
  readonly budgetExhausted: boolean;
}

/** The result of {@link shrinkBlock}. */
export interface ShrinkResult {
  /** The smallest failing block found (the input itself when it does not reproduce). */
  readonly block: ExecutedBlock;
  /** Its failure detail, as the recheck reported it; `undefined` when the input did not fail. */
  readonly detail: string | undefined;
  /** Whether the input block failed the recheck (if not, nothing was shrunk). */
  readonly reproduced: boolean;
  /** What shrinking did. */
  readonly stats: ShrinkStats;
}

/** Thrown inside the shrinker when the budget has run out; never escapes {@link shrinkBlock}. */
class BudgetExhausted extends Error {}

/** How a transaction's signatures are re-made after an edit: a recovered key, or `null` to keep a signature that does not verify. */
interface Signers {
  readonly owner: TestKey | null;
  readonly multisig: readonly (TestKey | null)[] | null;
}

/** A transaction that can be edited: its fields and how to re-sign it. */
interface Editable {
  readonly transaction: Transaction;
  readonly signers: Signers;
}

/** A removable part of a pre-state (step `drop-records`). */
type StateRecord =
  | { readonly kind: 'multisig'; readonly account: PublicKey }
  | { readonly kind: 'balance'; readonly account: PublicKey; readonly asset: string }
  | { readonly kind: 'asset'; readonly asset: string };

function sortedAccounts(state: State): PublicKey[] {
  return [...state.accounts.keys()].sort();
}

/** A digest of everything a recheck sees of a block (equal blocks, equal digests). */
function fingerprint(block: ExecutedBlock): string {
  const json = JSON.stringify([stateToJson(block.state), contextToJson(block.context), block.transactions.map(bytesToHex)]);
  return createHash('sha256').update(json).digest('base64');
}

function isValidInput(block: ExecutedBlock): boolean {
  try {
    validateBlockInputs(block.state, block.context, block.transactions);
    return true;
  } catch {
    return false;
  }
}

function withAccount(state: State, key: PublicKey, account: Account): State {
  return { ...state, accounts: state.accounts.set(key, account) };
}

function withoutRecord(state: State, record: StateRecord): State {
  if (record.kind === 'asset') return { ...state, assets: state.assets.delete(record.asset) };
  const account = state.accounts.get(record.account);
  if (account === undefined) return state;
  if (record.kind === 'multisig') return withAccount(state, record.account, { ...account, multisig: null });
  return withAccount(state, record.account, { ...account, balances: account.balances.delete(record.asset) });
}

/** The removable records of a state, in a fixed order: configurations, balances of other assets, registered assets, TOS balances. */
function recordsOf(state: State): StateRecord[] {
  const keys = sortedAccounts(state);
  const multisig: StateRecord[] = keys.filter((key) => state.accounts.get(key)!.multisig !== null).map((account) => ({ kind: 'multisig', account }));
  const balances = (tos: boolean): StateRecord[] =>
    keys.flatMap((account) =>
      [...state.accounts.get(account)!.balances.keys()]
        .filter((asset) => (asset === TOS_ASSET) === tos)
        .sort()
        .map((asset): StateRecord => ({ kind: 'balance', account, asset })),
    );
  const assets: StateRecord[] = [...state.assets].filter((asset) => asset !== TOS_ASSET).sort().map((asset) => ({ kind: 'asset', asset }));
  return [...multisig, ...balances(false), ...assets, ...balances(true)];
}

function decoded(bytes: Uint8Array): Transaction | undefined {
  const result = decodeTransactionFields(bytes);
  return result.ok ? result.value.transaction : undefined;
}

/** Every key a block refers to: accounts, configurations' participants, the miner, and the sources, destinations and participants of its transactions. */
function referencedKeys(block: ExecutedBlock): Set<string> {
  const keys = new Set<string>([block.context.miner]);
  for (const [key, account] of block.state.accounts) {
    keys.add(key);
    for (const participant of account.multisig?.participants ?? []) keys.add(participant);
  }
  for (const bytes of block.transactions) {
    const transaction = decoded(bytes);
    if (transaction === undefined) continue;
    keys.add(transaction.source);
    if (transaction.payload.kind === 'transfers') for (const transfer of transaction.payload.transfers) keys.add(transfer.destination);
    if (transaction.payload.kind === 'multisig') for (const participant of transaction.payload.participants) keys.add(participant);
  }
  return keys;
}

function verifies(publicKey: PublicKey, message: Uint8Array, signature: string): boolean {
  const key = decodePublicKey(publicKey);
  return key !== undefined && verifySignature(key, message, signature);
}

/** The working state of one {@link shrinkBlock} call. */
class Shrinker {
  current: ExecutedBlock;
  detail: string | undefined;
  candidatesTried = 0;
  steps = 0;
  rounds = 0;
  budgetExhausted = false;
  private readonly started: number;
  private readonly budgetMs: number;
  private readonly clock: () => number;
  private readonly tried = new Map<string, string | undefined>();
  private readonly editable = new WeakMap<Uint8Array, Editable | null>();
  private receiptsOf: { block: ExecutedBlock; result: BlockResult } | undefined;
  /** The last step of this round that made the block smaller without dropping a transaction or an account. */
  private simplifiedBy: ShrinkStep | undefined;

  constructor(
    block: ExecutedBlock,
    private readonly stillFails: Recheck,
    private readonly options: ShrinkOptions,
  ) {
    this.current = { state: block.state, context: block.context, transactions: [...block.transactions] };
    this.clock = options.clock ?? (() => performance.now());
    this.started = this.clock();
    this.budgetMs = (options.budgetSeconds ?? DEFAULT_SHRINK_SECONDS) * 1000;
  }

  seconds(): number {
    return (this.clock() - this.started) / 1000;
  }

  /** Check the input block itself (outside the budget: without it there is nothing to shrink). */
  async reproduce(): Promise<boolean> {
    if (!isValidInput(this.current)) return false;
    this.candidatesTried++;
    this.detail = await this.stillFails(this.current);
    this.tried.set(fingerprint(this.current), this.detail);
    return this.detail !== undefined;
  }

  /** Check a candidate; keep it when it still fails. */
  async attempt(candidate: ExecutedBlock | undefined, step: ShrinkStep): Promise<boolean> {
    if (candidate === undefined || !isValidInput(candidate)) return false;
    const key = fingerprint(candidate);
    if (this.tried.has(key)) return false; // identical candidates fail identically; a failing one would be the current block
    if (this.clock() - this.started >= this.budgetMs) {
      this.budgetExhausted = true;
      throw new BudgetExhausted();
    }
    this.candidatesTried++;
    const detail = await this.stillFails(candidate);
    this.tried.set(key, detail);
    if (detail === undefined) return false;
    const dropped =
      candidate.transactions.length < this.current.transactions.length || candidate.state.accounts.size < this.current.state.accounts.size;
    this.current = candidate;
    this.detail = detail;
    this.steps++;
    if (dropped) this.progress(step);
    else this.simplifiedBy = step;
    return true;
  }

  progress(step: ShrinkStep): void {
    this.options.onProgress?.({
      step,
      candidatesTried: this.candidatesTried,
      transactions: this.current.transactions.length,
      accounts: this.current.state.accounts.size,
      seconds: this.seconds(),
    });
  }

  /** One round of every step; whether anything got smaller. */
  async round(): Promise<boolean> {
    this.rounds++;
    this.simplifiedBy = undefined;
    const before = this.steps;
    try {
      await this.dropTransactions();
      await this.dropAccounts();
      await this.dropRecords();
      await this.simplifyState();
      await this.simplifyTransactions();
    } finally {
      if (this.simplifiedBy !== undefined) this.progress(this.simplifiedBy);
    }
    return this.steps > before;
  }

  /**
   * Delta debugging: remove chunks of `length()` elements (halves, quarters, ... single
   * ones), keeping each removal whose candidate still fails. `without` gives the
   * candidates of one removal, tried in order until one still fails.
   */
  private async dropChunks(length: () => number, without: (start: number, end: number) => (() => ExecutedBlock | undefined)[], step: ShrinkStep): Promise<void> {
    let size = Math.ceil(length() / 2);
    while (size >= 1) {
      let start = 0;
      while (start < length()) {
        const end = Math.min(length(), start + size);
        let removed = false;
        for (const candidate of without(start, end)) {
          if (await this.attempt(candidate(), step)) {
            removed = true;
            break;
          }
        }
        if (!removed) start = end;
      }
      if (size === 1) break;
      size = Math.ceil(size / 2);
    }
  }

  private specResult(): BlockResult {
    if (this.receiptsOf?.block !== this.current) this.receiptsOf = { block: this.current, result: applyBlock(this.current.state, this.current.context, this.current.transactions) };
    return this.receiptsOf.result;
  }

  /**
   * The current block without transactions `start..end`, with each sender's nonce raised
   * by its applied transactions removed before its first remaining one (so the remaining
   * ones keep the nonces they were checked against); `undefined` when no nonce changes.
   */
  private rebased(start: number, end: number, kept: readonly Uint8Array[]): ExecutedBlock | undefined {
    const result = this.specResult();
    if (!result.ok) return undefined;
    const firstKept = new Map<PublicKey, number>();
    this.current.transactions.forEach((bytes, index) => {
      if (index >= start && index < end) return;
      const source = decoded(bytes)?.source;
      if (source !== undefined && !firstKept.has(source)) firstKept.set(source, index);
    });
    const raise = new Map<PublicKey, bigint>();
    for (let index = start; index < end; index++) {
      if (result.receipts[index]?.status !== 'applied') continue;
      const source = decoded(this.current.transactions[index]!)?.source;
      if (source === undefined) continue;
      const next = firstKept.get(source);
      if (next !== undefined && next > index) raise.set(source, (raise.get(source) ?? 0n) + 1n);
    }
    let state = this.current.state;
    for (const [source, by] of raise) {
      const account = state.accounts.get(source);
      if (account === undefined || account.nonce + by > MAX_U64) continue;
      state = withAccount(state, source, { ...account, nonce: toU64(account.nonce + by) });
    }
    return state === this.current.state ? undefined : { ...this.current, state, transactions: kept };
  }

  private async dropTransactions(): Promise<void> {
    await this.dropChunks(
      () => this.current.transactions.length,
      (start, end) => {
        const kept = this.current.transactions.filter((_, index) => index < start || index >= end);
        return [() => ({ ...this.current, transactions: kept }), () => this.rebased(start, end, kept)];
      },
      'drop-transactions',
    );
  }

  private async dropAccounts(): Promise<void> {
    await this.dropChunks(
      () => this.current.state.accounts.size,
      (start, end) => {
        const removed = sortedAccounts(this.current.state).slice(start, end);
        return [() => ({ ...this.current, state: { ...this.current.state, accounts: this.current.state.accounts.deleteAll(removed) } })];
      },
      'drop-accounts',
    );
  }

  private async dropRecords(): Promise<void> {
    await this.dropChunks(
      () => recordsOf(this.current.state).length,
      (start, end) => [() => ({ ...this.current, state: recordsOf(this.current.state).slice(start, end).reduce(withoutRecord, this.current.state) })],
      'drop-records',
    );
  }

  /**
   * Lower a value towards `target` while the block still fails: the target first; then,
   * unless one less already passes (the value is exact, nothing below can fail), a binary
   * search between them.
   */
  private async lower(value: () => bigint | undefined, target: bigint, build: (value: bigint) => ExecutedBlock | undefined, step: ShrinkStep): Promise<void> {
    const start = value();
    if (start === undefined || start <= target) return;
    const first = build(target);
    if (first === undefined || (await this.attempt(first, step))) return; // not editable, or the target itself still fails
    if (start - 1n > target && !(await this.attempt(build(start - 1n), step))) return;
    let passes = target;
    let fails = value() ?? start;
    while (fails - passes > 1n) {
      const middle = passes + (fails - passes) / 2n;
      if (await this.attempt(build(middle), step)) fails = middle;
      else passes = middle;
    }
  }

  private async simplifyState(): Promise<void> {
    const step: ShrinkStep = 'simplify-state';
    await this.lower(() => this.current.state.burnedSupply, 0n, (value) => ({ ...this.current, state: { ...this.current.state, burnedSupply: toU64(value) } }), step);
    for (const key of sortedAccounts(this.current.state)) {
      const nonces = this.current.transactions.map(decoded).filter((transaction) => transaction?.source === key).map((transaction) => transaction!.nonce);
      const account = this.current.state.accounts.get(key);
      if (account !== undefined && nonces.length > 0) {
        const smallest = nonces.reduce((a, b) => (b < a ? b : a));
        if (smallest !== account.nonce) await this.attempt({ ...this.current, state: withAccount(this.current.state, key, { ...account, nonce: smallest }) }, step);
      }
      for (const asset of [...(this.current.state.accounts.get(key)?.balances.keys() ?? [])].sort()) {
        await this.lower(
          () => this.current.state.accounts.get(key)?.balances.get(asset),
          0n,
          (value) => {
            const now = this.current.state.accounts.get(key);
            return now === undefined ? undefined : { ...this.current, state: withAccount(this.current.state, key, { ...now, balances: now.balances.set(asset, toU64(value)) }) };
          },
          step,
        );
      }
    }
  }

  /**
   * How to edit a transaction's bytes: decodable, re-encoded byte for byte, and every
   * signature that verifies made by a key recovered from the pool; `null` otherwise.
   */
  private editableOf(bytes: Uint8Array, block: ExecutedBlock = this.current): Editable | null {
    const known = this.editable.get(bytes);
    if (known !== undefined) return known;
    const result = decodeTransactionFields(bytes);
    let editable: Editable | null = null;
    if (result.ok && bytesToHex(encodeTransaction(result.value.transaction)) === bytesToHex(bytes)) {
      const { transaction, signingBytes } = result.value;
      const message = computeMultiSigMessage(signingBytes);
      // The owner: a valid signature needs its key (undefined when it is not in the pool); an invalid one is kept.
      const owner = verifies(transaction.source, signingBytes, transaction.signature) ? findTestKey(transaction.source) : null;
      // Participants: the key at the signature's id in any configuration the source has in this block.
      const configurations = [
        block.state.accounts.get(transaction.source)?.multisig?.participants ?? [],
        ...block.transactions
          .map(decoded)
          .filter((other) => other?.source === transaction.source && other.payload.kind === 'multisig')
          .map((other) => (other!.payload.kind === 'multisig' ? other!.payload.participants : [])),
      ];
      const multisig =
        transaction.multisig?.map(({ id, signature }) => {
          const signer = configurations.map((participants) => participants[id]).find((key) => key !== undefined && verifies(key, message, signature));
          return signer === undefined ? null : findTestKey(signer);
        }) ?? null;
      if (owner !== undefined && !(multisig ?? []).includes(undefined)) {
        editable = { transaction, signers: { owner, multisig: multisig as (TestKey | null)[] | null } };
      }
    }
    this.editable.set(bytes, editable);
    return editable;
  }

  /** Re-sign an edited transaction as the original was signed, and encode it. */
  private encode(transaction: Transaction, signers: Signers): Uint8Array {
    const signingBytes = encodeSigningBytes(transaction);
    const message = computeMultiSigMessage(signingBytes);
    const multisig =
      transaction.multisig?.map((entry, index) => {
        const signer = signers.multisig?.[index];
        return signer ? { id: entry.id, signature: signDeterministic(signer.secret, message) } : entry;
      }) ?? null;
    const signed: Transaction = { ...transaction, multisig, signature: signers.owner ? signDeterministic(signers.owner.secret, signingBytes) : transaction.signature };
    const bytes = encodeTransaction(signed);
    this.editable.set(bytes, { transaction: signed, signers });
    return bytes;
  }

  /** A block (the current one by default) with transaction `index` edited and re-signed, or `undefined` when it cannot be edited. */
  private edited(index: number, edit: (transaction: Transaction) => Transaction | undefined, base: ExecutedBlock = this.current): ExecutedBlock | undefined {
    const bytes = base.transactions[index];
    const editable = bytes === undefined ? null : this.editableOf(bytes, base);
    if (editable === null) return undefined;
    const changed = edit(editable.transaction);
    if (changed === undefined) return undefined;
    let encoded: Uint8Array;
    try {
      encoded = this.encode(changed, editable.signers);
    } catch {
      return undefined; // a field the encoding cannot hold
    }
    return { ...base, transactions: base.transactions.map((other, position) => (position === index ? encoded : other)) };
  }

  private transactionAt(index: number): Transaction | undefined {
    const bytes = this.current.transactions[index];
    return bytes === undefined ? undefined : (this.editableOf(bytes)?.transaction ?? undefined);
  }

  private async simplifyTransactions(): Promise<void> {
    const step: ShrinkStep = 'simplify-transactions';
    for (let index = 0; index < this.current.transactions.length; index++) {
      if (this.transactionAt(index) === undefined) continue;
      const transfers = (): readonly Transfer[] => {
        const payload = this.transactionAt(index)?.payload;
        return payload?.kind === 'transfers' ? payload.transfers : [];
      };
      const withTransfers = (transaction: Transaction, list: readonly Transfer[]): Transaction => ({ ...transaction, payload: { kind: 'transfers', transfers: list } });
      // Fewer transfers (at least one stays).
      await this.dropChunks(
        () => transfers().length,
        (start, end) => {
          const kept = transfers().filter((_, position) => position < start || position >= end);
          return [() => (kept.length === 0 ? undefined : this.edited(index, (transaction) => withTransfers(transaction, kept)))];
        },
        step,
      );
      for (let position = 0; position < transfers().length; position++) {
        const setTransfer = (change: (transfer: Transfer) => Transfer) =>
          this.edited(index, (transaction) => withTransfers(transaction, transfers().map((transfer, at) => (at === position ? change(transfer) : transfer))));
        if (transfers()[position]?.extraData !== null) await this.attempt(setTransfer((transfer) => ({ ...transfer, extraData: null })), step);
        await this.lower(() => transfers()[position]?.amount, 0n, (amount) => setTransfer((transfer) => ({ ...transfer, amount: toU64(amount) })), step);
        // A destination only this transfer names: replaced by a key the block already uses.
        const destination = transfers()[position]?.destination;
        if (destination !== undefined) {
          const keys = referencedKeys(this.current);
          for (const key of [...keys].filter((key) => key !== destination).sort().slice(0, 4)) {
            const candidate = setTransfer((transfer) => ({ ...transfer, destination: key }));
            if (candidate !== undefined && referencedKeys(candidate).size < keys.size && (await this.attempt(candidate, step))) break;
          }
        }
      }
      const burned = this.transactionAt(index)?.payload;
      if (burned?.kind === 'burn') {
        await this.lower(
          () => {
            const payload = this.transactionAt(index)?.payload;
            return payload?.kind === 'burn' ? payload.amount : undefined;
          },
          0n,
          (amount) => this.edited(index, (transaction) => (transaction.payload.kind === 'burn' ? { ...transaction, payload: { ...transaction.payload, amount: toU64(amount) } } : undefined)),
          step,
        );
      }
      // Fewer multisig participants (the threshold clamped to their number).
      const participants = (): readonly PublicKey[] => {
        const payload = this.transactionAt(index)?.payload;
        return payload?.kind === 'multisig' ? payload.participants : [];
      };
      await this.dropChunks(
        () => participants().length,
        (start, end) => {
          const kept = participants().filter((_, position) => position < start || position >= end);
          return [
            () =>
              kept.length === 0
                ? undefined
                : this.edited(index, (transaction) =>
                    transaction.payload.kind === 'multisig' ? { ...transaction, payload: { kind: 'multisig', threshold: Math.min(transaction.payload.threshold, kept.length), participants: kept } } : undefined,
                  ),
          ];
        },
        step,
      );
      // The fee: the required fee first, then as low as it still fails.
      const now = this.transactionAt(index);
      if (now !== undefined) {
        const required = computeRequiredFee(now, encodeTransaction(now).length);
        if (now.fee > required) await this.attempt(this.edited(index, (transaction) => ({ ...transaction, fee: required })), step);
      }
      await this.lower(() => this.transactionAt(index)?.fee, 0n, (fee) => this.edited(index, (transaction) => ({ ...transaction, fee: toU64(fee) })), step);
    }
    await this.renumberNonces(step);
  }

  /** A sender with a non-zero nonce: its nonce set to 0 and its transactions' nonces lowered by as much (all re-signed). */
  private async renumberNonces(step: ShrinkStep): Promise<void> {
    for (const key of sortedAccounts(this.current.state)) {
      const account = this.current.state.accounts.get(key)!;
      if (account.nonce === 0n) continue;
      const indices = this.current.transactions.flatMap((bytes, index) => (decoded(bytes)?.source === key ? [index] : []));
      if (indices.length === 0) continue;
      let candidate: ExecutedBlock | undefined = { ...this.current, state: withAccount(this.current.state, key, { ...account, nonce: toU64(0n) }) };
      for (const index of indices) {
        if (candidate === undefined) break;
        candidate = this.edited(index, (transaction) => (transaction.nonce >= account.nonce ? { ...transaction, nonce: toU64(transaction.nonce - account.nonce) } : undefined), candidate);
      }
      await this.attempt(candidate, step);
    }
  }
}

/**
 * Shrink a failing block (see the module's description for the steps): returns the
 * smallest block found that still fails, its failure detail and what shrinking did.
 * Every candidate is a valid input to the spec; a candidate is kept only when
 * `stillFails` reports a failure. When the budget runs out the smallest failing block so
 * far is returned, flagged `budgetExhausted`.
 *
 * @param block - the block a property failed on
 * @param stillFails - the recheck: the failure detail when a candidate still fails, `undefined` when it passes
 * @param options - time budget, clock and progress callback
 * @returns the shrunk block, its detail and the statistics (the input block unchanged, `reproduced: false`, when it does not fail)
 * @example
 * const { block: shrunk, stats } = await shrinkBlock(error.block, agreementRecheck([executor]), { budgetSeconds: 30 });
 */
export async function shrinkBlock(block: ExecutedBlock, stillFails: Recheck, options: ShrinkOptions = {}): Promise<ShrinkResult> {
  const shrinker = new Shrinker(block, stillFails, options);
  const transactionsBefore = block.transactions.length;
  const accountsBefore = block.state.accounts.size;
  const reproduced = await shrinker.reproduce();
  if (reproduced) {
    try {
      // Rounds until one changes nothing; the bound only guards against a step that would undo another.
      for (let round = 0; round < 100 && (await shrinker.round()); round++);
    } catch (error) {
      if (!(error instanceof BudgetExhausted)) throw error;
    }
  }
  return {
    block: reproduced ? shrinker.current : block,
    detail: shrinker.detail,
    reproduced,
    stats: {
      steps: shrinker.steps,
      rounds: shrinker.rounds,
      candidatesTried: shrinker.candidatesTried,
      seconds: shrinker.seconds(),
      transactionsBefore,
      transactionsAfter: reproduced ? shrinker.current.transactions.length : transactionsBefore,
      accountsBefore,
      accountsAfter: reproduced ? shrinker.current.state.accounts.size : accountsBefore,
      budgetExhausted: shrinker.budgetExhausted,
    },
  };
}

/**
 * The recheck for an adapter process (a {@link BlockExecutor} driven through the adapter
 * protocol): a candidate on which the adapter breaks the protocol or reports an error
 * (any error it throws) still fails, as it does in the properties, and a candidate it
 * skips (e.g. under a ledger model it does not support) passes. It is
 * {@link agreementRecheck} with the skip predicate.
 *
 * Either executor works: the raw adapter executor with `isSkip` recognising its skip
 * error, or the executor the fuzz properties drive, which already turns a skip into an
 * `fc.pre` failure (always a pass) and a protocol error into a {@link DisagreementError}.
 *
 * @param adapter - the adapter as an executor
 * @param isSkip - whether an error the adapter threw means it skipped the block (default: none does, besides `fc.pre` failures)
 * @returns the recheck
 * @example
 * recheck: adapterRecheck(adapter, (error) => error instanceof AdapterSkipError)
 */
export function adapterRecheck(adapter: BlockExecutor, isSkip: (error: unknown) => boolean = () => false): Recheck {
  return agreementRecheck([adapter], { passes: isSkip });
}
