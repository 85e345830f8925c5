import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelFact } from '../esl/channel-facts.ts';
import type { EslClient } from '../esl/client.ts';
import { EslCommandError } from '../esl/errors.ts';
import type { CallStore, ClaimedCall } from '../store/call-store.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { TokenStore } from '../store/token-store.ts';
import type { ChannelWatches } from './channel-watches.ts';
import { intercept } from './intercept.ts';

type TokenRequest = Extract<ChannelFact, { kind: 'token-parked' }>;

/** Settings of cross-node pickups. */
export interface HandoffSettings {
  /** The SIP profile that reaches other nodes' `cluster` profiles. */
  readonly sipProfile: string;
  /** How long a token stays usable. */
  readonly tokenTtlMs: number;
  /** How long the picker's node waits for the other node to answer the token call. */
  readonly answerTimeoutMs: number;
  readonly interceptTimeoutMs: number;
  readonly bridgeTimeoutMs: number;
}

export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = Object.freeze({
  sipProfile: 'cluster',
  tokenTtlMs: 10_000,
  answerTimeoutMs: 6_000,
  interceptTimeoutMs: 3_000,
  bridgeTimeoutMs: 2_000,
});

/** A token is 128 random bits in lowercase hex; the cluster dialplan context admits nothing else. */
const TOKEN = /^[0-9a-f]{32}$/;

/**
 * Cross-node pickup. The picker's node bridges the picker over SIP to the node where the call rings, with a
 * one-time token in the request URI (`pickup-<token>`); that node's dialplan parks the token leg and its
 * controller, holding the token, runs `intercept` there. A bridge seen on the picker's node proves nothing
 * (a failed intercept still sends early media, capture 15b): only the picker's answer does.
 */
export class Handoff {
  constructor(
    private readonly esl: EslClient,
    private readonly calls: CallStore,
    private readonly registry: NodeRegistry,
    private readonly tokens: TokenStore,
    private readonly watches: ChannelWatches,
    private readonly node: string,
    private readonly settings: HandoffSettings,
  ) {}

  /**
   * The picker's side: sends the picker to the call's node. 'picked' once the picker is answered; 'refused'
   * when the bridge came back without an answer (the picker stays parked: continue_on_fail); 'picker-gone';
   * 'unavailable' when nothing happened in time (the outbound leg is then killed).
   */
  async sendPicker(pickerUuid: string, claimed: ClaimedCall, log: Logger): Promise<'picked' | 'refused' | 'picker-gone' | 'unavailable'> {
    const address = await this.registry.sipAddressOf(claimed.node);
    if (!address) {
      log.warn({ callNode: claimed.node }, 'cross-node pickup impossible: the call’s node announced no cluster SIP address');
      return 'refused';
    }
    const token = randomBytes(16).toString('hex');
    await this.tokens.issue(token, { domain: claimed.domain, callUuid: claimed.callUuid, callKind: claimed.callKind, node: claimed.node, pickerUuid, pickerNode: this.node }, this.settings.tokenTtlMs);
    let outboundLeg: string | undefined;
    const outcome = this.watches.waitFor<'answered' | 'hangup' | 'bridge-ended'>(
      pickerUuid,
      (event) => {
        const uuid = event.headers['Unique-ID'];
        if (event.name === 'CHANNEL_CREATE' && uuid !== pickerUuid) outboundLeg = uuid;
        if (uuid !== pickerUuid) return undefined;
        if (event.name === 'CHANNEL_ANSWER') return 'answered';
        if (event.name === 'CHANNEL_HANGUP') return 'hangup';
        return event.name === 'CHANNEL_EXECUTE_COMPLETE' && event.headers.Application === 'bridge' ? 'bridge-ended' : undefined;
      },
      this.settings.answerTimeoutMs,
    );
    try {
      await Promise.all([
        // Without it a caller's hangup would leave the picker parked in silence (capture 15c vs 15h).
        this.esl.execute(pickerUuid, { app: 'set', arg: 'hangup_after_bridge=true' }),
        // A failed bridge returns to the park instead of hanging the picker up: the next call can be tried.
        this.esl.execute(pickerUuid, { app: 'set', arg: 'continue_on_fail=true' }),
        this.esl.execute(pickerUuid, { app: 'bridge', arg: `{sip_h_X-FSP-Token=${token}}sofia/${this.settings.sipProfile}/pickup-${token}@${address}` }),
      ]);
    } catch (error) {
      outcome.cancel();
      return error instanceof EslCommandError ? 'picker-gone' : 'unavailable';
    }
    log.info({ callNode: claimed.node, address }, 'picker sent to the call’s node');
    const first = await outcome.result;
    if (first === 'answered') return 'picked';
    if (first === 'hangup') return 'picker-gone';
    if (first === 'bridge-ended') return 'refused';
    // Nothing answered in time: end the attempt so the picker is back in its park.
    if (outboundLeg) await this.esl.api(`uuid_kill ${outboundLeg} NORMAL_TEMPORARY_FAILURE`).catch(() => undefined);
    log.warn({ callNode: claimed.node, waitedMs: this.settings.answerTimeoutMs }, 'the call’s node did not answer the token call');
    return 'unavailable';
  }

  /** The call's side: a token leg arrived; use the token once and intercept the call for the remote picker. */
  async acceptToken(request: TokenRequest, log: Logger): Promise<void> {
    const tokenLog = log.child({ tokenLegUuid: request.legUuid, fromAddress: request.fromAddress });
    const ticket = TOKEN.test(request.token) ? await this.tokens.consume(request.token, request.legUuid) : undefined;
    if (ticket === 'again') return;
    if (!ticket || ticket.node !== this.node) {
      tokenLog.warn({ token: request.token.slice(0, 64) }, 'pickup token refused (forged, reused or expired)');
      await this.esl.hangup(request.legUuid, 'CALL_REJECTED').catch(() => undefined);
      return;
    }
    const callLog = tokenLog.child({ domain: ticket.domain, callUuid: ticket.callUuid, pickerUuid: ticket.pickerUuid, pickerNode: ticket.pickerNode });
    const { result, bridged } = await intercept(this.esl, this.watches, request.legUuid, ticket.callUuid, ticket.callKind, {
      interceptMs: this.settings.interceptTimeoutMs,
      bridgeMs: this.settings.bridgeTimeoutMs,
    });
    if (result === 'picked' || result === 'refused') {
      // Picked up, or not pickable any more (answered or gone meanwhile): either way it leaves the store.
      await this.calls.endCall(ticket.domain, ticket.callUuid, this.node).catch((error: unknown) => callLog.warn({ err: error }, 'could not remove the call from the store'));
    }
    if (result === 'picked') {
      callLog.info('call picked up for a picker on another node');
      if (!(await bridged)) callLog.warn('intercept succeeded but no bridge was seen');
      return;
    }
    callLog.info({ result }, 'cross-node intercept failed; token call refused');
    if (result !== 'channel-gone') await this.esl.hangup(request.legUuid, 'NO_ROUTE_DESTINATION').catch(() => undefined);
  }
}
