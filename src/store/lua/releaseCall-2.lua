--[[
  The claimer gives a claimed call back (e.g. its own picker hung up before the intercept): if the claim is still
  this picker's and the call still rings, it is offered again under its indexes.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:
  ARGV[1] call uuid   ARGV[2] picker uuid   ARGV[3] now (ms)   ARGV[4] call ttl (s)

  Returns 1 when released, 0 when the claim was not (or no longer) this picker's.
]]
--@include callIndex

local callKey, base = KEYS[1], KEYS[2]
local callUuid, picker = ARGV[1], ARGV[2]
if redis.call('HGET', callKey, 'state') ~= 'claimed' or redis.call('HGET', callKey, 'claimedBy') ~= picker then
  return 0
end
redis.call('ZREM', base .. 'claims', callUuid)
redis.call('HSET', callKey, 'state', 'ringing', 'claimedBy', '', 'updatedAt', ARGV[3])
reindexCall(base, callKey, callUuid, tonumber(ARGV[4]))
flushBlf(base, tonumber(ARGV[4]))
return 1
