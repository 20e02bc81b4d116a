/**
 * The command-line conventions every subcommand keeps (R33's tooling): `-h`/`--help`
 * (its own help, exit 0), `--version` (package version and vector root hash), unknown
 * options and out-of-range values refused with exit 2 and a line naming the valid ones,
 * `--json` output that validates against its schema in vectors/schema/, and one exit-code
 * table: 0 passed, 1 a difference, 2 usage, 3 could not be run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../conformance/cli-args.ts';
import { main } from '../../conformance/cli.ts';
import { COMMANDS, RUN_COMMAND } from '../../conformance/commands.ts';
import { EXIT_CODES } from '../../conformance/exit-codes.ts';
import { BROKEN, BUILTIN, capture, fixture, ROOT } from '../harness/support.ts';
import { reportSchemaErrors } from '../support/report-schemas.ts';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const INDEX = JSON.parse(readFileSync(new URL('../../vectors/index.json', import.meta.url), 'utf8')) as { rootHash: string };
const scratch = mkdtempSync(join(tmpdir(), 'tos-cli-conventions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** The one JSON object a `--json` run printed on stdout (nothing else may be there). */
function onlyJson(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

/** An out-of-range value per subcommand, and the valid range its message must name. */
const OUT_OF_RANGE: Record<string, { argv: string[]; names: RegExp }> = {
  run: { argv: ['--workers', '99'], names: /--workers must be a whole number from 0 to 64, got "99"/ },
  vectors: { argv: ['--adapter', BUILTIN, '--timeout', '0'], names: /--timeout must be a whole number from 1 to 3600000, got "0"/ },
  fuzz: { argv: ['--adapter', BUILTIN, '--runs', '0'], names: /--runs must be a whole number from 1 to 10000000, got "0"/ },
  'state-root': { argv: ['--db'], names: /--db needs a value \(PATH\)/ },
  demo: { argv: ['--db', join(scratch, 'never'), '--blocks', '0'], names: /--blocks must be a whole number from 1 to 100000, got "0"/ },
};

describe.each(COMMANDS.map((command) => [command.name, command] as const))('tos-conformance %s', (name, command) => {
  it('prints its own help for -h and --help and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await cli([name, flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: tos-conformance ${name}`));
      for (const option of Object.keys(command.options)) expect(result.stdout).toContain(`--${option}`);
      expect(result.stdout).toContain('Exit codes:');
    }
    // Asking for help beside a wrong option still gets help.
    expect((await cli([name, '--no-such-option', '--help'])).code).toBe(0);
    // And `help NAME` prints the same text.
    expect((await cli(['help', name])).stdout).toBe((await cli([name, '--help'])).stdout);
  });

  it('prints the package version and the vector root hash for --version', async () => {
    const result = await cli([name, '--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`tos-conformance ${PACKAGE.version} (vector root hash ${INDEX.rootHash})\n`);
  });

  it('refuses an unknown option with exit 2, naming the valid options', async () => {
    const result = await cli([name, '--frobnicate']);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${name}: unknown option --frobnicate; valid options: `);
    for (const option of Object.keys(command.options)) expect(result.stderr).toContain(`--${option}`);
  });

  it('refuses an out-of-range or missing value with exit 2, naming what is valid', async () => {
    const { argv, names } = OUT_OF_RANGE[name]!;
    const result = await cli([name, ...argv]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(names);
  });
});

describe('the parser', () => {
  it('suggests the nearest option, refuses values on flags and positional arguments', () => {
    expect(() => parseCommand(RUN_COMMAND, ['--wrokers', '2'])).toThrow(/unknown option --wrokers \(did you mean --workers\?\)/);
    expect(() => parseCommand(RUN_COMMAND, ['--json=yes'])).toThrow(/--json is a flag and takes no value/);
    expect(() => parseCommand(RUN_COMMAND, ['agreement'])).toThrow(/unexpected argument "agreement"/);
    expect(() => parseCommand(RUN_COMMAND, ['--only', 'agreemnt'])).toThrow(/--only must be agreement, decoding-agreement, schedule-independence, multi-block or input-agreement, got "agreemnt"/);
    expect(() => parseCommand(RUN_COMMAND, ['--seed', '-5'])).toThrow(/write a value that starts with a dash as --seed=VALUE/);
    const parsed = parseCommand(RUN_COMMAND, ['--seed=-5', '--runs', '12']);
    expect(parsed.kind === 'options' && [parsed.values.integer('seed'), parsed.values.integer('runs')]).toEqual([-5, 12]);
    expect(() => parseCommand(RUN_COMMAND, ['--seed', '2147483648'])).toThrow(/--seed must be a whole number from -2147483648 to 2147483647/);
    expect(() => parseCommand(RUN_COMMAND, ['--runs', '1e3'])).toThrow(/--runs must be a whole number/);
  });

  it('answers the top level: help lists every subcommand and the exit codes; unknown subcommands exit 2', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await cli(argv);
      expect(result.code).toBe(0);
      for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.name} `);
      expect(result.stdout).toContain('3  the implementation or harness could not be run');
    }
    expect((await cli(['--version'])).stdout).toContain(`tos-conformance ${PACKAGE.version}`);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(EXIT_CODES.usage);
    expect(unknown.stderr).toContain('unknown subcommand frobnicate; subcommands: run, vectors, fuzz, state-root, demo, help');
  });
});

describe('as a process', () => {
  it('ends quietly with exit 0 when the reader of its output goes away (… | head)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'conformance', 'cli.ts'), 'vectors', '--list'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr += text));
    child.stdout.destroy(); // the reader is gone before the first line is written
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--json output and exit codes', () => {
  it('run --json: one object on stdout that validates, with the seed; human text on stderr', async () => {
    const result = await cli(['run', '--runs', '6', '--seed', '3', '--only', 'agreement', '--workers', '0', '--json']);
    expect(result.code).toBe(EXIT_CODES.passed);
    const report = onlyJson(result.stdout) as { seed: number; passed: boolean; properties: { name: string; runs: number; seed: number }[] };
    expect(reportSchemaErrors('run-report', report)).toEqual([]);
    expect(report).toMatchObject({ seed: 3, passed: true, properties: [{ name: 'agreement', runs: 3, seed: 3 }] });
    expect(result.stderr).toContain('PASSED: 3 generated blocks');
    expect(result.stderr).toContain('seed 3');
  });

  it('fuzz --json against the built-in adapter validates and records the hello; the broken adapter exits 1', async () => {
    const passing = await cli(['fuzz', '--adapter', BUILTIN, '--runs', '3', '--seed', '5', '--only', 'agreement', '--json', '--failures-dir', join(scratch, 'fuzz-pass')]);
    expect(passing.code).toBe(EXIT_CODES.passed);
    const report = onlyJson(passing.stdout) as { adapter: { name: string }; seed: number };
    expect(reportSchemaErrors('fuzz-report', report)).toEqual([]);
    expect(report.adapter.name).toBe('tos-conformance builtin');
    expect(report.seed).toBe(5);

    const failing = await cli(['fuzz', '--adapter', BROKEN, '--runs', '20', '--seed', '5', '--only', 'agreement', '--json', '--shrink-seconds', '20', '--failures-dir', join(scratch, 'fuzz-fail')]);
    expect(failing.code).toBe(EXIT_CODES.difference);
    const failed = onlyJson(failing.stdout) as { properties: { failure?: { vectorFile: string | null; replay: string } }[] };
    expect(reportSchemaErrors('fuzz-report', failed)).toEqual([]);
    expect(failed.properties[0]!.failure?.vectorFile).toMatch(/regression-agreement-[0-9a-f]{12}\.json$/);
    expect(failed.properties[0]!.failure?.replay).toMatch(/^npx tos-conformance fuzz --adapter /);
  });

  it('fuzz exits 3 when the adapter cannot be run (it fails its handshake)', async () => {
    const result = await cli(['fuzz', '--adapter', fixture('old-protocol'), '--runs', '2', '--seed', '1', '--stderr', 'capture', '--failures-dir', join(scratch, 'fuzz-3')]);
    expect(result.code).toBe(EXIT_CODES.cannotRun);
    expect(result.stderr).toMatch(/cannot run: the adapter could not be run: /);
  });

  it('demo --json and state-root --json validate; a damaged store exits 3, a missing one 2', async () => {
    const store = join(scratch, 'store');
    const demo = await cli(['demo', '--db', store, '--blocks', '2', '--seed', '4', '--json']);
    expect(demo.code).toBe(EXIT_CODES.passed);
    const demoReport = onlyJson(demo.stdout) as { blocks: { topoheight: string; agrees: boolean }[] };
    expect(reportSchemaErrors('demo-report', demoReport)).toEqual([]);
    expect(demoReport.blocks.map((block) => [block.topoheight, block.agrees])).toEqual([
      ['1', true],
      ['2', true],
    ]);
    const root = await cli(['state-root', '--db', store, '--json']);
    expect(root.code).toBe(EXIT_CODES.passed);
    const rootReport = onlyJson(root.stdout) as { topoheight: string; matches: boolean };
    expect(reportSchemaErrors('state-root-report', rootReport)).toEqual([]);
    expect(rootReport).toMatchObject({ topoheight: '2', matches: true });

    const damaged = join(scratch, 'damaged');
    writeFileSync(damaged, 'not an LMDB file at all, just text'.repeat(200));
    const refused = await cli(['state-root', '--db', damaged, '--json']);
    expect(refused.code).toBe(EXIT_CODES.cannotRun);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^tos-conformance: [A-Za-z]+: the store path .* is not a directory\n$/);
    expect((await cli(['state-root', '--db', join(scratch, 'absent')])).code).toBe(EXIT_CODES.usage);
  });
});
