--[[
  The call is over for pickup purposes: it was picked up, answered, or is gone from its switch — or its caller hung
  up. Removes it from every index and deletes it. Only when the caller is gone for good (ARGV[4]) does a tombstone
  keep late or repeated events from bringing it back; otherwise a leg that rings for the same caller later (a
  transfer of the picked-up caller) makes it a call again.

  KEYS[1] call hash      fsp:{d}:call:<A>
  KEYS[2] domain base    fsp:{d}:
  ARGV[1] call uuid   ARGV[2] tombstone ttl (s)   ARGV[3] call ttl (s)   ARGV[4] '1': the caller hung up

  Returns 1 when the call existed, 0 otherwise.
]]
--@include callIndex

local existed = deleteCall(KEYS[2], KEYS[1], ARGV[1], ARGV[4] == '1' and tonumber(ARGV[2]) or nil)
flushBlf(KEYS[2], tonumber(ARGV[3]))
return existed
