/**
 * Damaged stores are refused, never crash (short version of `npm run damage-campaign`):
 * copies of a store with `data.mdb` truncated at every page boundary, and with single-byte
 * changes (half of them in the used part of a page), go through `state-root`, open,
 * `readState`, `inspect` and one more block in a child process. No case may crash (a
 * signal, a hang, an untyped error) and none may be accepted with a wrong state.
 */
import { describe, expect, it } from 'vitest';
import { runDamageCampaign } from '../../scripts/damage-harness.ts';

describe('LmdbStorage on damaged files', () => {
  it('every truncation and every byte change is refused with a typed error or harmless; none crashes', async () => {
    const summary = await runDamageCampaign({ seed: 5, blocks: 3, truncations: 'all', flips: 40 });
    const truncations = summary.cases.filter((entry) => entry.damage.startsWith('truncate'));
    const flips = summary.cases.filter((entry) => !entry.damage.startsWith('truncate'));
    // What the damage produced: printed so a run shows the hard cases occur.
    console.log(`damage: ${summary.cases.length} cases on a ${summary.file.size}-byte data.mdb; outcomes ${JSON.stringify(summary.counts)}; codes ${JSON.stringify(summary.codes)}`);
    expect(summary.cases.filter((entry) => entry.outcome === 'crash' || entry.outcome === 'wrong')).toEqual([]);
    // Every page boundary below the file's size, the empty file included; each one loses data, so each is refused.
    expect(truncations).toHaveLength(summary.file.size / summary.file.pageSize);
    expect(truncations.every((entry) => entry.outcome === 'typed')).toBe(true);
    expect(flips).toHaveLength(40);
    // Some changes hit live records and are caught; the rest were harmless.
    expect(flips.filter((entry) => entry.outcome === 'typed').length).toBeGreaterThanOrEqual(1);
    expect(flips.every((entry) => entry.outcome === 'typed' || entry.outcome === 'accepted')).toBe(true);
  }, 240_000);
});
