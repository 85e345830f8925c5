/**
 * What a call group tells about its pickable calls (beyond the spec): nothing at all, its BLF lamp only, or the lamp
 * and a pickup notice (SIP MESSAGE) to the users who may pick a call up once it has rung `afterSeconds` unanswered.
 * The lamp follows the stored mode in the store's scripts (flushBlf: `off` keeps it dark), the message the notifier.
 */
export type GroupNotices = { readonly mode: 'off' } | { readonly mode: 'lamp' } | { readonly mode: 'message'; readonly afterSeconds: number };

/** The modes, as typed and stored. */
export type NoticeMode = GroupNotices['mode'];

export const NOTICE_MODES: readonly NoticeMode[] = Object.freeze(['off', 'lamp', 'message']);

/**
 * A group nobody configured: its lamp lights, no message is sent — what every group did before notices could be
 * set, so groups stored without a setting keep behaving as they did.
 */
export const DEFAULT_GROUP_NOTICES: GroupNotices = Object.freeze({ mode: 'lamp' });

/** The pickup notice delays accepted, in whole seconds. */
export const NOTICE_DELAY_SECONDS = Object.freeze({ min: 1, max: 3600 });

/** Seconds after which a ringing call's notice goes out; undefined when the group sends none. */
export function messageDelayOf(notices: GroupNotices): number | undefined {
  return notices.mode === 'message' ? notices.afterSeconds : undefined;
}

/** Reads a stored or typed mode (exact, lower case); undefined if unknown. */
export function parseNoticeMode(value: string): NoticeMode | undefined {
  return NOTICE_MODES.find((mode) => mode === value);
}

/** A delay in range: a whole number of seconds from 1 to 3600. */
export function isNoticeDelay(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= NOTICE_DELAY_SECONDS.min && seconds <= NOTICE_DELAY_SECONDS.max;
}
