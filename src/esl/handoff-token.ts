import type { CallKind } from '../domain/call-kind.ts';
import { assertChannelUuid } from './safe-args.ts';

/** The hash realm the cluster dialplan looks tokens up in (freeswitch-conf/dialplan/fs_pickup_cluster.xml). */
const TOKEN_REALM = 'fs_pickup_token';
const TOKEN = /^[0-9a-f]{32}$/;

/**
 * The destination a picker dials on the call's node, which is also the token's key in that node's hash: the
 * cluster dialplan intercepts `pickup-<token>` as a ringing call and `pickupq-<token>` as a queue member.
 */
export function tokenDestination(kind: CallKind, token: string): string {
  if (!TOKEN.test(token)) throw new RangeError('a hand-off token is 32 lowercase hex digits');
  return `${kind === 'callcenter' ? 'pickupq' : 'pickup'}-${token}`;
}

/** The api command that puts a token into the call's node's hash, standing for the caller's leg. */
export function insertTokenCommand(destination: string, callUuid: string): string {
  return `hash insert/${TOKEN_REALM}/${destination}/${assertChannelUuid(callUuid)}`;
}

/** The api command that removes an unused token from a node's hash. */
export function deleteTokenCommand(destination: string): string {
  return `hash delete/${TOKEN_REALM}/${destination}`;
}

/**
 * What the picker's node dials to reach the call's node: its `cluster` profile at `address`, the token as the
 * destination. originate_timeout bounds a node that never answers (the call's node answers or refuses at once).
 */
export function handoffDialString(profile: string, destination: string, address: string, originateTimeoutSec: number): string {
  return `{originate_timeout=${originateTimeoutSec}}sofia/${profile}/${destination}@${address}`;
}
