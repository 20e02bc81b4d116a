/** Helpers shared by the harness tests. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../../conformance/cli-args.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built-in adapter command. */
export const BUILTIN = `npx tsx ${ROOT}conformance/adapters/builtin.ts`;
/** The broken adapter command. */
export const BROKEN = `npx tsx ${ROOT}conformance/adapters/broken.ts`;
/** A fixture's command. */
export const fixture = (name: string, env = ''): string => `${env ? `${env} ` : ''}node ${ROOT}test/harness/fixtures/${name}.mjs`;

/** Captured output of a command. */
export interface Captured extends CommandIo {
  /** Everything written to `out`. */
  readonly stdout: () => string;
  /** Everything written to `err`. */
  readonly stderr: () => string;
}

/** An io that records what a command prints. */
export function capture(): Captured {
  let out = '';
  let err = '';
  return { out: (text) => void (out += text), err: (text) => void (err += text), stdout: () => out, stderr: () => err };
}

/** What a finished CLI process printed, and its exit code. */
export interface CliRun {
  /** The exit code (null when killed by a signal). */
  readonly code: number | null;
  /** Everything it wrote to stdout. */
  readonly stdout: string;
  /** Everything it wrote to stderr. */
  readonly stderr: string;
}

/**
 * Run `conformance/cli.ts` in its own Node process and wait for it to exit. The deadline
 * only detects a real hang (the process is then killed and the promise rejects); it never
 * decides a verdict.
 */
export function runCli(args: readonly string[], hangAfterMs = 100_000): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'conformance', 'cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => void (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr += text));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${hangAfterMs} ms (hung); stdout so far:\n${stdout}\nstderr so far:\n${stderr}`));
    }, hangAfterMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether a process is still running (a zombie, dead but not yet reaped, counts as gone). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: the state is the field after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return true; // no /proc: the signal check is all there is
  }
}

/** Kill processes a test started, by pid, ignoring those already gone (test clean-up). */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
