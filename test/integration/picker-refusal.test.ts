/**
 * PickerChannel.refuse on the simulator's synchronous socket: the tone only where FreeSWITCH can pre-answer the
 * picker, else the hangup cause alone — in one write either way, and the intended cause (so SIP answer) every time.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PickerChannel } from '../../src/esl/picker-channel.ts';
import { SocketSession } from '../../src/esl/socket-session.ts';
import { FreeSwitchSimulator, type DialPickupOptions } from '../simulator/index.ts';

const TONE = 'tone_stream://%(100,0,480)';
const SRTP_OFFER =
  'v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A picker dials 88sales on the product's dialplan; our socket refuses it with OUTGOING_CALL_BARRED. */
async function refusedPicker(dial: Pick<DialPickupOptions, 'sdpOffer' | 'variables'>, globals: Record<string, string> = {}) {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
  await sim.listen(0);
  for (const [name, value] of Object.entries(globals)) sim.setGlobal(name, value);
  cleanups.push(() => sim.close());
  let refusal: Promise<void> | undefined;
  // What the controller writes: `connect`, the media settings' getvars in one write, then the refusal.
  const writes: string[] = [];
  const server = createServer((socket) => {
    const write = socket.write.bind(socket);
    socket.write = ((bytes: string, ...rest: never[]) => {
      writes.push(String(bytes));
      return write(bytes, ...rest);
    }) as typeof socket.write;
    refusal = SocketSession.open(socket, 2_000).then((session) => new PickerChannel(session).refuse(TONE, 'OUTGOING_CALL_BARRED'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  sim.setGlobal('fs_pickup_controllers', `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales', ...dial });
  const channel = await sim.waitForChannel(picker, (c) => c.hangupCause !== undefined);
  await expect(refusal).resolves.toBeUndefined();
  const sent = sim.commands.filter((command) => command.session === picker && !['connect', 'getvar'].includes(command.name));
  const settingsRead = sim.commands.filter((command) => command.session === picker && command.name === 'getvar');
  return {
    hangupCause: channel.hangupCause,
    sent: sent.map((command) => command.headers['execute-app-name'] ?? command.headers['call-command'] ?? command.name),
    inOneWrite: writes.length === 3 && writes[1] === settingsRead.map((command) => command.raw).join('') && writes[2] === sent.map((command) => command.raw).join(''),
  };
}

describe('PickerChannel.refuse', () => {
  it('a picker whose user demands SRTP but whose phone offers plain RTP gets the cause alone (no tone that would end it 488)', async () => {
    expect(await refusedPicker({ variables: { rtp_secure_media: 'true' } })).toEqual({ hangupCause: 'OUTGOING_CALL_BARRED', sent: ['hangup', 'exit'], inOneWrite: true });
  });

  it('the same user on a phone that offers SRTP hears the tone first, as before', async () => {
    expect(await refusedPicker({ variables: { rtp_secure_media: 'true' }, sdpOffer: SRTP_OFFER })).toEqual({ hangupCause: 'OUTGOING_CALL_BARRED', sent: ['playback', 'hangup', 'exit'], inOneWrite: true });
  });

  it('SRTP demanded globally (vars.xml), not on the channel: read with getvar, so the plain-RTP phone gets the cause alone too', async () => {
    expect(await refusedPicker({}, { rtp_secure_media: 'true' })).toEqual({ hangupCause: 'OUTGOING_CALL_BARRED', sent: ['hangup', 'exit'], inOneWrite: true });
  });

  it('a picker without SRTP demand hears the tone first, as before', async () => {
    expect(await refusedPicker({})).toEqual({ hangupCause: 'OUTGOING_CALL_BARRED', sent: ['playback', 'hangup', 'exit'], inOneWrite: true });
  });
});
