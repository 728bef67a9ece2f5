#!/usr/bin/env node
// Check GitLab secret-detection reports (`--format gitlab`) against a schema file, the way GitLab
// validates them on ingestion: JSON Schema draft-07 with formats asserted. Give it GitLab's
// published `secret-detection-report-format.json` of the version our reports declare (see
// docs/gitlab.md); it is not kept in this repository.
//
//   node scripts/check-gitlab-report.mjs <schema.json> <report.json>...
//
// Prints one line per report ("ok" or each problem) and exits 0 when all are valid, 1 when one is
// not, 2 on bad input (a missing or unreadable file, a schema that does not compile).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

function fail(message) {
  process.stderr.write(`check-gitlab-report: ${message}\n`);
  process.exit(2);
}

function readJson(file, what) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${what} ${file}: ${error.code ?? error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    fail(`${what} ${file} is not JSON: ${error.message}`);
  }
}

const [schemaFile, ...reports] = process.argv.slice(2);
if (schemaFile === undefined || reports.length === 0) fail('usage: check-gitlab-report.mjs <schema.json> <report.json>...');
const schema = readJson(schemaFile, 'schema');
if (schema.$schema !== 'http://json-schema.org/draft-07/schema#') fail(`${schemaFile} declares ${schema.$schema ?? 'no $schema'}; this check reads draft-07 schemas`);

// strict: false because GitLab's schemas carry keywords of their own (`self`).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(schema);
} catch (error) {
  fail(`${schemaFile} does not compile: ${error.message}`);
}
const version = schema.self?.version;

let invalid = 0;
for (const file of reports) {
  const report = readJson(file, 'report');
  const problems = validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  if (version !== undefined && report.version !== version) problems.push(`/version is ${JSON.stringify(report.version)}, the schema is version ${version}`);
  if (problems.length === 0) {
    process.stdout.write(`${file}: ok (${Array.isArray(report.vulnerabilities) ? report.vulnerabilities.length : 0} vulnerabilities)\n`);
  } else {
    invalid++;
    for (const p of problems) process.stdout.write(`${file}: ${p}\n`);
  }
}
process.exit(invalid > 0 ? 1 : 0);
