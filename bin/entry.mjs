// How a command of this package starts. In a clone with its development dependencies
// installed, it runs the TypeScript sources through the tsx loader, so it always runs
// the code as it is now (`npm ci` needs no build step). Where the sources are absent (the
// installed package ships only dist/) or tsx is not installed (`npm ci --omit=dev`), it
// runs the compiled JavaScript in dist/ with plain Node.
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/**
 * Import the entry module of a command.
 *
 * @param {string} source - path of the TypeScript entry, relative to the package root
 * @param {string} built - path of its compiled module, relative to the package root
 * @returns {Promise<Record<string, unknown>>} the module
 */
export async function importEntry(source, built) {
  const sourceUrl = new URL(source, root);
  const builtUrl = new URL(built, root);
  if (existsSync(sourceUrl)) {
    const register = await tsxRegister();
    if (register !== undefined) {
      register();
      return import(sourceUrl.href);
    }
  }
  if (existsSync(builtUrl)) return import(builtUrl.href);
  process.stderr.write(
    `tos-conformance: cannot start: ${built} is not built and tsx (a development dependency) is not installed to run ${source}; ` +
      'run `npm ci` for the development dependencies, or `npm run build`\n',
  );
  process.exit(2);
}

/** The tsx loader's register function, or undefined when tsx is not installed. */
async function tsxRegister() {
  try {
    return (await import('tsx/esm/api')).register;
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
