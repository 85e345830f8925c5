--[[
  Shared by the call scripts (inlined by the loader). A call is "indexed" while it rings and nobody claimed it:
  its uuid sits in the sorted set of each of its call groups and of each extension it rings, scored by ring start.
  All keys are built from `base` (fsp:{domain}:), so they live in the script's slot.
]]

-- What the users the call rings make it pickable by: the union of their call groups, and for legacy users
-- (no call or pickup group) the union of their ACL groups (legacy group pickup, 88 alone). Order of first appearance.
local function groupsOfLegs(base, legsKey)
  local groups, aclGroups = { seen = {} }, { seen = {} }
  local function addAll(list, field)
    for group in string.gmatch(field, '[^,]+') do
      if not list.seen[group] then
        list.seen[group] = true
        list[#list + 1] = group
      end
    end
  end
  for _, ext in ipairs(redis.call('HVALS', legsKey)) do
    local user = redis.call('HMGET', base .. 'user:' .. ext, 'callGroups', 'pickupGroups', 'aclGroups')
    local callGroups, pickupGroups = user[1] or '', user[2] or ''
    addAll(groups, callGroups)
    if callGroups == '' and pickupGroups == '' then addAll(aclGroups, user[3] or '') end
  end
  groups.seen, aclGroups.seen = nil, nil
  return groups, aclGroups
end

-- Call groups whose index changed in this script; flushBlf() turns their changes into BLF lamp updates.
local touchedGroups = {}

-- Publishes the lamp state (early = something pickable, terminated = nothing) of every touched group whose state
-- changed, with a per-group version, on <prefix>:presence. Run once at the end of a script, so that a call
-- that is only re-indexed never makes a lamp flicker. Every touched group is also announced on <prefix>:calls
-- (what rings in it may have changed: live views re-read it).
local function flushBlf(base, ttl)
  local prefix, domain = string.match(base, '^(.*):{(.*)}:$')
  local touched = {}
  for group in pairs(touchedGroups) do
    touched[#touched + 1] = group
    local state = 'terminated'
    if redis.call('ZCARD', base .. 'group:' .. group) > 0 then state = 'early' end
    local blfKey = base .. 'blf:' .. group
    if redis.call('HGET', blfKey, 'state') ~= state then
      local version = redis.call('HINCRBY', blfKey, 'version', 1)
      redis.call('HSET', blfKey, 'state', state)
      redis.call('PUBLISH', prefix .. ':presence', cjson.encode({ domain = domain, group = group, state = state, version = version }))
    end
    redis.call('EXPIRE', blfKey, ttl)
  end
  if #touched > 0 then
    table.sort(touched)
    redis.call('PUBLISH', prefix .. ':calls', cjson.encode({ domain = domain, groups = touched }))
  end
  touchedGroups = {}
end

local function splitGroups(field)
  local groups = {}
  for group in string.gmatch(field or '', '[^,]+') do groups[#groups + 1] = group end
  return groups
end

-- Takes the call out of every index it may be in (its recorded groups, ACL groups and its legs' extensions).
local function unindexCall(base, callKey, callUuid)
  local recorded = redis.call('HMGET', callKey, 'groups', 'aclGroups', 'queue')
  if recorded[3] and recorded[3] ~= '' then redis.call('ZREM', base .. 'queue:' .. recorded[3], callUuid) end
  for _, group in ipairs(splitGroups(recorded[1])) do
    redis.call('ZREM', base .. 'group:' .. group, callUuid)
    touchedGroups[group] = true
  end
  for _, group in ipairs(splitGroups(recorded[2])) do
    redis.call('ZREM', base .. 'acl:' .. group, callUuid)
  end
  for _, ext in ipairs(redis.call('HVALS', callKey .. ':legs')) do
    redis.call('ZREM', base .. 'ext:' .. ext, callUuid)
  end
end

-- Recomputes the call's groups from its legs and, when it is still offered (ringing), indexes it under them.
local function reindexCall(base, callKey, callUuid, ttl)
  unindexCall(base, callKey, callUuid)
  local groups, aclGroups = groupsOfLegs(base, callKey .. ':legs')
  local joined = table.concat(groups, ',')
  redis.call('HSET', callKey, 'groups', joined, 'aclGroups', table.concat(aclGroups, ','))
  if redis.call('HGET', callKey, 'state') == 'ringing' then
    local startedAt = redis.call('HGET', callKey, 'startedAt')
    local indexes = {}
    for _, group in ipairs(groups) do
      indexes[#indexes + 1] = base .. 'group:' .. group
      touchedGroups[group] = true
    end
    local queue = redis.call('HGET', callKey, 'queue')
    if queue and queue ~= '' then indexes[#indexes + 1] = base .. 'queue:' .. queue end
    for _, group in ipairs(aclGroups) do indexes[#indexes + 1] = base .. 'acl:' .. group end
    for _, ext in ipairs(redis.call('HVALS', callKey .. ':legs')) do indexes[#indexes + 1] = base .. 'ext:' .. ext end
    for _, index in ipairs(indexes) do
      redis.call('ZADD', index, startedAt, callUuid)
      -- An index lives as long as something is added to it; stale members are dropped by the claim script.
      redis.call('EXPIRE', index, ttl)
    end
  end
  return joined
end

-- Removes the call for good and leaves a tombstone so that late or repeated events cannot bring it back.
local function deleteCall(base, callKey, callUuid, tombstoneTtl)
  redis.call('SET', base .. 'ended:' .. callUuid, '1', 'EX', tombstoneTtl)
  local existed = redis.call('EXISTS', callKey)
  unindexCall(base, callKey, callUuid)
  redis.call('ZREM', base .. 'claims', callUuid)
  redis.call('DEL', callKey, callKey .. ':legs')
  return existed
end

-- The call's node stopped serving (its controllers lost it): keep the call, stop offering it. A later event
-- for the call, or the node's resync, offers it again (see ringLeg).
local function takeCallOffline(base, callKey, callUuid)
  if redis.call('HGET', callKey, 'state') ~= 'ringing' then return 0 end
  unindexCall(base, callKey, callUuid)
  redis.call('HSET', callKey, 'state', 'offline')
  return 1
end
