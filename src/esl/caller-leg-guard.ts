import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import type { EslClient } from './client.ts';
import { continueOnFailWithPickedOff } from './continue-on-fail.ts';
import { assertChannelUuid } from './safe-args.ts';

/** Calls remembered as guarded; beyond this the oldest are forgotten (a call ends long before). */
const MAX_REMEMBERED = 20_000;

/**
 * Closes FreeSWITCH's own intercept race (capture 18) before any pickup can hit it: for every call that starts
 * ringing on the node, the caller's leg — the one an intercept takes — gets `continue_on_fail` covering PICKED_OFF
 * (keeping what the dialplan set; continue-on-fail.ts), so its failing `bridge` can no longer hang it up while the
 * intercept moves it. Two quick `api` commands on the node's event socket when the call is first seen, off every
 * pickup's path; a dialplan that already covers PICKED_OFF costs only the read.
 */
export class CallerLegGuard {
  private readonly guarded = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly esl: EslClient,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'caller-guard' });
  }

  /** A leg of this call started ringing: guard its caller's leg once. Never rejects. */
  async protect(callUuid: string): Promise<void> {
    if (this.guarded.has(callUuid)) return;
    this.remember(callUuid);
    try {
      const uuid = assertChannelUuid(callUuid);
      const current = (await this.esl.api(`uuid_getvar ${uuid} continue_on_fail`)).trim();
      // The call is gone already ("-ERR No such channel!"): nothing to guard.
      if (current.startsWith('-ERR')) return;
      const value = continueOnFailWithPickedOff(current === '_undef_' ? '' : current);
      if (value === undefined) return;
      const reply = await this.esl.api(`uuid_setvar ${uuid} continue_on_fail ${value}`);
      if (!reply.startsWith('+OK')) this.log.debug({ callUuid, reply: reply.slice(0, 100) }, 'could not guard the caller’s leg (gone meanwhile)');
    } catch (error) {
      this.log.debug({ callUuid, reason: reasonOf(error) }, 'could not guard the caller’s leg against the intercept race');
    }
  }

  /** The call ended: nothing to remember any more. */
  forget(callUuid: string): void {
    this.guarded.delete(callUuid);
  }

  private remember(callUuid: string): void {
    this.guarded.add(callUuid);
    if (this.guarded.size > MAX_REMEMBERED) this.guarded.delete(this.guarded.values().next().value as string);
  }
}
