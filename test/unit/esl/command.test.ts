import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../../src/esl/command.ts';
import { EslUnsafeArgumentError } from '../../../src/esl/errors.ts';
import { deleteTokenCommand, handoffDialString, insertTokenCommand, tokenDestination } from '../../../src/esl/handoff-token.ts';

describe('encodeCommand', () => {
  it('writes the line, the headers and the blank line that ends the command', () => {
    expect(encodeCommand('exit')).toBe('exit\n\n');
    expect(encodeCommand('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'set', 'execute-app-arg': 'a=b c' })).toBe(
      'sendmsg\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: a=b c\n\n',
    );
  });

  it('refuses a control character anywhere, so no value can end the command and start another', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom('\n', '\r', '\u0000', '\u001b', '\u007f'), fc.integer({ min: 0, max: 2 }), (text, control, where) => {
        const bad = `${text}${control}${text}`;
        const attempt = () => (where === 0 ? encodeCommand(`api ${bad}`) : where === 1 ? encodeCommand('sendmsg', { [bad]: 'x' }) : encodeCommand('sendmsg', { name: bad }));
        expect(attempt).toThrow(EslUnsafeArgumentError);
      }),
    );
  });

  it('keeps any other text whole: one command, as many lines as headers plus two', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }).filter((t) => !/[\u0000-\u001f\u007f]/.test(t)), (text) => {
        const bytes = encodeCommand(`api ${text}`, { 'execute-app-arg': text });
        expect(bytes.split('\n')).toHaveLength(4);
        expect(bytes.endsWith('\n\n')).toBe(true);
      }),
    );
  });
});

describe('hand-off token commands', () => {
  const token = '0123456789abcdef0123456789abcdef';

  it('names the destination by the kind of call, which picks the guard the call node applies', () => {
    expect(tokenDestination('user', token)).toBe(`pickup-${token}`);
    expect(tokenDestination('callcenter', token)).toBe(`pickupq-${token}`);
    expect(() => tokenDestination('user', 'ABC')).toThrow(RangeError);
  });

  it('builds the hash and bridge commands of capture 17', () => {
    expect(insertTokenCommand(`pickup-${token}`, 'c28b31ff-3fe1-4c7f-84d7-2441ce4cd298')).toBe(`hash insert/fs_pickup_token/pickup-${token}/c28b31ff-3fe1-4c7f-84d7-2441ce4cd298`);
    expect(deleteTokenCommand(`pickup-${token}`)).toBe(`hash delete/fs_pickup_token/pickup-${token}`);
    expect(handoffDialString('cluster', `pickup-${token}`, '10.0.0.12:5090', 6)).toBe(`{originate_timeout=6}sofia/cluster/pickup-${token}@10.0.0.12:5090`);
    expect(() => insertTokenCommand(`pickup-${token}`, 'x/../y z')).toThrow();
  });
});
