--[[
  Claims one pickable call of an index (a call group's or an extension's) for a picker, atomically: two pickers,
  on any nodes, never get the same call. The claimed call leaves every index at once; it is either finished
  (picked up / dropped) or released by the claimer, and a claim whose claimer vanished expires and is offered again.

  KEYS[1] candidate index   fsp:{d}:group:<g>  (or fsp:{d}:ext:<e>), or a scratch key when KEYS[3..] are given
  KEYS[2] domain base       fsp:{d}:
  KEYS[3..] indexes to search together (legacy group pickup: one per ACL group): their union goes to KEYS[1]
  ARGV[1] picker uuid   ARGV[2] strategy: random | oldest   ARGV[3] random number in [0,1)
  ARGV[4] now (ms)   ARGV[5] claim lifetime (ms)   ARGV[6] call ttl (s)
  ARGV[7] live nodes, space-separated: a candidate ringing on any other node is taken offline, not offered

  Returns nil when nothing is pickable, else { call uuid, node, callerNumber, callerName, startedAt, groups, kind }.
]]
--@include callIndex

local index, base = KEYS[1], KEYS[2]
if #KEYS > 2 then
  local sources = {}
  for i = 3, #KEYS do sources[#sources + 1] = KEYS[i] end
  redis.call('ZUNIONSTORE', index, #sources, unpack(sources))
end
local picker, strategy, random = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now, claimMs, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local claimsKey = base .. 'claims'
local live = {}
for node in string.gmatch(ARGV[7], '%S+') do live[node] = true end

-- Claims whose claimer died (no release, no finish) are offered again first.
for _, expired in ipairs(redis.call('ZRANGEBYSCORE', claimsKey, '-inf', now, 'LIMIT', 0, 20)) do
  redis.call('ZREM', claimsKey, expired)
  local expiredKey = base .. 'call:' .. expired
  if redis.call('HGET', expiredKey, 'state') == 'claimed' then
    redis.call('HSET', expiredKey, 'state', 'ringing', 'claimedBy', '')
    reindexCall(base, expiredKey, expired, ttl)
  end
end
flushBlf(base, ttl)

-- Stale members (call expired or gone without cleanup) are removed as they are met; bounded work per claim.
for _ = 1, 64 do
  local count = redis.call('ZCARD', index)
  if count == 0 then break end
  local position = 0
  if strategy == 'random' then position = math.floor(random * count) end
  if position >= count then position = count - 1 end
  local candidate = redis.call('ZRANGE', index, position, position)[1]
  local callKey = base .. 'call:' .. candidate
  local state = redis.call('HGET', callKey, 'state')
  if state ~= 'ringing' or redis.call('HLEN', callKey .. ':legs') == 0 then
    redis.call('ZREM', index, candidate)
  elseif not live[redis.call('HGET', callKey, 'node')] then
    takeCallOffline(base, callKey, candidate)
  else
    unindexCall(base, callKey, candidate)
    redis.call('HSET', callKey, 'state', 'claimed', 'claimedBy', picker, 'updatedAt', now)
    redis.call('ZADD', claimsKey, now + claimMs, candidate)
    redis.call('PEXPIRE', claimsKey, claimMs + ttl * 1000)
    local call = redis.call('HMGET', callKey, 'node', 'callerNumber', 'callerName', 'startedAt', 'groups', 'kind')
    if #KEYS > 2 then redis.call('DEL', index) end
    flushBlf(base, ttl)
    return { candidate, call[1], call[2], call[3], call[4], call[5], call[6] or 'user' }
  end
end
if #KEYS > 2 then redis.call('DEL', index) end
flushBlf(base, ttl)
return nil
