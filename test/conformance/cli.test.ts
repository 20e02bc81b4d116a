/**
 * The tos-conformance CLI (R33): option parsing, a small end-to-end run with its summary
 * and exit code, and the variants report.
 */
import { describe, expect, it, vi } from 'vitest';
import { main, parseRunOptions } from '../../conformance/cli.ts';

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
