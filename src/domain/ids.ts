import { firstNonIdentifierCharacter, IDENTIFIER_CHARACTERS_RULE } from './charset.ts';
import { InvalidIdError, InvalidIdListError } from './errors.ts';
import { RESERVED_QUEUE_PREFIX } from './groups.ts';
import { parseCommaList } from './lists.ts';

/** Which id list of a user: the legacy ACL groups they belong to, or the call queues they may pick up from. */
export type IdKind = 'acl-group' | 'pickup-queue';

/** A rule that one ACL group id or queue id breaks. */
export type IdRule = 'invalid-character' | 'too-long' | 'reserved-prefix';

/** Outcome of parsing an id field: the ids in entry order and the field as it is stored, or every problem found. */
export type IdFieldResult =
  | { ok: true; ids: string[]; canonical: string }
  | { ok: false; error: InvalidIdError | InvalidIdListError; errors: Array<InvalidIdError | InvalidIdListError> };

/** Longest ACL group id or queue id: a bound of our own (ids go into keys and commands); real ids are short. */
export const MAX_ID_LENGTH = 64;

/**
 * Parses an ACL group or pickup queue field with the rules of a group field (see parseCommaList), each id being 1 to
 * 64 of [A-Za-z0-9_-]. Digits only is fine (WMS ids are numbers). A queue id is what follows "cg_" in 88cg_<id>, so
 * it cannot start with "cg_" itself (an admin who typed "cg_5" meant "5").
 */
export function parseIdField(field: string, kind: IdKind): IdFieldResult {
  const parsed = parseCommaList<InvalidIdError | InvalidIdListError>(field, {
    entries: 'ids',
    entryError: (id) => idError(id, kind),
    listError: (rule, reason) => new InvalidIdListError(kind, field, rule, reason),
  });
  return parsed.ok ? { ok: true, ids: parsed.entries, canonical: parsed.canonical } : parsed;
}

/** The error for one ACL group or queue id (e.g. a queue named on its own), or undefined if it is valid. */
export function idError(id: string, kind: IdKind): InvalidIdError | undefined {
  const badCharacter = firstNonIdentifierCharacter(id);
  if (badCharacter !== undefined) return new InvalidIdError(kind, id, 'invalid-character', IDENTIFIER_CHARACTERS_RULE, badCharacter);
  if (id.length > MAX_ID_LENGTH) {
    return new InvalidIdError(kind, id, 'too-long', `an id has at most ${MAX_ID_LENGTH} characters, this one has ${id.length}`);
  }
  if (kind === 'pickup-queue' && id.startsWith(RESERVED_QUEUE_PREFIX)) {
    const reason = `write the queue id without "${RESERVED_QUEUE_PREFIX}": it is what follows "${RESERVED_QUEUE_PREFIX}" in 88${RESERVED_QUEUE_PREFIX}<id>`;
    return new InvalidIdError(kind, id, 'reserved-prefix', reason);
  }
  return undefined;
}
