import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/**
 * The real FreeSWITCH captures the tests replay, kept in the repository (README there). Files over
 * 8 KB are stored gzipped as `<name>.gz`; callers name them without the suffix.
 */
export const CAPTURES_DIR = fileURLToPath(new URL('../fixtures/freeswitch-captures/', import.meta.url));

/** The raw bytes FreeSWITCH sent on one captured connection (or a capture client sent, for `.sent`). */
export function captureBytes(name: string): Buffer {
  const path = `${CAPTURES_DIR}${name}`;
  if (existsSync(path)) return readFileSync(path);
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`));
  throw new Error(`capture ${name} not found under ${CAPTURES_DIR}`);
}

/** Whether a capture is in the fixtures. */
export function hasCapture(name: string): boolean {
  return existsSync(`${CAPTURES_DIR}${name}`) || existsSync(`${CAPTURES_DIR}${name}.gz`);
}

/** The names of every capture in the fixtures' top folder (without the `.gz` suffix), sorted. */
export function captureNames(): string[] {
  return readdirSync(CAPTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md')
    .map((entry) => entry.name.replace(/\.gz$/, ''))
    .sort();
}
