/**
 * The reference specification of TOS transaction execution (Burn, Transfers, MultiSig),
 * pure and sequential. Start at {@link applyBlock}; every function cites the rules
 * (R1-R33 of the rules brief) it implements.
 *
 * @module spec
 */

export * from './integers.ts';
export * from './bytes.ts';
export * from './errors.ts';
export * from './transaction.ts';
export * from './codec.ts';
export * from './hash.ts';
export * from './signature.ts';
export * from './fee.ts';
export * from './state.ts';
export * from './state-root.ts';
export * from './ledger.ts';
export * from './context.ts';
export * from './transfer.ts';
export * from './burn.ts';
export * from './multisig.ts';
export * from './spending.ts';
export * from './apply-transaction.ts';
export * from './inputs.ts';
export * from './block.ts';
export * from './json.ts';
