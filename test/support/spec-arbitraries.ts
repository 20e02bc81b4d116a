/**
 * fast-check arbitraries for property tests of the spec itself.
 *
 * - A small universe of deterministic test keys (R16), derived once at module load.
 * - Pre-states: balances of 0, 1, moderate amounts and amounts near 2^64 (R1), an
 *   extra registered asset besides TOS, unused registered assets, some multisig
 *   accounts whose participants are other pool keys (R3).
 * - Blocks built *from* the state: each transaction is chosen against the block in
 *   progress (the spec's own ledger is used as the generator's bookkeeping), so nonces
 *   are mostly right, fees mostly sufficient and amounts mostly affordable; a small
 *   share is deliberately wrong (nonce, fee, chain id, reference, signature, multisig
 *   signatures, amounts, extra data, damaged bytes) so that rejections occur too.
 * - Wire-level transactions with arbitrary field values, and damaged encodings.
 *
 * Builders only make *inputs*; the properties state what must hold.
 */
import * as fc from 'fast-check';
import {
  applyTransaction,
  beginLedger,
  bytesToHex,
  computeRequiredFee,
  createState,
  encodeTransaction,
  getAccount,
  getSenderAccount,
  getSpendableBalance,
  MAX_U64,
  toU64,
  TOS_ASSET,
  type AccountInit,
  type AssetId,
  type BlockContext,
  type Ledger,
  type LedgerModel,
  type MultiSigConfig,
  type Payload,
  type PublicKey,
  type State,
  type StateInit,
  type Transaction,
  type Transfer,
} from '../../spec/index.ts';
import { createTestKey, signTransaction, type MultiSigSigner, type TestKey } from '../../spec/test-keys.ts';

// ---------------------------------------------------------------------------------------
// Run budget
// ---------------------------------------------------------------------------------------

/** Runs per property: `FC_NUM_RUNS` from the environment, else a budget that keeps the file well under a minute. */
export const NUM_RUNS: number = (() => {
  const raw = process.env['FC_NUM_RUNS'];
  const parsed = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : 80;
})();

// ---------------------------------------------------------------------------------------
// Universe
// ---------------------------------------------------------------------------------------

/** Number of pool keys. */
export const POOL_SIZE = 16;
/** Pool keys `k0`..`k15` (R16), derived once. */
export const KEY_POOL: readonly TestKey[] = Array.from({ length: POOL_SIZE }, (_, index) => createTestKey(`k${index}`));
/** A miner key outside the pool. */
export const PROPERTY_MINER: TestKey = createTestKey('property-miner');
const KEY_BY_PUBLIC = new Map<PublicKey, TestKey>([...KEY_POOL, PROPERTY_MINER].map((key) => [key.publicKey, key]));

/** The extra asset; registered in most pre-states. */
export const ASSET_X: AssetId = 'aa'.repeat(32);
/** An asset that is never registered. */
export const ASSET_UNREGISTERED: AssetId = 'bb'.repeat(32);
/** Registered assets nobody holds (they only widen the asset set). */
export const IDLE_ASSETS: readonly AssetId[] = ['cc'.repeat(32), '0f'.repeat(32), 'f0'.repeat(32)];

export const MAX: bigint = MAX_U64;
/** A balance at or above this is counted as a u64-edge value. */
export const U64_EDGE_THRESHOLD: bigint = MAX - 10n ** 13n;

export function isU64Edge(value: bigint): boolean {
  return value >= U64_EDGE_THRESHOLD;
}

/** The test key of a public key of the universe, if any. */
export function keyOf(publicKey: PublicKey): TestKey | undefined {
  return KEY_BY_PUBLIC.get(publicKey);
}

/** Short display name of a key: `k3`, `property-miner`, or a hex prefix. */
export function nameOf(publicKey: PublicKey): string {
  return KEY_BY_PUBLIC.get(publicKey)?.name ?? `${publicKey.slice(0, 8)}…`;
}

function nameOfAsset(asset: AssetId): string {
  if (asset === TOS_ASSET) return 'TOS';
  if (asset === ASSET_X) return 'X';
  if (asset === ASSET_UNREGISTERED) return 'UNREG';
  return `${asset.slice(0, 8)}…`;
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function weighted<T>(...entries: readonly (readonly [number, fc.Arbitrary<T>])[]): fc.Arbitrary<T> {
  return fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

function constants<T>(...entries: readonly (readonly [number, T])[]): fc.Arbitrary<T> {
  return weighted(...entries.map(([weight, value]) => [weight, fc.constant(value)] as const));
}

const hex32Arb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);

/** Any u64, biased to the edges 0, 1, 2^64 - 1. */
export const u64Arb: fc.Arbitrary<bigint> = weighted<bigint>(
  [1, fc.constantFrom(0n, 1n, MAX, MAX - 1n)],
  [2, fc.bigInt({ min: 0n, max: 1_000_000n })],
  [3, fc.bigInt({ min: 0n, max: MAX })],
);

/** A deterministic pseudo-random permutation (mulberry32), for permutations driven by one seed. */
export function permute<T>(items: readonly T[], seed: number): T[] {
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

// ---------------------------------------------------------------------------------------
// Pre-states
// ---------------------------------------------------------------------------------------

/** A balance record choice: `null` is no record (R3). */
function balanceArb(absentWeight: number): fc.Arbitrary<bigint | null> {
  return weighted<bigint | null>(
    [absentWeight, fc.constant(null)],
    [1, fc.constant(0n)],
    [1, fc.constant(1n)],
    [12, fc.bigInt({ min: 100_000n, max: 1_000_000_000_000n })],
    [1, fc.constantFrom(MAX, MAX - 1n)],
    [1, fc.bigInt({ min: U64_EDGE_THRESHOLD, max: MAX })],
  );
}

interface AccountPlan {
  readonly exists: boolean;
  readonly nonce: bigint;
  readonly tos: bigint | null;
  readonly x: bigint | null;
  readonly multisig: { readonly picks: readonly number[]; readonly threshold: number } | null;
}

const accountPlanArb: fc.Arbitrary<AccountPlan> = fc.record({
  exists: constants([4, true], [1, false]),
  nonce: weighted<bigint>([40, fc.bigInt({ min: 0n, max: 5n })], [1, fc.constantFrom(MAX, MAX - 1n)]),
  tos: balanceArb(1),
  x: balanceArb(5),
  multisig: weighted<AccountPlan['multisig']>(
    [3, fc.constant(null)],
    [
      1,
      fc.record({
        picks: fc.uniqueArray(fc.nat(POOL_SIZE - 2), { minLength: 1, maxLength: 3 }),
        threshold: fc.nat(2),
      }),
    ],
  ),
});

/** A generated pre-state: the plain description (permutable, for R4) and the state. */
export interface PreState {
  readonly init: StateInit;
  readonly state: State;
}

/** Pool keys other than `source`, in pool order. */
function othersThan(source: PublicKey): TestKey[] {
  return KEY_POOL.filter((key) => key.publicKey !== source);
}

function describeState(state: State): string {
  const accounts = [...state.accounts.keys()].sort().map((key) => {
    const account = state.accounts.get(key)!;
    const balances = [...account.balances.keys()]
      .sort()
      .map((asset) => `${nameOfAsset(asset)}=${account.balances.get(asset)!}`)
      .join(',');
    const multisig = account.multisig
      ? ` ms=${account.multisig.threshold}/[${account.multisig.participants.map(nameOf).join(',')}]`
      : '';
    return `${nameOf(key)}{n=${account.nonce} ${balances}${multisig}}`;
  });
  return `accounts: ${accounts.join(' ')}; assets: ${[...state.assets].map(nameOfAsset).sort().join(',')}; burned=${state.burnedSupply}`;
}

function withToString<T extends object>(value: T, describe: () => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: describe, enumerable: false });
  return value;
}

/** Pre-states over the key pool (R1-R3). At least two pool accounts exist. */
export const preStateArb: fc.Arbitrary<PreState> = fc
  .record({
    accounts: fc.array(accountPlanArb, { minLength: POOL_SIZE, maxLength: POOL_SIZE }),
    registerX: constants([19, true], [1, false]),
    idleAssets: fc.subarray([...IDLE_ASSETS]),
    burnedSupply: weighted<bigint>(
      [6, fc.constant(0n)],
      [3, fc.bigInt({ min: 1n, max: 10n ** 15n })],
      [1, fc.bigInt({ min: U64_EDGE_THRESHOLD, max: MAX })],
    ),
  })
  .map(({ accounts, registerX, idleAssets, burnedSupply }) => {
    const existing = accounts.map((plan, index) => plan.exists || index < 2);
    const inits: AccountInit[] = [];
    accounts.forEach((plan, index) => {
      if (!existing[index]) return;
      const key = KEY_POOL[index]!;
      const balances: (readonly [AssetId, bigint])[] = [];
      if (plan.tos !== null) balances.push([TOS_ASSET, plan.tos]);
      if (plan.x !== null) balances.push([ASSET_X, plan.x]);
      let multisig: MultiSigConfig | null = null;
      if (plan.multisig !== null) {
        const others = othersThan(key.publicKey);
        const participants = plan.multisig.picks.map((pick) => others[pick]!.publicKey);
        multisig = { threshold: 1 + (plan.multisig.threshold % participants.length), participants };
      }
      inits.push({ publicKey: key.publicKey, nonce: plan.nonce, balances, multisig });
    });
    const init: StateInit = {
      accounts: inits,
      assets: [...(registerX ? [ASSET_X] : []), ...idleAssets],
      burnedSupply,
    };
    const state = createState(init);
    return withToString<PreState>({ init, state }, () => describeState(state));
  });

// ---------------------------------------------------------------------------------------
// Block contexts
// ---------------------------------------------------------------------------------------

export const ledgerModelArb: fc.Arbitrary<LedgerModel> = fc.constantFrom<LedgerModel>('immediate', 'deferred-credits');

/** Block contexts (R5): small chain ids, topoheight at least 1, a miner that is usually outside the pool. */
export const contextArb: fc.Arbitrary<BlockContext> = fc.record({
  chainId: fc.integer({ min: 0, max: 3 }),
  topoheight: fc.bigInt({ min: 1n, max: 1000n }).map(toU64),
  miner: weighted<PublicKey>(
    [4, fc.constant(PROPERTY_MINER.publicKey)],
    [1, fc.nat(POOL_SIZE - 1).map((index) => KEY_POOL[index]!.publicKey)],
  ),
  ledger: ledgerModelArb,
});

// ---------------------------------------------------------------------------------------
// Transaction plans (interpreted against the block in progress)
// ---------------------------------------------------------------------------------------

type AmountPlan =
  | { readonly mode: 'zero' }
  | { readonly mode: 'one' }
  | { readonly mode: 'fraction'; readonly permille: number }
  | { readonly mode: 'all' }
  | { readonly mode: 'over' };

const amountPlanArb: fc.Arbitrary<AmountPlan> = weighted<AmountPlan>(
  [1, fc.constant({ mode: 'zero' } as const)],
  [1, fc.constant({ mode: 'one' } as const)],
  [14, fc.integer({ min: 0, max: 1000 }).map((permille) => ({ mode: 'fraction', permille }) as const)],
  [1, fc.constant({ mode: 'all' } as const)],
  [1, fc.constant({ mode: 'over' } as const)],
);

/** `x` is the extra asset when the sender may spend some (else TOS); `x-anyway` is it regardless. */
type AssetChoice = 'tos' | 'x' | 'x-anyway' | 'unregistered';
const assetChoiceArb: fc.Arbitrary<AssetChoice> = constants<AssetChoice>([30, 'tos'], [15, 'x'], [1, 'x-anyway'], [1, 'unregistered']);

type ExtraPlan =
  | { readonly mode: 'none' }
  | { readonly mode: 'bytes'; readonly bytes: Uint8Array }
  | { readonly mode: 'oversize'; readonly length: number };

const extraPlanArb: fc.Arbitrary<ExtraPlan> = weighted<ExtraPlan>(
  [40, fc.constant({ mode: 'none' } as const)],
  [12, fc.uint8Array({ maxLength: 24 }).map((bytes) => ({ mode: 'bytes', bytes }) as const)],
  [1, fc.integer({ min: 127, max: 160 }).map((length) => ({ mode: 'oversize', length }) as const)],

);

interface TransferPlan {
  readonly destination: number;
  readonly destinationMode: 'pool' | 'repeat' | 'self' | 'miner';
  readonly asset: AssetChoice;
  readonly amount: AmountPlan;
  readonly extra: ExtraPlan;
}

const transferPlanArb: fc.Arbitrary<TransferPlan> = fc.record({
  destination: fc.nat(POOL_SIZE - 2),
  destinationMode: constants<TransferPlan['destinationMode']>([50, 'pool'], [8, 'repeat'], [1, 'self'], [2, 'miner']),
  asset: assetChoiceArb,
  amount: amountPlanArb,
  extra: extraPlanArb,
});

interface MultiSigPlan {
  readonly op: 'set' | 'delete' | 'bad-threshold' | 'self';
  readonly picks: readonly number[];
  readonly threshold: number;
  readonly forceDelete: boolean;
}

const multiSigPlanArb: fc.Arbitrary<MultiSigPlan> = fc.record({
  op: constants<MultiSigPlan['op']>([12, 'set'], [6, 'delete'], [1, 'bad-threshold'], [1, 'self']),
  picks: fc.uniqueArray(fc.nat(POOL_SIZE - 2), { minLength: 1, maxLength: 3 }),
  threshold: fc.nat(2),
  forceDelete: constants([3, false], [1, true]),
});

type Damage =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'append'; readonly value: number };

/** One damage to an encoding: truncate, flip bits of one byte, or append one byte. */
export const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'truncate', at }) as const),
  fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }).map(({ at, mask }) => ({ kind: 'flip', at, mask }) as const),
  fc.integer({ min: 0, max: 255 }).map((value) => ({ kind: 'append', value }) as const),
);

/** Apply a damage to a copy of the bytes; the result always differs from the input. */
export function applyDamage(bytes: Uint8Array, damage: Damage): Uint8Array {
  switch (damage.kind) {
    case 'truncate':
      return bytes.slice(0, bytes.length === 0 ? 0 : damage.at % bytes.length);
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) {
        const at = damage.at % out.length;
        out[at] = out[at]! ^ damage.mask;
      }
      return out;
    }
    case 'append': {
      const out = new Uint8Array(bytes.length + 1);
      out.set(bytes);
      out[bytes.length] = damage.value;
      return out;
    }
  }
}

function describeDamage(damage: Damage): string {
  switch (damage.kind) {
    case 'truncate':
      return `truncate@${damage.at}`;
    case 'flip':
      return `flip@${damage.at}^${damage.mask}`;
    case 'append':
      return `append ${damage.value}`;
  }
}

interface TxPlan {
  readonly kind: 'transfers' | 'burn' | 'multisig';
  readonly sender: number;
  readonly senderMode: 'able' | 'any';
  readonly nonceMode: 'right' | 'ahead' | 'behind';
  readonly feeMode: 'exact' | 'extra' | 'short';
  readonly extraFee: bigint;
  readonly chainOk: boolean;
  readonly referenceOk: boolean;
  readonly referencePick: bigint;
  readonly signMode: 'ok' | 'wrong-key' | 'no-multisig' | 'short-multisig' | 'stray-multisig';
  readonly signerSeed: number;
  readonly transfers: readonly TransferPlan[];
  readonly burn: { readonly asset: AssetChoice; readonly amount: AmountPlan };
  readonly multisig: MultiSigPlan;
  readonly damage: Damage | null;
}

const txPlanArb: fc.Arbitrary<TxPlan> = fc.record({
  kind: constants<TxPlan['kind']>([12, 'transfers'], [4, 'burn'], [3, 'multisig']),
  sender: fc.nat(1000),
  senderMode: constants<TxPlan['senderMode']>([40, 'able'], [1, 'any']),
  nonceMode: constants<TxPlan['nonceMode']>([40, 'right'], [1, 'ahead'], [1, 'behind']),
  feeMode: constants<TxPlan['feeMode']>([24, 'exact'], [12, 'extra'], [1, 'short']),
  extraFee: fc.bigInt({ min: 1n, max: 50_000n }),
  chainOk: constants([60, true], [1, false]),
  referenceOk: constants([60, true], [1, false]),
  referencePick: fc.bigInt({ min: 0n, max: 1n << 32n }),
  signMode: constants<TxPlan['signMode']>([100, 'ok'], [1, 'wrong-key'], [1, 'no-multisig'], [1, 'short-multisig'], [1, 'stray-multisig']),
  signerSeed: fc.nat(),
  transfers: fc.array(transferPlanArb, { minLength: 1, maxLength: 3 }),
  burn: fc.record({ asset: assetChoiceArb, amount: amountPlanArb }),
  multisig: multiSigPlanArb,
  damage: weighted<Damage | null>([24, fc.constant(null)], [1, damageArb]),
});

/** One generated entry of a block. */
export interface GeneratedTransaction {
  /** The signed transaction (before any damage). */
  readonly transaction: Transaction;
  /** The bytes put in the block (damaged when `damaged`). */
  readonly bytes: Uint8Array;
  /** Whether the bytes were damaged after encoding. */
  readonly damaged: boolean;
  /** A short human-readable description, for counterexamples. */
  readonly intent: string;
}

/** A generated block: pre-state, context and the transaction bytes. */
export interface GeneratedBlock {
  readonly pre: PreState;
  readonly context: BlockContext;
  readonly entries: readonly GeneratedTransaction[];
  /** `entries.map((entry) => entry.bytes)`. */
  readonly transactions: readonly Uint8Array[];
}

function resolveAsset(choice: AssetChoice, canSpendX: boolean): AssetId {
  switch (choice) {
    case 'tos':
      return TOS_ASSET;
    case 'x':
      return canSpendX ? ASSET_X : TOS_ASSET;
    case 'x-anyway':
      return ASSET_X;
    case 'unregistered':
      return ASSET_UNREGISTERED;
  }
}

/** Spendable TOS below this makes a sender a poor candidate (it cannot pay a typical fee). */
const FUNDED_SENDER_MINIMUM = 100_000n;

function pickAmount(plan: AmountPlan, remaining: bigint): bigint {
  switch (plan.mode) {
    case 'zero':
      return 0n;
    case 'one':
      return 1n;
    case 'fraction':
      return (remaining * BigInt(plan.permille)) / 1000n;
    case 'all':
      return remaining;
    case 'over':
      return remaining < MAX ? remaining + 1n : MAX;
  }
}

function extraDataOf(plan: ExtraPlan): string | null {
  switch (plan.mode) {
    case 'none':
      return null;
    case 'bytes':
      return bytesToHex(plan.bytes);
    case 'oversize':
      return '5a'.repeat(plan.length);
  }
}

/** Choose which participants sign, by id: `count` distinct ids in an order driven by `seed`. */
function chooseSigners(config: MultiSigConfig, count: number, seed: number): MultiSigSigner[] {
  const ids = permute(
    config.participants.map((_, id) => id),
    seed,
  ).slice(0, Math.max(0, count));
  return ids.map((id) => {
    const key = KEY_BY_PUBLIC.get(config.participants[id]!);
    if (key === undefined) {
      throw new Error(`generator invariant: participant ${config.participants[id]} is not a pool key`);
    }
    return { id, secret: key.secret };
  });
}

/**
 * Build one transaction against the block in progress: most choices are adapted to the
 * ledger (who may send, the current nonce and multisig configuration, what is spendable),
 * so most transactions are accepted.
 */
function buildTransaction(ledger: Ledger, context: BlockContext, plan: TxPlan, previousDestinations: PublicKey[]): GeneratedTransaction {
  // Sender: usually one that may send now (R21, R31).
  // Among those, prefer senders that can pay a typical fee.
  const able = KEY_POOL.filter((key) => getSenderAccount(ledger, key.publicKey) !== undefined);
  const funded = able.filter((key) => (getSpendableBalance(ledger, key.publicKey, TOS_ASSET) ?? 0n) >= FUNDED_SENDER_MINIMUM);
  const candidates = plan.senderMode === 'any' ? KEY_POOL : funded.length > 0 ? funded : able.length > 0 ? able : KEY_POOL;
  const sourceKey = candidates[plan.sender % candidates.length]!;
  const source = sourceKey.publicKey;
  const account = getAccount(ledger.current, source);
  const canSpendX = (getSpendableBalance(ledger, source, ASSET_X) ?? 0n) > 0n;
  const currentNonce = account?.nonce ?? 0n;
  const nonce =
    plan.nonceMode === 'right'
      ? currentNonce
      : plan.nonceMode === 'ahead'
        ? (currentNonce + 1n) % (MAX + 1n)
        : currentNonce > 0n
          ? currentNonce - 1n
          : currentNonce + 2n;

  // Multisig signers, against the configuration the account has now (R27).
  const config = account?.multisig ?? null;
  let signers: MultiSigSigner[] | null = null;
  if (config !== null) {
    if (plan.signMode === 'no-multisig') signers = null;
    else if (plan.signMode === 'short-multisig') signers = chooseSigners(config, config.threshold - 1, plan.signerSeed);
    else signers = chooseSigners(config, config.threshold, plan.signerSeed);
  } else if (plan.signMode === 'stray-multisig') {
    signers = [];
  }

  // Payload structure first (amounts do not change the size), then the fee, then the amounts.
  const others = othersThan(source);
  let payloadOf: (budget: (asset: AssetId) => bigint) => Payload;
  let intent: string;
  switch (plan.kind) {
    case 'transfers': {
      // Repeated destinations: within this payload and across the block (never the source).
      const repeatable = previousDestinations.filter((destination) => destination !== source);
      const outputs = plan.transfers.map((transfer, index) => {
        let destination: PublicKey;
        if (transfer.destinationMode === 'self') destination = source;
        else if (transfer.destinationMode === 'miner') destination = context.miner;
        else if (transfer.destinationMode === 'repeat' && repeatable.length > 0)
          destination = repeatable[(transfer.destination + index) % repeatable.length]!;
        else destination = others[transfer.destination % others.length]!.publicKey;
        if (destination !== source) {
          repeatable.push(destination);
          previousDestinations.push(destination);
        }
        return { destination, asset: resolveAsset(transfer.asset, canSpendX), extraData: extraDataOf(transfer.extra), amount: transfer.amount };
      });
      payloadOf = (budget) => ({
        kind: 'transfers',
        transfers: outputs.map(({ destination, asset, extraData, amount }): Transfer => {
          const value = pickAmount(amount, budget(asset));
          return { asset, destination, amount: toU64(value), extraData };
        }),
      });
      intent = `transfers(${outputs.map((o) => `${nameOf(o.destination)}:${nameOfAsset(o.asset)}:${o.amount.mode}${o.extraData === null ? '' : `+extra${o.extraData.length / 2}`}`).join(' ')})`;
      break;
    }
    case 'burn': {
      const asset = resolveAsset(plan.burn.asset, canSpendX);
      payloadOf = (budget) => {
        const picked = pickAmount(plan.burn.amount, budget(asset));
        const amount = plan.burn.amount.mode === 'zero' ? 0n : picked === 0n ? 1n : picked;
        return { kind: 'burn', asset, amount: toU64(amount) };
      };
      intent = `burn(${nameOfAsset(asset)}:${plan.burn.amount.mode})`;
      break;
    }
    case 'multisig': {
      const chosen = plan.multisig.picks.map((pick) => others[pick % others.length]!.publicKey);
      const participants = [...new Set(chosen)];
      let op = plan.multisig.op;
      if (op === 'delete' && config === null && !plan.multisig.forceDelete) op = 'set';
      let payload: Payload;
      switch (op) {
        case 'set':
          payload = { kind: 'multisig', threshold: 1 + (plan.multisig.threshold % participants.length), participants };
          break;
        case 'delete':
          payload = { kind: 'multisig', threshold: 0, participants: [] };
          break;
        case 'bad-threshold':
          payload = { kind: 'multisig', threshold: participants.length + 1, participants };
          break;
        case 'self':
          payload = { kind: 'multisig', threshold: 1, participants: [...participants, source] };
          break;
      }
      payloadOf = () => payload;
      intent = `multisig(${op} ${payload.threshold}/[${payload.participants.map(nameOf).join(',')}])`;
      break;
    }
  }

  const referenceTopoheight = plan.referenceOk
    ? plan.referencePick % context.topoheight
    : context.topoheight + (plan.referencePick % 3n) > MAX
      ? MAX
      : context.topoheight + (plan.referencePick % 3n);
  const skeleton: Transaction = {
    version: 1,
    chainId: plan.chainOk ? context.chainId : (context.chainId + 1) % 256,
    source,
    payload: payloadOf(() => 0n),
    fee: toU64(0n),
    feeType: 0,
    nonce: toU64(nonce),
    reference: { hash: '00'.repeat(32), topoheight: toU64(referenceTopoheight) },
    multisig: signers === null ? null : signers.map(({ id }) => ({ id, signature: '00'.repeat(64) })),
    signature: '00'.repeat(64),
  };
  const required = computeRequiredFee(skeleton, encodeTransaction(skeleton).length);
  const fee = plan.feeMode === 'exact' ? required : plan.feeMode === 'extra' ? required + plan.extraFee : required - 1n;

  // Amounts: fractions of what the sender may spend now (R28, R30), the fee reserved in TOS.
  const remaining = new Map<AssetId, bigint>();
  const budget = (asset: AssetId): bigint => {
    if (!remaining.has(asset)) {
      const spendable = getSpendableBalance(ledger, source, asset) ?? 0n;
      const reserved = asset === TOS_ASSET ? fee : 0n;
      remaining.set(asset, spendable > reserved ? spendable - reserved : 0n);
    }
    return remaining.get(asset)!;
  };
  // Transfers draw on the budget one after the other: each output takes its share of what is left.
  let payload: Payload;
  if (skeleton.payload.kind === 'transfers') {
    const built: Transfer[] = [];
    for (const [index, transfer] of skeleton.payload.transfers.entries()) {
      const value = pickAmount(plan.transfers[index]!.amount, budget(transfer.asset));
      const left = budget(transfer.asset) - value;
      remaining.set(transfer.asset, left > 0n ? left : 0n);
      built.push({ ...transfer, amount: toU64(value) });
    }
    payload = { kind: 'transfers', transfers: built };
  } else {
    payload = payloadOf(budget);
  }

  const unsigned: Transaction = { ...skeleton, payload, fee: toU64(fee) };
  let ownerSecret = sourceKey.secret;
  if (plan.signMode === 'wrong-key') {
    ownerSecret = KEY_POOL[(KEY_POOL.indexOf(sourceKey) + 1) % POOL_SIZE]!.secret;
  }
  const transaction = signTransaction(unsigned, ownerSecret, signers);
  const encoded = encodeTransaction(transaction);
  const bytes = plan.damage === null ? encoded : applyDamage(encoded, plan.damage);
  const flags = [
    `${nameOf(source)} nonce=${nonce}${plan.nonceMode === 'right' ? '' : `(${plan.nonceMode})`}`,
    `fee=${fee}${plan.feeMode === 'exact' ? '' : `(${plan.feeMode})`}`,
    ...(plan.chainOk ? [] : ['wrong-chain']),
    ...(plan.referenceOk ? [] : ['future-reference']),
    ...(plan.signMode === 'ok' ? [] : [plan.signMode]),
    ...(signers === null ? [] : [`sigs=[${signers.map((s) => s.id).join(',')}]`]),
    ...(plan.damage === null ? [] : [describeDamage(plan.damage)]),
  ];
  return { transaction, bytes, damaged: plan.damage !== null, intent: `${intent} ${flags.join(' ')} hex=${bytesToHex(bytes)}` };
}

function buildBlock(pre: PreState, context: BlockContext, plans: readonly TxPlan[]): GeneratedBlock {
  let ledger = beginLedger(context.ledger, pre.state);
  const entries: GeneratedTransaction[] = [];
  const previousDestinations: PublicKey[] = [];
  for (const plan of plans) {
    const entry = buildTransaction(ledger, context, plan, previousDestinations);
    entries.push(entry);
    // The spec's own ledger is the generator's bookkeeping, so later choices see earlier effects.
    ledger = applyTransaction(ledger, context, entry.bytes).ledger;
  }
  const block: GeneratedBlock = { pre, context, entries, transactions: entries.map((entry) => entry.bytes) };
  return withToString(block, () =>
    [
      `context: chainId=${context.chainId} topoheight=${context.topoheight} miner=${nameOf(context.miner)} ledger=${context.ledger}`,
      `pre: ${describeState(pre.state)}`,
      ...entries.map((entry, index) => `tx${index}: ${entry.intent}`),
    ].join('\n'),
  );
}

/** Blocks of 1 to `maxTransactions` (default 12) transactions, built from the pre-state. */
export function blockArb(maxTransactions = 12): fc.Arbitrary<GeneratedBlock> {
  return fc
    .record({
      pre: preStateArb,
      context: contextArb,
      plans: fc.array(txPlanArb, { minLength: 1, maxLength: maxTransactions }),
    })
    .map(({ pre, context, plans }) => buildBlock(pre, context, plans));
}

// ---------------------------------------------------------------------------------------
// Wire-level transactions (for the codec properties)
// ---------------------------------------------------------------------------------------

const extraDataWireArb: fc.Arbitrary<string | null> = weighted<string | null>(
  [6, fc.constant(null)],
  [3, fc.uint8Array({ maxLength: 40 }).map(bytesToHex)],
  [1, fc.integer({ min: 0, max: 1024 }).map((length) => 'c3'.repeat(length))],
);

const keyOrBytesArb: fc.Arbitrary<string> = weighted<string>(
  [4, fc.nat(POOL_SIZE - 1).map((index) => KEY_POOL[index]!.publicKey)],
  [1, hex32Arb],
  [1, fc.constantFrom('00'.repeat(32), 'ff'.repeat(32))],
);

const assetWireArb: fc.Arbitrary<AssetId> = weighted<AssetId>(
  [3, fc.constantFrom(TOS_ASSET, ASSET_X, ASSET_UNREGISTERED)],
  [1, hex32Arb],
);

const payloadWireArb: fc.Arbitrary<Payload> = fc.oneof(
  fc.record({ asset: assetWireArb, amount: u64Arb }).map(({ asset, amount }): Payload => ({ kind: 'burn', asset, amount: toU64(amount) })),
  fc
    .array(
      fc.record({ asset: assetWireArb, destination: keyOrBytesArb, amount: u64Arb, extraData: extraDataWireArb }),
      { minLength: 1, maxLength: 5 },
    )
    .map((transfers): Payload => ({
      kind: 'transfers',
      transfers: transfers.map(({ asset, destination, amount, extraData }) => ({ asset, destination, amount: toU64(amount), extraData })),
    })),
  fc.constant<Payload>({ kind: 'multisig', threshold: 0, participants: [] }),
  fc
    .record({ participants: fc.uniqueArray(keyOrBytesArb, { minLength: 1, maxLength: 6 }), threshold: fc.integer({ min: 1, max: 255 }) })
    .map(({ participants, threshold }): Payload => ({ kind: 'multisig', threshold, participants })),
);

/**
 * Well-formed transactions with arbitrary field values (R6-R10): any chain id, u64 edges
 * for amounts, fee, nonce and reference, arbitrary 32-byte keys and assets, extra data
 * up to 1024 bytes, an absent, empty or filled multisig field with distinct ids in any
 * order. Signed with pool keys (signatures are canonical; they need not verify).
 */
export const wireTransactionArb: fc.Arbitrary<Transaction> = fc
  .record({
    chainId: fc.integer({ min: 0, max: 255 }),
    signer: fc.nat(POOL_SIZE - 1),
    sourceMode: constants<'signer' | 'other'>([4, 'signer'], [1, 'other']),
    otherSource: keyOrBytesArb,
    payload: payloadWireArb,
    fee: u64Arb,
    nonce: u64Arb,
    referenceHash: hex32Arb,
    referenceTopoheight: u64Arb,
    multisig: weighted<readonly { readonly id: number; readonly key: number }[] | null>(
      [3, fc.constant(null)],
      [1, fc.constant([])],
      [
        2,
        fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 255 }), key: fc.nat(POOL_SIZE - 1) }), {
          minLength: 1,
          maxLength: 3,
          selector: (entry) => entry.id,
        }),
      ],
    ),
  })
  .map((r) => {
    const signerKey = KEY_POOL[r.signer]!;
    const unsigned: Transaction = {
      version: 1,
      chainId: r.chainId,
      source: r.sourceMode === 'signer' ? signerKey.publicKey : r.otherSource,
      payload: r.payload,
      fee: toU64(r.fee),
      feeType: 0,
      nonce: toU64(r.nonce),
      reference: { hash: r.referenceHash, topoheight: toU64(r.referenceTopoheight) },
      multisig: null,
      signature: '00'.repeat(64),
    };
    const signers = r.multisig === null ? null : r.multisig.map(({ id, key }) => ({ id, secret: KEY_POOL[key]!.secret }));
    return signTransaction(unsigned, signerKey.secret, signers);
  });

/** Encodings of well-formed transactions with one damage applied (truncate, flip, append). */
export const damagedBytesArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(wireTransactionArb, damageArb)
  .map(([transaction, damage]) => applyDamage(encodeTransaction(transaction), damage));

type Mutation =
  | Damage
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly value: number }
  | { readonly kind: 'delete'; readonly at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  damageArb,
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }).map(({ at, value }) => ({ kind: 'set', at, value }) as const),
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }).map(({ at, value }) => ({ kind: 'insert', at, value }) as const),
  fc.nat().map((at) => ({ kind: 'delete', at }) as const),
);

function applyMutation(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.kind) {
    case 'set': {
      const out = bytes.slice();
      if (out.length > 0) out[mutation.at % out.length] = mutation.value;
      return out;
    }
    case 'insert': {
      const at = mutation.at % (bytes.length + 1);
      return Uint8Array.from([...bytes.subarray(0, at), mutation.value, ...bytes.subarray(at)]);
    }
    case 'delete': {
      if (bytes.length === 0) return bytes.slice();
      const at = mutation.at % bytes.length;
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    }
    default:
      return applyDamage(bytes, mutation);
  }
}

/** Encodings of well-formed transactions after 1 to 4 mutations (set, insert, delete, flip, truncate, append). */
export const mutatedBytesArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(wireTransactionArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([transaction, mutations]) => mutations.reduce(applyMutation, encodeTransaction(transaction)));

/** Arbitrary bytes up to 400 long, some starting with a plausible header (version 1, any chain, a key, any tag). */
export const arbitraryBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), hex32Arb, fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 360 }))
    .map(([chainId, source, tag, rest]) => Uint8Array.from([1, chainId, ...hexToBytesLocal(source), tag, ...rest])),
);

function hexToBytesLocal(hex: string): number[] {
  const out: number[] = [];
  for (let index = 0; index < hex.length; index += 2) out.push(Number.parseInt(hex.slice(index, index + 2), 16));
  return out;
}
