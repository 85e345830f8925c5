/**
 * A refused picker gets the intended SIP answer whatever its media settings: a user whose directory entry demands
 * SRTP (rtp_secure_media=true) on a phone that offers plain RTP cannot be pre-answered (FreeSWITCH would end it 488,
 * INCOMPATIBLE_DESTINATION, test/simulator/early-media.test.ts), so the controller refuses it without the tone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_CAUSES } from '../../src/pickup/outcome.ts';
import { freshDomain, outcomeOf, type PickupBed, sendmsgsTo, setUsers, startPickupBed, untilTracked } from './harness.ts';

const SRTP_USER = { rtp_secure_media: 'true' };
const SRTP_OFFER =
  'v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n';
const NOT_PERMITTED = DEFAULT_FAILURE_CAUSES['not-permitted'];

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed();
});

afterAll(async () => {
  await bed?.close();
});

/** A "sales" call rings 200; user 300 (no right to pick up "sales") dials 88sales from a phone as given. */
async function refusedPickup(phone: { sdpOffer?: string; variables?: Record<string, string> }): Promise<{ picker: string; callLeg: string }> {
  const domain = freshDomain();
  await setUsers(bed, domain, { '200': { callGroups: ['sales'] }, '300': { callGroups: ['support'], pickupGroups: ['support'] } });
  const call = await bed.sim.placeCall({ domain, targets: ['200'] });
  await untilTracked(bed, call.bLegs);
  const picker = await bed.sim.dialPickup({ extension: '300', domain, dialled: '88sales', ...phone });
  expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'pickup failed; picker hung up', failure: 'not-permitted', cause: NOT_PERMITTED });
  return { picker, callLeg: call.aLeg };
}

describe('refusing a picker whose user demands SRTP', () => {
  it('a phone offering plain RTP is refused with the intended cause (403), not INCOMPATIBLE_DESTINATION (488): no tone', async () => {
    const { picker, callLeg } = await refusedPickup({ variables: SRTP_USER });
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe(NOT_PERMITTED);
    expect(sendmsgsTo(bed, picker)).toEqual(['hangup']);
    await bed.sim.hangup(callLeg);
  });

  it('a phone offering SRTP hears the tone, then gets the same cause', async () => {
    const { picker, callLeg } = await refusedPickup({ variables: SRTP_USER, sdpOffer: SRTP_OFFER });
    const channel = await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined);
    expect([channel.hangupCause, channel.times.progressMedia > 0]).toEqual([NOT_PERMITTED, true]);
    expect(sendmsgsTo(bed, picker)).toEqual(['playback', 'hangup']);
    await bed.sim.hangup(callLeg);
  });
});
