-- W4: PATCH /api/v1/deals/{id} {"stage_id": next}: move a deal to its next stage, as BENCH_TOKEN.
-- BENCH_W4_FILE: lines "deal_id next_stage_id" (open deals of the user at a non-last open stage,
-- prepared by run.sh; disjoint files for the warm-up and the measured run). Thread k of n takes
-- lines k, k+n, k+2n, … so that every request moves a different deal; when a thread runs out it
-- stops sending moves and counts them in the summary (none should run out).
local token = os.getenv("BENCH_TOKEN")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local moves = {}
for line in io.lines(os.getenv("BENCH_W4_FILE")) do
  local id, stage = line:match("^(%d+)%s+(%d+)$")
  if id then moves[#moves + 1] = { id, stage } end
end
local counter = 0
local made = {}
setup = function(thread)
  thread:set("k", counter)
  made[#made + 1] = thread
  counter = counter + 1
end
local i = 0
exhausted = 0
request = function()
  local idx = (k or 0) + 1 + i * nthreads
  i = i + 1
  if idx > #moves then
    exhausted = exhausted + 1
    return wrk.format("GET", "/health")
  end
  local m = moves[idx]
  return wrk.format("PATCH", "/api/v1/deals/" .. m[1], {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, '{"stage_id":' .. m[2] .. '}')
end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(made) do total = total + (t:get("exhausted") or 0) end
  io.write(string.format("W4: %d deal moves in the file; requests past its end (sent as GET /health): %d\n", #moves, total))
end
