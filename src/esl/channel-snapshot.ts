import { type ChannelFact, RING_GROUP_QUEUE_VARIABLE } from './channel-facts.ts';
import type { EslClient } from './client.ts';
import { isChannelUuid } from './safe-args.ts';

/** A leg the switch reports as ringing a directory user (or a queue agent) right now: a ringing fact, minus the event. */
export type LiveRingingLeg = Omit<Extract<ChannelFact, { kind: 'leg-ringing' }>, 'kind' | 'sequence'>;

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
 * (`call_uuid` is its own) and names its member in `cc_member_session_uuid`.
 */
export async function fetchRingingLegs(esl: EslClient): Promise<LiveRingingLeg[]> {
  const rows = ringingRowsOf(await esl.backgroundApi('show channels as json', 30_000));
  const legs: LiveRingingLeg[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_CONCURRENCY) {
    const found = await Promise.all(rows.slice(i, i + LOOKUP_CONCURRENCY).map((row) => liveLegOf(esl, row)));
    for (const leg of found) if (leg) legs.push(leg);
  }
  return legs;
}

async function liveLegOf(esl: EslClient, row: ChannelRow): Promise<LiveRingingLeg | undefined> {
  const legUuid = row.uuid as string;
  const variable = async (name: string): Promise<string | undefined> => usable(await esl.api(`uuid_getvar ${legUuid} ${name}`));
  const caller = { callerNumber: row.cid_num ?? '', callerName: row.cid_name ?? '' };
  if (row.call_uuid === legUuid) {
    const [member, queueName, agent, dialedUser] = await Promise.all([variable('cc_member_session_uuid'), variable('cc_queue'), variable('cc_agent'), variable('dialed_user')]);
    const [queue, domain] = (queueName ?? '').split('@');
    const extension = dialedUser ?? agent?.split('@')[0];
    if (!member || !queue || !domain || !extension) return undefined;
    return { legUuid, callUuid: member, extension, domain, queue, callKind: 'callcenter', ...caller };
  }
  const [extension, domain, queue] = await Promise.all([variable('dialed_user'), variable('dialed_domain'), variable(RING_GROUP_QUEUE_VARIABLE)]);
  if (!extension || !domain) return undefined;
  return { legUuid, callUuid: row.call_uuid as string, extension, domain, queue, callKind: 'user', ...caller };
}

function usable(reply: string): string | undefined {
  const value = reply.trim();
  return value === '' || value === '_undef_' || value.startsWith('-ERR') || value.startsWith('-USAGE') ? undefined : value;
}
