import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { continueOnFailWithPickedOff, continuesOnPickedOff } from '../../../src/esl/continue-on-fail.ts';

describe('continue_on_fail and PICKED_OFF (switch_channel_handle_cause)', () => {
  it('is covered by a true value or a list naming the cause or its number', () => {
    for (const value of ['true', 'yes', '1', 'PICKED_OFF', 'USER_BUSY,PICKED_OFF', 'NO_ANSWER,805']) expect(continuesOnPickedOff(value), value).toBe(true);
    for (const value of ['', 'false', '0', 'USER_BUSY', 'NORMAL_TEMPORARY_FAILURE,NO_ANSWER']) expect(continuesOnPickedOff(value), value).toBe(false);
  });

  it('adds PICKED_OFF to what the dialplan set, or leaves a value that covers it alone', () => {
    expect(continueOnFailWithPickedOff('')).toBe('PICKED_OFF');
    expect(continueOnFailWithPickedOff('false')).toBe('PICKED_OFF');
    expect(continueOnFailWithPickedOff('USER_BUSY,NO_ANSWER')).toBe('USER_BUSY,NO_ANSWER,PICKED_OFF');
    expect(continueOnFailWithPickedOff('true')).toBeUndefined();
    expect(continueOnFailWithPickedOff('NO_ANSWER,805')).toBeUndefined();
  });

  it('always ends with a value that covers PICKED_OFF and keeps every cause the dialplan named', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('USER_BUSY', 'NO_ANSWER', 'NORMAL_TEMPORARY_FAILURE', 'ORIGINATOR_CANCEL', 'false', 'true', 'PICKED_OFF')), (causes) => {
        const current = causes.join(',');
        const next = continueOnFailWithPickedOff(current) ?? current;
        expect(continuesOnPickedOff(next)).toBe(true);
        for (const cause of causes) if (cause !== 'false' && cause !== 'true') expect(next).toContain(cause);
      }),
    );
  });
});
