import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type GroupNotices, messageDelayOf } from '../../domain/group-notices.ts';
import { type GroupSettingsField, type GroupSettingsInput, validateGroupSettingsInput } from '../../domain/group-settings-input.ts';
import type { GroupSettingsStore } from '../../store/group-settings-store.ts';
import { invalidInput } from './problems.ts';
import { answers } from './responses.ts';
import { GroupParams, GroupSettings, GroupSettingsBody } from './schemas.ts';

/** A call group's pickup notices: read and set, with the rules and messages of `pickupctl notify`. */
export const groupRoutes: FastifyPluginAsyncTypebox<{ settings: GroupSettingsStore }> = async (api, { settings }) => {
  api.get(
    '/domains/:domain/groups/:group/settings',
    { schema: { tags: ['groups'], operationId: 'getGroupSettings', summary: "A call group's notice setting (off, lamp, or message after a delay)", params: GroupParams, response: answers({ 200: GroupSettings }, 400) } },
    async (request) => {
      const { domain, group } = checked({ ...request.params });
      return settingsJson(domain, group, await settings.get(domain, group));
    },
  );

  api.put(
    '/domains/:domain/groups/:group/settings',
    {
      schema: { tags: ['groups'], operationId: 'setGroupSettings', summary: "Sets a call group's pickup notices (like pickupctl notify)", params: GroupParams, body: GroupSettingsBody, response: answers({ 200: GroupSettings }, 400, 413, 415) },
    },
    async (request) => {
      const { domain, group, notices } = checked({ ...request.params, ...request.body });
      await settings.set(domain, group, notices);
      return settingsJson(domain, group, notices);
    },
  );
};

function settingsJson(domain: string, group: string, notices: GroupNotices): { domain: string; group: string; notify: GroupNotices['mode']; notifyAfterSeconds: number | null } {
  return { domain, group, notify: notices.mode, notifyAfterSeconds: messageDelayOf(notices) ?? null };
}

/** The settings as the domain's rules read them, or the 400 naming every problem. */
function checked(input: GroupSettingsInput): { domain: string; group: string; notices: GroupNotices } {
  const result = validateGroupSettingsInput(input);
  if (!result.ok) throw invalidInput(result.problems, pathOf);
  return result;
}

function pathOf(field: GroupSettingsField): string {
  return field === 'domain' || field === 'group' ? `params.${field}` : `body.${field}`;
}
