import { FsPickupError } from '../domain/errors.ts';
import type { UserPreferences } from '../domain/preferences.ts';
import type { RawPreferenceChange } from './preference-changes.ts';

/** The columns of the file, in order, for messages and the export's header. */
const COLUMNS = 'extension@domain;call groups;pickup groups;ACL groups;group pickup;pickup queues';

/** A line of an import file that does not have 3 or 6 columns. */
export class InvalidImportLineError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_IMPORT_LINE';

  constructor(
    /** 1-based. */
    readonly line: number,
    readonly columns: number,
  ) {
    super(`line ${line}: expected "extension@domain;call groups;pickup groups" (3 columns separated by ";") or 6 with ";ACL groups;group pickup;pickup queues", found ${columns}`);
  }
}

/** What an import file holds: the changes of its good lines, and an error for every line that is not one. */
export interface ImportFile {
  readonly changes: RawPreferenceChange[];
  readonly errors: InvalidImportLineError[];
}

/**
 * Reads an import file: one user per line, `extension@domain;call groups;pickup groups` and optionally
 * `;ACL groups;group pickup (yes/no);pickup queues` (lists are comma-separated, so columns are separated by ";").
 * Blank lines and lines starting with "#" are skipped; an empty column clears that field (an empty group pickup
 * column: no). Every malformed line is reported. Pure.
 */
export function parseImportFile(text: string): ImportFile {
  const changes: RawPreferenceChange[] = [];
  const errors: InvalidImportLineError[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const columns = line.split(';');
    if (columns.length !== 3 && columns.length !== 6) {
      errors.push(new InvalidImportLineError(index + 1, columns.length));
      continue;
    }
    const [user, callGroups, pickupGroups, aclGroups, groupPickup, pickupQueues] = columns as [string, string, string, string?, string?, string?];
    const legacy = columns.length === 6 ? { aclGroups, groupPickup: groupPickup?.trim() === '' ? 'no' : groupPickup, pickupQueues } : {};
    changes.push({ user: user.trim(), callGroups, pickupGroups, ...legacy, line: index + 1 });
  }
  return { changes, errors };
}

/**
 * Writes users in the format parseImportFile reads, every field in the 6-column form, after a "#" header line, so
 * that importing the text sets each of these users exactly as given. Pure.
 */
export function formatImportFile(domain: string, users: ReadonlyArray<{ extension: string; preferences: UserPreferences }>): string {
  const lines = users.map(({ extension, preferences: p }) =>
    [`${extension}@${domain}`, p.callGroups.join(','), p.pickupGroups.join(','), p.aclGroups.join(','), p.groupPickup ? 'yes' : 'no', p.pickupQueues.join(',')].join(';'),
  );
  return [`# fs-pickup users of ${domain}: ${COLUMNS}`, ...lines].join('\n');
}
