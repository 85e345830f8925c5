/**
 * When an event-socket listener writes the events queued for it. mod_event_socket's read_packet sends
 * them only while no command bytes wait to be read (a half-received command holds every event back)
 * and only when its loop runs: on its 20 ms poll, or as soon as the client wrote something. Without a
 * poll (fast timing) queued events go out as soon as nothing holds them.
 */
import { performance } from 'node:perf_hooks';

/** The queue of one listener. */
export class ListenerOutbox {
  private readonly queue: Buffer[] = [];
  private readonly poll: NodeJS.Timeout | undefined;

  /**
   * `write` sends a frame (returns false when the socket's buffer is full); `held` tells whether the
   * listener is busy (a command partly received or being handled); `pollMs`: the listener's poll.
   */
  constructor(
    private readonly write: (frame: Buffer) => boolean,
    private readonly held: () => boolean,
    private readonly pollMs: number | undefined,
  ) {
    // Free-running from the listener's start, like its thread's poll loop.
    if (pollMs !== undefined) this.poll = setInterval(() => this.flush(), pollMs);
  }

  /** Queues an event; without a poll it goes out at once unless held. Returns false when the socket is full. */
  push(frame: Buffer): boolean {
    if (this.pollMs === undefined && !this.held() && this.queue.length === 0) return this.write(frame);
    this.queue.push(frame);
    return true;
  }

  /** The listener's loop runs (a poll, a client write, a reply sent): writes what is queued unless held. */
  flush(): void {
    if (this.held()) return;
    for (const frame of this.queue.splice(0)) this.write(frame);
  }

  /** Drops what is queued and stops the poll (the listener ends). */
  stop(): void {
    clearInterval(this.poll);
    this.queue.length = 0;
  }
}

/**
 * How long the listener still waits before it can read a command that came in several TCP reads: the
 * client's Nagle held the rest until the switch's delayed ACK, `stallMs` after the first piece.
 */
export function splitCommandWait(command: { readonly chunks: number; readonly firstByteAt: number }, stallMs: number): number {
  return command.chunks > 1 ? Math.max(0, command.firstByteAt + stallMs - performance.now()) : 0;
}
