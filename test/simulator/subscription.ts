/**
 * One connection's event subscription and filters, with the command semantics and reply texts of
 * mod_event_socket (`event`, `nixevent`, `noevents`, `filter`) and its delivery rule.
 */
import { CONCRETE_EVENT_NAMES, canonicalEventName } from './event-names.ts';
import { eventHeader, type SimEvent } from './sim-event.ts';
import type { EventFormat } from './wire.ts';

const FORMATS: readonly EventFormat[] = ['plain', 'json', 'xml'];

/** Subscription state of one listener. */
export class Subscription {
  format: EventFormat = 'plain';
  private readonly names = new Set<string>();
  private readonly subclasses = new Set<string>();
  private readonly filters: Array<[string, string]> = [];
  private listening = false;

  /** `event [plain|json|xml] <names…>`; returns the Reply-Text. */
  subscribe(words: readonly string[]): string {
    let keyCount = 0;
    let custom = false;
    words.forEach((word, index) => {
      const format = FORMATS.find((f) => f === word.toLowerCase());
      if (index === 0 && format) {
        this.format = format;
        return;
      }
      if (custom) {
        this.subclasses.add(word);
        return;
      }
      const name = canonicalEventName(word);
      if (!name) return;
      keyCount++;
      this.names.add(name);
      if (name === 'CUSTOM') custom = true;
    });
    if (keyCount === 0) return '-ERR no keywords supplied';
    this.listening = true;
    return `+OK event listener enabled ${this.format}`;
  }

  /** `nixevent <names…>`; returns the Reply-Text. */
  unsubscribe(words: readonly string[]): string {
    let keyCount = 0;
    let custom = false;
    for (const word of words) {
      if (custom) {
        this.subclasses.delete(word);
        continue;
      }
      const name = canonicalEventName(word);
      if (!name) continue;
      keyCount++;
      if (name === 'CUSTOM') custom = true;
      else if (name === 'ALL') this.names.clear();
      else this.unsubscribeOne(name);
    }
    if (keyCount === 0) return '-ERR no keywords supplied';
    this.listening = true;
    return '+OK events nixed';
  }

  /** `noevents`; returns the Reply-Text. */
  clear(): string {
    if (!this.listening) return '-ERR not listening for events';
    this.listening = false;
    this.names.clear();
    this.subclasses.clear();
    return '+OK no longer listening for events';
  }

  /** `filter <header> <value>` / `filter delete <header> [value]` / `filter delete all`. */
  filter(argument: string): string {
    const trimmed = argument.replace(/^ +/, '');
    const space = trimmed.indexOf(' ');
    if (space < 0) return '-ERR invalid syntax';
    let name = trimmed.slice(0, space);
    let value = trimmed.slice(space + 1);
    if (name.toLowerCase() === 'delete') {
      const [header, rest] = splitFirst(value);
      if (header.toLowerCase() === 'all') this.filters.length = 0;
      else this.deleteFilter(header, rest);
      return `+OK filter deleted. [${header}][${rest ?? ''}]`;
    }
    if (name.toLowerCase() === 'add') [name, value] = splitFirst(value) as [string, string];
    this.filters.push([name, value]);
    return `+OK filter added. [${name}]=[${value}]`;
  }

  /** Whether this listener receives the event (event list, CUSTOM subclasses, then filters). */
  accepts(event: SimEvent): boolean {
    if (!this.listening) return false;
    if (!this.names.has('ALL')) {
      if (!this.names.has(event.name)) return false;
      if (event.name === 'CUSTOM' && event.subclass !== undefined && !this.subclasses.has(event.subclass)) return false;
    }
    return this.passesFilters(event);
  }

  private unsubscribeOne(name: string): void {
    // Nixing one name out of ALL turns ALL into "every name but this one", as mod_event_socket does.
    if (this.names.delete('ALL')) {
      for (const other of CONCRETE_EVENT_NAMES) this.names.add(other);
    }
    this.names.delete(name);
  }

  private deleteFilter(header: string, value: string | undefined): void {
    for (let i = this.filters.length - 1; i >= 0; i--) {
      const [name, filterValue] = this.filters[i]!;
      if (name.toLowerCase() === header.toLowerCase() && (value === undefined || filterValue === value)) {
        this.filters.splice(i, 1);
      }
    }
  }

  /** mod_event_socket: any matching positive filter admits; a matching `-` filter vetoes. */
  private passesFilters(event: SimEvent): boolean {
    if (this.filters.length === 0) return true;
    let send = false;
    for (const [name, rawValue] of this.filters) {
      const actual = eventHeader(event, name);
      if (actual === undefined) continue;
      const { positive, value } = filterPolarity(rawValue);
      if (send && positive) continue;
      const matches = value.startsWith('/') ? regexFilter(value).test(actual) : actual.toLowerCase() === value.toLowerCase();
      if (!matches) continue;
      if (!positive) return false;
      send = true;
    }
    return send;
  }
}

function filterPolarity(raw: string): { positive: boolean; value: string } {
  let positive = true;
  let i = 0;
  for (; i < raw.length; i++) {
    const char = raw[i];
    if (char === '+') positive = true;
    else if (char === '-') positive = false;
    else if (char !== ' ') break;
  }
  return { positive, value: raw.slice(i) };
}

function regexFilter(value: string): RegExp {
  const end = value.lastIndexOf('/');
  return new RegExp(end > 0 ? value.slice(1, end) : value.slice(1));
}

function splitFirst(text: string): [string, string | undefined] {
  const space = text.indexOf(' ');
  return space < 0 ? [text, undefined] : [text.slice(0, space), text.slice(space + 1)];
}
