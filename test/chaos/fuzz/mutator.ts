/**
 * Seeded mutations of event-socket frames: every frame the fuzzer writes is a corpus frame changed by one of these.
 * `fatal` marks the ones the client must refuse by resetting the connection (a Content-Length that cannot be read);
 * `stalls` the ones that announce a large body (the client waits for it: the fuzzer sends filler).
 */
import { MAX_FRAME_BODY_BYTES } from '../../../src/esl/frame-parser.ts';
import { commandReply, apiResponse, AUTH_REQUEST, DISCONNECT_NOTICE } from '../../simulator/wire.ts';
import type { Random } from '../seeded.ts';
import { type CorpusFrame, partsOf } from './corpus.ts';

export interface MutatedFrame {
  readonly bytes: Buffer;
  readonly mutation: string;
  readonly fatal: boolean;
  readonly stalls: boolean;
  /** The frame no longer ends where its header says: what follows it is misread. */
  readonly breaksFraming: boolean;
}

type Mutation = (frame: CorpusFrame, random: Random) => { bytes: Buffer; fatal?: boolean; stalls?: boolean };

/** Content-Length values that are no length: not 1–10 ASCII digits, or above the parser's bound. */
const UNREADABLE_LENGTHS = ['abc', '-1', '1e3', ' 12', '0x1f', '12a', '', '99999999999', '4294967296', String(MAX_FRAME_BODY_BYTES + 1), '١٢', '12 ', '+5'];
const BROKEN_ESCAPES = ['%', '%G1', '%E0%A4', '%0A', '%0a', '%00', '%%', '%FF%FE', '%C3', '%ZZ', '%2', '%0D%0A%0D%0A'];
const BAD_JSON = [
  '',
  '[]',
  'null',
  '"CHANNEL_CREATE"',
  '{"Event-Name":5}',
  '{}',
  '{"Event-Name":"HEARTBEAT"',
  '{"Event-Name":"HEARTBEAT"}}garbage',
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"Event-Name":"HEARTBEAT"}',
  '{"Event-Name":"CHANNEL_CREATE","Unique-ID":123,"Answer-State":["ringing"],"Call-Direction":{"x":1},"variable_dialed_user":null}',
  '{"Event-Name":"CHANNEL_PROGRESS","Unique-ID":"\\ud800","Other-Leg-Unique-ID":"\\udfff","Answer-State":"ringing","variable_dialed_user":"200\\n","variable_dialed_domain":"${x}","Event-Sequence":"1e400"}',
  '{"Event-Name":"HEARTBEAT","Event-Name":"CHANNEL_HANGUP","Unique-ID":"a"}',
  '{"Event-Name":"\u0000"}',
];
/** Replies nobody asked for (an auth request, which makes the client authenticate again, is a mutation of its own). */
const UNSOLICITED = [commandReply('+OK accepted'), commandReply('-ERR invalid'), apiResponse('-ERR no reply\n'), DISCONNECT_NOTICE];
const CONTENT_TYPES = ['text/event-xml', 'text/event-json', 'text/event-plain', 'application/octet-stream', 'command/reply', 'api/response', 'text/disconnect-notice', ''];

function rebuild(head: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${head}\n\n`, 'latin1'), body]);
}

/** Sets (or adds) the outer Content-Length line. */
function withLength(head: string, length: string): string {
  return /^Content-Length: .*$/m.test(head) ? head.replace(/^Content-Length: .*$/m, `Content-Length: ${length}`) : `${head}\nContent-Length: ${length}`;
}

/** The frame with a new body and the Content-Length that matches it. */
function withBody(frame: CorpusFrame, body: Buffer): Buffer {
  return rebuild(withLength(partsOf(frame.bytes).head, String(body.length)), body);
}

function insertAt(buffer: Buffer, at: number, inserted: Buffer): Buffer {
  return Buffer.concat([buffer.subarray(0, at), inserted, buffer.subarray(at)]);
}

/**
 * Mutations that keep each frame's bounds (bodies, values, extra frames) come often; the ones that break them (the
 * frame no longer ends where its header says) and the fatal ones are rare: each costs the client its framing.
 */
const MUTATIONS: ReadonlyArray<readonly [name: string, weight: number, breaksFraming: boolean, mutate: Mutation]> = [
  [
    'binary-body',
    14,
    false,
    (frame, r) => {
      const bytes = Buffer.from(frame.bytes);
      const from = partsOf(bytes).head.length + 2;
      if (from >= bytes.length) return { bytes };
      const at = r.int(from, bytes.length - 1);
      r.bytes(Math.min(r.int(1, 256), bytes.length - at)).copy(bytes, at);
      return { bytes };
    },
  ],
  [
    'bit-flips-in-body',
    8,
    false,
    (frame, r) => {
      const bytes = Buffer.from(frame.bytes);
      const from = partsOf(bytes).head.length + 2;
      if (from >= bytes.length) return { bytes };
      for (let i = r.int(1, 8); i > 0; i--) {
        const at = r.int(from, bytes.length - 1);
        bytes[at] = (bytes[at] as number) ^ (1 << r.int(0, 7));
      }
      return { bytes };
    },
  ],
  [
    'broken-escapes',
    18,
    false,
    (frame, r) => {
      let text = partsOf(frame.bytes).body.toString('latin1');
      for (let i = r.int(1, 6); i > 0; i--) {
        const at = r.int(0, text.length);
        text = `${text.slice(0, at)}${r.pick(BROKEN_ESCAPES)}${text.slice(at)}`;
      }
      return { bytes: withBody(frame, Buffer.from(text, 'latin1')) };
    },
  ],
  [
    'bad-json-body',
    18,
    false,
    (frame, r) => {
      const { body } = partsOf(frame.bytes);
      const choice = r.int(0, BAD_JSON.length + 1);
      if (choice === BAD_JSON.length) return { bytes: withBody(frame, body.subarray(0, r.int(0, body.length))) };
      if (choice === BAD_JSON.length + 1) return { bytes: withBody(frame, Buffer.concat([body.subarray(0, r.int(0, body.length)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), body.subarray(r.int(0, body.length))])) };
      return { bytes: withBody(frame, Buffer.from(BAD_JSON[choice] as string)) };
    },
  ],
  [
    'control-bytes-in-value',
    6,
    false,
    (frame, r) => {
      const { head, body } = partsOf(frame.bytes);
      const lines = head.split('\n');
      const index = r.int(0, lines.length - 1);
      if (/^Content-Length:/.test(lines[index] ?? '')) return { bytes: frame.bytes };
      lines[index] = `${lines[index]}${r.pick(['\0', '\r', '\x1b[2J', '\u2028', '\xff\xfe', ': ', ':', '%0A', '${x}'])}`;
      return { bytes: rebuild(lines.join('\n'), body) };
    },
  ],
  [
    'wrong-content-type',
    10,
    false,
    (frame, r) => {
      const { head, body } = partsOf(frame.bytes);
      const type = r.pick(CONTENT_TYPES);
      const swapped = /^Content-Type: .*$/m.test(head) ? head.replace(/^Content-Type: .*$/m, type === '' ? 'X-Type: none' : `Content-Type: ${type}`) : `${head}\nContent-Type: ${type}`;
      return { bytes: rebuild(swapped, body) };
    },
  ],
  ['interleaved-reply', 12, false, (frame, r) => ({ bytes: Buffer.concat([r.pick(UNSOLICITED), frame.bytes]) })],
  ['interleaved-auth-request', 0.05, false, (frame) => ({ bytes: Buffer.concat([AUTH_REQUEST, frame.bytes]) })],
  ['stray-blank-lines', 6, false, (frame, r) => ({ bytes: Buffer.concat([Buffer.from('\n'.repeat(r.int(1, 5))), frame.bytes]) })],
  [
    'huge-header',
    0.05,
    false,
    (frame, r) => {
      const { head, body } = partsOf(frame.bytes);
      const value = Buffer.alloc(r.int(64, 512) * 1024, r.pick(['A', '%', 'é', '\u2028']));
      return { bytes: rebuild(`${head}\nX-Fuzz-Huge: ${value.toString('latin1')}`, body) };
    },
  ],
  [
    'many-headers',
    0.05,
    false,
    (frame, r) => {
      const { head, body } = partsOf(frame.bytes);
      const lines = Array.from({ length: r.int(1000, 20_000) }, (_, i) => `X-Fuzz-${i}: ${i % 7 === 0 ? '' : 'v'}`);
      return { bytes: rebuild(`${head}\n${lines.join('\n')}`, body) };
    },
  ],
  ['truncated', 0.02, true, (frame, r) => ({ bytes: frame.bytes.subarray(0, r.int(1, frame.bytes.length - 1)) })],
  [
    'wrong-content-length',
    0.02,
    true,
    (frame, r) => {
      const { head, body } = partsOf(frame.bytes);
      const delta = r.pick([1, 2, 7, 64, r.int(1, 4096)]) * (r.chance(0.5) ? -1 : 1);
      return { bytes: rebuild(withLength(head, String(Math.max(0, body.length + delta))), body) };
    },
  ],
  ['binary-in-header-block', 0.01, true, (frame, r) => ({ bytes: insertAt(frame.bytes, r.int(0, partsOf(frame.bytes).head.length), r.bytes(r.int(1, 64))) })],
  // No "\n\n" left: the header block runs on into whatever follows.
  ['crlf-line-ends', 0.01, true, (frame) => ({ bytes: Buffer.concat([Buffer.from(`${partsOf(frame.bytes).head.replaceAll('\n', '\r\n')}\r\n\r\n`, 'latin1'), partsOf(frame.bytes).body]) })],
  ['unterminated-header', 0.01, true, (frame) => ({ bytes: Buffer.from(`${partsOf(frame.bytes).head}\n`, 'latin1') })],
  ['duplicate-content-length', 0.01, true, (frame, r) => ({ bytes: rebuild(`Content-Length: ${r.int(0, 9999)}\n${partsOf(frame.bytes).head}`, partsOf(frame.bytes).body) })],
  ['unreadable-content-length', 0.05, false, (frame, r) => ({ bytes: rebuild(withLength(partsOf(frame.bytes).head, r.pick(UNREADABLE_LENGTHS)), partsOf(frame.bytes).body), fatal: true })],
  ['huge-content-length', 0.001, false, (frame, r) => ({ bytes: rebuild(withLength(partsOf(frame.bytes).head, String(r.int(1, 32) * 1024 * 1024)), partsOf(frame.bytes).body), stalls: true })],
];

/** Draws a corpus frame and a mutation for it, from the seeded stream. */
export class Mutator {
  private readonly mutations: typeof MUTATIONS;
  private readonly totalWeight: number;

  /** `keepFraming`: only mutations after which every frame still ends where its header says (none fatal). */
  constructor(
    private readonly corpus: readonly CorpusFrame[],
    private readonly random: Random,
    options: { readonly keepFraming?: boolean } = {},
  ) {
    this.mutations = options.keepFraming ? MUTATIONS.filter(([name, , breaksFraming]) => !breaksFraming && !['unreadable-content-length', 'huge-content-length'].includes(name)) : MUTATIONS;
    this.totalWeight = this.mutations.reduce((sum, [, weight]) => sum + weight, 0);
  }

  next(): MutatedFrame {
    const frame = this.random.pick(this.corpus);
    let roll = this.random.next() * this.totalWeight;
    for (const [name, weight, breaksFraming, mutate] of this.mutations) {
      roll -= weight;
      if (roll > 0) continue;
      const { bytes, fatal = false, stalls = false } = mutate(frame, this.random);
      return { bytes, mutation: name, fatal, stalls, breaksFraming };
    }
    throw new Error('unreachable: the weights add up');
  }
}
