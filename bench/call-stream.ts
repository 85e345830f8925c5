/**
 * The ingest benchmark's load: what FreeSWITCH sends a controller for whole calls, from the real captures. Each
 * capture below recorded one complete call on a connection subscribed in json to every event: the caller's leg,
 * the ringing leg(s), the picker (with the loopback legs the capture driver originated it with), the intercept,
 * the hangups. Only the events the controller subscribes to (CONTROLLER_EVENTS) are kept, and of those only the
 * ones of the call's channels: the driver's own BACKGROUND_JOBs and the periodic HEARTBEAT are not part of a call.
 * Every replay of a call gets fresh channel uuids (everywhere they occur in the bodies: Unique-ID,
 * Other-Leg-Unique-ID, signal_bond, call_uuid, originated_legs…) and the next Event-Sequence numbers; the bytes
 * are otherwise FreeSWITCH's own.
 */
import { randomUUID } from 'node:crypto';
import { channelFactOf, CONTROLLER_EVENTS } from '../src/esl/channel-facts.ts';
import { readCaptureFrames } from '../test/simulator/capture-reader.ts';
import { headerOf } from '../test/simulator/frame-reader.ts';

/** Whole calls picked up by an intercept: a directory user rung through `user/` (11, 14), a phone rung by its contact (07b, 02). */
export const CALL_CAPTURES = [
  '11-dir-user-ring-then-intercept.event-json.txt',
  '14-park-pickup-sendmsg-intercept.node1.event-json.txt',
  '07b-sip-caller-ring-then-intercept.event-json.txt',
  '02-ring-then-intercept.event-json.txt',
] as const;

/** The Event-Sequence slot; the others are channel uuids (0, 1, … in order of first appearance). */
const SEQUENCE = -1;

/** One event of a template: its body cut where each slot's value goes (`pieces.length === slots.length + 1`). */
interface TemplateEvent {
  readonly name: string;
  readonly pieces: readonly string[];
  readonly slots: readonly number[];
  /** Whether the controller's tracker mirrors it into Redis (it maps to a channel fact). */
  readonly mirrored: boolean;
  /** Size of the captured body. */
  readonly bytes: number;
}

/** One captured call, ready to be replayed with fresh uuids. */
interface CallTemplate {
  readonly capture: string;
  readonly channels: number;
  readonly events: readonly TemplateEvent[];
}

/** What the stream is made of, for the report. */
export interface StreamShape {
  /** Per captured call: its events, how many of them the tracker mirrors, their json bodies' bytes. */
  readonly calls: ReadonlyArray<{ readonly capture: string; readonly events: number; readonly mirrored: number; readonly bytes: number }>;
  /** Event name → how many times it occurs in one round of the calls above. */
  readonly names: ReadonlyMap<string, number>;
}

const CONTROLLER_EVENT_NAMES = new Set(CONTROLLER_EVENTS);

function templateOf(capture: string): CallTemplate {
  const events = readCaptureFrames(capture)
    .filter((frame) => headerOf(frame, 'Content-Type') === 'text/event-json')
    .map((frame) => ({ text: frame.body.toString('utf8'), headers: JSON.parse(frame.body.toString('utf8')) as Record<string, string> }))
    .filter(({ headers }) => CONTROLLER_EVENT_NAMES.has(headers['Event-Name'] ?? '') && headers['Unique-ID'] !== undefined);
  const channels = [...new Set(events.map(({ headers }) => headers['Unique-ID'] as string))];
  const slotOf = new Map(channels.map((uuid, slot) => [uuid, slot]));
  // One alternation of every channel uuid and the Event-Sequence member; split() keeps the matches (odd indexes).
  const cut = new RegExp(`(${channels.join('|')}|(?<="Event-Sequence":")\\d+)`);
  return {
    capture,
    channels: channels.length,
    events: events.map(({ text, headers }) => {
      const parts = text.split(cut);
      return {
        name: headers['Event-Name'] as string,
        pieces: parts.filter((_, i) => i % 2 === 0),
        slots: parts.filter((_, i) => i % 2 === 1).map((match) => slotOf.get(match) ?? SEQUENCE),
        mirrored: channelFactOf({ name: headers['Event-Name'] as string, headers, body: '' }) !== undefined,
        bytes: Buffer.byteLength(text),
      };
    }),
  };
}

/** Replays the captured calls round-robin as new calls: frames exactly as FreeSWITCH writes them. */
export class CallStream {
  private readonly templates = CALL_CAPTURES.map(templateOf);
  private nextTemplate = 0;

  constructor(private sequence: number) {}

  /** Whole calls until at least `minEvents` events; the frames concatenated, and how many events they hold. */
  frames(minEvents: number): { bytes: Buffer; events: number } {
    const frames: Buffer[] = [];
    while (frames.length < minEvents) {
      const template = this.templates[this.nextTemplate++ % this.templates.length] as CallTemplate;
      const uuids = Array.from({ length: template.channels }, () => randomUUID());
      for (const event of template.events) {
        const sequence = String(this.sequence++);
        let body = event.pieces[0] as string;
        event.slots.forEach((slot, i) => {
          body += (slot === SEQUENCE ? sequence : uuids[slot]) + (event.pieces[i + 1] as string);
        });
        frames.push(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`));
      }
    }
    return { bytes: Buffer.concat(frames), events: frames.length };
  }

  /** The calls one round of the stream replays. */
  shape(): StreamShape {
    const names = new Map<string, number>();
    for (const event of this.templates.flatMap((template) => template.events)) names.set(event.name, (names.get(event.name) ?? 0) + 1);
    return {
      calls: this.templates.map((template) => ({
        capture: template.capture.replace(/\.event-json\.txt$/, ''),
        events: template.events.length,
        mirrored: template.events.filter((event) => event.mirrored).length,
        bytes: template.events.reduce((sum, event) => sum + event.bytes, 0),
      })),
      names,
    };
  }
}
