/**
 * The controllers' final word on each pickup request, read from their logs as they come (a cursor per controller), so
 * that thousands of requests are matched in one pass instead of one waiter per request.
 */
import type { ControllerProcess } from '../helpers/controller-process.ts';
import { PICKUP_OUTCOMES } from '../e2e/harness.ts';

export interface PickupOutcome {
  readonly msg: string;
  readonly picked: boolean;
  readonly callUuid: string | undefined;
  readonly failure: string | undefined;
  readonly cause: string | undefined;
  /** Which controller answered (index in the collector's list). */
  readonly controller: number;
}

/**
 * A final line: the harness's outcomes, and the endings the e2e tests do not meet (the picker gone after its claim,
 * an intercept or hand-off never confirmed, the pickup that lost its call to FreeSWITCH's intercept race). A
 * cross-node picker gone before the answer ends without a line: the simulator's view of the channel tells.
 */
const ALSO_FINAL = new Set(['picker hung up before the pickup completed; claim released', 'intercept sent, but neither the bridge nor the picker’s next round came', 'hand-off neither answered nor failed in time']);

function isFinal(msg: string): boolean {
  return PICKUP_OUTCOMES.has(msg) || ALSO_FINAL.has(msg) || msg.startsWith('pickup lost the call');
}

export class PickupOutcomes {
  private readonly controllers: ControllerProcess[] = [];
  private readonly cursors: number[] = [];
  private readonly byPicker = new Map<string, PickupOutcome[]>();
  /** Every log line naming a picker, for diagnostics. */
  private readonly linesByPicker = new Map<string, Array<Record<string, unknown>>>();

  /** Watches a controller's log from its first line (a restarted controller is added again, as a new one). */
  watch(controller: ControllerProcess): void {
    this.controllers.push(controller);
    this.cursors.push(0);
  }

  /** Reads every line logged since the last scan. */
  scan(): void {
    this.controllers.forEach((controller, index) => {
      const lines = controller.logs;
      for (let i = this.cursors[index] as number; i < lines.length; i++) {
        const line = lines[i] as Record<string, unknown>;
        const msg = String(line.msg);
        if (typeof line.pickerUuid !== 'string') continue;
        this.linesByPicker.set(line.pickerUuid, [...(this.linesByPicker.get(line.pickerUuid) ?? []), { ...line, controller: index }]);
        if (!isFinal(msg)) continue;
        const outcome: PickupOutcome = {
          msg,
          picked: msg.startsWith('call picked up'),
          callUuid: typeof line.callUuid === 'string' ? line.callUuid : undefined,
          failure: typeof line.failure === 'string' ? line.failure : undefined,
          cause: typeof line.cause === 'string' ? line.cause : undefined,
          controller: index,
        };
        this.byPicker.set(line.pickerUuid, [...(this.byPicker.get(line.pickerUuid) ?? []), outcome]);
      }
      this.cursors[index] = lines.length;
    });
  }

  /** Every final word on this request (more than one: two controllers answered it). */
  of(picker: string): readonly PickupOutcome[] {
    return this.byPicker.get(picker) ?? [];
  }

  /** What the controllers logged about a request (messages and reasons), for a failure message. */
  story(picker: string): string[] {
    return (this.linesByPicker.get(picker) ?? []).map((line) => `c${String(line.controller)} ${String(line.msg)}${line.reason ? ` (${String(line.reason)})` : ''}${line.failure ? ` [${String(line.failure)}]` : ''}`);
  }

  /** Polls until every request has its final word, or the time is up; returns the ones still unanswered. */
  async waitFor(pickers: readonly string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.scan();
      const open = pickers.filter((picker) => !this.byPicker.has(picker));
      if (open.length === 0 || Date.now() > deadline) return open;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
