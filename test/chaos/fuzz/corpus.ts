/**
 * What the fuzzer mutates: frames as FreeSWITCH writes them on an inbound event socket. Most are the events of whole
 * captured calls (bench/call-stream.ts: real bytes, fresh uuids), some of them re-serialised in the plain format
 * (URL-encoded values, where broken `%` escapes live); the rest are the replies, api responses, background jobs,
 * heartbeats, log lines and notices a controller also reads.
 */
import { randomUUID } from 'node:crypto';
import { CallStream } from '../../../bench/call-stream.ts';
import { splitFrames } from '../../simulator/frame-reader.ts';
import { DISCONNECT_NOTICE, apiResponse, commandReply, eventFrame, serializeJson, serializePlain, type Header } from '../../simulator/wire.ts';

/** A frame of the corpus: its bytes and what it is, for the report. */
export interface CorpusFrame {
  readonly kind: string;
  readonly bytes: Buffer;
}

/** The header block and the body of a frame, apart (mutations work on either). */
export interface FrameParts {
  readonly head: string;
  readonly body: Buffer;
}

export function partsOf(frame: Buffer): FrameParts {
  const end = frame.indexOf('\n\n');
  return end === -1 ? { head: frame.toString('latin1'), body: Buffer.alloc(0) } : { head: frame.toString('latin1', 0, end), body: frame.subarray(end + 2) };
}

/** Builds the frames once: `events` whole-call events, and the other kinds beside them. */
export function buildCorpus(events: number): CorpusFrame[] {
  const stream = new CallStream(1).frames(events);
  const jsonEvents = splitFrames(stream.bytes).frames.map((frame) => frame.body);
  const frames: CorpusFrame[] = jsonEvents.map((body) => ({ kind: 'event-json', bytes: eventFrame('json', body.toString('utf8')) }));
  // Every fourth call event again in plain: FreeSWITCH URL-encodes the values there.
  for (const body of jsonEvents.filter((_, i) => i % 4 === 0)) {
    const headers = Object.entries(JSON.parse(body.toString('utf8')) as Record<string, unknown>).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)] as Header);
    frames.push({ kind: 'event-plain', bytes: eventFrame('plain', serializePlain(headers, undefined)) });
  }
  const others: CorpusFrame[] = [
    { kind: 'command-reply', bytes: commandReply('+OK accepted') },
    { kind: 'command-reply', bytes: commandReply('+OK event listener enabled json') },
    { kind: 'command-reply', bytes: commandReply('-ERR command not found') },
    { kind: 'command-reply', bytes: commandReply(`+OK Job-UUID: ${randomUUID()}`, [['Job-UUID', randomUUID()]]) },
    { kind: 'api-response', bytes: apiResponse('+OK\n') },
    { kind: 'api-response', bytes: apiResponse('true') },
    { kind: 'api-response', bytes: apiResponse(`${randomUUID()}\n`) },
    { kind: 'api-response', bytes: apiResponse(JSON.stringify({ row_count: 40, rows: Array.from({ length: 40 }, () => ({ uuid: randomUUID(), callstate: 'RINGING', cid_name: 'Caller', cid_num: '300' })) })) },
    { kind: 'background-job', bytes: jsonEvent([['Event-Name', 'BACKGROUND_JOB'], ['Job-UUID', randomUUID()], ['Job-Command', 'show']], '{"row_count":0}\n') },
    { kind: 'heartbeat', bytes: jsonEvent([['Event-Name', 'HEARTBEAT'], ['Core-UUID', randomUUID()], ['Event-Info', 'System Ready'], ['Session-Count', '12']]) },
    { kind: 'heartbeat', bytes: eventFrame('plain', serializePlain([['Event-Name', 'HEARTBEAT'], ['Event-Info', 'System Ready'], ['Up-Time', '0 years, 0 days']], undefined)) },
    { kind: 'log-data', bytes: withBody('Content-Type: log/data\nLog-Level: 7\nText-Channel: 3', '2026-12-06 [DEBUG] switch_core_session.c:1234 some log line\n') },
    { kind: 'disconnect-notice', bytes: DISCONNECT_NOTICE },
    { kind: 'rude-rejection', bytes: withBody('Content-Type: text/rude-rejection', 'Access Denied, go away.\n') },
  ];
  // The small frames twice as often as the call events: the stream is not only 4 KB events, and a million frames
  // fit in the suite's time.
  for (let i = 0; i < Math.ceil((2 * jsonEvents.length) / others.length); i++) frames.push(...others);
  return frames;
}

function jsonEvent(headers: Header[], body?: string): Buffer {
  return eventFrame('json', serializeJson(headers, body));
}

function withBody(head: string, body: string): Buffer {
  return Buffer.from(`${head}\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
}
