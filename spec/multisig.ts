/**
 * Multisig accounts (rules R24, R27, R29).
 *
 * R24, a MultiSig payload, in this order: `threshold > count` is `MultiSigThreshold`; the
 * source among the participants is `MultiSigParticipants`; a delete (threshold 0, no
 * participants) when the account has no configuration is `MultiSigNotConfigured`.
 * Replacing an existing configuration is allowed.
 *
 * R27, authorisation of any transaction against the configuration the account has *now*
 * (so a MultiSig payload is authorised by the old configuration): configured but no
 * multisig field is `MultiSigNotFound`; a multisig field but no configuration is
 * `MultiSigNotConfigured`; a signature count other than the threshold is
 * `MultiSigParticipants`; then for each signature in wire order: an id out of range is
 * `MultiSigParticipants`, a participant key that is not a point is `InvalidPublicKey`, an
 * invalid signature is `InvalidSignature`. Signatures may come in any order. Each
 * participant signs the BLAKE3 hash of the signing bytes (R15).
 *
 * R29: a MultiSig payload sets (threshold >= 1) or deletes (threshold 0) the configuration.
 *
 * @module multisig
 */

import type { PublicKey } from './bytes.ts';
import { reject, type Rejection } from './errors.ts';
import { computeMultiSigMessage } from './hash.ts';
import { applyAccount, getAccount, type Account, type MultiSigConfig } from './state.ts';
import type { Ledger } from './ledger.ts';
import { decodePublicKey, verifySignature } from './signature.ts';
import type { MultiSigPayload, MultiSigSignature } from './transaction.ts';
import { SpecInvariantError } from './errors.ts';

/**
 * Check a MultiSig payload (R24).
 *
 * @param source - the sender's key
 * @param payload - the new configuration (threshold 0 deletes)
 * @param account - the sender's current account
 * @returns the first failing check's rejection, or `undefined`
 * @example
 * validateMultiSigSetup(alice, { kind: 'multisig', threshold: 3, participants: [bob, carol] }, account)
 * // { code: 'MultiSigThreshold', ... }
 */
export function validateMultiSigSetup(
  source: PublicKey,
  payload: MultiSigPayload,
  account: Account,
): Rejection | undefined {
  if (payload.threshold > payload.participants.length) {
    return reject(
      'MultiSigThreshold',
      'R24',
      `threshold ${payload.threshold} exceeds ${payload.participants.length} participants`,
    );
  }
  if (payload.participants.includes(source)) {
    return reject('MultiSigParticipants', 'R24', 'the source is among its own participants');
  }
  if (payload.threshold === 0 && account.multisig === null) {
    return reject('MultiSigNotConfigured', 'R24', 'delete of a multisig configuration that does not exist');
  }
  return undefined;
}

/**
 * Check the multisig authorisation of a transaction (R27) against the configuration the
 * sender has now.
 *
 * @param config - the sender's current configuration, or `null`
 * @param signatures - the transaction's multisig field, or `null` when absent
 * @param signingBytes - the transaction's signing bytes (R11)
 * @returns the first failing check's rejection, or `undefined`
 * @example
 * checkMultiSigAuthorisation(account.multisig, transaction.multisig, decoded.signingBytes)
 */
export function checkMultiSigAuthorisation(
  config: MultiSigConfig | null,
  signatures: readonly MultiSigSignature[] | null,
  signingBytes: Uint8Array,
): Rejection | undefined {
  if (config === null) {
    return signatures === null
      ? undefined
      : reject('MultiSigNotConfigured', 'R27', 'multisig field present but the account has no configuration');
  }
  if (signatures === null) {
    return reject('MultiSigNotFound', 'R27', 'the account is multisig but the transaction has no multisig field');
  }
  if (signatures.length !== config.threshold) {
    return reject(
      'MultiSigParticipants',
      'R27',
      `${signatures.length} signatures where the threshold is ${config.threshold}`,
    );
  }
  const message = computeMultiSigMessage(signingBytes);
  for (const { id, signature } of signatures) {
    const participant = config.participants[id];
    if (participant === undefined) {
      return reject('MultiSigParticipants', 'R27', `signature id ${id} is out of range`);
    }
    const participantKey = decodePublicKey(participant);
    if (participantKey === undefined) {
      return reject('InvalidPublicKey', 'R27', `participant ${id} key is not a valid Ristretto point`);
    }
    if (!verifySignature(participantKey, message, signature)) {
      return reject('InvalidSignature', 'R27', `signature of participant ${id} does not verify`);
    }
  }
  return undefined;
}

/**
 * Set or delete the sender's configuration (R29).
 *
 * @param ledger - the block in progress
 * @param source - the sender's key
 * @param payload - the configuration; threshold 0 deletes
 * @returns the ledger with the new configuration
 * @example
 * applyMultiSig(ledger, alice, { kind: 'multisig', threshold: 0, participants: [] })
 */
export function applyMultiSig(ledger: Ledger, source: PublicKey, payload: MultiSigPayload): Ledger {
  const account = getAccount(ledger.current, source);
  if (account === undefined) {
    throw new SpecInvariantError(`multisig change for missing account ${source}`);
  }
  const multisig = payload.threshold === 0 ? null : { threshold: payload.threshold, participants: payload.participants };
  return { ...ledger, current: applyAccount(ledger.current, source, { ...account, multisig }) };
}
