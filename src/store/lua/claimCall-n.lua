--[[
  Claims one pickable call for a picker, atomically: two pickers, on any nodes, never get the same call. The claimed
  call leaves every index at once; it is either finished (picked up / dropped) or released by the claimer, and a claim
  whose claimer vanished expires and is offered again.

  KEYS[1] domain base       fsp:{d}:   (call, user, claim and scratch keys are built from it: same slot)
  KEYS[2..] candidate indexes (fsp:{d}:group:<g>, …:ext:<e>, …:queue:<q>, …:acl:<a>), searched as ARGV[10] says
  ARGV[1] picker uuid   ARGV[2] strategy: random | oldest   ARGV[3] random number in [0,1)
  ARGV[4] now (ms)   ARGV[5] claim lifetime (ms)   ARGV[6] call ttl (s)
  ARGV[7] dead nodes, space-separated (known, and no controller's heartbeat left, as the claimer last read it): a
          candidate ringing there is stepped over, not offered. It is not taken offline here — the claimer's view may
          be a moment old, and a node that just came back must not lose its calls to it; the reaper does that on
          fresh data. Nodes not named are offered (a call of a node that just died fails its hand-off).
  ARGV[8] call uuids this picker already tried, space-separated: never offered to it again
  ARGV[9] preference guards, space-separated `<extension>=<revision>`: the revision of each user's preferences the
          picker's permission was decided on ('' = not configured). The claim happens only if every one is current.
  ARGV[10] how the indexes are searched: 'ordered' — each in turn, the first that has a pickable call gives it (one
          index, or a picker's pickup groups in their order); 'union' — all as one (legacy group pickup: the picker's
          ACL groups), through a scratch key of the picker's that is deleted before the script ends.

  Returns { 'stale' } when a guard failed (nothing claimed: decide again on fresh preferences), nil when nothing is
  pickable, else { call uuid, node, callerNumber, callerName, startedAt, groups, kind }.
]]
--@include callIndex

local base = KEYS[1]
for extension, revision in string.gmatch(ARGV[9], '([^%s=]+)=(%S*)') do
  if (redis.call('HGET', base .. 'user:' .. extension, 'rev') or '') ~= revision then return { 'stale' } end
end
local picker, strategy, random = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now, claimMs, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local claimsKey = base .. 'claims'
local dead, tried = {}, {}
for node in string.gmatch(ARGV[7], '%S+') do dead[node] = true end
for call in string.gmatch(ARGV[8], '%S+') do tried[call] = true end

-- Claims whose claimer died (no release, no finish) are offered again first.
for _, expired in ipairs(redis.call('ZRANGEBYSCORE', claimsKey, '-inf', now, 'LIMIT', 0, 20)) do
  redis.call('ZREM', claimsKey, expired)
  local expiredKey = base .. 'call:' .. expired
  if redis.call('HGET', expiredKey, 'state') == 'claimed' then
    redis.call('HSET', expiredKey, 'state', 'ringing', 'claimedBy', '')
    reindexCall(base, expiredKey, expired, ttl)
  end
end

-- The chosen pickable call of one index, claimed; nil when it has none. Stale members (call expired or gone without
-- cleanup) are removed as they are met; bounded work per index. Calls already tried, and calls of dead nodes, are
-- stepped over: `skipped` of them sit at the chosen position and after it.
local function claimFrom(index)
  local skipped = 0
  for _ = 1, 64 do
    local count = redis.call('ZCARD', index)
    if count <= skipped then return nil end
    local position = 0
    if strategy == 'random' then position = math.floor(random * count) end
    if position >= count then position = count - 1 end
    position = (position + skipped) % count
    local candidate = redis.call('ZRANGE', index, position, position)[1]
    local callKey = base .. 'call:' .. candidate
    local state = redis.call('HGET', callKey, 'state')
    if state ~= 'ringing' or redis.call('HLEN', callKey .. ':legs') == 0 then
      redis.call('ZREM', index, candidate)
    elseif tried[candidate] or dead[redis.call('HGET', callKey, 'node')] then
      skipped = skipped + 1
    else
      unindexCall(base, callKey, candidate)
      redis.call('HSET', callKey, 'state', 'claimed', 'claimedBy', picker, 'updatedAt', now)
      redis.call('ZADD', claimsKey, now + claimMs, candidate)
      redis.call('PEXPIRE', claimsKey, claimMs + ttl * 1000)
      local call = redis.call('HMGET', callKey, 'node', 'callerNumber', 'callerName', 'startedAt', 'groups', 'kind')
      return { candidate, call[1], call[2], call[3], call[4], call[5], call[6] or 'user' }
    end
  end
  return nil
end

local claimed
if ARGV[10] == 'union' then
  local scratch = base .. 'scratch:' .. picker
  local sources = {}
  for i = 2, #KEYS do sources[#sources + 1] = KEYS[i] end
  redis.call('ZUNIONSTORE', scratch, #sources, unpack(sources))
  claimed = claimFrom(scratch)
  redis.call('DEL', scratch)
else
  for i = 2, #KEYS do
    claimed = claimFrom(KEYS[i])
    if claimed then break end
  end
end
flushBlf(base, ttl)
return claimed
