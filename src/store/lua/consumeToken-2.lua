--[[
  A token call arrived on the node the call rings on: use the one-time token. Single use: the token is deleted
  and the leg that used it is remembered, so that a second controller serving the same node (which sees the
  same CHANNEL_PARK) recognises the leg, while any other leg presenting the token again is refused.

  KEYS[1] token          fsp:token:{<token>}
  KEYS[2] used-by        fsp:token:{<token>}:used
  ARGV[1] token leg uuid   ARGV[2] how long the used marker lives (ms)

  Returns the token's data (JSON) on first use, 'again' for the same leg, nil for forged, reused or expired.
]]
local data = redis.call('GET', KEYS[1])
if data then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[1], 'PX', tonumber(ARGV[2]))
  return data
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  return 'again'
end
return nil
