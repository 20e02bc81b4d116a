/**
 * Properties of the spec alone (R1, R3, R4, R6-R11, R17, R21, R28-R33), checked with
 * fast-check over generated pre-states and blocks (test/support/spec-arbitraries.ts).
 *
 * Run budget: FC_NUM_RUNS (default in spec-arbitraries.ts). A failure prints fast-check's
 * seed and path, and the counterexample in a readable form.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  applyTransaction,
  beginLedger,
  computeStateRoot,
  createState,
  decodeTransaction,
  encodeSigningBytes,
  encodeTransaction,
  getAccount,
  getBalance,
  LEDGER_MODELS,
  MAX_U64,
  stateToJson,
  TOS_ASSET,
  type AccountInit,
  type AssetId,
  type BlockContext,
  type Ledger,
  type LedgerModel,
  type PublicKey,
  type Receipt,
  type RejectionCode,
  type State,
  type StateInit,
  type Transaction,
  type TransactionResult,
} from '../../spec/index.ts';
import {
  arbitraryBytesArb,
  blockArb,
  damagedBytesArb,
  isU64Edge,
  mutatedBytesArb,
  NUM_RUNS,
  permute,
  preStateArb,
  wireTransactionArb,
  type GeneratedBlock,
} from '../support/spec-arbitraries.ts';

const params = { numRuns: NUM_RUNS };
const DECODE_CODES: readonly RejectionCode[] = ['InvalidFormat', 'UnsupportedTransactionType'];

// ---------------------------------------------------------------------------------------
// Helpers: independent bookkeeping computed from the rules, not from the spec's internals
// ---------------------------------------------------------------------------------------

function withModel(context: BlockContext, ledger: LedgerModel): BlockContext {
  return { ...context, ledger };
}

function decodeOrThrow(bytes: Uint8Array): Transaction {
  const decoded = decodeTransaction(bytes);
  if (!decoded.ok) throw new Error(`an applied transaction did not decode: ${decoded.rejection.detail}`);
  return decoded.value.transaction;
}

/** R28: what a transaction spends per asset (transfer amounts, burn amount, fee in TOS). */
function spentBy(transaction: Transaction): Map<AssetId, bigint> {
  const spent = new Map<AssetId, bigint>();
  const add = (asset: AssetId, amount: bigint): void => {
    spent.set(asset, (spent.get(asset) ?? 0n) + amount);
  };
  const { payload } = transaction;
  if (payload.kind === 'transfers') payload.transfers.forEach((transfer) => add(transfer.asset, transfer.amount));
  if (payload.kind === 'burn') add(payload.asset, payload.amount);
  add(TOS_ASSET, transaction.fee);
  return spent;
}

/** R29: the credits of a transaction, `[destination, asset, amount]`. */
function creditsOf(transaction: Transaction): [PublicKey, AssetId, bigint][] {
  return transaction.payload.kind === 'transfers'
    ? transaction.payload.transfers.map((transfer) => [transfer.destination, transfer.asset, transfer.amount])
    : [];
}

function sumOfBalances(state: State, asset: AssetId): bigint {
  let total = 0n;
  for (const account of state.accounts.values()) total += account.balances.get(asset) ?? 0n;
  return total;
}

function assetsHeld(...states: State[]): Set<AssetId> {
  const assets = new Set<AssetId>();
  for (const state of states) for (const account of state.accounts.values()) for (const asset of account.balances.keys()) assets.add(asset);
  return assets;
}

interface Step {
  readonly before: Ledger;
  readonly bytes: Uint8Array;
  readonly result: TransactionResult;
}

/** Walk a block transaction by transaction with the spec's applyTransaction (as applyBlock does). */
function stepThrough(state: State, context: BlockContext, transactions: readonly Uint8Array[]): Step[] {
  let ledger = beginLedger(context.ledger, state);
  const steps: Step[] = [];
  for (const bytes of transactions) {
    const result = applyTransaction(ledger, context, bytes);
    steps.push({ before: ledger, bytes, result });
    ledger = result.ledger;
  }
  return steps;
}

function stateJson(state: State): string {
  return JSON.stringify(stateToJson(state));
}

// ---------------------------------------------------------------------------------------
// Codec
// ---------------------------------------------------------------------------------------

describe('codec properties', () => {
  it('R6-R11: decode(encode(tx)) equals tx for every well-formed transaction', () => {
    fc.assert(
      fc.property(wireTransactionArb, (transaction) => {
        const bytes = encodeTransaction(transaction);
        const decoded = decodeTransaction(bytes);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value.transaction).toEqual(transaction);
        expect(decoded.value.bytes).toEqual(bytes);
        expect(decoded.value.signingBytes).toEqual(encodeSigningBytes(transaction)); // R11
      }),
      params,
    );
  });

  it('R6-R10: the transactions the block generator signs round-trip through the codec', () => {
    fc.assert(
      fc.property(blockArb(6), (block) => {
        for (const entry of block.entries) {
          const decoded = decodeTransaction(encodeTransaction(entry.transaction));
          expect(decoded.ok).toBe(true);
          if (decoded.ok) expect(decoded.value.transaction).toEqual(entry.transaction);
        }
      }),
      { numRuns: Math.max(1, Math.ceil(NUM_RUNS / 3)) },
    );
  });

  it('R6-R10: encode(decode(b)) equals b for every accepted b, damaged bytes included', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(damagedBytesArb, mutatedBytesArb, arbitraryBytesArb), (bytes) => {
        const decoded = decodeTransaction(bytes);
        if (!decoded.ok) return;
        accepted++;
        expect(encodeTransaction(decoded.value.transaction)).toEqual(bytes);
      }),
      params,
    );
    if (NUM_RUNS >= 50) expect(accepted).toBeGreaterThan(0); // the property was not vacuous
  });

  it('R17: decoding arbitrary or mutated bytes yields a transaction or InvalidFormat/UnsupportedTransactionType, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryBytesArb, mutatedBytesArb, damagedBytesArb), (bytes) => {
        const decoded = decodeTransaction(bytes);
        if (decoded.ok) {
          expect(decoded.value.bytes).toEqual(bytes);
        } else {
          expect(DECODE_CODES).toContain(decoded.rejection.code);
        }
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  it('R17/R29/R33: applyTransaction on arbitrary or mutated bytes never throws and a rejection changes nothing', () => {
    fc.assert(
      fc.property(
        preStateArb,
        fc.constantFrom<LedgerModel>(...LEDGER_MODELS),
        fc.oneof(arbitraryBytesArb, mutatedBytesArb, damagedBytesArb),
        (pre, model, bytes) => {
          const ledger = beginLedger(model, pre.state);
          const context: BlockContext = { chainId: 0, topoheight: 10n as BlockContext['topoheight'], miner: '11'.repeat(32), ledger: model };
          const result = applyTransaction(ledger, context, bytes);
          if (result.receipt.status === 'rejected') {
            expect(result.receipt.error).not.toBeNull();
            expect(result.receipt.fee).toBe(0n);
            expect(stateJson(result.ledger.current)).toBe(stateJson(ledger.current));
          }
        },
      ),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------

describe('block properties', () => {
  it('R1/R29/R32: supply is conserved — TOS balances + burnedSupply, other assets balances + accepted burns', () => {
    fc.assert(
      fc.property(blockArb(), (block) => {
        for (const model of LEDGER_MODELS) {
          const context = withModel(block.context, model);
          const result = applyBlock(block.pre.state, context, block.transactions);
          if (!result.ok) {
            // R32: a block is refused only when the fee total or the miner's credit overflows.
            expect(result.error.code).toBe('BlockOverflow');
            const steps = stepThrough(block.pre.state, context, block.transactions);
            const last = steps.at(-1)!.result.ledger;
            const feeTotal = steps.reduce((total, step) => total + step.result.receipt.fee, 0n);
            const minerNow = getBalance(getAccount(last.current, context.miner), TOS_ASSET) ?? 0n;
            const minerPre = getBalance(getAccount(last.pre, context.miner), TOS_ASSET) ?? 0n;
            const received = model === 'deferred-credits' ? (last.received.get(context.miner + TOS_ASSET) ?? 0n) : 0n;
            const overflows =
              feeTotal > MAX_U64 || minerNow + feeTotal > MAX_U64 || (model === 'deferred-credits' && minerPre + received + feeTotal > MAX_U64);
            expect(overflows).toBe(true);
            continue;
          }
          const burned = new Map<AssetId, bigint>();
          let fees = 0n;
          result.receipts.forEach((receipt, index) => {
            if (receipt.status !== 'applied') {
              expect(receipt.fee).toBe(0n);
              return;
            }
            const transaction = decodeOrThrow(block.transactions[index]!);
            expect(receipt.fee).toBe(transaction.fee);
            fees += transaction.fee;
            if (transaction.payload.kind === 'burn') {
              burned.set(transaction.payload.asset, (burned.get(transaction.payload.asset) ?? 0n) + transaction.payload.amount);
            }
          });
          expect(result.feeTotal).toBe(fees);
          const pre = block.pre.state;
          const post = result.state;
          // TOS: balances + burnedSupply conserved (fees move to the miner); the burned supply grows by the accepted TOS burns.
          expect(sumOfBalances(post, TOS_ASSET) + post.burnedSupply).toBe(sumOfBalances(pre, TOS_ASSET) + pre.burnedSupply);
          expect(post.burnedSupply - pre.burnedSupply).toBe(burned.get(TOS_ASSET) ?? 0n);
          // Other assets: balances + amounts burned by accepted burns conserved.
          for (const asset of assetsHeld(pre, post)) {
            if (asset === TOS_ASSET) continue;
            expect(sumOfBalances(post, asset) + (burned.get(asset) ?? 0n)).toBe(sumOfBalances(pre, asset));
          }
        }
      }),
      params,
    );
  });

  it('R29: a rejected transaction changes nothing (and replaying an accepted one is rejected with InvalidNonce, changing nothing)', () => {
    fc.assert(
      fc.property(blockArb(), (block) => {
        for (const model of LEDGER_MODELS) {
          const context = withModel(block.context, model);
          for (const { before, bytes, result } of stepThrough(block.pre.state, context, block.transactions)) {
            if (result.receipt.status === 'rejected') {
              expect(result.receipt.error).not.toBeNull();
              expect(result.receipt.fee).toBe(0n);
              expect(stateJson(result.ledger.current)).toBe(stateJson(before.current));
              expect(result.ledger.spent.equals(before.spent)).toBe(true);
              expect(result.ledger.received.equals(before.received)).toBe(true);
              expect(result.ledger.pre).toBe(before.pre);
            } else {
              expect(result.receipt.error).toBeNull();
              const replay = applyTransaction(result.ledger, context, bytes);
              expect(replay.receipt.status).toBe('rejected');
              expect(replay.receipt.error).toBe('InvalidNonce');
              expect(stateJson(replay.ledger.current)).toBe(stateJson(result.ledger.current));
            }
          }
        }
      }),
      params,
    );
  });

  it("R21/R29: each sender's nonce rises by exactly its number of accepted transactions", () => {
    fc.assert(
      fc.property(blockArb(), (block) => {
        for (const model of LEDGER_MODELS) {
          const result = applyBlock(block.pre.state, withModel(block.context, model), block.transactions);
          if (!result.ok) continue;
          const accepted = new Map<PublicKey, bigint>();
          result.receipts.forEach((receipt, index) => {
            if (receipt.status !== 'applied') return;
            const { source } = decodeOrThrow(block.transactions[index]!);
            accepted.set(source, (accepted.get(source) ?? 0n) + 1n);
          });
          for (const key of block.pre.state.accounts.keys()) expect(result.state.accounts.has(key)).toBe(true);
          for (const key of accepted.keys()) expect(result.state.accounts.has(key)).toBe(true);
          for (const [key, account] of result.state.accounts) {
            const preNonce = getAccount(block.pre.state, key)?.nonce ?? 0n;
            expect(account.nonce - preNonce).toBe(accepted.get(key) ?? 0n);
          }
        }
      }),
      params,
    );
  });

  it('R4: the state root does not depend on insertion order and changes when any single balance changes by 1', () => {
    fc.assert(
      fc.property(preStateArb, fc.integer(), fc.boolean(), (pre, seed, listTos) => {
        const init = pre.init;
        const accounts = init.accounts ?? [];
        const root = computeStateRoot(pre.state);
        // Same state from permuted account, balance and asset lists.
        const permuted: StateInit = {
          accounts: permute(accounts, seed).map((account, index) => ({
            ...account,
            balances: permute(account.balances ?? [], seed + index + 1),
          })),
          assets: permute([...(init.assets ?? []), ...(listTos ? [TOS_ASSET] : [])], seed ^ 0x5bd1e995),
          burnedSupply: init.burnedSupply ?? 0n,
        };
        const rebuilt = createState(permuted);
        expect(computeStateRoot(rebuilt)).toBe(root);
        expect(stateJson(rebuilt)).toBe(stateJson(pre.state));
        // Any single balance record changed by 1 (within u64) changes the root.
        const withAccount = (index: number, change: (account: AccountInit) => AccountInit): StateInit => ({
          ...init,
          accounts: accounts.map((account, at) => (at === index ? change(account) : account)),
        });
        accounts.forEach((account, index) => {
          const balances = account.balances ?? [];
          balances.forEach(([asset, amount], recordIndex) => {
            const changed = amount === MAX_U64 ? amount - 1n : amount + 1n;
            const state = createState(
              withAccount(index, (a) => ({ ...a, balances: balances.map((b, at) => (at === recordIndex ? ([asset, changed] as const) : b)) })),
            );
            expect(computeStateRoot(state)).not.toBe(root);
          });
          // R3: a zero record is observable, unlike an absent one.
          if (!balances.some(([asset]) => asset === TOS_ASSET)) {
            const state = createState(withAccount(index, (a) => ({ ...a, balances: [...balances, [TOS_ASSET, 0n] as const] })));
            expect(computeStateRoot(state)).not.toBe(root);
          }
        });
      }),
      params,
    );
  });

  it('R33: applyBlock never mutates its inputs and is deterministic', () => {
    fc.assert(
      fc.property(blockArb(), (block: GeneratedBlock) => {
        const stateBefore = stateJson(block.pre.state);
        const rootBefore = computeStateRoot(block.pre.state);
        const bytesBefore = block.transactions.map((bytes) => bytes.slice());
        const contextBefore = JSON.stringify(block.context, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
        for (const model of LEDGER_MODELS) {
          const context = withModel(block.context, model);
          const first = applyBlock(block.pre.state, context, block.transactions);
          expect(stateJson(block.pre.state)).toBe(stateBefore);
          expect(computeStateRoot(block.pre.state)).toBe(rootBefore);
          block.transactions.forEach((bytes, index) => expect(bytes).toEqual(bytesBefore[index]));
          expect(JSON.stringify(block.context, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).toBe(contextBefore);
          const second = applyBlock(block.pre.state, context, block.transactions);
          expect(second.ok).toBe(first.ok);
          if (first.ok && second.ok) {
            expect(second.receipts).toEqual(first.receipts);
            expect(second.stateRoot).toBe(first.stateRoot);
            expect(second.feeTotal).toBe(first.feeTotal);
            expect(stateJson(second.state)).toBe(stateJson(first.state));
            expect(first.receipts).toHaveLength(block.transactions.length);
            expect(first.stateRoot).toBe(computeStateRoot(first.state));
          }
        }
      }),
      params,
    );
  });

  it('R30: under both ledger models, accepted senders had the record they spent, balances stay u64, and deferred-credits final >= pre - spent', () => {
    fc.assert(
      fc.property(blockArb(), (block) => {
        for (const model of LEDGER_MODELS) {
          const context = withModel(block.context, model);
          const spent = new Map<string, bigint>();
          for (const { before, bytes, result } of stepThrough(block.pre.state, context, block.transactions)) {
            if (result.receipt.status !== 'applied') continue;
            const transaction = decodeOrThrow(bytes);
            for (const [asset, total] of spentBy(transaction)) {
              const key = transaction.source + asset;
              const spentSoFar = spent.get(key) ?? 0n;
              if (model === 'immediate') {
                const record = getBalance(getAccount(before.current, transaction.source), asset);
                expect(record).toBeDefined();
                expect(record! >= total).toBe(true);
              } else {
                const record = getBalance(getAccount(block.pre.state, transaction.source), asset);
                expect(record).toBeDefined();
                expect(record! - spentSoFar >= total).toBe(true);
              }
              spent.set(key, spentSoFar + total);
            }
          }
          const result = applyBlock(block.pre.state, context, block.transactions);
          if (!result.ok) continue;
          const post = result.state;
          expect(post.burnedSupply >= 0n && post.burnedSupply <= MAX_U64).toBe(true);
          for (const account of post.accounts.values()) {
            expect(account.nonce >= 0n && account.nonce <= MAX_U64).toBe(true);
            for (const amount of account.balances.values()) expect(amount >= 0n && amount <= MAX_U64).toBe(true);
          }
          if (model === 'deferred-credits') {
            for (const [key, total] of spent) {
              const source = key.slice(0, 64);
              const asset = key.slice(64);
              const preBalance = getBalance(getAccount(block.pre.state, source), asset)!;
              const finalBalance = getBalance(getAccount(post, source), asset);
              expect(finalBalance).toBeDefined();
              expect(finalBalance! >= preBalance - total).toBe(true);
            }
          }
        }
      }),
      params,
    );
  });

  it('R3/R29/R30/R32: every final balance record is pre + received - spent, and exists exactly when it existed or was credited', () => {
    fc.assert(
      fc.property(blockArb(), (block) => {
        for (const model of LEDGER_MODELS) {
          const context = withModel(block.context, model);
          const result = applyBlock(block.pre.state, context, block.transactions);
          if (!result.ok) continue;
          const delta = new Map<string, bigint>();
          const credited = new Set<string>();
          const add = (key: string, amount: bigint): void => {
            delta.set(key, (delta.get(key) ?? 0n) + amount);
          };
          result.receipts.forEach((receipt: Receipt, index) => {
            if (receipt.status !== 'applied') return;
            const transaction = decodeOrThrow(block.transactions[index]!);
            for (const [asset, total] of spentBy(transaction)) add(transaction.source + asset, -total);
            for (const [destination, asset, amount] of creditsOf(transaction)) {
              add(destination + asset, amount);
              credited.add(destination + asset);
            }
          });
          add(context.miner + TOS_ASSET, result.feeTotal);
          credited.add(context.miner + TOS_ASSET);
          const keys = new Set<string>([...delta.keys()]);
          for (const state of [block.pre.state, result.state])
            for (const [publicKey, account] of state.accounts) for (const asset of account.balances.keys()) keys.add(publicKey + asset);
          for (const key of keys) {
            const publicKey = key.slice(0, 64);
            const asset = key.slice(64);
            const preRecord = getBalance(getAccount(block.pre.state, publicKey), asset);
            const finalRecord = getBalance(getAccount(result.state, publicKey), asset);
            expect(finalRecord !== undefined).toBe(preRecord !== undefined || credited.has(key));
            if (finalRecord !== undefined) expect(finalRecord).toBe((preRecord ?? 0n) + (delta.get(key) ?? 0n));
          }
        }
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------
// What the generators produce
// ---------------------------------------------------------------------------------------

describe('generators', () => {
  it('produce mostly accepted transactions, several rejection codes, u64-edge balances and multisig accounts', () => {
    const blocks = fc.sample(blockArb(), { numRuns: 200, seed: 20_240_601 });
    let transactions = 0;
    let accepted = 0;
    let damaged = 0;
    let refused = 0;
    let edgeBalances = 0;
    let multisigAccounts = 0;
    const models: Record<LedgerModel, number> = { immediate: 0, 'deferred-credits': 0 };
    const rejections = new Map<string, number>();
    for (const block of blocks) {
      models[block.context.ledger]++;
      for (const account of block.pre.state.accounts.values()) {
        if (account.multisig !== null) multisigAccounts++;
        for (const amount of account.balances.values()) if (isU64Edge(amount)) edgeBalances++;
      }
      damaged += block.entries.filter((entry) => entry.damaged).length;
      const result = applyBlock(block.pre.state, block.context, block.transactions);
      if (!result.ok) {
        refused++;
        continue;
      }
      for (const receipt of result.receipts) {
        transactions++;
        if (receipt.status === 'applied') accepted++;
        else rejections.set(receipt.error!, (rejections.get(receipt.error!) ?? 0) + 1);
      }
    }
    const codes = [...rejections].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code}=${count}`);
    console.log(
      `generators: ${blocks.length} blocks (${models.immediate} immediate, ${models['deferred-credits']} deferred, ${refused} BlockOverflow), ` +
        `${transactions} txs, accepted ${accepted} (${((100 * accepted) / Math.max(1, transactions)).toFixed(1)}%), damaged ${damaged}, ` +
        `rejected {${codes.join(' ')}}, u64-edge balances ${edgeBalances}, multisig accounts ${multisigAccounts}`,
    );
    expect(accepted / transactions).toBeGreaterThanOrEqual(0.5);
    expect(rejections.size).toBeGreaterThanOrEqual(3);
  });
});
