/**
 * The exit codes of every `tos-conformance` subcommand, and the two error classes that
 * map onto the codes that are not verdicts.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | passed: no conformance difference (and, with `--expect-failures`, exactly the listed vectors failed) |
 * | 1 | a conformance difference: a vector or property failed, a listed expected failure now passes, a store's root does not match |
 * | 2 | usage: an unknown option, a value out of range, a missing argument, or invalid input (a vector file that fails its schema or its content hash) |
 * | 3 | the implementation or harness could not be run: the adapter does not start, keeps crashing, or fails the handshake; a store cannot be opened |
 *
 * @module exit-codes
 */

/** The exit codes, by meaning. */
export const EXIT_CODES = {
  /** Everything checked agreed with the spec. */
  passed: 0,
  /** A conformance difference was found. */
  difference: 1,
  /** The command line or the input was wrong; nothing was blamed on the implementation. */
  usage: 2,
  /** The implementation or the harness could not be run. */
  cannotRun: 3,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * A usage error: an unknown option, a malformed or out-of-range value, a missing
 * argument, or invalid input. The command line prints its message on one line and exits
 * with {@link EXIT_CODES}.usage.
 */
export class UsageError extends Error {
  /**
   * @param message - what is wrong, naming the valid choices where there are some
   */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The implementation or the harness could not be run (an adapter that does not start,
 * keeps crashing or fails its handshake; a store that cannot be opened). The command line
 * prints its message on one line and exits with {@link EXIT_CODES}.cannotRun.
 */
export class CannotRunError extends Error {
  /**
   * @param message - what could not be run, and why
   */
  constructor(message: string) {
    super(message);
    this.name = 'CannotRunError';
  }
}

/** The exit-code table as every `--help` prints it. */
export const EXIT_CODE_LINES: readonly string[] = [
  '0  passed',
  '1  a conformance difference (a failing vector or property, an expected failure that now passes)',
  '2  usage: unknown option, value out of range, missing argument, or invalid input',
  '3  the implementation or harness could not be run (adapter does not start, crash loop, handshake failure)',
];
