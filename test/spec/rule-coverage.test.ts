/**
 * Every rule id R1-R33 of the rules brief appears in the spec's code and in the name of at
 * least one test (R1-R33).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const RULES = Array.from({ length: 33 }, (_, index) => `R${index + 1}`);

function filesUnder(directory: string, suffix: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

function ruleIdsIn(text: string): Set<string> {
  return new Set(text.match(/\bR\d{1,2}\b/g) ?? []);
}

/** Titles of describe/it/test calls (string or template literal), static text only. */
export function testTitles(source: string): string[] {
  const titles: string[] = [];
  const pattern = /\b(?:describe|it|test)(?:\.(?:each\([^)]*\)|prop\([^)]*\)|skip|only|concurrent))*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const match of source.matchAll(pattern)) titles.push(match[2]!);
  return titles;
}

describe('rule coverage R1-R33', () => {
  const specText = filesUnder(join(root, 'spec'), '.ts')
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
  const testFiles = filesUnder(join(root, 'test'), '.test.ts').filter((path) => !path.endsWith('rule-coverage.test.ts'));
  const titleText = testFiles.flatMap((path) => testTitles(readFileSync(path, 'utf8'))).join('\n');

  it('the title extractor sees plain, template and each-style titles', () => {
    expect(testTitles(`it('R1: a', () => {}); describe(\`R2 \${x}\`, () => {}); it.each([1])('R3 %s', () => {})`)).toEqual([
      'R1: a',
      'R2 ${x}',
      'R3 %s',
    ]);
  });

  for (const rule of RULES) {
    it(`${rule} is cited in spec/ and in at least one test title`, () => {
      expect(ruleIdsIn(specText).has(rule), `${rule} is not cited in spec/`).toBe(true);
      expect(ruleIdsIn(titleText).has(rule), `${rule} is not in any test title`).toBe(true);
    });
  }
});
