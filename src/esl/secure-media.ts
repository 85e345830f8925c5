/**
 * What SRTP a channel demands, read from its variables as FreeSWITCH 1.10 reads them when it negotiates an inbound
 * call's offer (switch_core_media.c, switch_core_session_parse_crypto_prefs), and the SDES keys that demand accepts
 * (switch_core_session_check_incoming_crypto). Pure.
 */
import { switchTrue } from './switch-values.ts';

/** CRYPTO_MODE_MANDATORY / _OPTIONAL / _FORBIDDEN. */
export type SecureMediaMode = 'mandatory' | 'optional' | 'forbidden';

/** The demand: its mode, and the SDES suites it accepts (none when forbidden). */
export interface SecureMediaDemand {
  readonly mode: SecureMediaMode;
  readonly suites: readonly SrtpSuite[];
}

/** An SRTP suite as FreeSWITCH knows it: its name, and the older spelling it also accepts in an offer. */
export interface SrtpSuite {
  readonly name: string;
  readonly alias?: string;
}

/** switch_core_media.c's SUITES, in its order of preference. */
export const SRTP_SUITES: readonly SrtpSuite[] = Object.freeze([
  { name: 'AEAD_AES_256_GCM_8' },
  { name: 'AEAD_AES_256_GCM' },
  { name: 'AEAD_AES_128_GCM_8' },
  { name: 'AEAD_AES_128_GCM' },
  { name: 'AES_256_CM_HMAC_SHA1_80', alias: 'AES_CM_256_HMAC_SHA1_80' },
  { name: 'AES_192_CM_HMAC_SHA1_80', alias: 'AES_CM_192_HMAC_SHA1_80' },
  { name: 'AES_CM_128_HMAC_SHA1_80' },
  { name: 'AES_256_CM_HMAC_SHA1_32', alias: 'AES_CM_256_HMAC_SHA1_32' },
  { name: 'AES_192_CM_HMAC_SHA1_32', alias: 'AES_CM_192_HMAC_SHA1_32' },
  { name: 'AES_CM_128_HMAC_SHA1_32' },
  { name: 'AES_CM_128_NULL_AUTH' },
]);

/** A channel variable by name; undefined when unset (FreeSWITCH never keeps an empty value: it deletes it). */
export type ChannelVariable = (name: string) => string | undefined;

/**
 * The demand of an inbound channel: `rtp_secure_media_inbound`, else `rtp_secure_media`, as `<mode>[:<suite>:…]`.
 * Mode: unset or empty → optional (inbound default); `optional`; `mandatory` or any switch_true value (`true`, `yes`,
 * `1`…) → mandatory; anything else (`forbidden`, `false`, a typo) → forbidden. Suites: those listed after the mode,
 * else in `rtp_secure_media_suites`, else all; a listed name must be a suite's exact name (case aside), others are
 * ignored — a list of nothing valid accepts no SDES key at all.
 */
export function secureMediaDemandOf(variable: ChannelVariable): SecureMediaDemand {
  const setting = variable('rtp_secure_media_inbound') ?? variable('rtp_secure_media') ?? '';
  const colon = setting.indexOf(':');
  const modeText = colon < 0 ? setting : setting.slice(0, colon);
  const listed = (colon < 0 ? '' : setting.slice(colon + 1)) || (variable('rtp_secure_media_suites') ?? '');
  const mode = modeOf(modeText);
  if (mode === 'forbidden') return { mode, suites: [] };
  if (listed === '') return { mode, suites: SRTP_SUITES };
  const names = listed.split(':').map((field) => field.toUpperCase());
  return { mode, suites: names.flatMap((name) => SRTP_SUITES.filter((suite) => suite.name === name)) };
}

/** Whether an `a=crypto` value names a suite the demand accepts (FreeSWITCH searches the whole value, case aside). */
export function acceptsCryptoLine(demand: SecureMediaDemand, cryptoLine: string): boolean {
  const line = cryptoLine.toUpperCase();
  return demand.suites.some((suite) => line.includes(suite.name) || (suite.alias !== undefined && line.includes(suite.alias)));
}

function modeOf(text: string): SecureMediaMode {
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'optional') return 'optional';
  return lower === 'mandatory' || switchTrue(text) ? 'mandatory' : 'forbidden';
}
