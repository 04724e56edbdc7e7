"""Sellers and buyers: ids that must be pseudonymous, and the pseudonyms a shared folder uses.

A party id only has to tell one person from another (a person is in one handover at a time),
so the classifieds site's own pseudonymous account id is enough. An e-mail address or a phone
number works just as well for planning, and then leaks into every file a plan folder holds:
`validate` and `plan` warn about ids that look like one, and `plan --redact-parties` writes
the folder with pseudonyms in their place.
"""

from __future__ import annotations

import re

from .schema import Scenario

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]{2,}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
_PHONE = re.compile(r"\+?[0-9]{9,15}")
SHOWN = 5  # requests named in the warning; the rest are counted


def looks_personal(party: str) -> str | None:
    """'e-mail' or 'phone' if the id looks like an e-mail address or a phone number."""
    if _EMAIL.fullmatch(party):
        return "e-mail"
    if _PHONE.fullmatch(_PHONE_SEPARATORS.sub("", party)):
        return "phone"
    return None


def personal_parties(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(request id, seller|buyer, e-mail|phone) for each party id that looks like contact details."""
    found = []
    for request in scenario.requests:
        for role, party in (("seller", request.seller), ("buyer", request.buyer)):
            kind = looks_personal(party)
            if kind is not None:
                found.append((request.id, role, kind))
    return found


def personal_parties_warning(scenario: Scenario) -> str | None:
    """One sentence for the planner, naming requests (never the ids themselves); None if none."""
    found = personal_parties(scenario)
    if not found:
        return None
    named = ", ".join(f"{rid} ({role}, {kind})" for rid, role, kind in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return (f"{len(found)} party ids look like e-mail addresses or phone numbers: {named}{more}. "
            "Party ids should be pseudonymous (the classifieds site's account id); "
            "plan --redact-parties writes a folder without them.")


def pseudonyms(scenario: Scenario) -> dict[str, str]:
    """Each party id's pseudonym: p-0001, p-0002, ... in order of first appearance.

    A function of the scenario alone, so the folder's pseudonyms can be found again from the
    input (to check the folder against it); numbered rather than hashed, since a hash of an
    e-mail address can be reversed by hashing a list of addresses.
    """
    mapping: dict[str, str] = {}
    for request in scenario.requests:
        for party in (request.seller, request.buyer):
            if party not in mapping:
                mapping[party] = f"p-{len(mapping) + 1:04d}"
    return mapping


def pseudonymised(scenario: Scenario) -> Scenario:
    """The scenario with every seller and buyer replaced by its pseudonym."""
    mapping = pseudonyms(scenario)
    data = scenario.model_dump(mode="json")
    for request in data["requests"]:
        request["seller"], request["buyer"] = mapping[request["seller"]], mapping[request["buyer"]]
    return Scenario.model_validate(data)
