import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUserRefError } from '../../../src/domain/errors.ts';
import type { UserRefRule } from '../../../src/domain/users.ts';
import { formatUserRef, parseUserRef, validateDomain, validateExtension } from '../../../src/domain/users.ts';

describe('validateExtension', () => {
  it.each(['100', '0', 'john.doe', '+4930123456', 'agent_7', 'a-b', 'X', '1'.repeat(64)])('accepts %j', (ext) => {
    expect(validateExtension(ext)).toBeUndefined();
  });

  it.each<[string, UserRefRule, string?]>([
    ['', 'extension-empty'],
    ['1'.repeat(65), 'extension-too-long'],
    ['1 00', 'extension-invalid-character', ' '],
    ['100@x', 'extension-invalid-character', '@'],
    ['10,0', 'extension-invalid-character', ','],
    ['{100}', 'extension-invalid-character', '{'],
    ['10:0', 'extension-invalid-character', ':'],
    ['10|0', 'extension-invalid-character', '|'],
    ['jöhn', 'extension-invalid-character', 'ö'],
    ['100\n', 'extension-invalid-character', '\n'],
    ['１００', 'extension-invalid-character', '１'],
  ])('refuses %j: %s', (ext, rule, found) => {
    const error = validateExtension(ext);
    expect(error).toBeInstanceOf(InvalidUserRefError);
    expect(error).toMatchObject({ code: 'FSP_ERR_INVALID_USER', part: 'extension', value: ext, rule });
    if (found !== undefined) expect(error?.message).toContain(`(found ${JSON.stringify(found)})`);
  });

  it('states the limit in the message', () => {
    expect(validateExtension('1'.repeat(65))?.message).toContain('at most 64 characters, this one has 65');
  });
});

describe('validateDomain', () => {
  it.each([
    'pbx.example.com', 'PBX.Example.COM', 'localhost', 'pbx', 'pbx-1.test', 'my_pbx.local', 'a.b', '1.2.3.com',
    '10.0.0.1', '0.0.0.0', '255.255.255.255', '192.168.1.10',
    `${'a'.repeat(63)}.com`, [ 'a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.'), // 253
  ])('accepts %j', (domain) => {
    expect(validateDomain(domain)).toBeUndefined();
  });

  it.each<[string, UserRefRule]>([
    ['', 'domain-empty'],
    [['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(62)].join('.'), 'domain-too-long'], // 254
    ['pbx example.com', 'domain-invalid-character'],
    ['{pbx}', 'domain-invalid-character'],
    ['pbx}', 'domain-invalid-character'],
    ['pbx:5060', 'domain-invalid-character'],
    ['::1', 'domain-invalid-character'],
    ['pbx@x', 'domain-invalid-character'],
    ['pbx.exämple.com', 'domain-invalid-character'],
    ['pbx\r\n', 'domain-invalid-character'],
    ['.pbx', 'domain-invalid-label'],
    ['pbx.', 'domain-invalid-label'],
    ['pbx..com', 'domain-invalid-label'],
    ['-pbx.com', 'domain-invalid-label'],
    ['pbx-.com', 'domain-invalid-label'],
    [`${'a'.repeat(64)}.com`, 'domain-invalid-label'],
    ['256.1.1.1', 'domain-invalid-ipv4'],
    ['1.2.3', 'domain-invalid-ipv4'],
    ['1.2.3.4.5', 'domain-invalid-ipv4'],
    ['01.2.3.4', 'domain-invalid-ipv4'],
    ['1234', 'domain-invalid-ipv4'],
  ])('refuses %j: %s', (domain, rule) => {
    expect(validateDomain(domain)).toMatchObject({ code: 'FSP_ERR_INVALID_USER', part: 'domain', value: domain, rule });
  });
});

describe('parseUserRef / formatUserRef', () => {
  it.each([
    ['100@pbx.example.com', { extension: '100', domain: 'pbx.example.com' }],
    ['john.doe@10.0.0.1', { extension: 'john.doe', domain: '10.0.0.1' }],
    ['+4930@pbx', { extension: '+4930', domain: 'pbx' }],
  ])('parses %j', (value, user) => {
    expect(parseUserRef(value)).toEqual({ ok: true, user });
    expect(formatUserRef(user)).toBe(value);
  });

  it.each<[string, string, UserRefRule]>([
    ['100', 'user', 'not-one-at'],
    ['', 'user', 'not-one-at'],
    ['100@pbx@x', 'user', 'not-one-at'],
    ['@pbx.test', 'extension', 'extension-empty'],
    ['100@', 'domain', 'domain-empty'],
    ['1 0@pbx', 'extension', 'extension-invalid-character'],
    ['100@{pbx}', 'domain', 'domain-invalid-character'],
  ])('refuses %j (%s: %s)', (value, part, rule) => {
    const result = parseUserRef(value);
    expect(!result.ok && result.error).toMatchObject({ part, rule });
  });

  it('names the offending part in the message', () => {
    const result = parseUserRef('100@pbx:5060');
    expect(!result.ok && result.error.message).toBe(
      'domain "pbx:5060" is invalid: only Latin letters, digits, ".", "_" and "-" are allowed (found ":")',
    );
    const noAt = parseUserRef('100');
    expect(!noAt.ok && noAt.error.message).toBe('user "100" is invalid: write it as extension@domain, with exactly one "@"');
  });

  it('round-trips every valid reference, and accepted parts never hold a hash-tag or separator character', () => {
    const ext = fc.stringMatching(/^[A-Za-z0-9_.+-]{1,64}$/);
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9_-]{0,10}[a-z0-9])?$/);
    const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => [...labels, 'test'].join('.'));
    fc.assert(
      fc.property(ext, domain, (extension, dom) => {
        const value = formatUserRef({ extension, domain: dom });
        expect(parseUserRef(value)).toEqual({ ok: true, user: { extension, domain: dom } });
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const result = parseUserRef(value);
        if (result.ok) expect(formatUserRef(result.user)).not.toMatch(/[{}:\s,|]/u);
      }),
    );
  });
});
