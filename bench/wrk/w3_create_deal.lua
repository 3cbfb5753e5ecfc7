-- W3: POST /api/v1/deals (create a deal on one of the user's clients), as BENCH_TOKEN.
-- BENCH_CLIENT_ID: a client the user owns; each request has its own title and amount; no
-- stage_id: the deal starts at the first stage of the default pipeline.
local token = os.getenv("BENCH_TOKEN")
local client = os.getenv("BENCH_CLIENT_ID")
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"title":"Bench deal %d","client_id":%s,"amount":"%d.%02d","currency":"RUB"}',
    n, client, 1000 + n % 100000, n % 100)
  return wrk.format("POST", "/api/v1/deals", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end
