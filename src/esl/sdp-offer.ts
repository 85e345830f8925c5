/**
 * The audio streams of an SDP offer (a phone's INVITE, kept by FreeSWITCH as `switch_r_sdp`), read only as far as
 * early-media.ts needs: transport profile, key material, codec names, connection. Pure; any text is accepted (the
 * offer is untrusted) and nothing throws.
 */

/**
 * An m= line's transport, in the classes FreeSWITCH tells apart (switch_core_media_negotiate_sdp): RTP/AVP,
 * RTP/SAVP, and the WebRTC ("extended") profiles with and without SRTP. Anything else is 'other'.
 */
export type TransportProfile = 'avp' | 'savp' | 'avpf' | 'savpf' | 'other';

/** One `m=audio` stream of the offer. */
export interface AudioStream {
  /** 0: the phone declined this stream (FreeSWITCH skips it). */
  readonly port: number;
  readonly profile: TransportProfile;
  /** The values of its `a=crypto` lines (SDES keys: `<tag> <suite> inline:…`). */
  readonly cryptoLines: readonly string[];
  /** It has its own `a=fingerprint` (DTLS-SRTP); one at session level does not count for FreeSWITCH. */
  readonly hasFingerprint: boolean;
  /** Encoding names of its payload types, lower case: from `a=rtpmap`, else the static RTP/AVP table. */
  readonly codecs: readonly string[];
  /** A `c=` line applies to it (its own or the session's). */
  readonly hasConnection: boolean;
}

/** What an offer holds for audio, in the order of its m= lines. */
export interface SdpOffer {
  readonly audio: readonly AudioStream[];
  /** Some m= line (of any media) uses a WebRTC profile: FreeSWITCH then treats the whole channel as WebRTC (CF_AVPF). */
  readonly webRtc: boolean;
}

// Maps, not object literals: keys come from untrusted text ("constructor" must not find anything).
const PROFILES: ReadonlyMap<string, TransportProfile> = new Map([
  ['rtp/avp', 'avp'],
  ['rtp/savp', 'savp'],
  ['rtp/avpf', 'avpf'],
  ['udp/rtp/avpf', 'avpf'],
  ['rtp/savpf', 'savpf'],
  ['udp/tls/rtp/savpf', 'savpf'],
]);

// RFC 3551's static payload types, for m= formats that come without an a=rtpmap line.
const STATIC_PAYLOADS: ReadonlyMap<string, string> = new Map(
  Object.entries({ 0: 'pcmu', 3: 'gsm', 4: 'g723', 5: 'dvi4', 6: 'dvi4', 7: 'lpc', 8: 'pcma', 9: 'g722', 10: 'l16', 11: 'l16', 12: 'qcelp', 13: 'cn', 14: 'mpa', 15: 'g728', 16: 'dvi4', 17: 'dvi4', 18: 'g729' }),
);

interface MediaSection {
  readonly media: string;
  readonly port: number;
  readonly profile: TransportProfile;
  readonly formats: readonly string[];
  readonly attributes: Array<[name: string, value: string]>;
  hasConnection: boolean;
}

/** Reads an offer; undefined when the text is not an SDP session description (it must begin with `v=`). */
export function parseSdpOffer(text: string): SdpOffer | undefined {
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  if (!lines[0]?.startsWith('v=')) return undefined;
  let sessionConnection = false;
  const sections: MediaSection[] = [];
  for (const line of lines) {
    const type = line.slice(0, 2);
    const value = line.slice(2);
    const current = sections.at(-1);
    if (type === 'm=') sections.push(mediaSection(value));
    else if (type === 'c=') {
      if (current) current.hasConnection = true;
      else sessionConnection = true;
    } else if (type === 'a=' && current) {
      const colon = value.indexOf(':');
      current.attributes.push(colon < 0 ? [value.toLowerCase(), ''] : [value.slice(0, colon).toLowerCase(), value.slice(colon + 1)]);
    }
  }
  return {
    audio: sections.filter((section) => section.media === 'audio').map((section) => audioStream(section, sessionConnection)),
    webRtc: sections.some((section) => section.profile === 'avpf' || section.profile === 'savpf'),
  };
}

function mediaSection(description: string): MediaSection {
  const [media = '', port = '', proto = '', ...formats] = description.split(/[ \t]+/).filter((word) => word !== '');
  return {
    media: media.toLowerCase(),
    // `<port>/<count>` names a range; FreeSWITCH reads the first port.
    port: Number.parseInt(port, 10) || 0,
    profile: PROFILES.get(proto.toLowerCase()) ?? 'other',
    formats,
    attributes: [],
    hasConnection: false,
  };
}

function audioStream(section: MediaSection, sessionConnection: boolean): AudioStream {
  const valuesOf = (name: string): string[] => section.attributes.filter(([attribute]) => attribute === name).map(([, value]) => value);
  const encodings = new Map<string, string>();
  for (const rtpmap of valuesOf('rtpmap')) {
    const [payload = '', encoding = ''] = rtpmap.trim().split(/\s+/);
    encodings.set(payload, encoding.split('/')[0]?.toLowerCase() ?? '');
  }
  return {
    port: section.port,
    profile: section.profile,
    cryptoLines: valuesOf('crypto').filter((value) => value.trim() !== ''),
    hasFingerprint: valuesOf('fingerprint').some((value) => value.trim() !== ''),
    codecs: section.formats.map((format) => encodings.get(format) ?? STATIC_PAYLOADS.get(format) ?? '').filter((codec) => codec !== ''),
    hasConnection: section.hasConnection || sessionConnection,
  };
}
