-- W1: GET /api/v1/deals (the newest 50 deals the user may see), as the token in BENCH_TOKEN.
wrk.method = "GET"
wrk.path = "/api/v1/deals"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept"] = "application/json"
