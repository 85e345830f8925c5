/**
 * BLF presence and SIP MESSAGE against run 3's captures: scenario 10's driver commands (every
 * `sendevent PRESENCE_IN` case of the README table, and one naming a live channel) are sent again
 * and the NOTIFYs the simulator's subscribers got must be the ones the sipp subscribers recorded;
 * scenario 12's `api chat` / `sendevent SEND_MESSAGE` session must give the same replies, byte for
 * byte, and the same MESSAGE events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BlfNotify } from './blf-presence.ts';
import { LAB_DIALPLAN } from './capture-lab.ts';
import { readCaptureEvents, readCaptureSession, type DecodedEvent } from './capture-reader.ts';
import { captureBytes } from '../helpers/captures.ts';
import { poll } from './replay-harness.ts';
import { FreeSwitchSimulator } from './simulator.ts';
import { EslTestClient, bodyText } from './test-client.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ sim: FreeSwitchSimulator; subscriber: EslTestClient; control: EslTestClient }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: LAB_DIALPLAN });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const subscriber = await EslTestClient.subscribed(port, 'plain ALL');
  const control = await EslTestClient.connect(port);
  await control.command('auth ClueCon');
  cleanups.push(() => subscriber.close(), () => control.close());
  return { sim, subscriber, control };
}

/** Headers after the core block (Event-Sequence), core identity left out. */
function ownHeaders(event: DecodedEvent, skip: readonly string[] = []): Array<readonly [string, string]> {
  const start = event.headers.findIndex(([name]) => name === 'Event-Sequence') + 1;
  return event.headers.slice(start).filter(([name]) => !skip.includes(name));
}

/** The NOTIFYs with a body in a sipp subscriber's notify-bodies file (the un-SUBSCRIBE's bodiless one is left out). */
function recordedNotifies(file: string): BlfNotify[] {
  const blocks = captureBytes(`sip-traces/${file}`).toString('utf8').split('=== NOTIFY').slice(1);
  return blocks.flatMap((block): BlfNotify[] => {
    const version = /version="(\d+)"/.exec(block);
    if (!version) return [];
    const dialog = /<dialog id="([^"]+)" direction="(\w+)">\s*<state>(\w+)<\/state>/.exec(block);
    if (!dialog) return [{ state: undefined, version: Number(version[1]) }];
    return [{ state: dialog[3] as BlfNotify['state'], dialogId: dialog[1]!, direction: dialog[2] as BlfNotify['direction'], version: Number(version[1]) }];
  });
}

describe('BLF presence (capture 10)', () => {
  it('fires PRESENCE_PROBE as captured and gives each subscriber the recorded NOTIFYs for the replayed PRESENCE_INs', async () => {
    const { sim, subscriber, control } = await start();
    sim.subscribeBlf({ subscriber: '400@127.0.0.1', entity: '88sales@127.0.0.1' });
    sim.subscribeBlf({ subscriber: '400@127.0.0.1', entity: 'fslab+88sales@127.0.0.1' });
    for (const { command } of readCaptureSession('10-presence-blf-subscribe-presence-in.control.txt')) {
      if (command.name === 'auth' || command.line.startsWith('api sofia') || command.line.startsWith('api show')) continue;
      await control.command(command.raw.replace(/\n\n$/, ''));
      const originated = /origination_uuid=([0-9a-f-]{36})/.exec(command.line)?.[1];
      if (originated) await poll(() => sim.channel(originated), 'the parked loopback channel');
    }
    expect(sim.blfNotifies('88sales@127.0.0.1')).toEqual(recordedNotifies('run3-10.sub-5088.notify-bodies.txt'));
    expect(sim.blfNotifies('fslab+88sales@127.0.0.1')).toEqual(recordedNotifies('run3-10.sub-5092.notify-bodies.txt'));

    await subscriber.command('api hostname');
    const probes = subscriber.events.filter((event) => event.get('Event-Name') === 'PRESENCE_PROBE');
    const captured = readCaptureEvents('10-presence-blf-subscribe-presence-in.event-plain.txt').filter((event) => event.get('Event-Name') === 'PRESENCE_PROBE');
    expect(probes.map((event) => ownHeaders(event, ['sub-call-id']))).toEqual(captured.slice(0, 2).map((event) => ownHeaders(event, ['sub-call-id'])));
    expect(probes.map((event) => event.get('Event-Calling-Line-Number'))).toEqual(captured.slice(0, 2).map((event) => event.get('Event-Calling-Line-Number')));
  });
});

describe('chat (capture 12)', () => {
  it('answers every chat as captured (no trailing newline), fires the same MESSAGE events and delivers to the phones', async () => {
    const { sim, subscriber, control } = await start();
    const session = readCaptureSession('12-chat-api-send-message.control.txt');
    const replies: Array<[string, string]> = [];
    const expected: Array<[string, string]> = [];
    for (const { command, reply } of session) {
      if (command.line.startsWith('api sofia')) continue;
      // The phone registered between hello 7 and hello 8.
      if (command.line.includes('|hello 8 ')) sim.registerPhone('500@127.0.0.1');
      const frame = await control.command(command.raw.replace(/\n\n$/, ''));
      if (command.line.startsWith('api chat')) {
        replies.push([command.line, bodyText(frame)!]);
        expected.push([command.line, reply!.body.toString('utf8')]);
      }
    }
    expect(replies).toEqual(expected);

    await subscriber.command('api hostname');
    const messageEvents = (events: readonly DecodedEvent[]): Array<[Array<readonly [string, string]>, string | undefined]> =>
      events.filter((event) => event.get('Event-Name') === 'MESSAGE').map((event) => [ownHeaders(event), event.body]);
    expect(messageEvents(subscriber.events)).toEqual(messageEvents(readCaptureEvents('12-chat-api-send-message.event-plain.txt')));
    expect(sim.messages()).toEqual([
      { to: '500@127.0.0.1:5076', from: '1000@127.0.0.1', text: 'hello 2 (to profile/sip-uri)' },
      { to: '500@127.0.0.1:5076', from: '1000@127.0.0.1', text: 'hello 3 (to profile/user@host:port)' },
      { to: '500@127.0.0.1', from: '1000@127.0.0.1', text: 'hello 8b (to profile/user@domain, registered)' },
      { to: '500@127.0.0.1', from: '500@127.0.0.1', text: 'hello 9 SEND_MESSAGE registered' },
      { to: '500@127.0.0.1', from: '500@127.0.0.1', text: 'hello 10 SEND_MESSAGE with subject' },
    ]);
  });
});
