/**
 * The fast-check arbitraries of the conformance suite: one per domain type, each with a
 * `<Name>Constraints` options type, generating meaningful values from the state rather
 * than filtering random ones.
 *
 * - {@link keyPool} and the shared keys, assets and names.
 * - {@link universeArbitrary}: 2 to 50 accounts and a hot set.
 * - {@link preStateArbitrary}: balances at 0, 1 and the u64 edge, assets, multisig configurations.
 * - {@link contextArbitrary}: block contexts under either ledger model.
 * - {@link transactionPlanArbitrary} / {@link transactionArbitrary}: transactions built against a state.
 * - {@link damageArbitrary}: raw byte damage.
 * - {@link blockArbitrary} and {@link generateBlockFromState}: whole blocks.
 * - {@link misusedBlockArbitrary}: blocks whose context, state or transactions are made invalid.
 *
 * @module conformance/arbitraries
 */

export * from './keys.ts';
export * from './universe.ts';
export * from './pre-state.ts';
export * from './damage.ts';
export * from './transaction.ts';
export * from './block.ts';
export * from './invalid-inputs.ts';
