/**
 * Random, heavily conflicting blocks for the executor agreement and fault tests.
 *
 * - A fixed pool of deterministic keys (R16), derived once at load; each block funds 3 to
 *   10 of them (balances up to 2^64 - 1, some with a second registered asset, some with a
 *   multisig configuration whose participants are other pool keys).
 * - One *hot* account receives most transfers, so almost every transaction conflicts with
 *   the ones before it (the DAG is deep and the TOS batches short).
 * - Transactions: transfers with 1 to 3 outputs (TOS and the second asset), burns of TOS
 *   and of the second asset, multisig set / delete in the middle of the block, spends from
 *   multisig accounts signed by the participants of the configuration the account has
 *   *now* (so a spend right after a configuration change must be re-verified by the
 *   executor) or, on purpose, of the stale pre-block configuration.
 * - A share is deliberately wrong: wrong nonce, low fee, wrong chain id, future reference,
 *   bad owner signature, damaged signature bytes, undecodable bytes, amounts above the
 *   balance, credits overflowing 2^64 - 1, an account whose key is not a point.
 *
 * The spec's own ledger is the generator's bookkeeping (so most nonces are right and most
 * amounts affordable); the tests compare results, they never use the generator's view.
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
  receiptToJson,
  stateToJson,
  toU64,
  TOS_ASSET,
  type AccountInit,
  type AssetId,
  type BlockContext,
  type BlockResult,
  type Ledger,
  type LedgerModel,
  type MultiSigConfig,
  type Payload,
  type PublicKey,
  type State,
  type Transaction,
} from '../../spec/index.ts';
import { createTestKey, signTransaction, type MultiSigSigner, type TestKey } from '../../spec/test-keys.ts';

/** 2^64 - 1. */
export const MAX = (1n << 64n) - 1n;

/** Runs per property: `FC_NUM_RUNS` from the environment, else `fallback`. */
export function numRuns(fallback: number): number {
  const raw = process.env['FC_NUM_RUNS'];
  const parsed = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** Size of the key pool. */
export const POOL_SIZE = 12;
/** Pool keys `impl-k0`..`impl-k11`, derived once at load. */
export const POOL: readonly TestKey[] = Array.from({ length: POOL_SIZE }, (_, index) => createTestKey(`impl-k${index}`));
/** The usual miner (outside the pool). */
export const IMPL_MINER: TestKey = createTestKey('impl-miner');
/** The second registered asset. */
export const ASSET_Y: AssetId = 'a7'.repeat(32);
/** 32 bytes that do not decode as a Ristretto point. */
export const NOT_A_POINT: PublicKey = 'ff'.repeat(32);
/** A key that signs for the {@link NOT_A_POINT} account (its signatures can never verify). */
const NOT_A_POINT_SIGNER: TestKey = createTestKey('impl-not-a-point');

const KEY_BY_PUBLIC = new Map<PublicKey, TestKey>([...POOL, IMPL_MINER].map((key) => [key.publicKey, key]));

function nameOf(publicKey: PublicKey): string {
  if (publicKey === NOT_A_POINT) return 'NaP';
  return KEY_BY_PUBLIC.get(publicKey)?.name.replace('impl-', '') ?? publicKey.slice(0, 8);
}

function assetName(asset: AssetId): string {
  return asset === TOS_ASSET ? 'TOS' : asset === ASSET_Y ? 'Y' : asset.slice(0, 6);
}

function weighted<T>(...entries: readonly (readonly [number, fc.Arbitrary<T>])[]): fc.Arbitrary<T> {
  return fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

function constants<T>(...entries: readonly (readonly [number, T])[]): fc.Arbitrary<T> {
  return weighted(...entries.map(([weight, value]) => [weight, fc.constant(value)] as const));
}

// ---------------------------------------------------------------------------------------
// Pre-state
// ---------------------------------------------------------------------------------------

const balanceArb = (absent: number): fc.Arbitrary<bigint | null> =>
  weighted<bigint | null>(
    [absent, fc.constant(null)],
    [1, fc.constant(0n)],
    [10, fc.bigInt({ min: 1_000_000n, max: 10n ** 13n })],
    [2, fc.bigInt({ min: MAX - 10n ** 12n, max: MAX })],
    [1, fc.constant(MAX)],
  );

interface AccountPlan {
  readonly tos: bigint | null;
  readonly y: bigint | null;
  readonly nonce: bigint;
  readonly multisig: { readonly picks: readonly number[]; readonly threshold: number; readonly badPoint: boolean } | null;
}

const accountPlanArb: fc.Arbitrary<AccountPlan> = fc.record({
  tos: balanceArb(1),
  y: balanceArb(4),
  nonce: weighted<bigint>([20, fc.bigInt({ min: 0n, max: 3n })], [1, fc.constant(MAX)]),
  multisig: weighted<AccountPlan['multisig']>(
    [3, fc.constant(null)],
    [
      1,
      fc.record({
        picks: fc.uniqueArray(fc.nat(POOL_SIZE - 1), { minLength: 1, maxLength: 3 }),
        threshold: fc.nat(2),
        badPoint: constants([12, false], [1, true]),
      }),
    ],
  ),
});

interface StatePlan {
  readonly accounts: readonly AccountPlan[];
  readonly hot: { readonly tos: bigint | null; readonly y: bigint | null; readonly exists: boolean };
  readonly registerY: boolean;
  readonly burnedSupply: bigint;
  readonly notAPointAccount: boolean;
}

const statePlanArb: fc.Arbitrary<StatePlan> = fc.record({
  // 3-10 funded accounts; the hot account is one more pool key (it may not exist yet).
  accounts: fc.array(accountPlanArb, { minLength: 3, maxLength: 10 }),
  hot: fc.record({
    tos: weighted<bigint | null>([3, balanceArb(1)], [2, fc.bigInt({ min: MAX - 10n ** 9n, max: MAX })]),
    y: weighted<bigint | null>([3, balanceArb(2)], [1, fc.bigInt({ min: MAX - 10n ** 6n, max: MAX })]),
    exists: constants([5, true], [1, false]),
  }),
  registerY: constants([12, true], [1, false]),
  burnedSupply: weighted<bigint>(
    [5, fc.constant(0n)],
    [3, fc.bigInt({ min: 1n, max: 10n ** 12n })],
    [1, fc.bigInt({ min: MAX - 10n ** 12n, max: MAX })],
  ),
  notAPointAccount: constants([8, false], [1, true]),
});

interface BuiltState {
  readonly state: State;
  /** Funded pool accounts (senders), in pool order. */
  readonly senders: readonly TestKey[];
  /** The hot account. */
  readonly hot: PublicKey;
}

function buildState(plan: StatePlan): BuiltState {
  const count = plan.accounts.length;
  // Pool keys 0..count-1 are funded; key `count` is the hot account; the rest are fresh.
  const inits: AccountInit[] = [];
  const senders: TestKey[] = [];
  plan.accounts.forEach((account, index) => {
    const key = POOL[index]!;
    senders.push(key);
    const balances: (readonly [AssetId, bigint])[] = [];
    if (account.tos !== null) balances.push([TOS_ASSET, account.tos]);
    if (account.y !== null) balances.push([ASSET_Y, account.y]);
    let multisig: MultiSigConfig | null = null;
    if (account.multisig !== null) {
      const participants = [
        ...new Set(account.multisig.picks.map((pick) => POOL[pick]!.publicKey).filter((participant) => participant !== key.publicKey)),
      ];
      if (account.multisig.badPoint) participants.push(NOT_A_POINT);
      if (participants.length > 0) multisig = { threshold: 1 + (account.multisig.threshold % participants.length), participants };
    }
    inits.push({ publicKey: key.publicKey, nonce: account.nonce, balances, multisig });
  });
  const hot = POOL[count]!.publicKey;
  if (plan.hot.exists) {
    const balances: (readonly [AssetId, bigint])[] = [];
    if (plan.hot.tos !== null) balances.push([TOS_ASSET, plan.hot.tos]);
    if (plan.hot.y !== null) balances.push([ASSET_Y, plan.hot.y]);
    inits.push({ publicKey: hot, balances });
  }
  if (plan.notAPointAccount) inits.push({ publicKey: NOT_A_POINT, balances: [[TOS_ASSET, 10n ** 12n]] });
  const state = createState({ accounts: inits, assets: plan.registerY ? [ASSET_Y] : [], burnedSupply: plan.burnedSupply });
  return { state, senders, hot };
}

// ---------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------

interface ContextPlan {
  readonly chainId: number;
  readonly topoheight: bigint;
  readonly miner: 'outside' | 'hot' | 'sender';
  readonly minerBalance: bigint | null;
  readonly ledger: LedgerModel;
}

function contextPlanArb(ledger: LedgerModel | undefined): fc.Arbitrary<ContextPlan> {
  return fc.record({
    chainId: fc.integer({ min: 0, max: 2 }),
    topoheight: fc.bigInt({ min: 1n, max: 100n }),
    miner: constants<ContextPlan['miner']>([6, 'outside'], [1, 'hot'], [1, 'sender']),
    // The outside miner usually does not exist; sometimes it sits near 2^64 - 1 (BlockOverflow).
    minerBalance: weighted<bigint | null>([8, fc.constant(null)], [2, fc.bigInt({ min: 0n, max: 10n ** 9n })], [1, fc.bigInt({ min: MAX - 30_000n, max: MAX })]),
    ledger: ledger === undefined ? fc.constantFrom<LedgerModel>('immediate', 'deferred-credits') : fc.constant(ledger),
  });
}

// ---------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------

type AmountPlan = 'zero' | 'one' | 'small' | 'fraction' | 'all' | 'over' | 'huge';
const amountArb: fc.Arbitrary<{ readonly mode: AmountPlan; readonly permille: number }> = fc.record({
  mode: constants<AmountPlan>([2, 'zero'], [2, 'one'], [6, 'small'], [14, 'fraction'], [2, 'all'], [2, 'over'], [2, 'huge']),
  permille: fc.integer({ min: 1, max: 1000 }),
});

interface OutputPlan {
  readonly to: 'hot' | 'sender' | 'fresh' | 'miner' | 'self';
  readonly pick: number;
  readonly asset: 'tos' | 'y';
  readonly amount: { readonly mode: AmountPlan; readonly permille: number };
}

const outputArb: fc.Arbitrary<OutputPlan> = fc.record({
  to: constants<OutputPlan['to']>([14, 'hot'], [5, 'sender'], [2, 'fresh'], [1, 'miner'], [1, 'self']),
  pick: fc.nat(1000),
  asset: constants<OutputPlan['asset']>([4, 'tos'], [1, 'y']),
  amount: amountArb,
});

type Flaw =
  | 'none'
  | 'nonce-ahead'
  | 'nonce-behind'
  | 'low-fee'
  | 'wrong-chain'
  | 'future-reference'
  | 'bad-signature'
  | 'damaged-signature'
  | 'undecodable'
  | 'truncated'
  | 'stale-multisig'
  | 'no-multisig'
  | 'stray-multisig';

interface TxPlan {
  readonly kind: 'transfers' | 'burn' | 'multisig-set' | 'multisig-delete';
  readonly senderMode: 'any' | 'multisig' | 'hot' | 'not-a-point';
  readonly sender: number;
  readonly outputs: readonly OutputPlan[];
  readonly burnAsset: 'tos' | 'y';
  readonly burnAmount: { readonly mode: AmountPlan; readonly permille: number };
  readonly participants: readonly number[];
  readonly threshold: number;
  readonly extraFee: bigint;
  readonly flaw: Flaw;
  readonly seed: number;
}

const txPlanArb: fc.Arbitrary<TxPlan> = fc.record({
  kind: constants<TxPlan['kind']>([12, 'transfers'], [3, 'burn'], [2, 'multisig-set'], [1, 'multisig-delete']),
  senderMode: constants<TxPlan['senderMode']>([14, 'any'], [5, 'multisig'], [2, 'hot'], [1, 'not-a-point']),
  sender: fc.nat(1000),
  outputs: fc.array(outputArb, { minLength: 1, maxLength: 3 }),
  burnAsset: constants<TxPlan['burnAsset']>([2, 'tos'], [1, 'y']),
  burnAmount: amountArb,
  participants: fc.uniqueArray(fc.nat(POOL_SIZE - 1), { minLength: 1, maxLength: 3 }),
  threshold: fc.nat(2),
  extraFee: weighted<bigint>([3, fc.constant(0n)], [1, fc.bigInt({ min: 1n, max: 100_000n })]),
  flaw: constants<Flaw>(
    [60, 'none'],
    [3, 'nonce-ahead'],
    [2, 'nonce-behind'],
    [3, 'low-fee'],
    [2, 'wrong-chain'],
    [1, 'future-reference'],
    [3, 'bad-signature'],
    [2, 'damaged-signature'],
    [2, 'undecodable'],
    [1, 'truncated'],
    [3, 'stale-multisig'],
    [1, 'no-multisig'],
    [1, 'stray-multisig'],
  ),
  seed: fc.nat(),
});

function pickAmount(plan: { readonly mode: AmountPlan; readonly permille: number }, remaining: bigint): bigint {
  switch (plan.mode) {
    case 'zero':
      return 0n;
    case 'one':
      return 1n;
    case 'small':
      return BigInt(plan.permille) * 1000n;
    case 'fraction':
      return (remaining * BigInt(plan.permille)) / 1000n;
    case 'all':
      return remaining;
    case 'over':
      return remaining < MAX ? remaining + 1n : MAX;
    case 'huge':
      return MAX - BigInt(plan.permille);
  }
}

/** Signers for a configuration: `count` distinct ids in a seed-dependent order. */
function signersFor(config: MultiSigConfig, count: number, seed: number): MultiSigSigner[] {
  const ids = config.participants.map((_, id) => id);
  // A small deterministic shuffle (signatures may come in any order, R27).
  for (let index = ids.length - 1; index > 0; index--) {
    const other = (seed + index * 7) % (index + 1);
    [ids[index], ids[other]] = [ids[other]!, ids[index]!];
  }
  return ids.slice(0, Math.max(0, count)).map((id) => {
    const participant = config.participants[id]!;
    return { id, secret: (KEY_BY_PUBLIC.get(participant) ?? NOT_A_POINT_SIGNER).secret };
  });
}

interface BlockState {
  ledger: Ledger;
  readonly built: BuiltState;
  readonly context: BlockContext;
  /** Accounts whose multisig configuration changed in this block, most recent last. */
  readonly changed: PublicKey[];
}

interface Entry {
  readonly bytes: Uint8Array;
  readonly intent: string;
}

function chooseSender(block: BlockState, plan: TxPlan): { key: PublicKey; secret: bigint } {
  const { built, ledger } = block;
  const secretOf = (publicKey: PublicKey): bigint => (KEY_BY_PUBLIC.get(publicKey) ?? NOT_A_POINT_SIGNER).secret;
  if (plan.senderMode === 'not-a-point' && getAccount(ledger.current, NOT_A_POINT) !== undefined) {
    return { key: NOT_A_POINT, secret: NOT_A_POINT_SIGNER.secret };
  }
  if (plan.senderMode === 'hot') return { key: built.hot, secret: secretOf(built.hot) };
  if (plan.senderMode === 'multisig' || plan.kind === 'multisig-delete') {
    // Prefer an account whose configuration just changed (its spends must be re-verified).
    const recent = block.changed.at(-1 - (plan.sender % 2));
    if (recent !== undefined) return { key: recent, secret: secretOf(recent) };
    const configured = built.senders.filter((key) => getAccount(ledger.current, key.publicKey)?.multisig);
    if (configured.length > 0) {
      const key = configured[plan.sender % configured.length]!;
      return { key: key.publicKey, secret: key.secret };
    }
  }
  // Mostly a sender that can pay a fee.
  const funded = built.senders.filter(
    (key) => getSenderAccount(ledger, key.publicKey) !== undefined && (getSpendableBalance(ledger, key.publicKey, TOS_ASSET) ?? 0n) >= 200_000n,
  );
  const candidates = funded.length > 0 && plan.sender % 10 !== 0 ? funded : built.senders;
  const key = candidates[plan.sender % candidates.length]!;
  return { key: key.publicKey, secret: key.secret };
}

function buildEntry(block: BlockState, plan: TxPlan): Entry {
  const { ledger, context, built } = block;
  const { key: source, secret } = chooseSender(block, plan);
  const account = getAccount(ledger.current, source);
  const currentNonce = account?.nonce ?? 0n;
  let nonce = currentNonce;
  if (plan.flaw === 'nonce-ahead') nonce = currentNonce === MAX ? 0n : currentNonce + 1n;
  if (plan.flaw === 'nonce-behind') nonce = currentNonce > 0n ? currentNonce - 1n : currentNonce + 2n;

  // Multisig signers: the configuration the account has now, or (stale) the pre-block one.
  const current = account?.multisig ?? null;
  const preConfig = getAccount(ledger.pre, source)?.multisig ?? null;
  let signers: MultiSigSigner[] | null = null;
  if (plan.flaw === 'stale-multisig') {
    signers = preConfig === null ? (current === null ? null : []) : signersFor(preConfig, preConfig.threshold, plan.seed);
  } else if (plan.flaw === 'no-multisig') {
    signers = null;
  } else if (plan.flaw === 'stray-multisig' && current === null) {
    signers = [];
  } else if (current !== null) {
    signers = signersFor(current, current.threshold, plan.seed);
  }

  // Payload (amounts fixed after the fee).
  const others = built.senders.map((key) => key.publicKey).filter((key) => key !== source);
  const fresh = POOL.slice(built.senders.length + 1).map((key) => key.publicKey);
  let payloadOf: (budget: (asset: AssetId) => bigint) => Payload;
  let intent: string;
  switch (plan.kind) {
    case 'transfers': {
      const outputs = plan.outputs.map((output) => {
        let destination: PublicKey;
        switch (output.to) {
          case 'hot':
            destination = built.hot === source ? (others[output.pick % others.length] ?? built.hot) : built.hot;
            break;
          case 'sender':
            destination = others[output.pick % others.length] ?? built.hot;
            break;
          case 'fresh':
            destination = fresh[output.pick % fresh.length] ?? built.hot;
            break;
          case 'miner':
            destination = context.miner;
            break;
          case 'self':
            destination = source;
            break;
        }
        return { destination, asset: output.asset === 'tos' ? TOS_ASSET : ASSET_Y, amount: output.amount };
      });
      payloadOf = (budget) => ({
        kind: 'transfers',
        transfers: outputs.map(({ destination, asset, amount }) => {
          const value = pickAmount(amount, budget(asset));
          return { asset, destination, amount: toU64(value), extraData: null };
        }),
      });
      intent = `transfers(${outputs.map((o) => `${nameOf(o.destination)}:${assetName(o.asset)}:${o.amount.mode}`).join(' ')})`;
      break;
    }
    case 'burn': {
      const asset = plan.burnAsset === 'tos' ? TOS_ASSET : ASSET_Y;
      payloadOf = (budget) => ({ kind: 'burn', asset, amount: toU64(pickAmount(plan.burnAmount, budget(asset))) });
      intent = `burn(${assetName(asset)}:${plan.burnAmount.mode})`;
      break;
    }
    case 'multisig-set': {
      const participants = [...new Set(plan.participants.map((pick) => POOL[pick]!.publicKey))].filter((key) => key !== source);
      const list = participants.length > 0 ? participants : [POOL[(plan.seed % POOL_SIZE)]!.publicKey === source ? IMPL_MINER.publicKey : POOL[plan.seed % POOL_SIZE]!.publicKey];
      const payload: Payload = { kind: 'multisig', threshold: 1 + (plan.threshold % list.length), participants: list };
      payloadOf = () => payload;
      intent = `multisig-set(${payload.threshold}/[${list.map(nameOf).join(',')}])`;
      break;
    }
    case 'multisig-delete': {
      const payload: Payload = { kind: 'multisig', threshold: 0, participants: [] };
      payloadOf = () => payload;
      intent = 'multisig-delete';
      break;
    }
  }

  const topoheight = context.topoheight;
  const skeleton: Transaction = {
    version: 1,
    chainId: plan.flaw === 'wrong-chain' ? (context.chainId + 1) % 256 : context.chainId,
    source,
    payload: payloadOf(() => 0n),
    fee: toU64(0n),
    feeType: 0,
    nonce: toU64(nonce),
    reference: { hash: '00'.repeat(32), topoheight: toU64(plan.flaw === 'future-reference' ? topoheight : BigInt(plan.seed) % topoheight) },
    multisig: signers === null ? null : signers.map(({ id }) => ({ id, signature: '00'.repeat(64) })),
    signature: '00'.repeat(64),
  };
  const required = computeRequiredFee(skeleton, encodeTransaction(skeleton).length);
  const fee = plan.flaw === 'low-fee' ? required - 1n - BigInt(plan.seed % 1000) : required + plan.extraFee;

  // Amounts: shares of what the sender may spend now, the fee reserved in TOS.
  const remaining = new Map<AssetId, bigint>();
  const budget = (asset: AssetId): bigint => {
    if (!remaining.has(asset)) {
      const spendable = getSpendableBalance(ledger, source, asset) ?? 0n;
      const reserved = asset === TOS_ASSET ? fee : 0n;
      remaining.set(asset, spendable > reserved ? spendable - reserved : 0n);
    }
    return remaining.get(asset)!;
  };
  let payload: Payload;
  if (plan.kind === 'transfers' && skeleton.payload.kind === 'transfers') {
    payload = {
      kind: 'transfers',
      transfers: skeleton.payload.transfers.map((transfer, index) => {
        const value = pickAmount(plan.outputs[index]!.amount, budget(transfer.asset));
        const left = budget(transfer.asset) - value;
        remaining.set(transfer.asset, left > 0n ? left : 0n);
        return { ...transfer, amount: toU64(value) };
      }),
    };
  } else {
    payload = payloadOf(budget);
  }
  const unsigned: Transaction = { ...skeleton, payload, fee: toU64(fee < 0n ? 0n : fee) };
  const ownerSecret = plan.flaw === 'bad-signature' ? POOL[(plan.seed + 1) % POOL_SIZE]!.secret : secret;
  const transaction = signTransaction(unsigned, ownerSecret, signers);
  let bytes = encodeTransaction(transaction);
  if (plan.flaw === 'damaged-signature') {
    // Flip a bit in the owner signature: either a non-canonical scalar (InvalidFormat) or a wrong signature.
    bytes = bytes.slice();
    const at = bytes.length - 1 - (plan.seed % 64);
    bytes[at] = bytes[at]! ^ (1 << (plan.seed % 8));
  } else if (plan.flaw === 'undecodable') {
    bytes = Uint8Array.from({ length: 3 + (plan.seed % 60) }, (_, index) => (plan.seed * 31 + index * 17) & 0xff);
  } else if (plan.flaw === 'truncated') {
    bytes = bytes.slice(0, plan.seed % bytes.length);
  }
  const flags = [
    `${nameOf(source)} nonce=${nonce}`,
    `fee=${unsigned.fee}`,
    ...(plan.flaw === 'none' ? [] : [plan.flaw]),
    ...(signers === null ? [] : [`sigs=[${signers.map((signer) => signer.id).join(',')}]`]),
  ];
  return { bytes, intent: `${intent} ${flags.join(' ')}` };
}

// ---------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------

/** A generated block. */
export interface ImplBlock {
  readonly state: State;
  readonly context: BlockContext;
  readonly transactions: readonly Uint8Array[];
}

/** Options of {@link implBlockArb}. */
export interface ImplBlockConstraints {
  /** Fewest transactions (default 1). */
  readonly minTransactions?: number;
  /** Most transactions (default 24). */
  readonly maxTransactions?: number;
  /** Fix the ledger model (default: both). */
  readonly ledger?: LedgerModel;
}

function describeState(state: State): string {
  return [...state.accounts.keys()]
    .sort()
    .map((key) => {
      const account = state.accounts.get(key)!;
      const balances = [...account.balances.keys()].map((asset) => `${assetName(asset)}=${account.balances.get(asset)!}`).join(',');
      const multisig = account.multisig ? ` ms=${account.multisig.threshold}/[${account.multisig.participants.map(nameOf).join(',')}]` : '';
      return `${nameOf(key)}{n=${account.nonce} ${balances}${multisig}}`;
    })
    .join(' ');
}

function buildBlock(statePlan: StatePlan, contextPlan: ContextPlan, plans: readonly TxPlan[]): ImplBlock {
  let built = buildState(statePlan);
  let miner: PublicKey;
  switch (contextPlan.miner) {
    case 'outside':
      miner = IMPL_MINER.publicKey;
      break;
    case 'hot':
      miner = built.hot;
      break;
    case 'sender':
      miner = built.senders[contextPlan.topoheight % BigInt(built.senders.length) === 0n ? 0 : 1]!.publicKey;
      break;
  }
  if (contextPlan.miner === 'outside' && contextPlan.minerBalance !== null) {
    const state = createState({
      accounts: [
        ...[...built.state.accounts.entries()].map(([publicKey, account]) => ({
          publicKey,
          nonce: account.nonce,
          balances: [...account.balances.entries()],
          multisig: account.multisig,
        })),
        { publicKey: miner, balances: [[TOS_ASSET, contextPlan.minerBalance]] },
      ],
      assets: [...built.state.assets].filter((asset) => asset !== TOS_ASSET),
      burnedSupply: built.state.burnedSupply,
    });
    built = { ...built, state };
  }
  const context: BlockContext = { chainId: contextPlan.chainId, topoheight: toU64(contextPlan.topoheight), miner, ledger: contextPlan.ledger };
  const block: BlockState = { ledger: beginLedger(context.ledger, built.state), built, context, changed: [] };
  const entries: Entry[] = [];
  for (const plan of plans) {
    const entry = buildEntry(block, plan);
    entries.push(entry);
    const before = block.ledger;
    block.ledger = applyTransaction(block.ledger, context, entry.bytes).ledger;
    // Remember accounts whose configuration just changed.
    for (const key of built.senders) {
      if (getAccount(before.current, key.publicKey)?.multisig !== getAccount(block.ledger.current, key.publicKey)?.multisig) {
        block.changed.push(key.publicKey);
      }
    }
  }
  const result: ImplBlock = { state: built.state, context, transactions: entries.map((entry) => entry.bytes) };
  Object.defineProperty(result, fc.toStringMethod, {
    enumerable: false,
    value: () =>
      [
        `context: chainId=${context.chainId} topoheight=${context.topoheight} miner=${nameOf(miner)} ledger=${context.ledger} hot=${nameOf(built.hot)}`,
        `pre: ${describeState(built.state)} burned=${built.state.burnedSupply} assets=${[...built.state.assets].map(assetName).join(',')}`,
        ...entries.map((entry, index) => `tx${index}: ${entry.intent} hex=${bytesToHex(entry.bytes)}`),
      ].join('\n'),
  });
  return result;
}

/**
 * Random, heavily conflicting blocks with their pre-state and context (both ledger models
 * unless fixed by `constraints.ledger`).
 *
 * @param constraints - block size and ledger model
 * @returns the arbitrary
 */
export function implBlockArb(constraints: ImplBlockConstraints = {}): fc.Arbitrary<ImplBlock> {
  return fc
    .record({
      state: statePlanArb,
      context: contextPlanArb(constraints.ledger),
      plans: fc.array(txPlanArb, { minLength: constraints.minTransactions ?? 1, maxLength: constraints.maxTransactions ?? 24 }),
    })
    .map(({ state, context, plans }) => buildBlock(state, context, plans));
}

/**
 * One block from a seed (the same seed gives the same block).
 *
 * @param seed - the seed
 * @param constraints - see {@link implBlockArb}
 * @returns the block
 */
export function generateImplBlock(seed: number, constraints: ImplBlockConstraints = {}): ImplBlock {
  return fc.sample(implBlockArb(constraints), { seed, numRuns: 1 })[0]!;
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

/** The observable content of a block result, as plain JSON (bigints as decimal strings). */
export type ComparableResult =
  | { readonly ok: true; readonly receipts: unknown; readonly state: unknown; readonly feeTotal: string; readonly stateRoot: string }
  | { readonly ok: false; readonly error: string };

/**
 * Reduce a block result to comparable JSON.
 *
 * @param result - a spec or executor result
 * @returns receipts, `stateToJson` of the post-state, fee total and root, or the block error code
 */
export function toComparable(result: BlockResult): ComparableResult {
  if (!result.ok) return { ok: false, error: result.error.code };
  return {
    ok: true,
    receipts: JSON.parse(JSON.stringify(result.receipts.map(receiptToJson), (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))),
    state: stateToJson(result.state),
    feeTotal: result.feeTotal.toString(),
    stateRoot: result.stateRoot,
  };
}
