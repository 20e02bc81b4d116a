/**
 * Fixed-seed conflicting workloads (category `workloads`).
 *
 * Workload `n` (0 <= n < {@link WORKLOAD_COUNT}) is drawn from a mulberry32 generator
 * seeded with `0x70530000 + n` (no other source of randomness, no clock). It makes:
 *
 * - a pre-state over eight pool keys `workload-0`..`workload-7` (R16), four to seven of
 *   them existing, with balances of 0, ordinary sizes and u64-edge values (within 10^6 of
 *   2^64 - 1), optional records of a second asset, some nonces near 2^64 - 1, some
 *   multisig configurations over other pool keys, and sometimes a burned supply near the
 *   u64 limit;
 * - a block of 5 to 20 transactions concentrated on two hot accounts (senders and
 *   destinations), with MultiSig set/replace/delete payloads mid-block followed by
 *   transactions that must use the new configuration, amounts near or above what is
 *   spendable, and a small share of deliberate faults (nonce, fee, signatures, chain id,
 *   reference, self-transfer, unregistered asset, damaged bytes).
 *
 * Each transaction is built against the block in progress under `immediate`, using the
 * spec's own ledger as bookkeeping, so most are accepted there. The same pre-state and
 * bytes then give two vectors, `workload-conflict-seed-NNNN-immediate` and
 * `workload-conflict-seed-NNNN-deferred`; under `deferred-credits` the received-then-spent
 * conflicts turn into rejections. Expected outcomes are the spec's.
 *
 * @module vector-workloads
 */

import {
  applyTransaction,
  beginLedger,
  createState,
  getAccount,
  getSpendableBalance,
  MAX_U64,
  toU64,
  TOS_ASSET,
  type AccountInit,
  type AssetId,
  type BlockContext,
  type Ledger,
  type Payload,
  type PublicKey,
  type RuleId,
  type StateInit,
  type Transfer,
} from '../../spec/index.ts';
import { createTestKey, type TestKey } from '../../spec/test-keys.ts';
import { encode, LEDGERS, makeBlockVector, requiredFeeOf, type CategorisedVector, type TxOptions } from './builder.ts';

/** Number of seeded workloads (each gives two vectors). */
export const WORKLOAD_COUNT = 64;
/** Base of the per-workload seeds. */
export const WORKLOAD_SEED_BASE = 0x70530000;

const CATEGORY = 'workloads';
const MAX = MAX_U64 as bigint;
const POOL: readonly TestKey[] = Array.from({ length: 8 }, (_, index) => createTestKey(`workload-${index}`));
const WORKLOAD_MINER = createTestKey('workload-miner');
const KEY_BY_PUBLIC = new Map<PublicKey, TestKey>([...POOL, WORKLOAD_MINER].map((key) => [key.publicKey, key]));
const ASSET_X: AssetId = 'aa'.repeat(32);
const ASSET_UNREGISTERED: AssetId = 'bb'.repeat(32);
/** A value at or above this is a u64-edge value. */
const EDGE = MAX - 10n ** 13n;
/** TOS kept back from transfer and burn amounts to pay the fee. */
const FEE_MARGIN = 120_000n;

/** mulberry32: a small, fully specified 32-bit PRNG. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** bigint in [0, n). */
  big(n: bigint): bigint {
    const wide = (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32));
    return n <= 0n ? 0n : wide % n;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let index = out.length - 1; index > 0; index--) {
      const other = this.int(index + 1);
      [out[index], out[other]] = [out[other]!, out[index]!];
    }
    return out;
  }
}

function edgeValue(rng: Rng): bigint {
  return MAX - rng.big(1_000_000n);
}

function balance(rng: Rng): bigint {
  const roll = rng.next();
  if (roll < 0.06) return 0n;
  if (roll < 0.16) return edgeValue(rng);
  return 50_000n + rng.big(2_000_000_000n);
}

interface Workload {
  readonly init: StateInit;
  readonly context: Omit<BlockContext, 'ledger'>;
  readonly transactions: readonly Uint8Array[];
  readonly hot: readonly PublicKey[];
  readonly multisigPayloads: number;
  readonly edge: boolean;
}

function preState(rng: Rng): { init: StateInit; existing: TestKey[] } {
  const count = 4 + rng.int(4);
  const existing = rng.shuffle(POOL).slice(0, count);
  // existing[0] and existing[1] become the hot accounts: often short of funds before the
  // block, so that what they receive in it decides what they can spend (R30).
  const accounts: AccountInit[] = existing.map((key, index) => {
    const balances: [AssetId, bigint][] = [];
    const hot = index < 2;
    if (!rng.chance(0.06)) balances.push([TOS_ASSET, hot && rng.chance(0.5) ? rng.big(120_000n) : balance(rng)]);
    if (rng.chance(hot ? 0.35 : 0.6)) balances.push([ASSET_X, rng.chance(0.15) ? edgeValue(rng) : rng.big(5_000_000n)]);
    const nonce = rng.chance(0.05) ? MAX - BigInt(rng.int(2)) : BigInt(rng.int(4));
    let multisig: AccountInit['multisig'] = null;
    if (rng.chance(0.25)) {
      const others = rng.shuffle(POOL.filter((other) => other !== key)).slice(0, 1 + rng.int(3));
      multisig = { threshold: 1 + rng.int(others.length), participants: others.map((other) => other.publicKey) };
    }
    return { publicKey: key.publicKey, nonce, balances, multisig };
  });
  const minerRoll = rng.next();
  if (minerRoll < 0.12) accounts.push({ publicKey: WORKLOAD_MINER.publicKey, balances: [[TOS_ASSET, edgeValue(rng)]] });
  else if (minerRoll < 0.3) accounts.push({ publicKey: WORKLOAD_MINER.publicKey, nonce: BigInt(rng.int(3)), balances: [[TOS_ASSET, balance(rng)]] });
  return {
    init: {
      accounts,
      assets: rng.chance(0.9) ? [ASSET_X] : [],
      burnedSupply: rng.chance(0.15) ? edgeValue(rng) : rng.big(1_000_000n),
    },
    existing,
  };
}

/** Amount of an asset: zero, a share of what is left, all of it, one more, or a u64-edge value. */
function amount(rng: Rng, remaining: bigint): bigint {
  const roll = rng.next();
  if (roll < 0.06) return 0n;
  if (roll < 0.75) return (remaining * BigInt(rng.int(701))) / 1000n;
  if (roll < 0.9) return remaining;
  if (roll < 0.96) return remaining < MAX ? remaining + 1n : MAX;
  return edgeValue(rng);
}

function buildOne(rng: Rng, ledger: Ledger, context: Omit<BlockContext, 'ledger'>, hot: readonly PublicKey[]): { options: TxOptions; damage: ((b: Uint8Array) => Uint8Array) | null } {
  const current = ledger.current;
  const living = POOL.filter((key) => getAccount(current, key.publicKey) !== undefined);
  const senderRoll = rng.next();
  const firstPick =
    senderRoll < 0.7
      ? KEY_BY_PUBLIC.get(rng.pick(hot))!
      : senderRoll < 0.95 && living.length > 0
        ? rng.pick(living)
        : rng.pick(senderRoll < 0.97 ? [...POOL, WORKLOAD_MINER] : POOL);
  // A sender that cannot pay a typical fee is usually swapped for one that can.
  const funded = living.filter((key) => (getSpendableBalance(ledger, key.publicKey, TOS_ASSET) ?? 0n) >= 100_000n);
  const poorSender = (getSpendableBalance(ledger, firstPick.publicKey, TOS_ASSET) ?? 0n) < 60_000n;
  const sourceKey = poorSender && funded.length > 0 && rng.chance(0.6) ? rng.pick(funded) : firstPick;
  const source = sourceKey.publicKey;
  const account = getAccount(current, source);
  const spendable = (asset: AssetId): bigint => getSpendableBalance(ledger, source, asset) ?? 0n;

  // Payload.
  const kindRoll = rng.next();
  let payload: Payload;
  if (kindRoll < 0.6) {
    const left = new Map<AssetId, bigint>([
      [TOS_ASSET, spendable(TOS_ASSET) > FEE_MARGIN ? spendable(TOS_ASSET) - FEE_MARGIN : 0n],
      [ASSET_X, spendable(ASSET_X)],
    ]);
    const transfers: Transfer[] = [];
    const count = 1 + rng.int(rng.chance(0.15) ? 6 : 2);
    for (let index = 0; index < count; index++) {
      const destRoll = rng.next();
      const destination =
        destRoll < 0.55
          ? rng.pick(hot.filter((key) => key !== source).length > 0 ? hot.filter((key) => key !== source) : hot)
          : destRoll < 0.9
            ? rng.pick(POOL.filter((key) => key !== sourceKey)).publicKey
            : destRoll < 0.985
              ? context.miner
              : source;
      const assetRoll = rng.next();
      const holdsX = getSpendableBalance(ledger, source, ASSET_X) !== undefined;
      const asset = assetRoll < 0.6 ? TOS_ASSET : assetRoll < 0.98 ? (holdsX || rng.chance(0.1) ? ASSET_X : TOS_ASSET) : ASSET_UNREGISTERED;
      const remaining = left.get(asset) ?? 0n;
      const value = amount(rng, remaining);
      left.set(asset, remaining > value ? remaining - value : 0n);
      const extraData = rng.chance(0.15) ? 'ab'.repeat(rng.chance(0.05) ? 127 : rng.int(40)) : null;
      transfers.push({ asset, destination, amount: toU64(value), extraData });
    }
    payload = { kind: 'transfers', transfers };
  } else if (kindRoll < 0.75) {
    const asset = rng.chance(0.75) ? TOS_ASSET : ASSET_X;
    const available = asset === TOS_ASSET ? (spendable(TOS_ASSET) > FEE_MARGIN ? spendable(TOS_ASSET) - FEE_MARGIN : 0n) : spendable(ASSET_X);
    const burnt = amount(rng, available);
    payload = { kind: 'burn', asset, amount: toU64(rng.chance(0.05) ? 0n : burnt === 0n ? 1n : burnt) };
  } else {
    const msRoll = rng.next();
    const others = rng.shuffle(POOL.filter((key) => key !== sourceKey)).slice(0, 1 + rng.int(3)).map((key) => key.publicKey);
    const deleteShare = account?.multisig ? 0.4 : 0.05;
    if (msRoll < 0.95 - deleteShare) payload = { kind: 'multisig', threshold: 1 + rng.int(others.length), participants: others };
    else if (msRoll < 0.95) payload = { kind: 'multisig', threshold: 0, participants: [] };
    else if (msRoll < 0.975) payload = { kind: 'multisig', threshold: others.length + 1, participants: others };
    else payload = { kind: 'multisig', threshold: 1, participants: [...others, source] };
  }

  // Nonce, signers, faults.
  const nonceNow = account?.nonce ?? 0n;
  const nonceRoll = rng.next();
  const nonce = nonceRoll < 0.03 ? (nonceNow === MAX ? 0n : nonceNow + 1n) : nonceRoll < 0.05 && nonceNow > 0n ? nonceNow - 1n : nonceNow;
  const config = account?.multisig ?? null;
  let multisigSigners: TxOptions['multisigSigners'] = null;
  if (config !== null) {
    const ids = rng.shuffle(config.participants.map((_, id) => id));
    const count = rng.chance(0.05) ? Math.max(0, config.threshold - 1) : config.threshold;
    multisigSigners = ids.slice(0, count).map((id) => ({ id, key: KEY_BY_PUBLIC.get(config.participants[id]!)! }));
    if (rng.chance(0.04) && multisigSigners.length > 0) {
      // a participant signature by the wrong key
      multisigSigners = [{ id: multisigSigners[0]!.id, key: rng.pick(POOL) }, ...multisigSigners.slice(1)];
    }
  } else if (rng.chance(0.02)) {
    multisigSigners = [{ id: 0, key: rng.pick(POOL) }];
  }
  const base: TxOptions = {
    source: sourceKey,
    payload,
    nonce,
    chainId: rng.chance(0.02) ? 1 : context.chainId,
    referenceTopoheight: rng.chance(0.02) ? context.topoheight : context.topoheight - 1n - rng.big(context.topoheight),
    multisigSigners,
    ...(rng.chance(0.03) ? { signer: rng.pick(POOL) } : {}),
  };
  const required = requiredFeeOf(base);
  const feeRoll = rng.next();
  const fee = feeRoll < 0.04 ? required - 1n : feeRoll < 0.35 ? required + rng.big(30_000n) : required;
  const damageRoll = rng.next();
  const damage =
    damageRoll < 0.015
      ? (bytes: Uint8Array) => bytes.slice(0, rng.int(bytes.length))
      : damageRoll < 0.03
        ? (bytes: Uint8Array) => {
            const out = new Uint8Array(bytes.length + 1);
            out.set(bytes);
            return out;
          }
        : null;
  return { options: { ...base, fee }, damage };
}

/** Draw workload `n`. */
function workload(n: number): Workload {
  const rng = new Rng(WORKLOAD_SEED_BASE + n);
  const { init, existing } = preState(rng);
  const state = createState(init);
  const context: Omit<BlockContext, 'ledger'> = {
    chainId: 0,
    topoheight: toU64(1n + BigInt(rng.int(1000))),
    miner: rng.chance(0.8) ? WORKLOAD_MINER.publicKey : rng.pick(existing).publicKey,
  };
  const hot = existing.slice(0, 2).map((key) => key.publicKey);
  let ledger = beginLedger('immediate', state);
  const transactions: Uint8Array[] = [];
  let multisigPayloads = 0;
  const count = 5 + rng.int(16);
  for (let index = 0; index < count; index++) {
    const { options, damage } = buildOne(rng, ledger, context, hot);
    if (options.payload.kind === 'multisig') multisigPayloads++;
    const intact = encode(options);
    const bytes = damage ? damage(intact) : intact;
    transactions.push(bytes);
    ledger = applyTransaction(ledger, { ...context, ledger: 'immediate' }, bytes).ledger;
  }
  const edge =
    (init.burnedSupply ?? 0n) >= EDGE ||
    (init.accounts ?? []).some((account) => (account.nonce ?? 0n) >= MAX - 1n || (account.balances ?? []).some(([, value]) => value >= EDGE));
  return { init, context, transactions, hot, multisigPayloads, edge };
}

function nameOf(publicKey: PublicKey): string {
  return KEY_BY_PUBLIC.get(publicKey)?.name ?? publicKey.slice(0, 8);
}

/** The `workloads` category: {@link WORKLOAD_COUNT} seeds, each under both ledger models. */
export function workloadVectors(): CategorisedVector[] {
  const out: CategorisedVector[] = [];
  for (let n = 0; n < WORKLOAD_COUNT; n++) {
    const drawn = workload(n);
    const state = createState(drawn.init);
    const seedText = String(n).padStart(4, '0');
    for (const { ledger, suffix } of LEDGERS) {
      const rules: RuleId[] = ['R21', 'R28', 'R29', 'R30', 'R32', 'R33'];
      if (ledger === 'deferred-credits') rules.push('R31');
      if (drawn.multisigPayloads > 0) rules.push('R24', 'R27');
      const tags = ['conflict', 'hot-accounts'];
      if (drawn.edge) tags.push('u64-edge');
      if (drawn.multisigPayloads > 0) tags.push('multisig-change');
      out.push({
        category: CATEGORY,
        vector: makeBlockVector({
          id: `workload-conflict-seed-${seedText}-${suffix}`,
          description:
            `Seeded conflicting workload ${n} (mulberry32 seed 0x${(WORKLOAD_SEED_BASE + n).toString(16)}) under ${ledger}: ` +
            `${drawn.transactions.length} transactions, ${drawn.init.accounts?.length ?? 0} pre-block accounts, hot accounts ${drawn.hot.map(nameOf).join(' and ')}, ` +
            `${drawn.multisigPayloads} MultiSig payload(s). Built against the block in progress under immediate; expected outcome computed by the spec.`,
          rules,
          tags,
          source: 'generated',
          context: { ...drawn.context, ledger },
          state,
          transactions: drawn.transactions,
        }),
      });
    }
  }
  return out;
}
