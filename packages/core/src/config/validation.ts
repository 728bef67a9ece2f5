import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { globProblem } from './glob.js';

/** One thing wrong with a configuration file: where (a field path such as `allow[0].reason`) and what. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

let instance: Ajv | undefined;

function ajv(): Ajv {
  if (instance === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
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
      if (/base.?url|endpoint|host/i.test(field) && e.instancePath === '/verify') {
        return { path, message: 'the API base URL cannot be set in a configuration file (a checked-in file must never send keys elsewhere); allowed here: concurrency, timeout' };
      }
      const allowed = Object.keys(parent?.properties ?? {});
      return { path, message: `unknown field; expected ${allowed.length > 0 ? `one of: ${allowed.join(', ')}` : 'no fields here'}` };
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
  return problems;
}

