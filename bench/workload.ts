/**
 * Benchmark workloads: realistic blocks with a tunable conflict ratio.
 *
 * A block of `n` transactions: 70% transfers with 1-3 outputs, 10% burns (TOS and another
 * asset), 5% multisig setups and 15% multisig-authorised spends (2-of-3, so three
 * signatures to verify). A fraction `conflict` of the transactions touch the hot set: a
 * hot transfer or spend credits the hot wallet, a hot burn is sent by the hot wallet
 * (a nonce chain). At conflict 1 every transaction touches the hot wallet, so each one
 * conflicts with the one before it. Every other transaction has its own sender and fresh
 * destinations. All transactions are valid and accepted under both ledger models.
 */
import { createRandom } from './random.ts';
import {
  computeRequiredFee,
  createState,
  encodeTransaction,
  getPublicKey,
  toU64,
  TOS_ASSET,
  type AccountInit,
  type MultiSigConfig,
  type Payload,
  type State,
  type Transaction,
} from '../spec/index.ts';
import { createTestKey, signTransaction, type TestKey } from '../spec/test-keys.ts';

/** The second registered asset of the workloads. */
export const BENCH_ASSET = '5a'.repeat(32);

/** A generated block. */
export interface Workload {
  /** The pre-state. */
  readonly state: State;
  /** The transactions' wire bytes. */
  readonly transactions: readonly Uint8Array[];
  /** Signatures per transaction (1 + multisig signatures): the verification weight. */
  readonly weights: readonly number[];
  /** The pre-block multisig configuration of each transaction's source. */
  readonly configs: readonly (MultiSigConfig | null)[];
}

const PARTICIPANTS: readonly TestKey[] = ['p0', 'p1', 'p2'].map((name) => createTestKey(`bench-participant-${name}`));
const HOT_WALLET = createTestKey('bench-hot-wallet');
const FUNDS = 1_000_000_000_000n;

function fastKey(name: string, random: () => number): TestKey {
  // A secret from the PRNG is as good as a derived one for benchmarks and much cheaper to make.
  let secret = 0n;
  for (let i = 0; i < 7; i++) secret = (secret << 32n) | BigInt(Math.floor(random() * 2 ** 32));
  secret += 1n;
  return { name, secret, publicKey: getPublicKey(secret) };
}

function freshAddress(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 8; i++) hex += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  return hex;
}

/**
 * Generate a workload.
 *
 * @param n - transactions in the block
 * @param conflict - fraction in [0, 1] of transactions touching the hot set
 * @param seed - PRNG seed
 * @returns the workload
 */
export function generateWorkload(n: number, conflict: number, seed = 1): Workload {
  const random = createRandom(seed + Math.round(conflict * 1000));
  const accounts: AccountInit[] = [
    { publicKey: HOT_WALLET.publicKey, balances: [[TOS_ASSET, FUNDS], [BENCH_ASSET, FUNDS]] },
  ];
  const transactions: Uint8Array[] = [];
  const weights: number[] = [];
  const configs: (MultiSigConfig | null)[] = [];
  let hotNonce = 0n;
  const multisigConfig: MultiSigConfig = { threshold: 2, participants: PARTICIPANTS.map((p) => p.publicKey) };
  for (let index = 0; index < n; index++) {
    const hot = random() < conflict;
    const roll = random();
    const kind = roll < 0.7 ? 'transfer' : roll < 0.8 ? 'burn' : roll < 0.85 ? (hot ? 'transfer' : 'setup') : 'spend';
    let source: TestKey;
    let nonce = 0n;
    let signers: { id: number; secret: bigint }[] | null = null;
    let payload: Payload;
    if (kind === 'burn' && hot) {
      source = HOT_WALLET;
      nonce = hotNonce++;
    } else {
      source = fastKey(`bench-sender-${index}`, random);
      accounts.push({
        publicKey: source.publicKey,
        balances: [[TOS_ASSET, FUNDS], [BENCH_ASSET, FUNDS]],
        multisig: kind === 'spend' ? multisigConfig : null,
      });
    }
    configs.push(kind === 'spend' ? multisigConfig : null);
    const destinations = () => {
      const count = 1 + Math.floor(random() * 3);
      return Array.from({ length: count }, (_, output) => (hot && output === 0 ? HOT_WALLET.publicKey : freshAddress(random)));
    };
    switch (kind) {
      case 'transfer':
        payload = {
          kind: 'transfers',
          transfers: destinations().map((destination) => ({
            asset: random() < 0.8 ? TOS_ASSET : BENCH_ASSET,
            destination,
            amount: toU64(BigInt(1 + Math.floor(random() * 1_000_000))),
            extraData: random() < 0.2 ? '00'.repeat(16) : null,
          })),
        };
        break;
      case 'spend':
        payload = {
          kind: 'transfers',
          transfers: [{ asset: TOS_ASSET, destination: hot ? HOT_WALLET.publicKey : freshAddress(random), amount: toU64(1000n), extraData: null }],
        };
        signers = [
          { id: 0, secret: PARTICIPANTS[0]!.secret },
          { id: 2, secret: PARTICIPANTS[2]!.secret },
        ];
        break;
      case 'burn':
        payload = { kind: 'burn', asset: random() < 0.5 ? TOS_ASSET : BENCH_ASSET, amount: toU64(BigInt(1 + Math.floor(random() * 1000))) };
        break;
      case 'setup':
        payload = { kind: 'multisig', threshold: 2, participants: PARTICIPANTS.map((p) => p.publicKey) };
        break;
    }
    const unsigned: Transaction = {
      version: 1,
      chainId: 0,
      source: source.publicKey,
      payload,
      fee: toU64(0n),
      feeType: 0,
      nonce: toU64(nonce),
      reference: { hash: '00'.repeat(32), topoheight: toU64(0n) },
      multisig: signers === null ? null : signers.map(({ id }) => ({ id, signature: '00'.repeat(64) })),
      signature: '00'.repeat(64),
    };
    const fee = computeRequiredFee(unsigned, encodeTransaction(unsigned).length);
    transactions.push(encodeTransaction(signTransaction({ ...unsigned, fee }, source.secret, signers)));
    weights.push(1 + (signers?.length ?? 0));
  }
  return { state: createState({ accounts, assets: [BENCH_ASSET] }), transactions, weights, configs };
}
