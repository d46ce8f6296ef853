"""Differences from Redis 7.0 that Ferrite keeps on purpose, each explained in
docs/compatibility.md. A case line marked `@known:NAME` must show exactly the difference
named: Redis doing what it was recorded doing, and Ferrite doing what the documentation
promises. Anything else, including Ferrite starting to behave like Redis, fails the line,
so the list and the documentation cannot drift from the code."""


def _closes_silenced_connection(redis, ferrite):
    # Redis 7.0 never closes a connection whose replies are suppressed (CLIENT REPLY
    # OFF or SKIP) after QUIT or a protocol error: nothing is queued, so the close that
    # follows the last write never comes, and the client waits forever. Ferrite closes.
    if not (redis.event or "").startswith("still open") or redis.replies:
        return f"Redis no longer leaves the connection open ({redis.render()}): update the docs"
    if ferrite.event != "closed" or ferrite.replies:
        return f"Ferrite did not close the connection without a reply: {ferrite.render()}"
    return None


KNOWN = {
    "closes-silenced-connection": _closes_silenced_connection,
}


def known_difference(name, redis, ferrite):
    """None when the observations show the named difference, else what is wrong."""
    check = KNOWN.get(name)
    if check is None:
        return f"unknown @known name {name!r}"
    return check(redis, ferrite)
