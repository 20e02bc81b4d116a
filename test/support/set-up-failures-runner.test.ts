/**
 * The repository's vitest runner reports tests that never ran because a `beforeAll`
 * failed as failed (vitest 4 alone counts them as skipped), and leaves tests skipped on
 * purpose skipped. Checked by running a fixture file in a child vitest with this
 * repository's runner, and once without it to show what it changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const FIXTURE = 'test/fixtures/set-up-failure.fixture.ts';

interface JsonReport {
  numFailedTests: number;
  numPassedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** Run the fixture in a child vitest (with or without the repository's runner) and read its JSON report. */
function runFixture(withRunner: boolean): JsonReport {
  const directory = mkdtempSync(join(tmpdir(), 'tos-runner-'));
  try {
    const config = join(directory, 'vitest.config.mjs');
    const runner = withRunner ? `runner: ${JSON.stringify(join(root, 'test/support/set-up-failures-runner.ts'))},` : '';
    writeFileSync(config, `export default { test: { root: ${JSON.stringify(root)}, include: [${JSON.stringify(FIXTURE)}], ${runner} } };\n`);
    const output = join(directory, 'report.json');
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    // The limit only stops a hung child; the verdict is the report's content.
    const result = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=json', `--outputFile=${output}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (result.error) throw result.error;
    expect(result.status, result.stderr).toBe(1);
    return JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function statuses(report: JsonReport): Record<string, string> {
  return Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((test) => [test.title, test.status])));
}

describe('tests not run because their set-up failed', () => {
  it('count as failed with the set-up error; tests skipped on purpose stay skipped', () => {
    const report = runFixture(true);
    expect(statuses(report)).toEqual({
      passes: 'passed',
      'is skipped on purpose': 'skipped',
      'first test': 'failed',
      'is skipped on purpose too': 'skipped',
      'second test': 'failed',
    });
    expect([report.numFailedTests, report.numPassedTests, report.numPendingTests]).toEqual([2, 1, 2]);
    const failures = report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed').flatMap((test) => test.failureMessages));
    expect(failures).toHaveLength(2);
    for (const message of failures) expect(message).toContain('not run: the set-up of "set-up that fails" failed (the executor did not start)');
  });

  it('without the runner, vitest counts them as skipped (what the runner changes)', () => {
    const report = runFixture(false);
    expect(statuses(report)).toMatchObject({ 'first test': 'skipped', 'second test': 'skipped' });
    expect(report.numFailedTests).toBe(0);
  });
});
