import type { InvalidGroupListError, InvalidGroupNameError, InvalidIdError, InvalidIdListError } from './errors.ts';
import { InvalidFlagError } from './errors.ts';
import { FLAG_WORDS_RULE, parseFlag } from './flags.ts';
import type { GroupFieldResult } from './groups.ts';
import { parseGroupField } from './groups.ts';
import type { IdFieldResult } from './ids.ts';
import { parseIdField } from './ids.ts';

/**
 * A user's pickup settings: the groups they belong to and the groups whose calls they may pick up (the spec), the
 * legacy settings that apply while they have no groups, the call queues they may pick up from, and two settings of
 * our own: whether calls to them may be picked up at all, and whether they get pickup notices.
 */
export interface UserPreferences {
  readonly callGroups: readonly string[];
  readonly pickupGroups: readonly string[];
  /** Legacy ACL groups the user belongs to (WMS "ACL groups": ids like "12" or names). */
  readonly aclGroups: readonly string[];
  /** The legacy permission "Can - Call Pickup - Group". */
  readonly groupPickup: boolean;
  /** Call queues (ids, as in 88cg_<id>) whose ringing calls the user may pick up: explicit allow-list, default none. */
  readonly pickupQueues: readonly string[];
  /** Calls to this user are never picked up by anyone (an executive line): a call ringing them is offered nowhere. */
  readonly neverPickable: boolean;
  /** The user gets pickup notices of the groups they may pick up from (default); false: opted out. */
  readonly pickupNotices: boolean;
}

/** The user settings that are yes/no, as named in PreferencesInput. */
export type FlagField = 'groupPickup' | 'neverPickable' | 'pickupNotices';

/** Raw admin input for one user; an omitted field stays unchanged. */
export interface PreferencesInput {
  readonly callGroups?: string;
  readonly pickupGroups?: string;
  readonly aclGroups?: string;
  readonly groupPickup?: string | boolean;
  readonly pickupQueues?: string;
  readonly neverPickable?: string | boolean;
  readonly pickupNotices?: string | boolean;
}

/** Why admin input for one user was refused. */
export type PreferencesError = InvalidGroupNameError | InvalidGroupListError | InvalidIdError | InvalidIdListError | InvalidFlagError;

/** How a user takes part in pickup: by call/pickup groups, or the legacy ACL-group pickup. */
export type Behaviour = 'groups' | 'legacy';

/** A user with nothing set: legacy behaviour, no ACL group, no permission, no queue, pickable, notices on. */
export const EMPTY_PREFERENCES: UserPreferences = Object.freeze({
  callGroups: Object.freeze([]),
  pickupGroups: Object.freeze([]),
  aclGroups: Object.freeze([]),
  groupPickup: false,
  pickupQueues: Object.freeze([]),
  neverPickable: false,
  pickupNotices: true,
});

/** spec: groups behaviour when at least one call or pickup group is set, otherwise legacy */
export function behaviourOf(prefs: UserPreferences): Behaviour {
  return prefs.callGroups.length > 0 || prefs.pickupGroups.length > 0 ? 'groups' : 'legacy';
}

type FieldResult<T> = { ok: true; value: T } | { ok: false; errors: readonly PreferencesError[] };

/**
 * Validates raw admin input for one user; all-or-nothing. Fields omitted = unchanged (merge over `current`);
 * an empty list field clears it. Every field is checked and every problem reported, in the order call groups,
 * pickup groups, ACL groups, group pickup, pickup queues, never pickable, pickup notices (within a field, left to
 * right); `error` is the first of `errors`. The result is frozen.
 */
export function buildPreferences(
  input: PreferencesInput,
  current: UserPreferences = EMPTY_PREFERENCES,
): { ok: true; preferences: UserPreferences } | { ok: false; error: PreferencesError; errors: PreferencesError[] } {
  const errors: PreferencesError[] = [];
  const valueOf = <T>(result: FieldResult<T>, fallback: T): T => {
    if (result.ok) return result.value;
    errors.push(...result.errors);
    return fallback;
  };
  const callGroups = valueOf(field(input.callGroups, current.callGroups, (raw) => groupsOf(parseGroupField(raw, 'call'))), current.callGroups);
  const pickupGroups = valueOf(field(input.pickupGroups, current.pickupGroups, (raw) => groupsOf(parseGroupField(raw, 'pickup'))), current.pickupGroups);
  const aclGroups = valueOf(field(input.aclGroups, current.aclGroups, (raw) => idsOf(parseIdField(raw, 'acl-group'))), current.aclGroups);
  const groupPickup = valueOf(field(input.groupPickup, current.groupPickup, (raw) => flagOf('groupPickup', raw)), current.groupPickup);
  const pickupQueues = valueOf(field(input.pickupQueues, current.pickupQueues, (raw) => idsOf(parseIdField(raw, 'pickup-queue'))), current.pickupQueues);
  const neverPickable = valueOf(field(input.neverPickable, current.neverPickable, (raw) => flagOf('neverPickable', raw)), current.neverPickable);
  const pickupNotices = valueOf(field(input.pickupNotices, current.pickupNotices, (raw) => flagOf('pickupNotices', raw)), current.pickupNotices);
  const [first] = errors;
  if (first !== undefined) return { ok: false, error: first, errors };
  const preferences = Object.freeze({
    callGroups: Object.freeze([...callGroups]),
    pickupGroups: Object.freeze([...pickupGroups]),
    aclGroups: Object.freeze([...aclGroups]),
    groupPickup,
    pickupQueues: Object.freeze([...pickupQueues]),
    neverPickable,
    pickupNotices,
  });
  return { ok: true, preferences };
}

function field<R, T>(raw: R | undefined, current: T, parse: (raw: R) => FieldResult<T>): FieldResult<T> {
  return raw === undefined ? { ok: true, value: current } : parse(raw);
}

function groupsOf(result: GroupFieldResult): FieldResult<readonly string[]> {
  return result.ok ? { ok: true, value: result.groups } : { ok: false, errors: result.errors };
}

function idsOf(result: IdFieldResult): FieldResult<readonly string[]> {
  return result.ok ? { ok: true, value: result.ids } : { ok: false, errors: result.errors };
}

function flagOf(name: FlagField, raw: string | boolean): FieldResult<boolean> {
  const value = parseFlag(raw);
  if (value !== undefined) return { ok: true, value };
  return { ok: false, errors: [new InvalidFlagError(name, String(raw), FLAG_WORDS_RULE)] };
}
