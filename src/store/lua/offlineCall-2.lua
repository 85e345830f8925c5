--[[
  The call's node is down (no controller holds its event socket): stop offering the call but keep it, so that
  the node's resync can offer it again when the node comes back.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:
  ARGV[1] call uuid   ARGV[2] call ttl (s)

  Returns 1 when the call was offered until now, 0 otherwise.
]]
--@include callIndex

local taken = takeCallOffline(KEYS[2], KEYS[1], ARGV[1])
flushBlf(KEYS[2], tonumber(ARGV[2]))
return taken
