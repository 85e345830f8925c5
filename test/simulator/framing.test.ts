/**
 * Framing and encoding: the serialisers reproduce FreeSWITCH's bytes for every captured event, the
 * frame reader is indifferent to how the stream is chunked, and a strict Content-Length client never
 * desyncs on a long stream of events with hostile dialled strings and multibyte caller names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { captureBytes, captureNames } from '../helpers/captures.ts';
import { decodeEventFrame, readCaptureFrames, urlDecode } from './capture-reader.ts';
import { FrameReader, headerOf } from './frame-reader.ts';
import { FreeSwitchSimulator } from './simulator.ts';
import { EslTestClient } from './test-client.ts';
import { serializeJson, serializePlain, urlEncode } from './wire.ts';

const EVENT_STREAMS = captureNames().filter((name) => /(\.event-(plain|json)|event-plain-ALL[^.]*)\.txt$/.test(name));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('event serialisation against the captures', () => {
  it.each(EVENT_STREAMS)('re-serialising every event of %s gives the captured bytes', (fileName) => {
    const frames = readCaptureFrames(fileName).filter((frame) => headerOf(frame, 'Content-Type')?.startsWith('text/event-'));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      const event = decodeEventFrame(frame)!;
      // The decoded headers end with the Content-Length the serialiser itself adds before a body.
      const headers = event.body === undefined ? event.headers : event.headers.slice(0, event.headers.map(([name]) => name).lastIndexOf('Content-Length'));
      const serialize = headerOf(frame, 'Content-Type') === 'text/event-json' ? serializeJson : serializePlain;
      expect(serialize(headers, event.body)).toBe(frame.body.toString('utf8'));
    }
  });

  it('url-encodes like switch_url_encode: unsafe bytes and UTF-8 as %XX, an upper-case %XX kept', () => {
    expect(urlEncode('fd00::2')).toBe('fd00%3A%3A2');
    expect(urlEncode('loopback/no_such_ext/default &park()')).toBe('loopback/no_such_ext/default%20%26park()');
    expect(urlEncode('tone_stream://%(250,250,480,620);loops=3')).toBe('tone_stream%3A//%25(250,250,480,620)%3Bloops%3D3');
    expect(urlEncode('88sales\napi x')).toBe('88sales%0Aapi%20x');
    expect(urlEncode('Jürgen')).toBe('J%C3%BCrgen');
    expect(urlEncode('%0a and %0A')).toBe('%250a%20and%20%0A');
  });
});

describe('frame reader', () => {
  it('reads a capture the same whatever the chunk boundaries', () => {
    const bytes = captureBytes('14-park-pickup-sendmsg-intercept.node1.event-plain.txt');
    const whole = new FrameReader().push(bytes);
    let seed = 7;
    for (let run = 0; run < 5; run++) {
      const reader = new FrameReader();
      const frames = [];
      for (let offset = 0; offset < bytes.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (seed % 700);
        frames.push(...reader.push(bytes.subarray(offset, offset + size)));
        offset += size;
      }
      expect(frames).toEqual(whole);
      expect(reader.leftover).toBe(0);
    }
  });
});

describe('a strict Content-Length client never desyncs', () => {
  const HOSTILE_DIALLED = [
    '88sales\napi originate loopback/1/default &park()',
    '88sales\r\n\r\nContent-Length: 0\n\n',
    '88%0asales',
    '88sales%0A',
    `88${'x'.repeat(5_000)}`,
    '88 ünïcødé 東京 😀',
    '88sales: Content-Type: text/event-plain',
  ];
  const NAMES = ['Jürgen Groß', '東京の受付', 'Łukasz 😀', 'plain'];

  it('over more than 1000 events, in plain and json, with byte-counted Content-Length', async () => {
    // Whatever the picker dials parks (the product's dialplan would refuse most of these strings).
    const sim = new FreeSwitchSimulator({ parkTickMs: 1, dialplan: [{ name: 'park-anything', expression: /^/, actions: [['park']] }] });
    const port = await sim.listen(0);
    cleanups.push(() => sim.close());
    const plain = await EslTestClient.subscribed(port, 'plain ALL');
    const json = await EslTestClient.subscribed(port, 'json ALL');
    cleanups.push(() => plain.close(), () => json.close());

    const pickers = new Map<string, string>();
    for (let round = 0; round < 8; round++) {
      for (const [index, dialled] of HOSTILE_DIALLED.entries()) {
        const call = await sim.placeCall({ domain: 'pbx.test', targets: [`2${index}${round}`], callerName: NAMES[index % NAMES.length]! });
        const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled });
        pickers.set(picker, dialled);
        await sim.hangup(picker);
        await sim.hangup(call.aLeg);
      }
    }
    for (const client of [plain, json]) await client.command('api hostname');

    for (const client of [plain, json]) {
      expect(client.leftover).toBe(0);
      expect(client.events.length).toBeGreaterThan(1000);
      const parks = client.events.filter((event) => event.get('Event-Name') === 'CHANNEL_PARK');
      expect(parks).toHaveLength(pickers.size);
      for (const park of parks) {
        const dialled = pickers.get(park.get('Unique-ID')!)!;
        // FreeSWITCH leaves an upper-case %XX unencoded, so plain readers decode it: that is real behaviour.
        const expected = client === plain ? urlDecode(urlEncode(dialled)) : dialled;
        expect(park.get('Caller-Destination-Number')).toBe(expected);
        expect(park.get('variable_sip_req_user')).toBe(expected);
      }
      const callerNames = new Set(client.events.map((event) => event.get('Caller-Caller-ID-Name')));
      for (const name of NAMES) expect(callerNames.has(name)).toBe(true);
    }
  });
});
