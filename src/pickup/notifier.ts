import type { Logger } from 'pino';
import { messageDelayOf } from '../domain/group-notices.ts';
import { pickupNoticeText } from '../domain/notification.ts';
import { reasonOf } from '../logger.ts';
import type { EslClient } from '../esl/client.ts';
import { escapeSeparatedField } from '../esl/separated-field.ts';
import type { CallStore } from '../store/call-store.ts';
import type { GroupSettingsStore } from '../store/group-settings-store.ts';
import type { PreferenceStore } from '../store/preference-store.ts';

/** How long a group's notice setting is trusted before it is read again (a pickupctl change applies within it). */
const SETTINGS_CACHE_MS = 5_000;

/** A call that started ringing in some call groups. */
export interface RingingCallNotice {
  readonly domain: string;
  readonly callUuid: string;
  readonly groups: readonly string[];
  readonly callerNumber: string;
  readonly callerName: string;
}

/**
 * Pickup notices (beyond the spec; only for groups whose notices are by message): when a call still rings unanswered
 * in a group after the group's delay, every user who may pick it up and did not opt out gets a SIP MESSAGE through
 * FreeSWITCH's `chat` API (`chat sip|<from>|<profile>/<user>@<domain>|<text>`: without the profile it is not sent,
 * capture 12) naming the caller and the group. Nothing is sent if the call was answered or picked up first, or was
 * never pickable (the store offers such a call in no group). Sent once per call and group across the cluster.
 */
export class PickupNotifier {
  private readonly scheduled = new Set<string>();
  /** Group settings read in the last few seconds: a new ringing call must not cost a Redis read per group. */
  private readonly settingsCache = new Map<string, { readAt: number; notifyAfterSeconds: number | undefined }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: Logger;

  constructor(
    private readonly switches: readonly EslClient[],
    private readonly calls: CallStore,
    private readonly preferences: PreferenceStore,
    private readonly groups: GroupSettingsStore,
    private readonly settings: { readonly prefix: string; readonly chatProfile: string },
    private readonly noticesSent: { inc(count?: number): void },
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'notifier' });
  }

  /** A call rings (again) in these groups: schedules the notice of every group that wants one, once. */
  async callRinging(call: RingingCallNotice): Promise<void> {
    for (const group of call.groups) {
      const key = `${call.domain} ${call.callUuid} ${group}`;
      if (this.scheduled.has(key)) continue;
      const notifyAfterSeconds = await this.notifyDelayOf(call.domain, group);
      if (notifyAfterSeconds === undefined || this.scheduled.has(key)) continue;
      this.scheduled.add(key);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.scheduled.delete(key);
        this.send(call, group, notifyAfterSeconds).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), callUuid: call.callUuid, group }, 'pickup notice failed'));
      }, notifyAfterSeconds * 1000);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private async notifyDelayOf(domain: string, group: string): Promise<number | undefined> {
    const key = `${domain} ${group}`;
    const cached = this.settingsCache.get(key);
    if (cached && Date.now() - cached.readAt < SETTINGS_CACHE_MS) return cached.notifyAfterSeconds;
    const notifyAfterSeconds = messageDelayOf(await this.groups.get(domain, group));
    this.settingsCache.set(key, { readAt: Date.now(), notifyAfterSeconds });
    return notifyAfterSeconds;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async send(call: RingingCallNotice, group: string, ringingSeconds: number): Promise<void> {
    // Answered, picked up or gone meanwhile: no longer offered in the group.
    if (!(await this.calls.isOffered(call.domain, group, call.callUuid))) return;
    if (!(await this.groups.markNotified(call.domain, call.callUuid, group))) return;
    const text = pickupNoticeText({ callerNumber: call.callerNumber, callerName: call.callerName, group, ringingSeconds, prefix: this.settings.prefix });
    const users = (await this.preferences.list(call.domain)).filter(({ preferences }) => preferences.pickupNotices && preferences.pickupGroups.includes(group));
    const from = `${this.settings.prefix}${group}@${call.domain}`;
    let sent = 0;
    for (const { extension } of users) {
      // The fifth field: text/plain (the chat API's default is text/html, which some phones do not show).
      const fields = ['sip', from, `${this.settings.chatProfile}/${extension}@${call.domain}`, text, 'text/plain'];
      if (await this.chat(fields.map((field) => escapeSeparatedField(field, '|')).join('|'))) sent++;
    }
    if (sent > 0) this.noticesSent.inc(sent);
    this.log.info({ callUuid: call.callUuid, domain: call.domain, group, users: users.length, sent }, 'pickup notice sent');
  }

  /** Tries the switches this controller serves until one delivers (the user may be registered on any). */
  private async chat(argument: string): Promise<boolean> {
    for (const esl of this.switches) {
      if (!esl.isReady) continue;
      const reply = await esl.backgroundApi(`chat ${argument}`).catch(() => '');
      if (reply.trim() === 'Sent') return true;
    }
    return false;
  }
}
