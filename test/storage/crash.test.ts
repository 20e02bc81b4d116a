/**
 * Crash safety (short version of `npm run crash-test`): a child process committing a
 * chain into an LMDB store is SIGKILLed at random moments, several times inside a
 * commit's write transaction; every reopened store holds exactly the spec's state after
 * a whole number of blocks, with the matching root, never a mix; some kills land between
 * two writes of one block's commit.
 */
import { describe, expect, it } from 'vitest';
import { runCrashTrials } from '../../scripts/crash-harness.ts';

describe('LmdbStorage under SIGKILL', () => {
  it('reopens to the spec state after a whole number of blocks, every time', async () => {
    const summary = await runCrashTrials({ trials: 12, seed: 77, blocks: 30 });
    const failures = summary.trials.filter((trial) => !trial.ok);
    expect(failures).toEqual([]);
    expect(summary.trials).toHaveLength(12);
    expect(summary.midCommit).toBeGreaterThanOrEqual(3);
    // Kills between two writes of one block's commit (every third trial aims there).
    expect(summary.midWrite).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
