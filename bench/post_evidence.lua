-- wrk script: each request stores one small synthetic file as evidence through the API, its
-- content unique to the thread and request (bench/backends.sh).
local counter, thread_id = 0, 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  thread_id = id or 0
end
function request()
  counter = counter + 1
  return wrk.format("POST",
    "/api/evidence?collected_by=bench&collected_at=2025-01-05T10:30Z&filename=note.txt",
    { ["Authorization"] = "Bearer " .. os.getenv("ATHAR_TOKEN"),
      ["Content-Type"] = "application/octet-stream" },
    "SYNTHETIC evidence for a load test, thread " .. thread_id .. ", request " .. counter)
end
