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


def _bulk(reply):
    """The text of a bulk-string reply, or None."""
    if not reply.startswith(b"$") or b"\r\n" not in reply:
        return None
    return reply.split(b"\r\n")[1]


def encoding_from_bytes(redis_reply, ferrite_reply):
    # OBJECT ENCODING: Redis remembers that APPEND, SETRANGE and SETBIT changed a string
    # in place (raw) or that INCRBYFLOAT wrote it without trying an integer (embstr);
    # Ferrite stores bytes only and names the encoding SET would give those bytes.
    r, f = _bulk(redis_reply), _bulk(ferrite_reply)
    if r not in (b"raw", b"embstr"):
        return f"Redis answered {redis_reply!r}: not an encoding of a changed string"
    if f not in (b"int", b"embstr", b"raw") or f == r:
        return f"Ferrite answered {ferrite_reply!r}, not another encoding than Redis's"
    return None


def refcount_from_bytes(redis_reply, ferrite_reply):
    # OBJECT REFCOUNT: Redis shares the object of a small integer only when SET or INCR
    # made it (not after APPEND, INCRBYFLOAT or COPY); Ferrite answers from the bytes.
    if redis_reply != b":1\r\n" or ferrite_reply != b":2147483647\r\n":
        return f"Redis answered {redis_reply!r} and Ferrite {ferrite_reply!r}"
    return None


def access_not_tracked(redis_reply, ferrite_reply):
    # OBJECT IDLETIME and FREQ: Redis answers its per-key access clock or counter;
    # Ferrite keeps neither and says so.
    if not redis_reply.startswith(b":"):
        return f"Redis answered {redis_reply!r}, not a number"
    if not ferrite_reply.startswith(b"-ERR Ferrite keeps no"):
        return f"Ferrite answered {ferrite_reply!r}, not its not-tracked error"
    return None


REPLY_CHECKS = {
    "encoding-from-bytes": encoding_from_bytes,
    "refcount-from-bytes": refcount_from_bytes,
    "access-not-tracked": access_not_tracked,
}


def reply_known_difference(name, redis_reply, ferrite_reply):
    """None when one reply from each server shows the named difference."""
    return REPLY_CHECKS[name](redis_reply, ferrite_reply)


def _one_reply_check(check):
    def compare(redis, ferrite):
        if redis.event or ferrite.event or len(redis.replies) != 1 or len(ferrite.replies) != 1:
            return f"one reply each expected: Redis {redis.render()}, Ferrite {ferrite.render()}"
        return check(redis.replies[0], ferrite.replies[0])
    return compare


KNOWN = {
    "closes-silenced-connection": _closes_silenced_connection,
    **{name: _one_reply_check(check) for name, check in REPLY_CHECKS.items()},
}


def known_difference(name, redis, ferrite):
    """None when the observations show the named difference, else what is wrong."""
    check = KNOWN.get(name)
    if check is None:
        return f"unknown @known name {name!r}"
    return check(redis, ferrite)
