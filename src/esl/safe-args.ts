import { EslUnsafeArgumentError } from './errors.ts';

const CHANNEL_UUID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A channel uuid as FreeSWITCH prints them (also custom `origination_uuid`s): no spaces, no line breaks. */
export function isChannelUuid(uuid: string): boolean {
  return CHANNEL_UUID.test(uuid);
}

/** Throws unless `uuid` is a channel uuid; returns it for use in a command. */
export function assertChannelUuid(uuid: string): string {
  if (!isChannelUuid(uuid)) throw new EslUnsafeArgumentError(`not a channel uuid: ${JSON.stringify(uuid.slice(0, 80))}`);
  return uuid;
}

/**
 * Any text that goes into an ESL command line or header value. A line break would end the command and start
 * another one, so control characters are refused outright rather than escaped.
 */
export function assertSafeText(text: string, what: string): string {
  if (CONTROL_CHARACTERS.test(text)) {
    throw new EslUnsafeArgumentError(`${what} contains a control character: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return text;
}
