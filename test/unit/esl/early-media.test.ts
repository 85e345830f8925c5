import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayPlayEarlyMedia } from '../../../src/esl/early-media.ts';
import { FrameParser } from '../../../src/esl/frame-parser.ts';
import { secureMediaDemandOf } from '../../../src/esl/secure-media.ts';
import { channelDataOf } from '../../../src/esl/socket-session.ts';
import { captureBytes } from '../../helpers/captures.ts';

/** 16a's picker: a real phone's plain offer (RTP/AVP PCMU), late negotiation, profile codecs PCMU,PCMA, no SRTP demand. */
function capturedChannel(): Record<string, string> {
  const [connectReply] = new FrameParser().push(captureBytes('16a-sync-socket-decision-rpc.node1.socket-session.txt'));
  return channelDataOf(connectReply!);
}

const HEAD = 'v=0\r\no=phone 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n';
const KEY = 'inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4';
const PCMU = 'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

/** Offers as phones send them. */
const OFFERS = {
  plain: `${HEAD}m=audio 4000 RTP/AVP 0 101\r\n${PCMU}`,
  sdes: `${HEAD}m=audio 4000 RTP/SAVP 0 101\r\n${PCMU}a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\n`,
  sdes32: `${HEAD}m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_32 ${KEY}\r\n`,
  dtlsSavp: `${HEAD}m=audio 4000 RTP/SAVP 0\r\na=fingerprint:sha-256 4A:AD:B9\r\na=setup:actpass\r\n`,
  webRtc: `${HEAD}m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=ice-ufrag:F7gI\r\na=fingerprint:sha-256 4A:AD:B9\r\na=setup:actpass\r\na=rtcp-mux\r\n`,
  webRtcSdes: `${HEAD}m=audio 9 RTP/SAVPF 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\n`,
  webRtcSessionFingerprint: `${HEAD}a=fingerprint:sha-256 4A:AD:B9\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n`,
  savpNoKeys: `${HEAD}m=audio 4000 RTP/SAVP 0\r\n`,
  cryptoInAvp: `${HEAD}m=audio 4000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\n`,
  // "Best effort SRTP" phones: the same stream secured, then plain (or the other way round).
  savpThenAvp: `${HEAD}m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\nm=audio 4000 RTP/AVP 0\r\n`,
  avpThenSavp: `${HEAD}m=audio 4000 RTP/AVP 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\n`,
  webRtcVideoThenSdesAudio: `${HEAD}m=video 9 UDP/TLS/RTP/SAVPF 96\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 ${KEY}\r\n`,
  declinedThenPlain: `${HEAD}m=audio 0 RTP/SAVP 0\r\nm=audio 4000 RTP/AVP 0\r\n`,
  allDeclined: `${HEAD}m=audio 0 RTP/AVP 0\r\n`,
  noConnection: 'v=0\r\no=phone 1 1 IN IP4 192.0.2.9\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
  opusOnly: `${HEAD}m=audio 4000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n`,
  dtmfOnly: `${HEAD}m=audio 4000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n`,
  unknownTransport: `${HEAD}m=audio 4000 TCP/RTP/AVP 0\r\n`,
  videoOnly: `${HEAD}m=video 4000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n`,
} as const;

/** The captured picker with another offer and variables (undefined: the variable is not on the channel). */
function picker(offer: keyof typeof OFFERS | undefined, variables: Record<string, string | undefined> = {}): Record<string, string> {
  const channel: Record<string, string> = { ...capturedChannel() };
  if (offer === undefined) delete channel.variable_switch_r_sdp;
  else channel.variable_switch_r_sdp = OFFERS[offer];
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete channel[`variable_${name}`];
    else channel[`variable_${name}`] = value;
  }
  return channel;
}

describe('mayPlayEarlyMedia (can a refusal tone pre-answer this picker without FreeSWITCH failing its media?)', () => {
  it('the captured picker (plain offer, no SRTP demand) may hear the tone; with its user demanding SRTP it may not', () => {
    expect(mayPlayEarlyMedia(capturedChannel())).toBe(true);
    expect(mayPlayEarlyMedia({ ...capturedChannel(), variable_rtp_secure_media: 'true' })).toBe(false);
  });

  describe('SRTP not demanded (rtp_secure_media unset or optional)', () => {
    it.each([
      ['plain', true],
      ['sdes', true],
      ['dtlsSavp', true],
      ['webRtc', true],
      ['savpThenAvp', true],
      ['avpThenSavp', true],
      ['declinedThenPlain', true],
      ['savpNoKeys', false],
      ['webRtcSdes', false],
      ['cryptoInAvp', false],
      ['noConnection', false],
      ['allDeclined', false],
      ['unknownTransport', false],
      ['videoOnly', false],
      ['dtmfOnly', false],
      ['opusOnly', false],
    ] as const)('%s offer → %s', (offer, expected) => {
      expect(mayPlayEarlyMedia(picker(offer))).toBe(expected);
      expect(mayPlayEarlyMedia(picker(offer, { rtp_secure_media: 'optional' }))).toBe(expected);
    });
  });

  describe('SRTP mandatory (rtp_secure_media=true / mandatory…)', () => {
    it.each([
      ['plain', false],
      ['sdes', true],
      ['dtlsSavp', true],
      ['webRtc', true],
      ['savpThenAvp', true],
      ['avpThenSavp', true],
      ['savpNoKeys', false],
      ['webRtcSdes', false],
      ['webRtcSessionFingerprint', false],
      ['webRtcVideoThenSdesAudio', false],
      ['cryptoInAvp', false],
      ['declinedThenPlain', false],
    ] as const)('%s offer → %s', (offer, expected) => {
      for (const demand of ['true', 'mandatory', 'yes', '1', 'MANDATORY:AES_CM_128_HMAC_SHA1_80']) {
        expect(mayPlayEarlyMedia(picker(offer, { rtp_secure_media: demand }))).toBe(expected);
      }
    });

    it('needs a key in a suite the demand accepts', () => {
      expect(mayPlayEarlyMedia(picker('sdes32', { rtp_secure_media: 'true' }))).toBe(true);
      expect(mayPlayEarlyMedia(picker('sdes32', { rtp_secure_media: 'true:AES_CM_128_HMAC_SHA1_80' }))).toBe(false);
      expect(mayPlayEarlyMedia(picker('sdes32', { rtp_secure_media: 'true', rtp_secure_media_suites: 'AES_CM_128_HMAC_SHA1_80' }))).toBe(false);
      expect(mayPlayEarlyMedia(picker('sdes', { rtp_secure_media: 'mandatory:NO_SUCH_SUITE' }))).toBe(false);
    });

    it('counts a DTLS fingerprint only while DTLS is enabled, and keys on a plain stream never', () => {
      expect(mayPlayEarlyMedia(picker('webRtc', { rtp_secure_media: 'true', webrtc_enable_dtls: 'false' }))).toBe(false);
      expect(mayPlayEarlyMedia(picker('webRtc', { rtp_secure_media: 'true', webrtc_enable_dtls: 'true' }))).toBe(true);
      expect(mayPlayEarlyMedia(picker('cryptoInAvp', { rtp_secure_media: 'true', rtp_allow_crypto_in_avp: 'true' }))).toBe(false);
    });
  });

  describe('SRTP forbidden (rtp_secure_media=false / forbidden / anything else)', () => {
    it.each([
      ['plain', true],
      ['savpThenAvp', true],
      ['avpThenSavp', true],
      ['sdes', false],
      ['dtlsSavp', false],
      ['webRtc', false],
      ['cryptoInAvp', false],
    ] as const)('%s offer → %s', (offer, expected) => {
      for (const demand of ['false', 'forbidden', 'no', '0', 'mandatry']) {
        expect(mayPlayEarlyMedia(picker(offer, { rtp_secure_media: demand }))).toBe(expected);
      }
    });

    it('takes crypto on a plain stream only where rtp_allow_crypto_in_avp allows it', () => {
      expect(mayPlayEarlyMedia(picker('cryptoInAvp', { rtp_secure_media: 'false', rtp_allow_crypto_in_avp: 'true' }))).toBe(true);
      expect(mayPlayEarlyMedia(picker('cryptoInAvp', { rtp_allow_crypto_in_avp: 'yes' }))).toBe(true);
    });
  });

  it('reads rtp_secure_media_inbound before rtp_secure_media', () => {
    expect(mayPlayEarlyMedia(picker('plain', { rtp_secure_media: 'true', rtp_secure_media_inbound: 'optional' }))).toBe(true);
    expect(mayPlayEarlyMedia(picker('plain', { rtp_secure_media: 'optional', rtp_secure_media_inbound: 'mandatory' }))).toBe(false);
    expect(mayPlayEarlyMedia(picker('plain', { rtp_secure_media: 'true', rtp_secure_media_inbound: '' }))).toBe(false);
  });

  it('without an offer, or without codec preferences to match it against, says no', () => {
    expect(mayPlayEarlyMedia(picker(undefined))).toBe(false);
    expect(mayPlayEarlyMedia({ ...picker('plain'), variable_switch_r_sdp: '' })).toBe(false);
    expect(mayPlayEarlyMedia(picker('plain', { rtp_use_codec_string: undefined }))).toBe(false);
    expect(mayPlayEarlyMedia({})).toBe(false);
  });

  it('matches codecs by name against absolute_codec_string, else codec_string, else the profile’s list', () => {
    expect(mayPlayEarlyMedia(picker('plain', { absolute_codec_string: 'G722', codec_string: 'PCMU' }))).toBe(false);
    expect(mayPlayEarlyMedia(picker('plain', { codec_string: 'PCMA' }))).toBe(false);
    expect(mayPlayEarlyMedia(picker('plain', { codec_string: '=PCMA,PCMU@20i' }))).toBe(true);
    expect(mayPlayEarlyMedia(picker('plain', { rtp_use_codec_string: 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b' }))).toBe(true);
    expect(mayPlayEarlyMedia(picker('opusOnly', { rtp_use_codec_string: 'OPUS@48000h@20i,PCMU' }))).toBe(true);
    expect(mayPlayEarlyMedia(picker('webRtc', { rtp_use_codec_string: 'opus' }))).toBe(true);
  });
});

// ---- properties -----------------------------------------------------------------------------------

const VARIABLES = [
  'switch_r_sdp', 'rtp_secure_media', 'rtp_secure_media_inbound', 'rtp_secure_media_suites', 'rtp_allow_crypto_in_avp',
  'webrtc_enable_dtls', 'absolute_codec_string', 'codec_string', 'rtp_use_codec_string',
];
const MANDATORY = fc.tuple(fc.constantFrom('true', 'mandatory', 'MANDATORY', 'yes', 'on', 't', 'enabled', 'active', 'allow', '1', '+7', '2.5'), fc.constantFrom('', ':AES_CM_128_HMAC_SHA1_80', ':x', ':')).map(([mode, suites]) => mode + suites);
const PROFILE = fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF', 'RTP/AVPF', 'TCP/RTP/AVP', 'rtp/savp', '');
const KEYLESS_ATTRIBUTE = fc.oneof(
  fc.constantFrom('a=rtpmap:0 PCMU/8000', 'a=rtpmap:111 opus/48000/2', 'a=ptime:20', 'a=sendrecv', 'a=rtcp-mux', 'a=ice-ufrag:x', 'a=setup:actpass', 'c=IN IP4 192.0.2.9'),
  fc.string().map((text) => `a=${text}`),
);
const MEDIA_SECTION = fc
  .tuple(fc.constantFrom('audio', 'video', 'AUDIO'), fc.constantFrom('0', '4000', '9', 'x'), PROFILE, fc.constantFrom('0', '0 8 101', '111', '96', ''), fc.array(KEYLESS_ATTRIBUTE, { maxLength: 5 }))
  .map(([media, port, profile, formats, attributes]) => [`m=${media} ${port} ${profile} ${formats}`, ...attributes].join('\r\n'));
/** Offers whose only keys could come from random attribute text: the property filters those out. */
const OFFER = fc.tuple(fc.boolean(), fc.array(MEDIA_SECTION, { maxLength: 4 })).map(([connection, sections]) => [HEAD.replace('c=IN IP4 192.0.2.9\r\n', connection ? 'c=IN IP4 192.0.2.9\r\n' : ''), ...sections].join('\r\n'));
const hasKeys = (offer: string): boolean => /^a=(crypto|fingerprint)/im.test(offer);

describe('mayPlayEarlyMedia, properties', () => {
  it('never throws, whatever the channel’s variables hold', () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }), OFFER, MANDATORY, fc.constantFrom('constructor', '__proto__', '', 'true', 'false'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...VARIABLES.map((name) => `variable_${name}`), '__proto__', 'constructor'), value), (channel) => {
        expect(typeof mayPlayEarlyMedia(channel)).toBe('boolean');
      }),
    );
  });

  it('is false whenever SRTP is demanded and the offer carries no key (no a=crypto, no a=fingerprint)', () => {
    fc.assert(
      fc.property(MANDATORY, fc.boolean(), OFFER, fc.constantFrom('PCMU,PCMA', 'OPUS,PCMU', '=PCMU'), fc.constantFrom(undefined, 'true', 'false'), (demand, inbound, offer, codecs, allowCryptoInAvp) => {
        fc.pre(!hasKeys(offer));
        const channel: Record<string, string> = {
          [inbound ? 'variable_rtp_secure_media_inbound' : 'variable_rtp_secure_media']: demand,
          variable_switch_r_sdp: offer,
          variable_rtp_use_codec_string: codecs,
          ...(allowCryptoInAvp === undefined ? {} : { variable_rtp_allow_crypto_in_avp: allowCryptoInAvp }),
        };
        expect(secureMediaDemandOf((name) => channel[`variable_${name}`]).mode).toBe('mandatory');
        expect(mayPlayEarlyMedia(channel)).toBe(false);
      }),
    );
  });

  it('is false for any demand the variables spell, when the offer carries no key and no plain RTP/AVP stream', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), MANDATORY), OFFER, (demand, offer) => {
        fc.pre(!hasKeys(offer) && !/^m=audio [1-9]\d* RTP\/AVP /im.test(offer));
        expect(mayPlayEarlyMedia({ variable_rtp_secure_media: demand, variable_switch_r_sdp: offer, variable_rtp_use_codec_string: 'PCMU,PCMA,OPUS' })).toBe(false);
      }),
    );
  });
});
