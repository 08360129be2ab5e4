-- wrk: a bodiless POST (the naive stock path).
wrk.method = "POST"
