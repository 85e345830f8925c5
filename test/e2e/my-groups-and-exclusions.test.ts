import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { testRedis } from '../helpers/redis-client.ts';
import type { PlaceCallOptions } from '../simulator/index.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;
const { redis } = testRedis();

beforeAll(async () => {
  bed = await startPickupBed();
});

afterAll(async () => {
  await bed?.close();
  await redis.quit();
});

/**
 * 100 picks up sales, support and marketing, in that order; 101 has a call group only; 200/201/202 are in sales,
 * support, marketing; 203 is in sales but never pickable (an executive line). Legacy: 300 and 303 in ACL group 7,
 * 303 never pickable, 400 in ACL group 7 with the group pickup right; 500 may pick up the queue helpdesk.
 */
async function users(domain: string): Promise<void> {
  await setUsers(bed, domain, {
    '100': { pickupGroups: ['sales', 'support', 'marketing'] },
    '101': { callGroups: ['support'] },
    '200': { callGroups: ['sales'] },
    '201': { callGroups: ['support'] },
    '202': { callGroups: ['marketing'] },
    '203': { callGroups: ['sales'], neverPickable: true },
    '300': { aclGroups: ['7'] },
    '303': { aclGroups: ['7'], neverPickable: true },
    '400': { aclGroups: ['7'], groupPickup: true },
    '500': { pickupGroups: ['sales'], pickupQueues: ['helpdesk'] },
  });
}

describe('88* alone: the picker’s own pickup groups, in the picker’s order', () => {
  it('picks from the first group that has a ringing call: with calls in the second and third groups only, the second’s', async () => {
    const domain = freshDomain();
    await users(domain);
    const inMarketing = await bed.sim.placeCall({ domain, targets: ['202'] });
    const inSupport = await bed.sim.placeCall({ domain, targets: ['201'] });
    await untilTracked(bed, [...inMarketing.bLegs, ...inSupport.bLegs]);
    const first = await dial(bed, domain, '100', '88*');
    expect(await outcomeOf(bed, first)).toMatchObject({ msg: 'call picked up', callUuid: inSupport.aLeg });
    const second = await dial(bed, domain, '100', '88*');
    expect(await outcomeOf(bed, second)).toMatchObject({ msg: 'call picked up', callUuid: inMarketing.aLeg });
    // Nothing left in any of the groups: refused as "nothing to pick up".
    const third = await dial(bed, domain, '100', '88*');
    expect(await outcomeOf(bed, third)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    await bed.sim.hangup(first);
    await bed.sim.hangup(second);
  });

  it('follows a changed order at once', async () => {
    const domain = freshDomain();
    await users(domain);
    await setUsers(bed, domain, { '100': { pickupGroups: ['marketing', 'support'] } });
    const inSupport = await bed.sim.placeCall({ domain, targets: ['201'] });
    const inMarketing = await bed.sim.placeCall({ domain, targets: ['202'] });
    await untilTracked(bed, [...inSupport.bLegs, ...inMarketing.bLegs]);
    const picker = await dial(bed, domain, '100', '88*');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: inMarketing.aLeg });
    await bed.sim.hangup(picker);
    await bed.sim.hangup(inSupport.aLeg);
  });

  it('is refused to legacy users like every group form, and to a groups user without pickup groups; 88 alone is unchanged', async () => {
    const domain = freshDomain();
    await users(domain);
    const legacyCall = await bed.sim.placeCall({ domain, targets: ['300'] });
    const groupsCall = await bed.sim.placeCall({ domain, targets: ['201'] });
    await untilTracked(bed, [...legacyCall.bLegs, ...groupsCall.bLegs]);
    for (const extension of ['400', '101']) {
      const refused = await dial(bed, domain, extension, '88*');
      expect(await outcomeOf(bed, refused)).toMatchObject({ failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED' });
    }
    const legacyPicker = await dial(bed, domain, '400', '88');
    expect(await outcomeOf(bed, legacyPicker)).toMatchObject({ msg: 'call picked up', callUuid: legacyCall.aLeg });
    await bed.sim.hangup(legacyPicker);
    await bed.sim.hangup(groupsCall.aLeg);
  });
});

describe('never pickable: refused by every form exactly as "nothing to pick up"', () => {
  /** Every form a picker could try on a call ringing 200/203 in sales through the queue helpdesk. */
  const groupForms: Array<[string, string]> = [
    ['100', '88sales'],
    ['100', '88*'],
    ['500', '88cg_helpdesk'],
  ];

  async function refusedByEveryForm(domain: string, extensions: readonly string[]): Promise<void> {
    for (const [picker, dialled] of [...groupForms, ...extensions.map((extension): [string, string] => ['100', `88${extension}`])]) {
      const request = await dial(bed, domain, picker, dialled);
      expect({ dialled, ...(await outcomeOf(bed, request)) }).toMatchObject({ dialled, failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    }
  }

  it('a call to a never-pickable user (an executive line): same cause as when nothing rings at all', async () => {
    const domain = freshDomain();
    await users(domain);
    const nothing = await dial(bed, domain, '100', '88sales');
    const nothingOutcome = await outcomeOf(bed, nothing);
    const call = await bed.sim.placeCall({ domain, targets: ['203'], dialVariables: { fs_pickup_queue: 'helpdesk' } });
    await untilTracked(bed, call.bLegs);
    await refusedByEveryForm(domain, ['203']);
    const picker = await dial(bed, domain, '100', '88sales');
    const outcome = await outcomeOf(bed, picker);
    expect([outcome.failure, outcome.cause]).toEqual([nothingOutcome.failure, nothingOutcome.cause]);
    expect(bed.sim.channel(call.bLegs[0] as string)?.hangupCause).toBeUndefined();
    await bed.sim.hangup(call.aLeg);
  });

  it('a legacy never-pickable user: refused to legacy group pickup and directed pickup too', async () => {
    const domain = freshDomain();
    await users(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['303'] });
    await untilTracked(bed, call.bLegs);
    for (const dialled of ['88', '88303']) {
      const picker = await dial(bed, domain, '400', dialled);
      expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    }
    await bed.sim.hangup(call.aLeg);
  });

  it.each<[string, Partial<PlaceCallOptions>]>([
    ['in the dial string ({…}: every leg)', { dialVariables: { fs_pickup_queue: 'helpdesk', fs_pickup_exclude: 'true' } }],
    ['on one ringing leg ([…])', { dialString: '{fs_pickup_queue=helpdesk}[fs_pickup_exclude=true]user/200@DOMAIN,user/201@DOMAIN' }],
    ['exported from the caller’s leg before the bridge', { dialVariables: { fs_pickup_queue: 'helpdesk' }, before: [{ app: 'export', arg: 'fs_pickup_exclude=true' }] }],
  ])('a call the dialplan marks never pickable (fs_pickup_exclude=true %s)', async (_where, options) => {
    const domain = freshDomain();
    await users(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'], ...options, ...(options.dialString ? { dialString: options.dialString.replaceAll('DOMAIN', domain) } : {}) });
    await untilTracked(bed, call.bLegs);
    await refusedByEveryForm(domain, ['200']);
    await bed.sim.hangup(call.aLeg);
  });

  it('a plain `set` on the caller’s leg is not seen: only what reaches the ringing legs counts (documented)', async () => {
    const domain = freshDomain();
    await users(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'], before: [{ app: 'set', arg: 'fs_pickup_exclude=true' }] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
  });

  it('lights no group lamp and sends no pickup notice', async () => {
    const domain = freshDomain();
    await users(domain);
    await new GroupSettingsStore(redis, new Keys(bed.prefix)).set(domain, 'sales', { mode: 'message', afterSeconds: 1 });
    bed.sim.registerPhone(`100@${domain}`);
    bed.sim.subscribeBlf({ subscriber: `100@${domain}`, entity: `88sales@${domain}` });
    const before = bed.sim.messages().length;
    const call = await bed.sim.placeCall({ domain, targets: ['203'] });
    const marked = await bed.sim.placeCall({ domain, targets: ['200'], dialVariables: { fs_pickup_exclude: 'true' } });
    await untilTracked(bed, [...call.bLegs, ...marked.bLegs]);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(bed.sim.messages().length).toBe(before);
    // The controller answers the phone's probe (dark); the lamp never lights.
    expect(bed.sim.blfNotifies(`88sales@${domain}`).map((notify) => notify.state)).not.toContain('early');
    await bed.sim.hangup(call.aLeg);
    await bed.sim.hangup(marked.aLeg);
  });
});
