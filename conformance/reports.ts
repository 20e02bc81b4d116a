/**
 * What `run` and `fuzz` report and write beside their output: progress lines, the early
 * failure line, shrinking progress, a property's entry in a JSON report, Markdown
 * summaries (`--report-md`) and the `replay.sh` written next to each shrunk
 * counterexample.
 *
 * @module reports
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { shellQuote } from './cli-args.ts';
import type { EarlyFailure, PropertyReport, RunOptions } from './runner.ts';
import type { ShrinkProgress } from './shrink.ts';

/**
 * Write a report file, creating its directory.
 *
 * @param file - where (a path, or e.g. the value of `$GITHUB_STEP_SUMMARY`)
 * @param text - the content
 * @example
 * writeReportFile('summary.md', '## tos-conformance\n');
 */
export function writeReportFile(file: string, text: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/** What a replay script does. */
export interface ReplayScript {
  /** The counterexample's vector file (the script refers to it relative to itself). */
  readonly vectorFile: string;
  /** One line saying what was found, e.g. `agreement failed with seed 7`. */
  readonly title: string;
  /** The command that runs the vector against the implementation, given the vector's path as a shell word. */
  readonly vectorCommand: (vectorPath: string) => string;
  /** The command that regenerates the original failing case (seed and path), if any. */
  readonly replayCommand?: string;
}

/**
 * The text of a `replay.sh`: runs the shrunk counterexample against the implementation
 * (found relative to the script, so the directory can be moved), and names the command
 * that regenerates the original failure.
 *
 * @param script - what to replay
 * @returns the shell script
 */
export function replayScriptText(script: ReplayScript): string {
  return [
    '#!/bin/sh',
    `# tos-conformance: ${script.title}.`,
    '# Replays the shrunk counterexample beside this script; run it from the repository',
    '# (or from a project that installed tos-conformance).',
    'set -e',
    'here=$(dirname "$0")',
    script.vectorCommand(`"$here/${basename(script.vectorFile)}"`),
    ...(script.replayCommand ? ['# The original failing case, regenerated from its seed and path (then shrunk again):', `# ${script.replayCommand}`] : []),
    '',
  ].join('\n');
}

/**
 * A live progress line on stderr-like output: rewritten in place on a terminal, one line
 * per quarter otherwise.
 *
 * @param write - where progress goes
 * @param tty - whether that is a terminal
 * @returns the progress display
 */
export function createProgress(write: (text: string) => void, tty: boolean) {
  let lastQuarter = -1;
  return {
    /** Runs done of a total. */
    update(label: string, done: number, total: number, started: number): void {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (tty) {
        write(`\r  ${label.padEnd(24)} ${String(done).padStart(5)}/${total} runs  ${seconds} s   `);
      } else {
        const quarter = Math.floor((4 * done) / total);
        if (quarter !== lastQuarter) {
          lastQuarter = quarter;
          write(`  ${label}: ${done}/${total} runs, ${seconds} s\n`);
        }
      }
    },
    /** A line of its own (ends any in-place line first). */
    line(text: string): void {
      if (tty) write('\n');
      lastQuarter = -1;
      write(`${text}\n`);
    },
    /** The end of a phase. */
    end(): void {
      lastQuarter = -1;
      if (tty) write('\n');
    },
  };
}

/** One property in a JSON report. */
export interface PropertySummary {
  /** The property. */
  readonly name: string;
  /** Generated runs (shrinking excluded). */
  readonly runs: number;
  /** 0 or 1. */
  readonly failures: number;
  /** Wall-clock seconds, shrinking included. */
  readonly seconds: number;
  /** The property's own seed (derived from the run's). */
  readonly seed: number;
  /** On failure: what differed, the replay, the written counterexample. */
  readonly failure?: PropertyFailureSummary;
}

/** A property's failure in a JSON report. */
export interface PropertyFailureSummary {
  /** The difference on the counterexample written (after shrinking). */
  readonly error: string;
  /** The fast-check path of the original failing case (replays it with the run's seed). */
  readonly path: string;
  /** The command that replays the original failing case, runnable from the repository root. */
  readonly replay: string;
  /** The shrunk counterexample's vector file, when written. */
  readonly vectorFile: string | null;
  /** The `replay.sh` written next to it, when written. */
  readonly replayScript: string | null;
  /** Seconds from the start of the property to the failing run. */
  readonly secondsToFailure: number | null;
  /** What shrinking did, or `null` when the failure was not shrunk. */
  readonly shrink: ShrinkSummary | null;
}

/** What shrinking did, in a JSON report. */
export interface ShrinkSummary {
  /** Transactions before shrinking. */
  readonly transactionsBefore: number;
  /** Transactions after shrinking. */
  readonly transactionsAfter: number;
  /** Pre-state accounts before shrinking. */
  readonly accountsBefore: number;
  /** Pre-state accounts after shrinking. */
  readonly accountsAfter: number;
  /** Candidates tried. */
  readonly candidatesTried: number;
  /** Seconds spent. */
  readonly seconds: number;
  /** Whether the budget ran out first. */
  readonly budgetExhausted: boolean;
}

/**
 * A property's entry in a JSON report.
 *
 * @param report - the property's report
 * @param replay - the command that replays its failure
 * @returns the summary
 */
export function propertySummary(report: PropertyReport, replay: string): PropertySummary {
  return {
    name: report.property.name,
    runs: report.runs,
    failures: report.failures,
    seconds: report.seconds,
    seed: report.seed,
    ...(report.failures > 0
      ? {
          failure: {
            error: report.error ?? '',
            path: report.path ?? '',
            replay,
            vectorFile: report.vectorFile ?? null,
            replayScript: report.replayScriptFile ?? null,
            secondsToFailure: report.secondsToFailure ?? null,
            shrink: report.shrink
              ? {
                  transactionsBefore: report.shrink.transactionsBefore,
                  transactionsAfter: report.shrink.transactionsAfter,
                  accountsBefore: report.shrink.accountsBefore,
                  accountsAfter: report.shrink.accountsAfter,
                  candidatesTried: report.shrink.candidatesTried,
                  seconds: report.shrink.seconds,
                  budgetExhausted: report.shrink.budgetExhausted,
                }
              : null,
          },
        }
      : {}),
  };
}

/**
 * A count with its noun: `1 account`, `2 accounts`, `3 vector files are`.
 *
 * @param count - the count
 * @param one - the words for one
 * @param many - the words for any other count (default: `one` with an `s`)
 * @returns the phrase
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** How a property's failure is reported, shrunk and written, in `run` and in `fuzz`. */
export interface FailureHandling {
  /** The command that regenerates the original failing case from its path. */
  readonly replay: (path: string) => string;
  /** What the replay script says was found, e.g. `agreement failed with seed 7`. */
  readonly title: string;
  /** The command that runs a written vector against the implementation, given its path as a shell word. */
  readonly vectorCommand: (vectorPath: string) => string;
  /** The shrinking budget in seconds. */
  readonly shrinkSeconds: number;
}

/**
 * The options of {@link checkProperty} through which `run` and `fuzz` report a failure
 * the moment it is found (with its replay command), print shrinking progress, and write a
 * `replay.sh` beside the shrunk vector (naming the original failure's replay).
 *
 * @param progress - where lines go
 * @param handling - the replay and vector commands, the title and the budget
 * @returns the options, for one property run
 */
export function failureOptions(progress: { line(text: string): void }, handling: FailureHandling): Pick<RunOptions, 'shrinkSeconds' | 'onFailure' | 'onShrink' | 'replayScript'> {
  let failurePath: string | undefined;
  return {
    shrinkSeconds: handling.shrinkSeconds,
    onFailure: (early: EarlyFailure): void => {
      failurePath = early.path;
      progress.line(`  FAILED ${early.property.name} at run ${early.runs} (seed ${early.seed}, path ${early.path}): ${early.error}`);
      progress.line(`    replay: ${handling.replay(early.path)}`);
    },
    onShrink: (step: ShrinkProgress): void => {
      progress.line(`    shrinking: ${plural(step.transactions, 'transaction')}, ${plural(step.accounts, 'account')} after ${plural(step.candidatesTried, 'candidate')}, ${step.seconds.toFixed(1)} s`);
    },
    replayScript: (vectorFile: string): string =>
      replayScriptText({
        vectorFile,
        title: handling.title,
        vectorCommand: handling.vectorCommand,
        ...(failurePath === undefined ? {} : { replayCommand: handling.replay(failurePath) }),
      }),
  };
}

/**
 * The closing lines of the failed properties: the difference, the replay, the written
 * vector and how to rerun it.
 *
 * @param summaries - the properties' summaries
 * @param rerun - the command that runs a written vector, when it is printed besides the replay script
 * @returns the lines, without newlines
 */
export function failureLines(summaries: readonly PropertySummary[], rerun?: (vectorFile: string) => string): string[] {
  const lines: string[] = [];
  for (const { name, failure } of summaries) {
    if (!failure) continue;
    lines.push(`FAILED ${name}: ${failure.error}`, `  replay: ${failure.replay}`);
    if (failure.vectorFile) {
      lines.push(`  shrunk counterexample written to ${failure.vectorFile}`);
      if (rerun) lines.push(`  rerun it: ${rerun(failure.vectorFile)}`);
    }
    if (failure.replayScript) lines.push(`  ${rerun && failure.vectorFile ? 'or' : 'rerun it'}: sh ${shellQuote(failure.replayScript)}`);
  }
  return lines;
}

/**
 * The summary table of a run.
 *
 * @param rows - one row per property (or the vectors), in order
 * @returns the Markdown table's lines
 */
export function propertyTable(rows: readonly { readonly name: string; readonly runs: number; readonly failures: number; readonly seconds: number }[]): string[] {
  return ['| property | runs | failures | seconds |', '| --- | --- | --- | --- |', ...rows.map((row) => `| ${row.name} | ${row.runs} | ${row.failures} | ${row.seconds.toFixed(1)} |`)];
}
