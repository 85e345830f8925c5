import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../../src/esl/event.ts';
import { isDroppedCaller } from '../../../src/esl/intercept-race.ts';
import { captureBytes } from '../../helpers/captures.ts';

/** Capture 18's summary: one event a line, `<received> <Event-Date-Timestamp> <name> Header=value …`. */
function summaryEvents(): EslEvent[] {
  return captureBytes('18-intercept-race.events-summary.txt')
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [, , name = '', ...pairs] = line.split(' ');
      const headers: Record<string, string> = {};
      for (const pair of pairs) {
        const equals = pair.indexOf('=');
        if (equals > 0) headers[pair.slice(0, equals)] = pair.slice(equals + 1);
      }
      return { name, headers, body: '' } as unknown as EslEvent;
    });
}

describe('a caller dropped by FreeSWITCH’s intercept race (capture 18)', () => {
  it('is the one PICKED_OFF hangup of an answered leg bridged to the picker: not the ringing leg, not its loopback partner', () => {
    const events = summaryEvents();
    const pickedOff = events.filter((e) => e.name === 'CHANNEL_HANGUP' && e.headers['Hangup-Cause'] === 'PICKED_OFF');
    // The caller's leg (loopback/200-b), its loopback partner (-a) and the two ringing phones' legs.
    expect(pickedOff.length).toBeGreaterThanOrEqual(3);
    expect(events.filter(isDroppedCaller).map((e) => [e.headers['Unique-ID'], e.headers['Other-Leg-Unique-ID']])).toEqual([
      ['158b539d-2728-422a-9cb1-14d21b6520af', '011c1e67-9222-46a5-9587-4d9c4218922e'],
    ]);
  });
});
