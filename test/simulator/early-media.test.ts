/**
 * Late media negotiation (media-negotiation.ts): a phone's offer is negotiated at its channel's first pre-answer, and
 * an offer that misses the SRTP its user demands ends the channel INCOMPATIBLE_DESTINATION (488), as FreeSWITCH does
 * — whatever wanted the early media: playback, pre_answer, intercept, answer, respond 183. ring_ready is no media.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DialplanAction } from './dialplan.ts';
import { sipStatusOf } from './hangup-causes.ts';
import { offerNegotiates } from './media-negotiation.ts';
import { FreeSwitchSimulator } from './simulator.ts';
import { StandInController } from './stand-in-controller.ts';
import { EslTestClient, replyText } from './test-client.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SRTP_USER = { rtp_secure_media: 'true' };
const SRTP_OFFER =
  'v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n';
const TONE = 'tone_stream://%(100,0,480)';

function sendmsg(headers: Record<string, string>): string {
  return `sendmsg\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n`;
}

/** What the controller wrote before the fix: the tone, then the cause, then exit, in one write. */
const TONE_THEN_HANGUP =
  sendmsg({ 'call-command': 'execute', 'execute-app-name': 'playback', 'execute-app-arg': TONE, 'Event-UUID': randomUUID() }) +
  sendmsg({ 'call-command': 'hangup', 'hangup-cause': 'OUTGOING_CALL_BARRED' }) +
  'exit\n\n';

/** The product's dialplan with a stand-in controller; the picker (user 100, its offer and variables as given) dials 88sales. */
async function pickerAtController(dial: { sdpOffer?: string; variables?: Record<string, string> }) {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const controller = await StandInController.listen();
  cleanups.push(() => controller.close());
  const observer = await EslTestClient.subscribed(port);
  cleanups.push(() => observer.close());
  sim.setGlobal('fs_pickup_controllers', controller.address);
  const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales', ...dial });
  const session = await controller.nextSession();
  await session.command('connect');
  /** The picker's events, as an inbound event socket saw them (`Event-Name`, and `Application` for EXECUTE*). */
  const eventsOfPicker = (): string[] =>
    observer.events.filter((event) => event.get('Unique-ID') === picker).map((event) => [event.get('Event-Name'), event.get('Application')].filter(Boolean).join(' '));
  return { sim, picker, session, observer, eventsOfPicker };
}

describe('a refusal tone on a picker whose offer misses the SRTP its user demands', () => {
  it('playback ends the channel INCOMPATIBLE_DESTINATION (488) before it starts; the hangup and exit behind it are never read', async () => {
    const { sim, picker, session, observer, eventsOfPicker } = await pickerAtController({ variables: SRTP_USER });
    session.write(TONE_THEN_HANGUP);
    await session.whenClosed();
    const channel = await sim.waitForChannel(picker, (c) => c.state === 'CS_DESTROY');
    expect([channel.hangupCause, channel.variables['hangup_cause_q850'], channel.variables['endpoint_disposition']]).toEqual(['INCOMPATIBLE_DESTINATION', '88', 'CODEC NEGOTIATION ERROR']);
    expect(sipStatusOf(channel.hangupCause!)).toBe(488);
    // After connect's channel data: the playback's sendmsg got its +OK; the exit was never read (no "+OK bye").
    expect(session.frames.map(replyText).filter((text) => text !== undefined).slice(1)).toEqual(['+OK']);
    // No early media, and the application never started: the hangup came first.
    await observer.waitFor(() => eventsOfPicker().includes('CHANNEL_DESTROY'), 'the picker’s CHANNEL_DESTROY');
    const events = eventsOfPicker();
    expect(events.filter((event) => event === 'CHANNEL_PROGRESS_MEDIA' || event.endsWith(' playback'))).toEqual([]);
    expect(events.slice(events.indexOf('CHANNEL_HANGUP'), events.indexOf('CHANNEL_DESTROY') + 1)).toEqual([
      'CHANNEL_HANGUP',
      'CHANNEL_EXECUTE_COMPLETE socket',
      'CHANNEL_STATE',
      'CHANNEL_CALLSTATE',
      'CHANNEL_STATE',
      'CHANNEL_HANGUP_COMPLETE',
      'CHANNEL_DESTROY',
    ]);
  });

  it('the cause alone, with no tone, gives the intended answer (403)', async () => {
    const { sim, picker, session } = await pickerAtController({ variables: SRTP_USER });
    session.write(`${sendmsg({ 'call-command': 'hangup', 'hangup-cause': 'OUTGOING_CALL_BARRED' })}exit\n\n`);
    await session.whenClosed();
    expect(sim.channel(picker)!.hangupCause).toBe('OUTGOING_CALL_BARRED');
    expect(sipStatusOf('OUTGOING_CALL_BARRED')).toBe(403);
  });

  it('a phone that offers SRTP hears the tone (183), then gets the cause', async () => {
    const { sim, picker, session, observer, eventsOfPicker } = await pickerAtController({ variables: SRTP_USER, sdpOffer: SRTP_OFFER });
    session.write(TONE_THEN_HANGUP);
    await session.whenClosed();
    expect((await sim.waitForChannel(picker, (c) => c.state === 'CS_DESTROY')).hangupCause).toBe('OUTGOING_CALL_BARRED');
    await observer.waitFor(() => eventsOfPicker().includes('CHANNEL_DESTROY'), 'the picker’s CHANNEL_DESTROY');
    expect(eventsOfPicker()).toEqual(expect.arrayContaining(['CHANNEL_PROGRESS_MEDIA', 'CHANNEL_EXECUTE playback', 'CHANNEL_EXECUTE_COMPLETE playback', 'CHANNEL_HANGUP']));
  });
});

describe('which applications negotiate the offer', () => {
  /** Dials `run` as user 100 (SRTP demanded, plain offer) into an extension doing `action`, then parking. */
  async function dialInto(action: DialplanAction): Promise<{ hangupCause: string | undefined; parked: boolean }> {
    const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: [{ name: 'run', expression: /^run$/, actions: [action, ['park']] }] });
    cleanups.push(() => sim.close());
    const uuid = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: 'run', variables: SRTP_USER });
    const channel = await sim.waitForChannel(uuid, (c) => c.parked || c.hangupCause !== undefined);
    return { hangupCause: channel.hangupCause, parked: channel.parked };
  }

  const needingMedia: DialplanAction[] = [['playback', TONE], ['pre_answer'], ['answer'], ['respond', '183 Session Progress'], ['intercept', randomUUID()]];

  it.each(needingMedia.map((action) => [action.join(' '), action] as const))('%s ends it INCOMPATIBLE_DESTINATION', async (_name, action) => {
    expect(await dialInto(action)).toEqual({ hangupCause: 'INCOMPATIBLE_DESTINATION', parked: false });
  });

  it('ring_ready (180, no SDP) does not', async () => {
    expect(await dialInto(['ring_ready'])).toEqual({ hangupCause: undefined, parked: true });
  });
});

describe('offerNegotiates (the model)', () => {
  const offer = (stream: string): string => `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n${stream}`;
  const PLAIN = offer('m=audio 4000 RTP/AVP 0\r\n');
  const SDES = offer('m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n');
  const DTLS = offer('m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AB:CD\r\n');
  const negotiates = (variables: Record<string, string>): boolean => offerNegotiates(new Map(Object.entries(variables)));

  it.each([
    [{}, PLAIN, true],
    [{ rtp_secure_media: 'optional' }, SDES, true],
    [{ rtp_secure_media: 'true' }, PLAIN, false],
    [{ rtp_secure_media: 'mandatory:AES_CM_128_HMAC_SHA1_80' }, SDES, true],
    [{ rtp_secure_media: '1' }, DTLS, true],
    [{ rtp_secure_media: 'true' }, offer('m=audio 0 RTP/SAVP 0\r\na=crypto:1 x\r\nm=audio 4000 RTP/AVP 0\r\n'), false],
    [{ rtp_secure_media: 'false' }, SDES, false],
    [{ rtp_secure_media: 'forbidden' }, PLAIN, true],
    [{ rtp_secure_media: 'true', rtp_secure_media_inbound: 'optional' }, PLAIN, true],
  ] as const)('%j with %j → %s', (variables, sdp, expected) => {
    expect(negotiates({ ...variables, switch_r_sdp: sdp })).toBe(expected);
  });

  it('fails without an offer', () => {
    expect(negotiates({})).toBe(false);
  });
});
