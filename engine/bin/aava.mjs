#!/usr/bin/env node
// `aava` CLI. Runs the TypeScript sources through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const code = await runCli(process.argv.slice(2));
process.exit(code);
