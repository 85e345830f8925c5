import { InvalidGroupNameError, InvalidNoticeDelayError, InvalidNoticeModeError, type InvalidUserRefError } from './errors.ts';
import { type GroupNotices, isNoticeDelay, NOTICE_DELAY_SECONDS, NOTICE_MODES, parseNoticeMode } from './group-notices.ts';
import { groupNameError } from './groups.ts';
import { validateDomain } from './users.ts';

/** One call group's settings as an admin tool or an API receives them. */
export interface GroupSettingsInput {
  readonly domain: string;
  /** A call group name. */
  readonly group: string;
  /**
   * off (no lamp, no message) | lamp (the lamp only, the default) | message (the lamp and pickup notices); omitted or
   * null: message when a delay is given, lamp otherwise.
   */
  readonly notify?: string | null;
  /** Seconds a call rings unanswered before pickup notices go out (1 to 3600), for notices by message only. */
  readonly notifyAfterSeconds?: number | string | null;
}

/** The part of a group's settings input a problem is about, named as in GroupSettingsInput. */
export type GroupSettingsField = keyof GroupSettingsInput;

/** One problem in a group's settings input, in the shape every front end reports it. */
export interface GroupSettingsProblem {
  /** The stable code of the error (FSP_ERR_INVALID_GROUP_NAME, …; see errors.ts). */
  readonly code: string;
  readonly field: GroupSettingsField;
  /** What is wrong, as given. */
  readonly entry: string;
  /** For people: names the entry and the rule it breaks. */
  readonly message: string;
}

/** Outcome of validating a group's settings: what to store, or every problem. */
export type GroupSettingsResult = { ok: true; domain: string; group: string; notices: GroupNotices } | { ok: false; problems: GroupSettingsProblem[] };

type SettingsError = InvalidUserRefError | InvalidGroupNameError | InvalidNoticeModeError | InvalidNoticeDelayError;

const DELAY_RULE = `a whole number of seconds from ${NOTICE_DELAY_SECONDS.min} to ${NOTICE_DELAY_SECONDS.max}`;

/** Validates a group's settings input and collects every problem (domain, group name, mode, delay). Pure. */
export function validateGroupSettingsInput(input: GroupSettingsInput): GroupSettingsResult {
  const notices = noticesOf(input.notify ?? null, input.notifyAfterSeconds ?? null);
  const problems = [
    problemOf('domain', validateDomain(input.domain)),
    problemOf('group', groupNameError(input.group, 'call')),
    problemOf('notify', notices instanceof InvalidNoticeModeError ? notices : undefined),
    problemOf('notifyAfterSeconds', notices instanceof InvalidNoticeDelayError ? notices : undefined),
  ].flatMap((problem) => (problem ? [problem] : []));
  if (problems.length > 0 || notices instanceof Error) return { ok: false, problems };
  return { ok: true, domain: input.domain, group: input.group, notices };
}

/** The notices a mode and a delay describe together, or why they do not fit. */
function noticesOf(notify: string | null, delay: number | string | null): GroupNotices | InvalidNoticeModeError | InvalidNoticeDelayError {
  const mode = notify === null ? (delay === null ? 'lamp' : 'message') : parseNoticeMode(notify);
  if (mode === undefined) return new InvalidNoticeModeError(notify ?? '', `use one of ${NOTICE_MODES.join(', ')}`);
  if (mode !== 'message') return delay === null ? { mode } : new InvalidNoticeDelayError(String(delay), `a delay is only for notices by message (notify "${mode}" sends none)`);
  if (delay === null) return new InvalidNoticeDelayError('', `notices by message need a delay: ${DELAY_RULE}`);
  const seconds = typeof delay === 'number' ? delay : /^\d{1,10}$/.test(delay) ? Number(delay) : Number.NaN;
  return isNoticeDelay(seconds) ? { mode, afterSeconds: seconds } : new InvalidNoticeDelayError(String(delay), `the delay is ${DELAY_RULE}`);
}

function problemOf(field: GroupSettingsField, error: SettingsError | undefined): GroupSettingsProblem | undefined {
  if (error === undefined) return undefined;
  const entry = error instanceof InvalidGroupNameError ? error.entry : error.value;
  return { code: error.code, field, entry, message: error.message };
}
