#!/usr/bin/env node
// Runs the controller (src/main.ts) through tsx's loader; configuration comes from FSP_* variables (README).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
