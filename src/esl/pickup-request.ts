import { nonEmpty } from './channel-facts.ts';
import { isChannelUuid } from './safe-args.ts';

/**
 * The channel variables fs-pickup keeps on a picker's channel between the dialplan's rounds (each round is a new
 * socket session, possibly with another controller): the calls tried so far, and the call the round before went
 * for — intercepted here or handed to another node —, which failed when the channel comes back. `bridge` is what the
 * dialplan's `bridge ${fs_pickup_bridge}` dials (freeswitch-conf/dialplan/default/00_fs_pickup.xml).
 */
export const PICKER_VARIABLES = Object.freeze({
  tried: 'fs_pickup_tried',
  previous: 'fs_pickup_previous',
  bridge: 'fs_pickup_bridge',
});

/** A pickup request as the picker's channel presents it on its socket. Values are untrusted, as sent. */
export interface PickupRequest {
  readonly pickerUuid: string;
  /** The FreeSWITCH process the channel lives in (its node is the one whose event socket reports this Core-UUID). */
  readonly coreUuid: string;
  /** What the phone dialled (`88sales`…). */
  readonly dialled: string;
  /** Directory identity FreeSWITCH authenticated; absent when it did not. */
  readonly userName: string | undefined;
  readonly domainName: string | undefined;
  /** Calls tried by earlier rounds, oldest first. */
  readonly tried: readonly string[];
  /** The call the previous round went for: its intercept or hand-off failed, or the channel would not be back. */
  readonly previous: string | undefined;
}

/** Reads the connect reply of a picker's socket (capture 16a: the channel's headers and variables). */
export function pickupRequestOf(channel: Readonly<Record<string, string>>): PickupRequest | undefined {
  const pickerUuid = channel['Unique-ID'] ?? '';
  if (!isChannelUuid(pickerUuid)) return undefined;
  return {
    pickerUuid,
    coreUuid: channel['Core-UUID'] ?? '',
    dialled: channel['Caller-Destination-Number'] ?? '',
    userName: nonEmpty(channel.variable_user_name),
    domainName: nonEmpty(channel.variable_domain_name),
    tried: (channel[`variable_${PICKER_VARIABLES.tried}`] ?? '').split(',').filter(isChannelUuid),
    previous: [channel[`variable_${PICKER_VARIABLES.previous}`] ?? ''].find(isChannelUuid),
  };
}
