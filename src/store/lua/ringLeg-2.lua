--[[
  A leg of a call started ringing a user: add it to the call (creating the call on its first leg) and index the
  call under the union of the call groups of every user it rings, and under each ringing extension.
  Idempotent; a leg or call that already ended (tombstone) is never brought back by a late or repeated event.
  A call taken offline (its node was lost) is offered again: an event for it proves its node is back.
  A leg marked never pickable (the dialplan's fs_pickup_exclude) makes the whole call never pickable, for good.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:   (index, user and tombstone keys are built from it: same slot)
  ARGV[1] leg uuid   ARGV[2] extension   ARGV[3] call uuid   ARGV[4] node
  ARGV[5] caller number   ARGV[6] caller name   ARGV[7] now (ms)   ARGV[8] call ttl (s)
  ARGV[9] queue the call rings through ('' = none)   ARGV[10] call kind: user | callcenter
  ARGV[11] '1': the leg is marked never pickable

  Returns { code, groups }: 1 = leg added, 0 = already known, -1 = leg or call already ended; groups = the call
  groups the call is offered under now ('' for none).
]]
--@include callIndex

local callKey, base = KEYS[1], KEYS[2]
local legUuid, extension, callUuid = ARGV[1], ARGV[2], ARGV[3]
local ttl = tonumber(ARGV[8])
local legsKey = callKey .. ':legs'
local excludes = ARGV[11] == '1' and redis.call('HGET', callKey, 'excluded') ~= '1'

if redis.call('EXISTS', base .. 'ended:' .. legUuid) == 1 or redis.call('EXISTS', base .. 'ended:' .. callUuid) == 1 then
  return { -1, '' }
end
if redis.call('HEXISTS', legsKey, legUuid) == 1 then
  local wasOffline = redis.call('HGET', callKey, 'state') == 'offline'
  if excludes then redis.call('HSET', callKey, 'excluded', '1') end
  if wasOffline then redis.call('HSET', callKey, 'state', 'ringing', 'updatedAt', ARGV[7]) end
  if wasOffline or excludes then
    reindexCall(base, callKey, callUuid, ttl)
    flushBlf(base, ttl)
  end
  redis.call('EXPIRE', callKey, ttl)
  redis.call('EXPIRE', legsKey, ttl)
  return { 0, redis.call('HGET', callKey, 'groups') or '' }
end

if redis.call('EXISTS', callKey) == 0 then
  redis.call('HSET', callKey, 'node', ARGV[4], 'startedAt', ARGV[7], 'callerNumber', ARGV[5],
    'callerName', ARGV[6], 'state', 'ringing', 'groups', '', 'queue', ARGV[9], 'kind', ARGV[10])
elseif ARGV[9] ~= '' and (redis.call('HGET', callKey, 'queue') or '') == '' then
  redis.call('HSET', callKey, 'queue', ARGV[9])
end
if excludes then redis.call('HSET', callKey, 'excluded', '1') end
redis.call('HSET', legsKey, legUuid, extension)
redis.call('HSET', callKey, 'updatedAt', ARGV[7])
if redis.call('HGET', callKey, 'state') == 'offline' then redis.call('HSET', callKey, 'state', 'ringing') end
local groups = reindexCall(base, callKey, callUuid, ttl)
flushBlf(base, ttl)
redis.call('EXPIRE', callKey, ttl)
redis.call('EXPIRE', legsKey, ttl)
return { 1, groups }
