/**
 * One outbound leg per dial-string target, as switch_ivr_originate creates it: `user/<user>@<domain>`
 * (directory lookup; dialed_user, dialed_domain, presence_id and dial-var params on the leg) or
 * `sofia/<profile>/<uri>` (a `sofia/cluster/…` leg sends its INVITE to another simulated node).
 * Used by the `bridge` app (with the caller as originator) and by mod_callcenter (no originator).
 */
import type { Channel } from './channel.ts';
import { CLUSTER_PROFILE } from './cluster-profile.ts';
import { parseDialString, type DialLeg } from './dial-string.ts';
import { createOutbound } from './leg-factory.ts';
import type { SwitchCore } from './switch-core.ts';

/** Who a new leg is dialled for: its caller id and context, and the session that originates it (if any). */
export interface LegOrigin {
  /** The bridge's A leg: Other-Leg, signal_bond, call uuid; it also gets dialed_user/dialed_domain. */
  readonly originator?: Channel;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly context: string;
}

/** The origin of legs a channel dials itself (the bridge app). */
export function originOf(caller: Channel): LegOrigin {
  return { originator: caller, callerIdName: caller.profile.callerIdName, callerIdNumber: caller.profile.callerIdNumber, context: caller.profile.context };
}

/** Creates the outbound channel for one dial-string leg; undefined when the endpoint is not modelled. */
export function dialLeg(core: SwitchCore, origin: LegOrigin, leg: DialLeg, globals: Readonly<Record<string, string>>): Channel | undefined {
  const user = /^user\/([^@]+)@(.+)$/.exec(leg.endpoint);
  if (user) {
    const [, name, domain] = user as unknown as [string, string, string];
    const entry = core.options.directory.lookup(name, domain);
    const inner = parseDialString(entry.dialString);
    const target = inner.legs[0];
    if (!target) return undefined;
    origin.originator?.variables.set('dialed_user', name);
    origin.originator?.variables.set('dialed_domain', domain);
    return dialSofia(core, origin, target.endpoint, {
      dialed_user: name,
      dialed_domain: domain,
      domain_name: domain,
      presence_id: `${name}@${domain}`,
      ...entry.dialVariables,
      ...globals,
      ...inner.globals,
      ...target.variables,
      ...leg.variables,
    });
  }
  return dialSofia(core, origin, leg.endpoint, { ...globals, ...leg.variables });
}

/** The phone behind a new leg sends its 180 after ringDelayMs (and never answers by itself). */
export function ringLater(core: SwitchCore, leg: Channel): void {
  setTimeout(() => {
    if (leg.alive && leg.answerState === 'ringing') core.markRinging(leg);
  }, core.options.ringDelayMs);
}

function dialSofia(core: SwitchCore, origin: LegOrigin, endpoint: string, variables: Record<string, string>): Channel | undefined {
  const sofia = /^sofia\/([^/]+)\/(?:sips?:)?([^;]+)/.exec(endpoint);
  if (!sofia) return undefined;
  const [, profile, target] = sofia as unknown as [string, string, string];
  const [destination = '', host = ''] = target.split('@');
  const leg = createOutbound(core, {
    name: `sofia/${profile}/${target}`,
    endpoint: 'sofia',
    ...(origin.originator ? { originator: origin.originator } : {}),
    callerIdName: variables['origination_caller_id_name'] ?? origin.callerIdName,
    callerIdNumber: variables['origination_caller_id_number'] ?? origin.callerIdNumber,
    destination,
    context: origin.context,
    calleeIdName: 'Outbound Call',
    calleeIdNumber: destination,
    variables: {
      sip_profile_name: profile,
      sofia_profile_name: profile,
      sip_req_uri: target,
      sip_to_user: destination,
      sip_to_host: host,
      ...(profile === CLUSTER_PROFILE ? core.options.cluster.outboundVariables(destination, host) : {}),
      ...variables,
    },
  });
  if (profile === CLUSTER_PROFILE) core.options.cluster.invite(core, leg, destination, host);
  return leg;
}
