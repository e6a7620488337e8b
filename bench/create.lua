-- wrk script for bench/run.py: POST /api/v1/tickets/ with a fresh title per request.
-- Usage: wrk -t1 -c8 -d10s -s bench/create.lua http://127.0.0.1:PORT/api/v1/tickets/ -- TOKEN
-- Every request files a real sd_event ticket (same body as the Python client of bench/run.py).

local token = nil
local counter = 0
local thread_tag = 0
local tags = 0
local threads = {}
local reported = false

function setup(thread)
  tags = tags + 1
  thread:set('tag', tags)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  thread_tag = tag
  wrk.headers['Content-Type'] = 'application/json'
  wrk.headers['Accept'] = 'application/json'
  wrk.headers['Authorization'] = 'Token ' .. token
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"process":"sd_event","title":"基准测试创建 %d-%d","description":"并发创建","urgency":"medium",' ..
      '"impact":"low","fields":{"reporter_name":"李四","reporter_phone":"13900000000","symptom":"无法登录"}}',
    thread_tag, counter)
  return wrk.format('POST', nil, nil, body)
end

function response(status, headers, body)
  if status ~= 201 and not reported then
    reported = true
    io.stderr:write(string.format('first failure: %d %s\n', status, string.sub(body, 1, 300)))
  end
end

function done(summary, latency, requests)
  -- One JSON line for bench/run.py to parse (latencies in microseconds).
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, ' ..
      '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
