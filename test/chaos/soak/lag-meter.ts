/** The parent's side of lag-probe.ts: starts it, and asks it for the sampled legs' lags at the end. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LegLag, ProbeReply, ProbeRequest, ProbeSettings } from './lag-probe.ts';

export class LagMeter {
  private constructor(private readonly child: ChildProcess) {}

  static async start(settings: ProbeSettings): Promise<LagMeter> {
    const child = fork(fileURLToPath(new URL('./lag-probe.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
    const meter = new LagMeter(child);
    await meter.ask({ start: settings });
    return meter;
  }

  async lags(): Promise<readonly LegLag[]> {
    const reply = await this.ask({ report: true });
    if (!('lags' in reply)) throw new Error('lag probe: unexpected reply');
    return reply.lags;
  }

  stop(): void {
    this.child.disconnect();
  }

  private ask(request: ProbeRequest): Promise<ProbeReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('lag probe did not answer within 20 s')), 20_000);
      this.child.once('message', (message: ProbeReply) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.child.send(request);
    });
  }
}
