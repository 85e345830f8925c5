--[[
  Users' preferences changed (pickupctl, the API, an import after Redis came back empty): every call ringing one of
  them is indexed again under the groups its users have now, so that it is pickable (or no longer) at once rather
  than from its next leg. Calls ringing a user are found in the user's extension index; a call indexed nowhere
  (never pickable) stays so.

  KEYS[1] domain base   fsp:{d}:
  ARGV    the extensions whose preferences changed

  Returns the number of ringing calls indexed again.
]]
--@include callIndex

local base = KEYS[1]
local seen, regrouped, lampTtl = {}, 0, 0
for _, extension in ipairs(ARGV) do
  for _, callUuid in ipairs(redis.call('ZRANGE', base .. 'ext:' .. extension, 0, -1)) do
    if not seen[callUuid] then
      seen[callUuid] = true
      local callKey = base .. 'call:' .. callUuid
      -- The call keeps the lifetime its node gave it; its indexes get the same.
      local ttl = redis.call('TTL', callKey)
      if ttl > 0 and redis.call('HGET', callKey, 'state') == 'ringing' then
        reindexCall(base, callKey, callUuid, ttl)
        regrouped = regrouped + 1
        if ttl > lampTtl then lampTtl = ttl end
      end
    end
  end
end
if regrouped > 0 then flushBlf(base, lampTtl) end
return regrouped
