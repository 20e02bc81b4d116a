/**
 * A child process for the storage tests, in one of two roles:
 *
 * - `hold <store>`: open the store for writing (taking its writer lock), print `held`, and
 *   wait until killed or until stdin closes (then close the store and print `released`).
 * - `watch <store> <topoheight>`: open the store read-only and poll `readMeta` in a
 *   synchronous loop (never yielding to the event loop), printing `seen T` each time the
 *   topoheight changes, until it reaches `<topoheight>` (exit 0) or 60 s pass (exit 1).
 */
import { writeSync } from 'node:fs';
import { LmdbStorage } from '../../../impl/index.ts';

const [role, path, target] = process.argv.slice(2);
const say = (line: string): void => void writeSync(1, line + '\n');
if (path === undefined) throw new Error('usage: store-child.ts hold|watch <store> [topoheight]');

if (role === 'hold') {
  const storage = LmdbStorage.open(path, { verify: false, probe: false });
  say('held');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void storage.close().then(() => say('released'));
  });
} else if (role === 'watch') {
  const storage = LmdbStorage.open(path, { readOnly: true, verify: false, probe: false });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 60_000;
  let last = -1n;
  say('watching');
  for (;;) {
    const topoheight = storage.readMeta()!.topoheight;
    if (topoheight !== last) {
      last = topoheight;
      say(`seen ${topoheight}`);
    }
    if (topoheight >= BigInt(target ?? '0')) break;
    if (Date.now() > deadline) {
      say('timeout');
      process.exit(1);
    }
    Atomics.wait(sleeper, 0, 0, 5);
  }
  await storage.close();
} else {
  throw new Error(`unknown role ${role}`);
}
