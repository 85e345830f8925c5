import { describe, expect, it } from 'vitest';
import { caseOnlyMismatches } from '../../../src/domain/group-spelling.ts';

describe('caseOnlyMismatches', () => {
  it('finds the pickup groups that match a call group only when case is ignored', () => {
    expect(caseOnlyMismatches(['sales', 'Support', 'hr', 'SALES_2'], ['Sales', 'SALES', 'Support', 'sales_2'])).toEqual([
      { pickupGroup: 'sales', callGroups: ['Sales', 'SALES'] },
      { pickupGroup: 'SALES_2', callGroups: ['sales_2'] },
    ]);
  });

  it('is silent for exact matches and for groups with no call group at all', () => {
    expect(caseOnlyMismatches(['Sales', 'new-team'], new Set(['Sales', 'sales']))).toEqual([]);
  });
});
