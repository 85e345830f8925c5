/** Longest stored comma-separated field (spec: "The maximum length of the string is 1024 symbols"). */
export const MAX_LIST_FIELD_LENGTH = 1024;

/** A rule that a comma-separated field as a whole breaks. */
export type ListRule = 'too-long' | 'empty-entry';

/** How a list parser checks one entry and builds its errors. */
export interface ListRules<E> {
  /** What the entries are, plural, for messages: "names", "ids". */
  readonly entries: string;
  /** The error for an entry (trimmed, not empty) that breaks a rule; undefined if it is valid. */
  entryError(entry: string): E | undefined;
  /** The error for the field as a whole; `reason` states the rule in words. */
  listError(rule: ListRule, reason: string): E;
}

/** Outcome of parsing a list field: the entries, or every problem found (`error` is the first of `errors`). */
export type CommaListResult<E> = { ok: true; entries: string[]; canonical: string } | { ok: false; error: E; errors: E[] };

const EMPTY_ENTRY_REASON = 'an entry is empty (two commas in a row, or a comma at the start or end)';

/**
 * Parses a stored/entered comma-separated field. Whitespace around an entry is trimmed (it can never be part of an
 * entry); empty field or only whitespace = no entries; an empty entry between commas (or a leading/trailing comma) is
 * an error; duplicates are dropped keeping the first; the canonical field (joined with ',') must be <= 1024 characters.
 * Every problem is reported, left to right (each bad entry once, empty entries once), the length last, so that an
 * admin can fix them all in one go.
 */
export function parseCommaList<E>(field: string, rules: ListRules<E>): CommaListResult<E> {
  if (field.trim() === '') return { ok: true, entries: [], canonical: '' };
  const errors: E[] = [];
  const unique = new Set<string>();
  let emptyEntrySeen = false;
  for (const raw of field.split(',')) {
    const entry = raw.trim();
    if (entry === '') {
      if (!emptyEntrySeen) errors.push(rules.listError('empty-entry', EMPTY_ENTRY_REASON));
      emptyEntrySeen = true;
    } else if (!unique.has(entry)) {
      unique.add(entry);
      const error = rules.entryError(entry);
      if (error !== undefined) errors.push(error);
    }
  }
  const entries = [...unique];
  const canonical = entries.join(',');
  if (canonical.length > MAX_LIST_FIELD_LENGTH) {
    const reason = `the ${rules.entries} joined with "," are ${canonical.length} characters long, at most ${MAX_LIST_FIELD_LENGTH} are allowed`;
    errors.push(rules.listError('too-long', reason));
  }
  const [first] = errors;
  return first === undefined ? { ok: true, entries, canonical } : { ok: false, error: first, errors };
}
