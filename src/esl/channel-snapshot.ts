import { parseFlag } from '../domain/flags.ts';
import { type ChannelFact, EXCLUDE_VARIABLE, RING_GROUP_QUEUE_VARIABLE } from './channel-facts.ts';
import type { EslClient } from './client.ts';
import { isChannelUuid } from './safe-args.ts';

/**
 * A leg the switch reports as ringing a directory user (or a queue agent) right now: a ringing fact, minus the event,
 * and the directory user who placed its call (`ext@domain`, when their phone authenticated; what the events of the
 * call's own leg told the tracker).
 */
export type LiveRingingLeg = Omit<Extract<ChannelFact, { kind: 'leg-ringing' }>, 'kind' | 'sequence'> & { readonly caller: string | undefined };

interface ChannelRow {
  readonly uuid?: string;
  readonly direction?: string;
  readonly callstate?: string;
  readonly call_uuid?: string;
  readonly cid_num?: string;
  readonly cid_name?: string;
}

const RINGING_CALL_STATES = new Set(['RINGING', 'EARLY']);
const LOOKUP_CONCURRENCY = 16;

/** Rows of `show channels as json` that are outbound legs still ringing. */
export function ringingRowsOf(showChannelsJson: string): ChannelRow[] {
  const parsed = JSON.parse(showChannelsJson) as { rows?: ChannelRow[] };
  return (parsed.rows ?? []).filter((row) => row.direction === 'outbound' && RINGING_CALL_STATES.has(row.callstate ?? '') && isChannelUuid(row.uuid ?? '') && !!row.call_uuid);
}

/**
 * Asks the switch which legs ring which users. `show channels` has no dialed_user column, so each ringing leg's
 * variables are read with `uuid_getvar` (legs that hung up meanwhile answer `-ERR`/`_undef_` and are skipped).
 * A leg that rings for another leg names it in `call_uuid`; a mod_callcenter agent leg has no such partner
 * (`call_uuid` is its own) and names its member in `cc_member_session_uuid`. Who placed a call is read from its
 * own leg, once per call.
 */
export async function fetchRingingLegs(esl: EslClient): Promise<LiveRingingLeg[]> {
  const rows = ringingRowsOf(await esl.backgroundApi('show channels as json', 30_000));
  const callers = new Map<string, Promise<string | undefined>>();
  const callerOf = (callUuid: string): Promise<string | undefined> => {
    let caller = callers.get(callUuid);
    if (!caller) callers.set(callUuid, (caller = authenticatedCaller(esl, callUuid)));
    return caller;
  };
  const legs: LiveRingingLeg[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_CONCURRENCY) {
    const found = await Promise.all(rows.slice(i, i + LOOKUP_CONCURRENCY).map((row) => liveLegOf(esl, row, callerOf)));
    for (const leg of found) if (leg) legs.push(leg);
  }
  return legs;
}

async function liveLegOf(esl: EslClient, row: ChannelRow, callerOf: (callUuid: string) => Promise<string | undefined>): Promise<LiveRingingLeg | undefined> {
  const legUuid = row.uuid as string;
  const variable = (name: string): Promise<string | undefined> => variableOf(esl, legUuid, name);
  const callerId = { callerNumber: row.cid_num ?? '', callerName: row.cid_name ?? '' };
  if (row.call_uuid === legUuid) {
    const [member, queueName, agent, dialedUser, exclude] = await Promise.all([variable('cc_member_session_uuid'), variable('cc_queue'), variable('cc_agent'), variable('dialed_user'), variable(EXCLUDE_VARIABLE)]);
    const [queue, domain] = (queueName ?? '').split('@');
    const extension = dialedUser ?? agent?.split('@')[0];
    if (!member || !queue || !domain || !extension) return undefined;
    return { legUuid, callUuid: member, extension, domain, queue, callKind: 'callcenter', excluded: parseFlag(exclude ?? '') === true, caller: undefined, ...callerId };
  }
  const callUuid = row.call_uuid as string;
  const [extension, domain, queue, exclude, caller] = await Promise.all([variable('dialed_user'), variable('dialed_domain'), variable(RING_GROUP_QUEUE_VARIABLE), variable(EXCLUDE_VARIABLE), callerOf(callUuid)]);
  if (!extension || !domain) return undefined;
  return { legUuid, callUuid, extension, domain, queue, callKind: 'user', excluded: parseFlag(exclude ?? '') === true, caller, ...callerId };
}

/** `ext@domain` of the directory user whose authenticated phone placed the call (its own leg's user_name). */
async function authenticatedCaller(esl: EslClient, callUuid: string): Promise<string | undefined> {
  const [authorized, user, domain] = await Promise.all(['sip_authorized', 'user_name', 'domain_name'].map((name) => variableOf(esl, callUuid, name)));
  return authorized === 'true' && user && domain ? `${user}@${domain}` : undefined;
}

async function variableOf(esl: EslClient, uuid: string, name: string): Promise<string | undefined> {
  return usable(await esl.api(`uuid_getvar ${uuid} ${name}`));
}

function usable(reply: string): string | undefined {
  const value = reply.trim();
  return value === '' || value === '_undef_' || value.startsWith('-ERR') || value.startsWith('-USAGE') ? undefined : value;
}
