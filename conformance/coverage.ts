/**
 * What the generators produce, measured (fast-check `statistics` style, but as numbers a
 * test can check): {@link measureGeneratorCoverage} samples blocks from
 * {@link blockArbitrary}, runs the spec on each and counts, per transaction, the outcome,
 * the rejection code and which rules of R17-R32 it *reached*; per block, the ledger
 * model, BlockOverflow, the conflict depth and multisig reconfigurations followed by a
 * spend; per pre-state, balances at the u64 edge. {@link formatCoverage} prints it.
 *
 * @module conformance/coverage
 */

import * as fc from 'fast-check';
import {
  ALL_REJECTION_CODES,
  applyBlock,
  applyTransaction,
  beginLedger,
  decodeTransaction,
  getAccount,
  TOS_ASSET,
  type AssetId,
  type LedgerModel,
  type PublicKey,
  type RejectionCode,
  type Transaction,
} from '../spec/index.ts';
import { blockArbitrary, isU64Edge, type BlockConstraints, type GeneratedBlock } from './arbitraries/index.ts';

/** The rules whose reach is measured, R17 to R32. */
export const COVERAGE_RULES = ['R17', 'R18', 'R19', 'R20', 'R21', 'R22', 'R23', 'R24', 'R25', 'R26', 'R27', 'R28', 'R29', 'R30', 'R31', 'R32'] as const;

/** One of {@link COVERAGE_RULES}. */
export type CoverageRule = (typeof COVERAGE_RULES)[number];

/**
 * When a transaction *reaches* a rule, for {@link CoverageReport.rules}. "Passes" means
 * the check did not reject it (it was rejected by a later check, or accepted); the
 * stage a rejection stopped at is read from the rejection's `rule`.
 */
export const RULE_REACH: Readonly<Record<CoverageRule, string>> = {
  R17: 'every transaction (decoded, or rejected at decode)',
  R18: 'the version byte is present (at least one byte)',
  R19: 'decoded: the fee is checked',
  R20: 'passed R19: the reference topoheight is checked',
  R21: 'passed R20: the sender and its nonce are looked up',
  R22: 'passed R21 with a Transfers payload',
  R23: 'passed R21 with a Burn payload',
  R24: 'passed R21 with a MultiSig payload',
  R25: 'passed R22-R24: the chain id is checked',
  R26: 'passed R25: the source key and owner signature are checked',
  R27: 'passed R26: multisig authorisation is checked',
  R28: 'passed R27: spending is checked',
  R29: 'passed R28: the effects are applied (or overflow)',
  R30: 'reached R28 while spending an asset the sender received earlier in the block (the models differ)',
  R31: 'reached R21 with a sender created earlier in the block',
  R32: 'accepted in the sequential run: its fee joins the end-of-block miner credit (which may refuse the block)',
};

/** A count and its share of the transactions. */
export interface CountShare {
  /** How many. */
  readonly count: number;
  /** `count / transactions` (0 when there are none). */
  readonly share: number;
}

/** What {@link measureGeneratorCoverage} returns. */
export interface CoverageReport {
  /** Sampled blocks. */
  readonly blocks: number;
  /** The seed of the sample. */
  readonly seed: number;
  /** Blocks per ledger model. */
  readonly blocksPerModel: Readonly<Record<LedgerModel, number>>;
  /** Blocks refused with `BlockOverflow` (R32). */
  readonly blockOverflowBlocks: number;
  /** Generated transactions. */
  readonly transactions: number;
  /** Transactions applied by `applyBlock` (none in a BlockOverflow block). */
  readonly accepted: number;
  /** `accepted / transactions`. */
  readonly acceptedShare: number;
  /** Per rejection code: transactions rejected with it (every transaction gets its code from the sequential run, also in BlockOverflow blocks). */
  readonly rejections: Readonly<Record<RejectionCode, CountShare>>;
  /** Per rule R17-R32: transactions that reach it, as defined in {@link RULE_REACH}. */
  readonly rules: Readonly<Record<CoverageRule, CountShare>>;
  /** Blocks, per ledger model, with at least one transaction reaching R30. */
  readonly r30BlocksPerModel: Readonly<Record<LedgerModel, number>>;
  /**
   * Conflict depth per block: the longest chain of transactions where each touches an
   * account (source or transfer destination) the previous one touched, computed with a
   * last-writer map over the decoded transactions in block order.
   */
  readonly conflictDepth: {
    /** Mean over blocks. */
    readonly mean: number;
    /** Maximum over blocks. */
    readonly max: number;
    /** Blocks by depth bucket: `0`, `1`, `2-3`, `4-7`, `8+`. */
    readonly histogram: Readonly<Record<string, number>>;
  };
  /** Accepted multisig configuration changes followed, in the same block, by a transaction of that account reaching R27 (authorised by the new configuration). */
  readonly multisigChangeThenSpend: number;
  /** Balance records at the u64 edge (`>= 2^64 - 2^32`) in the pre-states, and pre-states holding at least one. */
  readonly u64Edge: {
    /** Edge balance records. */
    readonly balances: number;
    /** Pre-states with at least one. */
    readonly preStates: number;
  };
}

/** Stage a transaction stopped at, in check order; 10 = accepted. */
const STAGE_OF_RULE: Readonly<Record<string, number>> = {
  R17: 0,
  R18: 0,
  R9: 0,
  R19: 1,
  R20: 2,
  R21: 3,
  R31: 3,
  R22: 4,
  R23: 4,
  R24: 4,
  R25: 5,
  R26: 6,
  R27: 7,
  R28: 8,
  R29: 9,
};
const ACCEPTED_STAGE = 10;

function spentAssets(transaction: Transaction): AssetId[] {
  const { payload } = transaction;
  const assets: AssetId[] = [TOS_ASSET];
  if (payload.kind === 'burn') assets.push(payload.asset);
  if (payload.kind === 'transfers') assets.push(...payload.transfers.map((transfer) => transfer.asset));
  return assets;
}

function touchedAccounts(transaction: Transaction): PublicKey[] {
  const { payload } = transaction;
  return [transaction.source, ...(payload.kind === 'transfers' ? payload.transfers.map((transfer) => transfer.destination) : [])];
}

interface Tally {
  transactions: number;
  accepted: number;
  blockOverflowBlocks: number;
  blocksPerModel: Record<LedgerModel, number>;
  r30BlocksPerModel: Record<LedgerModel, number>;
  rejections: Map<RejectionCode, number>;
  rules: Map<CoverageRule, number>;
  depths: number[];
  multisigChangeThenSpend: number;
  edgeBalances: number;
  edgePreStates: number;
}

function reach(tally: Tally, rule: CoverageRule): void {
  tally.rules.set(rule, (tally.rules.get(rule) ?? 0) + 1);
}

function measureBlock(tally: Tally, block: GeneratedBlock): void {
  const { state, context, transactions } = block;
  tally.blocksPerModel[context.ledger]++;
  let edge = 0;
  for (const account of state.accounts.values()) for (const amount of account.balances.values()) if (isU64Edge(amount)) edge++;
  tally.edgeBalances += edge;
  if (edge > 0) tally.edgePreStates++;

  const result = applyBlock(state, context, transactions);
  let ledger = beginLedger(context.ledger, state);
  const received = new Set<string>();
  const lastDepth = new Map<PublicKey, number>();
  const pendingChange = new Set<PublicKey>();
  let depth = 0;
  let r30 = false;
  transactions.forEach((bytes, index) => {
    tally.transactions++;
    reach(tally, 'R17');
    if (bytes.length > 0) reach(tally, 'R18');
    const decoded = decodeTransaction(bytes);
    const before = ledger;
    const outcome = applyTransaction(before, context, bytes);
    ledger = outcome.ledger;
    const stage = outcome.rejection === null ? ACCEPTED_STAGE : STAGE_OF_RULE[outcome.rejection.rule];
    if (stage === undefined) throw new Error(`coverage: unknown rule ${outcome.rejection?.rule}`);
    if (outcome.rejection !== null) tally.rejections.set(outcome.rejection.code, (tally.rejections.get(outcome.rejection.code) ?? 0) + 1);
    if (result.ok && result.receipts[index]?.error !== outcome.receipt.error) {
      throw new Error(`coverage: applyBlock and the sequential run disagree on transaction ${index}`);
    }
    if (!decoded.ok) return;
    const transaction = decoded.value.transaction;
    const { source, payload } = transaction;
    if (stage >= 1) reach(tally, 'R19');
    if (stage >= 2) reach(tally, 'R20');
    if (stage >= 3) {
      reach(tally, 'R21');
      if (getAccount(before.pre, source) === undefined && getAccount(before.current, source) !== undefined) reach(tally, 'R31');
    }
    if (stage >= 4) reach(tally, payload.kind === 'transfers' ? 'R22' : payload.kind === 'burn' ? 'R23' : 'R24');
    if (stage >= 5) reach(tally, 'R25');
    if (stage >= 6) reach(tally, 'R26');
    if (stage >= 7) {
      reach(tally, 'R27');
      if (pendingChange.delete(source)) tally.multisigChangeThenSpend++;
    }
    if (stage >= 8) {
      reach(tally, 'R28');
      if (spentAssets(transaction).some((asset) => received.has(source + asset))) {
        reach(tally, 'R30');
        r30 = true;
      }
    }
    if (stage >= 9) reach(tally, 'R29');
    if (stage === ACCEPTED_STAGE) {
      reach(tally, 'R32');
      if (payload.kind === 'transfers') for (const transfer of payload.transfers) received.add(transfer.destination + transfer.asset);
      if (payload.kind === 'multisig') pendingChange.add(source);
    }
    // Conflict depth: one more than the deepest earlier transaction touching the same accounts.
    const touched = touchedAccounts(transaction);
    const own = 1 + Math.max(0, ...touched.map((key) => lastDepth.get(key) ?? 0));
    for (const key of touched) lastDepth.set(key, own);
    depth = Math.max(depth, own);
  });
  if (r30) tally.r30BlocksPerModel[context.ledger]++;
  tally.depths.push(depth);
  if (result.ok) {
    tally.accepted += result.receipts.filter((receipt) => receipt.status === 'applied').length;
  } else {
    tally.blockOverflowBlocks++;
  }
}

function share(count: number, total: number): CountShare {
  return { count, share: total === 0 ? 0 : count / total };
}

function bucketOf(depth: number): string {
  if (depth <= 1) return String(depth);
  if (depth <= 3) return '2-3';
  if (depth <= 7) return '4-7';
  return '8+';
}

/**
 * Sample blocks from {@link blockArbitrary} and measure what they exercise: the spec's
 * `applyBlock` on each block (accepted share, BlockOverflow), and a sequential
 * `applyTransaction` run beside it for per-transaction rejection codes and rule reach
 * (the two must agree; a disagreement throws).
 *
 * @param samples - how many blocks to sample
 * @param seed - the fast-check seed (the same seed gives the same report)
 * @param c - the block constraints to measure
 * @returns the counts and shares
 * @example
 * const report = measureGeneratorCoverage(300, 42);
 * console.log(formatCoverage(report));
 */
export function measureGeneratorCoverage(samples: number, seed: number, c: BlockConstraints = {}): CoverageReport {
  const tally: Tally = {
    transactions: 0,
    accepted: 0,
    blockOverflowBlocks: 0,
    blocksPerModel: { immediate: 0, 'deferred-credits': 0 },
    r30BlocksPerModel: { immediate: 0, 'deferred-credits': 0 },
    rejections: new Map(),
    rules: new Map(),
    depths: [],
    multisigChangeThenSpend: 0,
    edgeBalances: 0,
    edgePreStates: 0,
  };
  for (const block of fc.sample(blockArbitrary(c), { seed, numRuns: samples })) measureBlock(tally, block);
  const total = tally.transactions;
  const histogram: Record<string, number> = { '0': 0, '1': 0, '2-3': 0, '4-7': 0, '8+': 0 };
  for (const depth of tally.depths) histogram[bucketOf(depth)] = (histogram[bucketOf(depth)] ?? 0) + 1;
  return {
    blocks: samples,
    seed,
    blocksPerModel: tally.blocksPerModel,
    blockOverflowBlocks: tally.blockOverflowBlocks,
    transactions: total,
    accepted: tally.accepted,
    acceptedShare: total === 0 ? 0 : tally.accepted / total,
    rejections: Object.fromEntries(ALL_REJECTION_CODES.map((code) => [code, share(tally.rejections.get(code) ?? 0, total)])) as Record<RejectionCode, CountShare>,
    rules: Object.fromEntries(COVERAGE_RULES.map((rule) => [rule, share(tally.rules.get(rule) ?? 0, total)])) as Record<CoverageRule, CountShare>,
    r30BlocksPerModel: tally.r30BlocksPerModel,
    conflictDepth: {
      mean: tally.depths.length === 0 ? 0 : tally.depths.reduce((sum, depth) => sum + depth, 0) / tally.depths.length,
      max: Math.max(0, ...tally.depths),
      histogram,
    },
    multisigChangeThenSpend: tally.multisigChangeThenSpend,
    u64Edge: { balances: tally.edgeBalances, preStates: tally.edgePreStates },
  };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

/**
 * A compact multi-line table of a coverage report.
 *
 * @param report - from {@link measureGeneratorCoverage}
 * @returns the table, one line per code and per rule, then the block-level counts
 * @example
 * console.log(formatCoverage(measureGeneratorCoverage(100, 1)));
 */
export function formatCoverage(report: CoverageReport): string {
  const lines: string[] = [];
  lines.push(
    `blocks ${report.blocks} (immediate ${report.blocksPerModel.immediate}, deferred-credits ${report.blocksPerModel['deferred-credits']}; BlockOverflow ${report.blockOverflowBlocks}), seed ${report.seed}`,
    `transactions ${report.transactions}, accepted ${report.accepted} (${percent(report.acceptedShare)})`,
    '',
    `${'rejection code'.padEnd(28)}${'count'.padStart(7)}${'share'.padStart(9)}`,
  );
  for (const [code, { count, share: value }] of Object.entries(report.rejections)) {
    lines.push(`${code.padEnd(28)}${String(count).padStart(7)}${percent(value).padStart(9)}`);
  }
  lines.push('', `${'rule'.padEnd(6)}${'reached'.padStart(8)}${'share'.padStart(9)}  definition`);
  for (const rule of COVERAGE_RULES) {
    const { count, share: value } = report.rules[rule];
    lines.push(`${rule.padEnd(6)}${String(count).padStart(8)}${percent(value).padStart(9)}  ${RULE_REACH[rule]}`);
  }
  const histogram = Object.entries(report.conflictDepth.histogram)
    .map(([bucket, count]) => `${bucket}:${count}`)
    .join(' ');
  lines.push(
    '',
    `R30 blocks: immediate ${report.r30BlocksPerModel.immediate}, deferred-credits ${report.r30BlocksPerModel['deferred-credits']}`,
    `conflict depth: mean ${report.conflictDepth.mean.toFixed(2)}, max ${report.conflictDepth.max}; blocks by depth ${histogram}`,
    `multisig change then spend in the same block: ${report.multisigChangeThenSpend}`,
    `u64-edge balances in pre-states: ${report.u64Edge.balances} records in ${report.u64Edge.preStates} of ${report.blocks} pre-states`,
  );
  return lines.join('\n');
}
