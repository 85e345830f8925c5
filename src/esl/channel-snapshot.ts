import type { EslClient } from './client.ts';
import { isChannelUuid } from './safe-args.ts';

/** A leg the switch reports as ringing a directory user right now. */
export interface LiveRingingLeg {
  readonly legUuid: string;
  readonly callUuid: string;
  readonly extension: string;
  readonly domain: string;
  readonly callerNumber: string;
  readonly callerName: string;
}

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

/** Rows of `show channels as json` that are outbound legs still ringing on behalf of another leg. */
export function ringingRowsOf(showChannelsJson: string): ChannelRow[] {
  const parsed = JSON.parse(showChannelsJson) as { rows?: ChannelRow[] };
  return (parsed.rows ?? []).filter(
    (row) => row.direction === 'outbound' && RINGING_CALL_STATES.has(row.callstate ?? '') && isChannelUuid(row.uuid ?? '') && !!row.call_uuid && row.call_uuid !== row.uuid,
  );
}

/**
 * Asks the switch which legs ring which users. `show channels` has no dialed_user column, so each ringing leg's
 * `dialed_user` / `dialed_domain` are read with `uuid_getvar` (legs that hung up meanwhile answer `-ERR`/`_undef_`
 * and are skipped).
 */
export async function fetchRingingLegs(esl: EslClient): Promise<LiveRingingLeg[]> {
  const rows = ringingRowsOf(await esl.api('show channels as json', 30_000));
  const legs: LiveRingingLeg[] = [];
  for (let i = 0; i < rows.length; i += LOOKUP_CONCURRENCY) {
    const batch = rows.slice(i, i + LOOKUP_CONCURRENCY);
    const found = await Promise.all(
      batch.map(async (row) => {
        const legUuid = row.uuid as string;
        const [extension, domain] = await Promise.all([esl.api(`uuid_getvar ${legUuid} dialed_user`), esl.api(`uuid_getvar ${legUuid} dialed_domain`)]);
        if (!usable(extension) || !usable(domain)) return undefined;
        return { legUuid, callUuid: row.call_uuid as string, extension: extension.trim(), domain: domain.trim(), callerNumber: row.cid_num ?? '', callerName: row.cid_name ?? '' };
      }),
    );
    for (const leg of found) if (leg) legs.push(leg);
  }
  return legs;
}

function usable(reply: string): boolean {
  const value = reply.trim();
  return value !== '' && value !== '_undef_' && !value.startsWith('-ERR') && !value.startsWith('-USAGE');
}
