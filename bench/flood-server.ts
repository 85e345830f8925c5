/**
 * The simulator in a process of its own, so that the client under test has a core to itself.
 * The load is a real FreeSWITCH event: the CHANNEL_PROGRESS of a ringing user/ leg from capture 14
 * (6,071 bytes of JSON, 143 headers), each copy given a new leg, a new caller leg and a new Event-Sequence,
 * so that every event is a new ringing call for the tracker. Frames are built before the clock starts
 * ({cmd:'prepare', count}) and written raw to every subscribed client ({cmd:'flood'}).
 */
import { randomUUID } from 'node:crypto';
import { captureBytes } from '../test/helpers/captures.ts';
import { FreeSwitchSimulator } from '../test/simulator/index.ts';

const CAPTURE = '14-park-pickup-sendmsg-intercept.node1.event-json.txt';

/** The template event: a ringing leg's CHANNEL_PROGRESS, as FreeSWITCH sent it. */
function templateEvent(): Record<string, string> {
  const text = captureBytes(CAPTURE).toString('utf8');
  for (const match of text.matchAll(/Content-Type: text\/event-json\n\n(\{.*?\})(?=Content-)/gs)) {
    const event = JSON.parse(match[1] as string) as Record<string, string>;
    if (event['Event-Name'] === 'CHANNEL_PROGRESS' && event['Call-Direction'] === 'outbound' && event.variable_dialed_user) return event;
  }
  throw new Error('no ringing-leg CHANNEL_PROGRESS in capture 14');
}

function frames(count: number, firstSequence: number): Buffer {
  const template = templateEvent();
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const leg = randomUUID();
    const caller = randomUUID();
    const body = JSON.stringify({
      ...template,
      'Event-Sequence': String(firstSequence + i),
      'Unique-ID': leg,
      variable_uuid: leg,
      'Other-Leg-Unique-ID': caller,
      'Channel-Call-UUID': caller,
      variable_call_uuid: caller,
      variable_signal_bond: caller,
    });
    parts.push(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`));
  }
  return Buffer.concat(parts);
}

const sim = new FreeSwitchSimulator({ heartbeatIntervalMs: 3_600_000 });
const port = await sim.listen(0);
let prepared: Buffer = Buffer.alloc(0);
let sequence = 1_000_000;
process.send?.({ port });
process.on('message', (message: { cmd: string; count?: number }) => {
  if (message.cmd === 'prepare') {
    prepared = frames(message.count ?? 0, sequence);
    sequence += message.count ?? 0;
    process.send?.({ done: 'prepare', bytes: prepared.length });
  } else if (message.cmd === 'flood') {
    sim.sendRawToClients(prepared);
    process.send?.({ done: 'flood' });
  } else if (message.cmd === 'exit') {
    void sim.close().then(() => process.exit(0));
  }
});
