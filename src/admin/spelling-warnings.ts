import { caseOnlyMismatches } from '../domain/group-spelling.ts';
import type { ValidatedChange } from '../domain/user-changes.ts';
import { formatUserRef } from '../domain/users.ts';
import type { PreferenceStore } from '../store/preference-store.ts';

/**
 * Warnings for changes that give a user a pickup group matching no call group of the domain except for case
 * ("sales" while the domain only has "Sales"): group names are case-sensitive, so it would pick nothing up. The
 * domain's call groups are read after the changes were written, so call groups set in the same batch count.
 */
export async function spellingWarnings(store: PreferenceStore, changes: readonly ValidatedChange[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const domain of new Set(changes.filter((c) => c.preferences.pickupGroups.length > 0).map((c) => c.user.domain))) {
    const callGroups = new Set((await store.list(domain)).flatMap((row) => row.preferences.callGroups));
    for (const change of changes.filter((c) => c.user.domain === domain)) {
      for (const { pickupGroup, callGroups: similar } of caseOnlyMismatches(change.preferences.pickupGroups, callGroups)) {
        warnings.push(
          `warning: ${formatUserRef(change.user)}: pickup group "${pickupGroup}" matches no call group of ${domain}; ${similar.map((g) => `"${g}"`).join(', ')} would, but for case (group names are case-sensitive)`,
        );
      }
    }
  }
  return warnings;
}
