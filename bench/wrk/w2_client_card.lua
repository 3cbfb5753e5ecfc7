-- W2: GET /api/v1/clients/{id}/card, as BENCH_TOKEN, cycling over the client ids in the file
-- BENCH_W2_FILE (one id per line: clients the user may see, prepared by run.sh). Each wrk thread
-- starts at its own offset.
local token = os.getenv("BENCH_TOKEN")
local ids = {}
for line in io.lines(os.getenv("BENCH_W2_FILE")) do ids[#ids + 1] = line end
local threads = 0
setup = function(thread) thread:set("offset", threads * 7919); threads = threads + 1 end
local i = 0
request = function()
  i = i + 1
  local id = ids[((offset or 0) + i) % #ids + 1]
  return wrk.format("GET", "/api/v1/clients/" .. id .. "/card", {
    ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end
