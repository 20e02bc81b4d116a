/**
 * `npm run crash-test [-- --trials N] [-- --seed S]`: SIGKILL a committing child process
 * at random moments (default 60 trials: a third timed to land inside a commit's write
 * transaction after every write, a third between two writes of one block, a third after a
 * random delay) and check after each kill that the reopened LMDB store holds exactly
 * the spec's state after a whole number of blocks, with its root. Prints every trial, the
 * trial count and the outcomes; exits 1 on any failure.
 */
import { runCrashTrials } from './crash-harness.ts';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const trials = option('--trials', 60);
const seed = option('--seed', 2024);
const started = performance.now();
const summary = await runCrashTrials({ trials, seed, blocks: 40, log: (line) => console.log(line) });
const rolledBack = summary.trials.filter((trial) => trial.rolledBack === true).length;
const killed = summary.trials.filter((trial) => trial.killed).length;
console.log('');
console.log(`trials: ${summary.trials.length} (seed ${seed}), killed: ${killed}, killed mid-commit (inside the write transaction): ${summary.midCommit}, of which between two writes of one block: ${summary.midWrite} (in-flight block rolled back: ${rolledBack})`);
console.log(`outcome: ${summary.passed} of ${summary.trials.length} reopened stores held exactly the spec's state after a whole number of blocks, with the matching root; ${summary.trials.length - summary.passed} failed`);
console.log(`${summary.passed === summary.trials.length ? 'PASSED' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = summary.passed === summary.trials.length ? 0 : 1;
