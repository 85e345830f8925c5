import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../../src/esl/frame-parser.ts';
import { pickupRequestOf } from '../../../src/esl/pickup-request.ts';
import { channelDataOf } from '../../../src/esl/socket-session.ts';
import { captureBytes } from '../../helpers/captures.ts';

/** The channel data a real FreeSWITCH sent in reply to `connect` on a picker's synchronous socket (16a). */
function capturedChannel(): Record<string, string> {
  const [connectReply] = new FrameParser().push(captureBytes('16a-sync-socket-decision-rpc.node1.socket-session.txt'));
  return channelDataOf(connectReply!);
}

describe('pickupRequestOf (the connect reply of a picker’s socket)', () => {
  it('reads the picker, its node, the authenticated user and what was dialled from the captured reply', () => {
    const channel = capturedChannel();
    expect(channel['Content-Type']).toBe('command/reply');
    expect(channel['Reply-Text']).toBe('+OK\n');
    expect(channel['Socket-Mode']).toBe('static');
    expect(pickupRequestOf(channel)).toEqual({
      pickerUuid: '9b35f937-3ff9-40ed-b570-b0a6cba8f723',
      coreUuid: '50a24299-ba3b-4d04-910f-cbb5b576aca8',
      dialled: '88sales',
      userName: '100',
      domainName: 'pbx.test',
      tried: [],
      previous: undefined,
    });
  });

  it('reads what earlier rounds left on the channel, keeping only channel uuids', () => {
    const request = pickupRequestOf({
      ...capturedChannel(),
      variable_fs_pickup_tried: 'a1b2c3d4-0000-4000-8000-000000000001,not a uuid,,a1b2c3d4-0000-4000-8000-000000000002',
      variable_fs_pickup_previous: 'a1b2c3d4-0000-4000-8000-000000000002',
    });
    expect(request?.tried).toEqual(['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002']);
    expect(request?.previous).toBe('a1b2c3d4-0000-4000-8000-000000000002');
  });

  it('leaves out an unauthenticated caller’s identity and refuses a channel without a usable uuid', () => {
    const channel = { ...capturedChannel(), variable_user_name: '', variable_domain_name: '' };
    expect(pickupRequestOf(channel)).toMatchObject({ userName: undefined, domainName: undefined });
    expect(pickupRequestOf({ ...channel, 'Unique-ID': 'x\nsendmsg' })).toBeUndefined();
    expect(pickupRequestOf({})).toBeUndefined();
  });

  it('never lets a hostile variable through as a call uuid (any text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const request = pickupRequestOf({ ...capturedChannel(), variable_fs_pickup_tried: text, variable_fs_pickup_previous: text });
        for (const uuid of [...request!.tried, request!.previous ?? 'a']) expect(uuid).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
      }),
    );
  });
});
