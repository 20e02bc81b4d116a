/**
 * The command-line surface of `tos-conformance` in one place: every subcommand's options,
 * ranges, defaults and examples. The parser ({@link parseCommand}) and each subcommand's
 * `--help` are made from these declarations; docs/cli.md describes the same surface.
 *
 * Every example runs as typed from the repository root after `npm ci` (`npx
 * tos-conformance` finds the package's own command), and from a project that installed
 * the package.
 *
 * @module commands
 */

import type { CommandSpec, OptionSpec } from './cli-args.ts';
import { DEFAULT_SHRINK_SECONDS } from './shrink.ts';

/** The properties of the main job, in the order they run (seeds derive from this order). */
export const RUN_PROPERTIES = ['agreement', 'decoding-agreement', 'schedule-independence', 'multi-block', 'input-agreement'] as const;

/** The properties `fuzz` runs against an adapter, in order (seeds derive from this order). */
export const FUZZ_PROPERTY_NAMES = ['agreement', 'decoding-agreement'] as const;

/** The vector categories (the folders of vectors/). */
export const VECTOR_CATEGORIES = ['ledger', 'precedence', 'rejections', 'rules', 'wire', 'workloads', 'regressions'] as const;

/** The largest worker count the command line accepts. */
export const MAX_CLI_WORKERS = 64;


/** A seed: a 32-bit signed integer, as fast-check takes it. */
const SEED: OptionSpec['integer'] = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print one JSON object (described by a schema in vectors/schema/) on stdout; human text goes to stderr' };
const REPORT_MD: OptionSpec = { type: 'string', value: 'FILE', description: 'also write a Markdown summary to FILE (e.g. "$GITHUB_STEP_SUMMARY")' };
const SHRINK_SECONDS: OptionSpec = {
  type: 'string',
  value: 'S',
  description: 'time budget for shrinking a failure; when it runs out, the smallest counterexample found so far is written',
  default: String(DEFAULT_SHRINK_SECONDS),
  integer: { min: 0, max: 3600 },
};
const REPLAY_PATH: OptionSpec = {
  type: 'string',
  value: 'P',
  description: 'replay the failure printed with this path (give --only and --seed with it, as printed); a path that does not lead to a failing case exits 2',
};

const ADAPTER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  adapter: { type: 'string', value: 'COMMAND', description: 'the adapter, a command run by the shell (quote it): see docs/adapter-protocol.md' },
  timeout: { type: 'string', value: 'MS', description: 'deadline of one request in milliseconds; a hung adapter is killed and restarted', default: '10000', integer: { min: 1, max: 3_600_000 } },
  'max-line-bytes': { type: 'string', value: 'N', description: 'longest reply line accepted', default: '67108864', integer: { min: 1, max: 1024 * 1024 * 1024 } },
};

/** `tos-conformance run`: the main job. */
export const RUN_COMMAND: CommandSpec = {
  name: 'run',
  usage: 'run [options]   (the default subcommand)',
  summary:
    'Run every committed vector and every conformance property (agreement, decoding-agreement, schedule-independence, multi-block, input-agreement) against the built-in executor in its configurations, with live progress and a summary table. A failure is reported the moment it is found, then shrunk within --shrink-seconds and written as a vector with a replay.sh beside it.',
  options: {
    runs: { type: 'string', value: 'N', description: 'generated blocks in all, shared among the properties', default: '1000', integer: { min: 1, max: 10_000_000 } },
    seed: { type: 'string', value: 'S', description: 'seed of the run (printed on every run; each property derives its own from it)', default: 'random', integer: SEED },
    only: { type: 'string', value: 'NAME', description: 'run one property', choices: RUN_PROPERTIES },
    path: REPLAY_PATH,
    workers: {
      type: 'string',
      value: 'W',
      description: 'worker threads of the parallel configurations',
      default: 'all eight configurations (0, 1, 2 and 4 workers)',
      integer: { min: 0, max: MAX_CLI_WORKERS },
    },
    'shrink-seconds': SHRINK_SECONDS,
    'failures-dir': { type: 'string', value: 'DIR', description: 'where shrunk counterexamples are written as vectors', default: 'vectors/regressions' },
    variants: { type: 'boolean', description: 'instead, run the agreement property against every deliberately broken executor and report how fast each is caught' },
    json: JSON_OPTION,
    'report-md': REPORT_MD,
  },
  examples: [
    'npx tos-conformance run',
    'npx tos-conformance run --runs 200 --seed 7 --json > report.json',
    'npx tos-conformance run --only agreement --seed 7 --path 42',
    'npx tos-conformance run --variants',
  ],
};

/** `tos-conformance vectors`: the committed vectors through an adapter. */
export const VECTORS_COMMAND: CommandSpec = {
  name: 'vectors',
  usage: 'vectors --adapter "<command>" [options]',
  summary:
    'Run the committed vectors (or --vectors PATH) through an adapter process, any language, over the stdin/stdout JSON protocol; every vector file is checked against its schema and content hash first. Each vector passes, fails (every differing receipt field and post-state record listed), is skipped by the adapter, errors, or is invalid input.',
  options: {
    ...ADAPTER_OPTIONS,
    vectors: { type: 'string', value: 'PATH', description: 'a vectors directory, a directory of vector files or one vector file', default: 'the committed vectors' },
    filter: { type: 'string', value: 'TEXT', description: 'only vectors whose id contains TEXT' },
    rule: { type: 'string', value: 'R', description: 'only vectors that exercise rule R (R1 to R33)', multiple: true },
    tag: { type: 'string', value: 'TAG', description: 'only vectors with this tag (docs/vectors.md lists them)', multiple: true },
    category: { type: 'string', value: 'NAME', description: `only vectors of this category (${VECTOR_CATEGORIES.join(', ')})`, multiple: true },
    list: { type: 'boolean', description: 'print the selected vector ids and exit, without starting the adapter' },
    'expect-failures': { type: 'string', value: 'FILE', description: 'a JSON file of vector ids known to fail, each with a reason (docs/cli.md); the run passes when exactly those fail, and a listed vector that passes fails the run' },
    'fail-on-skip': { type: 'boolean', description: 'fail the run when the adapter skips a vector (a skip is a warning otherwise)' },
    json: JSON_OPTION,
    'json-report': { type: 'string', value: 'FILE', description: 'write the same JSON report to FILE' },
    'report-md': REPORT_MD,
    stderr: { type: 'string', value: 'MODE', description: "the adapter's stderr: captured into the report, or passed through", default: 'capture', choices: ['capture', 'inherit'] },
  },
  examples: [
    'npx tos-conformance vectors --adapter "npx tsx conformance/adapters/builtin.ts"',
    'npx tos-conformance vectors --adapter "./my-node --conformance" --rule R22 --category wire',
    'npx tos-conformance vectors --adapter "./my-node --conformance" --expect-failures known-failures.json --json > report.json',
    'npx tos-conformance vectors --tag u64-edge --list',
  ],
};

/** `tos-conformance fuzz`: generated blocks through an adapter, the spec as the oracle. */
export const FUZZ_COMMAND: CommandSpec = {
  name: 'fuzz',
  usage: 'fuzz --adapter "<command>" [options]',
  summary:
    'Generate random, heavily conflicting blocks and run them through an adapter with the spec as the oracle (the agreement and decoding-agreement properties). A disagreement is reported the moment it is found, then shrunk (transactions dropped, pre-state and amounts simplified) within --shrink-seconds and written as a vector with a replay.sh beside it.',
  options: {
    ...ADAPTER_OPTIONS,
    runs: { type: 'string', value: 'N', description: 'generated blocks per property', default: '100', integer: { min: 1, max: 10_000_000 } },
    seed: { type: 'string', value: 'S', description: 'seed (printed on every run; each property derives its own from it)', default: 'random', integer: SEED },
    only: { type: 'string', value: 'NAME', description: 'run one property', choices: FUZZ_PROPERTY_NAMES },
    path: REPLAY_PATH,
    'shrink-seconds': SHRINK_SECONDS,
    'failures-dir': { type: 'string', value: 'DIR', description: 'where shrunk counterexamples are written', default: 'a fresh conformance-failures/fuzz-<time>-<pid>/' },
    stderr: { type: 'string', value: 'MODE', description: "the adapter's stderr: passed through, or captured", default: 'inherit', choices: ['capture', 'inherit'] },
    json: JSON_OPTION,
    'report-md': REPORT_MD,
  },
  examples: [
    'npx tos-conformance fuzz --adapter "npx tsx conformance/adapters/builtin.ts" --runs 200',
    'npx tos-conformance fuzz --adapter "./my-node --conformance" --runs 500 --seed 42 --only decoding-agreement',
  ],
};

/** `tos-conformance state-root`: a store's root, recomputed. */
export const STATE_ROOT_COMMAND: CommandSpec = {
  name: 'state-root',
  usage: 'state-root --db PATH [options]',
  summary:
    "Print an LMDB store's topoheight, stored state root and account count, and whether the root recomputed from the stored data matches (docs/storage.md, docs/state-root.md).",
  options: {
    db: { type: 'string', value: 'PATH', description: 'the store (an LMDB file written by the executor)' },
    json: JSON_OPTION,
  },
  examples: ['npx tos-conformance state-root --db ./chain.lmdb', 'npx tos-conformance state-root --db ./chain.lmdb --json'],
};

/** `tos-conformance demo`: a generated chain into a store. */
export const DEMO_COMMAND: CommandSpec = {
  name: 'demo',
  usage: 'demo --db PATH [options]',
  summary:
    "Execute a generated chain of blocks into an LMDB store with the built-in executor, checking each block's state root against the spec; an empty store starts from the seed's generated pre-state, a store with blocks is continued.",
  options: {
    db: { type: 'string', value: 'PATH', description: 'the store (created when absent)' },
    blocks: { type: 'string', value: 'N', description: 'blocks to execute', default: '5', integer: { min: 1, max: 100_000 } },
    seed: { type: 'string', value: 'S', description: 'seed of the generated chain', default: '1', integer: { min: 0, max: 2 ** 31 - 1 } },
    json: JSON_OPTION,
  },
  examples: ['npx tos-conformance demo --db ./chain.lmdb --blocks 5', 'npx tos-conformance demo --db ./chain.lmdb --blocks 3 --seed 9 --json'],
};

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [RUN_COMMAND, VECTORS_COMMAND, FUZZ_COMMAND, STATE_ROOT_COMMAND, DEMO_COMMAND];
