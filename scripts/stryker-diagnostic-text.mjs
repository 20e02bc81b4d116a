// Stryker ignorer plugin "diagnostic-text" (used by stryker.config.mjs; see docs/mutation.md).
//
// Ignores mutants inside human-readable diagnostic text only:
//  - the `detail` argument of `reject(code, rule, detail)` and `detail:` properties
//    (spec/errors.ts: "A human-readable detail ...; not part of conformance");
//  - string and template literals passed to the state validators requireKey/requireU64/
//    parseDecimal (field names that only appear in error messages);
//  - the message argument of `new SomethingError(...)` (for StorageError, its second
//    argument; its first, the code, is still mutated).
// Codes, rule ids, conditions and every other expression are still mutated. The codec's
// diagnostics (failFormat details, reader and writer field names) are NOT ignored: they are
// pinned by test/spec/codec-diagnostics.test.ts, so their mutants count like any other.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON = 'Diagnostic text (rejection detail, field name or error message): not part of conformance (spec/errors.ts)';

/** Validators whose second argument names the field for the error message only. */
const FIELD_NAMED = new Set(['requireKey', 'requireU64', 'parseDecimal']);

/** @param {import('@babel/core').NodePath} path */
function isText(path) {
  return path.isStringLiteral() || path.isTemplateLiteral();
}

/** @param {import('@babel/core').NodePath} path */
function argumentIndex(path) {
  return path.listKey === 'arguments' && typeof path.key === 'number' ? path.key : -1;
}

/** @param {import('@babel/core').NodePath} path */
function shouldIgnore(path) {
  const parent = path.parentPath;
  if (!parent) return undefined;
  if (parent.isObjectProperty() && path.key === 'value' && !parent.node.computed) {
    const key = parent.node.key;
    if ((key.type === 'Identifier' && key.name === 'detail') || (key.type === 'StringLiteral' && key.value === 'detail')) return REASON;
  }
  const index = argumentIndex(path);
  if (index < 0) return undefined;
  if (parent.isCallExpression()) {
    const callee = parent.node.callee;
    if (callee.type === 'Identifier') {
      if (callee.name === 'reject' && index === 2) return REASON;
      if (FIELD_NAMED.has(callee.name) && index === 1 && isText(path)) return REASON;
    }
  }
  if (parent.isNewExpression()) {
    const callee = parent.node.callee;
    if (callee.type === 'Identifier' && callee.name.endsWith('Error')) {
      const messageIndex = callee.name === 'StorageError' ? 1 : 0;
      if (index === messageIndex) return REASON;
    }
  }
  return undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'diagnostic-text', { shouldIgnore })];
