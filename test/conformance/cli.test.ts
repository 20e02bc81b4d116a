/**
 * The tos-conformance CLI (R33): option parsing, a small end-to-end run with its summary
 * and exit code, and the variants report.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { main, parseRunOptions } from '../../conformance/cli.ts';
import { MULTI_BLOCK } from '../../conformance/properties.ts';
import { checkProperty, MAX_REPLAY_WALK, ReplayPathError } from '../../conformance/runner.ts';

function captureOutput() {
  const chunks: string[] = [];
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)),
  ];
  return { text: () => chunks.join(''), restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('tos-conformance CLI', () => {
  it('R33 parses run options and rejects unknown ones', () => {
    const options = parseRunOptions(['--runs', '20', '--seed', '7', '--workers', '2', '--json', '--only', 'agreement']);
    expect(options).toMatchObject({ runs: 20, seed: 7, workers: 2, json: true, only: 'agreement', variants: false });
    expect(parseRunOptions([]).runs).toBe(1000);
    expect(() => parseRunOptions(['--runs', '0'])).toThrow(/--runs/);
    expect(() => parseRunOptions(['--frobnicate'])).toThrow(/unknown option/);
  });

  it('R33 run: a small agreement run passes, prints the summary table and a JSON last line', async () => {
    const output = captureOutput();
    let code: number;
    try {
      code = await main(['run', '--runs', '8', '--seed', '3', '--only', 'agreement', '--workers', '2', '--json']);
    } finally {
      output.restore();
    }
    expect(code).toBe(0);
    const text = output.text();
    expect(text).toContain('| property | runs | failures | seconds |');
    expect(text).toMatch(/\| agreement \| 4 \| 0 \|/);
    const last = JSON.parse(text.trim().split('\n').pop()!) as { passed: boolean; properties: { name: string; runs: number }[] };
    expect(last.passed).toBe(true);
    expect(last.properties).toEqual([expect.objectContaining({ name: 'agreement', runs: 4 })]);
  });

  it('R33 usage errors exit with code 2', async () => {
    const output = captureOutput();
    try {
      expect(await main(['run', '--runs', 'many'])).toBe(2);
      expect(await main(['frobnicate'])).toBe(2);
    } finally {
      output.restore();
    }
    expect(output.text()).toContain('--runs must be a whole number');
  });

  it('R33 run --variants reports every broken variant caught', async () => {
    const output = captureOutput();
    let code: number;
    try {
      code = await main(['run', '--variants', '--runs', '400', '--seed', '11', '--json']);
    } finally {
      output.restore();
    }
    expect(code).toBe(0);
    const last = JSON.parse(output.text().trim().split('\n').pop()!) as { passed: boolean; variants: { caught: boolean }[] };
    expect(last.passed).toBe(true);
    expect(last.variants).toHaveLength(8);
    expect(last.variants.every((variant) => variant.caught)).toBe(true);
  });
});

describe('replaying a path', () => {
  it('run --only multi-block --path 1:2:3 (a path from no failure) ends with a clear message and exit 2', async () => {
    const output = captureOutput();
    let code: number;
    try {
      code = await main(['run', '--only', 'multi-block', '--seed', '1', '--path', '1:2:3', '--workers', '0']);
    } finally {
      output.restore();
    }
    expect(output.text()).toContain('tos-conformance: cannot replay multi-block with seed 1 and path "1:2:3": the case it leads to passes: this path does not come from a failure of this property with this seed');
    expect(code).toBe(2);
  });

  it('--path needs --only and --seed, and a well-formed, bounded path (usage errors, exit 2)', async () => {
    expect(() => parseRunOptions(['--path', '3:1'])).toThrow(/--path replays a failure: give it with the --only and --seed/);
    expect(() => parseRunOptions(['--path', '3:1', '--only', 'agreement'])).toThrow(/--only and --seed/);
    expect(() => parseRunOptions(['--path', '3:x', '--only', 'agreement', '--seed', '1'])).toThrow(/whole numbers separated by ":"/);
    expect(() => parseRunOptions(['--path', `0:${MAX_REPLAY_WALK + 1}`, '--only', 'agreement', '--seed', '1'])).toThrow(/more than any failure's path/);
    expect(parseRunOptions(['--path', '3:1', '--only', 'agreement', '--seed', '1']).path).toBe('3:1');
    const output = captureOutput();
    try {
      expect(await main(['run', '--path', '1:2:3'])).toBe(2);
    } finally {
      output.restore();
    }
  });

  // A small property with a large shrink tree: arrays of naturals, failing when one is >= 500.
  const info = { ...MULTI_BLOCK, name: 'toy' };
  const toy = () => fc.asyncProperty(fc.array(fc.nat(1000), { minLength: 5, maxLength: 40 }), async (values) => values.every((value) => value < 500));

  it('a path printed with a failure replays it: the same minimal counterexample, with a bounded number of runs', async () => {
    let searchRuns = 0;
    const found = await checkProperty(info, toy(), { numRuns: 100, seed: 5, onRun: () => void searchRuns++ });
    expect(found.failures).toBe(1);
    expect(found.path).toMatch(/^\d+(:\d+)+$/);
    let replayRuns = 0;
    const replayed = await checkProperty(info, toy(), { numRuns: 100, seed: 5, path: found.path!, onRun: () => void replayRuns++ });
    expect(replayed.failures).toBe(1);
    expect(replayed.error).toBe(found.error);
    expect(replayed.path).toBe(found.path);
    // The replay runs the counterexample and tries its shrink candidates once more: no more than the search and its shrinking.
    expect(replayRuns).toBeGreaterThanOrEqual(1);
    expect(replayRuns).toBeLessThanOrEqual(searchRuns);
  });

  it('a path that leads to a passing case, past a shrink stream, or that is malformed throws ReplayPathError', async () => {
    const found = await checkProperty(info, toy(), { numRuns: 100, seed: 5 });
    const [first] = found.path!.split(':');
    // The generated case before the failing one passes.
    const passing = Number(first) > 0 ? `${Number(first) - 1}` : undefined;
    if (passing !== undefined) await expect(checkProperty(info, toy(), { numRuns: 100, seed: 5, path: passing })).rejects.toThrow(/the case it leads to passes/);
    await expect(checkProperty(info, toy(), { numRuns: 100, seed: 5, path: `${found.path}:999` })).rejects.toThrow(/past the end of a shrink stream/);
    await expect(checkProperty(info, toy(), { numRuns: 100, seed: 5, path: `${found.path}:999:0` })).rejects.toThrow(/past the end of a shrink stream/);
    await expect(checkProperty(info, toy(), { numRuns: 100, seed: 5, path: '1:-2' })).rejects.toBeInstanceOf(ReplayPathError);
  });
});
