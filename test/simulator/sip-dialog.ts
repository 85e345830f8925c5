/**
 * One INVITE dialog between two simulated nodes: the UAC leg X (a bridge's `sofia/cluster/…` leg on the
 * sending node) and the UAS leg T (the inbound leg on the receiving node). What one leg does reaches the
 * other a macrotask later (in real timing: the hop times of capture 17), in order, as SIP would carry it
 * (captures 15, 15b, 15c, 15h):
 * - T pre-answered → 183 → X early media; T answered → 200 → X answered;
 * - T hung up before its answer → error answer (404 for NO_ROUTE_DESTINATION…), after it → BYE; either
 *   carries `Reason: Q.850;cause=…`, so X ends with T's very cause (`recv_refuse` / `recv_bye`);
 * - X hung up after the answer → BYE with its cause; before it → CANCEL, and T ends ORIGINATOR_CANCEL;
 * - an answer with no channel behind it (403 from the ACL, 503 when nothing answers at the address)
 *   carries no Reason: X's cause comes from the status (CALL_REJECTED, NORMAL_TEMPORARY_FAILURE).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setVariables, type Channel, type SipSignalling } from './channel.ts';
import { causeOfSipStatus, q850Of, reasonHeader, sipPhraseOf, sipStatusOf } from './hangup-causes.ts';
import type { SwitchCore } from './switch-core.ts';
import { afterHop, type Timing } from './timing.ts';

type Hop = keyof Timing['sipHopMs'];

type DialogState = 'calling' | 'confirmed' | 'terminated';

/** Both ends of one dialog. Created by the sending profile with its outbound leg. */
export class SipDialog {
  readonly callId = randomUUID();
  private state: DialogState = 'calling';
  private lastUacDelivery = 0;
  private uas: { readonly core: SwitchCore; readonly leg: Channel } | undefined;

  constructor(
    private readonly uacCore: SwitchCore,
    private readonly uac: Channel,
  ) {
    uac.signalling = {
      earlyMedia: () => undefined,
      answered: () => undefined,
      hungUp: (leg) => this.uacHungUp(leg),
    };
  }

  /** Whether the INVITE is still worth delivering (X not hung up meanwhile). */
  get pending(): boolean {
    return this.state === 'calling';
  }

  /** The receiving node made T for this INVITE: from now on the legs signal each other. */
  accept(core: SwitchCore, leg: Channel, receiverAddress: string): void {
    this.uas = { core, leg };
    leg.signalling = this.uasSignalling();
    const [ip = '', port = ''] = receiverAddress.split(':');
    this.toUac('other', (x) => {
      setVariables(x, { sip_call_id: this.callId, sip_network_ip: ip, sip_network_port: port, sip_reply_host: ip, sip_reply_port: port });
    });
  }

  /** An answer with no channel behind it (no Reason header): X ends with the status's cause. */
  refuse(status: number): void {
    this.state = 'terminated';
    this.toUac('other', (x) => {
      setVariables(x, {
        sip_hangup_disposition: 'recv_refuse',
        sip_invite_failure_status: String(status),
        sip_invite_failure_phrase: sipPhraseOf(status),
        sip_term_status: String(status),
      });
      this.uacCore.hangup(x, causeOfSipStatus(status));
    });
  }

  private uasSignalling(): SipSignalling {
    return {
      // The far node's leg rings its phones (a relayed call): 180 to X, which then rings too.
      ringing: () => this.toUac('other', (x) => this.uacCore.markRinging(x)),
      earlyMedia: () => this.toUac('earlyMedia', (x) => this.uacCore.preAnswer(x)),
      answered: () => {
        if (this.state !== 'calling') return;
        this.state = 'confirmed';
        this.toUac('answer', (x) => this.uacCore.answer(x));
      },
      hungUp: (t) => this.uasHungUp(t),
    };
  }

  private uasHungUp(t: Channel): void {
    if (this.state === 'terminated') return; // ended by the other side: nothing to send back
    const cause = t.hangupCause ?? 'NORMAL_CLEARING';
    const confirmed = this.state === 'confirmed';
    this.state = 'terminated';
    t.variables.set('sip_hangup_disposition', confirmed ? 'send_bye' : 'send_refuse');
    const status = confirmed ? 200 : sipStatusOf(cause);
    this.toUac('other', (x) => {
      setVariables(x, {
        sip_hangup_disposition: confirmed ? 'recv_bye' : 'recv_refuse',
        ...(confirmed ? {} : { sip_invite_failure_status: String(status), sip_invite_failure_phrase: sipPhraseOf(status) }),
        ...receivedReason(cause, status),
      });
      this.uacCore.hangup(x, cause);
    });
  }

  private uacHungUp(x: Channel): void {
    if (this.state === 'terminated') return;
    const cause = x.hangupCause ?? 'NORMAL_CLEARING';
    const confirmed = this.state === 'confirmed';
    this.state = 'terminated';
    x.variables.set('sip_hangup_disposition', confirmed ? 'send_bye' : 'send_cancel');
    afterHop(this.uacCore.options.timing.sipHopMs.other, () => {
      const uas = this.uas;
      if (!uas?.leg.alive) return;
      if (confirmed) setVariables(uas.leg, { sip_hangup_disposition: 'recv_bye', ...receivedReason(cause, 200) });
      else uas.leg.variables.set('sip_hangup_disposition', 'recv_cancel');
      uas.core.hangup(uas.leg, confirmed ? cause : 'ORIGINATOR_CANCEL');
    });
  }

  /** Delivers something to X one hop later (never before what was sent to it earlier), if X is still up. */
  private toUac(hop: Hop, apply: (x: Channel) => void): void {
    const now = performance.now();
    this.lastUacDelivery = Math.max(now + this.uacCore.options.timing.sipHopMs[hop], this.lastUacDelivery);
    afterHop(this.lastUacDelivery - now, () => {
      if (this.uac.alive) apply(this.uac);
    });
  }
}

function receivedReason(cause: string, status: number): Record<string, string> {
  return { sip_reason: reasonHeader(cause), sip_term_status: String(status), sip_term_cause: String(q850Of(cause)) };
}
