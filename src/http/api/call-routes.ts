import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { groupNameError } from '../../domain/groups.ts';
import { idError } from '../../domain/ids.ts';
import { validateDomain, validateExtension } from '../../domain/users.ts';
import type { CallStore, OfferIndex, StoredCall } from '../../store/call-store.ts';
import type { NodeRegistry } from '../../store/node-registry.ts';
import { UnknownNodeError } from './errors.ts';
import { refuseParams } from './problems.ts';
import { answers } from './responses.ts';
import { CALL_LIST, CallListQuery, ExtensionParams, GroupParams, NodeParams, QueueParams, type RingingCall, RingingCalls } from './schemas.ts';

/**
 * The calls ringing now, read from the store's indexes: those a picker could get from a group, an extension or a
 * queue (88<group>, 88<extension>, 88cg_<queue>), and every call a node rings, whatever its state. Oldest first.
 */
export const callRoutes: FastifyPluginAsyncTypebox<{ calls: CallStore; registry: NodeRegistry }> = async (api, { calls, registry }) => {
  const offered = async (domain: string, index: OfferIndex, limit: number | undefined): Promise<{ calls: RingingCall[]; total: number }> => {
    const { total, callUuids } = await calls.offered(domain, index, limit ?? CALL_LIST.default);
    return { calls: await described(calls, callUuids.map((callUuid) => ({ domain, callUuid }))), total };
  };

  api.get(
    '/domains/:domain/groups/:group/calls',
    { schema: { tags: ['calls'], operationId: 'groupCalls', summary: 'The calls that can be picked up from a call group (88<group>)', params: GroupParams, querystring: CallListQuery, response: answers({ 200: RingingCalls }, 400) } },
    async (request) => {
      const { domain, group } = request.params;
      refuseParams({ domain: validateDomain(domain), group: groupNameError(group, 'call') });
      return offered(domain, { group }, request.query.limit);
    },
  );

  api.get(
    '/domains/:domain/extensions/:extension/calls',
    { schema: { tags: ['calls'], operationId: 'extensionCalls', summary: 'The calls that can be picked up ringing an extension (88<extension>)', params: ExtensionParams, querystring: CallListQuery, response: answers({ 200: RingingCalls }, 400) } },
    async (request) => {
      const { domain, extension } = request.params;
      refuseParams({ domain: validateDomain(domain), extension: validateExtension(extension) });
      return offered(domain, { extension }, request.query.limit);
    },
  );

  api.get(
    '/domains/:domain/queues/:queue/calls',
    { schema: { tags: ['calls'], operationId: 'queueCalls', summary: 'The calls that can be picked up from a queue (88cg_<queue>)', params: QueueParams, querystring: CallListQuery, response: answers({ 200: RingingCalls }, 400) } },
    async (request) => {
      const { domain, queue } = request.params;
      refuseParams({ domain: validateDomain(domain), queue: idError(queue, 'pickup-queue') });
      return offered(domain, { queue }, request.query.limit);
    },
  );

  api.get(
    '/nodes/:node/calls',
    { schema: { tags: ['calls', 'nodes'], operationId: 'nodeCalls', summary: 'Every call the store knows ringing on a node, in any state', params: NodeParams, querystring: CallListQuery, response: answers({ 200: RingingCalls }, 404) } },
    async (request) => {
      const { node } = request.params;
      if (!(await registry.describeNodes()).some((known) => known.node === node)) throw new UnknownNodeError(node);
      const ringing = (await described(calls, await calls.callsOfNode(node))).sort((a, b) => a.ringingSince - b.ringingSince);
      return { calls: ringing.slice(0, request.query.limit ?? CALL_LIST.default), total: ringing.length };
    },
  );
};

/** The calls as stored, in the order given; a call that ended meanwhile is left out. */
async function described(calls: CallStore, ids: ReadonlyArray<{ domain: string; callUuid: string }>): Promise<RingingCall[]> {
  const stored = await Promise.all(ids.map(async ({ domain, callUuid }) => ({ domain, call: await calls.getCall(domain, callUuid) })));
  return stored.flatMap(({ domain, call }) => (call ? [callJson(domain, call)] : []));
}

function callJson(domain: string, call: StoredCall): RingingCall {
  return {
    callUuid: call.callUuid,
    domain,
    node: call.node,
    state: call.state,
    callerNumber: call.callerNumber,
    callerName: call.callerName,
    ringingSince: call.startedAt,
    callGroups: [...call.callGroups],
    extensions: [...new Set(Object.values(call.legs))],
    queue: call.queue === '' ? null : call.queue,
  };
}
