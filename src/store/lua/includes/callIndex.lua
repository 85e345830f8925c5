--[[
  Shared by the call scripts (inlined by the loader). A call is "indexed" while it rings and nobody claimed it:
  its uuid sits in the sorted set of each of its call groups and of each extension it rings, scored by ring start.
  A never-pickable call (marked so by the dialplan, or ringing a user who is never pickable) is indexed nowhere, so
  no form, lamp or notice ever offers it.
  All keys are built from `base` (fsp:{domain}:), so they live in the script's slot.
]]

-- What the users the call rings make it pickable by: the union of their call groups, and for legacy users
-- (no call or pickup group) the union of their ACL groups (legacy group pickup, 88 alone). Order of first appearance.
-- The third result is true when one of them is never pickable: then the call is offered nowhere.
local function groupsOfLegs(base, legsKey)
  local groups, aclGroups = { seen = {} }, { seen = {} }
  local neverPickable = false
  local function addAll(list, field)
    for group in string.gmatch(field, '[^,]+') do
      if not list.seen[group] then
        list.seen[group] = true
        list[#list + 1] = group
      end
    end
  end
  for _, ext in ipairs(redis.call('HVALS', legsKey)) do
    local user = redis.call('HMGET', base .. 'user:' .. ext, 'callGroups', 'pickupGroups', 'aclGroups', 'neverPickable')
    local callGroups, pickupGroups = user[1] or '', user[2] or ''
    addAll(groups, callGroups)
    if callGroups == '' and pickupGroups == '' then addAll(aclGroups, user[3] or '') end
    if user[4] == '1' then neverPickable = true end
  end
  groups.seen, aclGroups.seen = nil, nil
  return groups, aclGroups, neverPickable
end

-- Call groups and extensions whose index changed in this script; flushBlf() turns their changes into lamp updates.
local touchedGroups, touchedExtensions = {}, {}

-- The nodes where calls offered under an extension ring, sorted and space-separated ('' for none).
local function nodesRinging(base, extension)
  local nodes, seen = {}, {}
  for _, callUuid in ipairs(redis.call('ZRANGE', base .. 'ext:' .. extension, 0, -1)) do
    local call = redis.call('HMGET', base .. 'call:' .. callUuid, 'state', 'node')
    if call[1] == 'ringing' and call[2] and not seen[call[2]] then
      seen[call[2]] = true
      nodes[#nodes + 1] = call[2]
    end
  end
  table.sort(nodes)
  return table.concat(nodes, ' ')
end

-- Publishes the lamp state of every touched group and extension whose state changed, with a version per lamp. Run
-- once at the end of a script, so that a call that is only re-indexed never makes a lamp flicker.
--  - A group's lamp (<prefix>:presence): early = something pickable, terminated = nothing — or always terminated when
--    the group's notices are off. Every touched group is also announced on <prefix>:calls (what rings in it may have
--    changed: live views re-read it).
--  - An extension's lamp (<prefix>:extension-lamps): the nodes where pickable calls ring it; each controller lights it
--    on the nodes it serves where it rings elsewhere only (FreeSWITCH shows a call ringing on its own node itself).
local function flushBlf(base, ttl)
  local prefix, domain = string.match(base, '^(.*):{(.*)}:$')
  local touched = {}
  for group in pairs(touchedGroups) do
    touched[#touched + 1] = group
    local state = 'terminated'
    if redis.call('ZCARD', base .. 'group:' .. group) > 0 and redis.call('HGET', base .. 'groupcfg:' .. group, 'notify') ~= 'off' then
      state = 'early'
    end
    local blfKey = base .. 'blf:' .. group
    -- A lamp never lit has nothing to turn off.
    if (redis.call('HGET', blfKey, 'state') or 'terminated') ~= state then
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
  for extension in pairs(touchedExtensions) do
    local nodes = nodesRinging(base, extension)
    local lampKey = base .. 'extlamp:' .. extension
    if (redis.call('HGET', lampKey, 'nodes') or '') ~= nodes then
      local version = redis.call('HINCRBY', lampKey, 'version', 1)
      redis.call('HSET', lampKey, 'nodes', nodes)
      -- The nodes as stored (space-separated): cjson would write an empty list as {}.
      redis.call('PUBLISH', prefix .. ':extension-lamps', cjson.encode({ domain = domain, extension = extension, nodes = nodes, version = version }))
    end
    redis.call('EXPIRE', lampKey, ttl)
  end
  touchedGroups, touchedExtensions = {}, {}
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
    touchedExtensions[ext] = true
  end
end

-- Recomputes the call's groups from its legs and, when it is still offered (ringing and pickable), indexes it under
-- them. Returns the call groups it is offered under ('' for none).
local function reindexCall(base, callKey, callUuid, ttl)
  unindexCall(base, callKey, callUuid)
  local groups, aclGroups, neverPickable = groupsOfLegs(base, callKey .. ':legs')
  local pickable = not neverPickable and redis.call('HGET', callKey, 'excluded') ~= '1'
  if not pickable then groups, aclGroups = {}, {} end
  local joined = table.concat(groups, ',')
  redis.call('HSET', callKey, 'groups', joined, 'aclGroups', table.concat(aclGroups, ','))
  if not pickable or redis.call('HGET', callKey, 'state') ~= 'ringing' then return joined end
  local startedAt = redis.call('HGET', callKey, 'startedAt')
  local indexes = {}
  for _, group in ipairs(groups) do
    indexes[#indexes + 1] = base .. 'group:' .. group
    touchedGroups[group] = true
  end
  local queue = redis.call('HGET', callKey, 'queue')
  if queue and queue ~= '' then indexes[#indexes + 1] = base .. 'queue:' .. queue end
  for _, group in ipairs(aclGroups) do indexes[#indexes + 1] = base .. 'acl:' .. group end
  for _, ext in ipairs(redis.call('HVALS', callKey .. ':legs')) do
    indexes[#indexes + 1] = base .. 'ext:' .. ext
    touchedExtensions[ext] = true
  end
  for _, index in ipairs(indexes) do
    redis.call('ZADD', index, startedAt, callUuid)
    -- An index lives as long as something is added to it; stale members are dropped by the claim script.
    redis.call('EXPIRE', index, ttl)
  end
  return joined
end

-- Removes the call. With a tombstone TTL (the caller is gone for good), late or repeated events can never bring it
-- back; without one (nothing rings it now, or it was picked up), a leg that starts ringing for the same caller later —
-- a transfer, the dialplan's next bridge — makes it a call again.
local function deleteCall(base, callKey, callUuid, tombstoneTtl)
  if tombstoneTtl then redis.call('SET', base .. 'ended:' .. callUuid, '1', 'EX', tombstoneTtl) end
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
