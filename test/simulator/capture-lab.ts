/**
 * The capture lab's dialplans and directory (freeswitch-captures/README.md), so that replays route
 * calls exactly as the recorded FreeSWITCH did.
 */
import type { CallCenterQueue } from './callcenter.ts';
import type { Dialplan } from './dialplan.ts';
import { parseDialplanXml } from './dialplan-xml.ts';
import type { DirectoryUser } from './directory.ts';
import type { SimulatorOptions } from './simulator.ts';

// Runs 4 and 5: the context of the lab's SIP profile `cluster`.
const LAB_CLUSTER_CONTEXT = 'cluster';

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
 * 88<x>) and context `cluster`, where the token legs of scenario 15 arrive (tools-14-15/dialplan). The
 * recorded park_timeout was 10 s; a shorter one changes only when the timeout fires.
 */
export function run4Dialplan(parkTimeoutSec = 10): Dialplan {
  return [
    {
      name: '200',
      expression: /^200$/,
      actions: [['set', 'hangup_after_bridge=true'], ['set', 'call_timeout=120'], ['bridge', 'user/200@pbx.test']],
    },
    {
      name: 'cap14-park-pickup',
      expression: /^88(.+)$/,
      actions: [['set', 'pickup_request=$1'], ['set', `park_timeout=${parkTimeoutSec}:NORMAL_TEMPORARY_FAILURE`], ['park']],
    },
    {
      name: 'cap14-pickup-token',
      context: LAB_CLUSTER_CONTEXT,
      expression: /^pickup-(.+)$/,
      actions: [['set', 'pickup_token=$1'], ['set', 'park_timeout=10:NORMAL_TEMPORARY_FAILURE'], ['park']],
    },
    { name: 'cap14-cluster-catchall', context: LAB_CLUSTER_CONTEXT, expression: /^(.*)$/, actions: [['hangup', 'UNALLOCATED_NUMBER']] },
  ];
}

/** Run 4's two nodes: their `cluster` profiles (addresses as recorded) and names. */
export const RUN4_NODES = {
  node1: { switchname: 'acc-node1', clusterSipAddress: '127.0.0.1:6061', clusterContext: LAB_CLUSTER_CONTEXT, dialplan: run4Dialplan() },
  node2: { switchname: 'acc-node2', clusterSipAddress: '127.0.0.1:6063', clusterContext: LAB_CLUSTER_CONTEXT, dialplan: run4Dialplan() },
} as const satisfies Record<string, SimulatorOptions>;

/** The pickup variants of run 5 (16-17-tools/dialplan/default): one per `cap_mode`, the picker dials 88<x>. */
const RUN5_PICKUP_XML = `<include>
  <extension name="cap16-sync-socket-rpc">
    <condition field="\${cap_mode}" expression="^16a$"/>
    <condition field="destination_number" expression="^88([A-Za-z0-9_-]{1,64})$">
      <action application="set" data="pickup_target=$1"/>
      <action application="set" data="intercept_unanswered_only=true"/>
      <action application="set" data="pickup_cause=NO_ANSWER"/>
      <action application="socket" data="127.0.0.1:$\${cap_listen}"/>
      <action application="intercept" data="\${pickup_uuid}"/>
      <action application="hangup" data="\${pickup_cause}"/>
    </condition>
  </extension>
  <extension name="cap16-sync-socket-exec">
    <condition field="\${cap_mode}" expression="^16b$"/>
    <condition field="destination_number" expression="^88([A-Za-z0-9_-]{1,64})$">
      <action application="set" data="pickup_target=$1"/>
      <action application="set" data="intercept_unanswered_only=true"/>
      <action application="socket" data="127.0.0.1:$\${cap_listen}"/>
      <action application="hangup" data="NO_ANSWER"/>
    </condition>
  </extension>
  <extension name="cap16-socket-closed-port">
    <condition field="\${cap_mode}" expression="^16e$"/>
    <condition field="destination_number" expression="^88([A-Za-z0-9_-]{1,64})$">
      <action application="set" data="pickup_target=$1"/>
      <action application="set" data="intercept_unanswered_only=true"/>
      <action application="set" data="pickup_cause=NO_ANSWER"/>
      <action application="socket" data="127.0.0.1:$\${cap_closed}"/>
      <action application="intercept" data="\${pickup_uuid}"/>
      <action application="hangup" data="\${pickup_cause}"/>
    </condition>
  </extension>
  <extension name="cap16-socket-failover">
    <condition field="\${cap_mode}" expression="^16e2$"/>
    <condition field="destination_number" expression="^88([A-Za-z0-9_-]{1,64})$">
      <action application="set" data="pickup_target=$1"/>
      <action application="set" data="intercept_unanswered_only=true"/>
      <action application="set" data="pickup_cause=NO_ANSWER"/>
      <action application="socket" data="127.0.0.1:$\${cap_closed}|127.0.0.1:$\${cap_listen}"/>
      <action application="intercept" data="\${pickup_uuid}"/>
      <action application="hangup" data="\${pickup_cause}"/>
    </condition>
  </extension>
  <extension name="cap17-sync-socket-rpc-cross-node">
    <condition field="\${cap_mode}" expression="^17$"/>
    <condition field="destination_number" expression="^88([A-Za-z0-9_-]{1,64})$">
      <action application="set" data="pickup_target=$1"/>
      <action application="set" data="intercept_unanswered_only=true"/>
      <action application="set" data="pickup_cause=NO_ANSWER"/>
      <action application="set" data="hangup_after_bridge=true"/>
      <action application="socket" data="127.0.0.1:$\${cap_listen}"/>
      <action application="intercept" data="\${pickup_uuid}"/>
      <action application="bridge" data="\${pickup_bridge}"/>
      <action application="hangup" data="\${pickup_cause}"/>
    </condition>
  </extension>
</include>`;

/** Run 5's context `cluster` (16-17-tools/dialplan/contexts): the token looked up in the node's own hash, then intercepted. */
const RUN5_CLUSTER_XML = `<include>
  <context name="cluster">
    <extension name="cap17-pickup-token">
      <condition field="destination_number" expression="^pickup-([0-9a-f]{32})$">
        <action application="set" data="pickup_uuid=\${hash(select/fs_pickup_token/$1)}"/>
        <action application="hash" data="delete/fs_pickup_token/$1"/>
        <action application="set" data="intercept_unanswered_only=true"/>
        <action application="intercept" data="\${pickup_uuid}"/>
        <action application="hangup" data="NO_ROUTE_DESTINATION"/>
      </condition>
    </extension>
    <extension name="cap17-cluster-catchall">
      <condition field="destination_number" expression="^(.*)$">
        <action application="hangup" data="UNALLOCATED_NUMBER"/>
      </condition>
    </extension>
  </context>
</include>`;

/**
 * Run 5 (scenarios 16–17), both nodes: the callers' 200, 201 and 205 (as run 4's 200), the pickup
 * variants chosen by the global `cap_mode`, and context `cluster`. The stand-in controller's port is
 * the global `cap_listen` (the lab wrote 11041 into the file), a port nobody listens on `cap_closed`.
 */
export const RUN5_DIALPLAN: Dialplan = [
  ...['200', '201', '205'].map((extension) => ({
    name: extension,
    expression: new RegExp(`^${extension}$`),
    actions: [['set', 'hangup_after_bridge=true'], ['set', 'call_timeout=120'], ['bridge', `user/${extension}@pbx.test`]] as const,
  })),
  ...parseDialplanXml(RUN5_PICKUP_XML),
  ...parseDialplanXml(RUN5_CLUSTER_XML),
];

/**
 * Run 5's measure of FreeSWITCH's own pickup (71 ms, INVITE → the A leg's CHANNEL_BRIDGE): the caller's
 * dialplan files its leg in the hash before ringing 200, the picker dials 89<ext> and intercepts it.
 */
export const RUN5_NATIVE_PICKUP_DIALPLAN: Dialplan = [
  { name: '200', expression: /^200$/, actions: [['hash', 'insert/pbx.test-last_dial/200/${uuid}'], ['set', 'hangup_after_bridge=true'], ['bridge', 'user/200@pbx.test']] },
  { name: 'uuid-pickup', expression: /^89(\d+)$/, actions: [['set', 'intercept_unanswered_only=true'], ['intercept', '${hash(select/pbx.test-last_dial/$1)}']] },
];

/** Run 5's phones: sipp UASs on 127.0.0.1 (200 and 201 ring forever, 205 answers when the test says so). */
export const RUN5_DIRECTORY: readonly DirectoryUser[] = [
  { user: '200', domain: 'pbx.test', dialString: 'sofia/internal/sip:200@127.0.0.1:9070' },
  { user: '201', domain: 'pbx.test', dialString: 'sofia/internal/sip:201@127.0.0.1:9072' },
  { user: '205', domain: 'pbx.test', dialString: 'sofia/internal/sip:205@127.0.0.1:9086' },
];

/** Run 5's two nodes (every port +3000): the picker's node1 and node2, where 17's call rings. */
export const RUN5_NODES = {
  node1: { switchname: 'acc-node1', clusterSipAddress: '127.0.0.1:9061', clusterContext: LAB_CLUSTER_CONTEXT, dialplan: RUN5_DIALPLAN, directory: RUN5_DIRECTORY },
  node2: { switchname: 'acc-node2', clusterSipAddress: '127.0.0.1:9063', clusterContext: LAB_CLUSTER_CONTEXT, dialplan: RUN5_DIALPLAN, directory: RUN5_DIRECTORY },
} as const satisfies Record<string, SimulatorOptions>;
