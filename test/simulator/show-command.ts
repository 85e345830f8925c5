/**
 * `show channels|calls as json` and `show channels count`, with the columns and empty-result text
 * of the captures (`{"row_count": 0}\n`, note the space; rows as `{"row_count":N,"rows":[…]}`).
 */
import type { ApiEnvironment, ApiHandler } from './api-commands.ts';
import type { Channel } from './channel.ts';

function date(micros: number): { text: string; epoch: string } {
  const at = new Date(micros / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  return { text, epoch: String(Math.floor(micros / 1_000_000)) };
}

function callRowHead(channel: Channel): Record<string, string> {
  const created = date(channel.times.created);
  return {
    uuid: channel.uuid,
    direction: channel.direction,
    created: created.text,
    created_epoch: created.epoch,
    name: channel.name,
    state: channel.state,
    cid_name: channel.profile.callerIdName,
    cid_num: channel.profile.callerIdNumber,
    ip_addr: channel.profile.networkAddr ?? '',
    dest: channel.profile.destinationNumber,
  };
}

function presenceAndCallee(channel: Channel): Record<string, string> {
  return {
    presence_id: channel.variables.get('presence_id') ?? '',
    presence_data: '',
    accountcode: '',
    callstate: channel.callState,
    callee_name: channel.profile.calleeIdName ?? '',
    callee_num: channel.profile.calleeIdNumber ?? '',
    callee_direction: '',
  };
}

/** A row of `show channels as json` (same columns as the 05 capture). */
function channelRow(env: ApiEnvironment, channel: Channel): Record<string, string> {
  const current = channel.appStack[channel.appStack.length - 1];
  const codec = channel.codec;
  return {
    ...callRowHead(channel),
    application: current?.app ?? '',
    application_data: current?.arg ?? '',
    dialplan: channel.profile.dialplan,
    context: channel.profile.context,
    read_codec: codec?.name ?? '',
    read_rate: codec?.rate ?? '',
    read_bit_rate: codec?.bitRate ?? '',
    write_codec: codec?.name ?? '',
    write_rate: codec?.rate ?? '',
    write_bit_rate: codec?.bitRate ?? '',
    secure: '',
    hostname: env.identity.switchname,
    ...presenceAndCallee(channel),
    call_uuid: channel.callUuid,
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: channel.profile.origCallerIdName,
    initial_cid_num: channel.profile.origCallerIdNumber,
    initial_ip_addr: channel.profile.networkAddr ?? '',
    initial_dest: channel.profile.destinationNumber,
    initial_dialplan: channel.profile.dialplan,
    initial_context: channel.profile.context,
  };
}

const B_COLUMNS = [
  'uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction',
  'sent_callee_name', 'sent_callee_num',
] as const;

/** A row of `show calls as json`: one per call; a bridge is one row with the b_* columns of its far side. */
function callRow(env: ApiEnvironment, channel: Channel): Record<string, string> {
  const row: Record<string, string> = {
    ...callRowHead(channel),
    ...presenceAndCallee(channel),
    call_uuid: channel.callUuid,
    hostname: env.identity.switchname,
    sent_callee_name: '',
    sent_callee_num: '',
  };
  const peer = channel.bridge?.peer;
  const peerRow: Record<string, string> = peer ? { ...callRowHead(peer), ...presenceAndCallee(peer), sent_callee_name: '', sent_callee_num: '' } : {};
  for (const column of B_COLUMNS) row[`b_${column}`] = peerRow[column] ?? '';
  row['call_created_epoch'] = peer ? date(channel.times.bridged).epoch : '';
  return row;
}

function jsonRows(rows: ReadonlyArray<Record<string, string>>): string {
  return rows.length === 0 ? '{"row_count": 0}\n' : JSON.stringify({ row_count: rows.length, rows });
}

/** The `show` API. */
export const show: ApiHandler = (env, argument) => {
  const [what = '', ...rest] = argument.trim().split(/\s+/);
  const channels = env.core.liveChannels();
  if (what === 'channels' && rest[0] === 'count') return `\n${channels.length} total.\n`;
  if (rest.join(' ') !== 'as json') return '-USAGE: show channels|calls as json (the simulator knows no other form)\n';
  if (what === 'channels') return jsonRows(channels.map((channel) => channelRow(env, channel)));
  if (what === 'calls') {
    const rows = channels.filter((channel) => channel.bridge?.side !== 'b').map((channel) => callRow(env, channel));
    return jsonRows(rows);
  }
  return `-USAGE: show ${what} is not simulated\n`;
};
