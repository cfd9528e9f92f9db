-- SPDX-License-Identifier: EUPL-1.2
-- bench/rush: the floor, GET /api/v1/health through the same server and middleware.
function done(summary, latency, requests)
   io.write(string.format(
      '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d, "non2xx": %d}\n',
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
      latency:percentile(99) / 1e3,
      summary.errors.connect + summary.errors.read + summary.errors.write
         + summary.errors.timeout, summary.errors.status))
end
