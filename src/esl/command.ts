import { assertSafeText } from './safe-args.ts';

/** Header lines of one command (`sendmsg` messages, `sendevent` headers, a bgapi Job-UUID). */
export type CommandHeaders = Readonly<Record<string, string>>;

/**
 * The bytes of one ESL command: its line, its `Name: value` headers, the blank line that ends it. Every command
 * goes to the socket as one string in one write: with a command in several writes, Nagle holds the rest until
 * FreeSWITCH's ACK, which it delays ~40 ms for an incomplete command — and mod_event_socket sends no event
 * while a partial command is buffered (captures README, run 5, facts 17–18).
 *
 * This is the one place command text is assembled, so it is also where a line break smuggled in by an
 * untrusted value (a dialled string, a caller name) is stopped: it would end the command and start another.
 */
export function encodeCommand(line: string, headers: CommandHeaders = {}): string {
  let text = `${assertSafeText(line, 'command')}\n`;
  for (const [name, value] of Object.entries(headers)) text += `${assertSafeText(name, 'header name')}: ${assertSafeText(value, `header ${name}`)}\n`;
  return `${text}\n`;
}
