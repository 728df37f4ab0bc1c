"""PortSIP list query options: filter, search, orderby, top and skip.

The filter language is the OData subset PortSIP's "Query Options" page shows:
``eq ne gt ge lt le``, ``and``/``or`` (and binds tighter), parentheses, and
``startswith(f,'x')``, ``endswith(f,'x')``, ``contains(f,'x')``.  Literals are
'quoted strings' ('' escapes a quote), numbers, true, false and null.

``skip`` is 0-based, as the schema says (the prose calls it 1-based and
writes ``$skip``; ``$``-prefixed names are accepted as aliases).
"""

import re


class QueryError(ValueError):
    pass


_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
)""", re.X)
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}
_FUNCTIONS = {
    "startswith": lambda a, b: a.startswith(b),
    "endswith": lambda a, b: a.endswith(b),
    "contains": lambda a, b: b in a,
}
_LITERAL_WORDS = {"true": True, "false": False, "null": None}


def _tokens(text):
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError("filter: unexpected text at %r" % text[pos:pos + 20])
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = value[1:-1].replace("''", "'")
        elif kind == "num":
            value = float(value) if "." in value else int(value)
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, text, fields):
        self.toks = _tokens(text)
        self.pos = 0
        self.fields = fields

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            want = value or kind or "more input"
            raise QueryError("filter: expected %s, found %s" % (want, tok[1] if tok[0] else "end of filter"))
        self.pos += 1
        return tok[1]

    def parse(self):
        expr = self.or_expr()
        if self.peek()[0] is not None:
            raise QueryError("filter: unexpected %r" % (self.peek()[1],))
        return expr

    def or_expr(self):
        parts = [self.and_expr()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda item: any(p(item) for p in parts))

    def and_expr(self):
        parts = [self.primary()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else (lambda item: all(p(item) for p in parts))

    def field(self):
        name = self.take("word")
        if name not in self.fields:
            raise QueryError("filter: unknown field %r" % name)
        return name

    def literal(self):
        kind, value = self.peek()
        if kind in ("str", "num"):
            self.pos += 1
            return value
        if kind == "word" and value in _LITERAL_WORDS:
            self.pos += 1
            return _LITERAL_WORDS[value]
        raise QueryError("filter: expected a literal, found %s" % (value if kind else "end of filter"))

    def primary(self):
        if self.peek() == ("punct", "("):
            self.take()
            expr = self.or_expr()
            self.take("punct", ")")
            return expr
        kind, word = self.peek()
        if kind == "word" and word in _FUNCTIONS:
            self.take()
            self.take("punct", "(")
            name = self.field()
            self.take("punct", ",")
            arg = self.literal()
            self.take("punct", ")")
            if not isinstance(arg, str):
                raise QueryError("filter: %s needs a string" % word)
            fn = _FUNCTIONS[word]
            return lambda item: isinstance(item.get(name), str) and fn(item[name].lower(), arg.lower())
        name = self.field()
        op = self.take("word")
        if op not in _COMPARE:
            raise QueryError("filter: unknown operator %r" % op)
        arg = self.literal()
        return _comparison(name, op, arg)


def _comparison(name, op, arg):
    compare = _COMPARE[op]

    def test(item):
        value = item.get(name)
        if value is None or arg is None:
            return compare(value is None, arg is None) if op in ("eq", "ne") else False
        if isinstance(value, bool) != isinstance(arg, bool):
            return op == "ne"
        if isinstance(value, (int, float)) != isinstance(arg, (int, float)):
            value, other = str(value), str(arg)
            return compare(value, other)
        return compare(value, arg)
    return test


def _int_param(params, name, default, low, high):
    raw = params.get(name, params.get("$" + name))
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError("%s must be an integer" % name) from None
    if value < low or (high is not None and value > high):
        raise QueryError("%s must be between %d and %s" % (name, low, high if high is not None else "any"))
    return value


def _order_key(name):
    def key(item):  # nulls first; strings without regard to case
        value = item.get(name)
        if value is None:
            return (0, "")
        if isinstance(value, str):
            return (2, value.lower())
        if isinstance(value, (int, float)):
            return (1, value)
        return (3, str(value))
    return key


def page(rows, summary, params, fields):
    """One page of a list: ``{"count": n, "items": [...]}``.

    rows: the stored documents; summary: document -> list item; params: the
    query parameters; fields: the item fields filter/orderby may name.
    Without filter, search or orderby only the page's rows are summarised.
    """
    top = _int_param(params, "top", 100, 1, 100)
    skip = _int_param(params, "skip", 0, 0, None)
    text = params.get("filter", params.get("$filter"))
    search = params.get("search", params.get("$search"))
    orderby = params.get("orderby", params.get("$orderby"))
    if not (text or search or orderby):
        return {"count": len(rows), "items": [summary(doc) for doc in rows[skip:skip + top]]}
    items = [summary(doc) for doc in rows]
    if text:
        test = _Parser(text, fields).parse()
        items = [item for item in items if test(item)]
    if search:
        needle = search.lower()
        items = [item for item in items
                 if any(isinstance(v, str) and needle in v.lower() for v in item.values())]
    if orderby:
        keys = []
        for part in orderby.split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise QueryError("orderby: expected 'field [asc|desc]', got %r" % part.strip())
            if words[0] not in fields:
                raise QueryError("orderby: unknown field %r" % words[0])
            keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
        for name, descending in reversed(keys):
            items.sort(key=_order_key(name), reverse=descending)
    return {"count": len(items), "items": items[skip:skip + top]}
