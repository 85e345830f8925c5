#!/usr/bin/env node
// Runs the compiled CLI (dist/admin/cli.js); `npm run pickupctl` runs the TypeScript source instead.
import { compiledModule } from './compiled.js';

const { runCli } = await import(compiledModule('admin/cli.js'));
process.exit(await runCli(process.argv.slice(2)));
