-- GET BENCH_PATH (a report, e.g. /api/v1/reports/top_managers?from=…) as BENCH_TOKEN
-- (bench/reports_http.sh runs every report as a manager and as the director).
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept"] = "application/json"
