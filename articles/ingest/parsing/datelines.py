"""Datelines, the place a report was filed from, before its first sentence: "Beirut, Asharq
Al-Awsat—", "Tripoli, Libya, AP—", "Beirut – ", "Riyadh, Mecca- ", "New York-Amid ..."."""

from __future__ import annotations

import re

# Datelines: "Beirut, Asharq Al-Awsat—", "Tripoli, Libya, AP—", "Beirut – ", "Riyadh, Mecca- ".
DASHES = "—–-"
PLACE_WORD = r"(?:[A-Z][\w’'.]*|al|el|de|of)(?:-[A-Z][\w’'.]*)*"
PLACE_LIST = (
    rf"{PLACE_WORD}(?:\s+{PLACE_WORD}){{0,3}}(?:\s*(?:,|/|\band\b)\s*{PLACE_WORD}(?:\s+{PLACE_WORD}){{0,3}}){{0,3}}"
)
WIRE_DATELINE_RE = re.compile(
    rf"^(?P<dateline>(?P<places>{PLACE_LIST}),\s*(?P<source>Asharq Al-?Awsat|AP|AFP|Reuters|REUTERS|KUNA|SPA))"
    rf"\s*[{DASHES}]+\s*"
)
SPACED_DATELINE_RE = re.compile(rf"^(?P<dateline>(?P<places>{PLACE_LIST}))(?:\s+[{DASHES}]\s*|[—–]\s*|-\s+)(?=\S)")
GLUED_DATELINE_RE = re.compile(rf"^(?P<dateline>(?P<places>{PLACE_LIST}))-(?=[A-Z])")
# Places a dateline glued to its first word by a bare hyphen may name ("New York-Amid ...").
# Without such a list "Al-Assad’s forces" would read as a dateline "Al".
KNOWN_PLACES = frozenset(
    """
    Beirut Baghdad London Erbil Cairo Doha Gaza Tunis Algiers Idlib Tripoli Riyadh Sana’a Sanaa Sana'a
    Jeddah Makkah Mecca Medina Istanbul Ankara Aleppo Moscow Washington Paris Berlin Geneva Vienna
    Damascus Tehran Amman Dubai Abu Dhabi Kuwait Manama Muscat Khartoum Rabat Nouakchott Jerusalem
    Ramallah Mosul Basra Kirkuk Aden Taiz Benghazi Homs Hama Raqqa Deir el-Zour Sidon Tyre Tripoli
    Alexandria Sinai Brussels Rome Madrid Beijing Tokyo Lausanne Astana Sochi Kabul Islamabad
    New York United Nations Hodeidah Marib Daraa Qamishli Hasakah Latakia Tartus Jerablus Manbij
    Fallujah Ramadi Tikrit Najaf Karbala Sulaimaniyah Dhahran Dammam Taif Abha Jazan Najran
    """.split()
) | {"New York", "Abu Dhabi", "Deir el-Zour", "United Nations", "Washington DC", "Sharm el-Sheikh"}


def find_dateline(paragraph: str) -> tuple[str, str, str]:
    """Split a leading dateline off a paragraph: (dateline, dateline as printed, rest)."""
    for pattern in (WIRE_DATELINE_RE, SPACED_DATELINE_RE, GLUED_DATELINE_RE):
        match = pattern.match(paragraph)
        if not match:
            continue
        places = match["places"]
        words = re.findall(r"[\w’'.-]+", places)
        if pattern is not WIRE_DATELINE_RE:
            parts = [p.strip() for p in re.split(r",|/|\band\b", places) if p.strip()]
            if pattern is GLUED_DATELINE_RE and not all(p in KNOWN_PLACES for p in parts):
                continue
            if len(words) > 8 or not all(p[0].isupper() for p in parts):
                continue
        rest = paragraph[match.end() :].lstrip()
        if not rest:
            continue
        raw = paragraph[: match.end()].rstrip()
        return match["dateline"].strip().rstrip(DASHES).strip(), raw, rest
    return "", "", paragraph
