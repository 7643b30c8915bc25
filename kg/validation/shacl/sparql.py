"""The SELECT queries of SHACL-SPARQL constraints, read as data: a parser for the part of SPARQL such constraints
use (parse_select, on the tokens of kg.rdf.sparql_lexer) into the small syntax tree below. On that tree
kg.validation.shacl.prebinding checks the rule the set-based engine needs, and kg.validation.shacl.links finds
the links a query follows backward. Anything the parser does not read raises UnsupportedQuery, and callers
fail closed: the shapes go to pySHACL, the dependency analysis assumes any file may matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...rdf.sparql_lexer import Token, significant, tokenize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
THIS = ("var", "this")
AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
# Keywords the parser refuses rather than reads (kg.validation.shacl.prebinding says why): as errors name them.
FORBIDDEN = "(SHACL forbids it with pre-bound variables)"
REFUSED = {"MINUS": f"MINUS {FORBIDDEN}", "VALUES": f"VALUES {FORBIDDEN}", "SERVICE": f"SERVICE {FORBIDDEN}",
           "GRAPH": "GRAPH", "SELECT": "a sub-SELECT", "GROUP": "GROUP BY", "HAVING": "HAVING", "LIMIT": "LIMIT",
           "OFFSET": "OFFSET"}


class UnsupportedQuery(ValueError):
    """A query outside what the parser reads or what the set-based engine can evaluate with $this free."""


# -- the parsed query ---------------------------------------------------------------------------------------
# Terms are ("var", name), ("iri", iri) or ("literal", text). Paths are ("link", iri), ("inverse", path),
# ("sequence", paths), ("alternative", paths), ("repeat", path, "*" | "+" | "?"), ("negated", ((iri, inverse),
# ...)), or ("var", name) for a variable in the predicate's place.


@dataclass(frozen=True)
class Triple:
    subject: tuple
    path: tuple
    object: tuple


@dataclass(frozen=True)
class Expression:
    variables: frozenset[str]
    exists: tuple[Group, ...]  # the patterns of EXISTS and NOT EXISTS inside it
    functions: frozenset[str]  # IRIs called as functions


@dataclass(frozen=True)
class OptionalPattern:
    group: Group


@dataclass(frozen=True)
class UnionPattern:
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Filter:
    expression: Expression


@dataclass(frozen=True)
class Bind:
    expression: Expression
    variable: str


@dataclass(frozen=True)
class Group:
    """A group graph pattern: triples, nested groups (Group), OPTIONAL, UNION, FILTER and BIND, in order."""

    elements: tuple


@dataclass(frozen=True)
class SelectQuery:
    projection: tuple[str, ...] | None  # None for SELECT *
    assignments: tuple[Bind, ...]  # (expression AS ?variable) in the SELECT clause
    where: Group


def parse_select(text: str) -> SelectQuery:
    """The SELECT query of a SHACL-SPARQL constraint, PREFIX lines included, as
    kg.validation.shacl.shapes.SparqlConstraint.query gives it."""
    return _Parser(text).query()


def parse_path(text: str) -> tuple:
    """A SPARQL property path written with full IRIs (kg.validation.shacl.shapes.Path.sparql)."""
    parser = _Parser(text)
    path = parser.path()
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek().text!r} after a path")
    return path


class _Parser:
    def __init__(self, text: str):
        self.tokens: list[Token] = significant(tokenize(text))
        self.at = 0
        self.prefixes: dict[str, str] = {}

    def fail(self, why: str):
        raise UnsupportedQuery(why)

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self) -> str:
        token = self.peek()
        return token.text.upper() if token is not None and token.kind == "word" else ""

    def text(self, ahead: int = 0) -> str:
        token = self.peek(ahead)
        return token.text if token is not None else ""

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            self.fail("the query ends too early")
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        token = self.next()
        if token.text.upper() != text:
            self.fail(f"expected {text!r}, found {token.text!r}")

    def refuse_keyword(self) -> None:
        if self.word() in REFUSED:
            self.fail(f"the query uses {REFUSED[self.word()]}")

    def iri(self, token: Token) -> str:
        if token.kind == "iri":
            iri = token.text[1:-1]
            if ":" not in iri:
                self.fail(f"relative IRI {token.text}")
            return iri
        if token.kind == "pname":
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes:
                self.fail(f"undeclared prefix {prefix!r}")
            return self.prefixes[prefix] + local.replace("\\", "")
        if token.kind == "word" and token.text == "a":
            return RDF_TYPE
        self.fail(f"expected an IRI, found {token.text!r}")

    def query(self) -> SelectQuery:
        while self.word() in ("PREFIX", "BASE"):
            if self.next().text.upper() == "BASE":
                self.fail("BASE")
            name = self.next()
            if name.kind != "pname" or not name.text.endswith(":"):
                self.fail(f"bad PREFIX {name.text!r}")
            self.prefixes[name.text[:-1]] = self.iri(self.next())
        self.expect("SELECT")
        if self.word() in ("DISTINCT", "REDUCED"):
            self.next()
        projection: list[str] | None = []
        assignments = []
        if self.text() == "*":
            self.next()
            projection = None
        while projection is not None and self.text() != "{" and self.word() != "WHERE":
            token = self.peek()
            if token is not None and token.kind == "var":
                projection.append(self.next().text[1:])
            elif self.text() == "(":
                expression, variable = self.bracketed(allow_as=True)
                if variable is None:
                    self.fail("a projected expression without AS")
                assignments.append(Bind(expression, variable))
                projection.append(variable)
            else:
                self.fail(f"unexpected {self.text()!r} in the SELECT clause")
        if self.word() == "WHERE":
            self.next()
        where = self.group()
        while self.peek() is not None:
            self.refuse_keyword()
            if self.word() != "ORDER":
                self.fail(f"unexpected {self.text()!r} after the WHERE clause")
            self.next()
            self.expect("BY")
            while self.peek() is not None and self.word() not in REFUSED:
                if self.word() in ("ASC", "DESC"):
                    self.next()
                elif self.peek().kind in ("word", "iri", "pname") and self.text(1) == "(":
                    self.call(self.next())  # an aggregate here would group the rows: refused
                if self.text() == "(":
                    self.bracketed()
                elif self.peek() is not None and self.peek().kind == "var":
                    self.next()
                else:
                    self.fail(f"unexpected {self.text()!r} in ORDER BY")
        return SelectQuery(projection=None if projection is None else tuple(projection),
                           assignments=tuple(assignments), where=where)

    def group(self) -> Group:
        self.expect("{")
        self.refuse_keyword()
        elements: list = []
        while True:
            token = self.peek()
            if token is None:
                self.fail("a group is not closed")
            if token.text == "}":
                self.next()
                return Group(tuple(elements))
            if token.text == ".":
                self.next()
                continue
            self.refuse_keyword()
            keyword = self.word()
            if keyword == "OPTIONAL":
                self.next()
                elements.append(OptionalPattern(self.group()))
            elif token.text == "{":
                branches = [self.group()]
                while self.word() == "UNION":
                    self.next()
                    branches.append(self.group())
                elements.append(UnionPattern(tuple(branches)) if len(branches) > 1 else branches[0])
            elif keyword == "FILTER":
                self.next()
                elements.append(Filter(self.constraint()))
            elif keyword == "BIND":
                self.next()
                expression, variable = self.bracketed(allow_as=True)
                if variable is None:
                    self.fail("BIND without AS")
                elements.append(Bind(expression, variable))
            elif keyword == "UNION":
                self.fail("UNION without a group before it")
            else:
                elements += self.triples()

    def constraint(self) -> Expression:
        # Of an expression only its variables, EXISTS patterns and function calls matter.
        if self.text() == "(":
            return self.bracketed()[0]
        if self.word() in ("EXISTS", "NOT"):
            if self.next().text.upper() == "NOT":
                self.expect("EXISTS")
            return Expression(frozenset(), (self.group(),), frozenset())
        token = self.peek()
        if token is not None and self.text(1) == "(" and token.kind in ("word", "iri", "pname"):
            self.next()
            called = self.call(token)
            expression = self.bracketed()[0]
            return Expression(expression.variables, expression.exists, expression.functions | called)
        self.fail(f"unexpected {self.text()!r} after FILTER")

    def call(self, token: Token) -> frozenset[str]:
        if token.kind == "word":
            if token.text.upper() in AGGREGATES:
                self.fail(f"the aggregate {token.text}")
            return frozenset()
        return frozenset({self.iri(token)})

    def bracketed(self, *, allow_as: bool = False) -> tuple[Expression, str | None]:
        """An expression in parentheses, and the variable of its `AS ?variable` where one is allowed."""
        self.expect("(")
        depth, variables, exists, functions, assigned = 1, set(), [], set(), None
        while depth:
            token = self.next()
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif token.text in ("{", "}"):
                self.fail(f"unexpected {token.text!r} in an expression")
            elif token.kind == "var":
                variables.add(token.text[1:])
            elif token.kind == "word" and token.text.upper() == "EXISTS":
                exists.append(self.group())
            elif token.kind == "word" and token.text.upper() == "AS":
                variable = self.next()
                if not (allow_as and depth == 1 and assigned is None and variable.kind == "var"):
                    self.fail("AS in an unexpected place")
                assigned = variable.text[1:]
            elif token.kind in ("word", "iri", "pname") and self.text() == "(":
                functions |= self.call(token)
            elif token.kind in ("iri", "pname"):
                self.iri(token)
        return Expression(frozenset(variables), tuple(exists), frozenset(functions)), assigned

    def triples(self) -> list[Triple]:
        subject = self.term()
        out = []
        while True:
            path = self.verb()
            out.append(Triple(subject, path, self.term()))
            while self.text() == ",":
                self.next()
                out.append(Triple(subject, path, self.term()))
            if self.text() != ";":
                return out
            while self.text() == ";":
                self.next()
            if not self.starts_verb():
                return out

    def starts_verb(self) -> bool:
        token = self.peek()
        return token is not None and (token.kind in ("var", "iri", "pname") or token.text in ("a", "^", "(", "!"))

    def verb(self) -> tuple:
        token = self.peek()
        if token is not None and token.kind == "var":
            self.next()
            return ("var", token.text[1:])
        return self.path()

    def term(self) -> tuple:
        token = self.next()
        if token.kind == "var":
            return ("var", token.text[1:])
        if token.kind in ("iri", "pname"):
            return ("iri", self.iri(token))
        if token.kind == "string":
            text = token.text
            if self.text() == "@":
                text += self.next().text + self.next().text
                while self.text() == "-" and self.peek(1) is not None and self.peek(1).kind in ("word", "number"):
                    text += self.next().text + self.next().text
            elif self.text() == "^" and self.text(1) == "^":
                self.next()
                self.next()
                text += "^^<" + self.iri(self.next()) + ">"
            return ("literal", text)
        if token.kind == "number" or (token.text.lower() in ("true", "false") and token.kind == "word"):
            return ("literal", token.text)
        if token.text in ("+", "-") and self.peek() is not None and self.peek().kind == "number":
            return ("literal", token.text + self.next().text)
        self.fail(f"unexpected {token.text!r} where a term belongs (blank nodes and collections are not read)")

    def path(self) -> tuple:
        alternatives = [self.path_sequence()]
        while self.text() == "|":
            self.next()
            alternatives.append(self.path_sequence())
        return alternatives[0] if len(alternatives) == 1 else ("alternative", tuple(alternatives))

    def path_sequence(self) -> tuple:
        parts = [self.path_step()]
        while self.text() == "/":
            self.next()
            parts.append(self.path_step())
        return parts[0] if len(parts) == 1 else ("sequence", tuple(parts))

    def path_step(self) -> tuple:
        inverse = self.text() == "^"
        if inverse:
            self.next()
        token = self.next()
        if token.text == "(":
            primary = self.path()
            self.expect(")")
        elif token.text == "!":
            primary = self.negated()
        else:
            primary = ("link", self.iri(token))
        if self.text() in ("*", "+", "?"):
            primary = ("repeat", primary, self.next().text)
        return ("inverse", primary) if inverse else primary

    def negated(self) -> tuple:
        members = []
        grouped = self.text() == "("
        if grouped:
            self.next()
        while True:
            inverse = self.text() == "^"
            if inverse:
                self.next()
            members.append((self.iri(self.next()), inverse))
            if not grouped or self.text() != "|":
                break
            self.next()
        if grouped:
            self.expect(")")
        return ("negated", tuple(members))


def nullable(path: tuple) -> bool:
    """Whether the path can match zero steps (a node to itself)."""
    kind = path[0]
    if kind == "repeat":
        return path[2] in ("*", "?") or nullable(path[1])
    if kind == "inverse":
        return nullable(path[1])
    if kind == "sequence":
        return all(nullable(p) for p in path[1])
    if kind == "alternative":
        return any(nullable(p) for p in path[1])
    return False
