/**
 * The block context (rule R5): what a block's transactions are executed against besides
 * the state.
 *
 * @module context
 */

import type { PublicKey } from './bytes.ts';
import type { U64 } from './integers.ts';
import type { LedgerModel } from './ledger.ts';

/** The block context (R5). */
export interface BlockContext {
  /** The chain id every transaction must carry (R25), 0 to 255. */
  readonly chainId: number;
  /** The block's own topoheight; the state it builds on is at `topoheight - 1` (R20). */
  readonly topoheight: U64;
  /** The account credited with the block's fees (R32). */
  readonly miner: PublicKey;
  /** The ledger model in force (R30). */
  readonly ledger: LedgerModel;
}
