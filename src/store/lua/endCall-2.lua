--[[
  The call is over for pickup purposes: its caller hung up, or it was picked up, or an intercept showed it is
  no longer pickable. Removes it from every index, deletes it, and leaves a tombstone.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:
  ARGV[1] call uuid   ARGV[2] tombstone ttl (s)   ARGV[3] call ttl (s)

  Returns 1 when the call existed, 0 otherwise.
]]
--@include callIndex

local existed = deleteCall(KEYS[2], KEYS[1], ARGV[1], tonumber(ARGV[2]))
flushBlf(KEYS[2], tonumber(ARGV[3]))
return existed
