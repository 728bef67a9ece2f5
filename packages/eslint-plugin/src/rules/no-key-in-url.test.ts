import { redact } from '@shippo-keyguard/core';
import { fakeKey, runRuleTests, ts } from '../testing/rule-tester.js';
import rule from './no-key-in-url.js';

const live = fakeKey('live', 'no-key-in-url');
const test = fakeKey('test', 'no-key-in-url');
const query = 'query string';
const inUrl = (key: string) => `fetch("https://api.goshippo.com/orders?token=${key}");`;
/** The error for the hard-coded key of `inUrl(key)` on `line`. */
const keyErr = (key: string, line = 1) => err(line, inUrl(key).indexOf(key) + 1, inUrl(key).indexOf(key) + key.length + 1, redact(key));

const err = (line: number, column: number, endColumn: number, what: string, place = query) => ({
  messageId: 'keyInUrl',
  data: { what, place },
  line,
  column,
  endLine: line,
  endColumn,
});

runRuleTests('no-key-in-url', rule, {
  valid: [
    'fetch("https://api.goshippo.com/shipments/", { headers: { Authorization: `ShippoToken ${process.env.SHIPPO_API_KEY}` } });',
    'const url = `https://api.goshippo.com/shipments/${shipmentId}`;',
    'const url = `https://example.com/search?q=${query}`;',
    'const url = "https://api.goshippo.com/addresses?results=5";',
    `const header = "ShippoToken ${live}";`,
    'const msg = `key ${SHIPPO_API_KEY} is set`;',
    'const total = a + b + 1;',
    'const url = `https://example.com/x?token=${token}`;',
    // Inline allow comments, as for no-hardcoded-key and the CLI.
    `${inUrl(live)} // shippo-keyguard:allow`,
    `// shippo-keyguard:allow-next-line\n${inUrl(test)}`,
    `${inUrl(live)} // gitleaks:allow`,
    `${inUrl(live)} /* pragma: allowlist secret */`,
    { code: `${inUrl(live)} // shippo-keyguard:allow`, options: [{ foreignAllow: false }], name: 'foreignAllow: false keeps our own marker' },
  ],
  invalid: [
    {
      name: 'hard-coded key in a query string',
      code: `fetch("https://api.goshippo.com/orders?token=${live}&page=2");`,
      errors: [err(1, 46, 98, redact(live))],
    },
    {
      name: 'hard-coded key in a path',
      code: `const u = 'https://hooks.example.com/shippo/${test}/events';`,
      errors: [err(1, 45, 97, redact(test), 'path')],
    },
    {
      name: 'environment variable in a template query string',
      code: 'fetch(`https://api.goshippo.com/orders?api_key=${process.env.SHIPPO_API_KEY}`);',
      errors: [err(1, 50, 76, '"SHIPPO_API_KEY"')],
    },
    {
      name: 'a key-named variable on any host, in the path',
      code: 'const u = `https://proxy.internal/${shippoToken}/rates`;',
      errors: [err(1, 37, 48, '"shippoToken"', 'path')],
    },
    {
      name: 'a generic name on the Shippo host',
      code: 'const u = `https://api.goshippo.com/rates?token=${apiKey}`;',
      errors: [err(1, 51, 57, '"apiKey"')],
    },
    {
      name: 'string concatenation',
      code: "const u = 'https://api.goshippo.com/orders?key=' + SHIPPO_KEY + '&x=1';",
      errors: [err(1, 52, 62, '"SHIPPO_KEY"')],
    },
    {
      name: 'a URL that starts with a base-URL variable',
      code: 'const u = `${SHIPPO_BASE_URL}/orders?token=${config.shippoApiKey}`;',
      errors: [err(1, 46, 65, '"shippoApiKey"')],
    },
    {
      name: 'multi-line template: the second line',
      code: `const u = \`
  https://api.goshippo.com/x?token=${live}\`;`,
      errors: [err(2, 36, 88, redact(live))],
    },
    {
      name: 'TS: non-null and as-expressions',
      code: 'const u: string = `https://api.goshippo.com/x?token=${(process.env.SHIPPO_API_KEY as string)}`;',
      ...ts,
      errors: [err(1, 56, 92, '"SHIPPO_API_KEY"')],
    },
    {
      name: 'foreignAllow: false ignores gitleaks:allow',
      code: `${inUrl(live)} // gitleaks:allow`,
      options: [{ foreignAllow: false }],
      errors: [keyErr(live)],
    },
    {
      name: 'an allow comment for another line does not allow this one',
      code: `// shippo-keyguard:allow\n${inUrl(live)}`,
      errors: [keyErr(live, 2)],
    },
    {
      name: 'an allow comment does not cover a variable: it has no key to allow',
      code: 'fetch(`https://api.goshippo.com/orders?api_key=${process.env.SHIPPO_API_KEY}`); // shippo-keyguard:allow',
      errors: [err(1, 50, 76, '"SHIPPO_API_KEY"')],
    },
  ],
});
