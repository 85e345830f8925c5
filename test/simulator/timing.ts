/**
 * How long things take in the simulated switch. `fast` (the default, for the test suite) makes every
 * step immediate and lets a channel's loops wake as soon as something happens to it. `real` follows
 * what FreeSWITCH 1.11.3 measured in captures 16–17 (medians, ms; README "Timing mode"): the 20 ms
 * polls of channel loops and event-socket listeners, the uuid_bridge hand-over, media set-up, the
 * SIP hops between nodes, and the 40 ms stall of a command that arrives in pieces.
 */

/** The delays of one timing mode (ms). */
export interface Timing {
  readonly mode: 'fast' | 'real';
  /** A phone's INVITE → its channel's CHANNEL_CREATE: the 407 challenge, the digest INVITE, the directory (16*: 23.7). */
  readonly phoneInviteMs: number;
  /** CHANNEL_CREATE of a phone's call → its first application (16a: 24.1 → 25.1). */
  readonly routingMs: number;
  /** Media set-up before a pre-answer's CHANNEL_PROGRESS_MEDIA (16a/16b/17: 2–3 after the app before). */
  readonly mediaSetupMs: number;
  /** The bridge application's EXECUTE → its outbound legs' CHANNEL_OUTGOING/CREATE (16a, 17: 1). */
  readonly originateMs: number;
  /** intercept: picker answered → target answered and its ringing leg PICKED_OFF → the app returns (16a/17: 1 + 1). */
  readonly interceptStepMs: number;
  /**
   * Channel loops (park, originate, bridge) sleep this long between reads, whatever happens meanwhile
   * (switch_yield(20000)); undefined: they wake at once when something happens to their channel.
   */
  readonly channelPollMs: number | undefined;
  /** uuid_bridge: the originatee is ready this long after leaving its application (16a/16b/17: ~20). */
  readonly bridgeSettleMs: number;
  /** An event-socket listener writes queued events when its poll wakes (20); undefined: at once. */
  readonly listenerPollMs: number | undefined;
  /** A command that arrives in several TCP chunks is read this long after its first one (Nagle + delayed ACK: 40). */
  readonly splitCommandStallMs: number;
  /** SIP between nodes (17): INVITE, 183, 200 OK (sent once the answered leg's media is up), and anything else. */
  readonly sipHopMs: { readonly invite: number; readonly earlyMedia: number; readonly answer: number; readonly other: number };
}

/** Immediate: the test suite's mode. */
export const FAST_TIMING: Timing = {
  mode: 'fast',
  phoneInviteMs: 0,
  routingMs: 0,
  mediaSetupMs: 0,
  originateMs: 0,
  interceptStepMs: 0,
  channelPollMs: undefined,
  bridgeSettleMs: 0,
  listenerPollMs: undefined,
  splitCommandStallMs: 0,
  sipHopMs: { invite: 0, earlyMedia: 0, answer: 0, other: 0 },
};

/** FreeSWITCH's own timing, from the capture lab's run 5 (the timelines of 16–17 and their repeated runs). */
export const REAL_TIMING: Timing = {
  mode: 'real',
  phoneInviteMs: 23.7,
  routingMs: 0.9,
  mediaSetupMs: 2,
  originateMs: 1,
  interceptStepMs: 1,
  channelPollMs: 20,
  bridgeSettleMs: 20,
  listenerPollMs: 20,
  splitCommandStallMs: 40,
  // 17: X CREATE 33.6 → T CREATE 35.0; T PROGRESS_MEDIA 38.0 → X 39.6; T ANSWER 38.0 → X 44.6.
  sipHopMs: { invite: 1.4, earlyMedia: 1.6, answer: 6.6, other: 1.5 },
};

/** Resolves after `ms` (a macrotask even for 0, so callers skip the call when there is no delay). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `deliver` after a SIP hop of `ms`; a hop of 0 still takes a macrotask, as between real processes. */
export function afterHop(ms: number, deliver: () => void): void {
  if (ms > 0) setTimeout(deliver, ms);
  else setImmediate(deliver);
}
