import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_NOTICES, messageDelayOf } from '../../../src/domain/group-notices.ts';
import { validateGroupSettingsInput } from '../../../src/domain/group-settings-input.ts';

const settings = (fields: { notify?: string | null; notifyAfterSeconds?: number | string | null }) => validateGroupSettingsInput({ domain: 'pbx.test', group: 'Sales', ...fields });
const problems = (fields: Parameters<typeof settings>[0]) => {
  const result = settings(fields);
  return result.ok ? [] : result.problems.map(({ code, field, entry }) => [code, field, entry]);
};

describe('group notices: what a call group tells about its pickable calls', () => {
  it('defaults to the lamp alone: what every group did before notices could be set', () => {
    expect(DEFAULT_GROUP_NOTICES).toEqual({ mode: 'lamp' });
    expect(messageDelayOf(DEFAULT_GROUP_NOTICES)).toBeUndefined();
  });

  it('sends a message only in message mode, after its delay', () => {
    expect(messageDelayOf({ mode: 'off' })).toBeUndefined();
    expect(messageDelayOf({ mode: 'message', afterSeconds: 20 })).toBe(20);
  });
});

describe('validateGroupSettingsInput', () => {
  it.each<[string, Parameters<typeof settings>[0], object]>([
    ['nothing given: the default', {}, { mode: 'lamp' }],
    ['a delay alone: notices by message (what a delay meant before the modes)', { notifyAfterSeconds: 20 }, { mode: 'message', afterSeconds: 20 }],
    ['a delay as text', { notifyAfterSeconds: '3600' }, { mode: 'message', afterSeconds: 3600 }],
    ['null delay: the default', { notifyAfterSeconds: null }, { mode: 'lamp' }],
    ['message with its delay', { notify: 'message', notifyAfterSeconds: 1 }, { mode: 'message', afterSeconds: 1 }],
    ['lamp', { notify: 'lamp' }, { mode: 'lamp' }],
    ['off', { notify: 'off', notifyAfterSeconds: null }, { mode: 'off' }],
  ])('%s', (_label, fields, notices) => {
    expect(settings(fields)).toEqual({ ok: true, domain: 'pbx.test', group: 'Sales', notices });
  });

  it.each<[string, Parameters<typeof settings>[0], unknown[]]>([
    ['an unknown mode', { notify: 'blink' }, [['FSP_ERR_INVALID_NOTICE_MODE', 'notify', 'blink']]],
    ['modes are lower case', { notify: 'Off' }, [['FSP_ERR_INVALID_NOTICE_MODE', 'notify', 'Off']]],
    ['message without a delay', { notify: 'message' }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '']]],
    ['a delay with lamp', { notify: 'lamp', notifyAfterSeconds: 20 }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '20']]],
    ['a delay with off', { notify: 'off', notifyAfterSeconds: '5' }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '5']]],
    ['0 seconds', { notifyAfterSeconds: 0 }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '0']]],
    ['over an hour', { notifyAfterSeconds: 3601 }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '3601']]],
    ['a fraction', { notifyAfterSeconds: 1.5 }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', '1.5']]],
    ['"off" is a mode, not a delay', { notifyAfterSeconds: 'off' }, [['FSP_ERR_INVALID_NOTICE_DELAY', 'notifyAfterSeconds', 'off']]],
  ])('refuses %s', (_label, fields, expected) => {
    expect(problems(fields)).toEqual(expected);
  });

  it('reports the group and domain too, every problem at once', () => {
    const result = validateGroupSettingsInput({ domain: 'bad domain', group: 'cg_1', notify: 'loud' });
    expect(result.ok ? [] : result.problems.map(({ field }) => field)).toEqual(['domain', 'group', 'notify']);
  });

  it('never throws and never accepts a delay out of range, whatever is typed', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null)), (notify, delay) => {
        const result = settings({ notify, notifyAfterSeconds: delay });
        if (result.ok && result.notices.mode === 'message') {
          expect(Number.isInteger(result.notices.afterSeconds) && result.notices.afterSeconds >= 1 && result.notices.afterSeconds <= 3600).toBe(true);
        }
        if (result.ok && notify !== null) expect(result.notices.mode).toBe(notify);
      }),
    );
  });
});
