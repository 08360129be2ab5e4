-- wrk: each request asks for a For You page as one of many viewers, in turn.
-- args: tokens-file path
local tokens = {}
local counter = 0
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  path = args[2]
end

function request()
  counter = counter + 1
  local token = tokens[(counter * 2 + tid) % #tokens + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
