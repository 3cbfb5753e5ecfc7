-- W5: GET /api/v1/reports/funnel (the default pipeline's funnel over the deals the user may see),
-- as BENCH_TOKEN (run.sh runs it as manager.msk and as director).
wrk.method = "GET"
wrk.path = "/api/v1/reports/funnel"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept"] = "application/json"
