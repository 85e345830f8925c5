import { firstNonIdentifierCharacter, IDENTIFIER_CHARACTERS_RULE } from './charset.ts';
import { InvalidGroupListError, InvalidGroupNameError } from './errors.ts';
import { MAX_LIST_FIELD_LENGTH, parseCommaList } from './lists.ts';

/** Longest group field, names joined with ',' (spec: "The maximum length of the string is 1024 symbols"). */
export const MAX_GROUP_FIELD_LENGTH = MAX_LIST_FIELD_LENGTH;

/**
 * Start of a call queue pickup (`88cg_<id>`), so no group name may start with it. The spec says names "must be
 * case sensitive", and the queue form is matched case-sensitively too, so only the lower-case prefix is
 * ambiguous: "CG_x" and "Cg_x" are ordinary group names.
 */
export const RESERVED_QUEUE_PREFIX = 'cg_';

/** Which user preference a group list is: "Call groups" or "Pickup groups". */
export type GroupKind = 'call' | 'pickup';

/** A spec rule that a group name breaks. */
export type GroupNameRule = 'empty' | 'invalid-character' | 'digits-only' | 'reserved-prefix';

/** Outcome of parsing a group field: the names in entry order and the field as it is stored, or every problem found. */
export type GroupFieldResult =
  | { ok: true; groups: string[]; canonical: string }
  | { ok: false; error: InvalidGroupNameError | InvalidGroupListError; errors: Array<InvalidGroupNameError | InvalidGroupListError> };

const DIGITS_ONLY = /^[0-9]+$/;

const NAME_RULE_REASONS: Readonly<Record<GroupNameRule, string>> = {
  empty: 'a name cannot be empty',
  'invalid-character': IDENTIFIER_CHARACTERS_RULE,
  'digits-only': 'a name cannot be only digits, 88<digits> is the directed pickup of an extension',
  'reserved-prefix': `a name cannot start with "${RESERVED_QUEUE_PREFIX}", 88${RESERVED_QUEUE_PREFIX}<id> is the pickup of a call queue`,
};

/** The first spec rule that `name` breaks, checked in the order empty, characters, digits only, prefix. */
export function groupNameViolation(name: string): GroupNameRule | undefined {
  return findViolation(name)?.rule;
}

/** True when `name` may be used as a call or pickup group. */
export function isValidGroupName(name: string): boolean {
  return findViolation(name) === undefined;
}

/** The error for one group name (e.g. a group named on its own, as for its settings), or undefined if it is valid. */
export function groupNameError(name: string, kind: GroupKind): InvalidGroupNameError | undefined {
  const violation = findViolation(name);
  return violation === undefined ? undefined : new InvalidGroupNameError(kind, name, violation.rule, NAME_RULE_REASONS[violation.rule], violation.found);
}

/**
 * Parses the stored/entered comma-separated field. Whitespace around an entry is trimmed (it can never be part of a
 * name); empty field or only whitespace = no groups; an empty entry between commas (or a leading/trailing comma) is
 * an error; duplicates are dropped keeping the first; the canonical field (joined with ',') must be <= 1024 chars.
 * A refused field lists every bad name (see parseCommaList); `error` is the first.
 */
export function parseGroupField(field: string, kind: GroupKind): GroupFieldResult {
  const parsed = parseCommaList<InvalidGroupNameError | InvalidGroupListError>(field, {
    entries: 'names',
    entryError: (name) => groupNameError(name, kind),
    listError: (rule, reason) => new InvalidGroupListError(kind, field, rule, reason),
  });
  return parsed.ok ? { ok: true, groups: parsed.entries, canonical: parsed.canonical } : parsed;
}

function findViolation(name: string): { rule: GroupNameRule; found?: string } | undefined {
  if (name === '') return { rule: 'empty' };
  const badCharacter = firstNonIdentifierCharacter(name);
  if (badCharacter !== undefined) return { rule: 'invalid-character', found: badCharacter };
  if (DIGITS_ONLY.test(name)) return { rule: 'digits-only' };
  if (name.startsWith(RESERVED_QUEUE_PREFIX)) return { rule: 'reserved-prefix' };
  return undefined;
}
