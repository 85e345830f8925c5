import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared captures sit beside the repository (../shared), in a session and in CI alike. */
export const CAPTURES_DIR = fileURLToPath(new URL('../../../shared/freeswitch-captures/', import.meta.url));

/** The raw bytes FreeSWITCH sent on one captured connection. */
export function captureBytes(name: string): Buffer {
  const path = `${CAPTURES_DIR}${name}`;
  if (!existsSync(path)) throw new Error(`capture ${name} not found under ${CAPTURES_DIR}`);
  return readFileSync(path);
}
