"""What a query is: a conjunction of comparisons, group keys and aggregates over expressions.

A query is data, not code, so every engine (pyarrow/Acero, pandas, polars, DuckDB SQL) runs the
SAME query translated into its own idiom, and adding a query is one registry entry
(:mod:`storagebench.query.queries`).  Expressions are small arithmetic trees over columns and
literals, enough for TPC-H style aggregates such as ``sum(l_extendedprice * (1 - l_discount))``::

    Query("q6", "TPC-H Q6: revenue of discounted small orders in one year",
          where=(Cond("l_shipdate", ">=", date(1994, 1, 1)), Cond("l_shipdate", "<", date(1995, 1, 1)),
                 Cond("l_discount", ">=", 0.05), Cond("l_discount", "<=", 0.07),
                 Cond("l_quantity", "<", 24)),
          aggregates=(Agg("revenue", "sum", col("l_extendedprice") * col("l_discount")),),
          types={"l_shipdate": "date"})

``types`` names the logical type of a column where a text format (CSV, JSON) may hand an engine
something else (a date as text, a categorical as plain string): each engine converts the column
in its own idiom when, and only when, the type it read differs, inside the timed query, as a
user who knows the column would.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from typing import Any, Callable

# Comparison and arithmetic operators as Python operators: every engine's column objects
# (pyarrow expressions, pandas Series, polars expressions) overload them the same way.
_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
            "!=": operator.ne}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
OPS = tuple(_COMPARE)
AGG_FUNCS = ("sum", "mean", "min", "max", "count")
KINDS = ("date", "string", "float", "int")


class Expr:
    """An arithmetic expression over columns and literals (``col("a") * (1 - col("b"))``)."""

    def columns(self) -> set[str]:
        raise NotImplementedError

    def build(self, column: Callable[[str], Any], literal: Callable[[Any], Any]) -> Any:
        """This expression in an engine's terms: ``column(name)`` and ``literal(value)`` make its
        leaves, Python's arithmetic operators combine them (``e.build(pl.col, pl.lit)``)."""
        raise NotImplementedError

    def _bin(self, op: str, other: Any, swap: bool = False) -> "BinOp":
        other = other if isinstance(other, Expr) else Lit(other)
        return BinOp(op, other, self) if swap else BinOp(op, self, other)

    def __add__(self, o: Any) -> "BinOp":
        return self._bin("+", o)

    def __radd__(self, o: Any) -> "BinOp":
        return self._bin("+", o, True)

    def __sub__(self, o: Any) -> "BinOp":
        return self._bin("-", o)

    def __rsub__(self, o: Any) -> "BinOp":
        return self._bin("-", o, True)

    def __mul__(self, o: Any) -> "BinOp":
        return self._bin("*", o)

    def __rmul__(self, o: Any) -> "BinOp":
        return self._bin("*", o, True)

    def __truediv__(self, o: Any) -> "BinOp":
        return self._bin("/", o)


@dataclass(frozen=True, eq=False)
class Col(Expr):
    name: str

    def columns(self) -> set[str]:
        return {self.name}

    def build(self, column: Callable[[str], Any], literal: Callable[[Any], Any]) -> Any:
        return column(self.name)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, eq=False)
class Lit(Expr):
    value: int | float

    def columns(self) -> set[str]:
        return set()

    def build(self, column: Callable[[str], Any], literal: Callable[[Any], Any]) -> Any:
        return literal(self.value)

    def __str__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    op: str  # + - * /
    left: Expr
    right: Expr

    def columns(self) -> set[str]:
        return self.left.columns() | self.right.columns()

    def build(self, column: Callable[[str], Any], literal: Callable[[Any], Any]) -> Any:
        return _ARITHMETIC[self.op](self.left.build(column, literal), self.right.build(column, literal))

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


def col(name: str) -> Col:
    return Col(name)


@dataclass(frozen=True)
class Cond:
    """``column <op> value``; the query's filter is the AND of its conditions."""

    column: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"query condition on {self.column!r}: unknown operator {self.op!r}; valid: {OPS}")

    def build(self, column: Any, value: Any) -> Any:
        """``column <op> value`` with the engine's own column and value objects."""
        return _COMPARE[self.op](column, value)

    def __str__(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, (dt.date, dt.datetime)) else repr(self.value)
        return f"{self.column} {self.op} {value}"


@dataclass(frozen=True)
class Agg:
    """``name = func(expr)``; ``count`` with ``expr=None`` counts rows."""

    name: str
    func: str
    expr: Expr | None = None

    def __post_init__(self) -> None:
        if self.func not in AGG_FUNCS:
            raise ValueError(f"aggregate {self.name!r}: unknown function {self.func!r}; valid: {AGG_FUNCS}")
        if self.expr is None and self.func != "count":
            raise ValueError(f"aggregate {self.name!r}: {self.func} needs an expression")

    def __str__(self) -> str:
        return f"{self.func}({self.expr if self.expr is not None else '*'}) AS {self.name}"


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    aggregates: tuple[Agg, ...]
    where: tuple[Cond, ...] = ()
    group_by: tuple[str, ...] = ()
    types: dict[str, str] = field(default_factory=dict)  # column -> one of KINDS

    def __post_init__(self) -> None:
        for column, kind in self.types.items():
            if kind not in KINDS:
                raise ValueError(f"query {self.name!r}: column {column!r} has unknown kind {kind!r}; valid: {KINDS}")

    @property
    def columns(self) -> list[str]:
        """Every column the query reads, in a stable order."""
        seen: dict[str, None] = {}
        for c in self.where:
            seen[c.column] = None
        for g in self.group_by:
            seen[g] = None
        for a in self.aggregates:
            for name in sorted(a.expr.columns() if a.expr is not None else ()):
                seen[name] = None
        return list(seen)

    def sql_text(self) -> str:
        """The query as readable SQL (for reports; engines build their own)."""
        select = [*self.group_by, *(str(a) for a in self.aggregates)]
        text = f"SELECT {', '.join(select)} FROM data"
        if self.where:
            text += " WHERE " + " AND ".join(map(str, self.where))
        if self.group_by:
            text += " GROUP BY " + ", ".join(self.group_by)
        return text
