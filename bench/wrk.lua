-- wrk script of bench/run: one request shape per run, given after `--`:
--   METHOD PATH TOKEN [FILE]
-- PATH may contain `{id}`, replaced per request by a random line of FILE (ids spread over the
-- data set); otherwise FILE, if given, is the request body (JSON). TOKEN `-` sends no
-- Authorization header. At the end one JSON line reports the figures bench/run tabulates.
-- WRK_DELAY_MS, when set, paces each connection: that many milliseconds before each request.
local method, path, headers, body, ids

local pause = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pause then
  function delay() return pause end
end

local function lines(name)
  local out = {}
  for line in io.lines(name) do
    if #line > 0 then out[#out + 1] = line end
  end
  return out
end

function init(args)
  method, path = args[1], args[2]
  headers = { ["Accept"] = "application/json" }
  if args[3] ~= nil and args[3] ~= "-" then headers["Authorization"] = "Bearer " .. args[3] end
  if args[4] ~= nil then
    if string.find(path, "{id}", 1, true) then
      ids = lines(args[4])
    else
      local f = assert(io.open(args[4], "rb"))
      body = f:read("*a")
      f:close()
      headers["Content-Type"] = "application/json"
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  local p = path
  if ids ~= nil then p = string.gsub(path, "{id}", ids[math.random(#ids)]) end
  return wrk.format(method, p, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"errors":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
