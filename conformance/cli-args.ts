/**
 * The one argument parser of every `tos-conformance` subcommand, on `node:util.parseArgs`.
 *
 * A subcommand declares its options once, as a {@link CommandSpec}: name, value
 * placeholder, description, default, and the allowed values (a whole-number range or a
 * list of choices). From that one declaration come the parsing, the range checks, the
 * usage errors (which always name the valid options or values) and the subcommand's
 * `--help` text, so the help cannot drift from the behaviour. Every subcommand accepts
 * `-h`/`--help` (its own help, exit 0) and `--version` (package version and vector root
 * hash, exit 0).
 *
 * @module cli-args
 */

import { parseArgs } from 'node:util';
import { EXIT_CODE_LINES, UsageError } from './exit-codes.ts';
import { versionLine } from './version.ts';

/** One option of a subcommand. */
export interface OptionSpec {
  /** `string` takes a value, `boolean` is a flag. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias (`h` for `-h`). */
  readonly short?: string;
  /** The value's placeholder in the help text (`N`, `FILE`). */
  readonly value?: string;
  /** What the option does, for the help text. */
  readonly description: string;
  /** The default, as the help text shows it (the command applies it). */
  readonly default?: string;
  /** The option may be given more than once (and takes comma-separated lists). */
  readonly multiple?: boolean;
  /** The value is a whole number in this closed range. */
  readonly integer?: { readonly min: number; readonly max: number };
  /** The value is one of these. */
  readonly choices?: readonly string[];
}

/** A subcommand's declaration. */
export interface CommandSpec {
  /** The subcommand, e.g. `vectors`. */
  readonly name: string;
  /** The usage line after `tos-conformance`, e.g. `vectors --adapter "<command>" [options]`. */
  readonly usage: string;
  /** What it does, one or two sentences. */
  readonly summary: string;
  /** Its options (without `--help` and `--version`, which every subcommand has). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Example command lines, runnable from the repository root. */
  readonly examples: readonly string[];
}

/** The options every subcommand has. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'print this help and exit' },
  version: { type: 'boolean', description: 'print the package version and the vector root hash, and exit' },
};

/** A parsed command line: `--help`/`--version`, or the option values. */
export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'options'; readonly values: OptionValues };

/** Parsed option values, checked against their {@link OptionSpec}. */
export class OptionValues {
  /**
   * @param command - the subcommand's declaration
   * @param raw - the values as `parseArgs` returned them
   */
  constructor(
    readonly command: CommandSpec,
    private readonly raw: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>,
  ) {}

  /**
   * A string option's value.
   *
   * @param name - the option (without dashes)
   * @returns the value, or `undefined` when absent
   */
  string(name: string): string | undefined {
    const value = this.raw[this.declared(name, 'string')];
    return Array.isArray(value) ? (value.at(-1) as string | undefined) : (value as string | undefined);
  }

  /**
   * A repeatable option's values, comma-separated lists split.
   *
   * @param name - the option
   * @returns the values in the order given (empty when absent)
   * @throws UsageError when a list has an empty item (`R22,`)
   */
  list(name: string): string[] {
    const value = this.raw[this.declared(name, 'string')];
    const given = value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];
    return given.flatMap((text) => {
      const items = text.split(',').map((item) => item.trim());
      if (items.includes('')) throw new UsageError(`${this.command.name}: --${name} ${JSON.stringify(text)} has an empty item`);
      return items;
    });
  }

  /**
   * A whole-number option's value (already range-checked while parsing).
   *
   * @param name - the option
   * @returns the value, or `undefined` when absent
   */
  integer(name: string): number | undefined {
    const text = this.string(name);
    return text === undefined ? undefined : Number(text);
  }

  /**
   * Whether a flag was given.
   *
   * @param name - the option
   * @returns true when present
   */
  flag(name: string): boolean {
    return this.raw[this.declared(name, 'boolean')] === true;
  }

  /**
   * Whether an option was given at all.
   *
   * @param name - the option
   * @returns true when present
   */
  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  private declared(name: string, type: OptionSpec['type']): string {
    const spec = this.command.options[name];
    if (spec?.type !== type) throw new Error(`${this.command.name} declares no ${type} option --${name}`);
    return name;
  }
}

/** `--a, --b or --c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** The valid options of a command, as a usage error lists them. */
function validOptions(command: CommandSpec): string {
  return Object.keys({ ...command.options, ...COMMON_OPTIONS })
    .map((name) => `--${name}`)
    .join(', ');
}

/** The declared option nearest to a misspelt one (same prefix or one edit away), if any. */
function nearest(command: CommandSpec, given: string): string | undefined {
  const names = Object.keys({ ...command.options, ...COMMON_OPTIONS });
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  return names.find((name) => name.startsWith(given) && given.length >= 3) ?? names.find((name) => distance(name, given) <= 2);
}

/** Check one value against its declaration; returns what is wrong, or undefined. */
function valueProblem(name: string, spec: OptionSpec, text: string): string | undefined {
  if (spec.integer) {
    const { min, max } = spec.integer;
    const value = Number(text);
    if (!/^-?[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      return `--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`;
    }
  }
  if (spec.choices && !spec.choices.includes(text)) return `--${name} must be ${orList(spec.choices)}, got ${JSON.stringify(text)}`;
  if (spec.type === 'string' && text === '') return `--${name} needs a non-empty value`;
  return undefined;
}

/**
 * Parse a subcommand's arguments.
 *
 * `-h`/`--help` anywhere wins (even beside a wrong option: asking for help always gets
 * it); then `--version`. Otherwise every option must be declared, every value must be in
 * its range or among its choices, and no positional argument is accepted.
 *
 * @param command - the subcommand's declaration
 * @param argv - the arguments after the subcommand
 * @returns help, version, or the checked values
 * @throws UsageError naming the valid options or values
 * @example
 * const parsed = parseCommand(RUN_COMMAND, ['--runs', '200']);
 * if (parsed.kind === 'options') parsed.values.integer('runs') // 200
 */
export function parseCommand(command: CommandSpec, argv: readonly string[]): ParsedCommand {
  const declared = { ...command.options, ...COMMON_OPTIONS };
  const options = Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
  // Help first: a loose pass that cannot fail.
  const loose = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (loose.tokens.some((token) => token.kind === 'option' && token.name === 'help')) return { kind: 'help' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError(usageMessage(command, error));
  }
  if (parsed.values['version'] === true) return { kind: 'version' };
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = declared[token.name]!;
    if (spec.type === 'string') {
      const problem = valueProblem(token.name, spec, token.value ?? '');
      if (problem) throw new UsageError(`${command.name}: ${problem}`);
    }
  }
  return { kind: 'options', values: new OptionValues(command, parsed.values) };
}

/** A usage error's message from a `parseArgs` error. */
function usageMessage(command: CommandSpec, error: unknown): string {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : String(error);
  const quoted = /'(-{1,2}[^' ]+)/.exec(text)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) {
    const suggestion = nearest(command, quoted.replace(/^-+/, ''));
    return `${command.name}: unknown option ${quoted}${suggestion ? ` (did you mean --${suggestion}?)` : ''}; valid options: ${validOptions(command)}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    const given = quoted.replace(/^-+/, '');
    const entry = Object.entries(declared(command)).find(([name, spec]) => name === given || spec.short === given);
    const long = `--${entry?.[0] ?? given}`;
    if (/ambiguous/.test(text)) return `${command.name}: ${long} needs a value; write a value that starts with a dash as ${long}=VALUE (e.g. ${long}=-5)`;
    return entry?.[1].type === 'boolean'
      ? `${command.name}: ${long} is a flag and takes no value`
      : `${command.name}: ${long} needs a value (${entry?.[1].value ?? 'VALUE'})`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const positional = /'([^']*)'/.exec(text)?.[1] ?? '';
    return `${command.name}: unexpected argument ${JSON.stringify(positional)} (options start with --; quote a command with spaces); valid options: ${validOptions(command)}`;
  }
  return `${command.name}: ${text.split('\n')[0]}`;
}

function declared(command: CommandSpec): Readonly<Record<string, OptionSpec>> {
  return { ...command.options, ...COMMON_OPTIONS };
}

/** Wrap text at a width, continuing lines with an indent. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter((word) => word !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

/**
 * A subcommand's `--help` text, made from its declaration.
 *
 * @param command - the subcommand's declaration
 * @returns the text, ending with a newline, the exit-code table last
 * @example
 * process.stdout.write(helpText(RUN_COMMAND));
 */
export function helpText(command: CommandSpec): string {
  const entries = Object.entries(declared(command)).map(([name, spec]) => {
    const head = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    const allowed = spec.integer ? ` (${spec.integer.min} to ${spec.integer.max})` : spec.choices ? ` (${spec.choices.join(', ')})` : '';
    const repeat = spec.multiple ? '; repeatable, or a comma-separated list' : '';
    const fallback = spec.default === undefined ? '' : `; default ${spec.default}`;
    return { head, text: `${spec.description}${allowed}${repeat}${fallback}` };
  });
  const column = Math.min(28, Math.max(...entries.map((entry) => entry.head.length)) + 2);
  const indent = ' '.repeat(column + 2);
  const lines = [
    `Usage: tos-conformance ${command.usage}`,
    '',
    wrap(command.summary, 90, ''),
    '',
    'Options:',
    ...entries.map((entry) =>
      entry.head.length + 2 > column
        ? `  ${entry.head}\n${indent}${wrap(entry.text, 90 - column, indent)}`
        : `  ${entry.head.padEnd(column)}${wrap(entry.text, 90 - column, indent)}`,
    ),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    'Exit codes:',
    ...EXIT_CODE_LINES.map((line) => `  ${line}`),
  ];
  return lines.join('\n') + '\n';
}

/** Where a subcommand writes: results on `out`, progress and diagnostics on `err`. */
export interface CommandIo {
  /** Results (stdout). */
  readonly out: (text: string) => void;
  /** Progress and diagnostics (stderr). */
  readonly err: (text: string) => void;
}

let pipesGuarded = false;

/**
 * A reader that goes away (`tos-conformance vectors --list | head`) closes the pipe:
 * end the process quietly, as command-line tools do, instead of crashing on EPIPE.
 */
export function endQuietlyOnClosedPipe(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
}

/** The process's own stdout and stderr. */
export const PROCESS_IO: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Parse a subcommand's arguments and answer `--help` (its {@link helpText}) and
 * `--version` ({@link versionLine}) on `out`.
 *
 * @param command - the subcommand's declaration
 * @param argv - the arguments after the subcommand
 * @param io - where the answer goes
 * @returns the option values, or the exit code (0) when `--help` or `--version` was answered
 * @throws UsageError on a usage error
 * @example
 * const values = answerOrParse(RUN_COMMAND, argv, io);
 * if (values === 0) return 0;
 */
export function answerOrParse(command: CommandSpec, argv: readonly string[], io: CommandIo): OptionValues | 0 {
  const parsed = parseCommand(command, argv);
  if (parsed.kind === 'help') {
    io.out(helpText(command));
    return 0;
  }
  if (parsed.kind === 'version') {
    io.out(`${versionLine()}\n`);
    return 0;
  }
  return parsed.values;
}

/**
 * Parse a subcommand's arguments into option values, for callers that run a command
 * from code (`parseRunOptions` and its siblings), where `--help` and `--version` have no
 * one to answer.
 *
 * @param command - the subcommand's declaration
 * @param argv - the arguments after the subcommand
 * @returns the checked values
 * @throws UsageError on a usage error, and for `--help` or `--version` (the command itself answers those)
 * @example
 * parseOptions(RUN_COMMAND, ['--runs', '200']).integer('runs') // 200
 */
export function parseOptions(command: CommandSpec, argv: readonly string[]): OptionValues {
  const parsed = parseCommand(command, argv);
  if (parsed.kind !== 'options') throw new UsageError(`${command.name}: --${parsed.kind} is answered by the command, not parsed into options`);
  return parsed.values;
}

/**
 * Quote a word for a POSIX shell, so a printed command runs as typed.
 *
 * @param word - the word
 * @returns the word unchanged when it is safe, else single-quoted
 * @example
 * shellQuote('npx tsx a.ts') // "'npx tsx a.ts'"
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
