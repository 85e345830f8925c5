/**
 * A `sendmsg` command's headers as switch_ivr_parse_event reads them: `call-command: execute` (an
 * application, `loops`, `event-lock`, the client's `Event-UUID` as its Application-UUID) or
 * `call-command: hangup` (`hangup-cause`). Shared by inbound connections (queued on the channel) and
 * outbound sessions (run at once in the channel's thread).
 */
import type { QueuedMessage } from './channel.ts';
import { headerValue, type ReceivedCommand } from './command-reader.ts';

/** The message a sendmsg carries, or undefined for call-commands the simulator does not run (accepted, ignored). */
export function messageOf(command: ReceivedCommand): QueuedMessage | undefined {
  const header = (name: string): string | undefined => headerValue(command.headers, name);
  const callCommand = header('call-command')?.toLowerCase();
  if (callCommand === 'hangup') return { kind: 'hangup', cause: header('hangup-cause') ?? 'NORMAL_CLEARING' };
  if (callCommand !== 'execute') return undefined;
  const app = header('execute-app-name') ?? '';
  const arg = header('execute-app-arg') ?? command.body ?? '';
  const uuid = header('event-uuid');
  return {
    kind: 'execute',
    call: { app, arg, ...(uuid === undefined ? {} : { uuid }) },
    loops: Math.max(1, Number.parseInt(header('loops') ?? '1', 10) || 1),
    eventLock: header('event-lock')?.toLowerCase() === 'true',
  };
}

/** The uuid a sendmsg names (after the command word, else `session-id`), or '' for none. */
export function targetOf(command: ReceivedCommand): string {
  return command.line.slice('sendmsg'.length).trim() || headerValue(command.headers, 'session-id') || '';
}
