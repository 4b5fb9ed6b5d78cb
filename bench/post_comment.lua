-- wrk script: every request posts a new comment through the real form endpoint.
-- wrk ... -s bench/post_comment.lua URL -- PATH CSRF_TOKEN CSRF_COOKIE RUN
-- Each body is unique (run, thread and request number), so the duplicate rule never fires.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path, token, cookie, run = args[1], args[2], args[3], args[4]
  count = 0
end

function request()
  count = count + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&author_name=Benchmark&author_email=bench%40example.com&question=&parent=&homepage="
    .. "&body=Benchmark+comment+" .. run .. "-" .. id .. "-" .. count .. ":+**load**+test."
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }, body)
end
