/**
 * `npm run damage-campaign [-- --flips N] [-- --seed S] [-- --blocks B] [-- --no-probe]`: damage copies of
 * a store (every truncation of `data.mdb` to a page boundary, N single-byte changes at
 * random offsets, half of them in the used part of a page; default 300), run `state-root`, open, `readState`, `inspect` and one
 * more block on each in a child process, and count the outcomes: typed refusals,
 * accepted (harmless) damage, wrong results and crashes. Prints every case and the
 * figures; exits 1 on any crash or wrong result.
 */
import { runDamageCampaign } from './damage-harness.ts';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const seed = option('--seed', 5);
const flips = option('--flips', 300);
const blocks = option('--blocks', 3);
const probe = !process.argv.includes('--no-probe');
const started = performance.now();
const summary = await runDamageCampaign({ seed, flips, blocks, truncations: 'all', probe, log: (line) => console.log(line) });
const { counts } = summary;
const truncations = summary.cases.filter((entry) => entry.damage.startsWith('truncate')).length;
console.log('');
console.log(`read probe before open: ${probe ? 'on' : 'OFF (--no-probe)'}`);
console.log(`store: data.mdb of ${summary.file.size} bytes (${summary.file.size / summary.file.pageSize} pages of ${summary.file.pageSize}), seed ${seed}, ${blocks} blocks`);
console.log(`cases: ${summary.cases.length} (${truncations} truncations on every page boundary, ${summary.cases.length - truncations} single-byte changes), in ${summary.children} child processes`);
console.log(`outcomes: typed ${counts.typed}, accepted (harmless) ${counts.accepted}, wrong ${counts.wrong}, crash ${counts.crash}`);
console.log(`typed refusals by code: ${Object.entries(summary.codes).map(([code, count]) => `${code} ${count}`).join(', ')}`);
const failed = counts.crash + counts.wrong;
console.log(`${failed === 0 ? 'PASSED' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failed === 0 ? 0 : 1;
