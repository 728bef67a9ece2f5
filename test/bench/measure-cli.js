// Runs the CLI in this process and writes this process's own peak RSS (KiB) to $SKG_RSS_FILE:
// /usr/bin/time's figure covers the git children too (git maps packs into memory).
// $SKG_CLI_ENTRY names the module to run (a bundle's entry); cli/dist otherwise.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const entry = process.env.SKG_CLI_ENTRY ? pathToFileURL(process.env.SKG_CLI_ENTRY).href : '../../cli/dist/main.js';
const { main } = await import(entry);
const code = await main(process.argv.slice(2));
if (process.env.SKG_RSS_FILE) writeFileSync(process.env.SKG_RSS_FILE, String(process.resourceUsage().maxRSS));
process.exitCode = code;
