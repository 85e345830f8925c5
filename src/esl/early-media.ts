/**
 * Whether FreeSWITCH can give a ringing picker early media (the 183 that a `playback` on an unanswered channel sends
 * first), judged from the channel's data (the `connect` reply of its socket). Pure.
 *
 * Why it matters: with inbound-late-negotiation (the stock profiles, and ours) the phone's offer is only negotiated at
 * the channel's first pre-answer (mod_sofia.c sofia_receive_message, SWITCH_MESSAGE_INDICATE_PROGRESS →
 * sofia_media_tech_media → switch_core_media.c switch_core_media_negotiate_sdp). When that fails,
 * switch_channel.c switch_channel_perform_pre_answer hangs the channel up itself with INCOMPATIBLE_DESTINATION — SIP
 * 488 — and the hangup cause we meant to send never runs.
 *
 * FreeSWITCH's negotiation takes the audio streams in order; the first that passes wins. It fails the whole offer for
 * a stream with no `c=` line, or with `a=crypto` on RTP/AVP (RFC 3711) unless `rtp_allow_crypto_in_avp` is true. A
 * stream fails when SRTP is mandatory and it has no key ("Crypto not negotiated but required": an `a=crypto` with a
 * suite the demand accepts, or its own DTLS `a=fingerprint` unless `webrtc_enable_dtls` is false), when SRTP is
 * forbidden and it is RTP/SAVP with SDES keys, or when it has no codec the channel may use. No offer at all fails too
 * ("CODEC NEGOTIATION ERROR … NO SDP!").
 *
 * This answers yes only for the plain cases: a RTP/AVP stream when SRTP is not mandatory, a RTP/SAVP stream with an
 * accepted SDES key or a DTLS fingerprint, a WebRTC (SAVPF) stream with a DTLS fingerprint — each with a codec in
 * common. Odd cases FreeSWITCH might still pass (keys on a plain stream, SRTP offered where it is forbidden, a secure
 * stream without usable keys, unknown transports, codec preferences we cannot see) get no: a refusal without its tone
 * is better than one with the wrong SIP answer. Not judged: a profile that disables SRTP (SCMF_DISABLE_SAVP), codec
 * sample rates. The channel data holds the channel's own variables only; FreeSWITCH falls back to the global ones
 * (vars.xml), which PickerChannel reads with `getvar` (MEDIA_SETTINGS) before it asks.
 */
import { parseSdpOffer, type AudioStream, type SdpOffer } from './sdp-offer.ts';
import { acceptsCryptoLine, secureMediaDemandOf, type ChannelVariable, type SecureMediaDemand } from './secure-media.ts';
import { switchFalse, switchTrue } from './switch-values.ts';

/**
 * The single-line settings the decision reads besides the offer (`switch_r_sdp`, which spans lines and is in the
 * channel data): a `getvar` of each answers as FreeSWITCH reads it, the channel's value or else the global one.
 */
export const MEDIA_SETTINGS: readonly string[] = Object.freeze([
  'rtp_secure_media_inbound',
  'rtp_secure_media',
  'rtp_secure_media_suites',
  'rtp_allow_crypto_in_avp',
  'webrtc_enable_dtls',
  'absolute_codec_string',
  'codec_string',
  'rtp_use_codec_string',
]);

/** Payload names that are not a codec: they never make a match on their own. */
const NOT_CODECS = new Set(['telephone-event', 'cn']);

/** True when a tone can be played on this unanswered inbound channel without FreeSWITCH failing its media. */
export function mayPlayEarlyMedia(channel: Readonly<Record<string, string>>): boolean {
  const variable: ChannelVariable = (name) => {
    const value = Object.hasOwn(channel, `variable_${name}`) ? channel[`variable_${name}`] : undefined;
    return value === '' ? undefined : value;
  };
  const offer = parseSdpOffer(variable('switch_r_sdp') ?? '');
  const codecs = usableCodecs(variable);
  if (!offer || codecs.size === 0) return false;
  const demand = secureMediaDemandOf(variable);
  const cryptoInAvpAllowed = switchTrue(variable('rtp_allow_crypto_in_avp') ?? '');
  const dtls = !switchFalse(variable('webrtc_enable_dtls') ?? 'true');
  for (const stream of offer.audio) {
    if (stream.port === 0) continue;
    if (stream.cryptoLines.length > 0 && (stream.profile === 'avp' || stream.profile === 'other') && !cryptoInAvpAllowed) return false;
    if (!stream.hasConnection) return false;
    if (meetsDemand(stream, offer, demand, dtls) && stream.codecs.some((codec) => codecs.has(codec) && !NOT_CODECS.has(codec))) return true;
  }
  return false;
}

function meetsDemand(stream: AudioStream, offer: SdpOffer, demand: SecureMediaDemand, dtls: boolean): boolean {
  if (stream.profile === 'avp') return demand.mode !== 'mandatory';
  if (demand.mode === 'forbidden') return false;
  const dtlsKey = dtls && stream.hasFingerprint && (stream.profile === 'savp' || stream.profile === 'savpf');
  // A WebRTC profile anywhere in the offer makes FreeSWITCH ignore SDES keys (CF_AVPF): only DTLS keys then.
  const sdesKey = stream.profile === 'savp' && !offer.webRtc && stream.cryptoLines.some((line) => acceptsCryptoLine(demand, line));
  return dtlsKey || sdesKey;
}

// switch_core_media_prepare_codecs: absolute_codec_string wins, then codec_string (a leading "=" only means "no
// originator codec first"), then the profile's list. Entries are `[module.]name[@<rate>h][@<ptime>i]…`.
function usableCodecs(variable: ChannelVariable): ReadonlySet<string> {
  const list = variable('absolute_codec_string') ?? variable('codec_string') ?? variable('rtp_use_codec_string') ?? '';
  const names = list
    .replace(/^=/, '')
    .split(',')
    .map((entry) => (entry.trim().split('@')[0] ?? '').split('.').at(-1)?.toLowerCase() ?? '')
    .filter((name) => name !== '');
  return new Set(names);
}
