"""Which municipality a cell names: any of Japan's 1,741, by code or by name, checked against the national list
(kg.reference).

A clerk may write
- a 6-digit code with its check digit (132012), or 5 digits (13201: the check digit is added);
- a number: Excel drops leading zeros, so 22012 may be the 5-digit 22012 or the 6-digit 022012. Both readings are
  looked up; the one the national list knows is taken, and when both exist the clerk is asked which;
- a name (八王子市), with its prefecture when two share it (東京都府中市, not 府中市), or its reading in kana;
- what the template's drop-down list offers: 東京都八王子市（132012）, whose name and code must agree.
Each refusal says what to write instead and names the nearest real municipalities.
"""

from __future__ import annotations

import re

from ..project import Project
from ..reference import LocalGovernment, Registry, national_registry, with_check_digit
from ..reference.registry import REFERENCE_NAME
from .values import CellProblem, cell_text, nfkc

# 東京都八王子市（132012）, as the template's list writes it; also "132012 八王子市" and "八王子市 132012".
_NAME_THEN_CODE = re.compile(r"^(?P<name>.+?)\s*[(（\[]?\s*(?P<code>\d{5,6})\s*[)）\]]?$")
_CODE_THEN_NAME = re.compile(r"^(?P<code>\d{5,6})\s*[:：\s]\s*(?P<name>.+)$")
_SEPARATORS = re.compile(r"[\s\-‐ー－]")


def project_registry(project: Project | None) -> Registry:
    """The national list the project's data is checked against: its own reference file, else the bundled one."""
    own = project.root / REFERENCE_NAME if project is not None else None
    return national_registry(own) if own is not None and own.is_file() else national_registry()


def list_entry(government: LocalGovernment) -> str:
    """What the template's drop-down list shows for a municipality, and what read_municipality reads back."""
    return f"{government.label}（{government.code}）"


def read_municipality(raw, registry: Registry | None = None) -> LocalGovernment:
    """The municipality a cell names; raises CellProblem with what to write instead."""
    registry = registry or national_registry()
    typed_as_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if typed_as_number:
        if float(raw) != int(raw) or int(raw) < 0:
            raise CellProblem("code.form", text=cell_text(raw))
        return _by_digits(str(int(raw)), registry, text=cell_text(raw), typed_as_number=True)
    text = nfkc(cell_text(raw)).strip()
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit():
        return _by_digits(digits, registry, text=cell_text(raw), typed_as_number=False)
    both = _CODE_THEN_NAME.match(text) or _NAME_THEN_CODE.match(text)
    if both:
        by_code = _by_digits(both.group("code"), registry, text=both.group("code"), typed_as_number=False)
        name = both.group("name").strip()
        if by_code not in registry.by_name(name):
            raise CellProblem("municipality.name_code_mismatch", text=cell_text(raw), code_found=by_code.code,
                              code_name=by_code.label, name=name)
        return by_code
    return _by_name(text, registry, raw)


def read_municipality_code(raw, registry: Registry | None = None) -> str:
    """The 6-digit code of the municipality a cell names."""
    return read_municipality(raw, registry).code


def _by_digits(digits: str, registry: Registry, *, text: str, typed_as_number: bool) -> LocalGovernment:
    if len(digits) == 6:
        expected = with_check_digit(digits[:5])
        if digits != expected:
            found = registry.by_code(expected)
            if found is None:
                raise CellProblem("municipality.unknown_code", text=digits,
                                  suggestions=_suggest(registry.nearest_codes(digits)))
            raise CellProblem("municipality.check_digit", text=digits, expected=expected, name=found.label)
        return _known(registry.by_code(digits), digits, registry)
    if len(digits) > 6 or (len(digits) < 5 and not typed_as_number) or not digits:
        raise CellProblem("code.form", text=text)
    # Five digits (or fewer, from a number cell): the code without its check digit, or, when Excel dropped the
    # leading zeros of a 6-digit code, that code.
    readings = [with_check_digit(digits.zfill(5))]
    six = digits.zfill(6)
    if six != readings[0] and with_check_digit(six[:5]) == six:
        readings.append(six)
    found = [g for g in (registry.by_code(c) for c in readings) if g is not None and not g.is_prefecture]
    if len(found) > 1:
        raise CellProblem("municipality.ambiguous_number", text=text,
                          options="、".join(f"{g.code}（{g.label}）" for g in found))
    if found:
        return found[0]
    return _known(None, readings[0], registry)


def _known(government: LocalGovernment | None, code: str, registry: Registry) -> LocalGovernment:
    if government is None:
        raise CellProblem("municipality.unknown_code", text=code, suggestions=_suggest(registry.nearest_codes(code)))
    if government.is_prefecture:
        raise CellProblem("municipality.is_prefecture", text=code, name=government.label)
    return government


def _by_name(text: str, registry: Registry, raw) -> LocalGovernment:
    found = [g for g in registry.by_name(text) if not g.is_prefecture]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise CellProblem("municipality.ambiguous_name", text=cell_text(raw),
                          options="、".join(f"{g.label}（{g.code}）" for g in found))
    if registry.by_name(text):
        raise CellProblem("municipality.is_prefecture", text=cell_text(raw), name=text)
    nearest = [g for g in registry.nearest_names(text) if not g.is_prefecture]
    raise CellProblem("municipality.unknown_name", text=cell_text(raw), suggestions=_suggest(nearest))


def _suggest(governments: list[LocalGovernment]) -> str:
    return "、".join(list_entry(g) for g in governments if not g.is_prefecture) or "-"
