import { type Static, type TOptional, type TSchema, Type } from 'typebox';
import { NOTICE_DELAY_SECONDS } from '../../domain/group-notices.ts';
import type { GroupSettingsInput } from '../../domain/group-settings-input.ts';
import { MAX_LIST_FIELD_LENGTH } from '../../domain/lists.ts';
import type { UserPreferences } from '../../domain/preferences.ts';
import { MAX_DOMAIN_LENGTH, MAX_EXTENSION_LENGTH } from '../../domain/users.ts';
import type { PickupRecord } from '../../store/pickup-records.ts';

/*
 * Every JSON schema of the admin API, built against the domain's types: a field added to UserPreferences,
 * GroupSettingsInput or PickupRecord fails the type check here until its schema is added (`satisfies` below), and
 * responses are serialised from these schemas, so nothing is sent that is not described in /api/v1/openapi.json.
 * Schemas check the form (types, known fields, sizes); the domain's rules check the values, with pickupctl's messages.
 */

/** A schema per field of a domain type, no more, no less. */
type FieldsOf<T> = { readonly [K in keyof T]-?: TSchema };

/** The same fields, each optional. */
function optional<F extends Record<string, TSchema>>(fields: F): { [K in keyof F]: TOptional<F[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])) as { [K in keyof F]: TOptional<F[K]> };
}

const closed = { additionalProperties: false } as const;

// ---- users ----------------------------------------------------------------------------------------------------

/** A list field: one name or id per item (checked by the domain's rules, as pickupctl checks a comma-separated list). */
function list(description: string) {
  // A blank item is refused here: joined into the list, it would read as no entry at all rather than an empty one.
  return Type.Array(Type.String({ maxLength: MAX_LIST_FIELD_LENGTH, pattern: '\\S', description: 'Not blank.' }), { maxItems: MAX_LIST_FIELD_LENGTH, description });
}

/** The preferences the API shows and takes: all of them. */
export type ApiPreferenceField = keyof UserPreferences;

/** A user's preferences, as the API shows and takes them. */
const preferenceFields = {
  callGroups: list('The call groups the user belongs to (names are case-sensitive: "Sales" and "sales" are two groups).'),
  pickupGroups: list('The groups whose calls the user may pick up (88<group>).'),
  aclGroups: list('Legacy ACL groups the user belongs to (used while the user has no call or pickup group).'),
  groupPickup: Type.Boolean({ description: 'The legacy right "Can - Call Pickup - Group" (88 alone).' }),
  pickupQueues: list('Call queues whose calls the user may pick up (88cg_<queue>); none by default.'),
  neverPickable: Type.Boolean({ description: 'Calls ringing this user are never picked up by anyone (an executive line); false by default.' }),
  pickupNotices: Type.Boolean({ description: 'The user gets pickup notices (SIP MESSAGE) of the groups they may pick up from; true by default.' }),
} satisfies FieldsOf<UserPreferences>;

export const API_PREFERENCE_FIELDS = Object.keys(preferenceFields) as ApiPreferenceField[];

/** "extension@domain": the longest valid one, and some room for the domain's rules to name what is wrong with it. */
const userRef = Type.String({ maxLength: 2 * (MAX_EXTENSION_LENGTH + 1 + MAX_DOMAIN_LENGTH), description: 'extension@domain, e.g. 100@pbx.example.com' });
const domainName = Type.String({ maxLength: 2 * MAX_DOMAIN_LENGTH, description: 'A FreeSWITCH directory domain, e.g. pbx.example.com' });

export const User = Type.Object(
  {
    user: userRef,
    configured: Type.Boolean({ description: 'False for a user with nothing stored, who has the defaults.' }),
    behaviour: Type.Union([Type.Literal('groups'), Type.Literal('legacy')], { description: 'groups: has a call or pickup group; legacy: has none.' }),
    ...preferenceFields,
  },
  { ...closed, title: 'User' },
);
export type User = Static<typeof User>;

/** PUT: every field; one left out gets its default (empty list, no right). PATCH: only the fields given change. */
export const UserBody = Type.Object(optional(preferenceFields), { ...closed, title: 'UserPreferences' });

/** The most changes one bulk request may carry (its body is limited to BULK_BODY_LIMIT too). */
export const MAX_BULK_CHANGES = 10_000;

export const BulkBody = Type.Object(
  {
    users: Type.Array(Type.Object({ user: userRef, ...optional(preferenceFields) }, { ...closed, title: 'UserChange' }), {
      minItems: 1,
      maxItems: MAX_BULK_CHANGES,
      description: 'Changes applied all or nothing, each like PATCH (fields left out stay as they are); a user named twice: the later change applies over the earlier.',
    }),
  },
  { ...closed, title: 'BulkUserChanges' },
);

export const UserParams = Type.Object({ user: userRef }, closed);
export const DomainParams = Type.Object({ domain: domainName }, closed);

/** Users listed per page unless `limit` says otherwise, and the most one page holds. */
export const USER_PAGE = Object.freeze({ default: 100, max: 1000 });

export const UserPageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: USER_PAGE.max, default: USER_PAGE.default, description: 'Users per page.' })),
    after: Type.Optional(Type.String({ maxLength: 2 * MAX_EXTENSION_LENGTH, description: 'The cursor: list the users after this extension (`next` of the previous page).' })),
  },
  closed,
);

export const UserPage = Type.Object(
  {
    users: Type.Array(User, { description: 'In extension order ("9" before "10").' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'The cursor of the next page (pass it as `after`); null on the last page.' }),
    nextUrl: Type.Union([Type.String(), Type.Null()], { description: 'The next page, as a path with its query; null on the last page.' }),
  },
  { ...closed, title: 'UserPage' },
);

export const UserList = Type.Object({ users: Type.Array(User) }, { ...closed, title: 'UserList' });

// ---- groups ---------------------------------------------------------------------------------------------------

const groupName = Type.String({ maxLength: 2 * MAX_LIST_FIELD_LENGTH, description: 'A call group name (case-sensitive).' });

const groupSettingsFields = {
  notify: Type.Union([Type.Literal('off'), Type.Literal('lamp'), Type.Literal('message'), Type.Null()], {
    description: 'What the group tells of its pickable calls: off (no lamp, no message), lamp (the BLF lamp only; the default), message (the lamp and pickup notices after notifyAfterSeconds). Left out or null in a change: message when a delay is given, lamp otherwise.',
  }),
  notifyAfterSeconds: Type.Union([Type.Integer(), Type.Null()], {
    description: `Pickup notices (SIP MESSAGE) after a call rang this many seconds unanswered: ${NOTICE_DELAY_SECONDS.min} to ${NOTICE_DELAY_SECONDS.max}; only with notify "message", null otherwise.`,
  }),
} satisfies FieldsOf<Omit<GroupSettingsInput, 'domain' | 'group'>>;

export const GroupParams = Type.Object({ domain: domainName, group: groupName }, closed);
export const GroupSettingsBody = Type.Object(optional(groupSettingsFields), { ...closed, title: 'GroupSettingsChange' });
export const GroupSettings = Type.Object(
  {
    domain: domainName,
    group: groupName,
    notify: Type.Union([Type.Literal('off'), Type.Literal('lamp'), Type.Literal('message')]),
    notifyAfterSeconds: groupSettingsFields.notifyAfterSeconds,
  },
  { ...closed, title: 'GroupSettings' },
);

// ---- ringing calls and nodes ----------------------------------------------------------------------------------

export const ExtensionParams = Type.Object({ domain: domainName, extension: Type.String({ maxLength: 2 * MAX_EXTENSION_LENGTH }) }, closed);
export const QueueParams = Type.Object({ domain: domainName, queue: Type.String({ maxLength: 2 * MAX_LIST_FIELD_LENGTH, description: 'A queue id, as in 88cg_<queue>.' }) }, closed);
export const NodeParams = Type.Object({ node: Type.String({ maxLength: 64, description: 'A node name (FSP_NODE_NAME).' }) }, closed);

/** Calls listed unless `limit` says otherwise, and the most one answer holds (oldest first; `total` counts them all). */
export const CALL_LIST = Object.freeze({ default: 100, max: 1000 });

export const CallListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CALL_LIST.max, default: CALL_LIST.default, description: 'Most calls listed, the oldest first.' })) },
  closed,
);

export const RingingCall = Type.Object(
  {
    callUuid: Type.String({ description: "The caller's leg." }),
    domain: domainName,
    node: Type.String({ description: 'The node the call rings on.' }),
    state: Type.Union([Type.Literal('ringing'), Type.Literal('claimed'), Type.Literal('offline')], {
      description: 'ringing: can be picked up; claimed: a pickup of it is under way; offline: its node is down.',
    }),
    callerNumber: Type.String({ description: 'Caller id number, as received (untrusted text).' }),
    callerName: Type.String({ description: 'Caller id name, as received (untrusted text).' }),
    ringingSince: Type.Integer({ description: 'When it started ringing (epoch ms).' }),
    callGroups: Type.Array(Type.String(), { description: 'The call groups it can be picked up from.' }),
    extensions: Type.Array(Type.String(), { description: 'The extensions it rings.' }),
    queue: Type.Union([Type.String(), Type.Null()], { description: 'The queue it rings through; null for none.' }),
  },
  { ...closed, title: 'RingingCall' },
);
export type RingingCall = Static<typeof RingingCall>;

export const RingingCalls = Type.Object(
  {
    calls: Type.Array(RingingCall, { description: 'Oldest first.' }),
    total: Type.Integer({ description: 'How many there are (`calls` holds at most `limit`).' }),
  },
  { ...closed, title: 'RingingCalls' },
);

export const Node = Type.Object(
  {
    node: Type.String(),
    alive: Type.Boolean({ description: 'A controller serves it now (its heartbeat is current).' }),
    sipAddress: Type.Union([Type.String(), Type.Null()], { description: "ip:port of its cluster SIP profile, as its controllers announced it." }),
    coreUuid: Type.Union([Type.String(), Type.Null()], { description: 'The FreeSWITCH process last seen on it (changes when it restarts).' }),
    ringingCalls: Type.Integer({ description: 'Calls the store knows ringing on it.' }),
  },
  { ...closed, title: 'Node' },
);
export type Node = Static<typeof Node>;
export const NodeList = Type.Object({ nodes: Type.Array(Node) }, { ...closed, title: 'NodeList' });

// ---- pickup records -------------------------------------------------------------------------------------------

/** A stream id (`<ms>-<seq>`): the id of a record, to page before it or follow after it. */
const RECORD_ID = '^[0-9]{1,15}-[0-9]{1,15}$';

/** Records listed per page unless `limit` says otherwise, and the most one page holds. */
export const RECORD_PAGE = Object.freeze({ default: 20, max: 1000 });

const recordFields = {
  at: Type.Integer({ description: 'When the request reached the controller (epoch ms).' }),
  domain: domainName,
  picker: Type.String({ description: "The picker's extension." }),
  pickerUuid: Type.String(),
  pickerNode: Type.String(),
  form: Type.String({ description: 'group, extension, queue, legacy-group; empty when what was dialled is not a pickup code.' }),
  dialled: Type.String({ description: 'What the picker dialled, as received (untrusted text).' }),
  target: Type.String({ description: 'The group, extension or queue asked for; empty for legacy group pickup.' }),
  result: Type.String({ description: 'picked, failed or abandoned.' }),
  failure: Type.String({ description: 'Why it failed (not-permitted, nothing-to-pick, invalid-dialled, unavailable); empty when picked.' }),
  cause: Type.String({ description: 'The hangup cause the picker got; empty when picked.' }),
  callUuid: Type.String({ description: 'The call picked up or last tried; empty when none was claimed.' }),
  callerNumber: Type.String({ description: 'Untrusted text.' }),
  callerName: Type.String({ description: 'Untrusted text.' }),
  callNode: Type.String(),
  attempts: Type.Integer(),
  decisionMs: Type.Union([Type.Number(), Type.Null()], { description: 'Request → intercept or hand-off written; null when none was.' }),
  pickupMs: Type.Union([Type.Number(), Type.Null()], { description: 'Request → the picker connected; null when not connected or not seen.' }),
} satisfies FieldsOf<PickupRecord>;

export const PickupRecordJson = Type.Object({ id: Type.String({ pattern: RECORD_ID, description: 'The stream id: ordered; the SSE event id.' }), ...recordFields }, { ...closed, title: 'PickupRecord' });
export type PickupRecordJson = Static<typeof PickupRecordJson>;

export const RecordPageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: RECORD_PAGE.max, default: RECORD_PAGE.default, description: 'Records per page.' })),
    before: Type.Optional(Type.String({ pattern: RECORD_ID, description: 'The cursor: records older than this id (`next` of the previous page).' })),
  },
  closed,
);

export const RecordPage = Type.Object(
  {
    records: Type.Array(PickupRecordJson, { description: 'Newest first.' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'The cursor of the next (older) page: pass it as `before`; null on the last page.' }),
    nextUrl: Type.Union([Type.String(), Type.Null()], { description: 'The next page, as a path with its query; null on the last page.' }),
  },
  { ...closed, title: 'PickupRecordPage' },
);

export const RecordFollowQuery = Type.Object(
  { after: Type.Optional(Type.String({ pattern: RECORD_ID, description: 'Send the records after this id (0-0: every record kept); default: from now on. Last-Event-ID wins.' })) },
  closed,
);

/** Headers the follow reads; others pass (a schema of headers names only what it checks). */
export const RecordFollowHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: RECORD_ID, description: 'Resume after this record (EventSource sends it on reconnect).' })) });

// ---- errors and the document ----------------------------------------------------------------------------------

const problem = Type.Object(
  {
    code: Type.String({ description: 'Stable: FSP_ERR_INVALID_GROUP_NAME, FSP_ERR_INVALID_REQUEST, …' }),
    message: Type.String(),
    entry: Type.String({ description: 'The value at fault as given, or its path when its form is wrong.' }),
    path: Type.String({ description: 'Where in the request: params.user, querystring.limit, body.users[3].callGroups.' }),
  },
  { ...closed, title: 'Problem' },
);

const apiErrorFields = {
  code: Type.String({ description: 'Stable code of the (first) problem.' }),
  message: Type.String(),
  entry: Type.Optional(Type.String({ description: 'The value or path at fault, when there is one.' })),
  problems: Type.Optional(Type.Array(problem, { description: 'Every problem found (the first 1000), when the request was refused for its content.' })),
};

/** The body of every error (src/http/api/errors.ts), described for one status. */
export function apiErrorJson(description: string) {
  return Type.Object(apiErrorFields, { ...closed, title: 'Error', description });
}

/** The OpenAPI document: an object of its own form, checked by its consumers. */
export const OpenApiDocument = Type.Object({}, { additionalProperties: true, title: 'OpenApiDocument' });
