import type { PickupRecord } from '../../src/store/pickup-records.ts';

/** A same-node pickup of a Sales call by 100 (a record as the pickup service writes it), with `changes` over it. */
export function pickupRecord(changes: Partial<PickupRecord> = {}): PickupRecord {
  return {
    at: Date.UTC(2025, 0, 15, 9, 30),
    domain: 'records.test',
    picker: '100',
    pickerUuid: '0b7c1d2e-0000-4000-8000-000000000100',
    pickerNode: 'node1',
    form: 'group',
    dialled: '88Sales',
    target: 'Sales',
    result: 'picked',
    failure: '',
    cause: '',
    callUuid: 'c0ffee00-0000-4000-8000-000000000200',
    callerNumber: '+4930123456',
    callerName: 'Anna Schmidt',
    callNode: 'node1',
    attempts: 1,
    decisionMs: 1.25,
    pickupMs: undefined,
    ...changes,
  };
}
