/**
 * `npm run damage-full-disk`: LmdbStorage on a full disk. Mounts a 2 MiB tmpfs (needs
 * root; it says so and exits 2 when the mount is refused), then, each step in a child
 * process so that a crash shows as a signal:
 *
 * 1. creating a store whose genesis does not fit must be a `StorageError` `'IoFailure'`;
 * 2. a store that fits, with the rest of the disk filled, takes blocks until a commit
 *    fails: that commit must be `'IoFailure'`, and the store must reopen (root check on)
 *    at the last committed block with exactly the state committed there.
 *
 * Prints each outcome; exits 1 on a crash or an untyped error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STEP = fileURLToPath(new URL('./damage-full-disk-step.ts', import.meta.url));
const mountPoint = mkdtempSync(join(tmpdir(), 'tos-full-disk-'));
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { encoding: 'utf8' });
if (mount.status !== 0) {
  console.log(`cannot mount a small tmpfs here (${(mount.stderr || mount.error?.message || '').trim()}): the full-disk check needs root`);
  rmSync(mountPoint, { recursive: true, force: true });
  process.exit(2);
}
let failures = 0;
try {
  for (const step of ['genesis-too-large', 'fill-then-commit']) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', STEP, step, mountPoint], { encoding: 'utf8', timeout: 600_000 });
    const output = run.stdout.trim();
    const ok = run.status === 0 && run.signal === null;
    if (!ok) failures++;
    console.log(`${step}: ${ok ? 'OK' : `FAILED (exit ${run.status}, signal ${run.signal})`}\n  ${output.split('\n').join('\n  ')}${ok ? '' : `\n  ${run.stderr.trim().split('\n').slice(-3).join('\n  ')}`}`);
    spawnSync('sh', ['-c', `rm -rf "${mountPoint}"/*`]);
  }
} finally {
  spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
}
console.log(failures === 0 ? 'PASSED: a full disk gave typed errors and left the store at its last committed block' : 'FAILED');
process.exitCode = failures === 0 ? 0 : 1;
