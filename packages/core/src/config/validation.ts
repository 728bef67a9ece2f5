import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { AjvClass } from './deps.js';
import { globProblem } from './glob.js';

/** One thing wrong with a configuration file: where (a field path such as `allow[0].reason`) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

let instance: Ajv | undefined;

function ajv(): Ajv {
  if (instance === undefined) {
    // No meta-schema: checking our own schemas costs ~10x the compile; the tests check them instead.
    const ajv = new (AjvClass())({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, meta: false, validateSchema: false });
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    ajv.addKeyword({
      keyword: 'x-glob',
      type: 'string',
      schemaType: 'boolean',
      errors: true,
      validate: function check(_schema: boolean, data: string) {
        const problem = globProblem(data);
        (check as { errors?: Partial<ErrorObject>[] }).errors = problem ? [{ keyword: 'x-glob', message: problem, params: {} }] : [];
        return problem === undefined;
      },
    });
    instance = ajv;
  }
  return instance;
}

/** Edit distance, for "did you mean" on a misspelt field. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] as number;
}

/** `/allow/0/reason` -> `allow[0].reason`. */
function fieldPath(pointer: string, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? text : typeName(value);
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'true or false',
};

function describeAjvError(e: ErrorObject): ConfigProblem {
  const parent = e.parentSchema as { errorMessage?: string; properties?: Record<string, unknown> } | undefined;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const path = fieldPath(e.instancePath, field);
      const allowed = Object.keys(parent?.properties ?? {});
      if (/base.?url|endpoint|api.?host|^host$|^url$/i.test(field)) {
        return {
          path,
          message: `the API base URL cannot be set in a configuration file (a checked-in file must never be able to send keys elsewhere); expected ${allowed.length > 0 ? `one of: ${allowed.join(', ')}` : 'no fields here'}`,
        };
      }
      const near = allowed.find((name) => distance(name.toLowerCase(), field.toLowerCase()) <= 2);
      const hint = near !== undefined ? ` (did you mean "${near}"?)` : '';
      return { path, message: `unknown field${hint}; expected ${allowed.length > 0 ? `one of: ${allowed.join(', ')}` : 'no fields here'}` };
    }
    case 'required':
      return { path: fieldPath(e.instancePath, String(params['missingProperty'])), message: 'required field is missing' };
    case 'propertyNames':
      return { path: fieldPath(e.instancePath, String(params['propertyName'])), message: 'unknown name' };
  }
  const path = fieldPath(e.instancePath);
  if (e.keyword === 'x-glob') return { path, message: `${e.message ?? 'bad pattern'}, in ${show(e.data)}` };
  if (parent?.errorMessage) return { path, message: `${parent.errorMessage}, got ${show(e.data)}` };
  switch (e.keyword) {
    case 'type': {
      const types = String(params['type']).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return { path, message: `expected ${types.join(' or ')}, got ${typeName(e.data)}` };
    }
    case 'enum':
      return { path, message: `expected one of: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${show(e.data)}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `expected ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params['limit'])}, got ${show(e.data)}` };
    case 'exclusiveMinimum':
      return { path, message: `expected more than ${String(params['limit'])}, got ${show(e.data)}` };
    default:
      return { path, message: `${e.message ?? 'invalid'}, got ${show(e.data)}` };
  }
}

/**
 * A checker for a schema: the problems of a value, in document order, one per field. Compiled
 * lazily and once: building a validator costs more than validating many files.
 */
export function compileChecker(schema: object): (value: unknown) => ConfigProblem[] {
  let compiled: ValidateFunction | undefined;
  return (value) => {
    compiled ??= ajv().compile(schema);
    return problemsOf(compiled, value);
  };
}

function problemsOf(check: ValidateFunction, value: unknown): ConfigProblem[] {
  if (check(value)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of check.errors ?? []) {
    // propertyNames reports the inner failure too (as an enum on the object): keep the named one.
    if (error.keyword === 'enum' && error.propertyName !== undefined) {
      const schema = error.parentSchema as { errorMessage?: string };
      const path = fieldPath(error.instancePath, error.propertyName);
      if (!seen.has(path)) problems.push({ path, message: schema.errorMessage ?? 'unknown name' });
      seen.add(path);
      continue;
    }
    const problem = describeAjvError(error);
    if (error.keyword === 'propertyNames' && seen.has(problem.path)) continue;
    // One line per field: a wrong type would otherwise also fail its pattern or range.
    if (seen.has(problem.path)) continue;
    seen.add(problem.path);
    problems.push(problem);
  }
  const order = documentOrder(value);
  const rank = (path: string): number => {
    // A missing field ranks just after its parent.
    for (let p = path; ; p = p.replace(/(\.[^.[]+|\[[^\]]*\])$/, '')) {
      const at = order.get(p);
      if (at !== undefined) return p === path ? at : at + 0.5;
      if (p === '') return -1;
    }
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p.path) - rank(b.p.path) || a.i - b.i).map(({ p }) => p);
}

/** Each field path of a value, numbered in the order it appears in the document. */
function documentOrder(value: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (v: unknown, pointer: string): void => {
    order.set(fieldPath(pointer), order.size);
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${pointer}/${i}`));
    else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) visit(item, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  visit(value, '');
  return order;
}

