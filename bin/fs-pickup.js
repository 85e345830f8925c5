#!/usr/bin/env node
// Runs the compiled controller (dist/main.js); configuration comes from FSP_* variables (README).
import { compiledModule } from './compiled.js';

await import(compiledModule('main.js'));
