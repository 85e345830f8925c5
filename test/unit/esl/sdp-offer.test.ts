import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSdpOffer } from '../../../src/esl/sdp-offer.ts';

const HEAD = 'v=0\r\no=phone 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n';

describe('parseSdpOffer (the audio streams of a phone’s offer)', () => {
  it('reads a plain offer: port, RTP/AVP, codecs from a=rtpmap and the static table, the session’s c= line', () => {
    const offer = parseSdpOffer(`${HEAD}m=audio 40000 RTP/AVP 9 0 8 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\n`);
    expect(offer).toEqual({
      audio: [{ port: 40000, profile: 'avp', cryptoLines: [], hasFingerprint: false, codecs: ['g722', 'pcmu', 'pcma', 'telephone-event'], hasConnection: true }],
      webRtc: false,
    });
  });

  it('reads SDES keys and a DTLS fingerprint of each stream, and its transport', () => {
    const offer = parseSdpOffer(
      `${HEAD}m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\r\n` +
        'm=audio 4002 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=fingerprint:sha-256 AB:CD\r\n' +
        'm=audio 4004 rtp/savpf 0\r\nm=audio 4006 RTP/AVPF 0\r\nm=audio 4008 UDP/RTP/AVPF 0\r\nm=audio 4010 TCP/RTP/AVP 0\r\n',
    );
    expect(offer?.audio.map((stream) => [stream.profile, stream.cryptoLines.length, stream.hasFingerprint, stream.codecs])).toEqual([
      ['savp', 1, false, ['pcmu']],
      ['savpf', 0, true, ['opus']],
      ['savpf', 0, false, ['pcmu']],
      ['avpf', 0, false, ['pcmu']],
      ['avpf', 0, false, ['pcmu']],
      ['other', 0, false, ['pcmu']],
    ]);
    expect(offer?.webRtc).toBe(true);
  });

  it('keeps the streams of audio only, with a declined one as port 0; a WebRTC video stream still marks the offer', () => {
    const offer = parseSdpOffer(`${HEAD}m=video 5000 UDP/TLS/RTP/SAVPF 96\r\nm=audio 0 RTP/AVP 0\r\nm=audio 6000/2 RTP/AVP 0\r\n`);
    expect(offer?.audio.map((stream) => stream.port)).toEqual([0, 6000]);
    expect(offer?.webRtc).toBe(true);
  });

  it('counts a fingerprint or crypto only on the stream it is on, and a c= line for the stream or the session', () => {
    const offer = parseSdpOffer(
      'v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\na=fingerprint:sha-256 AB:CD\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\n' +
        'm=audio 4000 RTP/SAVP 0\nm=audio 4002 RTP/SAVP 0\nc=IN IP4 192.0.2.9\na=crypto:\n',
    );
    expect(offer?.audio.map((stream) => [stream.hasFingerprint, stream.cryptoLines, stream.hasConnection])).toEqual([
      [false, [], false],
      [false, [], true],
    ]);
  });

  it('leaves out a dynamic payload without a=rtpmap, and refuses what is not an SDP', () => {
    expect(parseSdpOffer(`${HEAD}m=audio 4000 RTP/AVP 96 constructor\r\n`)?.audio[0]?.codecs).toEqual([]);
    expect(parseSdpOffer('')).toBeUndefined();
    expect(parseSdpOffer('m=audio 4000 RTP/AVP 0\r\n')).toBeUndefined();
  });

  it('never throws, whatever the text', () => {
    const sdpish = fc.array(fc.oneof(fc.constantFrom('v=0', 'c=IN IP4 1.2.3.4', 'm=audio 4000 RTP/SAVP 0', 'a=crypto:1 x', 'a=rtpmap:', 'm=', 'a=', 'a=fingerprint'), fc.string()), { maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), sdpish.map((lines) => lines.join('\r\n'))), (text) => {
        parseSdpOffer(text);
      }),
    );
  });
});
