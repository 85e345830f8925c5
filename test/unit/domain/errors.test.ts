import { describe, expect, it } from 'vitest';
import {
  FsPickupError,
  InvalidFlagError,
  InvalidGroupListError,
  InvalidGroupNameError,
  InvalidIdError,
  InvalidIdListError,
  InvalidUserRefError,
} from '../../../src/domain/errors.ts';
import { quote } from '../../../src/domain/quote.ts';

describe('error classes', () => {
  it.each([
    [new InvalidGroupNameError('call', 'a b', 'invalid-character', 'why', ' '), 'InvalidGroupNameError', 'FSP_ERR_INVALID_GROUP_NAME'],
    [new InvalidGroupListError('pickup', 'a,,b', 'empty-entry', 'why'), 'InvalidGroupListError', 'FSP_ERR_INVALID_GROUP_LIST'],
    [new InvalidUserRefError('domain', 'x:y', 'domain-invalid-character', 'why', ':'), 'InvalidUserRefError', 'FSP_ERR_INVALID_USER'],
    [new InvalidIdError('acl-group', 'a b', 'invalid-character', 'why', ' '), 'InvalidIdError', 'FSP_ERR_INVALID_ID'],
    [new InvalidIdListError('pickup-queue', '1,,2', 'empty-entry', 'why'), 'InvalidIdListError', 'FSP_ERR_INVALID_ID_LIST'],
    [new InvalidFlagError('groupPickup', 'maybe', 'why'), 'InvalidFlagError', 'FSP_ERR_INVALID_FLAG'],
  ])('%s has its name, a stable code and the base class', (error, name, code) => {
    expect(error).toBeInstanceOf(FsPickupError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });

  it('builds messages from the context', () => {
    expect(new InvalidGroupNameError('call', 'a b', 'invalid-character', 'only so', ' ').message).toBe(
      'call group "a b" is invalid: only so (found " ")',
    );
    expect(new InvalidGroupListError('pickup', 'a,,b', 'empty-entry', 'empty').message).toBe(
      'pickup groups "a,,b" are invalid: empty',
    );
    expect(new InvalidUserRefError('user', '100', 'not-one-at', 'needs @').message).toBe('user "100" is invalid: needs @');
    expect(new InvalidIdError('acl-group', 'a b', 'invalid-character', 'only so', ' ').message).toBe(
      'ACL group "a b" is invalid: only so (found " ")',
    );
    expect(new InvalidIdError('pickup-queue', 'cg_5', 'reserved-prefix', 'no prefix').message).toBe(
      'pickup queue "cg_5" is invalid: no prefix',
    );
    expect(new InvalidIdListError('acl-group', ',', 'empty-entry', 'empty').message).toBe('ACL groups "," are invalid: empty');
    expect(new InvalidIdListError('pickup-queue', ',', 'empty-entry', 'empty').message).toBe('pickup queues "," are invalid: empty');
    expect(new InvalidFlagError('groupPickup', 'a\nb', 'say yes').message).toBe('groupPickup "a\\nb" is invalid: say yes');
  });
});

describe('quote', () => {
  it.each([
    ['sales', '"sales"'],
    ['', '""'],
    ['say "hi"\\', '"say \\"hi\\"\\\\"'],
    ['a\nb\r\t\u0000', '"a\\nb\\r\\t\\u0000"'],
    ['é😀', '"é😀"'], // readable letters stay
    ['\uD800', '"\\ud800"'], // lone surrogate
    ['\u007F\u0085', '"\\u007f\\u0085"'], // DEL, C1 control
    ['a\u202Eb\u200B\uFEFF', '"a\\u202eb\\u200b\\ufeff"'], // bidi override, zero-width space, BOM
    ['x\u2028y\u2029', '"x\\u2028y\\u2029"'], // line and paragraph separators
  ])('%j -> %s', (value, quoted) => {
    expect(quote(value)).toBe(quoted);
  });

  it('cuts long values after 80 characters and states the length', () => {
    expect(quote('a'.repeat(5000))).toBe(`"${'a'.repeat(80)}"… (5000 characters)`);
    expect(quote('a'.repeat(80))).toBe(`"${'a'.repeat(80)}"`);
  });

  it('does not cut a surrogate pair in half', () => {
    expect(quote(`${'a'.repeat(79)}😀tail`)).toBe(`"${'a'.repeat(79)}"… (85 characters)`);
  });
});
