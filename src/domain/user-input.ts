import {
  InvalidFlagError,
  InvalidGroupListError,
  InvalidGroupNameError,
  InvalidIdError,
  InvalidIdListError,
  InvalidUserRefError,
} from './errors.ts';
import type { GroupKind } from './groups.ts';
import type { IdKind } from './ids.ts';
import { buildPreferences, EMPTY_PREFERENCES, type PreferencesInput, type UserPreferences } from './preferences.ts';
import { parseUserRef, type UserRef } from './users.ts';

/** One user's input as an admin tool or an API receives it: who, and the preferences to set (omitted = unchanged). */
export interface UserInput extends PreferencesInput {
  /** "extension@domain". */
  readonly user: string;
}

/** The part of a user's input a problem is about, named as in UserInput. */
export type InputField = keyof UserInput;

/** One problem in a user's input, in the shape every front end reports it: one per bad entry. */
export interface InputProblem {
  /** The stable code of the error (FSP_ERR_INVALID_GROUP_NAME, …; see errors.ts). */
  readonly code: string;
  readonly field: InputField;
  /**
   * What is wrong, as given: the group name or id, the whole field for a rule about the list (empty entry, length),
   * the user reference or its bad part, the yes/no value.
   */
  readonly entry: string;
  /** For people: names the entry and the rule it breaks. */
  readonly message: string;
}

/** Outcome of validating a user's input: the user and the merged preferences, or every problem. */
export type UserInputResult = { ok: true; user: UserRef; preferences: UserPreferences } | { ok: false; problems: InputProblem[] };

/** Every error a user's input can raise. */
type InputError = InvalidUserRefError | InvalidGroupNameError | InvalidGroupListError | InvalidIdError | InvalidIdListError | InvalidFlagError;

const GROUP_FIELDS: Readonly<Record<GroupKind, InputField>> = { call: 'callGroups', pickup: 'pickupGroups' };
const ID_FIELDS: Readonly<Record<IdKind, InputField>> = { 'acl-group': 'aclGroups', 'pickup-queue': 'pickupQueues' };

/**
 * Validates a whole user's input and collects every problem: the user reference and every bad entry of every field,
 * never only the first. On success the preferences are merged over `current(user)` (what the user has now; only
 * asked for a valid reference). Pure.
 */
export function validateUserInput(input: UserInput, current: (user: UserRef) => UserPreferences = () => EMPTY_PREFERENCES): UserInputResult {
  const ref = parseUserRef(input.user);
  const built = buildPreferences(input, ref.ok ? current(ref.user) : EMPTY_PREFERENCES);
  if (ref.ok && built.ok) return { ok: true, user: ref.user, preferences: built.preferences };
  const errors: InputError[] = [...(ref.ok ? [] : [ref.error]), ...(built.ok ? [] : built.errors)];
  return { ok: false, problems: errors.map(problemOf) };
}

/** The problem an input error stands for. */
function problemOf(error: InputError): InputProblem {
  return { code: error.code, field: fieldOf(error), entry: entryOf(error), message: error.message };
}

function fieldOf(error: InputError): InputField {
  if (error instanceof InvalidGroupNameError || error instanceof InvalidGroupListError) return GROUP_FIELDS[error.kind];
  if (error instanceof InvalidIdError || error instanceof InvalidIdListError) return ID_FIELDS[error.kind];
  if (error instanceof InvalidFlagError) return error.field;
  return 'user';
}

function entryOf(error: InputError): string {
  if (error instanceof InvalidGroupNameError || error instanceof InvalidIdError) return error.entry;
  if (error instanceof InvalidGroupListError || error instanceof InvalidIdListError) return error.field;
  return error.value;
}
