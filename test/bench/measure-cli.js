// Runs the CLI in this process and writes this process's own peak RSS (KiB) to $SKG_RSS_FILE:
// /usr/bin/time's figure covers the git children too (git maps packs into memory).
import { writeFileSync } from 'node:fs';
import { main } from '../../cli/dist/main.js';

const code = await main(process.argv.slice(2));
if (process.env.SKG_RSS_FILE) writeFileSync(process.env.SKG_RSS_FILE, String(process.resourceUsage().maxRSS));
process.exitCode = code;
