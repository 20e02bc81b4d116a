/**
 * The documentation is tested against what the repository itself defines (R1-R33):
 * docs/semantics.md has one heading per rule id cited in spec/, its code table is the
 * closed list of spec/errors.ts, every spec name it gives exists in spec/ where it says,
 * and its vectors-by-rule index is current; docs/vectors.md lists exactly the tags the
 * committed vectors use and gives one row per rejection code (and block error) with the
 * rules spec/ reports it under; every relative link in docs/ and the README resolves, and
 * every code sample marked `// runnable` in a guide runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as specIndex from '../../spec/index.ts';
import { REJECTION_CODES } from '../../spec/errors.ts';

const root = new URL('../../', import.meta.url).pathname;
const semantics = readFileSync(join(root, 'docs', 'semantics.md'), 'utf8');
const RULES = Array.from({ length: 33 }, (_, index) => `R${index + 1}`);
const INDEX_START = '<!-- vectors-by-rule:start';

/** spec/'s source files, by repository path (`spec/codec.ts`). */
const specSources = new Map<string, string>(
  readdirSync(join(root, 'spec'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => [`spec/${name}`, readFileSync(join(root, 'spec', name), 'utf8')] as const),
);

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

/** Rule ids cited in a text (`R1` .. `R99`), in order of first appearance. */
export function citedRules(text: string): string[] {
  return [...new Set(text.match(/\bR\d{1,2}\b/g) ?? [])];
}

/** The rule ids that head a section (`## R1 ...` to `#### R1 ...`), in order, repeats kept. */
export function ruleHeadings(markdown: string): string[] {
  return [...markdown.matchAll(/^#{2,4} (R\d+)\b/gm)].map((match) => match[1]!);
}

/** The text of each rule's section: from its heading to the next heading of any level. */
export function ruleSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of markdown.matchAll(/^#{2,4} (R\d+)\b[^\n]*\n([\s\S]*?)(?=^#{1,6} |(?![\s\S]))/gm)) sections.set(match[1]!, match[2]!);
  return sections;
}

/** Rows of the table under `## Codes`: each code and the rule ids in its second column. */
export function codeTable(markdown: string): { code: string; rules: string[] }[] {
  const section = /^## Codes\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? '';
  return [...section.matchAll(/^\| `(\w+)`[^|]*\| ([^|\n]*) \|$/gm)].map((match) => ({ code: match[1]!, rules: citedRules(match[2]!) }));
}

/** Prose of a markdown text without fenced code, whitespace runs made single spaces. */
function prose(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, '').replace(/\s+/g, ' ');
}

/**
 * Names the text says are in a given spec file: each run of backticked identifiers
 * (separated by commas, "and", "/" or a parenthesised number) followed by
 * `` in [`spec/file.ts`] ``.
 */
export function namesInFiles(markdown: string): { file: string; names: string[] }[] {
  return [...prose(markdown).matchAll(/((?:`[A-Za-z_]\w*`(?: \(\d+\))?(?:,? and |, |\/| ))+)in \[`(spec\/[\w-]+\.ts)`\]/g)].map((match) => ({
    file: match[2]!,
    names: [...match[1]!.matchAll(/`(\w+)`/g)].map((name) => name[1]!),
  }));
}

/** Names the text calls internal to a spec file: `` `name` (internal to [`spec/file.ts`] ``. */
export function internalNames(markdown: string): { file: string; name: string }[] {
  return [...prose(markdown).matchAll(/`(\w+)` \(internal to \[`(spec\/[\w-]+\.ts)`\]/g)].map((match) => ({ file: match[2]!, name: match[1]! }));
}

/** Whether a source text exports `name` (a value, function, class, interface or type). */
export function exportsName(source: string, name: string): boolean {
  return new RegExp(`^export (?:declare )?(?:async )?(?:const|let|function\\*?|class|abstract class|interface|type|enum) ${name}\\b`, 'm').test(source);
}

/** Whether a source text declares `name` as a function that it does not export. */
export function declaresInternalFunction(source: string, name: string): boolean {
  return new RegExp(`^(?:async )?function ${name}\\b`, 'm').test(source) && !exportsName(source, name);
}

describe('docs/semantics.md against the rules spec/ defines', () => {
  const rulesText = semantics.slice(0, semantics.indexOf(INDEX_START));
  const sections = ruleSections(rulesText);
  const specText = [...specSources.values()].join('\n');

  it('the extractors read headings, sections, the code table and spec names, and reject near misses', () => {
    const sample = [
      '## Data',
      '### R1 Integers',
      'Uses `toU64` and `isU64` in [`spec/integers.ts`](x). `checkFee` (internal to [`spec/fee.ts`](y)).',
      '##### R9 too deep',
      '## R2 Keys',
      'Text R30.',
      '## Codes',
      '| code | rule(s) |',
      '| `Overflow` | R23, R29 (nonce) |',
      '| `BlockOverflow` (block) | R32 |',
      '## Decisions',
    ].join('\n');
    expect(ruleHeadings(sample)).toEqual(['R1', 'R2']);
    expect([...ruleSections(sample)].map(([rule, text]) => [rule, text.trim()])).toEqual([
      ['R1', 'Uses `toU64` and `isU64` in [`spec/integers.ts`](x). `checkFee` (internal to [`spec/fee.ts`](y)).'],
      ['R2', 'Text R30.'],
    ]);
    expect(codeTable(sample)).toEqual([
      { code: 'Overflow', rules: ['R23', 'R29'] },
      { code: 'BlockOverflow', rules: ['R32'] },
    ]);
    expect(namesInFiles(sample)).toEqual([{ file: 'spec/integers.ts', names: ['toU64', 'isU64'] }]);
    expect(internalNames(sample)).toEqual([{ file: 'spec/fee.ts', name: 'checkFee' }]);
    expect(exportsName('export function toU64(x) {}\nexport interface State {}', 'toU64')).toBe(true);
    expect(exportsName('export function toU64(x) {}\nexport interface State {}', 'State')).toBe(true);
    expect(exportsName('export function toU64x(x) {}\nfunction toU64() {}', 'toU64')).toBe(false);
    expect(declaresInternalFunction('function checkNonce() {}', 'checkNonce')).toBe(true);
    expect(declaresInternalFunction('export function checkNonce() {}', 'checkNonce')).toBe(false);
  });

  it('R1-R33: spec/ cites exactly the rule ids R1-R33, and so does REJECTION_CODES', () => {
    expect(citedRules(specText).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(RULES);
    for (const rule of Object.values(REJECTION_CODES)) expect(RULES).toContain(rule);
  });

  it('R1-R33: docs/semantics.md has exactly one heading per rule, in order, and none for another id', () => {
    expect(ruleHeadings(rulesText)).toEqual(RULES);
  });

  it('R1-R33: every rule section cites no rule id that does not exist', () => {
    for (const [rule, text] of sections) {
      for (const cited of citedRules(text)) expect(RULES, `${rule} cites ${cited}`).toContain(cited);
    }
  });

  it('the code table is the closed list: every REJECTION_CODES key in its order, then the block error codes', () => {
    const blockCodes = [.../^export type BlockErrorCode = ([^;]+);/m.exec(specSources.get('spec/errors.ts')!)![1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]!);
    expect(blockCodes.length).toBeGreaterThan(0);
    expect(codeTable(semantics).map((row) => row.code)).toEqual([...Object.keys(REJECTION_CODES), ...blockCodes]);
  });

  for (const [code, rule] of Object.entries(REJECTION_CODES)) {
    it(`${rule} ${code}: the code table gives ${rule} for it, and the ${rule} section names it`, () => {
      const row = codeTable(semantics).find((entry) => entry.code === code);
      expect(row?.rules).toContain(rule);
      for (const cited of row?.rules ?? []) expect(RULES).toContain(cited);
      expect(sections.get(rule), `the ${rule} section does not name ${code}`).toContain(`\`${code}\``);
    });
  }

  it('R32 BlockOverflow: the code table gives R32, and the R32 section names it', () => {
    expect(codeTable(semantics).find((entry) => entry.code === 'BlockOverflow')?.rules).toEqual(['R32']);
    expect(sections.get('R32')).toContain('`BlockOverflow`');
  });

  const listed = namesInFiles(semantics);
  it('the page names spec code file by file', () => {
    expect(listed.length).toBeGreaterThan(30);
  });
  for (const { file, names } of listed) {
    it(`${names.join(', ')}: exported by ${file}`, async () => {
      const source = specSources.get(file);
      expect(source, `${file} does not exist`).toBeDefined();
      const module = (await import(join(root, file))) as Record<string, unknown>;
      for (const name of names) {
        expect(exportsName(source!, name), `${name} is not exported by ${file}`).toBe(true);
        const isType = new RegExp(`^export (?:interface|type) ${name}\\b`, 'm').test(source!);
        if (!isType) expect(module[name], `${name} is not a runtime export of ${file}`).toBeDefined();
      }
    });
  }

  it('the functions it calls internal are declared, unexported, in the file it names', () => {
    const internal = internalNames(semantics);
    expect(internal.length).toBeGreaterThan(0);
    for (const { file, name } of internal) expect(declaresInternalFunction(specSources.get(file) ?? '', name), `${name} in ${file}`).toBe(true);
  });

  it('every other name in backticks is a spec/ export, a code, a word of spec/ code, or named as TOS\'s', () => {
    const known = new Set<string>([...listed.flatMap((entry) => entry.names), ...internalNames(semantics).map((entry) => entry.name)]);
    const words = new Set(specText.match(/\w+/g));
    const text = prose(rulesText);
    const tosNames = new Set([...text.matchAll(/TOS's `(\w+)`/g)].map((match) => match[1]!));
    // Single letters are the prose's variables (`x`, `H`, `Option<T>`), not names.
    const names = [...new Set([...text.matchAll(/`([A-Za-z_]\w+)`/g)].map((match) => match[1]!))];
    const unknown = names.filter((name) => !known.has(name) && !(name in specIndex) && !exportedAnywhere(name) && !words.has(name) && !tosNames.has(name));
    expect(names.length).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
  });

  it('the vectors-by-rule index lists every rule with at least one vector and is current (npm run docs:rules -- --check)', () => {
    const rows = [...semantics.slice(semantics.indexOf(INDEX_START)).matchAll(/^\| (R\d+) \| (\d+) \|/gm)];
    expect(rows.map((row) => row[1])).toEqual(RULES);
    for (const row of rows) expect(Number(row[2]), `${row[1]} has no vector`).toBeGreaterThan(0);
    expect(checkRuleIndex(root)).toEqual({ status: 0, output: 'docs/semantics.md: vectors-by-rule section is current\n' });
  });

  it('the index check reports a stale index (a copy of the repository files with one count changed)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'tos-docs-index-'));
    try {
      for (const path of ['scripts/rule-vectors.ts', 'vectors/index.json', 'docs/semantics.md']) {
        mkdirSync(dirname(join(copy, path)), { recursive: true });
        copyFileSync(join(root, path), join(copy, path));
      }
      const stale = semantics.replace(/^\| R12 \| (\d+) \|/m, (_, count: string) => `| R12 | ${Number(count) + 1} |`);
      expect(stale).not.toBe(semantics);
      writeFileSync(join(copy, 'docs/semantics.md'), stale);
      expect(checkRuleIndex(copy).status).toBe(1);
      expect(readFileSync(join(copy, 'docs/semantics.md'), 'utf8')).toBe(stale);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

/** The text of a `## heading` section: from the heading to the next `## ` heading (or the end). */
export function section(markdown: string, heading: string): string {
  const start = markdown.search(new RegExp(`^## ${heading}\n`, 'm'));
  if (start < 0) return '';
  const rest = markdown.slice(start + heading.length + 4);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The tags in the first column of the table under `## Tags`, in order, repeats kept. */
export function tagTable(markdown: string): string[] {
  return [...section(markdown, 'Tags').matchAll(/^\| `([\w-]+)` \|/gm)].map((match) => match[1]!);
}

/** Rows of the table under `## Rejection codes and rules`: each code and the rule ids of its second column. */
export function rejectionTable(markdown: string): { code: string; rules: string[] }[] {
  return [...section(markdown, 'Rejection codes and rules').matchAll(/^\| `(\w+)` \| ([^|\n]*) \|[^\n]*\|$/gm)].map((match) => ({
    code: match[1]!,
    rules: citedRules(match[2]!),
  }));
}

/** Each (code, rule) pair spec/ returns: `reject('Code', 'Rn', ...)` and `{ code: 'Code', rule: 'Rn' ... }`. */
export function reportedRules(sources: Iterable<string>): Map<string, Set<string>> {
  const pairs = new Map<string, Set<string>>();
  for (const source of sources) {
    for (const match of source.matchAll(/\breject\(\s*'(\w+)',\s*'(R\d+)'|\{\s*code: '(\w+)', rule: '(R\d+)'/g)) {
      const code = match[1] ?? match[3]!;
      const rule = match[2] ?? match[4]!;
      pairs.set(code, (pairs.get(code) ?? new Set()).add(rule));
    }
  }
  return pairs;
}

/** Every vector file under a `vectors/` directory (the index and the schemas left out). */
function vectorFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'schema' ? [] : vectorFiles(path);
    return entry.name.endsWith('.json') && path !== join(root, 'vectors', 'index.json') ? [path] : [];
  });
}

describe('docs/vectors.md against the committed vectors and spec/errors.ts', () => {
  const vectorsDoc = readFileSync(join(root, 'docs', 'vectors.md'), 'utf8');
  const blockCodes = [.../^export type BlockErrorCode = ([^;]+);/m.exec(specSources.get('spec/errors.ts')!)![1]!.matchAll(/'(\w+)'/g)].map((match) => match[1]!);

  it('the extractors read the tag table, the code table and the rules spec/ reports, and reject near misses', () => {
    const sample = [
      '## Tags',
      '| tag | marks |',
      '| --- | --- |',
      '| `burn` | a Burn. |',
      '| `u64-edge` | edges. |',
      '`conflict` in prose is no row.',
      '## Rejection codes and rules',
      '| code | rule(s) | condition |',
      '| `Overflow` | R23, R29 (R30) | sums. |',
      '| `BlockOverflow` | R32 | block. |',
      '| `Broken` | R1 |',
      '## Next',
      '| `later` | not a tag. |',
    ].join('\n');
    expect(tagTable(sample)).toEqual(['burn', 'u64-edge']);
    expect(rejectionTable(sample)).toEqual([
      { code: 'Overflow', rules: ['R23', 'R29', 'R30'] },
      { code: 'BlockOverflow', rules: ['R32'] },
    ]);
    expect(tagTable('## Tagsx\n| `burn` | x |\n')).toEqual([]);
    const reported = reportedRules([
      "return reject(\n  'InvalidNonce',\n  'R21',\n  `detail`);",
      "reject('Overflow', 'R29', 'x'); reject('Overflow', 'R23', 'y');",
      "return { code: 'BlockOverflow', rule: 'R32', detail: 'z' };",
    ]);
    expect([...reported].map(([code, rules]) => [code, [...rules]])).toEqual([
      ['InvalidNonce', ['R21']],
      ['Overflow', ['R29', 'R23']],
      ['BlockOverflow', ['R32']],
    ]);
  });

  it('the tag section lists each tag once, and exactly the tags the committed vector files use', () => {
    const listed = tagTable(vectorsDoc);
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed).size, 'a tag is listed twice').toBe(listed.length);
    const files = vectorFiles(join(root, 'vectors'));
    expect(files.length).toBeGreaterThan(0);
    const used = new Set(files.flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as { tags: string[] }).tags));
    expect([...listed].sort()).toEqual([...used].sort());
  });

  it('the tag section agrees with vectors/index.json', () => {
    const index = JSON.parse(readFileSync(join(root, 'vectors', 'index.json'), 'utf8')) as { vectors: { tags: string[] }[] };
    const indexed = new Set(index.vectors.flatMap((entry) => entry.tags));
    expect([...tagTable(vectorsDoc)].sort()).toEqual([...indexed].sort());
  });

  it('the code table has exactly one row per REJECTION_CODES key and block error code, and no other row', () => {
    const rows = rejectionTable(vectorsDoc).map((row) => row.code);
    expect(blockCodes.length).toBeGreaterThan(0);
    const expected = [...Object.keys(REJECTION_CODES), ...blockCodes];
    for (const code of expected) expect(rows.filter((row) => row === code), `rows for ${code}`).toHaveLength(1);
    expect([...rows].sort()).toEqual([...expected].sort());
  });

  const reported = reportedRules(specSources.values());
  for (const code of [...Object.keys(REJECTION_CODES), 'BlockOverflow']) {
    it(`${code}: its row cites every rule spec/ reports it under, and only existing rules`, () => {
      const row = rejectionTable(vectorsDoc).find((entry) => entry.code === code);
      expect(row, `no row for ${code}`).toBeDefined();
      const rules = reported.get(code);
      expect(rules?.size, `spec/ never reports ${code}`).toBeGreaterThan(0);
      for (const rule of rules ?? []) expect(row!.rules, `${code} is reported under ${rule}`).toContain(rule);
      for (const cited of row!.rules) expect(RULES).toContain(cited);
    });
  }
});

/**
 * Run `scripts/rule-vectors.ts --check` of a repository tree (read-only: it writes nothing
 * in check mode). The 60 s limit only stops a hung child; tsx resolves from this repository.
 */
function checkRuleIndex(tree: string): { status: number; output: string } {
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(tree, 'scripts', 'rule-vectors.ts'), '--check'], {
    cwd: tree,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: result.stdout + result.stderr };
}

/** Whether any spec file exports this name (types and interfaces included). */
function exportedAnywhere(name: string): boolean {
  return [...specSources.values()].some((source) => exportsName(source, name));
}

describe('docs', () => {
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
