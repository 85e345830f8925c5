/** A pickup group that names no call group, though call groups spelled the same except for case exist. */
export interface CaseOnlyMismatch {
  readonly pickupGroup: string;
  /** The call groups it matches when case is ignored. */
  readonly callGroups: readonly string[];
}

/**
 * Pickup groups that match no call group exactly but do when case is ignored ("sales" while only "Sales" exists):
 * group names are case-sensitive (spec), so such a pickup group picks nothing up — most likely a typo worth a
 * warning, not a refusal (the call group may simply not exist yet). Pure.
 */
export function caseOnlyMismatches(pickupGroups: readonly string[], callGroups: Iterable<string>): CaseOnlyMismatch[] {
  const exact = new Set(callGroups);
  const byLowerCase = new Map<string, string[]>();
  for (const group of exact) byLowerCase.set(group.toLowerCase(), [...(byLowerCase.get(group.toLowerCase()) ?? []), group]);
  return pickupGroups.flatMap((pickupGroup) => {
    const similar = exact.has(pickupGroup) ? undefined : byLowerCase.get(pickupGroup.toLowerCase());
    return similar ? [{ pickupGroup, callGroups: similar }] : [];
  });
}
