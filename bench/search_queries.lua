-- wrk script: each request searches for another person, drawn from a file of request paths
-- (ATHAR_QUERIES, one per line), so that every query part is not already cached.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ATHAR_TOKEN")
local paths = {}
for line in io.lines(os.getenv("ATHAR_QUERIES")) do paths[#paths + 1] = line end
local next_path = 0
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
