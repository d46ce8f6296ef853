"""Comparing one reply from redis-server with Ferrite's, under the comparison modes
documented in case_format.py, and describing a difference so it can be fixed."""

from known_differences import reply_known_difference
from support.resp import parse_typed

# CLIENT LIST / CLIENT INFO fields whose values depend on the process, the connection or
# timing (events shows "w" while a socket is full); every other field (name, db, flags,
# cmd, resp, ...) must have the same value.
VOLATILE_CLIENT_FIELDS = frozenset({
    b"id", b"addr", b"laddr", b"fd", b"age", b"idle", b"qbuf", b"qbuf-free", b"argv-mem",
    b"multi-mem", b"rbs", b"rbp", b"obl", b"oll", b"omem", b"tot-mem", b"events",
})

# INFO sections Ferrite adds (docs/compatibility.md), each after the Redis section it
# follows. They are checked for their place and otherwise left out of the comparison.
FERRITE_INFO_SECTIONS = {b"# IO": b"# Persistence", b"# Tiering": b"# IO"}

_AGGREGATES = (b"*", b"~", b">", b"%", b"|")
_MAPS = (b"%", b"|")


def compare_replies(mode, redis_raw, ferrite_raw, option=None):
    """Returns None when Ferrite's reply passes for Redis's under `mode` (and its option:
    the key names for "mask", "all" for "docs"), else a short reason."""
    if redis_raw == ferrite_raw:
        return None
    if mode == "exact":
        return "bytes differ" + _first_offset(redis_raw, ferrite_raw)
    if mode == "or-known":
        # The same bytes, or the documented difference named by the option.
        return reply_known_difference(option, redis_raw, ferrite_raw)
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
    if mode == "docs":
        return docs_difference(redis_reply, ferrite_reply, all_commands=option == "all")
    if mode == "pairs":
        return _pairs_difference(redis_reply, ferrite_reply)
    if mode == "sorted":
        return _sorted_difference(redis_reply, ferrite_reply)
    if mode == "ttl":
        return _ttl_difference(redis_reply, ferrite_reply)
    if mode == "mask":
        return _masked_difference(redis_reply, ferrite_reply, set(option or ()), "reply")
    if mode == "clientlist":
        return _client_list_difference(redis_reply, ferrite_reply)
    if mode == "info":
        return _info_difference(redis_reply, ferrite_reply)
    if mode == "slowlog":
        return _slowlog_difference(redis_reply, ferrite_reply)
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


def _subset_difference(redis_reply, ferrite_reply, path="reply", by_name=False):
    """Ferrite's array lists some of Redis's commands (names, or COMMAND INFO entries).
    Arrays of equal length are compared position by position (unless by_name);
    otherwise each of Ferrite's elements is matched with Redis's element of the same
    name. Entries must be equal, except that a container's subcommand list (an entry's
    last element, in Redis's dict order) is matched by name and may be a subset."""
    if redis_reply.kind != ferrite_reply.kind:
        return f"{path}: type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind not in (b"*", b"~") or redis_reply.value is None \
            or ferrite_reply.value is None:
        return _masked_difference(redis_reply, ferrite_reply, set(), path)
    if len(redis_reply.value) == len(ferrite_reply.value) and not by_name:
        pairs = list(zip(redis_reply.value, ferrite_reply.value))
    else:
        by_name = {_element_name(e): e for e in redis_reply.value}
        pairs = []
        for element in ferrite_reply.value:
            name = _element_name(element)
            if name not in by_name:
                return f"{path}: {_compact(element)[:300]} is not in Redis's reply"
            pairs.append((by_name[name], element))
    for redis_element, ferrite_element in pairs:
        where = f"{path}[{_element_name(redis_element)!r}]"
        if redis_element.kind != ferrite_element.kind:
            return f"{where}: type {ferrite_element.kind!r} instead of {redis_element.kind!r}"
        if redis_element.kind == b"*" and redis_element.value and ferrite_element.value:
            if len(redis_element.value) != len(ferrite_element.value):
                return f"{where}: {len(ferrite_element.value)} elements instead of " \
                       f"{len(redis_element.value)}"
            for i, (r, f) in enumerate(zip(redis_element.value[:-1], ferrite_element.value)):
                reason = _masked_difference(r, f, set(), f"{where}[{i}]")
                if reason:
                    return reason
            reason = _subset_difference(redis_element.value[-1], ferrite_element.value[-1],
                                        f"{where}[subcommands]", by_name=True)
            if reason:
                return reason
        elif redis_element != ferrite_element:
            return f"{where}: {_brief(ferrite_element)} instead of {_brief(redis_element)}"
    return None


def _element_name(element):
    """A command's name: the element itself, or an entry's first element."""
    if element.kind in _AGGREGATES and element.value:
        first = element.value[0]
        return first.value if first.kind not in _AGGREGATES else _compact(element)
    return element.value


# COMMAND DOCS fields written in prose, which Ferrite words itself: compared by shape.
PROSE_DOC_FIELDS = frozenset({b"summary", b"complexity", b"history"})


def docs_difference(redis_reply, ferrite_reply, all_commands=False, path="reply"):
    """COMMAND DOCS: the same commands (with all_commands, Ferrite's may be fewer), each
    with the same documentation fields in the same order. Prose fields (summary,
    complexity, history) are compared by shape, every other field (since, group,
    doc_flags, and each argument's name, type, token, flags, ...) byte for byte, argument
    lists field by field, and a container's subcommands as COMMAND DOCS again, Ferrite's
    possibly fewer."""
    if redis_reply.kind != ferrite_reply.kind:
        return f"{path}: type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    redis_pairs, ferrite_pairs = _as_pairs(redis_reply), _as_pairs(ferrite_reply)
    if redis_pairs is None or ferrite_pairs is None:
        return shape_difference(redis_reply, ferrite_reply, path)
    redis_docs = {k.value: v for k, v in redis_pairs}
    if not all_commands:
        redis_names = [k.value for k, _ in redis_pairs]
        ferrite_names = [k.value for k, _ in ferrite_pairs]
        if redis_names != ferrite_names:
            return f"{path}: commands {ferrite_names} instead of {redis_names}"
    for key, ferrite_doc in ferrite_pairs:
        if key.value not in redis_docs:
            return f"{path}: {key.value!r} is not in Redis's reply"
        reason = _doc_fields_difference(redis_docs[key.value], ferrite_doc,
                                        f"{path}[{key.value!r}]")
        if reason:
            return reason
    return None


def _doc_fields_difference(redis_doc, ferrite_doc, path):
    """One command's or argument's documentation: field -> value pairs."""
    if redis_doc.kind != ferrite_doc.kind:
        return f"{path}: type {ferrite_doc.kind!r} instead of {redis_doc.kind!r}"
    redis_pairs, ferrite_pairs = _as_pairs(redis_doc), _as_pairs(ferrite_doc)
    if redis_pairs is None or ferrite_pairs is None:
        return shape_difference(redis_doc, ferrite_doc, path)
    redis_fields = [k.value for k, _ in redis_pairs]
    ferrite_fields = [k.value for k, _ in ferrite_pairs]
    if redis_fields != ferrite_fields:
        return f"{path}: fields {ferrite_fields} instead of {redis_fields}"
    for (key, redis_value), (_, ferrite_value) in zip(redis_pairs, ferrite_pairs):
        where = f"{path}[{key.value!r}]"
        if key.value == b"subcommands":
            reason = docs_difference(redis_value, ferrite_value, True, where)
        elif key.value == b"arguments":
            reason = shape_difference(redis_value, ferrite_value, where) if \
                redis_value.kind != ferrite_value.kind or \
                len(redis_value.value or []) != len(ferrite_value.value or []) else None
            for i, (r, f) in enumerate(zip(redis_value.value or [], ferrite_value.value or [])):
                reason = reason or _doc_fields_difference(r, f, f"{where}[{i}]")
        elif key.value in PROSE_DOC_FIELDS:
            reason = shape_difference(redis_value, ferrite_value, where)
        else:
            reason = _masked_difference(redis_value, ferrite_value, set(), where)
        if reason:
            return reason
    return None


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


def _typed_compact(reply, ordered=True):
    """_compact with every value's RESP type, so that a bulk "1" is not an integer 1;
    unless ordered, the elements of arrays and sets are sorted, at every depth."""
    if reply.kind in _MAPS:
        inner = ", ".join(f"{_typed_compact(k, ordered)}: {_typed_compact(v, ordered)}"
                          for k, v in reply.value)
        return reply.kind.decode() + "{" + inner + "}"
    if reply.kind in _AGGREGATES and reply.value is not None:
        elements = [_typed_compact(v, ordered) for v in reply.value]
        if not ordered and reply.kind in (b"*", b"~"):
            elements.sort()
        return reply.kind.decode() + "[" + ", ".join(elements) + "]"
    return reply.kind.decode() + repr(reply.value)


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


def _ttl_difference(redis_reply, ferrite_reply):
    """Integers: equal when Redis's is zero or negative, both positive otherwise."""
    if redis_reply.kind != b":" or ferrite_reply.kind != b":":
        return _masked_difference(redis_reply, ferrite_reply, set(), "reply")
    redis_value, ferrite_value = int(redis_reply.value), int(ferrite_reply.value)
    if redis_value <= 0 or ferrite_value <= 0:
        if redis_value != ferrite_value:
            return f"{ferrite_value} instead of {redis_value}"
    return None


# SLOWLOG GET entry fields compared byte for byte: the arguments and the client's name.
# The id, time, duration and client address depend on the process and the clock.
SLOWLOG_EXACT_FIELDS = (3, 5)


def _slowlog_difference(redis_reply, ferrite_reply):
    """SLOWLOG GET: the same entries in the same order, each of the same shape, with the
    same arguments and client name."""
    if redis_reply.kind != b"*" or ferrite_reply.kind != b"*" or redis_reply.value is None:
        return _masked_difference(redis_reply, ferrite_reply, set(), "reply")
    if len(redis_reply.value) != len(ferrite_reply.value):
        return f"{len(ferrite_reply.value)} entries instead of {len(redis_reply.value)}"
    for i, (r, f) in enumerate(zip(redis_reply.value, ferrite_reply.value)):
        reason = shape_difference(r, f, f"reply[{i}]")
        for field in SLOWLOG_EXACT_FIELDS:
            reason = reason or _masked_difference(r.value[field], f.value[field], set(),
                                                  f"reply[{i}][{field}]")
        if reason:
            return reason
    return None


def _sorted_difference(redis_reply, ferrite_reply):
    """An array or set: the same elements, each as many times, in any order; elements
    that are arrays or sets are compared the same way (a SCAN page: its cursor and its
    keys)."""
    if redis_reply.kind != ferrite_reply.kind:
        return f"type {ferrite_reply.kind!r} instead of {redis_reply.kind!r}"
    if redis_reply.kind not in (b"*", b"~") or redis_reply.value is None \
            or ferrite_reply.value is None:
        return _masked_difference(redis_reply, ferrite_reply, set(), "reply")
    redis_elements = sorted(_typed_compact(e, ordered=False) for e in redis_reply.value)
    ferrite_elements = sorted(_typed_compact(e, ordered=False) for e in ferrite_reply.value)
    if redis_elements == ferrite_elements:
        return None
    missing, extra = list(redis_elements), []
    for element in ferrite_elements:
        if element in missing:
            missing.remove(element)
        else:
            extra.append(element)
    parts = [f"missing {missing[:20]}"] if missing else []
    if extra:
        parts.append(f"extra {extra[:20]}")
    return f"{len(ferrite_elements)} elements instead of {len(redis_elements)}: " \
        + "; ".join(parts)


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
            # An even-length array read as pairs may have aggregates as "keys" (two key
            # specs of COMMAND INFO in RESP2); only a scalar key can name a masked field.
            if rk.kind not in _AGGREGATES and rk.value in mask_keys:
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
    for own, after in FERRITE_INFO_SECTIONS.items():
        if own not in ferrite_headers:
            continue
        at = ferrite_headers.index(own)
        if after in ferrite_headers and ferrite_headers.index(after) != at - 1:
            return f"{own.decode()} is not right after {after.decode()}: {ferrite_headers}"
        del ferrite_headers[at]
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
