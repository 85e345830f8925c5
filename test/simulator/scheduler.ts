/**
 * FreeSWITCH's task scheduler (switch_scheduler.c) as `sched_hangup` / `sched_cancel` use it: a task
 * has a runtime in whole epoch seconds and a group (sched_hangup's is the channel's uuid); it runs
 * once `switch_epoch_time_now()` reaches its runtime. So `+N` seconds from now fires between N−1 and N
 * seconds later (FreeSWITCH's scheduler thread also looks only every ≤ 0.5 s: up to 0.5 s more, not
 * simulated). No ADD_SCHEDULE / DEL_SCHEDULE events (none were captured).
 */

interface Task {
  readonly group: string;
  readonly timer: NodeJS.Timeout;
}

/** The scheduled tasks of one switch process. */
export class Scheduler {
  private readonly tasks = new Set<Task>();

  /** Runs `run` when the epoch second reaches `runtimeSec`. */
  add(runtimeSec: number, group: string, run: () => void): void {
    const task: Task = {
      group,
      timer: setTimeout(() => {
        this.tasks.delete(task);
        run();
      }, Math.max(0, runtimeSec * 1000 - Date.now())),
    };
    this.tasks.add(task);
  }

  /** Deletes every pending task of a group; returns how many. */
  cancelGroup(group: string): number {
    let deleted = 0;
    for (const task of this.tasks) {
      if (task.group !== group) continue;
      clearTimeout(task.timer);
      this.tasks.delete(task);
      deleted++;
    }
    return deleted;
  }

  /** The process ends: nothing scheduled runs. */
  halt(): void {
    for (const task of this.tasks) clearTimeout(task.timer);
    this.tasks.clear();
  }
}

/** The current epoch second, as `switch_epoch_time_now(NULL)`. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
