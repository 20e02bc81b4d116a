/**
 * `tos-conformance fuzz` through adapter processes: the built-in adapter agrees with the
 * spec; the broken one is caught, and the shrunk counterexample is written as a vector
 * that replays the failure.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareOutcomes } from '../../conformance/compare.ts';
import { AdapterClient } from '../../conformance/harness/client.ts';
import { fuzzCommand, parseFuzzOptions } from '../../conformance/harness/fuzz-command.ts';
import { main } from '../../conformance/cli.ts';
import { ReplayPathError } from '../../conformance/runner.ts';
import { outcomeOf } from '../../conformance/harness/protocol.ts';
import { vectorsCommand } from '../../conformance/harness/vectors-command.ts';
import { readVectorBlock, resultToJson, type Vector } from '../../conformance/vectors/format.ts';
import { applyBlock } from '../../spec/index.ts';
import { BROKEN, BUILTIN, capture } from './support.ts';

/** The words of a command line as a POSIX shell splits it (plain words and single quotes, as the CLI prints). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/(?:'((?:[^']|'\\'')*)'|(\S+))/g)) words.push(match[1] !== undefined ? match[1].replace(/'\\''/g, "'") : match[2]!);
  return words;
}

describe('fuzz', () => {
  it('passes against the built-in adapter (agreement and decoding agreement, 10 runs each)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-fuzz-'));
    const io = capture();
    const code = await fuzzCommand(['--adapter', BUILTIN, '--runs', '10', '--seed', '42', '--failures-dir', dir], io);
    expect(io.stdout()).toContain('PASSED: agreement 10 runs, decoding-agreement 10 runs');
    expect(code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails against the broken adapter and writes a minimal vector that replays the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-fuzz-'));
    const io = capture();
    const code = await fuzzCommand(['--adapter', BROKEN, '--runs', '10', '--seed', '7', '--only', 'agreement', '--failures-dir', dir], io);
    expect(code).toBe(1);
    expect(io.stdout()).toMatch(/FAILED agreement: adapter tos-conformance broken .* disagrees with the spec: (stateRoot|receipts\[\d+\]\.\w+): expected/);
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(io.stdout()).toContain(`shrunk counterexample written to ${join(dir, files[0]!)}`);
    // A replay script beside it, executable, running the vector against the same adapter.
    const script = join(dir, files[0]!.replace(/\.json$/, '.replay.sh'));
    expect(statSync(script).mode & 0o111).toBe(0o111);
    expect(readFileSync(script, 'utf8')).toContain(`npx tos-conformance vectors --adapter '${BROKEN}' --vectors "$here/${files[0]}"`);
    const vector = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as Vector;
    expect(vector._info.source).toBe('regression');

    // The vector's expected outcome is the spec's...
    const { preState, context, transactions } = readVectorBlock(vector);
    expect(resultToJson(applyBlock(preState, context, transactions))).toEqual(vector.expected);
    // ...and the broken adapter still disagrees with it.
    const client = new AdapterClient(BROKEN, { stderr: 'capture' });
    try {
      const reply = await client.execute(vector.context, vector.preState, vector.transactions.map((t) => t.hex));
      expect(reply.type).toBe('result');
      if (reply.type === 'result') expect(compareOutcomes(vector.expected, outcomeOf(reply))).toBeDefined();
    } finally {
      await client.close();
    }
    // Replaying the file with the vectors command fails too, while the built-in adapter passes it.
    expect(await vectorsCommand(['--adapter', BROKEN, '--vectors', join(dir, files[0]!)], capture())).toBe(1);
    const replay = capture();
    expect(await vectorsCommand(['--adapter', BUILTIN, '--vectors', dir], replay)).toBe(0);
    expect(replay.stdout()).toContain('1 passed, 0 failed, 0 skipped, 0 errors');
  });

  it.each(['agreement', 'decoding-agreement'])(
    'the printed replay command of %s runs as typed and reproduces the same vector; a path from no failure ends with ReplayPathError (exit 2)',
    async (property) => {
      const dir = mkdtempSync(join(tmpdir(), 'harness-fuzz-'));
      const io = capture();
      expect(await fuzzCommand(['--adapter', BROKEN, '--runs', '20', '--seed', '42', '--only', property, '--failures-dir', dir], io)).toBe(1);
      const line = /^ {2}replay: (.*)$/m.exec(io.stdout())?.[1];
      expect(line).toBeDefined();
      const words = shellWords(line!);
      expect(words.slice(0, 3)).toEqual(['npx', 'tos-conformance', 'fuzz']);
      // The seed printed is the one given (the property's own seed derives from it the same way again).
      expect(words).toContain('--seed=42');
      const vectors = (): string[] => readdirSync(dir).filter((file) => file.endsWith('.json'));
      const written = vectors();
      expect(written).toHaveLength(1);
      const again = capture();
      expect(await main([...words.slice(2), '--failures-dir', dir], again)).toBe(1);
      const firstError = /^FAILED [\w-]+: (.*)$/m.exec(io.stdout())![1];
      expect(again.stdout()).toContain(`FAILED ${property}: ${firstError}`);
      // The replay shrank the same case to the same vector.
      expect(vectors()).toEqual(written);
      // The built-in adapter agrees with the spec everywhere: no path replays a failure of it.
      const error = await fuzzCommand(['--adapter', BUILTIN, '--runs', '10', '--seed', '42', '--only', property, '--path', '1:2:3', '--failures-dir', dir], capture()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayPathError);
      expect((error as Error).message).toContain(`cannot replay ${property} with seed 42 and path "1:2:3"`);
      expect(await main(['fuzz', '--adapter', BUILTIN, '--runs', '10', '--seed', '42', '--only', property, '--path', '1:2:3', '--failures-dir', dir, '--stderr', 'capture'], capture())).toBe(2);
    },
  );

  it('--path needs --only and --seed, and a well-formed path', () => {
    expect(() => parseFuzzOptions(['--adapter', BUILTIN, '--path', '1:2'])).toThrow(/--only and --seed/);
    expect(() => parseFuzzOptions(['--adapter', BUILTIN, '--path', '1:2', '--seed', '3'])).toThrow(/--only and --seed/);
    expect(() => parseFuzzOptions(['--adapter', BUILTIN, '--path', '1;2', '--seed', '3', '--only', 'agreement'])).toThrow(/whole numbers/);
  });
});
