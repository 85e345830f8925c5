#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (fs-pickup runs from source; see README).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/admin/cli.ts');
process.exit(await runCli(process.argv.slice(2)));
