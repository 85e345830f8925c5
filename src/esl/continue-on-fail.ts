import { switchFalse, switchTrue } from './switch-values.ts';

/**
 * `continue_on_fail` on a channel running `bridge`, as switch_channel_handle_cause reads it when the bridge fails:
 * a true value continues on every cause, otherwise a list naming the cause (its name or its number) continues on
 * that one; anything else lets the failure hang the channel up. An intercept makes the caller's own `bridge` fail
 * with PICKED_OFF (805), and if that failure is handled before the intercept has marked the channel as being
 * transferred, the caller is hung up (capture 18). Pure.
 */
export function continuesOnPickedOff(value: string): boolean {
  return switchTrue(value) || value.includes('PICKED_OFF') || value.includes('805');
}

/**
 * The `continue_on_fail` that also covers PICKED_OFF while keeping what the dialplan set; undefined when the value
 * already covers it. PICKED_OFF comes only from an intercept, so covering it changes nothing else: after an
 * intercept the caller's dialplan does not go on (the intercept has moved the channel out of its dialplan).
 */
export function continueOnFailWithPickedOff(current: string): string | undefined {
  if (continuesOnPickedOff(current)) return undefined;
  return current === '' || switchFalse(current) ? 'PICKED_OFF' : `${current},PICKED_OFF`;
}
