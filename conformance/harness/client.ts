/**
 * The adapter client: runs an adapter process (a shell command), speaks protocol
 * version 1 with it over stdin/stdout (see `docs/adapter-protocol.md`), and survives a
 * hostile one.
 *
 * Every request has a deadline, every reply line a maximum length, and every reply is
 * validated against `vectors/schema/adapter-protocol.schema.json` and must carry the id
 * of the request it answers. When the adapter crashes, hangs, prints something that is
 * not a valid reply, prints an oversized line or answers another id, that request fails
 * with an {@link AdapterProtocolError}; the adapter's whole process group is ended
 * (SIGTERM, then SIGKILL after a short grace, even when the adapter itself has already
 * exited, so a child it left behind cannot hold the harness open), and the next request
 * starts a fresh process with a fresh handshake, so a run goes on. {@link AdapterClient.close}
 * ends the last group the same way and waits until every group of the run is gone.
 * An `error` or `skip` reply is not a protocol failure: the process keeps running.
 *
 * {@link adapterExecutor} wraps a client as a {@link BlockExecutor}, so the conformance
 * properties can drive any implementation.
 *
 * @module harness/client
 */

import { spawn, type ChildProcess } from 'node:child_process';
import {
  bytesToHex,
  stateFromJson,
  stateToJson,
  toU64,
  type BlockContext,
  type BlockResult,
  type Receipt,
  type State,
} from '../../spec/index.ts';
import type { BlockExecutor } from '../executor-under-test.ts';
import { contextToJson, type ContextJson, type ExpectedJson } from '../vectors/format.ts';
import {
  executeReplyProblem,
  outcomeOf,
  PROTOCOL_VERSION,
  protocolValidators,
  validationMessage,
  type ErrorReply,
  type ExecuteReply,
  type HelloReply,
  type ResultReply,
} from './protocol.ts';
import type { StateJson } from '../../spec/index.ts';

/** Default deadline of one request, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default deadline of the handshake (process start included), in milliseconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
/** Default maximum length of one reply line, in bytes (64 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** How much of the adapter's stderr is kept when it is captured (the tail), in characters. */
export const STDERR_TAIL_CHARS = 16 * 1024;
/** Default grace between SIGTERM and SIGKILL when the harness ends an adapter's process group, in milliseconds. */
export const DEFAULT_KILL_GRACE_MS = 1_000;
/** How often the harness checks whether an ended process group is gone, in milliseconds. */
const GROUP_POLL_MS = 20;

/**
 * Whether any process of a process group still exists (zombies included).
 *
 * @param pgid - the process group id (the pid of its leader)
 * @returns false once the group is empty
 */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone; EPERM: nothing more the harness can do.
  }
}

/**
 * End a process group: SIGTERM to the whole group, then, if anything of it is still
 * there after the grace, SIGKILL to the whole group. The leader may already have exited:
 * a background child it left behind (one still holding the adapter's stdout, say) is in
 * the same group and is ended too.
 *
 * @param pgid - the process group id (the pid of its leader)
 * @param graceMs - how long the group gets to exit after SIGTERM
 * @returns when the group is empty, or right after the SIGKILL
 * @example
 * await terminateProcessGroup(child.pid!, 1_000);
 */
export async function terminateProcessGroup(pgid: number, graceMs: number = DEFAULT_KILL_GRACE_MS): Promise<void> {
  if (!groupExists(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
    if (!groupExists(pgid)) return;
  }
  // Orphaned zombies (members whose parent died, under an init that does not reap them)
  // keep the group id alive but are harmless: SIGKILL ends every live member.
  signalGroup(pgid, 'SIGKILL');
}

/** What went wrong with an adapter, as a protocol failure. */
export type AdapterFailureKind =
  /** The process could not be started, or gave up after repeated start failures. */
  | 'start'
  /** The handshake failed (no or bad hello reply, wrong protocol version, an error reply). */
  | 'handshake'
  /** The process exited (or closed its stdout) while a request was pending. */
  | 'crash'
  /** No reply within the deadline. */
  | 'timeout'
  /** The reply line is not a JSON object. */
  | 'garbage'
  /** The reply line is longer than the maximum. */
  | 'oversized'
  /** The reply answers another request id. */
  | 'wrong-id'
  /** The reply is JSON but does not match the protocol schema (or is semantically unusable). */
  | 'invalid-reply';

/** A request failed because the adapter broke the protocol; the process was killed and will be restarted. */
export class AdapterProtocolError extends Error {
  /**
   * @param kind - what went wrong
   * @param detail - the details
   * @param stderr - the tail of the adapter's stderr, when captured
   */
  constructor(
    readonly kind: AdapterFailureKind,
    readonly detail: string,
    readonly stderr: string = '',
  ) {
    super(`adapter ${kind}: ${detail}`);
    this.name = 'AdapterProtocolError';
  }
}

/** The adapter answered `error`: it failed to execute the request. */
export class AdapterReportedError extends Error {
  /** @param adapterMessage - the adapter's message */
  constructor(readonly adapterMessage: string) {
    super(`adapter reported an error: ${adapterMessage}`);
    this.name = 'AdapterReportedError';
  }
}

/** The adapter answered `skip` (or does not support the block's ledger model). */
export class AdapterSkipError extends Error {
  /** @param reason - why it skipped */
  constructor(readonly reason: string) {
    super(`adapter skipped: ${reason}`);
    this.name = 'AdapterSkipError';
  }
}

/** Options of {@link AdapterClient}. */
export interface AdapterClientOptions {
  /** Deadline of one request in milliseconds (default 10,000). */
  readonly timeoutMs?: number;
  /** Deadline of the handshake in milliseconds, process start included (default 30,000). */
  readonly handshakeTimeoutMs?: number;
  /** Maximum length of a reply line in bytes (default 64 MiB); a longer line fails the request. */
  readonly maxLineBytes?: number;
  /** The adapter's stderr: passed through (default), captured (its tail goes into errors and {@link AdapterClient.takeStderr}), or ignored. */
  readonly stderr?: 'inherit' | 'capture' | 'ignore';
  /** Working directory of the adapter (default: the current one). */
  readonly cwd?: string;
  /** Extra environment variables for the adapter. */
  readonly env?: Readonly<Record<string, string>>;
  /** Consecutive failed starts (spawn or handshake) after which the client stops trying (default 3). */
  readonly maxStartFailures?: number;
  /** Grace between SIGTERM and SIGKILL when the adapter's process group is ended, in milliseconds (default 1,000). */
  readonly killGraceMs?: number;
}

/** What one line from the adapter is, read by {@link parseReplyLine}. */
export type ReplyLine =
  /** An empty line (ignored). */
  | { readonly kind: 'blank' }
  /** The valid reply to the pending request. */
  | { readonly kind: 'reply'; readonly value: unknown }
  /** A JSON object echoing the id of an earlier request to this process: discarded, never taken as the answer to the pending one. */
  | { readonly kind: 'late'; readonly id: number }
  /** A line while no request is pending that is not a late reply. */
  | { readonly kind: 'unsolicited'; readonly line: string }
  /** The pending request fails with this protocol error. */
  | { readonly kind: 'error'; readonly error: AdapterProtocolError };

/**
 * Read one line the adapter wrote (without its newline): the reply parser of the client,
 * total over every input. It never throws: whatever the line holds (any JSON value,
 * truncated JSON, prototype keys such as `__proto__`, deep nesting, huge numbers, values
 * of the wrong type), the answer is one of the {@link ReplyLine} kinds.
 *
 * A reply must echo the id of the pending request. A reply that echoes the id of an
 * earlier request sent to the same process (a duplicate, or an answer after the adapter
 * already answered) is `late`: it is discarded and the pending request keeps waiting for
 * its own reply within its deadline. (A request that timed out never gets here: its
 * process is ended, so its reply cannot reach a later request.) Any other id is `wrong-id`.
 *
 * @param raw - the line
 * @param pending - the pending request's id and reply validator, if one is pending
 * @param earlierIds - ids of the requests sent to this process so far
 * @returns what the line is
 * @example
 * parseReplyLine('{"id":2,"type":"skip","reason":"no"}', { id: 2, validate: executeReplyProblem }, new Set([1, 2]))
 */
export function parseReplyLine(
  raw: string,
  pending: { readonly id: number; readonly validate: (value: unknown) => string | undefined } | undefined,
  earlierIds: ReadonlySet<number>,
): ReplyLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return { kind: 'blank' };
  const shown = (): string => `${JSON.stringify(line.slice(0, 200))}${line.length > 200 ? '...' : ''}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return pending ? { kind: 'error', error: new AdapterProtocolError('garbage', `reply is not JSON: ${shown()}`) } : { kind: 'unsolicited', line };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return pending ? { kind: 'error', error: new AdapterProtocolError('garbage', `reply is not a JSON object: ${shown()}`) } : { kind: 'unsolicited', line };
  }
  const id: unknown = Object.prototype.hasOwnProperty.call(value, 'id') ? (value as { id?: unknown }).id : undefined;
  if (pending && id === pending.id) {
    let problem: string | undefined;
    try {
      problem = pending.validate(value);
    } catch (error) {
      problem = `the reply could not be checked: ${error instanceof Error ? error.message : String(error)}`;
    }
    return problem === undefined ? { kind: 'reply', value } : { kind: 'error', error: new AdapterProtocolError('invalid-reply', problem) };
  }
  if (typeof id === 'number' && earlierIds.has(id)) return { kind: 'late', id };
  if (!pending) return { kind: 'unsolicited', line };
  let shownId: string;
  try {
    shownId = JSON.stringify(id)?.slice(0, 100) ?? 'undefined';
  } catch {
    shownId = String(typeof id);
  }
  return { kind: 'error', error: new AdapterProtocolError('wrong-id', `expected a reply to request ${pending.id}, got id ${shownId}`) };
}

interface Pending {
  readonly id: number;
  readonly validate: (value: unknown) => string | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AdapterProtocolError) => void;
  readonly timer: NodeJS.Timeout;
}

/** One running adapter process. */
class Session {
  readonly child: ChildProcess;
  private chunks: Buffer[] = [];
  private partialBytes = 0;
  private pending: Pending | undefined;
  private exitGrace: NodeJS.Timeout | undefined;
  private ending: Promise<void> | undefined;
  /** Ids of every request sent to this process. */
  private readonly sentIds = new Set<number>();
  dead = false;
  exitDescription = '';
  /** Set when the adapter wrote a line nobody asked for: the session is discarded before the next request. */
  tainted = false;
  hello: HelloReply | undefined;

  constructor(
    command: string,
    private readonly options: Required<Pick<AdapterClientOptions, 'maxLineBytes' | 'stderr' | 'killGraceMs'>> & Pick<AdapterClientOptions, 'cwd' | 'env'>,
    private readonly onStderr: (text: string) => void,
    private readonly onDead: (session: Session) => void,
    private readonly onLate: () => void,
  ) {
    this.child = spawn(command, {
      shell: true,
      // Its own process group, so a hung adapter and anything it started can be killed together.
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', options.stderr === 'capture' ? 'pipe' : options.stderr],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, ...options.env },
    });
    this.child.on('error', (error) => this.die(`could not run the adapter: ${error.message}`, 'start'));
    this.child.stdin?.on('error', () => undefined); // EPIPE after a crash: reported by exit/close
    this.child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => this.onStderr(text));
    this.child.on('exit', (code, signal) => {
      this.exitDescription = signal ? `killed by ${signal}` : `exited with code ${code}`;
      // stdout may still hold the last reply: give it a moment, then fail whatever is pending.
      this.exitGrace = setTimeout(() => this.die(`the adapter ${this.exitDescription}`, 'crash'), 500);
    });
    this.child.on('close', () => this.die(`the adapter ${this.exitDescription || 'closed its stdout'}`, 'crash'));
  }

  /** Send a request and wait for its validated reply. */
  request(message: { readonly id: number; readonly type: string }, validate: Pending['validate'], timeoutMs: number): Promise<unknown> {
    if (this.dead) return Promise.reject(new AdapterProtocolError('crash', `the adapter ${this.exitDescription || 'is not running'}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new AdapterProtocolError('timeout', `no reply to ${message.type} request ${message.id} within ${timeoutMs} ms`)), timeoutMs);
      this.pending = { id: message.id, validate, resolve, reject, timer };
      this.sentIds.add(message.id);
      this.child.stdin?.write(JSON.stringify(message) + '\n');
    });
  }

  private onData(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0 && !this.dead) {
      const newline = rest.indexOf(10);
      if (newline === -1) {
        this.chunks.push(rest);
        this.partialBytes += rest.length;
        if (this.partialBytes > this.options.maxLineBytes) this.oversized();
        return;
      }
      const head = rest.subarray(0, newline);
      rest = rest.subarray(newline + 1);
      if (this.partialBytes + head.length > this.options.maxLineBytes) {
        this.oversized();
        return;
      }
      const line = this.chunks.length === 0 ? head : Buffer.concat([...this.chunks, head]);
      this.chunks = [];
      this.partialBytes = 0;
      this.onLine(line.toString('utf8'));
    }
  }

  private oversized(): void {
    this.fail(new AdapterProtocolError('oversized', `a reply line is longer than the maximum of ${this.options.maxLineBytes} bytes`));
  }

  private onLine(raw: string): void {
    const pending = this.pending;
    const read = parseReplyLine(raw, pending === undefined ? undefined : { id: pending.id, validate: pending.validate }, this.sentIds);
    switch (read.kind) {
      case 'blank':
        return;
      case 'late':
        this.onLate();
        this.onStderr(`[harness] discarded a late reply to request ${read.id} (that request was already answered); still waiting for ${pending ? `request ${pending.id}` : 'the next request'}\n`);
        return;
      case 'unsolicited':
        // Output nobody asked for: the stream can no longer be trusted.
        this.tainted = true;
        this.onStderr(`[harness] unsolicited adapter output discarded: ${read.line.slice(0, 200)}\n`);
        return;
      case 'error':
        this.fail(read.error);
        return;
      case 'reply':
        this.settle();
        pending!.resolve(read.value);
    }
  }

  private settle(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  /** Fail the pending request and end the process group. */
  fail(error: AdapterProtocolError): void {
    const pending = this.pending;
    this.settle();
    void this.terminate();
    this.markDead(error.detail);
    pending?.reject(error);
  }

  private die(description: string, kind: AdapterFailureKind): void {
    if (this.dead) return;
    this.fail(new AdapterProtocolError(kind, description));
  }

  private markDead(description: string): void {
    if (this.exitGrace) clearTimeout(this.exitGrace);
    if (this.dead) return;
    this.dead = true;
    if (!this.exitDescription) this.exitDescription = description;
    this.onDead(this);
  }

  /**
   * End the adapter's whole process group: SIGTERM, then SIGKILL after the grace. The
   * group is signalled even when the adapter itself has exited, so a background child
   * it left holding stdout (which would keep the harness from exiting) is ended too.
   * Idempotent: every call returns the same promise.
   *
   * @returns when the group is gone (or was sent SIGKILL)
   */
  terminate(): Promise<void> {
    if (this.ending) return this.ending;
    this.child.stdin?.destroy();
    // Nothing more is read from a session that is being ended.
    this.child.stdout?.destroy();
    const pid = this.child.pid;
    this.ending = (async () => {
      if (pid !== undefined) {
        if (process.platform === 'win32') {
          if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
        } else {
          await terminateProcessGroup(pid, this.options.killGraceMs);
        }
      }
      this.child.stderr?.destroy();
    })();
    return this.ending;
  }

  /** Ask the adapter to finish; end its process group once it has exited or the grace is over. */
  async bye(id: number, graceMs: number): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    const validators = protocolValidators();
    // The bye reply is optional: any valid bye reply, or the process exiting, ends it.
    this.pending = {
      id,
      validate: (value) => (validators.byeReply(value) ? undefined : validationMessage(validators.byeReply)),
      resolve: () => undefined,
      reject: () => undefined,
      timer: setTimeout(() => undefined, 0),
    };
    this.sentIds.add(id);
    this.child.stdin?.write(JSON.stringify({ id, type: 'bye' }) + '\n');
    this.child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.settle();
    const ended = this.terminate();
    this.markDead('closed by the harness');
    await ended;
  }
}

/**
 * A client of one adapter command. Requests are serialised: one at a time.
 *
 * @example
 * const client = new AdapterClient('npx tsx conformance/adapters/builtin.ts');
 * const hello = await client.start();
 * const reply = await client.execute(vector.context, vector.preState, vector.transactions.map((t) => t.hex));
 * await client.close();
 */
export class AdapterClient {
  private session: Session | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private stderrTail = '';
  private startFailures = 0;
  private lastStartError: AdapterProtocolError | undefined;
  private readonly timeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly maxLineBytes: number;
  private readonly stderrMode: 'inherit' | 'capture' | 'ignore';
  private readonly maxStartFailures: number;
  private readonly killGraceMs: number;
  /** Process groups being ended (after a crash, a timeout, a restart): {@link AdapterClient.close} waits for them. */
  private readonly ending = new Set<Promise<void>>();
  /** The last successful handshake's answer. */
  hello: HelloReply | undefined;
  /** How many adapter processes were started (1 plus the restarts). */
  starts = 0;
  /** How many late replies (echoing the id of an already answered request) were discarded, each with a diagnostic on the adapter's stderr stream. */
  lateReplies = 0;

  /**
   * @param command - the adapter command, run by the shell
   * @param options - deadlines, line limit, stderr handling
   */
  constructor(
    readonly command: string,
    private readonly options: AdapterClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? Math.max(DEFAULT_HANDSHAKE_TIMEOUT_MS, this.timeoutMs);
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.stderrMode = options.stderr ?? 'inherit';
    this.maxStartFailures = options.maxStartFailures ?? 3;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  }

  /**
   * Start the adapter (when not running) and do the handshake.
   *
   * @returns the adapter's hello reply
   * @throws AdapterProtocolError when it cannot be started or the handshake fails
   */
  start(): Promise<HelloReply> {
    return this.serialise(async () => (await this.ensureSession()).hello!);
  }

  /**
   * Execute one block.
   *
   * @param context - the block context (JSON form)
   * @param preState - the pre-state (JSON form)
   * @param transactions - the transactions' wire bytes, lowercase hex
   * @returns the adapter's result, error or skip reply (a skip without asking when the adapter's hello did not list the block's ledger model)
   * @throws AdapterProtocolError when the adapter broke the protocol (it is restarted for the next request)
   */
  execute(context: ContextJson, preState: StateJson, transactions: readonly string[]): Promise<ExecuteReply> {
    return this.serialise(async () => {
      const session = await this.ensureSession();
      const hello = session.hello!;
      const id = this.nextId++;
      if (!hello.ledgers.includes(context.ledger)) {
        return { id, type: 'skip', reason: `the adapter does not support the ${context.ledger} ledger model (its hello lists ${hello.ledgers.join(', ')})` } as const;
      }
      const reply = await this.withStderr(
        session.request({ id, type: 'execute', context, preState, transactions } as { id: number; type: string }, executeReplyProblem, this.timeoutMs),
      );
      return reply as ExecuteReply;
    });
  }

  /**
   * The adapter's stderr captured since the last call (only with `stderr: 'capture'`), at most its last 16 KiB.
   *
   * @returns the text
   */
  takeStderr(): string {
    const text = this.stderrTail;
    this.stderrTail = '';
    return text;
  }

  /**
   * Send `bye`, wait a little for the adapter to exit, then end its process group (and
   * wait for every group ended earlier in the run), so nothing the adapter started is
   * left behind.
   *
   * @param graceMs - how long to wait for a clean exit (default 2,000)
   * @returns when every adapter process group of this client is gone
   */
  close(graceMs = 2_000): Promise<void> {
    return this.serialise(async () => {
      const session = this.session;
      this.session = undefined;
      if (session) await session.bye(this.nextId++, graceMs);
      await Promise.all([...this.ending]);
    });
  }

  private endSession(session: Session): void {
    const ended = session.terminate();
    if (this.ending.has(ended)) return;
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withStderr<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof AdapterProtocolError && this.stderrMode === 'capture') {
        // Let the last stderr lines of a dying process arrive.
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new AdapterProtocolError(error.kind, error.detail, this.stderrTail);
      }
      throw error;
    }
  }

  private appendStderr(text: string): void {
    if (this.stderrMode === 'inherit') {
      process.stderr.write(text);
      return;
    }
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
  }

  private async ensureSession(): Promise<Session> {
    if (this.session && !this.session.dead && !this.session.tainted) return this.session;
    if (this.session) this.endSession(this.session);
    this.session = undefined;
    if (this.startFailures >= this.maxStartFailures && this.lastStartError) {
      throw new AdapterProtocolError('start', `gave up after ${this.startFailures} failed starts in a row; last: ${this.lastStartError.message}`);
    }
    this.starts++;
    const session = new Session(
      this.command,
      { maxLineBytes: this.maxLineBytes, stderr: this.stderrMode, killGraceMs: this.killGraceMs, ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }), ...(this.options.env === undefined ? {} : { env: this.options.env }) },
      (text) => this.appendStderr(text),
      (dead) => {
        this.endSession(dead);
        if (this.session === dead) this.session = undefined;
      },
      () => this.lateReplies++,
    );
    this.session = session;
    const validators = protocolValidators();
    const id = this.nextId++;
    try {
      const reply = await this.withStderr(
        session.request({ id, type: 'hello', protocolVersion: PROTOCOL_VERSION } as { id: number; type: string }, (value) => {
          if (validators.errorReply(value)) return `the adapter refused the handshake: ${(value as ErrorReply).message}`;
          const version = (value as { protocolVersion?: unknown }).protocolVersion;
          if (version !== undefined && version !== PROTOCOL_VERSION) return `the adapter speaks protocol version ${JSON.stringify(version)}, the harness ${PROTOCOL_VERSION}`;
          return validators.helloReply(value) ? undefined : `bad hello reply: ${validationMessage(validators.helloReply)}`;
        }, this.handshakeTimeoutMs),
      );
      session.hello = reply as HelloReply;
      this.hello = session.hello;
      this.startFailures = 0;
      return session;
    } catch (error) {
      this.endSession(session);
      this.startFailures++;
      const failure =
        error instanceof AdapterProtocolError
          ? new AdapterProtocolError(error.kind === 'crash' || error.kind === 'start' ? error.kind : 'handshake', `during the handshake: ${error.detail}`, error.stderr)
          : new AdapterProtocolError('handshake', String(error));
      this.lastStartError = failure;
      throw failure;
    }
  }
}

/**
 * Read an adapter's result reply as a spec block result.
 *
 * @param reply - a result reply (or its outcome)
 * @returns the block result
 * @throws AdapterProtocolError (`invalid-reply`) when the post-state or an amount is unusable (e.g. above 2^64 - 1)
 * @example
 * const result = blockResultFromReply(reply);
 */
export function blockResultFromReply(reply: ResultReply | ExpectedJson): BlockResult {
  const outcome = 'type' in reply ? outcomeOf(reply) : reply;
  if (!outcome.ok) return { ok: false, error: { code: outcome.error, rule: 'R32', detail: 'reported by the adapter' } };
  try {
    const receipts: Receipt[] = outcome.receipts.map((receipt) => ({ hash: receipt.hash, status: receipt.status, error: receipt.error, fee: toU64(BigInt(receipt.fee)) }));
    return { ok: true, state: stateFromJson(outcome.postState), receipts, feeTotal: toU64(BigInt(outcome.feeTotal)), stateRoot: outcome.stateRoot };
  } catch (error) {
    throw new AdapterProtocolError('invalid-reply', `unusable result: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A {@link BlockExecutor} backed by an adapter process. */
export interface AdapterExecutor extends BlockExecutor {
  /** The client underneath (handshake info, stderr, restarts). */
  readonly client: AdapterClient;
}

/**
 * An adapter as an executor under test: `executeBlock` sends the block as JSON and reads
 * the reply back into a spec {@link BlockResult}.
 *
 * @param command - the adapter command, run by the shell
 * @param options - client options
 * @returns the executor; `executeBlock` throws {@link AdapterSkipError} on a skip,
 *   {@link AdapterReportedError} on an error reply, {@link AdapterProtocolError} on a protocol failure
 * @example
 * const executor = adapterExecutor('npx tsx conformance/adapters/builtin.ts');
 * await fc.assert(agreementProperty([executor]), { numRuns: 10 });
 * await executor.close();
 */
export function adapterExecutor(command: string, options: AdapterClientOptions = {}): AdapterExecutor {
  const client = new AdapterClient(command, options);
  return {
    client,
    get name(): string {
      return client.hello ? `adapter ${client.hello.name} ${client.hello.version}` : `adapter (${command})`;
    },
    async executeBlock(state: State, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult> {
      const reply = await client.execute(contextToJson(context), stateToJson(state), transactions.map(bytesToHex));
      if (reply.type === 'skip') throw new AdapterSkipError(reply.reason);
      if (reply.type === 'error') throw new AdapterReportedError(reply.message);
      return blockResultFromReply(reply);
    },
    close: () => client.close(),
  };
}
