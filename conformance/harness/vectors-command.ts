/**
 * `tos-conformance vectors --adapter "<command>"`: the committed vectors (or `--vectors
 * PATH`) through an adapter process, each one reported as pass, fail (with every
 * differing receipt and post-state record, expected and actual side by side), skip (with
 * the adapter's reason), error (the adapter broke the protocol or reported an error) or
 * invalid (the vector file fails its schema, its format version or its content hash, and
 * is never sent to the adapter).
 *
 * Vectors are selected by `--rule`, `--tag`, `--category` and `--filter` (any value of
 * one option, all options together); `--list` prints the selection without starting the
 * adapter. `--expect-failures FILE` names vectors known to fail (strict: a listed vector
 * that passes fails the run). The run ends with one report: human text, and with
 * `--json` / `--json-report` / `--report-md` the same report as JSON (described by
 * `vectors/schema/vectors-report.schema.json`) and as Markdown. The exit code follows
 * {@link EXIT_CODES}; docs/vectors-command.md documents all of it.
 *
 * @module harness/vectors-command
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describeDifferences, type OutcomeDifference } from '../compare.ts';
import { plural } from '../reports.ts';
import { describeValidation } from '../schema-errors.ts';
import { CannotRunError, EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.ts';
import { toolIdentity, type ToolIdentity } from '../version.ts';
import { VectorFileError, readVectorFile, type Vector } from '../vectors/format.ts';
import { AdapterClient, AdapterProtocolError, DEFAULT_MAX_LINE_BYTES, DEFAULT_TIMEOUT_MS, type AdapterFailureKind } from './client.ts';
import { answerOrParse, parseOptions, PROCESS_IO, type CommandIo, type OptionValues } from '../cli-args.ts';
import { VECTOR_CATEGORIES, VECTORS_COMMAND } from '../commands.ts';
import { outcomeOf, PROTOCOL_VERSION } from './protocol.ts';

/** The committed vectors. */
export const DEFAULT_VECTORS_DIR = fileURLToPath(new URL('../../vectors', import.meta.url));

/** Where the JSON Schema of an `--expect-failures` file lives. */
export const EXPECTED_FAILURES_SCHEMA_URL = new URL('../../vectors/schema/expected-failures.schema.json', import.meta.url);

/** Where the JSON Schema of the report ({@link VectorsReport}) lives. */
export const VECTORS_REPORT_SCHEMA_URL = new URL('../../vectors/schema/vectors-report.schema.json', import.meta.url);


/** One of {@link VECTOR_CATEGORIES}. */
export type VectorCategory = (typeof VECTOR_CATEGORIES)[number];

/** The rule ids `--rule` accepts: `R1` to `R33`. */
export const RULE_IDS: readonly string[] = Array.from({ length: 33 }, (_, index) => `R${index + 1}`);

/** How many skipped vectors the skip warning names. */
const SKIP_WARNING_IDS = 5;
/** How many failing vectors, and differences of each, the Markdown summary shows. */
const MARKDOWN_MAX_VECTORS = 50;
const MARKDOWN_MAX_DIFFERENCES = 20;

/** Options of the `vectors` subcommand. */
export interface VectorsCommandOptions {
  /** The adapter command, run by the shell (not needed with `list`). */
  readonly adapter?: string;
  /** Where to write the JSON report (none when omitted). */
  readonly jsonReport?: string;
  /** Deadline of one request in milliseconds. */
  readonly timeoutMs: number;
  /** Only vectors whose id contains this. */
  readonly filter?: string;
  /** A vectors directory (category folders or plain vector files) or one vector file. */
  readonly vectors: string;
  /** Maximum reply line length in bytes. */
  readonly maxLineBytes: number;
  /** The adapter's stderr: captured into the report (default) or passed through. */
  readonly stderr: 'capture' | 'inherit';
  /** Only vectors whose `rules` include one of these (empty: no restriction). */
  readonly rules: readonly string[];
  /** Only vectors whose `tags` include one of these (empty: no restriction). */
  readonly tags: readonly string[];
  /** Only vectors in one of these category folders (empty: no restriction). */
  readonly categories: readonly VectorCategory[];
  /** Print the selected vector ids and exit, without starting the adapter. */
  readonly list: boolean;
  /** A JSON file of vectors known to fail (`vectors/schema/expected-failures.schema.json`). */
  readonly expectFailures?: string;
  /** A skipped vector fails the run. */
  readonly failOnSkip: boolean;
  /** Print the report as one JSON object on stdout, and human text on stderr. */
  readonly json: boolean;
  /** Where to write a Markdown summary (none when omitted). */
  readonly reportMd?: string;
}

/** What every verdict on a loaded (valid) vector has. */
export interface VectorVerdictBase {
  /** The vector id. */
  readonly id: string;
  /** The vector file, relative to the vectors directory (its name, for a single file). */
  readonly file: string;
  /** Milliseconds spent on it. */
  readonly ms: number;
  /** When the vector is listed in the `--expect-failures` file: the listed reason. */
  readonly expectedFailure?: string;
}

/** The vector passed. */
export interface PassVerdict extends VectorVerdictBase {
  /** Discriminant. */
  readonly status: 'pass';
}

/** The adapter's outcome differs from the expected one. */
export interface FailVerdict extends VectorVerdictBase {
  /** Discriminant. */
  readonly status: 'fail';
  /** Every difference, located (see {@link describeDifferences}). */
  readonly differences: readonly OutcomeDifference[];
}

/** The adapter declined the vector. */
export interface SkipVerdict extends VectorVerdictBase {
  /** Discriminant. */
  readonly status: 'skip';
  /** The adapter's reason. */
  readonly reason: string;
}

/** The adapter broke the protocol, or answered `error`. */
export interface ErrorVerdict extends VectorVerdictBase {
  /** Discriminant. */
  readonly status: 'error';
  /** `adapter-error` for an error reply, else the protocol failure. */
  readonly kind: AdapterFailureKind | 'adapter-error';
  /** What happened. */
  readonly message: string;
  /** The tail of the adapter's stderr around the failure, when captured. */
  readonly stderr?: string;
}

/** The vector file is not a usable vector: it was never sent to the adapter. */
export interface InvalidVerdict {
  /** The id the file declares, when it can be read; else `null`. */
  readonly id: string | null;
  /** Discriminant. */
  readonly status: 'invalid';
  /** The file, relative to the vectors directory (its name, for a single file). */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: string;
  /** The whole message, naming the file as it was read. */
  readonly message: string;
  /** Always 0: nothing was run. */
  readonly ms: number;
}

/** The verdict on one vector (or one vector file, for `invalid`). */
export type VectorVerdict = PassVerdict | FailVerdict | SkipVerdict | ErrorVerdict | InvalidVerdict;

/** One entry of an `--expect-failures` file. */
export interface ExpectedFailure {
  /** The vector id. */
  readonly id: string;
  /** Why it is known to fail (an issue link, a missing feature). */
  readonly reason: string;
}

/** What became of one listed expected failure in a run. */
export interface ExpectedFailureResult extends ExpectedFailure {
  /**
   * `expected-failure`: it failed (fail or error verdict), as listed; `unexpected-pass`:
   * it passed, remove it from the list (fails the run); `skipped`: the adapter skipped it;
   * `invalid`: its file is invalid; `not-run`: the adapter could not be run;
   * `not-selected`: the selection left it out.
   */
  readonly status: 'expected-failure' | 'unexpected-pass' | 'skipped' | 'invalid' | 'not-run' | 'not-selected';
}

/** The selection a run used. */
export interface VectorSelection {
  /** `--rule` values (any). */
  readonly rules: readonly string[];
  /** `--tag` values (any). */
  readonly tags: readonly string[];
  /** `--category` values (any). */
  readonly categories: readonly VectorCategory[];
  /** `--filter` (id substring), or `null`. */
  readonly filter: string | null;
  /** The `--expect-failures` file, or `null`. */
  readonly expectFailures: string | null;
  /** Whether `--fail-on-skip` was given. */
  readonly failOnSkip: boolean;
}

/** The adapter, as the report records it. */
export interface AdapterInfo {
  /** The adapter command. */
  readonly command: string;
  /** Its name, from the last successful handshake (`null` when none succeeded). */
  readonly name: string | null;
  /** Its version, from the handshake. */
  readonly version: string | null;
  /** The ledger models it declared. */
  readonly ledgers: readonly string[] | null;
  /** The protocol version it declared. */
  readonly protocolVersion: number | null;
  /** How many processes were started (1 plus the restarts). */
  readonly starts: number;
  /** Late replies discarded (the id of a request it had already answered). */
  readonly lateReplies: number;
}

/** The meaning of an exit code: a key of {@link EXIT_CODES}. */
export type ExitMeaning = keyof typeof EXIT_CODES;

/** The JSON report of a `vectors` run (`vectors/schema/vectors-report.schema.json`). */
export interface VectorsReport {
  /** The tool that made the report: name, version, root hash of its committed vectors. */
  readonly tool: ToolIdentity;
  /** Always `vectors`. */
  readonly command: 'vectors';
  /** The exit code ({@link EXIT_CODES}). */
  readonly exitCode: ExitCode;
  /** Its meaning: a key of {@link EXIT_CODES}. */
  readonly exitMeaning: ExitMeaning;
  /** Why, in one sentence. */
  readonly exitReason: string;
  /** The harness's protocol version. */
  readonly protocolVersion: number;
  /** The adapter: command, handshake, starts, late replies. */
  readonly adapter: AdapterInfo;
  /** The vectors directory or file, resolved. */
  readonly vectors: string;
  /** The selection. */
  readonly selection: VectorSelection;
  /** Vectors selected, plus invalid files: the sum of the counts below. */
  readonly total: number;
  /** Passed (not listed as expected failures). */
  readonly passed: number;
  /** Failed (not listed). */
  readonly failed: number;
  /** Skipped by the adapter. */
  readonly skipped: number;
  /** Errors (not listed). */
  readonly errors: number;
  /** Invalid vector files. */
  readonly invalid: number;
  /** Listed vectors that failed or errored, as expected. */
  readonly expectedFailures: number;
  /** Listed vectors that passed. */
  readonly unexpectedPasses: number;
  /** Selected vectors not run because the adapter could not be run. */
  readonly notRun: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** When the adapter could not be run (exit code 3): what happened, in one line; else `null`. */
  readonly adapterFailure: string | null;
  /** Each listed expected failure and what became of it (empty without `--expect-failures`). */
  readonly expectedFailureResults: readonly ExpectedFailureResult[];
  /** One verdict per selected vector (invalid files first, then by id). */
  readonly results: readonly VectorVerdict[];
}

/** A loaded, valid vector and where it came from. */
export interface LoadedVector {
  /** The vector. */
  readonly vector: Vector;
  /** The file, relative to the vectors directory (its name, for a single file). */
  readonly file: string;
  /** The category folder it is in, or `null` when it is not in one. */
  readonly category: VectorCategory | null;
}

/** A vector file that is not a usable vector. */
export interface InvalidVectorFile {
  /** The file, relative to the vectors directory. */
  readonly file: string;
  /** The id it declares, when it can be read. */
  readonly id: string | null;
  /** What is wrong. */
  readonly problem: string;
  /** The whole message, naming the file as read. */
  readonly message: string;
}

/** Every vector file under a path, checked. */
export interface VectorSet {
  /** The valid vectors, sorted by id. */
  readonly vectors: readonly LoadedVector[];
  /** The invalid files, in file order. */
  readonly invalid: readonly InvalidVectorFile[];
}

/** A run made ready: the vectors loaded, selected, and the expected failures read. */
export interface PreparedRun {
  /** Everything loaded. */
  readonly set: VectorSet;
  /** The selected valid vectors, by id. */
  readonly selected: readonly LoadedVector[];
  /** The listed expected failures (empty without `--expect-failures`). */
  readonly expectedFailures: readonly ExpectedFailure[];
}

/**
 * Parse `vectors` options.
 *
 * @param argv - the arguments after `vectors`
 * @returns the options
 * @throws UsageError on an unknown option, a missing or malformed value, an unknown rule
 *   id (not R1 to R33) or category, or no `--adapter` without `--list`
 * @example
 * parseVectorsOptions(['--adapter', 'node my-adapter.mjs', '--rule', 'R22,R23', '--category', 'wire'])
 */
export function parseVectorsOptions(argv: readonly string[]): VectorsCommandOptions {
  return vectorsOptionsFrom(parseOptions(VECTORS_COMMAND, argv));
}

/**
 * The `vectors` options from parsed values.
 *
 * @param values - the values the parser checked (ranges and choices included)
 * @returns the options
 * @throws UsageError on an unknown rule id or category, or no `--adapter` without `--list`
 */
function vectorsOptionsFrom(values: OptionValues): VectorsCommandOptions {
  const list = values.flag('list');
  const adapter = values.string('adapter');
  if (!adapter && !list) throw new UsageError('vectors needs --adapter "<command>" (or --list to print the selected vector ids)');
  const rules = values.list('rule').map((rule) => {
    const normal = rule.toUpperCase();
    if (!RULE_IDS.includes(normal)) throw new UsageError(`vectors: --rule ${rule} is not a rule id: the rules are R1 to R33`);
    return normal;
  });
  const categories = values.list('category').map((category) => {
    if (!(VECTOR_CATEGORIES as readonly string[]).includes(category)) {
      throw new UsageError(`vectors: --category ${category} is not a category: the categories are ${VECTOR_CATEGORIES.join(', ')}`);
    }
    return category as VectorCategory;
  });
  const jsonReport = values.string('json-report');
  const filter = values.string('filter');
  const expectFailures = values.string('expect-failures');
  const reportMd = values.string('report-md');
  return {
    ...(adapter ? { adapter } : {}),
    ...(jsonReport === undefined ? {} : { jsonReport }),
    timeoutMs: values.integer('timeout') ?? DEFAULT_TIMEOUT_MS,
    ...(filter === undefined ? {} : { filter }),
    vectors: values.string('vectors') ?? DEFAULT_VECTORS_DIR,
    maxLineBytes: values.integer('max-line-bytes') ?? DEFAULT_MAX_LINE_BYTES,
    stderr: (values.string('stderr') ?? 'capture') as 'capture' | 'inherit',
    rules: [...new Set(rules)],
    tags: [...new Set(values.list('tag'))],
    categories: [...new Set(categories)],
    list,
    ...(expectFailures === undefined ? {} : { expectFailures }),
    failOnSkip: values.flag('fail-on-skip'),
    json: values.flag('json'),
    ...(reportMd === undefined ? {} : { reportMd }),
  };
}

/** The `.json` vector files under a path (sorted; `schema/` and `index.json` skipped), relative to it. */
function vectorFiles(path: string): { readonly directory: boolean; readonly files: readonly string[] } {
  if (!existsSync(path)) throw new UsageError(`vectors: no such vectors file or directory: ${path}`);
  if (!statSync(path).isDirectory()) return { directory: false, files: [path] };
  const files: string[] = [];
  const walk = (directory: string, depth: number): void => {
    for (const name of readdirSync(directory).sort()) {
      const full = join(directory, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'schema' && depth < 2) walk(full, depth + 1);
      } else if (name.endsWith('.json') && name !== 'index.json') files.push(full);
    }
  };
  walk(path, 0);
  return { directory: true, files };
}

/** The id a file declares, if its text is a JSON object with a string `id`. */
function declaredId(file: string): string | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, 'id')) return null;
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' && id.length <= 200 ? id : null;
  } catch {
    return null;
  }
}

function categoryOf(file: string): VectorCategory | null {
  const folder = basename(dirname(resolve(file)));
  return (VECTOR_CATEGORIES as readonly string[]).includes(folder) ? (folder as VectorCategory) : null;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Load and check every vector file under a path (a vectors directory with category
 * folders, a directory of vector files, or one file): each must be JSON, declare the
 * supported format version, match the vector schema, hold a readable block, hash to its
 * `_info.hash`, and have an id no other file has. Never throws for a bad file: every bad
 * file is listed, with its problem.
 *
 * @param path - the file or directory
 * @returns the valid vectors and the invalid files
 * @throws UsageError when the path does not exist
 * @example
 * const { vectors, invalid } = loadVectorSet('vectors');
 */
export function loadVectorSet(path: string): VectorSet {
  const { directory, files } = vectorFiles(path);
  const vectors: LoadedVector[] = [];
  const invalid: InvalidVectorFile[] = [];
  const seen = new Map<string, string>();
  for (const full of files) {
    const file = directory ? relative(path, full) : basename(full);
    try {
      const vector = readVectorFile(full, { verifyHash: true });
      const other = seen.get(vector.id);
      if (other !== undefined) {
        const error = new VectorFileError(full, `its id ${vector.id} is also the id of ${other}`);
        invalid.push({ file, id: vector.id, problem: error.detail, message: error.message });
        continue;
      }
      seen.set(vector.id, file);
      vectors.push({ vector, file, category: categoryOf(full) });
    } catch (error) {
      if (!(error instanceof VectorFileError)) throw error;
      invalid.push({ file, id: declaredId(full), problem: error.detail, message: error.message });
    }
  }
  return { vectors: vectors.sort((a, b) => byId(a.vector.id, b.vector.id)), invalid };
}

/**
 * Load vectors from a file, a directory of vector files, or a vectors directory with
 * category folders (`schema/` and `index.json` are skipped), sorted by id; the first bad
 * file throws. ({@link loadVectorSet} checks the content hashes too and lists every bad
 * file instead.)
 *
 * @param path - the file or directory
 * @returns the vectors
 * @throws UsageError when the path does not exist; VectorFileError when a file is unreadable, not JSON, not a vector, or its block cannot be read
 * @example
 * loadVectorsFrom('conformance-failures/fuzz-20250101-120000')
 */
export function loadVectorsFrom(path: string): Vector[] {
  return vectorFiles(path)
    .files.map((file) => readVectorFile(file))
    .sort((a, b) => byId(a.id, b.id));
}

/**
 * The vectors a selection keeps: those whose `rules` include one of `rules`, AND whose
 * `tags` include one of `tags`, AND whose category is one of `categories`, AND whose id
 * contains `filter` (an empty list or a missing filter keeps everything).
 *
 * @param vectors - the loaded vectors
 * @param selection - rules, tags, categories, id substring
 * @returns the kept vectors, in their order
 * @example
 * selectVectors(loadVectorSet('vectors').vectors, { rules: ['R22'], tags: [], categories: ['wire'], filter: null })
 */
export function selectVectors(vectors: readonly LoadedVector[], selection: Pick<VectorSelection, 'rules' | 'tags' | 'categories' | 'filter'>): LoadedVector[] {
  return vectors.filter(
    ({ vector, category }) =>
      (selection.rules.length === 0 || vector.rules.some((rule) => selection.rules.includes(rule))) &&
      (selection.tags.length === 0 || vector.tags.some((tag) => selection.tags.includes(tag))) &&
      (selection.categories.length === 0 || (category !== null && selection.categories.includes(category))) &&
      (selection.filter === null || vector.id.includes(selection.filter)),
  );
}

let expectedFailuresValidator: ValidateFunction | undefined;

/**
 * Read an `--expect-failures` file: JSON matching
 * `vectors/schema/expected-failures.schema.json`, each id listed once, each a known vector.
 *
 * @param file - the file
 * @param knownIds - the ids of every vector file loaded (valid or not)
 * @returns the entries, in file order
 * @throws UsageError when the file cannot be read, is not JSON, does not match the schema, lists an id twice or lists an unknown id
 * @example
 * readExpectedFailures('known-failures.json', new Set(['rejection-invalid-nonce']))
 */
export function readExpectedFailures(file: string, knownIds: ReadonlySet<string>): ExpectedFailure[] {
  const where = `vectors: --expect-failures ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${where}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!expectedFailuresValidator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    expectedFailuresValidator = ajv.compile(JSON.parse(readFileSync(EXPECTED_FAILURES_SCHEMA_URL, 'utf8')) as object);
  }
  if (!expectedFailuresValidator(value)) {
    const problem = describeValidation(expectedFailuresValidator, value, { rootName: 'expected-failures file' }).message;
    throw new UsageError(`${where}: does not match vectors/schema/expected-failures.schema.json: ${problem}`);
  }
  const entries = (value as { expectedFailures: ExpectedFailure[] }).expectedFailures.map(({ id, reason }) => ({ id, reason }));
  const counted = new Map<string, number>();
  for (const { id } of entries) counted.set(id, (counted.get(id) ?? 0) + 1);
  const twice = [...counted].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length > 0) throw new UsageError(`${where}: lists ${twice.join(', ')} more than once`);
  const unknown = entries.map(({ id }) => id).filter((id) => !knownIds.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ` and ${unknown.length - 10} more` : '');
    throw new UsageError(`${where}: lists ${unknown.length === 1 ? 'an id that is' : 'ids that are'} not a known vector: ${shown}`);
  }
  return entries;
}

function selectionOf(options: VectorsCommandOptions): VectorSelection {
  return {
    rules: options.rules,
    tags: options.tags,
    categories: options.categories,
    filter: options.filter ?? null,
    expectFailures: options.expectFailures ?? null,
    failOnSkip: options.failOnSkip,
  };
}

function describeSelection(selection: VectorSelection): string {
  const parts = [
    ...(selection.rules.length ? [`rule ${selection.rules.join(' or ')}`] : []),
    ...(selection.tags.length ? [`tag ${selection.tags.join(' or ')}`] : []),
    ...(selection.categories.length ? [`category ${selection.categories.join(' or ')}`] : []),
    ...(selection.filter !== null ? [`id containing ${JSON.stringify(selection.filter)}`] : []),
  ];
  return parts.length ? parts.join(', ') : 'all';
}

/**
 * Load the vectors, apply the selection, read the expected failures: everything a run
 * (or `--list`) does before the adapter starts.
 *
 * @param options - the parsed options
 * @returns the loaded set, the selection and the expected failures
 * @throws UsageError when the path does not exist, holds no vector file, the selection matches no vector, or the expected-failures file is bad
 * @example
 * const { selected } = prepareVectorRun(parseVectorsOptions(['--list', '--rule', 'R22']));
 */
export function prepareVectorRun(options: VectorsCommandOptions): PreparedRun {
  const set = loadVectorSet(options.vectors);
  if (set.vectors.length === 0 && set.invalid.length === 0) throw new UsageError(`vectors: no vector files in ${options.vectors}`);
  const selection = selectionOf(options);
  const selected = selectVectors(set.vectors, selection);
  if (selected.length === 0 && set.vectors.length > 0) {
    throw new UsageError(`vectors: no vector matches the selection (${describeSelection(selection)}) among the ${set.vectors.length} valid vectors of ${options.vectors}`);
  }
  const known = new Set([...set.vectors.map(({ vector }) => vector.id), ...set.invalid.flatMap(({ id }) => (id === null ? [] : [id]))]);
  const expectedFailures = options.expectFailures === undefined ? [] : readExpectedFailures(options.expectFailures, known);
  return { set, selected, expectedFailures };
}

/**
 * Why the adapter could not be run, in one line, with the last line of its stderr when
 * captured (from the error, else what the client captured since).
 */
function cannotRunLine(error: AdapterProtocolError, client: AdapterClient): string {
  const lastLine = `${error.stderr}\n${client.takeStderr()}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('npm warn') && !line.startsWith('[harness]'))
    .pop();
  const what =
    error.kind === 'handshake'
      ? 'it failed its handshake'
      : error.kind === 'start'
        ? error.detail.startsWith('gave up')
          ? 'it kept failing to start'
          : 'it could not be started'
        : 'it did not complete its handshake';
  return `the adapter could not be run: ${what}: ${error.detail}${lastLine ? ` (its stderr: ${lastLine.slice(0, 300)})` : ''}`;
}

/**
 * Get a working adapter process for the next vector: after a crash the client restarts
 * the adapter; a restart whose handshake fails is retried (it blames no vector) until
 * the client gives up after its limit of failed starts in a row.
 */
async function ensureStarted(client: AdapterClient): Promise<void> {
  for (;;) {
    try {
      await client.start();
      return;
    } catch (error) {
      if (!(error instanceof AdapterProtocolError)) throw error;
      if (error.kind === 'start') throw new CannotRunError(cannotRunLine(error, client));
      // A failed restart handshake: the client counts it and gives up (kind `start`) after its limit.
    }
  }
}

type RunVerdict = PassVerdict | FailVerdict | SkipVerdict | ErrorVerdict;

async function runOne(client: AdapterClient, loaded: LoadedVector, capture: boolean, expectedFailure: string | undefined): Promise<RunVerdict> {
  const { vector, file } = loaded;
  const started = performance.now();
  const base = (): VectorVerdictBase => ({ id: vector.id, file, ms: Math.round(performance.now() - started), ...(expectedFailure === undefined ? {} : { expectedFailure }) });
  if (capture) client.takeStderr();
  await ensureStarted(client);
  try {
    const reply = await client.execute(vector.context, vector.preState, vector.transactions.map((transaction) => transaction.hex));
    if (reply.type === 'skip') return { ...base(), status: 'skip', reason: reply.reason };
    if (reply.type === 'error') {
      const stderr = capture ? client.takeStderr() : '';
      return { ...base(), status: 'error', kind: 'adapter-error', message: reply.message, ...(stderr ? { stderr } : {}) };
    }
    const differences = describeDifferences(vector.expected, outcomeOf(reply));
    return differences.length === 0 ? { ...base(), status: 'pass' } : { ...base(), status: 'fail', differences };
  } catch (error) {
    if (!(error instanceof AdapterProtocolError)) throw error;
    if (error.kind === 'start') throw new CannotRunError(cannotRunLine(error, client));
    return { ...base(), status: 'error', kind: error.kind, message: error.detail, ...(error.stderr ? { stderr: error.stderr } : {}) };
  }
}

/** The counts of a report, from its verdicts. */
function countVerdicts(results: readonly VectorVerdict[], notRun: number): Pick<
  VectorsReport,
  'total' | 'passed' | 'failed' | 'skipped' | 'errors' | 'invalid' | 'expectedFailures' | 'unexpectedPasses' | 'notRun'
> {
  const listed = (result: VectorVerdict): boolean => result.status !== 'invalid' && result.expectedFailure !== undefined;
  const count = (keep: (result: VectorVerdict) => boolean): number => results.filter(keep).length;
  return {
    total: results.length + notRun,
    passed: count((result) => result.status === 'pass' && !listed(result)),
    failed: count((result) => result.status === 'fail' && !listed(result)),
    skipped: count((result) => result.status === 'skip'),
    errors: count((result) => result.status === 'error' && !listed(result)),
    invalid: count((result) => result.status === 'invalid'),
    expectedFailures: count((result) => (result.status === 'fail' || result.status === 'error') && listed(result)),
    unexpectedPasses: count((result) => result.status === 'pass' && listed(result)),
    notRun,
  };
}


/** The exit code of a run, its meaning and why. */
interface RunExit {
  readonly code: ExitCode;
  readonly meaning: ExitMeaning;
  readonly reason: string;
}

/** The exit code of a run, its meaning and why: the largest code that applies. */
function exitOf(counts: ReturnType<typeof countVerdicts>, adapterFailure: string | null, failOnSkip: boolean): RunExit {
  if (adapterFailure !== null && counts.invalid === 0) return { code: EXIT_CODES.cannotRun, meaning: 'cannotRun', reason: adapterFailure };
  if (adapterFailure !== null) {
    return { code: EXIT_CODES.cannotRun, meaning: 'cannotRun', reason: `${adapterFailure}; and ${plural(counts.invalid, 'vector file is', 'vector files are')} invalid` };
  }
  if (counts.invalid > 0) return { code: EXIT_CODES.usage, meaning: 'usage', reason: `${plural(counts.invalid, 'vector file is', 'vector files are')} invalid (never sent to the adapter)` };
  const differences = [
    ...(counts.failed ? [`${plural(counts.failed, 'vector')} failed`] : []),
    ...(counts.errors ? [`${plural(counts.errors, 'vector')} errored`] : []),
    ...(counts.unexpectedPasses ? [`${plural(counts.unexpectedPasses, 'listed expected failure')} passed (remove ${counts.unexpectedPasses === 1 ? 'it' : 'them'} from the list)`] : []),
    ...(failOnSkip && counts.skipped ? [`${plural(counts.skipped, 'vector was', 'vectors were')} skipped (--fail-on-skip)`] : []),
  ];
  if (differences.length > 0) return { code: EXIT_CODES.difference, meaning: 'difference', reason: differences.join(', ') };
  const passed = `${plural(counts.passed, 'vector')} passed`;
  return {
    code: EXIT_CODES.passed,
    meaning: 'passed',
    reason: counts.expectedFailures > 0 ? `${passed}; the ${plural(counts.expectedFailures, 'listed expected failure')} failed as listed` : passed,
  };
}

function expectedFailureResults(expected: readonly ExpectedFailure[], results: readonly VectorVerdict[], notRunIds: ReadonlySet<string>): ExpectedFailureResult[] {
  const verdicts = new Map<string, VectorVerdict>();
  for (const result of results) if (result.id !== null && !verdicts.has(result.id)) verdicts.set(result.id, result);
  return expected.map(({ id, reason }): ExpectedFailureResult => {
    const verdict = verdicts.get(id);
    const status: ExpectedFailureResult['status'] =
      verdict === undefined
        ? notRunIds.has(id)
          ? 'not-run'
          : 'not-selected'
        : verdict.status === 'pass'
          ? 'unexpected-pass'
          : verdict.status === 'skip'
            ? 'skipped'
            : verdict.status === 'invalid'
              ? 'invalid'
              : 'expected-failure';
    return { id, reason, status };
  });
}

/** What a run is about to do, for {@link runAdapterVectors}'s `onPlan`. */
export interface VectorRunPlan {
  /** The selected valid vectors. */
  readonly selected: number;
  /** The invalid vector files (reported, never run). */
  readonly invalid: number;
  /** The selection, in words. */
  readonly selection: string;
}

/**
 * Run the selected vectors through an adapter. Invalid vector files are reported as
 * `invalid` verdicts and never sent; when the adapter cannot be started, fails its first
 * handshake, or keeps failing so that the client gives up, the run stops: the report
 * then has `adapterFailure` and exit code 3, and the vectors not run are counted in
 * `notRun`, not blamed.
 *
 * @param options - adapter, vectors, selection, expected failures, limits
 * @param onVerdict - called after each verdict (invalid files first)
 * @param onPlan - called once the vectors are loaded and selected, before the adapter starts
 * @returns the report
 * @throws UsageError on a usage problem (see {@link prepareVectorRun}, or no adapter)
 * @example
 * const report = await runAdapterVectors(parseVectorsOptions(['--adapter', 'node my-adapter.mjs', '--rule', 'R22']));
 */
export async function runAdapterVectors(
  options: VectorsCommandOptions,
  onVerdict?: (verdict: VectorVerdict, done: number, total: number) => void,
  onPlan?: (plan: VectorRunPlan) => void,
): Promise<VectorsReport> {
  const { set, selected, expectedFailures } = prepareVectorRun(options);
  if (options.adapter === undefined) throw new UsageError('vectors needs --adapter "<command>"');
  const reasons = new Map(expectedFailures.map(({ id, reason }) => [id, reason]));
  const selection = selectionOf(options);
  onPlan?.({ selected: selected.length, invalid: set.invalid.length, selection: describeSelection(selection) });
  const started = performance.now();
  const results: VectorVerdict[] = [];
  const total = set.invalid.length + selected.length;
  const record = (verdict: VectorVerdict): void => {
    results.push(verdict);
    onVerdict?.(verdict, results.length, total);
  };
  for (const file of set.invalid) record({ id: file.id, status: 'invalid', file: file.file, problem: file.problem, message: file.message, ms: 0 });
  let adapterFailure: string | null = null;
  const notRunIds = new Set<string>();
  const client = new AdapterClient(options.adapter, { timeoutMs: options.timeoutMs, maxLineBytes: options.maxLineBytes, stderr: options.stderr });
  try {
    if (selected.length > 0) {
      try {
        // The first start gets no second chance: an adapter that never worked is not run.
        await client.start();
      } catch (error) {
        if (!(error instanceof AdapterProtocolError)) throw error;
        adapterFailure = cannotRunLine(error, client);
      }
      for (const loaded of selected) {
        if (adapterFailure !== null) {
          notRunIds.add(loaded.vector.id);
          continue;
        }
        try {
          record(await runOne(client, loaded, options.stderr === 'capture', reasons.get(loaded.vector.id)));
        } catch (error) {
          if (!(error instanceof CannotRunError)) throw error;
          adapterFailure = error.message;
          notRunIds.add(loaded.vector.id);
        }
      }
    }
  } finally {
    await client.close();
  }
  const counts = countVerdicts(results, notRunIds.size);
  const hello = client.hello;
  const exit = exitOf(counts, adapterFailure, options.failOnSkip);
  return {
    tool: toolIdentity(),
    command: 'vectors',
    exitCode: exit.code,
    exitMeaning: exit.meaning,
    exitReason: exit.reason,
    protocolVersion: PROTOCOL_VERSION,
    adapter: {
      command: options.adapter,
      name: hello?.name ?? null,
      version: hello?.version ?? null,
      ledgers: hello?.ledgers ?? null,
      protocolVersion: hello?.protocolVersion ?? null,
      starts: client.starts,
      lateReplies: client.lateReplies,
    },
    vectors: resolve(options.vectors),
    selection,
    ...counts,
    seconds: (performance.now() - started) / 1000,
    adapterFailure,
    expectedFailureResults: expectedFailureResults(expectedFailures, results, notRunIds),
    results,
  };
}

/**
 * The human text for a verdict: nothing for a pass; for a failure one line, then one
 * indented line per difference; `XFAIL` for a listed expected failure, `XPASS` for a
 * listed one that passed.
 *
 * @param verdict - the verdict
 * @returns the text, ending with a newline, or `''` for a pass
 * @example
 * process.stdout.write(formatVerdict(verdict));
 */
export function formatVerdict(verdict: VectorVerdict): string {
  if (verdict.status === 'invalid') return `INVALID ${verdict.message}\n`;
  if (verdict.expectedFailure !== undefined) {
    if (verdict.status === 'pass') return `XPASS ${verdict.id}: unexpectedly passed, remove it from the list (listed: ${verdict.expectedFailure})\n`;
    if (verdict.status === 'fail' || verdict.status === 'error') return `XFAIL ${verdict.id}: failed as expected (${verdict.expectedFailure})\n`;
  }
  switch (verdict.status) {
    case 'pass':
      return '';
    case 'fail':
      return `FAIL  ${verdict.id}: ${plural(verdict.differences.length, 'difference')}\n${verdict.differences.map((difference) => `      ${difference.message}\n`).join('')}`;
    case 'skip':
      return `SKIP  ${verdict.id}: ${verdict.reason}\n`;
    case 'error': {
      const tail = (verdict.stderr ?? '')
        .trimEnd()
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('npm warn'))
        .slice(-5)
        .map((line) => `      stderr: ${line.slice(0, 300)}\n`)
        .join('');
      return `ERROR ${verdict.id}: ${verdict.kind}: ${verdict.message.split('\n')[0]}\n${tail}`;
    }
  }
}

/**
 * The summary line.
 *
 * @param report - the counts
 * @returns `N passed, N failed, N skipped, N errors`, then the other counts that are not 0
 * @example
 * summaryLine(report) // '370 passed, 0 failed, 0 skipped, 0 errors, 2 expected failures'
 */
export function summaryLine(
  report: Pick<VectorsReport, 'passed' | 'failed' | 'skipped' | 'errors'> & Partial<Pick<VectorsReport, 'invalid' | 'expectedFailures' | 'unexpectedPasses' | 'notRun'>>,
): string {
  const extra = [
    ...(report.invalid ? [`${report.invalid} invalid`] : []),
    ...(report.expectedFailures ? [plural(report.expectedFailures, 'expected failure')] : []),
    ...(report.unexpectedPasses ? [plural(report.unexpectedPasses, 'unexpected pass', 'unexpected passes')] : []),
    ...(report.notRun ? [`${report.notRun} not run`] : []),
  ];
  return [`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped, ${report.errors} errors`, ...extra].join(', ');
}

/** The skip warning, or `''` when nothing was skipped. */
function skipWarning(report: VectorsReport): string {
  const skips = report.results.filter((result): result is SkipVerdict => result.status === 'skip');
  if (skips.length === 0) return '';
  const shown = skips.slice(0, SKIP_WARNING_IDS).map((skip) => `  ${skip.id}: ${skip.reason}\n`).join('');
  const more = skips.length > SKIP_WARNING_IDS ? `  ... and ${skips.length - SKIP_WARNING_IDS} more (the JSON report lists them all)\n` : '';
  const verdict = report.selection.failOnSkip ? 'this fails the run (--fail-on-skip)' : 'they do not fail the run (--fail-on-skip would)';
  return `WARNING: the adapter skipped ${plural(skips.length, 'vector')}; ${verdict}:\n${shown}${more}`;
}

const cell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
};

const inline = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * A Markdown summary of a report, for a CI step summary: the result, a counts table, the
 * failures with their differences, unexpected passes, invalid files, skips and errors.
 *
 * @param report - the report
 * @returns the Markdown text
 * @example
 * writeFileSync(process.env.GITHUB_STEP_SUMMARY!, formatMarkdownReport(report), { flag: 'a' });
 */
export function formatMarkdownReport(report: VectorsReport): string {
  const lines: string[] = [];
  const title = report.exitCode === EXIT_CODES.passed ? 'passed' : report.exitCode === EXIT_CODES.difference ? 'FAILED' : report.exitCode === EXIT_CODES.usage ? 'INVALID INPUT' : 'ADAPTER COULD NOT BE RUN';
  lines.push(`## tos-conformance vectors: ${title}`, '');
  lines.push(`Exit code ${report.exitCode} (${report.exitMeaning}): ${inline(report.exitReason)}`, '');
  const adapter = report.adapter;
  lines.push(
    `- adapter: ${adapter.name === null ? 'no successful handshake' : `${inline(adapter.name)} ${inline(adapter.version ?? '')} (protocol ${adapter.protocolVersion}, ledgers ${(adapter.ledgers ?? []).join(', ')})`}, command ${cell(adapter.command)}, ${plural(adapter.starts, 'start')}`,
    `- tool: ${report.tool.name} ${report.tool.version}, vector root hash ${report.tool.vectorRootHash === null ? 'unknown' : cell(report.tool.vectorRootHash)}`,
    `- selection: ${inline(describeSelection(report.selection))}${report.selection.expectFailures === null ? '' : `; expected failures from ${cell(report.selection.expectFailures)}`}${report.selection.failOnSkip ? '; --fail-on-skip' : ''}`,
    `- ${report.seconds.toFixed(1)} s`,
    '',
  );
  lines.push('| total | passed | failed | errors | skipped | invalid | expected failures | unexpected passes | not run |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${[report.total, report.passed, report.failed, report.errors, report.skipped, report.invalid, report.expectedFailures, report.unexpectedPasses, report.notRun].join(' | ')} |`, '');
  if (report.adapterFailure !== null) lines.push('### The adapter could not be run', '', inline(report.adapterFailure), '');
  const unexpected = <T extends VectorVerdict>(status: T['status']): T[] =>
    report.results.filter((result): result is T => result.status === status && (result.status === 'invalid' || result.expectedFailure === undefined));
  const failures = unexpected<FailVerdict>('fail');
  if (failures.length > 0) {
    lines.push(`### Failures (${failures.length})`, '');
    for (const failure of failures.slice(0, MARKDOWN_MAX_VECTORS)) {
      lines.push(`#### \`${failure.id}\` (${cell(failure.file)})`, '', '| where | expected | actual | |', '| --- | --- | --- | --- |');
      for (const difference of failure.differences.slice(0, MARKDOWN_MAX_DIFFERENCES)) {
        lines.push(`| ${cell(difference.path)} | ${cell(difference.expected)} | ${cell(difference.actual)} | ${inline(difference.message)} |`);
      }
      if (failure.differences.length > MARKDOWN_MAX_DIFFERENCES) lines.push(`| ... | | | ${failure.differences.length - MARKDOWN_MAX_DIFFERENCES} more in the JSON report |`);
      lines.push('');
    }
    if (failures.length > MARKDOWN_MAX_VECTORS) lines.push(`... and ${failures.length - MARKDOWN_MAX_VECTORS} more failing vectors in the JSON report.`, '');
  }
  const errors = unexpected<ErrorVerdict>('error');
  if (errors.length > 0) {
    lines.push(`### Errors (${errors.length})`, '', '| vector | kind | message |', '| --- | --- | --- |');
    for (const error of errors.slice(0, MARKDOWN_MAX_VECTORS)) lines.push(`| \`${error.id}\` | ${error.kind} | ${inline(error.message.split('\n')[0]!.slice(0, 300))} |`);
    lines.push('');
  }
  const listed = report.expectedFailureResults;
  const passes = listed.filter((entry) => entry.status === 'unexpected-pass');
  if (passes.length > 0) {
    lines.push(`### Unexpected passes (${passes.length}): remove them from the expected-failures list`, '');
    for (const entry of passes) lines.push(`- \`${entry.id}\`: listed as ${inline(entry.reason)}`);
    lines.push('');
  }
  const invalid = unexpected<InvalidVerdict>('invalid');
  if (invalid.length > 0) {
    lines.push(`### Invalid vector files (${invalid.length})`, '', '| file | id | problem |', '| --- | --- | --- |');
    for (const file of invalid) lines.push(`| ${cell(file.file)} | ${file.id === null ? '' : `\`${file.id}\``} | ${inline(file.problem)} |`);
    lines.push('');
  }
  const skips = unexpected<SkipVerdict>('skip');
  if (skips.length > 0) {
    lines.push(`### Skipped (${skips.length})${report.selection.failOnSkip ? ': fails the run (--fail-on-skip)' : ''}`, '', '| vector | reason |', '| --- | --- |');
    for (const skip of skips.slice(0, MARKDOWN_MAX_VECTORS)) lines.push(`| \`${skip.id}\` | ${inline(skip.reason)} |`);
    if (skips.length > MARKDOWN_MAX_VECTORS) lines.push(`| ... | ${skips.length - MARKDOWN_MAX_VECTORS} more in the JSON report |`);
    lines.push('');
  }
  if (listed.length > 0) {
    lines.push(`### Expected failures (${listed.length} listed)`, '', '| vector | status | reason |', '| --- | --- | --- |');
    for (const entry of listed) lines.push(`| \`${entry.id}\` | ${entry.status} | ${inline(entry.reason)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function writeFile(option: string, file: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`vectors: cannot write ${option} ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * `tos-conformance vectors`: select, check, run, print, write the reports.
 *
 * @param argv - the arguments after `vectors`
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns the exit code ({@link EXIT_CODES}): 0 passed (with `--expect-failures`: exactly
 *   the listed selected vectors failed); 1 a conformance difference (an unlisted fail or
 *   error, a listed vector that passed, a skip with `--fail-on-skip`); 2 invalid vector
 *   files (reported, the others run); 3 the adapter could not be run. When several
 *   apply, the largest.
 * @throws UsageError on a usage error, or when a report file cannot be written (the command line exits 2)
 * @example
 * process.exitCode = await vectorsCommand(['--adapter', 'node my-adapter.mjs', '--rule', 'R22']);
 */
export async function vectorsCommand(argv: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const values = answerOrParse(VECTORS_COMMAND, argv, io);
  if (values === 0) return 0;
  const options = vectorsOptionsFrom(values);
  const human = options.json ? io.err : io.out;
  if (options.list) {
    const { set, selected } = prepareVectorRun(options);
    for (const { vector } of selected) io.out(`${vector.id}\n`);
    for (const file of set.invalid) io.err(`INVALID ${file.message}\n`);
    if (set.invalid.length > 0) {
      io.err(`tos-conformance vectors: ${plural(set.invalid.length, 'vector file is', 'vector files are')} invalid\n`);
      return EXIT_CODES.usage;
    }
    return EXIT_CODES.passed;
  }
  const report = await runAdapterVectors(
    options,
    (verdict, done, total) => {
      if (verdict.status === 'invalid') io.err(formatVerdict(verdict));
      else human(formatVerdict(verdict));
      if (done % 100 === 0 && done < total) io.err(`  ${done}/${total} vectors\n`);
    },
    (plan) => {
      human(`tos-conformance vectors: adapter ${JSON.stringify(options.adapter)}, timeout ${options.timeoutMs} ms\n`);
      human(`  ${plural(plan.selected, 'vector')} from ${options.vectors} (selection: ${plan.selection})${plan.invalid ? `; ${plural(plan.invalid, 'invalid vector file')}, not run` : ''}\n`);
    },
  );
  const adapter = report.adapter;
  const who = adapter.name === null ? '' : ` (${adapter.name} ${adapter.version})`;
  human(`adapter${who} started ${plural(adapter.starts, 'time')}; ${plural(report.total - report.invalid - report.notRun, 'vector')} in ${report.seconds.toFixed(1)} s\n`);
  if (adapter.lateReplies > 0) {
    human(`WARNING: the adapter sent ${adapter.lateReplies} late repl${adapter.lateReplies === 1 ? 'y' : 'ies'} (the id of a request it had already answered): discarded\n`);
  }
  if (report.adapterFailure !== null) io.err(`tos-conformance vectors: ${report.adapterFailure}; ${plural(report.notRun, 'vector')} not run\n`);
  io.err(skipWarning(report));
  for (const entry of report.expectedFailureResults) {
    if (entry.status === 'not-selected' || entry.status === 'expected-failure' || entry.status === 'unexpected-pass') continue;
    human(`NOTE  ${entry.id} is listed as an expected failure but was ${entry.status === 'skipped' ? 'skipped' : entry.status === 'invalid' ? 'an invalid file' : 'not run'}\n`);
  }
  human(`${summaryLine(report)}\n`);
  // (The adapter failure was its own line, above.)
  if (report.exitCode !== EXIT_CODES.cannotRun) human(`exit ${report.exitCode} (${report.exitMeaning}): ${report.exitReason}\n`);
  const text = JSON.stringify(report, null, 2) + '\n';
  if (options.jsonReport !== undefined) {
    writeFile('--json-report', options.jsonReport, text);
    human(`report written to ${options.jsonReport}\n`);
  }
  if (options.reportMd !== undefined) {
    writeFile('--report-md', options.reportMd, formatMarkdownReport(report));
    human(`Markdown summary written to ${options.reportMd}\n`);
  }
  if (options.json) io.out(text);
  return report.exitCode;
}
