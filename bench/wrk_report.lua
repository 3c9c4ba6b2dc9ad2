-- wrk script: optional path rotation, and one JSON line with the figures bench/run.py reads.
-- With WRK_PATHS=<file> (one path per line) each thread walks its own share of the lines
-- (thread i takes lines i, i + WRK_THREADS, …), so every request can be a different URL.
local next_id = 0
setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local paths, index, step = nil, 0, 1
init = function(args)
  local file = os.getenv("WRK_PATHS")
  if file and file ~= "" then
    paths = {}
    for line in io.lines(file) do paths[#paths + 1] = line end
    step = tonumber(os.getenv("WRK_THREADS") or "1")
    index = id
  end
end

request = function()
  if not paths then return wrk.request() end
  local path = paths[(index % #paths) + 1]
  index = index + step
  return wrk.format(nil, path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p95_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95)))
end
