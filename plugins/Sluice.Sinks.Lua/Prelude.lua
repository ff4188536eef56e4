-- Runs once per Lua state. Gets the host's primitives and returns the per-batch runner.
-- Scripts run in a fresh environment each batch whose missing names come from `base`:
-- a sandbox (no os.execute, io.popen, package.loadlib, C modules, files only read and only in
-- the script's folder) unless the block says `unsafe true;`.
local host, script_dir, unsafe, hook_every = ...

local sethook = debug.sethook
local error, type, tostring, tonumber, pairs, ipairs, select, setmetatable, load =
      error, type, tostring, tonumber, pairs, ipairs, select, setmetatable, load
local concat, real_open = table.concat, io.open
local expired, allowed_path = host.expired, host.allowed_path

-- The time limit: every `hook_every` VM instructions ask the host whether the deadline passed;
-- once it has, check every instruction so a script that catches the error still cannot go on.
local hook
hook = function()
  if expired() then
    sethook(hook, "", 1)
    error("time limit exceeded", 2)
  end
end
local function arm(co)
  if co then sethook(co, hook, "", hook_every) else sethook(hook, "", hook_every) end
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local function check(ok, err, ...)
  if ok == nil then error(err, 3) end
  return ok, err, ...
end

local api = {}

api.mail = {
  send = function(m)
    if type(m) ~= "table" then error("mail.send expects a table {from=, to=, subject=, body=}", 2) end
    local request, err = host.json_encode(m)
    if request == nil then error("mail.send: " .. tostring(err), 2) end
    check(host.mail_send(request))
    return true
  end,
}

api.http = {
  post = function(url, body, headers)
    local h = {}
    if type(headers) == "table" then
      for k, v in pairs(headers) do h[tostring(k)] = tostring(v) end
    end
    if type(body) == "table" then body = host.json_encode(body) end
    local status, response = check(host.http_post(tostring(url), body == nil and "" or tostring(body), h))
    return status, response
  end,
}

api.json = {
  encode = function(v) return (check(host.json_encode(v))) end,
  decode = function(s)
    if type(s) ~= "string" then error("json.decode expects a string", 2) end
    local ok, v = host.json_decode(s)
    if not ok then error(v, 2) end
    return v
  end,
}

local function logger(level)
  return function(...)
    local n, parts = select("#", ...), {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    host.log(level, concat(parts, " "))
  end
end
api.log = { info = logger("info"), warning = logger("warning"), error = logger("error"), debug = logger("debug") }

local base
if unsafe then
  base = _G
else
  base = {}
  for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
                          "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type",
                          "xpcall", "_VERSION", "collectgarbage" } do
    base[name] = _G[name]
  end
  base.string, base.table, base.math, base.utf8 = copy(string), copy(table), copy(math), copy(utf8)
  base.os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime, getenv = os.getenv }

  -- Coroutines have their own hooks: arm each new one.
  local co = copy(coroutine)
  local create, wrap = coroutine.create, coroutine.wrap
  co.create = function(f) local c = create(f); arm(c); return c end
  co.wrap = function(f)
    local c = co.create(f)
    return function(...)
      local r = table.pack(coroutine.resume(c, ...))
      if not r[1] then error(r[2], 2) end
      return table.unpack(r, 2, r.n)
    end
  end
  base.coroutine = co

  -- Files: read only, inside the script's folder.
  local function open(path, mode)
    mode = mode or "r"
    if type(path) ~= "string" then return nil, "io.open expects a path" end
    if mode:sub(1, 1) ~= "r" or mode:find("+", 1, true) then return nil, path .. ": writing files is not allowed" end
    local full = allowed_path(path)
    if not full then return nil, path .. ": outside the script's folder" end
    return real_open(full, mode)
  end
  base.io = {
    open = open,
    lines = function(path, ...)
      local f, err = open(path)
      if not f then error(err, 2) end
      return f:lines(...)
    end,
  }

  local function loadfile_in(path, env)
    local f, err = open(path)
    if not f then return nil, err end
    local src = f:read("a")
    f:close()
    return load(src, "@" .. path, "t", env)
  end
  base.load = function(chunk, name, _, env) return load(chunk, name, "t", env or base) end
  base.loadfile = function(path, _, env) return loadfile_in(path, env or base) end
  base.dofile = function(path)
    local f, err = loadfile_in(path, base)
    if not f then error(err, 2) end
    return f()
  end
  local loaded = {}
  base.require = function(name)
    if loaded[name] ~= nil then return loaded[name] end
    if type(name) ~= "string" or not name:match("^[%w_][%w_%.]*$") then error("require: bad module name", 2) end
    local f, err = loadfile_in(name:gsub("%.", "/") .. ".lua", base)
    if not f then error("require '" .. name .. "': " .. tostring(err), 2) end
    local m = f(name)
    if m == nil then m = true end
    loaded[name] = m
    return m
  end
  base.package = { loaded = loaded }
end

base.print = api.log.info
for k, v in pairs(api) do base[k] = v end

local env_meta = { __index = base }

-- The runner: a fresh environment per batch, so globals a script sets do not leak into the next batch.
return function(source, chunkname, events, args)
  local env = setmetatable({ events = events, args = args }, env_meta)
  local fn, err = load(source, chunkname, "t", env)
  if not fn then error(err, 0) end
  arm()
  fn()
  sethook()
end
