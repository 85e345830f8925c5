const FLAG_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['no', false],
  ['true', true],
  ['false', false],
  ['on', true],
  ['off', false],
  ['1', true],
  ['0', false],
]);

/** The accepted spellings in words, for messages. */
export const FLAG_WORDS_RULE = 'use yes/no, true/false, on/off or 1/0';

/**
 * Reads a yes/no setting as an admin may type it: a boolean, or yes/no, true/false, on/off, 1/0 in any case with
 * whitespace around ignored. Undefined for anything else (an empty string included).
 */
export function parseFlag(value: string | boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return FLAG_WORDS.get(value.trim().toLowerCase());
}
