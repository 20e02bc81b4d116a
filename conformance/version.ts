/**
 * What a report records about the tool that made it: the package version and the root
 * hash of the committed vector set (`vectors/index.json`), found the same way from the
 * source tree and from the built package.
 *
 * @module version
 */

import { existsSync, readFileSync } from 'node:fs';

/** The tool's identity, as `--version` prints it and every JSON report records it. */
export interface ToolIdentity {
  /** Always `tos-conformance`. */
  readonly name: 'tos-conformance';
  /** The package version (package.json). */
  readonly version: string;
  /** The root hash of the committed vectors, or `null` when they are not present. */
  readonly vectorRootHash: string | null;
}

/** The first of the candidate files (relative to this module) that exists. */
function firstExisting(candidates: readonly string[]): URL | undefined {
  return candidates.map((candidate) => new URL(candidate, import.meta.url)).find((url) => existsSync(url));
}

let identity: ToolIdentity | undefined;

/**
 * The tool's identity: package version and vector root hash. This module sits at
 * `conformance/version.ts` in the source tree and at `dist/conformance/version.js` in the
 * built package, whose vectors are at `dist/vectors/`; both find `package.json` at the
 * package root.
 *
 * @returns the identity (read once)
 * @example
 * toolIdentity().version // '0.1.0'
 */
export function toolIdentity(): ToolIdentity {
  if (identity) return identity;
  const packageFile = firstExisting(['../package.json', '../../package.json']);
  const version = packageFile ? ((JSON.parse(readFileSync(packageFile, 'utf8')) as { version?: unknown }).version ?? null) : null;
  const indexFile = firstExisting(['../vectors/index.json']);
  const rootHash = indexFile ? ((JSON.parse(readFileSync(indexFile, 'utf8')) as { rootHash?: unknown }).rootHash ?? null) : null;
  identity = {
    name: 'tos-conformance',
    version: typeof version === 'string' ? version : 'unknown',
    vectorRootHash: typeof rootHash === 'string' ? rootHash : null,
  };
  return identity;
}

/**
 * The `--version` line.
 *
 * @returns e.g. `tos-conformance 0.1.0 (vectors 8355…4223)`
 */
export function versionLine(): string {
  const { name, version, vectorRootHash } = toolIdentity();
  return `${name} ${version} (vector root hash ${vectorRootHash ?? 'unknown: vectors/index.json not found'})`;
}

