/**
 * BLF (SUBSCRIBE Event: dialog) on the `internal` profile, as captured in 10: a subscription fires
 * PRESENCE_PROBE and gets an empty initial NOTIFY (none for a `<proto>+<user>` subscription); then
 * every fired PRESENCE_IN whose `from` is the entity and whose proto is the subscription's (no proto,
 * `any` and `sip` all count as `sip`) becomes one NOTIFY, `version` +1 each — one dialog, `state="full"`,
 * so the last NOTIFY is what the key shows. A PRESENCE_IN naming a live channel in `unique-id` is never
 * fired (connection.ts), so it never reaches a subscriber. A hangup for a user who still has live SIP
 * channels of that presence_id is turned into the newest one's state (early, else confirmed), as
 * actual_sofia_presence_event_handler does with its sip_dialogs ("simulate a call that is up"); a
 * PRESENCE_IN whose unique-id is no live channel counts as a hangup there.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from './channel.ts';
import { eventHeader, type SimEvent } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';

/** One NOTIFY a BLF subscriber got: the dialog state of its body (`undefined`: no `<dialog>` element). */
export interface BlfNotify {
  readonly state: 'early' | 'confirmed' | 'terminated' | undefined;
  /** The `<dialog id>`: the PRESENCE_IN's unique-id. */
  readonly dialogId?: string;
  readonly direction?: 'initiator' | 'recipient';
  readonly version: number;
}

/** Options of `subscribeBlf`. */
export interface BlfSubscribeOptions {
  /** The phone subscribing: `400@pbx.test`. */
  readonly subscriber: string;
  /** What it watches: `88sales@pbx.test`, or `fslab+88sales@pbx.test` for proto `fslab` only. */
  readonly entity: string;
}

interface BlfSubscription {
  readonly entity: string;
  readonly proto: string;
  /** `user@host` without the proto prefix: what PRESENCE_IN `from` must be. */
  readonly watched: string;
  readonly user: string;
  readonly notifies: BlfNotify[];
}

const EXPIRES = '300';

/** `<proto>+<user>@host` → [proto, user@host]; a plain entity is proto `sip`. */
function splitEntity(entity: string): [proto: string, watched: string] {
  const plus = entity.indexOf('+');
  const at = entity.indexOf('@');
  return plus > 0 && (at < 0 || plus < at) ? [entity.slice(0, plus), entity.slice(plus + 1)] : ['sip', entity];
}

/** mod_sofia reads an empty or `any` proto as `sip`. */
function protoOf(event: SimEvent): string {
  const proto = eventHeader(event, 'proto');
  return proto === undefined || proto === '' || proto === 'any' ? 'sip' : proto;
}

/**
 * The NOTIFY body's dialog for a PRESENCE_IN (sofia_presence.c, as the capture-10 table shows):
 * inbound counts as outbound unless caller-username is the watched user; outbound → recipient,
 * anything else → initiator; answer-state ringing is early only when outbound, else confirmed;
 * channel-state CS_HANGUP forces terminated.
 */
function dialogOf(event: SimEvent, user: string, stillUp: 'early' | 'confirmed' | undefined): Omit<BlfNotify, 'version'> {
  const dialogId = eventHeader(event, 'unique-id');
  if (dialogId === undefined) return { state: undefined };
  let direction = eventHeader(event, 'presence-call-direction') ?? '';
  if (direction === 'inbound' && eventHeader(event, 'caller-username') !== user) direction = 'outbound';
  const outbound = direction === 'outbound';
  if (stillUp) return { state: stillUp, dialogId, direction: outbound ? 'recipient' : 'initiator' };
  const answerState = eventHeader(event, 'answer-state') ?? '';
  const byAnswerState: Record<string, BlfNotify['state']> = {
    early: 'early',
    confirmed: 'confirmed',
    answered: 'confirmed',
    terminated: 'terminated',
    hangup: 'terminated',
    ringing: outbound ? 'early' : 'confirmed',
  };
  const hungUp = eventHeader(event, 'channel-state') === 'CS_HANGUP';
  const state = hungUp ? 'terminated' : (byAnswerState[answerState] ?? (outbound ? 'early' : 'confirmed'));
  return { state, dialogId, direction: outbound ? 'recipient' : 'initiator' };
}

/** The profile's BLF subscriptions and the NOTIFYs they got (subscriptions outlive a restart, like sofia's database). */
export class BlfPresence {
  private readonly subscriptions: BlfSubscription[] = [];

  /** A phone's SUBSCRIBE (Event: dialog, Expires 300): 202, PRESENCE_PROBE, then the initial NOTIFY (plain entities only). */
  subscribe(core: SwitchCore, options: BlfSubscribeOptions): void {
    const [proto, watched] = splitEntity(options.entity);
    const subscription: BlfSubscription = { entity: options.entity, proto, watched, user: watched.split('@')[0] ?? '', notifies: [] };
    this.subscriptions.push(subscription);
    const plain = proto === 'sip';
    core.fire(
      core.options.stamper.create('PRESENCE_PROBE', ['sofia_presence.c', 'sofia_presence_handle_sip_i_subscribe', plain ? 4377 : 4356], [
        ...(plain ? ([['probe-type', 'dialog']] as const) : []),
        ['proto', proto],
        ['login', 'internal'],
        ['sip_profile', 'internal'],
        ['from', options.subscriber],
        ['to', options.entity],
        ['proto-specific-event-name', 'dialog'],
        ['expires', EXPIRES],
        ['event_type', 'presence'],
        ['alt_event_type', 'dialog'],
        ['expires', EXPIRES],
        ['sub-call-id', `${randomUUID()}@${options.subscriber.split('@')[1] ?? ''}`],
      ]),
    );
    if (plain) subscription.notifies.push({ state: undefined, version: 0 });
  }

  /** Turns a fired PRESENCE_IN into NOTIFYs for the subscriptions it concerns. */
  observe(event: SimEvent, core: SwitchCore): void {
    if (event.name !== 'PRESENCE_IN') return;
    const from = eventHeader(event, 'from');
    const proto = protoOf(event);
    const concerned = this.subscriptions.filter((subscription) => subscription.watched === from && subscription.proto === proto);
    if (concerned.length === 0 || from === undefined) return;
    const stillUp = hangsUp(event, core) ? stateOfNewest(liveDialogs(core, from, eventHeader(event, 'unique-id'))) : undefined;
    for (const subscription of concerned) subscription.notifies.push({ ...dialogOf(event, subscription.user, stillUp), version: subscription.notifies.length });
  }

  /** Every NOTIFY the subscriptions to `entity` got, in order. */
  notifies(entity: string): BlfNotify[] {
    return this.subscriptions.filter((subscription) => subscription.entity === entity).flatMap((subscription) => subscription.notifies);
  }
}

/** sofia's `hup`: the status says CS_HANGUP, or the unique-id names no live channel (ours never do). */
function hangsUp(event: SimEvent, core: SwitchCore): boolean {
  const uuid = eventHeader(event, 'unique-id');
  return (eventHeader(event, 'status') ?? '').includes('CS_HANGUP') || (uuid !== undefined && uuid !== '' && core.find(uuid) === undefined);
}

/** The live SIP channels of a presence id (sip_dialogs), but `except`, newest first. */
function liveDialogs(core: SwitchCore, presenceId: string, except: string | undefined): Channel[] {
  return core
    .liveChannels()
    .filter((channel) => channel.endpoint === 'sofia' && channel.uuid !== except && channel.variables.get('presence_id') === presenceId)
    .reverse();
}

function stateOfNewest(dialogs: readonly Channel[]): 'early' | 'confirmed' | undefined {
  const [newest] = dialogs;
  if (!newest) return undefined;
  return newest.answered ? 'confirmed' : 'early';
}
