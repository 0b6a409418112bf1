"""Policy files: the shipped ones load; bad ones are refused naming file, line and field."""

from __future__ import annotations

import pytest

from anlao.benefits.policy.conditions import ConditionError, parse
from anlao.benefits.policy.programs import PolicyError, load_programs, program_from_text
from tests.benefits_fixtures import AGE_ALLOWANCE, write_policies


def refused(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        program_from_text(text, "policies/bad.yaml")
    return info.value


def test_the_shipped_policies_load(settings):
    settings.BENEFITS_POLICY_DIR = settings.BASE_DIR / "policies"
    programs = load_programs()
    assert {"gongshu-80-89-allowance", "xian-high-age-health-subsidy",
            "beijing-high-age-allowance", "shanghai-old-age-allowance",
            "shenzhen-high-age-allowance", "beijing-hardship-care-subsidy",
            "beijing-disability-care-subsidy"} <= set(programs)
    assert programs["shanghai-old-age-allowance"].versions[0].payment == "quarterly"


def test_the_gongshu_amount_is_a_parameter_a_setting_can_override(settings):
    settings.BENEFITS_POLICY_DIR = settings.BASE_DIR / "policies"
    settings.BENEFITS_PARAMS = {"gongshu-80-89-allowance": {"monthly_amount_fen": 12300}}
    tier = load_programs()["gongshu-80-89-allowance"].versions[0].tiers[0]
    assert tier.amount_fen == 12300


def test_a_yaml_syntax_error_names_the_file_and_line():
    err = refused(AGE_ALLOWANCE.replace("age80-89, age: [80, 89]", "age80-89, age: [80, 89"))
    assert err.file == "policies/bad.yaml" and err.line == 10
    assert str(err).startswith("policies/bad.yaml:10: YAML syntax error")


def test_an_unknown_field_in_a_condition_names_line_field_and_column():
    err = refused(AGE_ALLOWANCE.replace('when: "age >= 80"', 'when: "agee >= 80"'))
    assert err.line == 8 and err.where == "versions[0].eligibility[1].when"
    assert "unknown field 'agee'" in str(err) and "column 1" in str(err)


def test_an_unknown_key_is_refused():
    err = refused(AGE_ALLOWANCE.replace("amount_fen: 20000", "amount_yuan: 200"))
    assert err.line == 11 and "unknown key 'amount_yuan'" in str(err)


def test_overlapping_tiers_are_refused():
    err = refused(AGE_ALLOWANCE.replace("age: [90, null]", "age: [89, null]"))
    assert err.line == 11 and "overlaps tier 'age80-89' (line 10)" in str(err)


def test_a_gap_in_ages_is_refused():
    err = refused(AGE_ALLOWANCE.replace("age: [90, null]", "age: [91, null]"))
    assert err.line == 11 and err.where == "versions[0].tiers[1].age"
    assert "gap in ages" in str(err)


def test_a_fractional_amount_is_refused():
    err = refused(AGE_ALLOWANCE.replace("amount_fen: 10000", "amount_fen: 100.5"))
    assert err.line == 10 and "whole fen" in str(err)


def test_a_type_mismatch_in_a_condition_is_refused():
    err = refused(AGE_ALLOWANCE.replace('when: "age >= 80"', "when: \"age >= '80'\""))
    assert "not a valid int value for 'age'" in str(err)


def test_a_file_must_be_named_after_its_program(settings, tmp_path):
    write_policies(tmp_path)
    (tmp_path / "other.yaml").write_text(AGE_ALLOWANCE.replace("test-age-allowance", "x-y"))
    settings.BENEFITS_POLICY_DIR = tmp_path
    with pytest.raises(PolicyError, match=r"other\.yaml:1: program: the file must be named x-y"):
        load_programs()


@pytest.mark.parametrize("text", [
    "age >", "age >= 80 and", "(age >= 80", "dibao or", "__import__('os')", "age >= 80; x",
    "hukou == '330105'", "living_situation == 'mars'", "ability_level in [1, 'a']", "",
])
def test_the_condition_language_refuses_what_it_does_not_know(text):
    with pytest.raises(ConditionError):
        parse(text)


def test_the_condition_language_parses_precedence_and_lists():
    node = parse("not dibao or age >= 80 and ability_level in [2, 3]")
    assert node.kind == "or" and node.items[0].kind == "not" and node.items[1].kind == "and"
    assert [lf.text for lf in node.leaves()] == ["dibao", "age >= 80", "ability_level in [2, 3]"]
