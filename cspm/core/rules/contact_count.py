"""Contact-level segment rules: a condition on an account's contacts, counted per account.

    {"over": "contacts", "where": {"all": [{"field": "is_exec", "op": "=", "value": true},
                                           {"field": "last_login", "op": "older_than_days",
                                            "value": 15}]},
     "at_least": 1}

reads "at least 1 contact with (admin or executive and last login older than 15 days)"; with
`"at_least_pct": 30` instead, "at least 30% of its contacts ...". `where` is an ordinary rule
over the contact fields (role, e-mail, e-mail domain, admin or executive, last login, days
since login; no history operators: contacts have no snapshots), and may be left out (every
contact). The node can stand alone as a segment's rule or sit in a group beside account
conditions ("Enterprise and at least 1 inactive admin").

Evaluation is vectorised: the `where` mask over every contact at once, then one `bincount`
per account position. Contacts that link to no account of the frame are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.fields import FieldType
from cspm.core.related.contact_table import CONTACT_FIELD_LABELS, CONTACT_RULE_FIELDS

from .nodes import HISTORY_OPS, AllOf, AnyOf, ContactCount, Not, Rule

NODE_KEYS = ("over", "where", "at_least", "at_least_pct")
OVER_CONTACTS = "contacts"

ParseFn = Callable[[object, Mapping[str, FieldType], str], Rule]


def _fail(message: str, path: str) -> BadInputError:
    return BadInputError(message + (f" (at {path})" if path else ""))


def parse_contact_count(node: dict[str, Any], parse: ParseFn, path: str) -> ContactCount:
    """The node from its JSON; `parse` is the language's own parser (for `where`)."""
    for key in node:
        if key not in NODE_KEYS:
            raise _fail(
                f"unknown key '{key}' in a contacts condition (it has over, where, and "
                "at_least or at_least_pct)",
                path,
            )
    if node.get("over") != OVER_CONTACTS:
        raise _fail(f"'over' can only be \"contacts\", not {json.dumps(node.get('over'))}", path)
    where_path = f"{path}.where" if path else "where"
    where: Rule = AllOf(())
    if node.get("where") is not None:
        where = parse(node["where"], CONTACT_RULE_FIELDS, where_path)
        if _has_history_or_nested(where):
            raise _fail(
                "a contacts condition cannot use history operators or another contacts "
                "condition (contacts have no snapshots)",
                where_path,
            )
    count, pct = node.get("at_least"), node.get("at_least_pct")
    if (count is None) == (pct is None):
        raise _fail(
            "a contacts condition needs exactly one of 'at_least' (a number of contacts) or "
            "'at_least_pct' (a percent of the account's contacts)",
            path,
        )
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int | float) or count < 1:
            raise _fail(f"'at_least' needs a whole number of contacts >= 1, not {count!r}", path)
        if float(count) != int(count):
            raise _fail(f"'at_least' needs a whole number of contacts, not {count}", path)
        return ContactCount(where, at_least=int(count))
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 < pct <= 100:
        raise _fail(f"'at_least_pct' needs a percent above 0 and up to 100, not {pct!r}", path)
    return ContactCount(where, at_least_pct=int(pct) if float(pct).is_integer() else float(pct))


def _has_history_or_nested(rule: Rule) -> bool:
    if isinstance(rule, AllOf | AnyOf):
        return any(_has_history_or_nested(r) for r in rule.rules)
    if isinstance(rule, Not):
        return _has_history_or_nested(rule.rule)
    if isinstance(rule, ContactCount):
        return True
    return rule.op in HISTORY_OPS


def contact_count_json(node: ContactCount, to_json: Callable[[Rule], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"over": OVER_CONTACTS}
    if not (isinstance(node.where, AllOf) and not node.where.rules):
        out["where"] = to_json(node.where)
    if node.at_least is not None:
        out["at_least"] = node.at_least
    else:
        out["at_least_pct"] = node.at_least_pct
    return out


def contact_label(name: str) -> str:
    return CONTACT_FIELD_LABELS.get(name, name).lower()


def threshold_text(node: ContactCount) -> str:
    if node.at_least is not None:
        return f"at least {node.at_least} contact{'s' if node.at_least != 1 else ''}"
    return f"at least {node.at_least_pct:g}% of its contacts"


def describe_contact_count(node: ContactCount, describe_where: Callable[[Rule], str]) -> str:
    """ "at least 1 contact with (role contains admin and last login older than 15 days)"."""
    if isinstance(node.where, AllOf) and not node.where.rules:
        return threshold_text(node).replace(" of its contacts", " of contacts")
    where = describe_where(node.where)
    return f"{threshold_text(node)} with {where}"


def account_positions(contacts: pd.DataFrame, index: pd.Index) -> np.ndarray:
    """Each contact's row in the account frame (-1: links to no account of it)."""
    keys = contacts["account_key"].astype(object).where(contacts["account_key"].notna(), None)
    return np.asarray(index.get_indexer(keys.to_numpy(dtype=object)), dtype=np.int64)


def count_mask(
    node: ContactCount, hit: np.ndarray, positions: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member mask, matching contacts, all contacts) per account of a frame of `n` rows.

    hit: the `where` mask over the contacts; positions: `account_positions`."""
    linked = positions >= 0
    matched = np.bincount(positions[linked & hit], minlength=n)[:n]
    total = np.bincount(positions[linked], minlength=n)[:n]
    if node.at_least is not None:
        return matched >= node.at_least, matched, total
    pct = float(node.at_least_pct or 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        member = (total > 0) & (matched * 100.0 >= pct * total)
    return member, matched, total


def explain_line(
    node: ContactCount, matched: int, total: int, emails: list[str], describe_where: str
) -> str:
    """One account's reason: "2 of 4 contacts (50%) match role contains admin (needs at least
    1 contact): ada@x, cy@x"."""
    share = f" ({matched * 100 / total:.0f}%)" if total else ""
    where = describe_where
    if where.startswith("(") and where.endswith(")"):
        where = where[1:-1]
    what = f" match {where}" if where else ""
    shown = ", ".join(emails[:3]) + (f" and {len(emails) - 3} more" if len(emails) > 3 else "")
    listed = f": {shown}" if shown else ""
    return f"{matched} of {total} contacts{share}{what} (needs {threshold_text(node)}){listed}"


def uses_contacts(node: object) -> bool:
    """Whether rule JSON has a contacts condition anywhere (so the contacts must be read)."""
    if isinstance(node, dict):
        return "over" in node or any(uses_contacts(v) for v in node.values())
    if isinstance(node, list):
        return any(uses_contacts(v) for v in node)
    return False
