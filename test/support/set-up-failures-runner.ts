/**
 * The test runner of this repository (vitest.config.ts `runner`): vitest's own runner,
 * except that a test which never ran because a `beforeAll` hook of its file or `describe`
 * failed is reported as failed, not as skipped.
 *
 * Vitest 4 (`@vitest/runner`, `runSuite`) catches a failing `beforeAll`, marks the suite
 * failed and calls `markTasksAsSkipped` on every test below it, so the summary counts
 * them as "skipped" beside one "failed suite": a file that could not even set itself up
 * would read as mostly skipped. Here each such test fails with an error that names the
 * failed set-up. Tests skipped on purpose (`it.skip`, `-t` filters) were already in
 * `skip` mode before the suite ran, and stay skipped.
 */
import { TestRunner, type VitestTestRunner, type RunnerTask as Task, type RunnerTaskEventPack, type RunnerTaskResultPack, type RunnerTestSuite as Suite } from 'vitest';

/** Every test below a suite, at any depth. */
function testsBelow(suite: Suite): Task[] {
  return suite.tasks.flatMap((task) => (task.type === 'suite' ? testsBelow(task) : [task]));
}

/** A vitest runner that reports tests not run because of a failed `beforeAll` as failed. */
export default class SetUpFailuresRunner extends TestRunner {
  /** The mode each test had when its file started: only `run` tests can be failed here. */
  readonly #plannedModes = new Map<string, Task['mode']>();

  /** Sends task results to the main process; vitest sets it on the instance. */
  declare onTaskUpdate?: VitestTestRunner['onTaskUpdate'];

  /**
   * Remember the planned mode of every test before any hook runs.
   *
   * @param suite - the suite (or file) about to run
   */
  override async onBeforeRunSuite(suite: Suite): Promise<void> {
    for (const test of testsBelow(suite)) if (!this.#plannedModes.has(test.id)) this.#plannedModes.set(test.id, test.mode);
    await super.onBeforeRunSuite(suite);
  }

  /**
   * After a suite whose set-up failed, turn the tests it skipped into failures.
   *
   * @param suite - the suite (or file) that finished
   */
  override async onAfterRunSuite(suite: Suite): Promise<void> {
    const errors = suite.result?.state === 'fail' ? (suite.result.errors ?? []) : [];
    if (errors.length > 0) {
      const reason = errors.map((error) => error.message).join('; ');
      const packs: RunnerTaskResultPack[] = [];
      const events: RunnerTaskEventPack[] = [];
      for (const test of testsBelow(suite)) {
        if (this.#plannedModes.get(test.id) !== 'run' || test.result?.state !== 'skip') continue;
        const message = `not run: the set-up of "${suite.name}" failed (${reason})`;
        test.mode = 'run';
        // The same result object the runner may still have queued, so a late send agrees.
        Object.assign(test.result, { state: 'fail', errors: [{ name: 'SetUpFailed', message, stack: `SetUpFailed: ${message}` }] });
        packs.push([test.id, test.result, test.meta]);
        events.push([test.id, 'test-finished', undefined]);
      }
      if (packs.length > 0) await this.onTaskUpdate?.(packs, events);
    }
    await super.onAfterRunSuite(suite);
  }
}
