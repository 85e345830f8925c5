--[[
  A ringing leg stopped ringing (answered or hung up). The call loses that leg; when no leg rings any more the
  call leaves every index and is deleted. A tombstone keeps a late "ringing" event for this leg from re-adding it;
  the call itself gets none: its caller is still there, and a leg that rings for it later (a transfer, the
  dialplan's next bridge) makes it a call again.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:
  ARGV[1] leg uuid   ARGV[2] call uuid   ARGV[3] now (ms)   ARGV[4] call ttl (s)   ARGV[5] tombstone ttl (s)

  Returns 2 = that was the last leg (call deleted), 1 = leg removed, 0 = leg unknown.
]]
--@include callIndex

local callKey, base = KEYS[1], KEYS[2]
local legUuid, callUuid = ARGV[1], ARGV[2]
local legsKey = callKey .. ':legs'

redis.call('SET', base .. 'ended:' .. legUuid, '1', 'EX', tonumber(ARGV[5]))
if redis.call('HEXISTS', legsKey, legUuid) == 0 then
  return 0
end
-- Take the call out of its indexes while its legs still say where it was indexed.
unindexCall(base, callKey, callUuid)
redis.call('HDEL', legsKey, legUuid)
if redis.call('HLEN', legsKey) == 0 then
  deleteCall(base, callKey, callUuid, nil)
  flushBlf(base, tonumber(ARGV[4]))
  return 2
end
redis.call('HSET', callKey, 'updatedAt', ARGV[3])
reindexCall(base, callKey, callUuid, tonumber(ARGV[4]))
flushBlf(base, tonumber(ARGV[4]))
return 1
