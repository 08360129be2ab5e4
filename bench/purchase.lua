-- wrk: each request buys one unit from a deal as a different shopper, with
-- a unique Idempotency-Key. args: tokens-file path run-prefix
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
  prefix = args[3]
end

function request()
  counter = counter + 1
  local token = tokens[(counter * 2 + tid) % #tokens + 1]
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. counter,
    ["Content-Type"] = "application/json",
  }, "{}")
end
