/**
 * Benchmark load: realistic channel events (CHANNEL_PROGRESS of a ringing leg, ~150 headers) padded
 * with variables to a target size. CHANNEL_PROGRESS is used because it carries variables, which
 * CHANNEL_CALLSTATE never does.
 */
import { randomUUID } from 'node:crypto';
import { Channel, channelHeaders } from './channel.ts';
import { nowMicros, type EventStamper, type SimEvent } from './sim-event.ts';
import { serializeJson, serializePlain, type Header } from './wire.ts';

/** Produces flood events; each `next()` takes a new Event-Sequence. */
export interface FloodSource {
  next(): SimEvent;
}

const SITE = ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507] as const;

/** A source of CHANNEL_PROGRESS events of about `targetBytes` each (plain serialisation). */
export function floodEvent(stamper: EventStamper, targetBytes: number): FloodSource {
  const created = nowMicros();
  const caller = randomUUID();
  const leg = new Channel({
    uuid: randomUUID(),
    name: 'sofia/internal/200@127.0.0.1:6070',
    direction: 'outbound',
    endpoint: 'sofia',
    createdAt: created,
    profile: {
      dialplan: 'XML', callerIdName: 'Caller300', callerIdNumber: '300', origCallerIdName: 'Caller300',
      origCallerIdNumber: '300', ani: '300', destinationNumber: '200', source: 'mod_sofia', context: 'default',
      profileIndex: 1, profileCreated: created, calleeIdName: 'Outbound Call', calleeIdNumber: '200',
    },
  });
  leg.state = 'CS_CONSUME_MEDIA';
  leg.callUuid = caller;
  for (const [name, value] of Object.entries({
    direction: 'outbound', is_outbound: 'true', uuid: leg.uuid, session_id: '1', channel_name: leg.name,
    signal_bond: caller, call_uuid: caller, dialed_user: '200', dialed_domain: 'pbx.test', presence_id: '200@pbx.test',
    call_groups: 'sales', sip_profile_name: 'internal',
  })) {
    leg.variables.set(name, value);
  }
  const fixedSize = Buffer.byteLength(serializePlain([...stamper.coreHeaders('CHANNEL_PROGRESS', SITE), ...channelHeaders(leg, true)], undefined));
  for (let i = 0; fixedSize + i * 48 < targetBytes; i++) leg.variables.set(`sip_padding_${String(i).padStart(3, '0')}`, 'x'.repeat(24));
  const block: readonly Header[] = channelHeaders(leg, true);
  // The channel block never changes: serialise it once per format, and per event only the core headers.
  const plainBlock = serializePlain(block, undefined);
  const jsonBlock = serializeJson(block, undefined).slice(1);
  return {
    next() {
      const core = stamper.coreHeaders('CHANNEL_PROGRESS', SITE);
      return {
        name: 'CHANNEL_PROGRESS',
        headers: [...core, ...block],
        serialize: (format) =>
          format === 'json'
            ? `${serializeJson(core, undefined).slice(0, -1)},${jsonBlock}`
            : `${serializePlain(core, undefined).slice(0, -1)}${plainBlock}`,
      };
    },
  };
}
