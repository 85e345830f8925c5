import { groupNameViolation, MAX_GROUP_FIELD_LENGTH, RESERVED_QUEUE_PREFIX } from './groups.ts';
import { quote } from './quote.ts';

/** What a pickup feature code asks for. Every string in it matches [A-Za-z0-9_-]+. */
export type PickupTarget =
  | { kind: 'group'; group: string } // 88sales, 88*sales
  | { kind: 'extension'; extension: string } // 88200 (digits only): directed pickup
  | { kind: 'queue'; queueId: string } // 88cg_5
  | { kind: 'my-groups' } // 88* alone: the picker's own pickup groups, in their order
  | { kind: 'legacy-group' }; // 88 alone

/** Why a dialled string is not a pickup request. */
export type DialledRejection = 'not-feature-code' | 'too-long' | 'invalid-characters' | 'invalid-queue-id';

/** Longest pickup prefix (feature code), e.g. "88", "*8", "#5". */
export const MAX_PICKUP_PREFIX_LENGTH = 8;
/** Longest dialled string looked at: prefix + optional '*' + a group name (at most a whole group field). */
export const MAX_DIALLED_LENGTH = MAX_PICKUP_PREFIX_LENGTH + 1 + MAX_GROUP_FIELD_LENGTH;

// BLF "Speed dial" keys are set up as 88*<group> (spec), so one '*' right after the prefix is ignored — unless nothing
// follows it: 88* alone is the picker's own pickup groups in order (a group name is never empty, so no group is lost).
const SPEED_DIAL_SEPARATOR = '*';
const PICKUP_PREFIX = /^[0-9*#]{1,8}$/;

/**
 * Reads what a picker dialled (untrusted: any bytes a SIP user can send). `prefix` is the pickup feature code and
 * must pass validatePickupPrefix. Never throws; an ok result only holds characters of [A-Za-z0-9_-], so it is safe
 * in an ESL command or a Redis key. A queue id is one or more of those characters after "cg_".
 */
export function parseDialled(
  dialled: string,
  prefix: string,
): { ok: true; target: PickupTarget } | { ok: false; rejection: DialledRejection } {
  if (dialled.length > MAX_DIALLED_LENGTH) return { ok: false, rejection: 'too-long' };
  if (!dialled.startsWith(prefix)) return { ok: false, rejection: 'not-feature-code' };
  let rest = dialled.slice(prefix.length);
  const starred = rest.startsWith(SPEED_DIAL_SEPARATOR);
  if (starred) rest = rest.slice(SPEED_DIAL_SEPARATOR.length);
  if (rest.length > MAX_GROUP_FIELD_LENGTH) return { ok: false, rejection: 'too-long' };
  // The group-name rules are exactly what tells the forms apart.
  switch (groupNameViolation(rest)) {
    case 'empty':
      return { ok: true, target: starred ? { kind: 'my-groups' } : { kind: 'legacy-group' } };
    case 'invalid-character':
      return { ok: false, rejection: 'invalid-characters' };
    case 'digits-only':
      return { ok: true, target: { kind: 'extension', extension: rest } };
    case 'reserved-prefix': {
      const queueId = rest.slice(RESERVED_QUEUE_PREFIX.length);
      if (queueId === '') return { ok: false, rejection: 'invalid-queue-id' };
      return { ok: true, target: { kind: 'queue', queueId } };
    }
    case undefined:
      return { ok: true, target: { kind: 'group', group: rest } };
  }
}

/** The pickup prefix rule in words, for messages. */
export const PICKUP_PREFIX_RULE = `use 1 to ${MAX_PICKUP_PREFIX_LENGTH} of the characters 0-9, "*" and "#"`;

/** Checks a pickup feature-code prefix: 1 to 8 of [0-9*#]. Returns an error message, or undefined if valid. */
export function validatePickupPrefix(prefix: string): string | undefined {
  if (PICKUP_PREFIX.test(prefix)) return undefined;
  return `pickup prefix ${quote(prefix)} is invalid: ${PICKUP_PREFIX_RULE}`;
}
