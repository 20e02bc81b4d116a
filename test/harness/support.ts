/** Helpers shared by the harness tests. */
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../../conformance/harness/options.ts';

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
