#!/usr/bin/env node
// Thin shim: all behaviour lives in the pure run(argv) so tests call it without a process.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
