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

/**
 * Parses a stored/entered comma-separated field. Whitespace around an entry is trimmed (it can never be part of an
 * entry); empty field or only whitespace = no entries; an empty entry between commas (or a leading/trailing comma) is
 * an error; entries are checked left to right; duplicates are dropped keeping the first; the canonical field (joined
 * with ',') must be <= 1024 characters.
 */
export function parseCommaList<E>(
  field: string,
  rules: ListRules<E>,
): { ok: true; entries: string[]; canonical: string } | { ok: false; error: E } {
  if (field.trim() === '') return { ok: true, entries: [], canonical: '' };
  const entries: string[] = [];
  for (const raw of field.split(',')) {
    const entry = raw.trim();
    if (entry === '') {
      return { ok: false, error: rules.listError('empty-entry', 'an entry is empty (two commas in a row, or a comma at the start or end)') };
    }
    const error = rules.entryError(entry);
    if (error !== undefined) return { ok: false, error };
    entries.push(entry);
  }
  const unique = [...new Set(entries)];
  const canonical = unique.join(',');
  if (canonical.length > MAX_LIST_FIELD_LENGTH) {
    const reason = `the ${rules.entries} joined with "," are ${canonical.length} characters long, at most ${MAX_LIST_FIELD_LENGTH} are allowed`;
    return { ok: false, error: rules.listError('too-long', reason) };
  }
  return { ok: true, entries: unique, canonical };
}
