/**
 * The conformance suite: fast-check arbitraries and properties that prove an executor
 * equals the spec, the vector format, and the CLI. Start at {@link agreementProperty} and
 * {@link runCommand}. (The deliberately broken executors that prove the suite has teeth
 * are internal: `tos-conformance run --variants` runs them.)
 *
 * @module conformance
 */

export * from './arbitraries/index.ts';
export * from './coverage.ts';
export * from './compare.ts';
export * from './executor-under-test.ts';
export * from './properties.ts';
export * from './runner.ts';
export * from './vector-runner.ts';
export * from './vectors/format.ts';
export { main, parseRunOptions, runCommand, type RunCommandOptions } from './cli.ts';
export type { RunReport } from './cli.ts';
export type { CommandIo } from './cli-args.ts';
export { CannotRunError, EXIT_CODES, UsageError, type ExitCode } from './exit-codes.ts';
export { toolIdentity, type ToolIdentity } from './version.ts';
export type { PropertyFailureSummary, PropertySummary, ShrinkSummary } from './reports.ts';
