-- SPDX-License-Identifier: EUPL-1.2
-- bench/rush: wrk posts window applications (issue 18).
--
-- The plan file (LLO_RUSH_PLAN) has one application a line, tab-separated:
--   session cookie, preview id, amount in cents, Idempotency-Key, client address
-- About 10 % of the lines repeat an earlier line (the same key and body: a client's retry).
-- Thread i of n takes lines i, i+n, i+2n, ... Every 202 answer's entry id is written to
-- LLO_RUSH_OUT.<i> (one a line: what the server acknowledged), every other status counted;
-- when a thread has its last answer it writes LLO_RUSH_OUT.<i>.done, and bench/rush stops wrk.
--
-- The first request() of every thread is a health check, never a plan line: wrk calls
-- request() once on the first thread's state to check the script (wrk.c, main:
-- `if (i == 0) cfg.pipeline = script_verify_request(t->L)`) and throws that request away.
-- Taking a plan line there lost one application in every run (issue 18: 299 of 300
-- acknowledged, the thread never finished); on the other threads the extra health check is
-- answered and ignored like the tail's.

local counter = 1
local threads = {}

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

local plan = {}
local next_line = 1
local first = true
local answered = 0
local acked, out, csrf
-- global, so that done() can read every thread's with thread:get
statuses = {}

function init(args)
   local n = tonumber(os.getenv("LLO_RUSH_THREADS"))
   local i = 0
   for line in io.lines(os.getenv("LLO_RUSH_PLAN")) do
      if i % n == id - 1 then
         table.insert(plan, line)
      end
      i = i + 1
   end
   out = io.open(os.getenv("LLO_RUSH_OUT") .. "." .. id, "w")
   out:setvbuf("line")
   statuses = {}
   csrf = os.getenv("LLO_RUSH_CSRF")
   window = os.getenv("LLO_RUSH_WINDOW")
end

local function fields(line)
   local f = {}
   for part in string.gmatch(line, "[^\t]+") do
      table.insert(f, part)
   end
   return f
end

function request()
   local line = plan[next_line]
   if first or line == nil then
      -- wrk's check of the script (see above), or this thread has sent its share: keep the
      -- connection busy with the floor only
      first = false
      return wrk.format("GET", "/api/v1/health", {["X-Rush-Tail"] = "1"})
   end
   next_line = next_line + 1
   local f = fields(line)
   local body = '{"previewId": ' .. f[2] .. ', "amountCents": ' .. f[3] .. '}'
   return wrk.format("POST", "/api/v1/windows/" .. window .. "/applications", {
      ["Content-Type"] = "application/json",
      ["Cookie"] = "llo_session=" .. f[1] .. "; llo_csrf=" .. csrf,
      ["X-CSRFToken"] = csrf,
      ["Idempotency-Key"] = f[4],
      ["X-Forwarded-For"] = f[5],
   }, body)
end

function response(status, headers, body)
   if status == 200 and string.find(body, '"status": "ok"', 1, true) then
      return  -- the tail's health checks (an application is answered 202 or a problem)
   end
   answered = answered + 1
   statuses[status] = (statuses[status] or 0) + 1
   if status == 202 then
      local entry = string.match(body, '"id": *(%d+)')
      local replayed = string.find(body, '"replayed": *true') and "r" or "n"
      out:write(entry, " ", replayed, "\n")
   end
   if answered == #plan then
      local s = ""
      for code, count in pairs(statuses) do
         s = s .. code .. " " .. count .. "\n"
      end
      local done = io.open(os.getenv("LLO_RUSH_OUT") .. "." .. id .. ".done", "w")
      done:write(s)
      done:close()
      out:flush()
   end
end

function done(summary, latency, requests)
   -- every thread's count of answers by status, finished or not (a thread whose request was
   -- lost on a socket never writes its .done file): bench/rush reads these
   for _, t in ipairs(threads) do
      local counted = t:get("statuses") or {}
      local f = io.open(os.getenv("LLO_RUSH_OUT") .. "." .. t:get("id") .. ".final", "w")
      for code, count in pairs(counted) do
         f:write(code, " ", count, "\n")
      end
      f:close()
   end
   io.write(string.format(
      '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
      latency:percentile(99) / 1e3,
      summary.errors.connect + summary.errors.read + summary.errors.write
         + summary.errors.timeout))
end
