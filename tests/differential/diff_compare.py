"""Comparing one reply from redis-server with Ferrite's, under the comparison modes
documented in case_format.py, and describing a difference so it can be fixed."""

from support.resp import parse_typed

# CLIENT LIST / CLIENT INFO fields whose values depend on the process, the connection or
# timing; every other field (name, db, flags, cmd, resp, ...) must have the same value.
VOLATILE_CLIENT_FIELDS = frozenset({
    b"id", b"addr", b"laddr", b"fd", b"age", b"idle", b"qbuf", b"qbuf-free", b"argv-mem",
    b"multi-mem", b"rbs", b"rbp", b"obl", b"oll", b"omem", b"tot-mem",
})

_AGGREGATES = (b"*", b"~", b">", b"%", b"|")
_MAPS = (b"%", b"|")


def compare_replies(mode, redis_raw, ferrite_raw, mask_keys=()):
    """Returns None when Ferrite's reply passes for Redis's under `mode`, else a short
    reason."""
    if redis_raw == ferrite_raw:
        return None
    if mode == "exact":
        return "bytes differ" + _first_offset(redis_raw, ferrite_raw)
    try:
        redis_reply = parse_typed(redis_raw)
    except ValueError as e:
        raise AssertionError(f"redis-server sent an unparsable reply {redis_raw!r}: {e}")
    try:
        ferrite_reply = parse_typed(ferrite_raw)
    except ValueError as e:
        return f"Ferrite's reply does not parse: {e}"
    if mode == "shape":
        return shape_difference(redis_reply, ferrite_reply, "reply")
    if mode == "type":
        return _type_difference(redis_reply, ferrite_reply)
    if mode == "subset":
        return _subset_difference(redis_reply, ferrite_reply)
    if mode == "pairs":
        return _pairs_difference(redis_reply, ferrite_reply)
    if mode == "mask":
        return _masked_difference(redis_reply, ferrite_reply, set(mask_keys), "reply")
    if mode == "clientlist":
        return _client_list_difference(redis_reply, ferrite_reply)
    if mode == "info":
        return _info_difference(redis_reply, ferrite_reply)
    raise ValueError(f"unknown comparison mode {mode}")


def _first_offset(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f" from byte {i} (Redis {a[max(0, i - 20):i + 40]!r}, " \
                   f"Ferrite {b[max(0, i - 20):i + 40]!r})"
    return f" in length ({len(a)} vs {len(b)} bytes; the shorter is a prefix)"


def _brief(reply):
    text = repr(reply.value)
    return text if len(text) <= 80 else text[:77] + "..."


def shape_difference(redis_reply, ferrite_reply, path):
    """Same RESP types, aggregate lengths and map keys (in order), recursively."""
    if redis_reply.kind != ferrite_reply.kind:
        return f"{path}: type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if (redis_reply.value is None) != (ferrite_reply.value is None):
        return f"{path}: null on one side only"
    if redis_reply.kind not in _AGGREGATES or redis_reply.value is None:
        return None
    if len(redis_reply.value) != len(ferrite_reply.value):
        return (f"{path}: {len(ferrite_reply.value)} elements instead of "
                f"{len(redis_reply.value)}" + _key_summary(redis_reply, ferrite_reply))
    if redis_reply.kind in _MAPS:
        for (rk, rv), (fk, fv) in zip(redis_reply.value, ferrite_reply.value):
            if rk != fk:
                return f"{path}: key {_brief(fk)} where Redis has {_brief(rk)}" \
                       + _key_summary(redis_reply, ferrite_reply)
            reason = shape_difference(rv, fv, f"{path}[{rk.value!r}]")
            if reason:
                return reason
        return None
    for i, (r, f) in enumerate(zip(redis_reply.value, ferrite_reply.value)):
        reason = shape_difference(r, f, f"{path}[{i}]")
        if reason:
            return reason
    return None


def _type_difference(redis_reply, ferrite_reply):
    """The same outermost type; for an array, elements of types Redis's elements have."""
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind in (b"*", b"~") and redis_reply.value and ferrite_reply.value:
        kinds = {element.kind for element in redis_reply.value}
        for i, element in enumerate(ferrite_reply.value):
            if element.kind not in kinds:
                return f"element {i} has type {element.kind!r}, not one of {sorted(kinds)}"
    return None


def _key_summary(redis_reply, ferrite_reply):
    if redis_reply.kind not in _MAPS:
        return ""
    redis_keys = [k.value for k, _ in redis_reply.value]
    ferrite_keys = [k.value for k, _ in ferrite_reply.value]
    return f" (Redis keys {redis_keys}, Ferrite keys {ferrite_keys})"


def _subset_difference(redis_reply, ferrite_reply):
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind in _MAPS:
        redis_map = dict((k, v) for k, v in _hashable_pairs(redis_reply))
        for key, value in _hashable_pairs(ferrite_reply):
            if key not in redis_map:
                return f"key {key!r} is not in Redis's reply"
            reason = shape_difference(redis_map[key], value, f"reply[{key!r}]")
            if reason:
                return reason
        return None
    if redis_reply.kind in _AGGREGATES:
        for i, element in enumerate(ferrite_reply.value or []):
            if element not in redis_reply.value:
                return f"element {i} is not in Redis's reply: {_compact(element)[:300]}"
        return None
    return shape_difference(redis_reply, ferrite_reply, "reply")


def _hashable_pairs(reply):
    for key, value in reply.value:
        yield _compact(key), value


def _compact(reply):
    """A short, hashable rendering of a Resp tree for messages and dictionary keys."""
    if reply.kind in _MAPS:
        inner = ", ".join(f"{_compact(k)}: {_compact(v)}" for k, v in reply.value)
        return "{" + inner + "}"
    if reply.kind in _AGGREGATES and reply.value is not None:
        return "[" + ", ".join(_compact(v) for v in reply.value) + "]"
    return repr(reply.value) if reply.kind != b"-" else f"-{reply.value!r}"


def _as_pairs(reply):
    if reply.kind in _MAPS:
        return list(reply.value)
    if reply.kind == b"*" and reply.value is not None and len(reply.value) % 2 == 0:
        return list(zip(reply.value[0::2], reply.value[1::2]))
    return None


def _pairs_difference(redis_reply, ferrite_reply):
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    redis_pairs, ferrite_pairs = _as_pairs(redis_reply), _as_pairs(ferrite_reply)
    if redis_pairs is None or ferrite_pairs is None:
        return shape_difference(redis_reply, ferrite_reply, "reply") or "not name/value pairs"
    redis_map = {_compact(k): _compact(v) for k, v in redis_pairs}
    ferrite_map = {_compact(k): _compact(v) for k, v in ferrite_pairs}
    if len(ferrite_pairs) != len(ferrite_map):
        return "Ferrite repeats a name"
    if redis_map == ferrite_map:
        return None
    missing = sorted(set(redis_map) - set(ferrite_map))
    extra = sorted(set(ferrite_map) - set(redis_map))
    changed = sorted(k for k in set(redis_map) & set(ferrite_map) if redis_map[k] != ferrite_map[k])
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"extra {extra}")
    for key in changed:
        parts.append(f"{key}: Ferrite {ferrite_map[key]} vs Redis {redis_map[key]}")
    return "; ".join(parts)


def _masked_difference(redis_reply, ferrite_reply, mask_keys, path):
    if redis_reply.kind != ferrite_reply.kind:
        return f"{path}: type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind not in _AGGREGATES or redis_reply.value is None \
            or ferrite_reply.value is None:
        if redis_reply.value != ferrite_reply.value:
            return f"{path}: {_brief(ferrite_reply)} instead of {_brief(redis_reply)}"
        return None
    redis_pairs, ferrite_pairs = _as_pairs(redis_reply), _as_pairs(ferrite_reply)
    if redis_pairs is not None and ferrite_pairs is not None:
        if len(redis_pairs) != len(ferrite_pairs):
            return f"{path}: {len(ferrite_pairs)} pairs instead of {len(redis_pairs)}"
        for (rk, rv), (fk, fv) in zip(redis_pairs, ferrite_pairs):
            reason = _masked_difference(rk, fk, mask_keys, f"{path} key")
            if reason:
                return reason
            child = f"{path}[{rk.value!r}]"
            if rk.value in mask_keys:
                reason = shape_difference(rv, fv, child)
            else:
                reason = _masked_difference(rv, fv, mask_keys, child)
            if reason:
                return reason
        return None
    if len(redis_reply.value) != len(ferrite_reply.value):
        return f"{path}: {len(ferrite_reply.value)} elements instead of {len(redis_reply.value)}"
    for i, (r, f) in enumerate(zip(redis_reply.value, ferrite_reply.value)):
        reason = _masked_difference(r, f, mask_keys, f"{path}[{i}]")
        if reason:
            return reason
    return None


def parse_client_lines(text):
    """CLIENT LIST text -> a list of lines, each a list of (field, value) byte pairs."""
    if text.startswith(b"txt:"):
        text = text[4:]
    lines = []
    for line in text.split(b"\n"):
        if line:
            lines.append([tuple(word.split(b"=", 1)) if b"=" in word else (word, None)
                          for word in line.split(b" ")])
    return lines


def _client_list_difference(redis_reply, ferrite_reply):
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind not in (b"$", b"="):
        return _masked_difference(redis_reply, ferrite_reply, set(), "reply")
    if (redis_reply.value or b"").endswith(b"\n") != (ferrite_reply.value or b"").endswith(b"\n"):
        return "one text ends with a newline, the other does not"
    redis_lines = parse_client_lines(redis_reply.value or b"")
    ferrite_lines = parse_client_lines(ferrite_reply.value or b"")
    if len(redis_lines) != len(ferrite_lines):
        return f"{len(ferrite_lines)} clients listed instead of {len(redis_lines)}"
    for n, (redis_line, ferrite_line) in enumerate(zip(redis_lines, ferrite_lines)):
        redis_fields = [k for k, _ in redis_line]
        ferrite_fields = [k for k, _ in ferrite_line]
        if redis_fields != ferrite_fields:
            return f"line {n}: fields {ferrite_fields} instead of {redis_fields}"
        for (key, redis_value), (_, ferrite_value) in zip(redis_line, ferrite_line):
            if key not in VOLATILE_CLIENT_FIELDS and redis_value != ferrite_value:
                return f"line {n}: {key.decode()}={ferrite_value!r} instead of {redis_value!r}"
    return None


def _info_difference(redis_reply, ferrite_reply):
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind not in (b"$", b"="):
        return shape_difference(redis_reply, ferrite_reply, "reply")

    def headers(text):
        text = text or b""
        if redis_reply.kind == b"=":
            text = text[4:]  # "txt:"
        return [line.rstrip(b"\r") for line in (text or b"").split(b"\n") if line.startswith(b"#")]

    redis_headers, ferrite_headers = headers(redis_reply.value), headers(ferrite_reply.value)
    if redis_headers != ferrite_headers:
        return f"sections {ferrite_headers} instead of {redis_headers}"
    return None


def show(data, limit=1500):
    """repr() of reply bytes, shortened in the middle when long."""
    if isinstance(data, str):
        return data
    text = repr(data)
    if len(text) <= limit:
        return text
    return f"{text[:limit * 2 // 3]} ...[{len(data)} bytes in all]... {text[-limit // 3:]}"
