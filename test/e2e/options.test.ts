import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDialplanXml } from '../simulator/index.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

/** The product's pickup extension with its prefix changed to `*8`, as freeswitch-conf/README.md tells admins to. */
function pickupExtensionWithPrefix(prefix: string): ReturnType<typeof parseDialplanXml> {
  const xml = readFileSync(new URL('../../freeswitch-conf/dialplan/default/00_fs_pickup.xml', import.meta.url), 'utf8');
  const changed = xml.replace('expression="^88\\*?', `expression="^${prefix.replace('*', '\\*')}\\*?`);
  expect(changed).not.toBe(xml);
  return parseDialplanXml(changed);
}

/** Listens on a free port and accepts connections without ever writing: a controller that hangs (capture 16f). */
async function hungController(): Promise<{ address: string; accepted: Socket[]; close(): Promise<void> }> {
  const accepted: Socket[] = [];
  const server: Server = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    accepted,
    close: () => {
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed({ env: { FSP_PICKUP_PREFIX: '*8', FSP_CLAIM_STRATEGY: 'oldest' }, simulator: { dialplan: pickupExtensionWithPrefix('*8') } });
});

afterAll(async () => {
  await bed?.close();
});

describe('configured prefix and claim strategy', () => {
  it('serves the configured prefix (*8) and takes the oldest ringing call with FSP_CLAIM_STRATEGY=oldest', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const calls = [];
    for (let i = 0; i < 3; i++) {
      calls.push(await bed.sim.placeCall({ domain, targets: ['200'] }));
      await untilTracked(bed, calls[i]?.bLegs ?? []);
    }
    for (const expected of calls) {
      const picker = await dial(bed, domain, '100', '*8sales');
      expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: expected.aLeg });
      await bed.sim.hangup(picker);
    }
    // The product's own extension (88) still reaches this controller, which does not take that prefix.
    const wrongPrefix = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, wrongPrefix)).toMatchObject({ failure: 'invalid-dialled' });
  });
});

describe('controllers that are down or hang (the dialplan’s socket list and its bound)', () => {
  it('with no controller reachable the picker gets 503 at once, not after a timeout', async () => {
    const domain = freshDomain();
    const serving = await bed.controller.socketAddress();
    bed.sim.setGlobal('fs_pickup_controllers', await closedPort());
    try {
      const dialledAt = Date.now();
      const picker = await dial(bed, domain, '100', '*8sales');
      const ended = await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined, 5_000);
      expect(ended.hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
      expect(ended.bridgedTo).toBeUndefined();
      expect(Date.now() - dialledAt).toBeLessThan(2_000);
    } finally {
      bed.sim.setGlobal('fs_pickup_controllers', serving);
    }
  });

  it('a controller that refuses is skipped: the next one of the list serves the pickup', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const serving = await bed.controller.socketAddress();
    bed.sim.setGlobal('fs_pickup_controllers', `${await closedPort()}|${serving}`);
    try {
      const picker = await dial(bed, domain, '100', '*8sales');
      expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
      await bed.sim.hangup(picker);
    } finally {
      bed.sim.setGlobal('fs_pickup_controllers', serving);
    }
  });

  it('a controller that accepts and then hangs holds the picker only until the dialplan’s sched_hangup: 503 within 8 s', async () => {
    const domain = freshDomain();
    const hung = await hungController();
    const serving = await bed.controller.socketAddress();
    bed.sim.setGlobal('fs_pickup_controllers', hung.address);
    try {
      const dialledAt = Date.now();
      const picker = await dial(bed, domain, '100', '*8sales');
      const ended = await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined, 10_000);
      expect(hung.accepted).toHaveLength(1);
      expect(ended.hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
      // sched_hangup +8 on a whole-second scheduler: 7 to 8 s (FreeSWITCH alone would wait 25 s, then for ever).
      expect(Date.now() - dialledAt).toBeGreaterThan(6_500);
      expect(Date.now() - dialledAt).toBeLessThan(9_000);
    } finally {
      bed.sim.setGlobal('fs_pickup_controllers', serving);
      await hung.close();
    }
  }, 15_000);
});
