/**
 * Option parsing shared by the `vectors` and `fuzz` subcommands.
 *
 * @module harness/options
 */

/** Parsed `--name value` options and bare `--flag`s. */
export interface ParsedArguments {
  /** Option values by name (without the dashes). */
  readonly values: ReadonlyMap<string, string>;
  /** Flags present. */
  readonly flags: ReadonlySet<string>;
}

/**
 * Parse `--name value` options and `--flag`s; `--name=value` is accepted too.
 *
 * @param argv - the arguments after the subcommand
 * @param valueOptions - names that take a value
 * @param flagOptions - names that take none
 * @returns the parsed options
 * @throws Error on an unknown option, a missing value or a stray argument
 * @example
 * parseArguments(['--adapter', 'node a.mjs'], ['adapter'], [])
 */
export function parseArguments(argv: readonly string[], valueOptions: readonly string[], flagOptions: readonly string[] = []): ParsedArguments {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(argument)}`);
    const equals = argument.indexOf('=');
    const name = argument.slice(2, equals === -1 ? undefined : equals);
    if (flagOptions.includes(name) && equals === -1) {
      flags.add(name);
    } else if (valueOptions.includes(name)) {
      const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
      if (value === undefined) throw new Error(`--${name} needs a value`);
      values.set(name, value);
    } else {
      throw new Error(`unknown option ${argument.slice(0, equals === -1 ? undefined : equals)}`);
    }
  }
  return { values, flags };
}

/**
 * A whole-number option.
 *
 * @param parsed - the parsed options
 * @param name - the option name
 * @param minimum - the smallest allowed value
 * @returns the value, or `undefined` when absent
 * @throws Error when malformed or too small
 */
export function integerOption(parsed: ParsedArguments, name: string, minimum: number): number | undefined {
  const text = parsed.values.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < minimum) throw new Error(`--${name} must be a whole number >= ${minimum}, got ${text}`);
  return value;
}

/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface CommandIo {
  /** Results. */
  readonly out: (text: string) => void;
  /** Progress and diagnostics. */
  readonly err: (text: string) => void;
}

/** The process's own stdout and stderr. */
export const PROCESS_IO: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};
