/**
 * Readable JSON Schema validation errors. Ajv reports every failing keyword of every
 * branch of a union (`oneOf`, `anyOf`, `if`/`then`/`else`, a discriminator), so its
 * first error often blames the wrong member: a receipt `fee` sent as a number fails the
 * `applied` branch on `fee` and the `rejected` branch on `status`. This module picks the
 * error that matters and says it in words: the member (`receipts[2].fee`), what is
 * allowed there (from the schema: a description, a known pattern, a type with bounds,
 * the allowed values) and the actual value (truncated JSON, with its type).
 *
 * How the error is picked: the value is walked along the schema, choosing in each union
 * the branches the value selects (by JSON type, then by the `const`/`enum` members that
 * tell the branches apart: `status`, `type`, `ok`, ...). Only errors of the chosen
 * branches count; when no branch is selected, the union itself is the problem (the
 * discriminator member and its allowed values, or the allowed types). Wrapper errors
 * ("must match exactly one schema in oneOf", "must match "then" schema") are dropped when
 * a more specific one exists, and the deepest member wins. This works best with errors of
 * a validator compiled with `allErrors: true` and `verbose: true` (the walk matches errors
 * to schema nodes by identity) and the compiled schema passed as `options.schema`;
 * without them the choice falls back to dropping wrappers and taking the deepest error.
 *
 * @module schema-errors
 */

import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';

/** The JSON type of a value. */
export type JsonTypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** Options of {@link describeSchemaErrors}. */
export interface DescribeSchemaErrorsOptions {
  /**
   * The schema the value was validated against, the same object the validator was
   * compiled from (ajv's `validate.schema`): it lets unions be resolved to the branch the
   * value selects. Without it, errors are ranked without knowing the unions.
   */
  readonly schema?: AnySchema;
  /** Other schemas its `$ref`s point into (found by their `$id`). */
  readonly schemas?: readonly AnySchema[];
  /** How to name the value itself in messages (default `value`). */
  readonly rootName?: string;
  /** The longest shown actual value, in characters (default 60). */
  readonly maxValueLength?: number;
}

/** One schema problem, in words, as returned by {@link describeSchemaErrors}. */
export interface SchemaErrorDescription {
  /** One line: `receipts[0].fee: must be a u64 as a decimal string ..., got the number 10`. */
  readonly message: string;
  /** The member, as a readable path (`receipts[2].fee`, `postState.accounts[0].nonce`); `''` for the value itself. */
  readonly path: string;
  /** The same member as a JSON pointer (`/receipts/2/fee`). */
  readonly pointer: string;
  /** The schema keyword that failed (`type`, `pattern`, `required`, ...; `oneOf` or `anyOf` when no branch of a union fits). */
  readonly keyword: string;
  /** What is allowed there, in words (`a u64 as a decimal string ...`, `one of "applied", "rejected"`). */
  readonly allowed: string;
  /** The allowed values, when the schema lists them (`const`, `enum`, the discriminator of a union). */
  readonly allowedValues?: readonly unknown[];
  /** The actual value as shown (`the number 10`, `the string "aplied"`), or `missing`. */
  readonly actual: string;
  /** The JSON type of the actual value, or `missing` for an absent required member. */
  readonly actualType: JsonTypeName | 'missing';
  /** How many other problems were found and not described. */
  readonly more: number;
}

type Node = Record<string, unknown>;
type Json = unknown;

interface Candidate {
  /** JSON pointer of the member the problem is about. */
  readonly pointer: string;
  /** Segments of that pointer (decoded). */
  readonly segments: readonly string[];
  readonly keyword: string;
  readonly requirement: string;
  readonly allowed: string;
  readonly allowedValues?: readonly unknown[];
  readonly missing: boolean;
  /** Position for ties (the ajv error order). */
  readonly order: number;
}

interface Walk {
  readonly marks: Map<object, Set<string>>;
  /** The schema nodes applied at each pointer, in walk order. */
  readonly nodesAt: Map<string, Node[]>;
  readonly open: string[];
  readonly synthesized: Array<Omit<Candidate, 'order'> & { readonly node: Node }>;
  steps: number;
}

const WRAPPERS = new Set(['oneOf', 'anyOf', 'if', 'discriminator']);
const MAX_STEPS = 200_000;
const MAX_DEPTH = 200;
const MAX_LISTED = 24;

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPlainObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (object: unknown, key: string): unknown => (isNode(object) && hasOwn(object, key) ? object[key] : undefined);

/**
 * The JSON type of a value (`number` for integers too).
 *
 * @param value - any JSON value
 * @returns its JSON type
 * @example
 * jsonTypeOf([1]) // 'array'
 */
export function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/** Compact JSON of a value, cut at `budget` characters (never walks further than it shows). */
function preview(value: unknown, budget: number): { text: string; cut: boolean } {
  let out = '';
  let cut = false;
  const emit = (text: string): boolean => {
    if (out.length + text.length > budget) {
      out += text.slice(0, Math.max(0, budget - out.length));
      cut = true;
      return false;
    }
    out += text;
    return true;
  };
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) {
      if (!emit('[')) return false;
      for (let i = 0; i < node.length; i++) if ((i > 0 && !emit(',')) || !visit(node[i])) return false;
      return emit(']');
    }
    if (isPlainObject(node)) {
      if (!emit('{')) return false;
      let first = true;
      for (const key of Object.keys(node)) {
        if ((!first && !emit(',')) || !emit(`${JSON.stringify(key)}:`) || !visit(node[key])) return false;
        first = false;
      }
      return emit('}');
    }
    if (typeof node === 'number') return emit(Number.isFinite(node) ? JSON.stringify(node) : String(node));
    if (typeof node === 'string') return emit(JSON.stringify(node.length > budget ? node.slice(0, budget) : node));
    return emit(node === undefined ? 'undefined' : String(JSON.stringify(node) ?? String(node)));
  };
  visit(value);
  return { text: cut ? `${out}…` : out, cut };
}

/**
 * Show a value in a message: its JSON type and its JSON, truncated.
 *
 * @param value - any JSON value
 * @param maxLength - the longest JSON shown, in characters
 * @returns e.g. `the number 10`, `the string "aplied"`, `an array of 2 items [1,2]`
 * @example
 * describeValue('ab'.repeat(40), 20) // 'the string "abababababababababa… (80 characters)'
 */
export function describeValue(value: unknown, maxLength = 60): string {
  const shown = preview(value, Math.max(8, maxLength));
  switch (jsonTypeOf(value)) {
    case 'null':
      return 'null';
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'number':
      return `the number ${shown.text}`;
    case 'string':
      return `the string ${shown.text}${shown.cut ? ` (${(value as string).length} characters)` : ''}`;
    case 'array': {
      const length = (value as unknown[]).length;
      return length === 0 ? 'an empty array []' : `an array of ${length} item${length === 1 ? '' : 's'} ${shown.text}`;
    }
    default:
      return Object.keys(value as object).length === 0 ? 'an empty object {}' : `an object ${shown.text}`;
  }
}

const decodeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const encodeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const segmentsOf = (pointer: string): string[] => (pointer === '' ? [] : pointer.slice(1).split('/').map(decodeSegment));

/** The value at a JSON pointer, or `undefined` (and whether it exists). */
function valueAt(root: unknown, segments: readonly string[]): { found: boolean; value: unknown } {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment) || Number(segment) >= node.length) return { found: false, value: undefined };
      node = node[Number(segment)];
    } else if (isPlainObject(node) && hasOwn(node, segment)) {
      node = node[segment];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: node };
}

/**
 * A JSON pointer as a readable path: `/receipts/2/fee` is `receipts[2].fee`, a key that is
 * not an identifier is quoted (`balances["a b"]`).
 *
 * @param pointer - a JSON pointer (ajv's `instancePath`)
 * @param value - the validated value (tells array indices from object keys)
 * @returns the path, `''` for the value itself
 * @example
 * readablePath('/receipts/2/fee', reply) // 'receipts[2].fee'
 */
export function readablePath(pointer: string, value?: unknown): string {
  let path = '';
  let node: unknown = value;
  for (const segment of segmentsOf(pointer)) {
    const index = Array.isArray(node) || (node === undefined && /^(0|[1-9][0-9]*)$/.test(segment));
    if (index && /^(0|[1-9][0-9]*)$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
    node = Array.isArray(node) ? node[Number(segment)] : isPlainObject(node) && hasOwn(node, segment) ? node[segment] : undefined;
  }
  return path;
}

// ---------------------------------------------------------------------------------------
// Schemas in words.

const list = (words: readonly string[], last = 'or'): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]!}`;

/** The allowed values as text: `"applied"`, `true or false`, `one of "a", "b", "c"`. */
function valuesText(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map((value) => preview(value, 80).text);
  const rest = values.length > MAX_LISTED ? `, … (${values.length - MAX_LISTED} more)` : '';
  if (values.length === 1) return shown[0]!;
  if (values.length === 2 && rest === '') return `${shown[0]!} or ${shown[1]!}`;
  return `one of ${shown.join(', ')}${rest}`;
}

const firstSentence = (text: string): string => {
  const match = /^(.*?[^.\s])\.(\s|$)/s.exec(text.trim());
  return (match ? match[1]! : text.trim()).replace(/\s+/g, ' ');
};

/** A pattern-constrained string in words: the description when it reads as one, else a known pattern. */
function patternWords(node: Node): string {
  const pattern = typeof node['pattern'] === 'string' ? node['pattern'] : undefined;
  const description = typeof node['description'] === 'string' ? node['description'] : undefined;
  if (description) {
    const sentence = firstSentence(description);
    if (/^\d+-[A-Za-z]/.test(sentence)) return `a ${sentence}`;
    const first = sentence.split(' ', 1)[0]!;
    if (first === 'A' || /^[A-Z][a-z]+$/.test(first)) return sentence[0]!.toLowerCase() + sentence.slice(1);
    return sentence;
  }
  if (pattern === undefined) return 'a string';
  if (pattern === '^(0|[1-9][0-9]*)$') return 'a string of decimal digits without sign or leading zeros';
  const hex = /^\^\[0-9a-f\]\{(\d+)\}\$$/.exec(pattern);
  if (hex) {
    const digits = Number(hex[1]);
    return digits % 2 === 0 ? `${digits / 2} bytes as ${digits} lowercase hex digits` : `${digits} lowercase hex digits`;
  }
  if (pattern === '^([0-9a-f]{2})*$') return 'bytes as lowercase hex, two digits per byte';
  const bounded = /^\^\(\[0-9a-f\]\{2\}\)\{0,(\d+)\}\$$/.exec(pattern);
  if (bounded) return `at most ${bounded[1]!} bytes as lowercase hex, two digits per byte`;
  return `a string matching the pattern ${pattern}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function rangeWords(min: unknown, max: unknown, unit: string): string {
  const lo = typeof min === 'number' ? min : undefined;
  const hi = typeof max === 'number' ? max : undefined;
  if (lo !== undefined && hi !== undefined) return lo === hi ? ` of exactly ${plural(lo, unit)}` : ` of ${lo} to ${plural(hi, unit)}`;
  if (lo !== undefined) return ` of at least ${plural(lo, unit)}`;
  if (hi !== undefined) return ` of at most ${plural(hi, unit)}`;
  return '';
}

function numberWords(node: Node, noun: string): string {
  const lo = typeof node['minimum'] === 'number' ? node['minimum'] : undefined;
  const hi = typeof node['maximum'] === 'number' ? node['maximum'] : undefined;
  let words = noun;
  if (lo !== undefined && hi !== undefined) words += ` from ${lo} to ${hi}`;
  else if (lo !== undefined) words += ` of at least ${lo}`;
  else if (hi !== undefined) words += ` of at most ${hi}`;
  if (typeof node['exclusiveMinimum'] === 'number') words += ` greater than ${node['exclusiveMinimum']}`;
  if (typeof node['exclusiveMaximum'] === 'number') words += ` less than ${node['exclusiveMaximum']}`;
  if (typeof node['multipleOf'] === 'number') words += `, a multiple of ${node['multipleOf']}`;
  return words;
}

function typeWords(type: string, node: Node): string {
  switch (type) {
    case 'string':
      if (typeof node['pattern'] === 'string') return patternWords(node);
      if (typeof node['format'] === 'string') return `a string in ${node['format']} format`;
      return `a string${rangeWords(node['minLength'], node['maxLength'], 'character')}`;
    case 'integer':
      return numberWords(node, 'an integer');
    case 'number':
      return numberWords(node, 'a number');
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return `an array${rangeWords(node['minItems'], node['maxItems'], 'item')}${node['uniqueItems'] === true ? ' without duplicates' : ''}`;
    case 'object':
      return 'an object';
    default:
      return `a ${type}`;
  }
}

class Schemas {
  readonly ids = new Map<string, Node>();
  readonly roots: Node[] = [];

  constructor(schemas: readonly AnySchema[]) {
    for (const schema of schemas) {
      if (!isNode(schema)) continue;
      this.roots.push(schema);
      if (typeof schema['$id'] === 'string') this.ids.set(schema['$id'].replace(/#$/, ''), schema);
    }
  }

  /** The schema a `$ref` points to, and the document it is in (a local `$ref` is tried in `doc`, then in every root). */
  resolve(ref: string, doc: Node): { node: AnySchema; doc: Node } | undefined {
    let known = this.resolved.get(doc);
    if (!known) this.resolved.set(doc, (known = new Map()));
    if (known.has(ref)) return known.get(ref);
    const found = this.find(ref, doc);
    known.set(ref, found);
    return found;
  }

  private readonly resolved = new WeakMap<Node, Map<string, { node: AnySchema; doc: Node } | undefined>>();

  private find(ref: string, doc: Node): { node: AnySchema; doc: Node } | undefined {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    if (base === '' || base === own(doc, '$id')) {
      for (const target of [doc, ...this.roots.filter((root) => root !== doc)]) {
        const found = this.pointer(target, fragment);
        if (found) return found;
      }
      return undefined;
    }
    const target = this.ids.get(base);
    return target ? this.pointer(target, fragment) : undefined;
  }

  private pointer(target: Node, fragment: string): { node: AnySchema; doc: Node } | undefined {
    if (fragment === '') return { node: target, doc: target };
    if (!fragment.startsWith('/')) return undefined;
    let node: unknown = target;
    for (const raw of fragment.slice(1).split('/')) {
      let segment: string;
      try {
        segment = decodeSegment(decodeURIComponent(raw));
      } catch {
        return undefined;
      }
      if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(segment)) node = node[Number(segment)];
      else if (isNode(node) && hasOwn(node, segment)) node = node[segment];
      else return undefined;
    }
    return typeof node === 'boolean' || isNode(node) ? { node, doc: target } : undefined;
  }

  /** Follow `$ref`s (a node with a `$ref` is taken as its target). */
  deref(node: AnySchema, doc: Node): { node: AnySchema; doc: Node } {
    let current = { node, doc };
    for (let hops = 0; hops < 32 && isNode(current.node) && typeof current.node['$ref'] === 'string'; hops++) {
      const next = this.resolve(current.node['$ref'], current.doc);
      if (!next) break;
      current = next;
    }
    return current;
  }

  private readonly said = new WeakMap<object, string>();

  /** A schema in words: `a u64 as a decimal string ...`, `null or a 32-byte BLAKE3 hash ...`, `"applied"`. */
  words(schema: AnySchema, doc: Node, depth = 0): string {
    if (depth > 0 || !isNode(schema)) return this.say(schema, doc, depth);
    let words = this.said.get(schema);
    if (words === undefined) this.said.set(schema, (words = this.say(schema, doc, depth)));
    return words;
  }

  private say(schema: AnySchema, doc: Node, depth: number): string {
    const { node, doc: at } = this.deref(schema, doc);
    if (node === true) return 'any value';
    if (node === false || !isNode(node)) return 'nothing (no value is allowed here)';
    if (hasOwn(node, 'const')) return valuesText([node['const']]);
    if (Array.isArray(node['enum'])) return valuesText(node['enum']);
    const union = Array.isArray(node['oneOf']) ? node['oneOf'] : Array.isArray(node['anyOf']) ? node['anyOf'] : undefined;
    if (union && depth < 8) {
      return list([...new Set(union.map((branch) => this.words(branch as AnySchema, at, depth + 1)))]);
    }
    const type = node['type'];
    if (typeof type === 'string') return typeWords(type, node);
    if (Array.isArray(type)) return list(type.map((t) => typeWords(String(t), node)));
    // No type: the keywords tell what it is about.
    const about = (...keys: string[]): boolean => keys.some((key) => hasOwn(node, key));
    if (about('pattern', 'minLength', 'maxLength', 'format')) return typeWords('string', node);
    if (about('items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems')) return typeWords('array', node);
    if (about('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return numberWords(node, 'a number');
    if (about('properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties')) return 'an object';
    if (Array.isArray(node['allOf']) && node['allOf'].length === 1 && depth < 8) return this.words(node['allOf'][0] as AnySchema, at, depth + 1);
    return 'a value that matches the schema';
  }
}

// ---------------------------------------------------------------------------------------
// Walking the value along the schema, choosing union branches.

function acceptsType(schemas: Schemas, schema: AnySchema, doc: Node, value: unknown, depth = 0): boolean {
  const { node, doc: at } = schemas.deref(schema, doc);
  if (typeof node === 'boolean') return node;
  if (!isNode(node) || depth > 16) return true;
  const type = node['type'];
  if (type !== undefined) {
    const types = (Array.isArray(type) ? type : [type]).map(String);
    const actual = jsonTypeOf(value);
    const fits = types.some((t) => t === actual || (t === 'integer' && typeof value === 'number' && Number.isInteger(value)));
    if (!fits) return false;
  }
  if (hasOwn(node, 'const') && jsonTypeOf(node['const']) !== jsonTypeOf(value)) return false;
  if (Array.isArray(node['enum']) && !node['enum'].some((allowed) => jsonTypeOf(allowed) === jsonTypeOf(value))) return false;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches) && !branches.some((branch) => acceptsType(schemas, branch as AnySchema, at, value, depth + 1))) return false;
  }
  const all = node['allOf'];
  if (Array.isArray(all) && !all.every((branch) => acceptsType(schemas, branch as AnySchema, at, value, depth + 1))) return false;
  return true;
}

const scalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** The values a member is restricted to by `const` or `enum` (of scalars), if it is. */
function tagValues(schemas: Schemas, node: Node, doc: Node, key: string): readonly unknown[] | undefined {
  const properties = node['properties'];
  if (!isNode(properties) || !hasOwn(properties, key)) return undefined;
  const { node: member } = schemas.deref(properties[key] as AnySchema, doc);
  if (!isNode(member)) return undefined;
  const values = hasOwn(member, 'const') ? [member['const']] : Array.isArray(member['enum']) ? member['enum'] : undefined;
  return values && values.every(scalar) ? values : undefined;
}

const requires = (node: Node, key: string): boolean => Array.isArray(node['required']) && node['required'].includes(key);

function tagKeys(node: Node): string[] {
  return isNode(node['properties']) ? Object.keys(node['properties']) : [];
}

/** Whether the value's `const`/`enum` members (`status`, `type`, `ok`, ...) fit a branch. */
function tagsMatch(schemas: Schemas, schema: AnySchema, doc: Node, value: unknown, depth = 0): boolean {
  const { node, doc: at } = schemas.deref(schema, doc);
  if (!isNode(node) || depth > 16) return node !== false;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches) && !branches.some((branch) => acceptsType(schemas, branch as AnySchema, at, value) && tagsMatch(schemas, branch as AnySchema, at, value, depth + 1)))
      return false;
  }
  const all = node['allOf'];
  if (Array.isArray(all) && !all.every((branch) => tagsMatch(schemas, branch as AnySchema, at, value, depth + 1))) return false;
  if (!isPlainObject(value)) return true;
  for (const key of tagKeys(node)) {
    const values = tagValues(schemas, node, at, key);
    if (!values) continue;
    if (hasOwn(value, key) ? !values.some((allowed) => allowed === value[key]) : requires(node, key)) return false;
  }
  return true;
}

interface Leaf {
  readonly node: Node;
  readonly doc: Node;
  /** The index of the top-level branch it comes from. */
  readonly top: number;
}

/** The non-union schemas of a union, nested unions flattened. */
function leavesOf(schemas: Schemas, branches: readonly unknown[], doc: Node): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (schema: AnySchema, at: Node, top: number, depth: number): void => {
    const { node, doc: where } = schemas.deref(schema, at);
    if (!isNode(node)) return;
    const nested = Array.isArray(node['oneOf']) ? node['oneOf'] : Array.isArray(node['anyOf']) ? node['anyOf'] : undefined;
    if (nested && depth < 8) for (const branch of nested) visit(branch as AnySchema, where, top, depth + 1);
    else leaves.push({ node, doc: where, top });
  };
  branches.forEach((branch, top) => visit(branch as AnySchema, doc, top, 0));
  return leaves;
}

function mark(walk: Walk, node: object, pointer: string): void {
  let pointers = walk.marks.get(node);
  if (!pointers) walk.marks.set(node, (pointers = new Set()));
  if (pointers.has(pointer)) return;
  pointers.add(pointer);
  const nodes = walk.nodesAt.get(pointer);
  if (nodes) nodes.push(node as Node);
  else walk.nodesAt.set(pointer, [node as Node]);
}

function walkUnion(schemas: Schemas, walk: Walk, node: Node, key: 'oneOf' | 'anyOf', doc: Node, value: unknown, pointer: string, depth: number): void {
  const branches = node[key] as unknown[];
  const leaves = leavesOf(schemas, branches, doc);
  const typed = leaves.filter((leaf) => acceptsType(schemas, leaf.node, leaf.doc, value));
  const tagged = typed.filter((leaf) => tagsMatch(schemas, leaf.node, leaf.doc, value));
  const into = (chosen: readonly Leaf[]): void => {
    for (const top of new Set(chosen.map((leaf) => leaf.top))) walkNode(schemas, walk, branches[top] as AnySchema, doc, value, pointer, depth + 1);
  };
  if (tagged.length > 0) return into(tagged);
  if (typed.length === 1) return into(typed);
  const segments = segmentsOf(pointer);
  if (typed.length === 0) {
    const allowed = schemas.words(node, doc);
    walk.synthesized.push({ node, pointer, segments, keyword: key, requirement: `must be ${allowed}`, allowed, missing: false });
    return;
  }
  // Several branches fit the type, none the tags: narrow member by member to the one that fits no branch.
  const object = value as Record<string, Json>;
  let current = typed;
  const keys = [...new Set(typed.flatMap((leaf) => tagKeys(leaf.node)))];
  for (const tag of keys) {
    const constraining = current.filter((leaf) => tagValues(schemas, leaf.node, leaf.doc, tag) !== undefined);
    if (constraining.length === 0) continue;
    const next = current.filter((leaf) => {
      const values = tagValues(schemas, leaf.node, leaf.doc, tag);
      if (!values) return true;
      return hasOwn(object, tag) ? values.some((allowed) => allowed === object[tag]) : !requires(leaf.node, tag);
    });
    if (next.length === 0) {
      const values = [...new Set(constraining.flatMap((leaf) => tagValues(schemas, leaf.node, leaf.doc, tag)!))];
      const allowed = valuesText(values);
      const missing = !hasOwn(object, tag);
      walk.synthesized.push({
        node,
        pointer: `${pointer}/${encodeSegment(tag)}`,
        segments: [...segments, tag],
        keyword: missing ? 'required' : values.length === 1 ? 'const' : 'enum',
        requirement: missing ? `is missing; must be ${allowed}` : `must be ${allowed}`,
        allowed,
        allowedValues: values,
        missing,
      });
      return;
    }
    current = next;
  }
  into(current);
}

function walkNode(schemas: Schemas, walk: Walk, schema: AnySchema, doc: Node, value: unknown, pointer: string, depth: number): void {
  if (!isNode(schema)) return;
  if (++walk.steps > MAX_STEPS || depth > MAX_DEPTH) {
    walk.open.push(pointer);
    return;
  }
  const node = schema;
  mark(walk, node, pointer);
  if (typeof node['$ref'] === 'string') {
    const target = schemas.resolve(node['$ref'], doc);
    if (target) walkNode(schemas, walk, target.node, target.doc, value, pointer, depth + 1);
    else walk.open.push(pointer);
  }
  if (typeof node['$dynamicRef'] === 'string' || hasOwn(node, 'unevaluatedProperties') || hasOwn(node, 'unevaluatedItems')) walk.open.push(pointer);
  if (Array.isArray(node['allOf'])) for (const branch of node['allOf']) walkNode(schemas, walk, branch as AnySchema, doc, value, pointer, depth + 1);
  if (Array.isArray(node['oneOf'])) walkUnion(schemas, walk, node, 'oneOf', doc, value, pointer, depth);
  if (Array.isArray(node['anyOf'])) walkUnion(schemas, walk, node, 'anyOf', doc, value, pointer, depth);
  // Ajv applies only one of then/else and reports nothing of the other: walking both is safe.
  for (const key of ['then', 'else'] as const) if (hasOwn(node, key)) walkNode(schemas, walk, node[key] as AnySchema, doc, value, pointer, depth + 1);
  if (isPlainObject(value)) {
    const properties = isNode(node['properties']) ? node['properties'] : {};
    const patterns: Array<[RegExp, AnySchema]> = [];
    if (isNode(node['patternProperties'])) {
      for (const [source, sub] of Object.entries(node['patternProperties'])) {
        try {
          patterns.push([new RegExp(source, 'u'), sub as AnySchema]);
        } catch {
          walk.open.push(pointer);
        }
      }
    }
    if (isNode(node['dependentSchemas'])) {
      for (const [key, sub] of Object.entries(node['dependentSchemas'])) if (hasOwn(value, key)) walkNode(schemas, walk, sub as AnySchema, doc, value, pointer, depth + 1);
    }
    if (hasOwn(node, 'propertyNames')) walkNode(schemas, walk, node['propertyNames'] as AnySchema, doc, undefined, pointer, depth + 1);
    for (const key of Object.keys(value)) {
      const at = `${pointer}/${encodeSegment(key)}`;
      let covered = false;
      if (hasOwn(properties, key)) {
        covered = true;
        walkNode(schemas, walk, properties[key] as AnySchema, doc, value[key], at, depth + 1);
      }
      for (const [pattern, sub] of patterns) {
        if (pattern.test(key)) {
          covered = true;
          walkNode(schemas, walk, sub, doc, value[key], at, depth + 1);
        }
      }
      if (!covered && isNode(node['additionalProperties'])) walkNode(schemas, walk, node['additionalProperties'], doc, value[key], at, depth + 1);
    }
  }
  if (Array.isArray(value)) {
    const prefix = Array.isArray(node['prefixItems']) ? node['prefixItems'] : [];
    for (let i = 0; i < value.length; i++) {
      const sub = i < prefix.length ? prefix[i] : node['items'];
      if (sub !== undefined) walkNode(schemas, walk, sub as AnySchema, doc, value[i], `${pointer}/${i}`, depth + 1);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Errors to candidates.

function fromError(schemas: Schemas, error: ErrorObject, order: number, nodesAt: ReadonlyMap<string, readonly Node[]>): Candidate {
  const parent = isNode(error.parentSchema) ? error.parentSchema : undefined;
  const doc = parent ?? {};
  const params = (error.params ?? {}) as Record<string, unknown>;
  const words = (): string => (parent ? schemas.words(parent, doc) : '');
  const base = { pointer: error.instancePath, segments: segmentsOf(error.instancePath), keyword: error.keyword, missing: false, order };
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired': {
      const member = String(params['missingProperty'] ?? '');
      // The member's schema: in the node that requires it, or another applied at the same place (`then: { required }`).
      const holder = [...(parent ? [parent] : []), ...(nodesAt.get(error.instancePath) ?? [])].find((node) => isNode(node['properties']) && hasOwn(node['properties'], member));
      const allowed = holder ? schemas.words((holder['properties'] as Node)[member] as AnySchema, doc) : 'present';
      return {
        ...base,
        pointer: `${error.instancePath}/${encodeSegment(member)}`,
        segments: [...base.segments, member],
        requirement: allowed === 'present' ? 'is missing (it is required)' : `is missing; must be ${allowed}`,
        allowed,
        missing: true,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const member = String(params['additionalProperty'] ?? params['unevaluatedProperty'] ?? '');
      const names = parent && isNode(parent['properties']) ? Object.keys(parent['properties']) : [];
      const shown = names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');
      const allowed = names.length > 0 ? `no such member (the members are ${shown})` : 'no such member';
      return {
        ...base,
        pointer: `${error.instancePath}/${encodeSegment(member)}`,
        segments: [...base.segments, member],
        requirement: names.length > 0 ? `is not an allowed member (the members are ${shown})` : 'is not an allowed member',
        allowed,
      };
    }
    case 'const': {
      const values = [params['allowedValue']];
      const allowed = valuesText(values);
      return { ...base, requirement: `must be ${allowed}`, allowed, allowedValues: values };
    }
    case 'enum': {
      const values = Array.isArray(params['allowedValues']) ? (params['allowedValues'] as unknown[]) : [];
      const allowed = valuesText(values);
      return { ...base, requirement: `must be ${allowed}`, allowed, allowedValues: values };
    }
    case 'type': {
      const allowed = words() || list(String(params['type'] ?? '').split(',').map((type) => typeWords(type, {})));
      return { ...base, requirement: `must be ${allowed}`, allowed };
    }
    case 'pattern':
    case 'format': {
      const allowed = words() || (error.keyword === 'pattern' ? patternWords({ pattern: params['pattern'] }) : `a string in ${String(params['format'])} format`);
      return { ...base, requirement: `must be ${allowed}`, allowed };
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(params['limit']);
      const bound = `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${plural(limit, 'character')}`;
      const described = words();
      const allowed = described && !described.includes('character') ? `${described} (${bound})` : described || `a string of ${bound}`;
      return { ...base, requirement: `must be ${allowed}`, allowed };
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const limit = Number(params['limit']);
      const unit = error.keyword.endsWith('Items') ? 'item' : 'member';
      const bound = `${error.keyword.startsWith('min') ? 'at least' : 'at most'} ${plural(limit, unit)}`;
      const described = words();
      const allowed = described && described.includes(unit) ? described : `${described || (unit === 'item' ? 'an array' : 'an object')} of ${bound}`;
      return { ...base, requirement: `must be ${allowed}`, allowed };
    }
    case 'uniqueItems': {
      const allowed = words() || 'an array without duplicates';
      const i = params['i'];
      const j = params['j'];
      const which = typeof i === 'number' && typeof j === 'number' ? ` (items ${Math.min(i, j)} and ${Math.max(i, j)} are equal)` : '';
      return { ...base, requirement: `must be ${allowed}${which}`, allowed };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf': {
      const comparison = String(params['comparison'] ?? '');
      const allowed = words() || `a number ${comparison} ${String(params['limit'] ?? params['multipleOf'] ?? '')}`.trim();
      return { ...base, requirement: `must be ${allowed}`, allowed };
    }
    case 'false schema':
      return { ...base, requirement: 'is not allowed here', allowed: 'nothing' };
    default: {
      const message = error.message ?? 'is invalid';
      return { ...base, requirement: message, allowed: message };
    }
  }
}

const depthOf = (candidate: Candidate): number => candidate.segments.length;

/**
 * Describe why a value failed a JSON Schema, in one readable line and in parts: the member
 * that is wrong, what is allowed there, and what it is. Total: never throws, whatever the
 * errors and the value.
 *
 * @param errors - ajv's errors of the failed validation (`validate.errors`); best from a
 *   validator compiled with `allErrors: true` and `verbose: true`
 * @param value - the value that was validated
 * @param options - the schema it was validated against (for unions), how to name the value
 * @returns the most relevant problem and how many others there are
 * @example
 * if (!validate(reply)) throw new Error(describeSchemaErrors(validate.errors ?? [], reply, { schema: validate.schema }).message);
 * // receipts[0].fee: must be a u64 as a decimal string without sign or leading zeros, got the number 10
 */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined, value: unknown, options: DescribeSchemaErrorsOptions = {}): SchemaErrorDescription {
  const rootName = options.rootName ?? 'value';
  const maxValueLength = options.maxValueLength ?? 60;
  const all = [...(errors ?? [])];
  let candidates: Candidate[];
  try {
    candidates = rank(all, value, options);
  } catch {
    candidates = all.map((error, order) => ({
      pointer: error.instancePath,
      segments: segmentsOf(error.instancePath),
      keyword: error.keyword,
      requirement: error.message ?? 'is invalid',
      allowed: error.message ?? 'is invalid',
      missing: false,
      order,
    }));
  }
  const chosen = candidates[0];
  if (!chosen) {
    return { message: `${rootName}: does not match the schema`, path: '', pointer: '', keyword: '', allowed: 'a value that matches the schema', actual: describeValue(value, maxValueLength), actualType: jsonTypeOf(value), more: 0 };
  }
  const pointer = chosen.pointer;
  const path = readablePath(pointer, value);
  const at = valueAt(value, chosen.segments);
  const fromData = all.find((error) => error.instancePath === pointer && 'data' in error);
  const found = at.found ? at : fromData ? { found: true, value: fromData.data as unknown } : at;
  const missing = chosen.missing || !found.found;
  const actual = missing ? 'missing' : describeValue(found.value, maxValueLength);
  const more = candidates.length - 1;
  const message = `${path || rootName}: ${chosen.requirement}${missing ? '' : `, got ${actual}`}${more > 0 ? ` (and ${plural(more, 'more problem')})` : ''}`;
  return {
    message,
    path,
    pointer,
    keyword: chosen.keyword,
    allowed: chosen.allowed,
    ...(chosen.allowedValues ? { allowedValues: chosen.allowedValues } : {}),
    actual,
    actualType: missing ? 'missing' : jsonTypeOf(found.value),
    more,
  };
}

/** The problems, most relevant first, deduplicated. */
function rank(errors: readonly ErrorObject[], value: unknown, options: DescribeSchemaErrorsOptions): Candidate[] {
  const schemas = new Schemas([...(options.schema !== undefined ? [options.schema] : []), ...(options.schemas ?? [])]);
  const position = new Map(errors.map((error, index) => [error, index] as const));
  const nodesAt = new Map<string, Node[]>();
  let relevant: ErrorObject[] = [...errors];
  const synthesized: Candidate[] = [];
  if (isNode(options.schema) && errors.some((error) => isNode(error.parentSchema))) {
    const walk: Walk = { marks: new Map(), nodesAt, open: [], synthesized: [], steps: 0 };
    walkNode(schemas, walk, options.schema, options.schema, value, '', 0);
    const under = (pointer: string): boolean => walk.open.some((prefix) => pointer === prefix || pointer.startsWith(`${prefix}/`));
    const kept = errors.filter(
      (error) => !isNode(error.parentSchema) || walk.marks.get(error.parentSchema)?.has(error.instancePath) === true || under(error.instancePath),
    );
    for (const problem of walk.synthesized) {
      // Order a union's own problem where ajv reported the union.
      const index = errors.findIndex((error) => WRAPPERS.has(error.keyword) && error.parentSchema === problem.node);
      const { node: _node, ...rest } = problem;
      synthesized.push({ ...rest, order: index < 0 ? errors.length : index });
    }
    if (kept.length > 0 || synthesized.length > 0) relevant = kept;
  }
  let candidates = relevant.map((error) => ({ error, order: position.get(error) ?? errors.length }));
  const specific = candidates.filter(({ error }) => !WRAPPERS.has(error.keyword));
  if (specific.length > 0 || synthesized.length > 0) candidates = specific;
  const list = [...candidates.map(({ error, order }) => fromError(schemas, error, order, nodesAt)), ...synthesized];
  // One problem per member and requirement; the allowed values of const/enum errors at one member merged.
  const byMember = new Map<string, number>();
  const out: Candidate[] = [];
  for (const candidate of list) {
    const values = candidate.allowedValues;
    if (values && (candidate.keyword === 'const' || candidate.keyword === 'enum')) {
      const key = `values ${candidate.pointer}`;
      const at = byMember.get(key);
      if (at !== undefined) {
        const earlier = out[at]!;
        const merged = [...new Set([...(earlier.allowedValues ?? []), ...values])];
        const allowed = valuesText(merged);
        out[at] = { ...earlier, keyword: merged.length === 1 ? 'const' : 'enum', allowed, allowedValues: merged, requirement: `must be ${allowed}`, order: Math.min(earlier.order, candidate.order) };
        continue;
      }
      byMember.set(key, out.length);
      out.push(candidate);
      continue;
    }
    if (candidate.missing) {
      // One problem per missing member: the one that says what the member must be.
      const key = `missing ${candidate.pointer}`;
      const at = byMember.get(key);
      if (at !== undefined) {
        const earlier = out[at]!;
        if (earlier.allowed === 'present' && candidate.allowed !== 'present') out[at] = { ...candidate, order: Math.min(earlier.order, candidate.order) };
        continue;
      }
      byMember.set(key, out.length);
      out.push(candidate);
      continue;
    }
    const key = `${candidate.pointer} ${candidate.requirement}`;
    if (byMember.has(key)) continue;
    byMember.set(key, out.length);
    out.push(candidate);
  }
  return out.sort((a, b) => depthOf(b) - depthOf(a) || a.order - b.order);
}

/**
 * {@link describeSchemaErrors} for a validator that just failed: its errors, and its schema
 * to resolve unions.
 *
 * @param validate - an ajv validator that just returned `false` on `value`
 * @param value - the value it validated
 * @param options - other schemas its `$ref`s point into, how to name the value
 * @returns the most relevant problem
 * @example
 * if (!validate(vector)) throw new Error(describeValidation(validate, vector, { rootName: 'vector' }).message);
 */
export function describeValidation(validate: ValidateFunction, value: unknown, options: Omit<DescribeSchemaErrorsOptions, 'schema'> = {}): SchemaErrorDescription {
  return describeSchemaErrors(validate.errors, value, { ...options, schema: validate.schema });
}
