import { InvalidUserRefError } from './errors.ts';

/** A user of the PBX: a FreeSWITCH directory user id in a FreeSWITCH domain. Compared exactly as written. */
export interface UserRef {
  readonly extension: string;
  readonly domain: string;
}

/** Which part of a user reference an error is about. */
export type UserRefPart = 'user' | 'extension' | 'domain';

/** A rule that a user reference breaks. */
export type UserRefRule =
  | 'not-one-at'
  | 'extension-empty'
  | 'extension-too-long'
  | 'extension-invalid-character'
  | 'domain-empty'
  | 'domain-too-long'
  | 'domain-invalid-character'
  | 'domain-invalid-label'
  | 'domain-invalid-ipv4';

/** Longest extension accepted: a bound of our own (it goes into keys and commands); real ids are far shorter. */
export const MAX_EXTENSION_LENGTH = 64;
/** Longest domain accepted: the DNS limit for a name. */
export const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

// An extension goes into dial strings (`user/<ext>@<domain>`), ESL commands and Redis keys, so it gets a safe,
// common subset of directory ids: letters, digits and "_.+-" (e.g. "100", "john.doe", "+4930123"). "@", ",",
// "|", ":", braces, quotes and whitespace all mean something in one of those places.
const NOT_AN_EXTENSION_CHARACTER = /[^A-Za-z0-9_.+-]/u;
// A domain is a DNS-like name or an IPv4 literal. No ":" (IPv6, ports) and no braces: the domain is a Redis hash
// tag `{<domain>}`. "_" is tolerated: a FreeSWITCH directory domain is any name, not only a DNS one.
const NOT_A_DOMAIN_CHARACTER = /[^A-Za-z0-9._-]/u;
const DIGITS_ONLY = /^[0-9]+$/;
const IPV4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

/** Parses "extension@domain", e.g. "100@pbx.example.com"; exactly one "@". */
export function parseUserRef(value: string): { ok: true; user: UserRef } | { ok: false; error: InvalidUserRefError } {
  const at = value.indexOf('@');
  if (at === -1 || at !== value.lastIndexOf('@')) {
    const error = new InvalidUserRefError('user', value, 'not-one-at', 'write it as extension@domain, with exactly one "@"');
    return { ok: false, error };
  }
  const user = { extension: value.slice(0, at), domain: value.slice(at + 1) };
  const error = validateExtension(user.extension) ?? validateDomain(user.domain);
  return error === undefined ? { ok: true, user } : { ok: false, error };
}

/** Checks a FreeSWITCH directory user id: 1 to 64 of [A-Za-z0-9_.+-]. Returns the error, or undefined if valid. */
export function validateExtension(ext: string): InvalidUserRefError | undefined {
  if (ext === '') return new InvalidUserRefError('extension', ext, 'extension-empty', 'an extension cannot be empty');
  if (ext.length > MAX_EXTENSION_LENGTH) {
    const reason = `an extension has at most ${MAX_EXTENSION_LENGTH} characters, this one has ${ext.length}`;
    return new InvalidUserRefError('extension', ext, 'extension-too-long', reason);
  }
  const badCharacter = NOT_AN_EXTENSION_CHARACTER.exec(ext);
  if (badCharacter !== null) {
    const reason = 'only Latin letters, digits, "_", ".", "+" and "-" are allowed';
    return new InvalidUserRefError('extension', ext, 'extension-invalid-character', reason, badCharacter[0]);
  }
  return undefined;
}

/**
 * Checks a domain: at most 253 characters of [A-Za-z0-9._-] in dot-separated labels of 1 to 63 characters that
 * do not start or end with "-"; a name of digits-only labels must be an IPv4 address. Returns the error, or
 * undefined if valid.
 */
export function validateDomain(domain: string): InvalidUserRefError | undefined {
  if (domain === '') return new InvalidUserRefError('domain', domain, 'domain-empty', 'a domain cannot be empty');
  if (domain.length > MAX_DOMAIN_LENGTH) {
    const reason = `a domain has at most ${MAX_DOMAIN_LENGTH} characters, this one has ${domain.length}`;
    return new InvalidUserRefError('domain', domain, 'domain-too-long', reason);
  }
  const badCharacter = NOT_A_DOMAIN_CHARACTER.exec(domain);
  if (badCharacter !== null) {
    const reason = 'only Latin letters, digits, ".", "_" and "-" are allowed';
    return new InvalidUserRefError('domain', domain, 'domain-invalid-character', reason, badCharacter[0]);
  }
  const labels = domain.split('.');
  if (!labels.every(isValidLabel)) {
    const reason = `each dot-separated part must be 1 to ${MAX_LABEL_LENGTH} characters and not start or end with "-"`;
    return new InvalidUserRefError('domain', domain, 'domain-invalid-label', reason);
  }
  if (labels.every((label) => DIGITS_ONLY.test(label)) && !isIpv4(labels)) {
    const reason = 'a domain of numbers only must be an IPv4 address: four numbers 0-255 without leading zeros';
    return new InvalidUserRefError('domain', domain, 'domain-invalid-ipv4', reason);
  }
  return undefined;
}

/** The "extension@domain" form of a user, as parsed by parseUserRef. */
export function formatUserRef(u: UserRef): string {
  return `${u.extension}@${u.domain}`;
}

function isValidLabel(label: string): boolean {
  return label.length >= 1 && label.length <= MAX_LABEL_LENGTH && !label.startsWith('-') && !label.endsWith('-');
}

function isIpv4(labels: readonly string[]): boolean {
  return labels.length === 4 && labels.every((octet) => IPV4_OCTET.test(octet) && Number(octet) <= 255);
}
