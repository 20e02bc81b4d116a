/**
 * Transactions generated *from the state* (rules R17-R31): a {@link TransactionPlan} is
 * a set of choices (what kind, which sender, which outputs, which flaw) that
 * {@link appendTransaction} interprets against the block in progress. The spec's own
 * ledger is the generator's bookkeeping, so a valid plan picks a sender that may send
 * now with its current nonce, signs with the participants of its current multisig
 * configuration, pays exactly or more than the required fee and spends shares of what it
 * may spend under the block's ledger model without overflowing any destination: valid
 * plans are accepted by construction, not by filtering.
 *
 * A share of plans ({@link TransactionConstraints.invalidShare}) carries one deliberate
 * {@link Flaw}, each aimed at one rejection code: damaged bytes, fees below the minimum,
 * future references, unknown senders, nonce gaps and replays, self-transfers, extra data
 * over the 128 / 4096 limits, zero burns, bad multisig setups, stray or missing multisig
 * fields, too few / too many / out-of-range / wrong participant signatures, wrong chain
 * ids, keys that are not points, wrong owner signatures, unregistered assets, missing
 * balance records, insufficient funds and every kind of overflow.
 *
 * @module conformance/arbitraries/transaction
 */

import * as fc from 'fast-check';
import {
  applyTransaction,
  beginLedger,
  computeRequiredFee,
  encodeTransaction,
  getAccount,
  getSenderAccount,
  getSpendableBalance,
  MAX_U64,
  toU64,
  TOS_ASSET,
  type AssetId,
  type BlockContext,
  type Ledger,
  type MultiSigConfig,
  type Payload,
  type PublicKey,
  type State,
  type Transaction,
  type Transfer,
} from '../../spec/index.ts';
import { signTransaction, type MultiSigSigner, type TestKey } from '../../spec/test-keys.ts';
import { applyDamage, damageArbitrary, describeDamage, type Damage } from './damage.ts';
import {
  ASSET_UNREGISTERED,
  ASSET_X,
  findTestKey,
  IDLE_ASSETS,
  KEY_POOL_SIZE,
  keyPool,
  nameOfAsset,
  nameOfKey,
  NOT_A_POINT,
  NOT_A_POINT_SIGNER,
} from './keys.ts';
import type { Universe } from './universe.ts';

const MAX = MAX_U64 as bigint;

/** Options of {@link transactionPlanArbitrary} and {@link transactionArbitrary}. Shares are probabilities in `[0, 1]`. */
export interface TransactionConstraints {
  /** Share of deliberately invalid transactions (default 0.3). */
  readonly invalidShare?: number;
  /** Most outputs of an ordinary transfer (default 6; the extra-data-limit transfers have 32 or 33). */
  readonly maxOutputs?: number;
  /** Share of transfer outputs sent to a hot account (default 0.45). */
  readonly hotShare?: number;
  /**
   * Share of transactions whose bytes are damaged (truncated, flipped, extended, given an
   * unsupported tag or a bad header byte). By default damage is one flaw among others,
   * about 5% of transactions; when set, exactly this share is damaged and the other
   * flaws share the rest of `invalidShare`.
   */
  readonly damagedShare?: number;
}

/** The deliberate flaws; each aims at one rejection code (see {@link FLAW_WEIGHTS}). */
export type Flaw =
  | 'damaged'
  | 'fee-below-minimum'
  | 'future-reference'
  | 'wrong-chain'
  | 'wrong-owner-signature'
  | 'nonce-gap'
  | 'nonce-replay'
  | 'unknown-sender'
  | 'self-transfer'
  | 'extra-data-over-127'
  | 'extra-data-total-over-4096'
  | 'burn-zero'
  | 'multisig-threshold-over-count'
  | 'multisig-self-participant'
  | 'multisig-delete-unconfigured'
  | 'multisig-stray-field'
  | 'not-a-point'
  | 'multisig-missing-signatures'
  | 'multisig-too-few-signatures'
  | 'multisig-too-many-signatures'
  | 'multisig-out-of-range-signature'
  | 'multisig-wrong-signature'
  | 'unregistered-asset'
  | 'no-balance-record'
  | 'insufficient-funds'
  | 'overflow';

/**
 * Relative weights of the flaws among invalid plans, tuned so that every rejection code
 * reaches at least 0.5% of generated transactions at the default invalid share (the
 * coverage test checks it).
 */
export const FLAW_WEIGHTS: Readonly<Record<Flaw, number>> = {
  damaged: 17,
  'fee-below-minimum': 5,
  'future-reference': 4,
  'wrong-chain': 4,
  'wrong-owner-signature': 3,
  'nonce-gap': 3,
  'nonce-replay': 3,
  'unknown-sender': 4,
  'self-transfer': 5,
  'extra-data-over-127': 4,
  'extra-data-total-over-4096': 4,
  'burn-zero': 4,
  'multisig-threshold-over-count': 4,
  'multisig-self-participant': 2,
  'multisig-delete-unconfigured': 3,
  'multisig-stray-field': 3,
  'not-a-point': 5,
  'multisig-missing-signatures': 5,
  'multisig-too-few-signatures': 2,
  'multisig-too-many-signatures': 2,
  'multisig-out-of-range-signature': 2,
  'multisig-wrong-signature': 2,
  'unregistered-asset': 4,
  'no-balance-record': 5,
  'insufficient-funds': 4,
  overflow: 6,
};

/** What a valid plan makes. */
export type TransactionKind = 'transfer' | 'transfer-extra-data-limit' | 'burn' | 'multisig-set' | 'multisig-delete';

/**
 * Which sender a plan prefers (falling back to any able sender): `chain` the previous
 * transaction's sender (nonce chains), `hot` a hot account (it spends what it received
 * in the block, R30), `multisig` a configured account, `reconfigured` one whose
 * configuration changed in this block, `created` one created in this block (R31).
 */
export type SenderMode = 'any' | 'chain' | 'hot' | 'multisig' | 'reconfigured' | 'created';

/** How much of what is left to spend an output takes. */
export interface AmountPlan {
  /** `zero`, `one`, a `fraction` (permille) of the remaining budget, or `all` of it. */
  readonly mode: 'zero' | 'one' | 'fraction' | 'all';
  /** The fraction in thousandths, 0 to 1000. */
  readonly permille: number;
}

/** One output of a transfer plan. */
export interface OutputPlan {
  /** Destination: a hot account, another member, a fresh key (creates an account), the miner, or a destination used before in the block. */
  readonly to: 'hot' | 'member' | 'fresh' | 'miner' | 'repeat';
  /** Index choice among the candidates. */
  readonly pick: number;
  /** TOS, or X when the sender holds a record of it. */
  readonly asset: 'tos' | 'x';
  /** The amount. */
  readonly amount: AmountPlan;
  /** Extra data: none, 0 to 32 bytes, or exactly 126 raw bytes (128 counted, the R22 limit). */
  readonly extra: 'none' | 'small' | 'limit';
  /** Length of `small` extra data. */
  readonly extraLength: number;
}

/** The burn of a plan. */
export interface BurnPlan {
  /** TOS, or X when the sender can spend some. */
  readonly asset: 'tos' | 'x';
  /** The amount (a zero plan burns 1; the `burn-zero` flaw burns 0). */
  readonly amount: AmountPlan;
}

/** The multisig setup of a plan. */
export interface MultiSigPlan {
  /** Pool indices of the participants (the source itself is left out). */
  readonly picks: readonly number[];
  /** Threshold choice, reduced into `1..participants`. */
  readonly threshold: number;
}

/** The choices of one generated transaction, interpreted by {@link appendTransaction}. */
export interface TransactionPlan {
  /** The flaw, or `null` for a valid transaction. */
  readonly flaw: Flaw | null;
  /** What a valid transaction makes (flaws adapt it). */
  readonly kind: TransactionKind;
  /** Which sender to prefer. */
  readonly senderMode: SenderMode;
  /** A free choice used to pick among candidates. */
  readonly pick: number;
  /** Outputs of a transfer. */
  readonly outputs: readonly OutputPlan[];
  /** A burn: its asset and amount. */
  readonly burn: BurnPlan;
  /** A multisig setup: pool indices of participants and a threshold choice. */
  readonly multisig: MultiSigPlan;
  /** Fee above the required one, or `null` to pay exactly the minimum. */
  readonly extraFee: bigint | null;
  /** Seed of the participants' signing order (any order is valid, R27). */
  readonly signerSeed: number;
  /** The damage of a `damaged` plan. */
  readonly damage: Damage;
}

/** A generated transaction. */
export interface GeneratedTransaction {
  /** Its wire bytes (damaged for a `damaged` plan). */
  readonly bytes: Uint8Array;
  /** A short human description, e.g. `transfer k3->hot 3 outputs` or `multisig spend too-few-signatures: ...`. */
  readonly intent: string;
}

function per10k(share: number): number {
  return Math.round(Math.min(1, Math.max(0, share)) * 10_000);
}

function weighted<T>(entries: readonly (readonly [number, T])[]): fc.Arbitrary<T> {
  return fc.oneof(...entries.filter(([weight]) => weight > 0).map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
}

const amountPlanArbitrary: fc.Arbitrary<AmountPlan> = fc.record({
  mode: weighted<AmountPlan['mode']>([
    [2, 'zero'],
    [2, 'one'],
    [20, 'fraction'],
    [1, 'all'],
  ]),
  permille: fc.integer({ min: 0, max: 1000 }),
});

function outputPlanArbitrary(hotShare: number): fc.Arbitrary<OutputPlan> {
  const hot = per10k(hotShare);
  const rest = 10_000 - hot;
  return fc.record({
    to: weighted<OutputPlan['to']>([
      [hot, 'hot'],
      [Math.round(rest * 0.55), 'member'],
      [Math.round(rest * 0.15), 'fresh'],
      [Math.round(rest * 0.07), 'miner'],
      [Math.round(rest * 0.23), 'repeat'],
    ]),
    pick: fc.noBias(fc.nat(1_000)),
    asset: weighted<OutputPlan['asset']>([
      [4, 'tos'],
      [1, 'x'],
    ]),
    amount: amountPlanArbitrary,
    extra: weighted<OutputPlan['extra']>([
      [30, 'none'],
      [8, 'small'],
      [2, 'limit'],
    ]),
    extraLength: fc.nat(32),
  });
}

/**
 * Plans of single transactions: mostly valid (transfers with 1 to `maxOutputs` outputs,
 * mostly to hot accounts; burns of TOS and X; multisig set, change and delete), a share
 * `invalidShare` with one {@link Flaw} drawn by {@link FLAW_WEIGHTS}. Shrinking goes
 * towards valid single-output transfers.
 *
 * @param c - invalid share, outputs, hot share
 * @returns the arbitrary
 * @example
 * fc.sample(transactionPlanArbitrary({ invalidShare: 0 }), 3) // three valid plans
 */
export function transactionPlanArbitrary(c: TransactionConstraints = {}): fc.Arbitrary<TransactionPlan> {
  const invalid = per10k(c.invalidShare ?? 0.3);
  const flawEntries = Object.entries(FLAW_WEIGHTS) as [Flaw, number][];
  let flaw: fc.Arbitrary<Flaw | null>;
  if (c.damagedShare === undefined) {
    flaw = fc.oneof(
      { weight: 10_000 - invalid, arbitrary: fc.constant(null) },
      { weight: invalid, arbitrary: weighted<Flaw | null>(flawEntries.map(([name, weight]) => [weight, name] as const)) },
    );
  } else {
    const damaged = per10k(c.damagedShare);
    const others = Math.max(0, Math.min(10_000 - damaged, invalid - damaged));
    flaw = fc.oneof(
      { weight: Math.max(0, 10_000 - damaged - others), arbitrary: fc.constant(null) },
      { weight: damaged, arbitrary: fc.constant<Flaw | null>('damaged') },
      { weight: others, arbitrary: weighted<Flaw | null>(flawEntries.filter(([name]) => name !== 'damaged').map(([name, weight]) => [weight, name] as const)) },
    );
  }
  return fc.record({
    flaw,
    kind: weighted<TransactionKind>([
      [60, 'transfer'],
      [3, 'transfer-extra-data-limit'],
      [12, 'burn'],
      [8, 'multisig-set'],
      [4, 'multisig-delete'],
    ]),
    senderMode: weighted<SenderMode>([
      [40, 'any'],
      [18, 'chain'],
      [12, 'hot'],
      [12, 'multisig'],
      [10, 'reconfigured'],
      [8, 'created'],
    ]),
    pick: fc.noBias(fc.nat(1_000_000)),
    outputs: fc.array(outputPlanArbitrary(c.hotShare ?? 0.45), { minLength: 1, maxLength: Math.max(1, c.maxOutputs ?? 6) }),
    burn: fc.record({ asset: weighted<'tos' | 'x'>([[3, 'tos'], [1, 'x']]), amount: amountPlanArbitrary }),
    multisig: fc.record({ picks: fc.uniqueArray(fc.nat(KEY_POOL_SIZE - 1), { minLength: 1, maxLength: 4 }), threshold: fc.nat(3) }),
    extraFee: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 50_000n }) }),
    signerSeed: fc.noBias(fc.nat()),
    damage: damageArbitrary(),
  });
}

// ---------------------------------------------------------------------------------------
// The block in progress
// ---------------------------------------------------------------------------------------

/** One transaction already in the block in progress. */
export interface BlockEntry {
  /** Its sender, when known. */
  readonly source: PublicKey | null;
  /** Its bytes. */
  readonly bytes: Uint8Array;
  /** Whether the spec accepted it. */
  readonly accepted: boolean;
}

/** A block being generated: the spec's ledger after the transactions so far. */
export interface BlockInProgress {
  /** The accounts the block is about. */
  readonly universe: Universe;
  /** The block context. */
  readonly context: BlockContext;
  /** The spec's ledger after the transactions so far (replaced by {@link appendTransaction}). */
  ledger: Ledger;
  /** The transactions so far. */
  readonly entries: BlockEntry[];
  /** Accounts whose multisig configuration changed in this block, most recent last. */
  readonly reconfigured: PublicKey[];
  /** Destinations used so far in the block. */
  readonly destinations: PublicKey[];
}

/**
 * Start generating a block.
 *
 * @param universe - the accounts the block is about
 * @param state - the pre-state
 * @param context - the block context
 * @returns an empty block in progress
 * @example
 * const block = beginBlock(universe, state, context);
 */
export function beginBlock(universe: Universe, state: State, context: BlockContext): BlockInProgress {
  return { universe, context, ledger: beginLedger(context.ledger, state), entries: [], reconfigured: [], destinations: [] };
}

/** Least spendable TOS of a sender a valid plan picks (covers the largest generated fee). */
const MIN_SENDER_TOS = 400_000n;

function balanceOf(state: State, key: PublicKey, asset: AssetId): bigint {
  return getAccount(state, key)?.balances.get(asset) ?? 0n;
}

/** How much more `destination` can be credited of `asset` without an R29/R30 overflow. */
function creditHeadroom(ledger: Ledger, destination: PublicKey, asset: AssetId): bigint {
  let room = MAX - balanceOf(ledger.current, destination, asset);
  if (ledger.model === 'deferred-credits') {
    const received = ledger.received.get(destination + asset) ?? 0n;
    const deferredRoom = MAX - balanceOf(ledger.pre, destination, asset) - received;
    if (deferredRoom < room) room = deferredRoom;
  }
  return room < 0n ? 0n : room;
}

function signersAvailable(config: MultiSigConfig): number[] {
  return config.participants.flatMap((participant, id) => (participant !== NOT_A_POINT && findTestKey(participant) !== undefined ? [id] : []));
}

function isAuthorisable(config: MultiSigConfig | null): boolean {
  return config === null || signersAvailable(config).length >= config.threshold;
}

/** A deterministic permutation (mulberry32). */
function permute<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let index = out.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [out[index], out[other]] = [out[other]!, out[index]!];
  }
  return out;
}

function signerOf(config: MultiSigConfig, id: number): MultiSigSigner {
  const key = findTestKey(config.participants[id]!) ?? NOT_A_POINT_SIGNER;
  return { id, secret: key.secret };
}

/** `count` signers of the configuration with known keys, in a seed-driven order. */
function chooseSigners(config: MultiSigConfig, count: number, seed: number): MultiSigSigner[] {
  return permute(signersAvailable(config), seed)
    .slice(0, Math.max(0, count))
    .map((id) => signerOf(config, id));
}

/** Every pool key the block may use as a sender. */
function candidateKeys(block: BlockInProgress): TestKey[] {
  return [...block.universe.members, ...block.universe.fresh];
}

interface SenderFilter {
  /** Accept a multisig configuration whose known participants cannot reach the threshold. */
  readonly unauthorisable?: boolean;
  /** Extra condition on the current account's configuration. */
  readonly config?: (config: MultiSigConfig | null) => boolean;
  /** Accept a nonce at 2^64 - 1. */
  readonly maxNonce?: boolean;
}

function canSend(block: BlockInProgress, key: PublicKey, filter: SenderFilter = {}): boolean {
  const account = getSenderAccount(block.ledger, key);
  if (account === undefined) return false;
  if (!(filter.maxNonce ?? false) && account.nonce === MAX) return false;
  if (!(filter.unauthorisable ?? false) && !isAuthorisable(account.multisig)) return false;
  if (filter.config !== undefined && !filter.config(account.multisig)) return false;
  return (getSpendableBalance(block.ledger, key, TOS_ASSET) ?? 0n) >= MIN_SENDER_TOS;
}

/** Pick a sender that may send now, preferring the plan's mode; `undefined` when nobody can. */
function chooseSender(block: BlockInProgress, plan: TransactionPlan, filter: SenderFilter = {}): TestKey | undefined {
  const able = candidateKeys(block).filter((key) => canSend(block, key.publicKey, filter));
  if (able.length === 0) return undefined;
  const pickFrom = (keys: readonly TestKey[]): TestKey | undefined => (keys.length === 0 ? undefined : keys[plan.pick % keys.length]);
  let preferred: TestKey | undefined;
  switch (plan.senderMode) {
    case 'chain': {
      const last = block.entries.at(-1)?.source;
      preferred = able.find((key) => key.publicKey === last);
      break;
    }
    case 'hot':
      preferred = pickFrom(able.filter((key) => block.universe.hot.includes(key.publicKey)));
      break;
    case 'multisig':
      preferred = pickFrom(able.filter((key) => getAccount(block.ledger.current, key.publicKey)?.multisig));
      break;
    case 'reconfigured':
      preferred = [...block.reconfigured].reverse().map((changed) => able.find((key) => key.publicKey === changed)).find((key) => key !== undefined);
      break;
    case 'created':
      preferred = pickFrom(able.filter((key) => getAccount(block.ledger.pre, key.publicKey) === undefined));
      break;
    case 'any':
      break;
  }
  return preferred ?? pickFrom(able);
}

/** A member, whatever its means: the fallback when nobody can send. */
function anyMember(block: BlockInProgress, plan: TransactionPlan): TestKey {
  const members = block.universe.members;
  return members[plan.pick % members.length]!;
}

// ---------------------------------------------------------------------------------------
// Drafts: a transaction before its fee and amounts are fixed
// ---------------------------------------------------------------------------------------

/** How an amount is fixed once the fee is known. */
type AmountRule =
  | { readonly kind: 'plan'; readonly plan: AmountPlan }
  | { readonly kind: 'fixed'; readonly value: bigint }
  /** One more than what is left to spend (InsufficientFunds). */
  | { readonly kind: 'over' }
  /** One more than the destination can receive (Overflow at the credit). */
  | { readonly kind: 'overflow-credit' }
  /** `2^64 - fee`: the burn amount plus the fee overflows (R23). */
  | { readonly kind: 'overflow-fee' };

interface OutputDraft {
  readonly destination: PublicKey;
  readonly asset: AssetId;
  readonly amount: AmountRule;
  readonly extraData: string | null;
}

type PayloadDraft =
  | { readonly kind: 'transfers'; readonly outputs: readonly OutputDraft[] }
  | { readonly kind: 'burn'; readonly asset: AssetId; readonly amount: AmountRule }
  | { readonly kind: 'multisig'; readonly threshold: number; readonly participants: readonly PublicKey[] };

interface Draft {
  source: PublicKey;
  ownerSecret: bigint;
  nonce: bigint;
  payload: PayloadDraft;
  signers: MultiSigSigner[] | null;
  chainId: number;
  futureReference: boolean;
  fee: 'exact' | 'extra' | 'below';
  intent: string;
}

function extraDataOf(output: OutputPlan): string | null {
  switch (output.extra) {
    case 'none':
      return null;
    case 'small':
      return '5a'.repeat(output.extraLength);
    case 'limit':
      return 'c3'.repeat(126);
  }
}

function chooseDestination(block: BlockInProgress, source: PublicKey, output: OutputPlan, index: number): PublicKey {
  const { universe } = block;
  const others = (keys: readonly PublicKey[]): PublicKey[] => keys.filter((key) => key !== source);
  const members = others(universe.members.map((key) => key.publicKey));
  const fallback = members[(output.pick + index) % Math.max(1, members.length)] ?? universe.fresh[0]!.publicKey;
  const pickFrom = (keys: readonly PublicKey[]): PublicKey => (keys.length === 0 ? fallback : keys[(output.pick + index) % keys.length]!);
  switch (output.to) {
    case 'hot':
      return pickFrom(others(universe.hot));
    case 'member':
      return pickFrom(members);
    case 'fresh':
      return pickFrom(others(universe.fresh.map((key) => key.publicKey)));
    case 'miner':
      return block.context.miner === source ? fallback : block.context.miner;
    case 'repeat':
      return pickFrom(others(block.destinations));
  }
}

/** Whether the sender may spend X now (a record exists and X is registered). */
function canSpendX(block: BlockInProgress, source: PublicKey): boolean {
  return block.ledger.current.assets.has(ASSET_X) && getSpendableBalance(block.ledger, source, ASSET_X) !== undefined;
}

function describeDestination(block: BlockInProgress, destination: PublicKey): string {
  if (block.universe.hot.includes(destination)) return 'hot';
  if (destination === block.context.miner) return 'miner';
  const name = nameOfKey(destination);
  return getAccount(block.ledger.current, destination) === undefined ? `new:${name}` : name;
}

function describeTransfer(block: BlockInProgress, source: PublicKey, outputs: readonly OutputDraft[]): string {
  const destinations = [...new Set(outputs.map((output) => describeDestination(block, output.destination)))];
  const shown = destinations.length > 3 ? `${destinations.slice(0, 3).join('+')}+...` : destinations.join('+');
  const assets = [...new Set(outputs.map((output) => nameOfAsset(output.asset)))].join('+');
  const extra = outputs.reduce((sum, output) => sum + (output.extraData === null ? 0 : output.extraData.length / 2), 0);
  const zero = outputs.some((output) => output.amount.kind === 'plan' && output.amount.plan.mode === 'zero');
  return `transfer ${nameOfKey(source)}->${shown} ${outputs.length} output${outputs.length === 1 ? '' : 's'} ${assets}${zero ? ' zero-amount' : ''}${extra > 0 ? ` extra ${extra}B` : ''}`;
}

function transferOutputs(block: BlockInProgress, source: PublicKey, plan: TransactionPlan): OutputDraft[] {
  const x = canSpendX(block, source);
  return plan.outputs.map((output, index) => ({
    destination: chooseDestination(block, source, output, index),
    asset: output.asset === 'x' && x ? ASSET_X : TOS_ASSET,
    amount: { kind: 'plan', plan: output.amount },
    extraData: extraDataOf(output),
  }));
}

/** The extra-data-limit transfer: `count` outputs of 126 raw bytes each (32 make exactly 4096 counted, R22). */
function extraDataLimitOutputs(block: BlockInProgress, source: PublicKey, plan: TransactionPlan, count: number): OutputDraft[] {
  return Array.from({ length: count }, (_, index) => {
    const output = plan.outputs[index % plan.outputs.length]!;
    return {
      destination: chooseDestination(block, source, { ...output, to: index % 2 === 0 ? 'hot' : 'member' }, index),
      asset: TOS_ASSET,
      amount: { kind: 'plan', plan: { mode: index === 0 ? output.amount.mode : 'zero', permille: output.amount.permille } } as const,
      extraData: 'c3'.repeat(126),
    };
  });
}

function multisigSetPayload(source: PublicKey, plan: TransactionPlan): PayloadDraft & { kind: 'multisig' } {
  const participants = [...new Set(plan.multisig.picks.map((pick) => keyPool[pick]!.publicKey))].filter((key) => key !== source);
  const list = participants.length > 0 ? participants : [keyPool[(plan.multisig.picks[0]! + 1) % KEY_POOL_SIZE]!.publicKey];
  return { kind: 'multisig', threshold: 1 + (plan.multisig.threshold % list.length), participants: list };
}

/** A valid draft of the plan's kind from `sender`. */
function validDraft(block: BlockInProgress, plan: TransactionPlan, sender: TestKey, kind: TransactionKind = plan.kind): Draft {
  const source = sender.publicKey;
  const account = getAccount(block.ledger.current, source);
  const config = account?.multisig ?? null;
  const signers = config === null ? null : chooseSigners(config, config.threshold, plan.signerSeed);
  let payload: PayloadDraft;
  let intent: string;
  switch (kind) {
    case 'transfer': {
      const outputs = transferOutputs(block, source, plan);
      payload = { kind: 'transfers', outputs };
      intent = describeTransfer(block, source, outputs);
      break;
    }
    case 'transfer-extra-data-limit': {
      const outputs = extraDataLimitOutputs(block, source, plan, 32);
      payload = { kind: 'transfers', outputs };
      intent = `${describeTransfer(block, source, outputs)} (4096 total)`;
      break;
    }
    case 'burn': {
      const asset = plan.burn.asset === 'x' && canSpendX(block, source) && (getSpendableBalance(block.ledger, source, ASSET_X) ?? 0n) > 0n ? ASSET_X : TOS_ASSET;
      const amount: AmountPlan = plan.burn.amount.mode === 'zero' ? { mode: 'one', permille: 0 } : plan.burn.amount;
      payload = { kind: 'burn', asset, amount: { kind: 'plan', plan: amount } };
      intent = `burn ${nameOfKey(source)} ${nameOfAsset(asset)} ${amount.mode}`;
      break;
    }
    case 'multisig-set':
    case 'multisig-delete': {
      if (kind === 'multisig-delete' && config !== null) {
        payload = { kind: 'multisig', threshold: 0, participants: [] };
        intent = `multisig delete ${nameOfKey(source)}`;
      } else {
        const setup = multisigSetPayload(source, plan);
        payload = setup;
        intent = `multisig ${config === null ? 'set' : 'change'} ${nameOfKey(source)} ${setup.threshold}/[${setup.participants.map(nameOfKey).join(',')}]`;
      }
      break;
    }
  }
  if (config !== null) intent = `multisig spend ${config.threshold}/${config.participants.length}: ${intent}`;
  return {
    source,
    ownerSecret: sender.secret,
    nonce: account?.nonce ?? 0n,
    payload,
    signers,
    chainId: block.context.chainId,
    futureReference: false,
    fee: plan.extraFee === null ? 'exact' : 'extra',
    intent,
  };
}

/** A valid single-output transfer of `amount` to a hot account (the body of most flaws). */
function simpleTransferDraft(block: BlockInProgress, plan: TransactionPlan, sender: TestKey, amount: AmountRule, asset: AssetId = TOS_ASSET): Draft {
  const base = validDraft(block, plan, sender, 'transfer');
  const output = plan.outputs[0]!;
  const destination = chooseDestination(block, sender.publicKey, { ...output, to: 'hot' }, 0);
  const outputs: OutputDraft[] = [{ destination, asset, amount, extraData: null }];
  return { ...base, payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) };
}

// ---------------------------------------------------------------------------------------
// Finishing a draft: fee, amounts, signatures
// ---------------------------------------------------------------------------------------

function pickAmount(plan: AmountPlan, remaining: bigint): bigint {
  switch (plan.mode) {
    case 'zero':
      return 0n;
    case 'one':
      return remaining > 0n ? 1n : 0n;
    case 'fraction':
      return (remaining * BigInt(plan.permille)) / 1000n;
    case 'all':
      return remaining;
  }
}

function finish(block: BlockInProgress, plan: TransactionPlan, draft: Draft): Transaction {
  const { ledger, context } = block;
  const placeholderPayload = (): Payload => {
    switch (draft.payload.kind) {
      case 'transfers':
        return {
          kind: 'transfers',
          transfers: draft.payload.outputs.map((output) => ({ asset: output.asset, destination: output.destination, amount: toU64(0n), extraData: output.extraData })),
        };
      case 'burn':
        return { kind: 'burn', asset: draft.payload.asset, amount: toU64(0n) };
      case 'multisig':
        return { kind: 'multisig', threshold: draft.payload.threshold, participants: draft.payload.participants };
    }
  };
  const topoheight = context.topoheight as bigint;
  const reference = draft.futureReference
    ? topoheight + BigInt(plan.pick % 3) > MAX
      ? MAX
      : topoheight + BigInt(plan.pick % 3)
    : BigInt(plan.pick) % topoheight;
  const skeleton: Transaction = {
    version: 1,
    chainId: draft.chainId,
    source: draft.source,
    payload: placeholderPayload(),
    fee: toU64(0n),
    feeType: 0,
    nonce: toU64(draft.nonce),
    reference: { hash: '00'.repeat(32), topoheight: toU64(reference) },
    multisig: draft.signers === null ? null : draft.signers.map(({ id }) => ({ id, signature: '00'.repeat(64) })),
    signature: '00'.repeat(64),
  };
  // Amounts do not change the size, so the fee is known before them (R19).
  const required = computeRequiredFee(skeleton, encodeTransaction(skeleton).length) as bigint;
  let fee = required;
  if (draft.fee === 'extra') fee = required + (plan.extraFee ?? 1n);
  if (draft.fee === 'below') fee = plan.pick % 2 === 0 ? required - 1n : (required * BigInt(plan.pick % 1000)) / 1000n;

  // What the sender may still spend per asset (the fee reserved in TOS, R28, R30).
  const remaining = new Map<AssetId, bigint>();
  const budget = (asset: AssetId): bigint => {
    if (!remaining.has(asset)) {
      const spendable = getSpendableBalance(ledger, draft.source, asset) ?? 0n;
      const reserved = asset === TOS_ASSET ? fee : 0n;
      remaining.set(asset, spendable > reserved ? spendable - reserved : 0n);
    }
    return remaining.get(asset)!;
  };
  const pending = new Map<string, bigint>();
  const headroom = (destination: PublicKey, asset: AssetId): bigint => creditHeadroom(ledger, destination, asset) - (pending.get(destination + asset) ?? 0n);
  const resolve = (rule: AmountRule, asset: AssetId, destination: PublicKey | null): bigint => {
    switch (rule.kind) {
      case 'fixed':
        return rule.value;
      case 'over': {
        const left = budget(asset);
        return left < MAX ? left + 1n : MAX;
      }
      case 'overflow-credit':
        return destination === null ? MAX : headroom(destination, asset) + 1n;
      case 'overflow-fee':
        return MAX - fee + 1n;
      case 'plan': {
        let value = pickAmount(rule.plan, budget(asset));
        if (destination !== null) {
          const room = headroom(destination, asset);
          if (value > room) value = room;
        } else if (asset === TOS_ASSET) {
          const room = MAX - (ledger.current.burnedSupply as bigint);
          if (value > room) value = room;
        }
        return value;
      }
    }
  };

  let payload: Payload;
  switch (draft.payload.kind) {
    case 'transfers': {
      const transfers: Transfer[] = [];
      for (const output of draft.payload.outputs) {
        const value = resolve(output.amount, output.asset, output.destination);
        const clamped = value > MAX ? MAX : value < 0n ? 0n : value;
        if (output.amount.kind === 'plan') {
          remaining.set(output.asset, budget(output.asset) - clamped);
          pending.set(output.destination + output.asset, (pending.get(output.destination + output.asset) ?? 0n) + clamped);
        }
        transfers.push({ asset: output.asset, destination: output.destination, amount: toU64(clamped), extraData: output.extraData });
      }
      payload = { kind: 'transfers', transfers };
      break;
    }
    case 'burn': {
      let value = resolve(draft.payload.amount, draft.payload.asset, null);
      if (draft.payload.amount.kind === 'plan' && value === 0n) value = 1n;
      payload = { kind: 'burn', asset: draft.payload.asset, amount: toU64(value > MAX ? MAX : value) };
      break;
    }
    case 'multisig':
      payload = { kind: 'multisig', threshold: draft.payload.threshold, participants: draft.payload.participants };
      break;
  }
  const unsigned: Transaction = { ...skeleton, payload, fee: toU64(fee < 0n ? 0n : fee) };
  return signTransaction(unsigned, draft.ownerSecret, draft.signers);
}

// ---------------------------------------------------------------------------------------
// Flaws
// ---------------------------------------------------------------------------------------

/** The result of interpreting a plan: a draft to finish, or ready bytes (replays). */
type Interpreted = { readonly draft: Draft; readonly damage?: Damage } | { readonly bytes: Uint8Array; readonly intent: string; readonly source: PublicKey };

function withFlaw(draft: Draft, label: string, change: Partial<Draft> = {}): Interpreted {
  return { draft: { ...draft, ...change, intent: `${label}: ${change.intent ?? draft.intent}` } };
}

function configured(config: MultiSigConfig | null): boolean {
  return config !== null;
}

function interpretFlaw(block: BlockInProgress, plan: TransactionPlan, flaw: Flaw): Interpreted {
  const { ledger, context } = block;
  const sender = chooseSender(block, plan) ?? anyMember(block, plan);
  const base = (): Draft => validDraft(block, plan, sender);
  switch (flaw) {
    case 'damaged':
      return { draft: base(), damage: plan.damage };
    case 'fee-below-minimum':
      return withFlaw(base(), 'fee below minimum', { fee: 'below' });
    case 'future-reference':
      return withFlaw(base(), 'future reference', { futureReference: true });
    case 'wrong-chain':
      return withFlaw(base(), 'wrong chain id', { chainId: (context.chainId + 1 + (plan.pick % 3)) % 256 });
    case 'wrong-owner-signature': {
      const other = keyPool[(plan.pick + 1) % KEY_POOL_SIZE]!;
      return withFlaw(base(), 'wrong owner signature', { ownerSecret: other.publicKey === sender.publicKey ? keyPool[(plan.pick + 2) % KEY_POOL_SIZE]!.secret : other.secret });
    }
    case 'nonce-gap': {
      const draft = base();
      const gap = 1n + BigInt(plan.pick % 3);
      return withFlaw(draft, `nonce gap +${gap}`, { nonce: draft.nonce + gap > MAX ? 0n : draft.nonce + gap });
    }
    case 'nonce-replay': {
      const accepted = block.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.accepted && entry.source !== null);
      if (accepted.length > 0) {
        const { entry, index } = accepted[plan.pick % accepted.length]!;
        return { bytes: entry.bytes, intent: `nonce replay: replay of tx ${index}`, source: entry.source! };
      }
      const draft = base();
      return withFlaw(draft, 'nonce replay: nonce behind', { nonce: draft.nonce > 0n ? draft.nonce - 1n : draft.nonce + 2n });
    }
    case 'unknown-sender': {
      // Under deferred credits, prefer an account created in this block (R31).
      const created = candidateKeys(block).filter(
        (key) => getAccount(ledger.current, key.publicKey) !== undefined && getSenderAccount(ledger, key.publicKey) === undefined,
      );
      const missing = keyPool.filter((key) => getAccount(ledger.current, key.publicKey) === undefined);
      const pool = created.length > 0 && plan.pick % 2 === 0 ? created : missing.length > 0 ? missing : created;
      const key = pool[plan.pick % Math.max(1, pool.length)] ?? keyPool[0]!;
      const draft = simpleTransferDraft(block, plan, key, { kind: 'fixed', value: 1n });
      const label = getAccount(ledger.current, key.publicKey) === undefined ? 'unknown sender' : 'unknown sender (created in block)';
      return withFlaw({ ...draft, signers: null }, label, { nonce: 0n });
    }
    case 'self-transfer': {
      const draft = validDraft(block, plan, sender, 'transfer');
      if (draft.payload.kind !== 'transfers') return withFlaw(draft, 'self-transfer');
      const at = plan.pick % draft.payload.outputs.length;
      const outputs = draft.payload.outputs.map((output, index) => (index === at ? { ...output, destination: sender.publicKey } : output));
      return withFlaw(draft, 'self-transfer', { payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) });
    }
    case 'extra-data-over-127': {
      const draft = validDraft(block, plan, sender, 'transfer');
      if (draft.payload.kind !== 'transfers') return withFlaw(draft, 'extra data 127 bytes');
      const at = plan.pick % draft.payload.outputs.length;
      const length = plan.pick % 4 === 0 ? 127 + (plan.pick % 898) : 127;
      const outputs = draft.payload.outputs.map((output, index) => (index === at ? { ...output, extraData: 'e1'.repeat(length) } : output));
      return withFlaw(draft, `extra data ${length} bytes`, { payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) });
    }
    case 'extra-data-total-over-4096': {
      const draft = validDraft(block, plan, sender, 'transfer');
      const outputs = extraDataLimitOutputs(block, sender.publicKey, plan, 33);
      return withFlaw(draft, 'extra data total 4224 bytes', { payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) });
    }
    case 'burn-zero': {
      const draft = validDraft(block, plan, sender, 'burn');
      const asset = draft.payload.kind === 'burn' ? draft.payload.asset : TOS_ASSET;
      return withFlaw(draft, 'burn zero', { payload: { kind: 'burn', asset, amount: { kind: 'fixed', value: 0n } }, intent: `burn ${nameOfKey(sender.publicKey)} ${nameOfAsset(asset)} zero` });
    }
    case 'multisig-threshold-over-count': {
      const draft = validDraft(block, plan, sender, 'multisig-set');
      const payload = multisigSetPayload(sender.publicKey, plan);
      const threshold = Math.min(255, payload.participants.length + 1 + (plan.pick % 2));
      return withFlaw(draft, 'multisig threshold over count', { payload: { ...payload, threshold } });
    }
    case 'multisig-self-participant': {
      const draft = validDraft(block, plan, sender, 'multisig-set');
      const payload = multisigSetPayload(sender.publicKey, plan);
      const participants = [...payload.participants];
      participants.splice(plan.pick % (participants.length + 1), 0, sender.publicKey);
      return withFlaw(draft, 'multisig self participant', { payload: { kind: 'multisig', threshold: 1, participants } });
    }
    case 'multisig-delete-unconfigured': {
      const unconfigured = chooseSender(block, plan, { config: (config) => config === null }) ?? sender;
      const draft = validDraft(block, plan, unconfigured, 'transfer');
      return withFlaw(draft, 'multisig delete unconfigured', { payload: { kind: 'multisig', threshold: 0, participants: [] }, intent: `multisig delete ${nameOfKey(unconfigured.publicKey)}` });
    }
    case 'multisig-stray-field': {
      const unconfigured = chooseSender(block, plan, { config: (config) => config === null }) ?? sender;
      const draft = validDraft(block, plan, unconfigured, 'transfer');
      const signers = plan.pick % 2 === 0 ? [] : [{ id: 0, secret: keyPool[plan.pick % KEY_POOL_SIZE]!.secret }];
      return withFlaw(draft, `multisig stray field (${signers.length} signatures)`, { signers });
    }
    case 'not-a-point': {
      const napAccount = getSenderAccount(ledger, NOT_A_POINT);
      if (napAccount !== undefined && napAccount.nonce !== MAX && napAccount.multisig === null && plan.pick % 5 !== 0) {
        const draft = simpleTransferDraft(block, plan, NOT_A_POINT_SIGNER, { kind: 'fixed', value: 1n });
        return withFlaw({ ...draft, source: NOT_A_POINT, signers: null }, 'source not a point', {
          nonce: napAccount.nonce,
          intent: `transfer NaP->hot 1 output`,
        });
      }
      const withNap = chooseSender(block, plan, { unauthorisable: true, config: (config) => config?.participants.includes(NOT_A_POINT) ?? false });
      if (withNap !== undefined) {
        const draft = validDraft(block, plan, withNap, 'transfer');
        const config = getAccount(ledger.current, withNap.publicKey)!.multisig!;
        const napId = config.participants.indexOf(NOT_A_POINT);
        const rest = chooseSigners(config, config.threshold - 1, plan.signerSeed);
        return withFlaw(draft, 'multisig participant not a point', { signers: [signerOf(config, napId), ...rest] });
      }
      return withFlaw(base(), 'wrong owner signature', { ownerSecret: NOT_A_POINT_SIGNER.secret });
    }
    case 'multisig-missing-signatures':
    case 'multisig-too-few-signatures':
    case 'multisig-too-many-signatures':
    case 'multisig-out-of-range-signature':
    case 'multisig-wrong-signature': {
      const owner = chooseSender(block, plan, { unauthorisable: true, config: configured });
      if (owner === undefined) {
        // Nobody is configured any more: a stray field on an unconfigured account instead.
        return withFlaw(base(), `multisig stray field (no configured account for ${flaw})`, { signers: [] });
      }
      const draft = validDraft(block, plan, owner, plan.kind === 'burn' ? 'burn' : 'transfer');
      const config = getAccount(ledger.current, owner.publicKey)!.multisig!;
      const all = permute(
        config.participants.map((_, id) => id),
        plan.signerSeed,
      );
      const label = `multisig spend ${flaw.replace('multisig-', '')}`;
      switch (flaw) {
        case 'multisig-missing-signatures':
          return withFlaw(draft, label, { signers: null });
        case 'multisig-too-few-signatures':
          return withFlaw(draft, label, { signers: all.slice(0, config.threshold - 1).map((id) => signerOf(config, id)) });
        case 'multisig-too-many-signatures': {
          const ids = config.participants.length > config.threshold ? all.slice(0, config.threshold + 1) : [...all, config.participants.length];
          return withFlaw(draft, label, { signers: ids.map((id) => (id < config.participants.length ? signerOf(config, id) : { id, secret: owner.secret })) });
        }
        case 'multisig-out-of-range-signature': {
          const outOfRange = Math.min(255, config.participants.length + (plan.pick % 4));
          const rest = all.slice(0, config.threshold - 1).map((id) => signerOf(config, id));
          return withFlaw(draft, label, { signers: [{ id: outOfRange, secret: owner.secret }, ...rest] });
        }
        default: {
          const ids = all.filter((id) => config.participants[id] !== NOT_A_POINT).slice(0, config.threshold);
          const napIds = all.filter((id) => config.participants[id] === NOT_A_POINT);
          const chosen = [...ids, ...napIds].slice(0, config.threshold);
          const outsider = keyPool.find((key) => !config.participants.includes(key.publicKey) && key.publicKey !== owner.publicKey)!;
          const signers = chosen.map((id, index) => (index === 0 ? { id, secret: outsider.secret } : signerOf(config, id)));
          return withFlaw(draft, label, { signers });
        }
      }
    }
    case 'unregistered-asset': {
      if (plan.pick % 3 === 0) {
        const draft = validDraft(block, plan, sender, 'burn');
        return withFlaw(draft, 'unregistered asset', { payload: { kind: 'burn', asset: ASSET_UNREGISTERED, amount: { kind: 'fixed', value: 1n } }, intent: `burn ${nameOfKey(sender.publicKey)} UNREG` });
      }
      return withFlaw(simpleTransferDraft(block, plan, sender, { kind: 'fixed', value: BigInt(plan.pick % 2) }, ASSET_UNREGISTERED), 'unregistered asset');
    }
    case 'no-balance-record': {
      const registered = [...IDLE_ASSETS, ASSET_X].filter((asset) => ledger.current.assets.has(asset) && getSpendableBalance(ledger, sender.publicKey, asset) === undefined);
      const asset = registered[plan.pick % Math.max(1, registered.length)] ?? ASSET_UNREGISTERED;
      return withFlaw(simpleTransferDraft(block, plan, sender, { kind: 'fixed', value: BigInt(plan.pick % 2) }, asset), 'no balance record');
    }
    case 'insufficient-funds': {
      if (plan.pick % 3 === 0) {
        const draft = validDraft(block, plan, sender, 'burn');
        return withFlaw(draft, 'insufficient funds', { payload: { kind: 'burn', asset: TOS_ASSET, amount: { kind: 'over' } }, intent: `burn ${nameOfKey(sender.publicKey)} TOS over` });
      }
      return withFlaw(simpleTransferDraft(block, plan, sender, { kind: 'over' }), 'insufficient funds');
    }
    case 'overflow':
      return interpretOverflow(block, plan, sender);
  }
}

function interpretOverflow(block: BlockInProgress, plan: TransactionPlan, sender: TestKey): Interpreted {
  const { ledger } = block;
  const burnHuge = (): Interpreted => {
    const draft = validDraft(block, plan, sender, 'burn');
    return withFlaw(draft, 'overflow burn amount + fee', { payload: { kind: 'burn', asset: TOS_ASSET, amount: { kind: 'overflow-fee' } }, intent: `burn ${nameOfKey(sender.publicKey)} TOS huge` });
  };
  switch (plan.pick % 4) {
    case 0:
      return burnHuge();
    case 1: {
      // A destination that cannot receive what the sender can afford.
      const spendable = (getSpendableBalance(ledger, sender.publicKey, TOS_ASSET) ?? 0n) - MIN_SENDER_TOS;
      const destinations = [...ledger.current.accounts.keys()].filter(
        (key) => key !== sender.publicKey && creditHeadroom(ledger, key, TOS_ASSET) < spendable,
      );
      if (destinations.length === 0) return burnHuge();
      const destination = destinations[plan.pick % destinations.length]!;
      const draft = validDraft(block, plan, sender, 'transfer');
      const outputs: OutputDraft[] = [{ destination, asset: TOS_ASSET, amount: { kind: 'overflow-credit' }, extraData: null }];
      return withFlaw(draft, 'overflow credit', { payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) });
    }
    case 2: {
      const draft = validDraft(block, plan, sender, 'transfer');
      const half = MAX / 2n + 1n;
      const outputs: OutputDraft[] = [0, 1].map((index) => ({
        destination: chooseDestination(block, sender.publicKey, { ...plan.outputs[0]!, to: 'member' }, index),
        asset: TOS_ASSET,
        amount: { kind: 'fixed', value: half },
        extraData: null,
      }));
      return withFlaw(draft, 'overflow sum of amounts', { payload: { kind: 'transfers', outputs }, intent: describeTransfer(block, sender.publicKey, outputs) });
    }
    default: {
      const maxed = chooseSender(block, plan, { maxNonce: true, config: () => true });
      const account = maxed === undefined ? undefined : getAccount(ledger.current, maxed.publicKey);
      if (maxed === undefined || account?.nonce !== MAX) return burnHuge();
      return withFlaw(simpleTransferDraft(block, plan, maxed, { kind: 'fixed', value: 1n }), 'overflow nonce');
    }
  }
}

function interpretValid(block: BlockInProgress, plan: TransactionPlan): Interpreted {
  const filter: SenderFilter = plan.kind === 'multisig-delete' && plan.senderMode !== 'any' ? { config: configured } : {};
  const sender = chooseSender(block, plan, filter) ?? chooseSender(block, plan);
  if (sender === undefined) {
    // Nobody can pay a fee any more: the transaction is still built, and will likely be rejected.
    const draft = validDraft(block, plan, anyMember(block, plan));
    return { draft: { ...draft, intent: `${draft.intent} (no able sender)` } };
  }
  return { draft: validDraft(block, plan, sender) };
}

/**
 * Interpret a plan against the block in progress, append the transaction and apply it
 * to the block's ledger with the spec (the generator's bookkeeping).
 *
 * @param block - the block in progress (its ledger and history are updated)
 * @param plan - the plan
 * @returns the transaction's bytes and intent
 * @example
 * const block = beginBlock(universe, state, context);
 * const { bytes, intent } = appendTransaction(block, plan);
 */
export function appendTransaction(block: BlockInProgress, plan: TransactionPlan): GeneratedTransaction {
  const interpreted = plan.flaw === null ? interpretValid(block, plan) : interpretFlaw(block, plan, plan.flaw);
  let bytes: Uint8Array;
  let intent: string;
  let source: PublicKey;
  if ('bytes' in interpreted) {
    ({ bytes, intent, source } = interpreted);
  } else {
    const { draft } = interpreted;
    const encoded = encodeTransaction(finish(block, plan, draft));
    source = draft.source;
    if (interpreted.damage === undefined) {
      bytes = encoded;
      intent = draft.intent;
    } else {
      bytes = applyDamage(encoded, interpreted.damage);
      intent = `damaged: ${describeDamage(interpreted.damage, encoded.length)} (${draft.intent})`;
    }
  }
  const before = block.ledger;
  const result = applyTransaction(before, block.context, bytes);
  const accepted = result.receipt.status === 'applied';
  block.ledger = result.ledger;
  block.entries.push({ source, bytes, accepted });
  if (accepted && getAccount(before.current, source)?.multisig !== getAccount(result.ledger.current, source)?.multisig) {
    block.reconfigured.push(source);
  }
  if (accepted) {
    for (const key of result.ledger.current.accounts.keys()) {
      if (key !== source && result.ledger.current.accounts.get(key) !== before.current.accounts.get(key) && !block.destinations.includes(key)) {
        block.destinations.push(key);
      }
    }
  }
  return { bytes, intent };
}

/**
 * Single transactions generated against a state (as the first transaction of a block in
 * `context`); see {@link transactionPlanArbitrary} for the choices.
 *
 * @param universe - the accounts the transaction is about
 * @param state - the state it is built against
 * @param context - the block context
 * @param c - invalid share, outputs, hot share
 * @returns the arbitrary
 * @example
 * fc.sample(transactionArbitrary(pre.universe, pre.state, context), 1)[0]!.intent
 */
export function transactionArbitrary(universe: Universe, state: State, context: BlockContext, c: TransactionConstraints = {}): fc.Arbitrary<GeneratedTransaction> {
  return transactionPlanArbitrary(c).map((plan) => appendTransaction(beginBlock(universe, state, context), plan));
}
