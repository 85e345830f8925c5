/**
 * Events as the simulated switch fires them, and the core header block every FreeSWITCH event
 * starts with (identity, dates, calling site, the process-wide Event-Sequence).
 */
import { performance } from 'node:perf_hooks';
import type { Header } from './wire.ts';

/** One fired event: name, CUSTOM subclass, headers in wire order, optional body. */
export interface SimEvent {
  readonly name: string;
  readonly subclass?: string;
  readonly headers: readonly Header[];
  readonly body?: string;
  /** A faster serialisation giving the same text as the generic one (the benchmark flood uses it). */
  readonly serialize?: (format: 'plain' | 'json') => string;
}

/** First value of a header, names compared case-insensitively like `switch_event_get_header`. */
export function eventHeader(event: SimEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  return event.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** How a node names itself in every event. */
export interface NodeIdentity {
  readonly coreUuid: string;
  readonly hostname: string;
  readonly switchname: string;
  readonly ipv4: string;
  readonly ipv6: string;
}

/** Source location FreeSWITCH reports as Event-Calling-File/Function/Line-Number. */
export type CallingSite = readonly [file: string, func: string, line: number];

/** Microseconds since the epoch, like Event-Date-Timestamp. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

function localDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Stamps events with a node's identity and its global, monotonic Event-Sequence. */
export class EventStamper {
  private sequence = 0;

  constructor(readonly identity: NodeIdentity) {}

  /** The core headers, as `switch_event_prep_for_delivery` adds them, taking the next sequence number. */
  coreHeaders(name: string, [file, func, line]: CallingSite): Header[] {
    const micros = nowMicros();
    const date = new Date(micros / 1000);
    const { coreUuid, hostname, switchname, ipv4, ipv6 } = this.identity;
    return [
      ['Event-Name', name],
      ['Core-UUID', coreUuid],
      ['FreeSWITCH-Hostname', hostname],
      ['FreeSWITCH-Switchname', switchname],
      ['FreeSWITCH-IPv4', ipv4],
      ['FreeSWITCH-IPv6', ipv6],
      ['Event-Date-Local', localDate(date)],
      ['Event-Date-GMT', date.toUTCString()],
      ['Event-Date-Timestamp', String(micros)],
      ['Event-Calling-File', file],
      ['Event-Calling-Function', func],
      ['Event-Calling-Line-Number', String(line)],
      ['Event-Sequence', String(++this.sequence)],
    ];
  }

  /** A non-channel event: core headers, then the event's own headers. */
  create(name: string, site: CallingSite, headers: readonly Header[] = [], body?: string): SimEvent {
    return { name, headers: [...this.coreHeaders(name, site), ...headers], ...(body === undefined ? {} : { body }) };
  }

  /** A CUSTOM event of a module: Event-Subclass comes before the core headers, as FreeSWITCH writes it. */
  createCustom(subclass: string, site: CallingSite, headers: readonly Header[] = []): SimEvent {
    return { name: 'CUSTOM', subclass, headers: [['Event-Subclass', subclass], ...this.coreHeaders('CUSTOM', site), ...headers] };
  }
}
