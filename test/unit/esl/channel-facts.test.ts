import { describe, expect, it } from 'vitest';
import { type ChannelFact, channelFactOf } from '../../../src/esl/channel-facts.ts';
import { decodeEvent, type EslEvent, isEventFrame } from '../../../src/esl/event.ts';
import { FrameParser } from '../../../src/esl/frame-parser.ts';
import { captureBytes } from '../../helpers/captures.ts';

function captureEvents(name: string): EslEvent[] {
  return new FrameParser().push(captureBytes(name)).filter(isEventFrame).map(decodeEvent);
}

function factsOf(name: string): ChannelFact[] {
  return captureEvents(name).flatMap((event) => channelFactOf(event) ?? []);
}

/** Replays leg facts the way the store applies them: a leg rings until it stops; a call rings while a leg does. */
function ringingAfter(facts: readonly ChannelFact[]): Map<string, Set<string>> {
  const ringing = new Map<string, Set<string>>();
  const ended = new Set<string>();
  for (const fact of facts) {
    if (fact.kind === 'leg-ringing' && !ended.has(fact.legUuid) && !ended.has(fact.callUuid)) {
      ringing.set(fact.callUuid, (ringing.get(fact.callUuid) ?? new Set()).add(fact.legUuid));
    } else if (fact.kind === 'leg-stopped') {
      ended.add(fact.legUuid);
      ringing.get(fact.callUuid)?.delete(fact.legUuid);
      if (ringing.get(fact.callUuid)?.size === 0) ringing.delete(fact.callUuid);
    } else if (fact.kind === 'call-ended') {
      ended.add(fact.callUuid);
      ringing.delete(fact.callUuid);
    }
  }
  return ringing;
}

describe('channelFactOf on real FreeSWITCH captures', () => {
  it('sees the user/ leg ring for its caller, then stop PICKED_OFF on intercept (capture 14, json)', () => {
    const facts = factsOf('14-park-pickup-sendmsg-intercept.node1.event-json.txt');
    const ringing = facts.filter((f) => f.kind === 'leg-ringing');
    expect(ringing.length).toBeGreaterThan(0);
    const [first] = ringing;
    expect(first).toMatchObject({ extension: '200', domain: 'pbx.test', callerNumber: '300' });
    if (first?.kind !== 'leg-ringing') throw new Error('unreachable');
    expect(new Set(ringing.map((f) => f.callUuid))).toEqual(new Set([first.callUuid]));
    const stopped = facts.filter((f) => f.kind === 'leg-stopped');
    expect(stopped.map((f) => f.kind === 'leg-stopped' && [f.legUuid, f.callUuid, f.reason, f.cause])).toContainEqual([first.legUuid, first.callUuid, 'hangup', 'PICKED_OFF']);
    expect(ringingAfter(facts).size).toBe(0);
  });

  it('gives no leg fact for a picker’s own channel, only who placed it: pickup requests arrive on the socket (captures 14, 16a)', () => {
    for (const name of ['14-park-pickup-sendmsg-intercept.node1.event-plain.txt', '16a-sync-socket-decision-rpc.node1.inbound-event-plain-ALL.txt']) {
      const pickerEvents = captureEvents(name).filter((e) => e.headers['Caller-Destination-Number'] === '88sales');
      expect(pickerEvents.length).toBeGreaterThan(5);
      // The picker is a phone authenticated as user 100: its call is its own, and its hangup forgets that.
      expect(pickerEvents.flatMap((e) => channelFactOf(e) ?? []).map((fact) => fact.kind === 'call-ended' ? [fact.kind, fact.domain] : [fact.kind, 'extension' in fact && fact.extension])).toEqual([
        ['caller-authenticated', '100'],
        ['call-ended', undefined],
      ]);
    }
  });

  it('sees both simultaneously ringing legs of one call and both stop (capture 03)', () => {
    for (const format of ['plain', 'json']) {
      const facts = factsOf(`03-ring-two-then-intercept.event-${format}.txt`);
      // Capture 03 rings sofia/ targets from the dialplan, not user/: nothing is tracked without dialed_user.
      expect(facts.filter((f) => f.kind === 'leg-ringing')).toEqual([]);
    }
  });

  it('tracks directory users rung with bridge user/… and drops them on cancel (captures 11, 11b, 11c)', () => {
    for (const name of ['11-dir-user-ring-then-intercept.event-plain.txt', '11b-dir-user-201-explicit-presence-id-cancel.event-plain.txt', '11c-dir-user-100-cancel.event-plain.txt']) {
      const facts = factsOf(name);
      expect(facts.some((f) => f.kind === 'leg-ringing' && f.domain === '127.0.0.1')).toBe(true);
      expect(ringingAfter(facts).size).toBe(0);
    }
  });

  it('ends the call when the caller leg hangs up (capture 11c: caller cancel)', () => {
    const facts = factsOf('11c-dir-user-100-cancel.event-plain.txt');
    const ringingCall = facts.find((f) => f.kind === 'leg-ringing');
    expect(facts.some((f) => f.kind === 'call-ended' && ringingCall?.kind === 'leg-ringing' && f.callUuid === ringingCall.callUuid)).toBe(true);
  });

  it('gives no fact for events it has no use for', () => {
    const events = captureEvents('13-park-timeout.event-json.txt');
    expect(events.length).toBeGreaterThan(10);
    expect(events.flatMap((e) => channelFactOf(e) ?? [])).toEqual([]);
  });
});
