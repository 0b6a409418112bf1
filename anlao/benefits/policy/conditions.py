"""A small, safe condition language for policy files — parsed here, never ``eval``-ed.

Grammar (keywords are lower case)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | primary
    primary := "(" expr ")" | FIELD [op literal | "in" list | "under" STRING]
    op      := == != < <= > >=
    list    := "[" literal ("," literal)* "]"
    literal := NUMBER | 'string' | "string" | true | false

``FIELD`` must be one of ``FIELDS`` (a whitelist with types); a bare boolean field means
"is true". ``hukou under '330105'`` is true when the elder's hukou area lies in that area.
A comparison with a missing value (no ability assessment yet) is false.

One compiled ``polars.Expr`` serves both the monthly run (millions of rows) and the "why"
page (one row), so the two cannot disagree. Each leaf comparison is kept with its source
text so the explanation can show which part held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

# name → (type, frame column). Types: int, str, bool, area.
FIELDS: dict[str, tuple[str, str]] = {
    "age": ("int", "age"),
    "sex": ("str", "sex"),
    "ability_level": ("int", "ability_level"),
    "disability_grade": ("int", "disability_grade"),
    "disabled": ("bool", "disabled"),
    "living_situation": ("str", "living_situation"),
    "status": ("str", "status"),
    "extreme_poverty": ("bool", "extreme_poverty"),
    "dibao": ("bool", "dibao"),
    "near_dibao": ("bool", "near_dibao"),
    "bereaved_one_child_family": ("bool", "bereaved_one_child_family"),
    "entitled_veteran": ("bool", "entitled_veteran"),
    "hukou": ("area", "hukou_path"),
    "residence": ("area", "residence_path"),
    # Derived per month from the policy's life_verification schedule (engine.derive).
    "life_verified": ("bool", "life_verified"),
}
CHOICES: dict[str, set[str]] = {
    "sex": {"M", "F"},
    "status": {"active", "deceased", "moved_out"},
    "living_situation": {"lives_alone", "empty_nest", "no_family", "with_family"},
}
OPS = ("==", "!=", "<=", ">=", "<", ">")
KEYWORDS = {"and", "or", "not", "in", "under", "true", "false"}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<op>==|!=|<=|>=|<|>)"
    r"|(?P<punct>[()\[\],])|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


class ConditionError(ValueError):
    """A condition that does not parse or type-check; ``column`` is 1-based in the text."""

    def __init__(self, message: str, column: int):
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    pos: int
    end: int


@dataclass
class Leaf:
    """One comparison; ``text`` is its source, for explanations."""

    field: str
    op: str
    value: object
    text: str

    def expr(self) -> pl.Expr:
        column = FIELDS[self.field][1]
        col = pl.col(column)
        if self.op == "is":
            out = col
        elif self.op == "under":
            out = col.str.contains(f"/{self.value}/", literal=True)
        elif self.op == "in":
            out = col.is_in(list(self.value))  # type: ignore[arg-type]
        else:
            out = {
                "==": col.__eq__, "!=": col.__ne__, "<": col.__lt__, "<=": col.__le__,
                ">": col.__gt__, ">=": col.__ge__,
            }[self.op](pl.lit(self.value))
        return out.fill_null(False)


@dataclass
class Node:
    kind: str  # "and", "or", "not", "leaf"
    items: list[Node] = field(default_factory=list)
    leaf: Leaf | None = None

    def expr(self) -> pl.Expr:
        if self.kind == "leaf":
            assert self.leaf is not None
            return self.leaf.expr()
        if self.kind == "not":
            return ~self.items[0].expr()
        exprs = [n.expr() for n in self.items]
        out = exprs[0]
        for e in exprs[1:]:
            out = (out & e) if self.kind == "and" else (out | e)
        return out

    def leaves(self) -> list[Leaf]:
        if self.kind == "leaf":
            return [self.leaf] if self.leaf else []
        return [lf for n in self.items for lf in n.leaves()]

    def fields(self) -> set[str]:
        return {lf.field for lf in self.leaves()}


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"unexpected character {text[pos:].strip()[:1]!r}", pos + 1)
        kind = m.lastgroup or ""
        start = m.start(kind)
        tokens.append(Token(kind, m.group(kind), start, m.end()))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> Token:
        tok = self.peek()
        if tok is None:
            raise ConditionError(f"expected {value or 'more'} at the end", len(self.text) + 1)
        if value is not None and tok.value != value:
            raise ConditionError(f"expected {value!r}, found {tok.value!r}", tok.pos + 1)
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("empty condition", 1)
        node = self.parse_bool("or")
        tok = self.peek()
        if tok is not None:
            raise ConditionError(f"unexpected {tok.value!r}", tok.pos + 1)
        return node

    def parse_bool(self, kind: str) -> Node:
        sub = (lambda: self.parse_bool("and")) if kind == "or" else self.parse_not
        items = [sub()]
        while (tok := self.peek()) is not None and tok.value == kind:
            self.take()
            items.append(sub())
        return items[0] if len(items) == 1 else Node(kind, items)

    def parse_not(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.value == "not":
            self.take()
            return Node("not", [self.parse_not()])
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.take()
        if tok.value == "(":
            node = self.parse_bool("or")
            self.take(")")
            return node
        if tok.kind != "name" or tok.value in KEYWORDS:
            raise ConditionError(f"expected a field name, found {tok.value!r}", tok.pos + 1)
        if tok.value not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise ConditionError(f"unknown field {tok.value!r} (known: {known})", tok.pos + 1)
        return Node("leaf", leaf=self.parse_leaf(tok))

    def parse_leaf(self, name: Token) -> Leaf:
        ftype = FIELDS[name.value][0]
        nxt = self.peek()
        if nxt is None or nxt.value not in (*OPS, "in", "under"):
            if ftype != "bool":
                raise ConditionError(f"{name.value!r} needs a comparison", name.pos + 1)
            return Leaf(name.value, "is", True, name.value)
        op = self.take().value
        if op == "under":
            if ftype != "area":
                raise ConditionError(f"'under' needs an area field, not {name.value!r}",
                                     nxt.pos + 1)
            code = self.literal("str", name.value)
            if not str(code).isdigit():
                raise ConditionError(f"area code must be digits, not {code!r}", nxt.pos + 1)
            value: object = code
        elif op == "in":
            value = tuple(self.literal_list(ftype, name.value))
        else:
            if ftype == "area":
                raise ConditionError(f"use 'under' with {name.value!r}", nxt.pos + 1)
            if ftype in ("str", "bool") and op not in ("==", "!="):
                raise ConditionError(f"{op!r} does not apply to {name.value!r}", nxt.pos + 1)
            value = self.literal(ftype, name.value)
        end = self.tokens[self.i - 1].end
        return Leaf(name.value, op, value, self.text[name.pos:end])

    def literal_list(self, ftype: str, fname: str) -> list[object]:
        self.take("[")
        values = [self.literal(ftype, fname)]
        while (tok := self.peek()) is not None and tok.value == ",":
            self.take()
            values.append(self.literal(ftype, fname))
        self.take("]")
        return values

    def literal(self, ftype: str, fname: str) -> object:
        tok = self.take()
        if tok.kind == "num" and ftype == "int":
            return int(tok.value)
        if tok.kind == "name" and tok.value in ("true", "false") and ftype == "bool":
            return tok.value == "true"
        if tok.kind == "str" and ftype in ("str", "area"):
            value = tok.value[1:-1]
            allowed = CHOICES.get(fname)
            if allowed is not None and value not in allowed:
                raise ConditionError(
                    f"{value!r} is not a value of {fname!r} ({', '.join(sorted(allowed))})",
                    tok.pos + 1)
            return value
        raise ConditionError(f"{tok.value!r} is not a valid {ftype} value for {fname!r}",
                             tok.pos + 1)


def parse(text: str) -> Node:
    """Parse and type-check ``text``; raises ``ConditionError`` with a column."""
    if not isinstance(text, str):
        raise ConditionError("a condition must be text", 1)
    return _Parser(text).parse()
