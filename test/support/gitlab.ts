import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('./gitlab-secret-detection-schema.json', import.meta.url), 'utf8')) as object;
let validator: ReturnType<Ajv['compile']> | undefined;

/** Errors from GitLab's secret-detection report schema (required structure); empty when the report is valid. */
export function gitlabSchemaErrors(report: unknown): string[] {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(report)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
