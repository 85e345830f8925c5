import { FsPickupError } from '../domain/errors.ts';
import { DEFAULT_GROUP_NOTICES, type GroupNotices } from '../domain/group-notices.ts';
import type { GroupSettingsInput } from '../domain/group-settings-input.ts';
import { EMPTY_PREFERENCES, type UserPreferences } from '../domain/preferences.ts';
import type { UserInput } from '../domain/user-input.ts';

/** One requested change as an admin typed it: a user reference and the fields to set (omitted = unchanged). */
export interface RawPreferenceChange extends UserInput {
  /** The line of the import file it came from, for error messages. */
  readonly line?: number;
}

/** A call group's notices as an import line gives them. */
export interface RawGroupSetting extends GroupSettingsInput {
  /** The line of the import file it came from. */
  readonly line: number;
}

/** The columns of a user line, in order, for messages and the export's header. */
const COLUMNS = 'extension@domain;call groups;pickup groups;ACL groups;group pickup;pickup queues;never pickable;pickup notices';

/** What starts a group line: `group:<group>@<domain>;<seconds|lamp|off>` (no extension holds a ":"). */
const GROUP_LINE = 'group:';

/** What an empty yes/no column means: the setting's default. */
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** A line of an import file that has neither 3, 6 nor 8 columns (or a group line without its 2). */
export class InvalidImportLineError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_IMPORT_LINE';

  constructor(
    /** 1-based. */
    readonly line: number,
    readonly columns: number,
    group: boolean,
  ) {
    super(
      group
        ? `line ${line}: expected "group:<group>@<domain>;<seconds|lamp|off>" (2 columns separated by ";"), found ${columns}`
        : `line ${line}: expected "extension@domain;call groups;pickup groups" (3 columns separated by ";"), 6 with ";ACL groups;group pickup;pickup queues" or 8 with ";never pickable;pickup notices" as well, found ${columns}`,
    );
  }
}

/** What an import file holds: the changes of its good lines, and an error for every line that is not one. */
export interface ImportFile {
  readonly changes: RawPreferenceChange[];
  readonly groups: RawGroupSetting[];
  readonly errors: InvalidImportLineError[];
}

/**
 * Reads an import file. One user per line, `extension@domain;call groups;pickup groups`, optionally followed by
 * `;ACL groups;group pickup (yes/no);pickup queues` and then by `;never pickable (yes/no);pickup notices (yes/no)`
 * (lists are comma-separated, so columns are separated by ";"; files written before the later columns existed stay
 * valid). A call group's notices: `group:<group>@<domain>;<seconds|lamp|off>`, as `pickupctl notify` takes them.
 * Blank lines and lines starting with "#" are skipped; an empty column sets that field's default (empty lists, no
 * group pickup, pickable, notices on). Every malformed line is reported. Pure.
 */
export function parseImportFile(text: string): ImportFile {
  const changes: RawPreferenceChange[] = [];
  const groups: RawGroupSetting[] = [];
  const errors: InvalidImportLineError[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const columns = line.split(';');
    if (line.trimStart().startsWith(GROUP_LINE)) {
      const [target = '', notices = ''] = columns;
      if (columns.length !== 2) errors.push(new InvalidImportLineError(index + 1, columns.length, true));
      else groups.push({ ...groupTarget(target.trim().slice(GROUP_LINE.length)), ...noticesInput(notices.trim()), line: index + 1 });
      continue;
    }
    if (columns.length !== 3 && columns.length !== 6 && columns.length !== 8) {
      errors.push(new InvalidImportLineError(index + 1, columns.length, false));
      continue;
    }
    const [user, callGroups, pickupGroups, aclGroups, groupPickup, pickupQueues, neverPickable, pickupNotices] = columns as [string, string, string, ...Array<string | undefined>];
    const flag = (value: string | undefined, fallback: boolean): string => (value?.trim() === '' ? yesNo(fallback) : (value ?? ''));
    const legacy = columns.length >= 6 ? { aclGroups, groupPickup: flag(groupPickup, EMPTY_PREFERENCES.groupPickup), pickupQueues } : {};
    const ours = columns.length === 8 ? { neverPickable: flag(neverPickable, EMPTY_PREFERENCES.neverPickable), pickupNotices: flag(pickupNotices, EMPTY_PREFERENCES.pickupNotices) } : {};
    changes.push({ user: user.trim(), callGroups, pickupGroups, ...legacy, ...ours, line: index + 1 });
  }
  return { changes, groups, errors };
}

/** `<group>@<domain>` split at its last "@" (a group name has none); no "@" at all leaves the domain empty. */
export function groupTarget(target: string): { group: string; domain: string } {
  const at = target.lastIndexOf('@');
  return at < 0 ? { group: target, domain: '' } : { group: target.slice(0, at), domain: target.slice(at + 1) };
}

/** The notices `pickupctl notify` and a group line take as one word: a delay in seconds, "lamp" or "off". */
export function noticesInput(word: string): Pick<GroupSettingsInput, 'notify' | 'notifyAfterSeconds'> {
  return word === 'lamp' || word === 'off' ? { notify: word } : { notifyAfterSeconds: word };
}

/** The word for notices that noticesInput reads back. */
export function noticesWord(notices: GroupNotices): string {
  return notices.mode === 'message' ? String(notices.afterSeconds) : notices.mode;
}

/**
 * Writes users in the format parseImportFile reads, every field in the 8-column form, after a "#" header line, then
 * the groups whose notices differ from the default, so that importing the text sets each of them exactly as given.
 * Pure.
 */
export function formatImportFile(
  domain: string,
  users: ReadonlyArray<{ extension: string; preferences: UserPreferences }>,
  groups: ReadonlyArray<{ group: string; notices: GroupNotices }> = [],
): string {
  const lines = users.map(({ extension, preferences: p }) =>
    [`${extension}@${domain}`, p.callGroups.join(','), p.pickupGroups.join(','), p.aclGroups.join(','), yesNo(p.groupPickup), p.pickupQueues.join(','), yesNo(p.neverPickable), yesNo(p.pickupNotices)].join(';'),
  );
  const groupLines = groups.filter(({ notices }) => notices.mode !== DEFAULT_GROUP_NOTICES.mode).map(({ group, notices }) => `${GROUP_LINE}${group}@${domain};${noticesWord(notices)}`);
  return [`# fs-pickup users of ${domain}: ${COLUMNS}`, ...lines, ...(groupLines.length > 0 ? [`# call groups: ${GROUP_LINE}<group>@<domain>;<notices: seconds, lamp or off>`, ...groupLines] : [])].join('\n');
}
