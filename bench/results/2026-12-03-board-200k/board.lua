wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Cookie"] = "crm_session=" .. os.getenv("BENCH_SESSION")
wrk.headers["Accept"] = "text/html"
done = function(summary, latency, requests)
  io.write(string.format("server-time p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms, %d requests, %d errors (non-2xx %d)\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
