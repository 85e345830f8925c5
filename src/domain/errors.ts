import type { GroupKind, GroupNameRule } from './groups.ts';
import type { IdKind, IdRule } from './ids.ts';
import type { ListRule } from './lists.ts';
import type { FlagField } from './preferences.ts';
import type { UserRefPart, UserRefRule } from './users.ts';
import { quote } from './quote.ts';

/**
 * Base class of every fs-pickup error. `code` is stable (safe to switch on, log and document); the message is
 * for people and may change. Codes:
 * - FSP_ERR_INVALID_GROUP_NAME: a call/pickup group name breaks a rule of the spec
 * - FSP_ERR_INVALID_GROUP_LIST: a call/pickup group field is too long or has an empty entry
 * - FSP_ERR_INVALID_USER: a user reference (extension@domain) is malformed
 * - FSP_ERR_INVALID_ID: an ACL group id or a pickup queue id breaks a rule
 * - FSP_ERR_INVALID_ID_LIST: an ACL group or pickup queue field is too long or has an empty entry
 * - FSP_ERR_INVALID_FLAG: a yes/no setting (group pickup, never pickable, pickup notices) is not yes/no, true/false,
 *   on/off or 1/0
 * - FSP_ERR_INVALID_NOTICE_DELAY: a group's pickup notice delay is not a whole number of seconds in range, or is
 *   missing for notices by message, or is given for another mode
 * - FSP_ERR_INVALID_NOTICE_MODE: a group's notice mode is not off, lamp or message
 */
export abstract class FsPickupError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A group name in a call or pickup group field breaks one of the spec's naming rules. */
export class InvalidGroupNameError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_GROUP_NAME';
  /** Which field the name was entered in. */
  readonly kind: GroupKind;
  /** The offending name, trimmed. */
  readonly entry: string;
  readonly rule: GroupNameRule;
  /** For 'invalid-character': the first character that is not allowed. */
  readonly found: string | undefined;

  /** `reason` states the rule in words; `found` is appended quoted. */
  constructor(kind: GroupKind, entry: string, rule: GroupNameRule, reason: string, found?: string) {
    super(`${kind} group ${quote(entry)} is invalid: ${withFound(reason, found)}`);
    this.kind = kind;
    this.entry = entry;
    this.rule = rule;
    this.found = found;
  }
}

/** A call or pickup group field as a whole is invalid (too long, or an empty entry between commas). */
export class InvalidGroupListError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_GROUP_LIST';
  readonly kind: GroupKind;
  /** The field as entered. */
  readonly field: string;
  readonly rule: ListRule;

  /** `reason` states the rule in words. */
  constructor(kind: GroupKind, field: string, rule: ListRule, reason: string) {
    super(`${kind} groups ${quote(field)} are invalid: ${reason}`);
    this.kind = kind;
    this.field = field;
    this.rule = rule;
  }
}

/** A user reference ("extension@domain") or one of its parts is malformed. */
export class InvalidUserRefError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_USER';
  /** Which part is wrong: the whole reference, its extension or its domain. */
  readonly part: UserRefPart;
  /** The offending part as given. */
  readonly value: string;
  readonly rule: UserRefRule;

  /** `reason` states the rule in words; `found` is appended quoted. */
  constructor(part: UserRefPart, value: string, rule: UserRefRule, reason: string, found?: string) {
    super(`${part} ${quote(value)} is invalid: ${withFound(reason, found)}`);
    this.part = part;
    this.value = value;
    this.rule = rule;
  }
}

const ID_KIND_NAMES: Readonly<Record<IdKind, string>> = { 'acl-group': 'ACL group', 'pickup-queue': 'pickup queue' };

/** One id in an ACL group or pickup queue field breaks a rule. */
export class InvalidIdError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_ID';
  /** Which field the id was entered in. */
  readonly kind: IdKind;
  /** The offending id, trimmed. */
  readonly entry: string;
  readonly rule: IdRule;
  /** For 'invalid-character': the first character that is not allowed. */
  readonly found: string | undefined;

  /** `reason` states the rule in words; `found` is appended quoted. */
  constructor(kind: IdKind, entry: string, rule: IdRule, reason: string, found?: string) {
    super(`${ID_KIND_NAMES[kind]} ${quote(entry)} is invalid: ${withFound(reason, found)}`);
    this.kind = kind;
    this.entry = entry;
    this.rule = rule;
    this.found = found;
  }
}

/** An ACL group or pickup queue field as a whole is invalid (too long, or an empty entry between commas). */
export class InvalidIdListError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_ID_LIST';
  readonly kind: IdKind;
  /** The field as entered. */
  readonly field: string;
  readonly rule: ListRule;

  /** `reason` states the rule in words. */
  constructor(kind: IdKind, field: string, rule: ListRule, reason: string) {
    super(`${ID_KIND_NAMES[kind]}s ${quote(field)} are invalid: ${reason}`);
    this.kind = kind;
    this.field = field;
    this.rule = rule;
  }
}

/** A yes/no setting holds something else. */
export class InvalidFlagError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_FLAG';
  /** The setting, as named in the input (e.g. "groupPickup"). */
  readonly field: FlagField;
  /** The value as given. */
  readonly value: string;

  /** `reason` states the accepted values in words. */
  constructor(field: FlagField, value: string, reason: string) {
    super(`${field} ${quote(value)} is invalid: ${reason}`);
    this.field = field;
    this.value = value;
  }
}

function withFound(reason: string, found: string | undefined): string {
  return found === undefined ? reason : `${reason} (found ${quote(found)})`;
}

/** A group's pickup notice delay is not a whole number of seconds in range, or does not fit the notice mode. */
export class InvalidNoticeDelayError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_NOTICE_DELAY';

  /** `value` as given; `reason` states the accepted values in words. */
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`pickup notice delay ${quote(value)} is invalid: ${reason}`);
  }
}

/** A group's notice mode is none of off, lamp and message. */
export class InvalidNoticeModeError extends FsPickupError {
  readonly code = 'FSP_ERR_INVALID_NOTICE_MODE';

  /** `value` as given; `reason` states the accepted values in words. */
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`notice mode ${quote(value)} is invalid: ${reason}`);
  }
}
