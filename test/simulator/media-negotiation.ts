/**
 * mod_sofia's late negotiation of a phone's offer (inbound-late-negotiation, as the stock profiles have it): an
 * inbound call's SDP (`switch_r_sdp`) is negotiated at its first pre-answer or answer, and must meet the SRTP the
 * channel demands in `rtp_secure_media_inbound`, else `rtp_secure_media` (`<mode>[:<suites>]`): `mandatory` or a true
 * value needs keys (an `a=crypto` on RTP/SAVP, or a DTLS `a=fingerprint`), `optional` or nothing takes anything,
 * any other value (`forbidden`, `false`) refuses RTP/SAVP with keys. When the offer fails (or there is none),
 * switch_channel_perform_pre_answer hangs the channel up with INCOMPATIBLE_DESTINATION: 488 to the phone.
 *
 * A model of the main cases, written apart from the controller's own judgement (src/esl/early-media.ts) so that the
 * tests of one check the other. Codecs are not modelled: the simulator's phones all offer PCMU.
 */

type Demand = 'mandatory' | 'optional' | 'forbidden';

const TRUE_VALUES = /^(yes|on|true|t|enabled|active|allow|[+-]?0*[1-9][0-9]*(\.[0-9]*)?)$/i;

/** Whether the channel's offer can be negotiated: false means FreeSWITCH would hang it up INCOMPATIBLE_DESTINATION. */
export function offerNegotiates(variables: ReadonlyMap<string, string>): boolean {
  const offer = variables.get('switch_r_sdp');
  if (!offer) return false;
  const demand = demandOf(variables.get('rtp_secure_media_inbound') || variables.get('rtp_secure_media') || '');
  const streams = offer
    .split(/\r?\n(?=m=)/)
    .filter((section) => section.startsWith('m=audio ') && !section.startsWith('m=audio 0 '));
  return streams.some((stream) => {
    const profile = /^m=audio \S+ (\S+)/.exec(stream)?.[1] ?? '';
    if (demand === 'mandatory') return /SAVPF?$/.test(profile) && /^a=(crypto|fingerprint):/m.test(stream);
    if (demand === 'forbidden') return !(profile === 'RTP/SAVP' && /^a=crypto:/m.test(stream));
    return true;
  });
}

function demandOf(setting: string): Demand {
  const mode = setting.split(':')[0] ?? '';
  if (mode === '' || mode.toLowerCase() === 'optional') return 'optional';
  return mode.toLowerCase() === 'mandatory' || TRUE_VALUES.test(mode) ? 'mandatory' : 'forbidden';
}
