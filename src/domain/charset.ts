// Latin only: no /i flag (it would let the Kelvin sign and the long s match), /u so that the character found is a
// whole code point (an emoji, not half of it).
const NOT_AN_IDENTIFIER_CHARACTER = /[^A-Za-z0-9_-]/u;

/** The identifier character set in words, for messages. */
export const IDENTIFIER_CHARACTERS_RULE = 'only Latin letters, digits, "_" and "-" are allowed';

/**
 * First character (code point) of `value` outside [A-Za-z0-9_-], the characters of group names, ACL group ids and
 * queue ids (safe in an ESL command and a Redis key); undefined if there is none.
 */
export function firstNonIdentifierCharacter(value: string): string | undefined {
  return NOT_AN_IDENTIFIER_CHARACTER.exec(value)?.[0];
}
