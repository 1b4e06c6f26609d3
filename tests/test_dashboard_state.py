"""URL parameters: whitelisting, messages and period tokens (pure, no Streamlit, no warehouse)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import state

CODES = ["GM0363", "GM0599", "GM0518"]


def test_pick_accepts_allowed_value_case_insensitively() -> None:
    assert state.pick("gm0599", CODES, "GM0363", "msg_unknown_gm", upper=True) == state.Choice("GM0599")
    assert state.pick(" GM0518 ", CODES, "GM0363", "msg_unknown_gm", upper=True).value == "GM0518"


def test_pick_absent_value_is_silent_default() -> None:
    assert state.pick(None, CODES, "GM0363", "msg_unknown_gm") == state.Choice("GM0363")
    assert state.pick("", CODES, "GM0363", "msg_unknown_gm") == state.Choice("GM0363")


def test_pick_repeated_parameter_takes_the_last() -> None:
    assert state.pick(["GM0599", "GM0518"], CODES, "GM0363", "msg_unknown_gm").value == "GM0518"


def test_pick_alias_by_name() -> None:
    choice = state.pick("Rotterdam", CODES, "GM0363", "msg_unknown_gm", aliases={"rotterdam": "GM0599"})
    assert choice == state.Choice("GM0599")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "GM0363'; DROP TABLE observation; --",
        "[klik](javascript:alert(1))",
        "../../etc/passwd",
        "GM" + "9" * 5000,
        "\x00\x1b[31m",
    ],
)
def test_pick_hostile_value_gives_default_and_a_harmless_message(hostile: str) -> None:
    choice = state.pick(hostile, CODES, "GM0363", "msg_unknown_gm", shown={"GM0363": "Amsterdam"}, upper=True)
    assert choice.value == "GM0363"
    assert choice.message is not None and choice.message.key == "msg_unknown_gm"
    echoed = choice.message.fields["raw"]
    assert len(echoed) <= 26
    for dangerous in "<>()[]'`;:/\\\x00\x1b":
        assert dangerous not in echoed
    assert choice.message.fields["shown"] == "Amsterdam"


def test_pick_many_keeps_order_drops_unknown_and_limits() -> None:
    allowed = [f"GM{i:04d}" for i in range(20)]
    raw = ",".join(allowed[:12]) + ",bogus,GM0001"
    choice = state.pick_many(raw, allowed, ["GM0000"], "msg_unknown_gm", limit=10)
    assert choice.values == tuple(allowed[:10])
    keys = [m.key for m in choice.messages]
    assert "msg_unknown_gm" in keys and "msg_too_many" in keys


def test_pick_many_all_invalid_falls_back_to_default() -> None:
    choice = state.pick_many("x,y", CODES, ["GM0363"], "msg_unknown_gm")
    assert choice.values == ("GM0363",)
    assert choice.messages and all(m.fields["shown"] == "GM0363" for m in choice.messages)


@pytest.mark.parametrize(
    ("start", "kind", "token"),
    [
        (date(2015, 1, 1), "year", "2015JJ00"),
        (date(2016, 1, 1), "half", "2016HJ01"),
        (date(2016, 7, 1), "half", "2016HJ02"),
        (date(2018, 4, 1), "quarter", "2018KW02"),
        (date(2016, 3, 1), "month", "2016MM03"),
        (date(2015, 11, 1), "day", "2015-11-01"),
    ],
)
def test_period_token_round_trip(start: date, kind: str, token: str) -> None:
    assert state.period_token(start, kind) == token
    assert state.parse_period_token(token) == (start, kind)
    assert state.parse_period_token(token.lower()) == (start, kind)


@pytest.mark.parametrize("bad", ["", None, "2016HJ03", "2015-13-01", "2015-02-30", "latest'--", "20150", "<b>"])
def test_parse_period_token_rejects_garbage(bad: str | None) -> None:
    assert state.parse_period_token(bad) is None


def test_bare_year_is_an_alias_of_the_year_token() -> None:
    tokens = ["2015JJ00", "2016HJ01"]
    aliases = state.period_aliases(tokens)
    assert state.pick("2015", tokens, "2016HJ01", "msg_unknown_period", aliases=aliases).value == "2015JJ00"
    assert state.pick("2016hj01", tokens, "2015JJ00", "msg_unknown_period", upper=True).value == "2016HJ01"
    rejected = state.pick("2099JJ00", tokens, "2016HJ01", "msg_unknown_period", upper=True)
    assert rejected.value == "2016HJ01" and rejected.message is not None


def test_one_list_of_query_parameters_matches_the_readme_and_the_pages() -> None:
    """dashboard.state.PARAMS is the one list: the README documents exactly those (plus the frame's ``lang``),
    and every page names only parameters from it (the frame refuses an unlisted one)."""
    import ast
    import re

    from dashboard import state
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("The URL holds the view") :].split("\n\n")[0]
    documented = set(re.findall(r"`([a-z]+)`", paragraph)) | set(re.findall(r"\?([a-z]+)=", paragraph))
    assert documented == {*state.PARAMS, "lang"}
    for page in sorted((REPO / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "params":
                named = {elt.value for elt in node.value.elts}
                assert named <= set(state.PARAMS), (page.name, named - set(state.PARAMS))
