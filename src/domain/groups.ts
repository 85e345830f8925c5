import { InvalidGroupListError, InvalidGroupNameError } from './errors.ts';

/** Longest group field, names joined with ',' (spec: "The maximum length of the string is 1024 symbols"). */
export const MAX_GROUP_FIELD_LENGTH = 1024;

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

/** Outcome of parsing a group field: the names in entry order, and the field as it is stored. */
export type GroupFieldResult =
  | { ok: true; groups: string[]; canonical: string }
  | { ok: false; error: InvalidGroupNameError | InvalidGroupListError };

// Latin only: no /i flag (it would let the Kelvin sign and the long s match), /u so that `found` is a whole
// code point (an emoji, not half of it).
const NOT_A_NAME_CHARACTER = /[^A-Za-z0-9_-]/u;
const DIGITS_ONLY = /^[0-9]+$/;

const NAME_RULE_REASONS: Readonly<Record<GroupNameRule, string>> = {
  empty: 'a name cannot be empty',
  'invalid-character': 'only Latin letters, digits, "_" and "-" are allowed',
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

/**
 * Parses the stored/entered comma-separated field. Whitespace around an entry is trimmed (it can never be part of a
 * name); empty field or only whitespace = no groups; an empty entry between commas (or a leading/trailing comma) is
 * an error; duplicates are dropped keeping the first; the canonical field (joined with ',') must be <= 1024 chars.
 */
export function parseGroupField(field: string, kind: GroupKind): GroupFieldResult {
  if (field.trim() === '') return { ok: true, groups: [], canonical: '' };
  const names: string[] = [];
  for (const entry of field.split(',')) {
    const name = entry.trim();
    if (name === '') {
      const reason = 'an entry is empty (two commas in a row, or a comma at the start or end)';
      return { ok: false, error: new InvalidGroupListError(kind, field, 'empty-entry', reason) };
    }
    const violation = findViolation(name);
    if (violation !== undefined) {
      const reason = NAME_RULE_REASONS[violation.rule];
      return { ok: false, error: new InvalidGroupNameError(kind, name, violation.rule, reason, violation.found) };
    }
    names.push(name);
  }
  const groups = [...new Set(names)];
  const canonical = groups.join(',');
  if (canonical.length > MAX_GROUP_FIELD_LENGTH) {
    const reason = `the names joined with "," are ${canonical.length} characters long, at most ${MAX_GROUP_FIELD_LENGTH} are allowed`;
    return { ok: false, error: new InvalidGroupListError(kind, field, 'too-long', reason) };
  }
  return { ok: true, groups, canonical };
}

function findViolation(name: string): { rule: GroupNameRule; found?: string } | undefined {
  if (name === '') return { rule: 'empty' };
  const badCharacter = NOT_A_NAME_CHARACTER.exec(name);
  if (badCharacter !== null) return { rule: 'invalid-character', found: badCharacter[0] };
  if (DIGITS_ONLY.test(name)) return { rule: 'digits-only' };
  if (name.startsWith(RESERVED_QUEUE_PREFIX)) return { rule: 'reserved-prefix' };
  return undefined;
}
