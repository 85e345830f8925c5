--[[
  Sets what a call group tells about its pickable calls, and brings its lamp in line at once (a group whose notices
  are turned off goes dark, one turned on lights if a call of it can be picked up).

  KEYS[1] group settings   fsp:{d}:groupcfg:<g>
  KEYS[2] domain base      fsp:{d}:
  ARGV[1] group   ARGV[2] mode: off | lamp | message   ARGV[3] delay (s), for message   ARGV[4] lamp state ttl (s)

  Stored: nothing for lamp (the default), notify=off, or notify=message with notifyAfterSeconds. Groups stored
  before the mode existed hold notifyAfterSeconds alone, which reads as message.

  Returns 1.
]]
--@include callIndex

local settingsKey, base = KEYS[1], KEYS[2]
local group, mode = ARGV[1], ARGV[2]
redis.call('DEL', settingsKey)
if mode == 'message' then
  redis.call('HSET', settingsKey, 'notify', mode, 'notifyAfterSeconds', ARGV[3])
elseif mode == 'off' then
  redis.call('HSET', settingsKey, 'notify', mode)
end
touchedGroups[group] = true
flushBlf(base, tonumber(ARGV[4]))
return 1
