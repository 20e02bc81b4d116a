/**
 * The documentation is tested (R1-R33): every rule id of the rules brief appears in
 * docs/semantics.md, every relative link in docs/ and the README resolves, and every code
 * sample marked `// runnable` in a guide runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const brief = readFileSync(join(root, '..', 'shared', 'design', 'SEMANTICS.md'), 'utf8');
const semantics = readFileSync(join(root, 'docs', 'semantics.md'), 'utf8');

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs];
}

/** Relative link targets of a markdown text (not http(s), not mailto, not pure anchors). */
export function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
  return targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

describe('docs', () => {
  const ruleIds = [...new Set(brief.match(/\*\*R\d+\b/g)?.map((match) => match.slice(2)) ?? [])];

  it('R1-R33: the brief defines 33 rules and docs/semantics.md has a heading for each', () => {
    expect(ruleIds).toHaveLength(33);
    for (const rule of ruleIds) {
      expect(semantics, `${rule} has no heading in docs/semantics.md`).toMatch(new RegExp(`^#{2,4} ${rule}\\b`, 'm'));
    }
  });

  it('the link extractor ignores code and absolute links', () => {
    expect(relativeLinks('[a](b.md) `[c](d.md)` [e](https://x) [f](#g) ![h](i.svg)')).toEqual(['b.md', 'i.svg']);
  });

  for (const file of markdownFiles()) {
    it(`relative links in ${file.slice(root.length)} resolve`, () => {
      const missing = relativeLinks(readFileSync(file, 'utf8'))
        .map((target) => target.split('#')[0]!)
        .filter((target) => target !== '' && !existsSync(join(dirname(file), decodeURIComponent(target))));
      expect(missing).toEqual([]);
    });
  }
});

/** Code blocks of a markdown text whose first line is a `// runnable` comment. */
export function runnableSamples(markdown: string): { language: string; code: string }[] {
  return [...markdown.matchAll(/```(js|ts)\n(\/\/ runnable[^\n]*\n[\s\S]*?)```/g)].map((match) => ({ language: match[1]!, code: match[2]! }));
}

describe('runnable code samples in the guides', () => {
  const samples = markdownFiles().flatMap((file) =>
    runnableSamples(readFileSync(file, 'utf8')).map((sample, index) => ({ ...sample, name: `${file.slice(root.length)} sample ${index + 1}` })),
  );

  it('the guides have runnable samples', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  for (const sample of samples) {
    it(`${sample.name} runs`, () => {
      let output: string;
      if (sample.language === 'ts') {
        // A TypeScript sample runs as a file at the repository root, where its imports resolve.
        const file = join(root, `.docs-sample-${process.pid}-${samples.indexOf(sample)}.ts`);
        writeFileSync(file, sample.code);
        try {
          output = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
        } finally {
          rmSync(file, { force: true });
        }
      } else {
        output = execFileSync(process.execPath, ['--input-type=module', '-'], { cwd: root, input: sample.code, encoding: 'utf8', timeout: 60_000 });
      }
      expect(output.length).toBeGreaterThan(0);
    });
  }
});
