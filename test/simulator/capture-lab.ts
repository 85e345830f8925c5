/**
 * The capture lab's dialplans and directory (freeswitch-captures/README.md), so that replays route
 * calls exactly as the recorded FreeSWITCH did.
 */
import type { CallCenterQueue } from './callcenter.ts';
import type { Dialplan } from './dialplan.ts';
import type { DirectoryUser } from './directory.ts';
import type { SimulatorOptions } from './simulator.ts';

const RUN4_CLUSTER_CONTEXT = 'cluster';

const LAB_RING = (target: string): string =>
  `{call_groups=sales,origination_caller_id_name=Ext300}sofia/internal/sip:${target}@127.0.0.1:5070`;

/** Runs 1–3 (scenarios 01–13), context `default`. `${domain_name}` is the lab's domain, 127.0.0.1. */
export const LAB_DIALPLAN: Dialplan = [
  {
    name: '200',
    expression: /^200$/,
    actions: [
      ['set', 'call_groups=sales'],
      ['hash', 'insert/127.0.0.1-last_dial/sales/${uuid}'],
      ['hash', 'insert/127.0.0.1-last_dial/200/${uuid}'],
      ['set', 'hangup_after_bridge=true'],
      ['set', 'call_timeout=60'],
      ['bridge', LAB_RING('200')],
    ],
  },
  {
    name: '201',
    expression: /^201$/,
    actions: [
      ['set', 'call_groups=sales'],
      ['hash', 'insert/127.0.0.1-last_dial/sales/${uuid}'],
      ['hash', 'insert/127.0.0.1-last_dial/201/${uuid}'],
      ['set', 'hangup_after_bridge=true'],
      ['set', 'call_timeout=60'],
      ['bridge', '{call_groups=sales}[leg_name=uas1]sofia/internal/sip:201@127.0.0.1:5070,[leg_name=uas2]sofia/internal/sip:201@127.0.0.1:5072'],
    ],
  },
  {
    name: 'group-pickup',
    expression: /^88(sales|\d+)$/,
    actions: [
      ['answer'],
      ['set', 'intercept_target=${hash(select/127.0.0.1-last_dial/$1)}'],
      ['log', 'INFO group-pickup $1 -> ${intercept_target}'],
      ['intercept', '${intercept_target}'],
      ['log', 'INFO group-pickup: intercept app returned'],
      ['sleep', '1000'],
      ['hangup', 'NORMAL_CLEARING'],
    ],
  },
  {
    name: 'uuid-pickup',
    expression: /^89(.+)$/,
    actions: [['log', 'INFO uuid-pickup -> $1'], ['intercept', '$1'], ['log', 'INFO uuid-pickup: intercept app returned']],
  },
  {
    name: 'uuid-pickup-bleg',
    expression: /^87(.+)$/,
    actions: [['intercept', '-bleg $1'], ['log', 'INFO uuid-pickup-bleg: intercept app returned']],
  },
  {
    name: 'directory-user',
    expression: /^u(\d{3})$/,
    actions: [
      ['set', 'call_groups=sales'],
      ['hash', 'insert/127.0.0.1-last_dial/u$1/${uuid}'],
      ['set', 'hangup_after_bridge=true'],
      ['set', 'call_timeout=60'],
      ['bridge', 'user/$1@127.0.0.1'],
    ],
  },
  {
    name: 'park-timeout',
    expression: /^9913$/,
    actions: [['set', 'park_timeout=3:NORMAL_TEMPORARY_FAILURE'], ['park']],
  },
  { name: 'park', expression: /^9999$/, actions: [['park']] },
  ...(['support', 'sales', 'answer'] as const).map((queue, index) => ({
    name: `cc-${queue}`,
    expression: new RegExp(`^(500${index}|cc-${queue})$`),
    actions: [
      ['set', 'hangup_after_bridge=true'],
      ['callcenter', `${queue}@default`],
      ['log', 'INFO callcenter app returned (cc_cause=${cc_cause} cc_cancel_reason=${cc_cancel_reason})'],
    ] as const,
  })),
  {
    name: 'uuid-pickup-unbridged-only',
    expression: /^86(.+)$/,
    actions: [
      ['set', 'intercept_unbridged_only=true'],
      ['log', 'INFO uuid-pickup-unbridged-only -> $1'],
      ['intercept', '$1'],
      ['log', 'INFO uuid-pickup-unbridged-only: intercept app returned'],
    ],
  },
];

const labAgent = (extension: string, port: number, contactVariables: string): CallCenterQueue['agents'][number] => ({
  name: `${extension}@default`,
  contact: `[${contactVariables}]sofia/internal/sip:${extension}@127.0.0.1:${port}`,
});

/**
 * Run 3's mod_callcenter queues (09–09f): no-answer-delay 2 s. The sales agents' captured
 * `leg_timeout=8` is 2 here: it only changes when the first agent leg times out.
 */
export const LAB_QUEUES: readonly CallCenterQueue[] = [
  { name: 'support@default', strategy: 'ring-all', agents: [labAgent('300', 5070, 'call_timeout=60'), labAgent('301', 5072, 'call_timeout=60'), labAgent('302', 5074, 'call_timeout=60')] },
  { name: 'sales@default', strategy: 'longest-idle-agent', agents: [labAgent('310', 5070, 'leg_timeout=2'), labAgent('311', 5072, 'leg_timeout=2'), labAgent('312', 5074, 'leg_timeout=2')] },
  { name: 'answer@default', strategy: 'ring-all', agents: [labAgent('320', 5078, 'call_timeout=60')] },
];

/** Run 3's directory, domain 127.0.0.1 (scenario 11). */
export const LAB_DIRECTORY: readonly DirectoryUser[] = [
  { user: '100', domain: '127.0.0.1', dialString: 'sofia/internal/sip:100@127.0.0.1:5070', variables: { call_groups: 'support' } },
  {
    user: '200',
    domain: '127.0.0.1',
    dialString: 'sofia/internal/sip:200@127.0.0.1:5070',
    dialVariables: { user_team: 'sales-team' },
    variables: { call_groups: 'sales', effective_caller_id_name: 'Sales 200' },
  },
  {
    user: '201',
    domain: '127.0.0.1',
    dialString: '{presence_id=201@${dialed_domain},call_groups=sales}sofia/internal/sip:201@127.0.0.1:5072',
    variables: { call_groups: 'sales' },
  },
];

/**
 * Run 4 (scenarios 14–15), both nodes: context `default` (the caller's 200 and the picker's park-based
 * 88<x>) and context `cluster`, where the token legs of scenario 15 arrive (tools-14-15/dialplan).
 */
export const RUN4_DIALPLAN: Dialplan = [
  {
    name: '200',
    expression: /^200$/,
    actions: [['set', 'hangup_after_bridge=true'], ['set', 'call_timeout=120'], ['bridge', 'user/200@pbx.test']],
  },
  {
    name: 'cap14-park-pickup',
    expression: /^88(.+)$/,
    actions: [['set', 'pickup_request=$1'], ['set', 'park_timeout=10:NORMAL_TEMPORARY_FAILURE'], ['park']],
  },
  {
    name: 'cap14-pickup-token',
    context: RUN4_CLUSTER_CONTEXT,
    expression: /^pickup-(.+)$/,
    actions: [['set', 'pickup_token=$1'], ['set', 'park_timeout=10:NORMAL_TEMPORARY_FAILURE'], ['park']],
  },
  { name: 'cap14-cluster-catchall', context: RUN4_CLUSTER_CONTEXT, expression: /^(.*)$/, actions: [['hangup', 'UNALLOCATED_NUMBER']] },
];

/** Run 4's two nodes: their `cluster` profiles (addresses as recorded) and names. */
export const RUN4_NODES = {
  node1: { switchname: 'acc-node1', clusterSipAddress: '127.0.0.1:6061', clusterContext: RUN4_CLUSTER_CONTEXT, dialplan: RUN4_DIALPLAN },
  node2: { switchname: 'acc-node2', clusterSipAddress: '127.0.0.1:6063', clusterContext: RUN4_CLUSTER_CONTEXT, dialplan: RUN4_DIALPLAN },
} as const satisfies Record<string, SimulatorOptions>;
