import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent, isEventFrame } from '../../../src/esl/event.ts';
import { EslProtocolError } from '../../../src/esl/errors.ts';
import { type EslFrame, FrameParser, MAX_HEADER_BLOCK_BYTES, safeUrlDecode } from '../../../src/esl/frame-parser.ts';
import { captureBytes } from '../../helpers/captures.ts';

function parseAll(chunks: Buffer[]): EslFrame[] {
  const parser = new FrameParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('FrameParser', () => {
  const plain = captureBytes('02-ring-then-intercept.event-plain.txt');
  const json = captureBytes('02-ring-then-intercept.event-json.txt');

  it('frames a whole captured stream: every event decodes, each Event-Sequence once', () => {
    for (const bytes of [plain, json]) {
      const frames = parseAll([bytes]);
      const events = frames.filter(isEventFrame).map(decodeEvent);
      expect(events.length).toBeGreaterThan(100);
      const sequences = events.map((e) => Number(e.headers['Event-Sequence']));
      expect(sequences.every(Number.isInteger)).toBe(true);
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(new FrameParser().push(bytes).length).toBe(frames.length);
    }
  });

  it('gives the same frames whatever the TCP chunking: split at every byte boundary of a real prefix', () => {
    const sample = plain.subarray(0, 6000);
    const expected = parseAll([sample]);
    expect(expected.length).toBeGreaterThan(3);
    for (let cut = 1; cut < sample.length; cut++) {
      expect(parseAll([sample.subarray(0, cut), sample.subarray(cut)])).toEqual(expected);
    }
  });

  it('gives the same frames for random chunkings of a whole capture', () => {
    const expected = parseAll([json]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: json.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...sorted].map((start, i) => json.subarray(start, sorted[i] ?? json.length));
        expect(parseAll(chunks)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('reads api/response bodies that have no trailing newline, back to back with the next frame', () => {
    const frames = parseAll([Buffer.from('Content-Type: api/response\nContent-Length: 4\n\ntrueContent-Type: command/reply\nReply-Text: +OK\n\n')]);
    expect(frames).toEqual([
      { headers: { 'Content-Type': 'api/response', 'Content-Length': '4' }, body: 'true' },
      { headers: { 'Content-Type': 'command/reply', 'Reply-Text': '+OK' }, body: '' },
    ]);
  });

  it('counts Content-Length in bytes, not characters (multi-byte caller names)', () => {
    const body = 'Event-Name: CUSTOM\nCaller-Caller-ID-Name: Jürgen 東京\n\n';
    const bytes = Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}Content-Type: command/reply\nReply-Text: +OK\n\n`);
    const frames = parseAll([...bytes].map((b) => Buffer.from([b])));
    expect(frames).toHaveLength(2);
    expect(decodeEvent(frames[0] as EslFrame).headers['Caller-Caller-ID-Name']).toBe('Jürgen 東京');
  });

  it('keeps a % in an outer header verbatim (the modesl URIError crash)', () => {
    const [frame] = parseAll([Buffer.from('Content-Type: command/reply\nReply-Text: +OK filter added. [x]=[100%]\n\n')]);
    expect(frame?.headers['Reply-Text']).toBe('+OK filter added. [x]=[100%]');
  });

  it('refuses a Content-Length that is not a number, with a named error', () => {
    expect(() => parseAll([Buffer.from('Content-Type: api/response\nContent-Length: 12abc\n\nxx')])).toThrow(EslProtocolError);
    expect(() => parseAll([Buffer.from('Content-Type: api/response\nContent-Length: -5\n\n')])).toThrow(/invalid Content-Length/);
  });

  it('resets on a header block that is not a frame: framing was lost (a Content-Length that lied)', () => {
    const event = '{"Event-Name":"HEARTBEAT"}';
    // One byte too many: the next frame's "C" is eaten, its header block reads "ontent-Length": no body for an event.
    const lied = `Content-Length: ${event.length + 1}\nContent-Type: text/event-json\n\n${event}Content-Length: ${event.length}\nContent-Type: text/event-json\n\n${event}`;
    expect(() => parseAll([Buffer.from(lied)])).toThrow(/text\/event-json frame without Content-Length: framing lost/);
    // One byte too few: the body's last byte starts the next header block, which names no Content-Type.
    const short = `Content-Length: 3\nContent-Type: api/response\n\n+OK\nReply-Text: x\n\n`;
    expect(() => parseAll([Buffer.from(short)])).toThrow(/without Content-Type: framing lost/);
  });

  it('refuses a header block longer than 16 MiB instead of buffering it', () => {
    const parser = new FrameParser();
    const chunk = Buffer.alloc(1024 * 1024, 'A');
    let thrown: unknown;
    for (let i = 0; i < 17 && thrown === undefined; i++) {
      try {
        parser.push(chunk);
      } catch (error) {
        thrown = error;
      }
    }
    expect(thrown).toBeInstanceOf(EslProtocolError);
    expect(parser.bufferedBytes).toBeLessThanOrEqual(MAX_HEADER_BLOCK_BYTES + chunk.length);
  });

  it('holds only the unfinished frame in its buffer', () => {
    const parser = new FrameParser();
    parser.push(Buffer.from('Content-Type: api/response\nContent-Length: 10\n\n12345'));
    expect(parser.bufferedBytes).toBe(5);
    expect(parser.push(Buffer.from('67890'))).toEqual([{ headers: { 'Content-Type': 'api/response', 'Content-Length': '10' }, body: '1234567890' }]);
    expect(parser.bufferedBytes).toBe(0);
  });
});

describe('event decoding', () => {
  it('decodes plain bodies with url-encoded values and an inner body (BACKGROUND_JOB)', () => {
    const body = 'Event-Name: BACKGROUND_JOB\nJob-UUID: j1\nJob-Command-Arg: loopback/no_such_ext/default%20%26park()\nContent-Length: 24\n\n-ERR UNALLOCATED_NUMBER\n';
    const event = decodeEvent({ headers: { 'Content-Type': 'text/event-plain' }, body });
    expect(event.name).toBe('BACKGROUND_JOB');
    expect(event.headers['Job-Command-Arg']).toBe('loopback/no_such_ext/default &park()');
    expect(event.body).toBe('-ERR UNALLOCATED_NUMBER\n');
  });

  it('decodes json bodies, taking _body as the body', () => {
    const event = decodeEvent({ headers: { 'Content-Type': 'text/event-json' }, body: '{"Event-Name":"BACKGROUND_JOB","Job-UUID":"j","_body":"+OK\\n"}' });
    expect(event).toEqual({ name: 'BACKGROUND_JOB', headers: { 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': 'j' }, body: '+OK\n' });
  });

  it('refuses a json body that is not an object, or an event without a name', () => {
    expect(() => decodeEvent({ headers: { 'Content-Type': 'text/event-json' }, body: '{"Event-Name":' })).toThrow(EslProtocolError);
    expect(() => decodeEvent({ headers: { 'Content-Type': 'text/event-json' }, body: '[1]' })).toThrow(EslProtocolError);
    expect(() => decodeEvent({ headers: { 'Content-Type': 'text/event-plain' }, body: 'Unique-ID: x\n\n' })).toThrow(/Event-Name/);
  });

  it('safeUrlDecode never throws and keeps what it cannot decode', () => {
    expect(safeUrlDecode('100%')).toBe('100%');
    expect(safeUrlDecode('a%20b %ZZ %C3%A9')).toBe('a b %ZZ é');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => typeof safeUrlDecode(text) === 'string'));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => safeUrlDecode(encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))) === text.replace(/[\ud800-\udfff]/g, '')));
  });
});
