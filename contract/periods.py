"""CBS period codes -> (start date, period type), and back to the CBS way of writing them."""

from __future__ import annotations

import re
from datetime import date

_CBS = re.compile(r"^(\d{4})(JJ|KW|MM|HJ)(\d{2})$")
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def parse_cbs_period(code: str) -> tuple[date, str]:
    """'2015JJ00' -> (2015-01-01, 'year'); '2018KW02' -> quarter; '2018MM10' -> month; '2016HJ01' -> half."""
    match = _CBS.match(code.strip())
    if not match:
        raise ValueError(f"not a CBS period code: {code!r}")
    year, kind, number = int(match[1]), match[2], int(match[3])
    if kind == "JJ":
        return date(year, 1, 1), "year"
    if kind == "KW" and 1 <= number <= 4:
        return date(year, 3 * number - 2, 1), "quarter"
    if kind == "MM" and 1 <= number <= 12:
        return date(year, number, 1), "month"
    if kind == "HJ" and number in (1, 2):
        return date(year, 1 if number == 1 else 7, 1), "half"
    raise ValueError(f"not a CBS period code: {code!r}")


def cbs_code(start: date, period_type: str) -> str:
    """Inverse of ``parse_cbs_period``: (2016-07-01, 'half') -> '2016HJ02'."""
    if period_type == "year":
        return f"{start.year}JJ00"
    if period_type == "half":
        return f"{start.year}HJ0{1 if start.month < 7 else 2}"
    if period_type == "quarter":
        return f"{start.year}KW0{(start.month - 1) // 3 + 1}"
    if period_type == "month":
        return f"{start.year}MM{start.month:02d}"
    raise ValueError(f"no CBS period code for period type {period_type!r}")


def label(start: date, period_type: str) -> str:
    """The CBS way: '2016', '2016 1e helft', '2018 2e kwartaal', '2024 maart', '1 juli 2016'."""
    if period_type == "year":
        return str(start.year)
    if period_type == "half":
        return f"{start.year} {'1e' if start.month < 7 else '2e'} helft"
    if period_type == "quarter":
        return f"{start.year} {(start.month - 1) // 3 + 1}e kwartaal"
    if period_type == "month":
        return f"{start.year} {MONTHS_NL[start.month - 1]}"
    if period_type == "day":
        return f"{start.day} {MONTHS_NL[start.month - 1]} {start.year}"
    raise ValueError(f"unknown period type {period_type!r}")


# How long each period type lasts, in months (a day lasts until its own date).
_MONTHS_LONG = {"year": 12, "half": 6, "quarter": 3, "month": 1, "day": 0}


def period_end(start: date, period_type: str) -> date:
    """The day a period's figure describes up to: the start of the next period (or the day itself)."""
    months = start.year * 12 + start.month - 1 + _MONTHS_LONG[period_type]
    return date(months // 12, months % 12 + 1, 1) if _MONTHS_LONG[period_type] else start


def figure_day(start: date, period_type: str, stock: bool = False) -> date:
    """The day a figure describes: the period's first day for a stock counted then (population on 1 January),
    else the period's end. A figure's age runs from this day."""
    return start if stock else period_end(start, period_type)


_LABEL = re.compile(r"^(\d{4})(?:\s+(1e|2e|3e|4e)\s+(helft|kwartaal)|\s+([a-z]+))?\*?$")


def parse_period(text: str) -> tuple[date, str]:
    """A period as CBS writes it, in code or in words: '2016HJ01', '2016', '2016 1e helft', '2018 2e kwartaal',
    '2024 maart', with CBS's '*' for a provisional figure ('2024*'); or a day as '2015-11-03'."""
    text = text.strip()
    try:
        return parse_cbs_period(text)
    except ValueError:
        pass
    match = _LABEL.match(text.lower())
    if match:
        year = int(match[1])
        if match[2]:
            number = int(match[2][0])
            if match[3] == "helft" and number in (1, 2):
                return date(year, 1 if number == 1 else 7, 1), "half"
            if match[3] == "kwartaal":
                return date(year, 3 * number - 2, 1), "quarter"
        elif match[4]:
            if match[4] in MONTHS_NL:
                return date(year, MONTHS_NL.index(match[4]) + 1, 1), "month"
        else:
            return date(year, 1, 1), "year"
    try:
        return date.fromisoformat(text), "day"
    except ValueError:
        expected = "e.g. 2016, 2016 1e helft, 2016HJ01 or 2015-11-03"
        raise ValueError(f"not a period: {text!r} ({expected})") from None
