import { describe, expect, it } from 'vitest';
import { acceptsCryptoLine, SRTP_SUITES, secureMediaDemandOf } from '../../../src/esl/secure-media.ts';
import { switchFalse, switchTrue } from '../../../src/esl/switch-values.ts';

function demandOf(variables: Record<string, string>): ReturnType<typeof secureMediaDemandOf> {
  return secureMediaDemandOf((name) => variables[name]);
}

describe('secureMediaDemandOf (switch_core_session_parse_crypto_prefs, inbound channel)', () => {
  it.each([
    [undefined, 'optional'],
    ['', 'optional'],
    ['optional', 'optional'],
    ['OPTIONAL', 'optional'],
    ['mandatory', 'mandatory'],
    ['Mandatory', 'mandatory'],
    ['true', 'mandatory'],
    ['yes', 'mandatory'],
    ['on', 'mandatory'],
    ['t', 'mandatory'],
    ['enabled', 'mandatory'],
    ['active', 'mandatory'],
    ['allow', 'mandatory'],
    ['1', 'mandatory'],
    ['-2', 'mandatory'],
    ['1.5', 'mandatory'],
    ['forbidden', 'forbidden'],
    ['false', 'forbidden'],
    ['no', 'forbidden'],
    ['0', 'forbidden'],
    ['0.9', 'forbidden'],
    ['mandatry', 'forbidden'],
    [' true', 'forbidden'],
  ] as const)('rtp_secure_media=%s → %s', (value, mode) => {
    expect(demandOf(value === undefined ? {} : { rtp_secure_media: value }).mode).toBe(mode);
  });

  it('reads the _inbound variant first, and the mode before the first colon', () => {
    expect(demandOf({ rtp_secure_media_inbound: 'forbidden', rtp_secure_media: 'true' }).mode).toBe('forbidden');
    expect(demandOf({ rtp_secure_media_inbound: 'mandatory:AES_CM_128_HMAC_SHA1_80', rtp_secure_media: 'false' }).mode).toBe('mandatory');
    expect(demandOf({ rtp_secure_media: ':AES_CM_128_HMAC_SHA1_80' }).mode).toBe('optional');
  });

  it('accepts the suites listed after the mode, else those of rtp_secure_media_suites, else all; by exact name only', () => {
    expect(demandOf({ rtp_secure_media: 'true' }).suites).toEqual(SRTP_SUITES);
    expect(demandOf({ rtp_secure_media: 'true:aes_cm_128_hmac_sha1_32:NO_SUCH:AES_CM_256_HMAC_SHA1_80' }).suites).toEqual([{ name: 'AES_CM_128_HMAC_SHA1_32' }]);
    expect(demandOf({ rtp_secure_media: 'true:', rtp_secure_media_suites: 'AES_256_CM_HMAC_SHA1_80' }).suites).toEqual([{ name: 'AES_256_CM_HMAC_SHA1_80', alias: 'AES_CM_256_HMAC_SHA1_80' }]);
    expect(demandOf({ rtp_secure_media: 'mandatory:NONE_VALID' }).suites).toEqual([]);
    expect(demandOf({ rtp_secure_media: 'forbidden:AES_CM_128_HMAC_SHA1_80' }).suites).toEqual([]);
  });
});

describe('acceptsCryptoLine (switch_core_session_check_incoming_crypto)', () => {
  const line = (suite: string): string => `1 ${suite} inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4`;

  it('finds an accepted suite’s name or old alias anywhere in the value, case aside', () => {
    const all = demandOf({ rtp_secure_media: 'true' });
    expect(acceptsCryptoLine(all, line('AES_CM_128_HMAC_SHA1_80'))).toBe(true);
    expect(acceptsCryptoLine(all, line('aes_cm_128_hmac_sha1_32'))).toBe(true);
    expect(acceptsCryptoLine(all, line('AES_CM_256_HMAC_SHA1_80'))).toBe(true);
    expect(acceptsCryptoLine(all, line('F8_128_HMAC_SHA1_80'))).toBe(false);
  });

  it('accepts only the suites the demand lists', () => {
    const only32 = demandOf({ rtp_secure_media: 'true:AES_CM_128_HMAC_SHA1_32' });
    expect(acceptsCryptoLine(only32, line('AES_CM_128_HMAC_SHA1_80'))).toBe(false);
    expect(acceptsCryptoLine(only32, line('AES_CM_128_HMAC_SHA1_32'))).toBe(true);
    expect(acceptsCryptoLine(demandOf({ rtp_secure_media: 'false' }), line('AES_CM_128_HMAC_SHA1_80'))).toBe(false);
  });
});

describe('switchTrue / switchFalse (switch_utils.h)', () => {
  it('reads words and numbers as FreeSWITCH does; anything else is neither', () => {
    expect(['yes', 'ON', 'true', 't', 'enabled', 'active', 'allow', '1', '+3', '2.0'].every(switchTrue)).toBe(true);
    expect(['no', 'OFF', 'false', 'f', 'disabled', 'inactive', 'disallow', '0', '-0', '.5', ''].every(switchFalse)).toBe(true);
    expect(['maybe', ' 1', '1a'].some((text) => switchTrue(text) || switchFalse(text))).toBe(false);
  });
});
