"""URL state: parse query parameters and whitelist them against what the warehouse holds.

Pure functions, no Streamlit. A value that is not on the whitelist is replaced by a sensible default and
produces a message (an i18n key plus fields); the raw value only ever reaches the screen after
``sanitize``, and never reaches SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from contract.periods import cbs_code, parse_cbs_period

# Every query parameter a page reads, with its documented format (README, "Pages"). Pages name the ones they use;
# the frame drops the others so a shared link is exact. ``lang`` belongs to the frame and is never dropped.
#
# Why not Streamlit's own ``bind="query-params"``: a bound selectbox or multiselect keeps its *displayed label*
# in the URL (session_state._seed_widget_from_url checks the raw value against the formatted options), so
# ``gm`` would read "Amsterdam (GM0363)" in Dutch and something else in English, a link would break when the
# reader switches language, and an invalid value is cleared without a word. The formats below stay codes.
PARAMS: dict[str, str] = {
    "gm": "gemeente or provincie code(s), comma separated: GM0363 or GM0363,GM0599",
    "period": "CBS period code (2016HJ01, 2025JJ00, 2018MM10), a day (2015-11-03), a year, or 'latest'",
    "indicator": "indicator id from the catalogue: realisatie_pct",
    "level": "gemeente | provincie | land",
    "view": "map | chart | table (embed)",
    "pv": "provincie code to filter on: PV25",
    "measure": "abs | rate (per 1,000 inhabitants)",
}
MAX_COMPARE = 10
_SAFE = re.compile(r"[^0-9A-Za-z_.\- ]")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Message:
    key: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    value: str | None
    message: Message | None = None


@dataclass(frozen=True)
class ManyChoice:
    values: tuple[str, ...]
    messages: tuple[Message, ...] = ()


def first(raw: str | Sequence[str] | None) -> str | None:
    """A query parameter may arrive repeated (a list); the last occurrence wins, as in ``st.query_params``."""
    if raw is None or isinstance(raw, str):
        return raw
    return raw[-1] if len(raw) else None


def sanitize(raw: object, limit: int = 24) -> str:
    """A short, harmless echo of a user-supplied value for a message (no markup, no control characters)."""
    text = _SAFE.sub("", str(raw))[:limit]
    return f"“{text}”" if text else "“”"


def pick(
    raw: str | Sequence[str] | None,
    allowed: Sequence[str],
    default: str | None,
    message_key: str,
    shown: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    upper: bool = False,
) -> Choice:
    """The allowed value that ``raw`` names, else ``default`` with a message. ``None`` (absent) is silent.

    ``aliases`` maps other spellings (lower-cased names, legacy tokens) to allowed values; ``shown`` gives
    the display text of the default for the message.
    """
    value = first(raw)
    if value is None or value == "":
        return Choice(default)
    candidate = value.strip()
    candidate = candidate.upper() if upper else candidate
    allowed_set = set(allowed)
    if candidate in allowed_set:
        return Choice(candidate)
    if aliases:
        alias = aliases.get(value.strip().lower())
        if alias in allowed_set:
            return Choice(alias)
    display = (shown or {}).get(default or "", default or "–")
    return Choice(default, Message(message_key, {"raw": sanitize(value), "shown": display}))


def pick_many(
    raw: str | Sequence[str] | None,
    allowed: Sequence[str],
    default: Sequence[str],
    message_key: str,
    limit: int = MAX_COMPARE,
    aliases: Mapping[str, str] | None = None,
) -> ManyChoice:
    """A comma-separated list (``GM0363,GM0599``): keep the allowed ones in order, at most ``limit``."""
    value = first(raw)
    if value is None or value.strip() == "":
        return ManyChoice(tuple(default))
    allowed_set = set(allowed)
    kept: list[str] = []
    messages: list[Message] = []
    for part in value.split(","):
        token = part.strip()
        if not token:
            continue
        code = token.upper() if token.upper() in allowed_set else (aliases or {}).get(token.lower())
        if code in allowed_set:
            if code not in kept:
                kept.append(code)
        else:
            messages.append(Message(message_key, {"raw": sanitize(token), "shown": "–"}))
    if len(kept) > limit:
        messages.append(Message("msg_too_many", {"n": str(limit)}))
        kept = kept[:limit]
    if not kept:
        kept = list(default)
        messages = [Message(m.key, {**m.fields, "shown": ", ".join(default) or "–"}) for m in messages]
    return ManyChoice(tuple(kept), tuple(messages[:3]))


def join_many(values: Iterable[str]) -> str:
    return ",".join(values)


# --- periods --------------------------------------------------------------------------------------------


def period_token(start: date, period_type: str) -> str:
    """The URL form of a period: CBS codes ('2015JJ00', '2016HJ01', '2016MM03'), ISO for a day."""
    return start.isoformat() if period_type == "day" else cbs_code(start, period_type)


def parse_period_token(token: str | None) -> tuple[date, str] | None:
    """Inverse of ``period_token``; also accepts a bare year ('2015'). Anything else -> None."""
    if not token:
        return None
    text = token.strip().upper()
    if _YEAR.match(text):
        return date(int(text), 1, 1), "year"
    match = _ISO.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])), "day"
        except ValueError:
            return None
    try:
        return parse_cbs_period(text)
    except ValueError:
        return None


def period_aliases(tokens: Iterable[str]) -> dict[str, str]:
    """Let '2015' stand for '2015JJ00' (the year a user types) when that token is on offer."""
    aliases = {}
    for token in tokens:
        parsed = parse_period_token(token)
        if parsed and parsed[1] == "year":
            aliases[str(parsed[0].year)] = token
        aliases[token.lower()] = token
    return aliases
