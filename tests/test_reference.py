"""The national reference list: the committed Turtle is what the pinned list gives, and the lookups find what a
clerk means."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.reference import check_digit, is_valid_code, national_registry, with_check_digit
from kg.reference.national_list import hiragana, kind_of, read_pinned_list
from kg.reference.registry import REFERENCE_NAME, read_registry
from kg.reference.turtle import reference_turtle

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / REFERENCE_NAME


def test_the_committed_reference_is_what_the_pinned_list_gives():
    """Reproducible by one command: `python -m kg.reference` writes exactly the committed bytes."""
    national = read_pinned_list()
    assert reference_turtle(national) == COMMITTED.read_text(encoding="utf-8"), (
        "data/ttl/reference/local-governments.ttl differs from the pinned list: run `python -m kg.reference`")


def test_the_pinned_list_has_every_local_government_once():
    rows = read_pinned_list().rows
    kinds = Counter(r.kind for r in rows)
    assert kinds["prefecture"] == 47 and len(rows) - kinds["prefecture"] == 1741
    assert kinds["special-ward"] == 23
    assert len({r.code for r in rows}) == len(rows)
    assert all(is_valid_code(r.code) for r in rows)


def test_the_registry_reads_the_committed_file():
    registry = national_registry()
    assert len(registry.municipalities()) == 1741 and len(registry.prefectures()) == 47
    hachioji = registry.municipality("132012")
    assert (hachioji.name, hachioji.kana, hachioji.prefecture_name, hachioji.kind) == ("八王子市", "はちおうじし", "東京都", "city")
    assert hachioji.e_stat_iri == "http://data.e-stat.go.jp/lod/sac/C13201"
    assert registry.prefecture("13").name == "東京都"
    assert registry.municipality("131016").kind == "special-ward"   # 千代田区
    assert registry.municipality("130001") is None                  # Tokyo the prefecture is not a municipality


def test_the_seed_municipalities_agree_with_the_national_list():
    registry = national_registry()
    seeds = {"022012": "青森市", "132055": "青梅市", "132217": "清瀬市", "132292": "西東京市", "142123": "厚木市"}
    assert {code: registry.municipality(code).name for code in seeds} == seeds


def test_names_find_municipalities_and_ambiguous_names_give_all():
    registry = national_registry()
    assert [g.code for g in registry.by_name("八王子市")] == ["132012"]
    assert {g.label for g in registry.by_name("府中市")} == {"東京都府中市", "広島県府中市"}
    assert [g.code for g in registry.by_name("東京都府中市")] == ["132063"]
    assert [g.code for g in registry.by_name("はちおうじし")] == ["132012"]
    assert registry.by_name("ほげ市") == []


def test_a_mistyped_code_or_name_gets_the_real_one_first():
    registry = national_registry()
    assert registry.nearest_codes("132013")[0].code == "132012"   # wrong check digit
    assert registry.nearest_codes("13201")[0].code == "132012"    # five digits
    assert registry.nearest_codes("123012")[0].code != "123012"
    assert registry.nearest_names("八王寺市")[0].code == "132012"


@pytest.mark.parametrize("five,six", [("13201", "132012"), ("13104", "131041"), ("14150", "141500"), ("01100", "011002")])
def test_check_digits(five, six):
    assert with_check_digit(five) == six and check_digit(five) == int(six[5])


def test_readings_become_hiragana_and_names_give_kinds():
    assert hiragana("ｵｳﾒｼ") == "おうめし"
    assert hiragana("ｶﾞｰﾃﾞﾝ") == "がーでん"
    assert kind_of("131016", "千代田区") == "special-ward"
    assert kind_of("013030", "当別町") == "town"
    with pytest.raises(Exception, match="neither"):
        kind_of("999999", "架空郡")


def test_a_file_that_is_no_reference_list_is_refused(tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a reference list"):
        read_registry(path)
