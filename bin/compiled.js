// Finds a module of the compiled build (dist/, made by `npm run build`; `npm ci` builds it through "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The URL of `dist/<path>`, for import(); without a build, says how to make one and exits with 1. */
export function compiledModule(path) {
  const url = new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`fs-pickup is not built (${fileURLToPath(url)} is missing): run "npm run build" first\n`);
    process.exit(1);
  }
  return url.href;
}
