import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CallStore } from '../../store/call-store.ts';
import type { NodeRegistry } from '../../store/node-registry.ts';
import { UnknownNodeError } from './errors.ts';
import { answers } from './responses.ts';
import { Node, NodeList, NodeParams } from './schemas.ts';

/** The FreeSWITCH nodes the controllers ever served and their state now, as `pickupctl nodes` shows them. */
export const nodeRoutes: FastifyPluginAsyncTypebox<{ registry: NodeRegistry; calls: CallStore }> = async (api, { registry, calls }) => {
  const nodes = async (): Promise<Node[]> =>
    Promise.all(
      (await registry.describeNodes()).map(async ({ node, alive, sipAddress, coreUuid }) => ({ node, alive, sipAddress: sipAddress ?? null, coreUuid: coreUuid ?? null, ringingCalls: await calls.countOfNode(node) })),
    );

  api.get('/nodes', { schema: { tags: ['nodes'], operationId: 'listNodes', summary: 'Every node ever served: up or down, its SIP address and FreeSWITCH process', response: answers({ 200: NodeList }) } }, async () => ({
    nodes: await nodes(),
  }));

  api.get('/nodes/:node', { schema: { tags: ['nodes'], operationId: 'getNode', summary: 'One node', params: NodeParams, response: answers({ 200: Node }, 404) } }, async (request) => {
    const found = (await nodes()).find(({ node }) => node === request.params.node);
    if (!found) throw new UnknownNodeError(request.params.node);
    return found;
  });
};
