"""A small related dataset built by hand, with every aggregate worked out on paper.

Seven accounts (one keyed by name only, two sharing a web domain, one whose "website" is a
free-mail domain), subscriptions that overlap and end (one with only MRR, one tied on ARR),
a churn then a reactivation event (Initech), a churn followed by a new subscription (Globex),
usage linked by account ID, subscription ID, a contact's e-mail and the e-mail's domain, tickets
opened and closed across period ends, contacts with roles, and an unlinked row of each kind.
The expected figures live beside the tests that check them (test_aggregates*.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cspm.core.related.frames import RelatedFrames, columns_of, empty_frame
from cspm.core.related.kinds import CHURN_EVENTS, CONTACTS, SUBSCRIPTIONS, TICKETS, USAGE

D1, D2, D3 = date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)
CONTACTS_AS_OF = D3

ACME, GLOBEX, INITECH, UMBRELLA = "A-1", "G-2", "initech", "U-4"


def frame_of(kind: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame of `kind` in the contract's dtypes; row_key defaults to the row's position."""
    empty = empty_frame(kind)
    records = [{"row_key": f"{kind}-{i}", **r} for i, r in enumerate(rows)]
    raw = pd.DataFrame.from_records(records, columns=list(columns_of(kind)))
    out = {}
    for col in columns_of(kind):
        dtype = empty[col].dtype
        values = raw[col]
        if str(dtype).startswith("datetime64"):
            out[col] = pd.to_datetime(values).astype("datetime64[ns]")
        elif dtype == "boolean":
            out[col] = values.astype("boolean")
        elif dtype == "float64":
            out[col] = pd.to_numeric(values).astype("float64")
        else:
            out[col] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(out)


def accounts() -> pd.DataFrame:
    """The accounts (key as core.plan.account_key makes it)."""
    rows = [
        ("A-1", "A-1", "Acme Corp", "https://www.Acme.com/about"),
        ("G-2", "G-2", "Globex", "globex.io"),
        ("initech", None, "Initech", "initech.com"),
        ("U-4", "U-4", "Umbrella", "http://umbrella.com"),
        ("H-5", "H-5", "Hooli", "hooli.com"),
        ("H-6", "H-6", "Hooli Europe", "www.hooli.com/eu"),
        ("F-7", "F-7", "Freemail Co", "gmail.com"),
    ]
    return pd.DataFrame(rows, columns=["key", "external_id", "name", "website"], dtype=object)


def _d(text: str | None) -> pd.Timestamp | None:
    return None if text is None else pd.Timestamp(text)


def subscriptions() -> pd.DataFrame:
    def sub(sid, aid, name, start, end, mrr, arr, seats, plan):  # type: ignore[no-untyped-def]
        return {
            "subscription_id": sid,
            "account_id": aid,
            "account_name": name,
            "start_date": _d(start),
            "end_date": _d(end),
            "mrr": mrr,
            "arr": arr,
            "seats": seats,
            "plan": plan,
        }

    return frame_of(
        SUBSCRIPTIONS,
        [
            sub("S1", "A-1", None, "2024-01-15", "2025-01-15", None, 12000.0, 10.0, "Pro"),
            sub("S2", " a-1 ", None, "2024-06-01", None, 500.0, None, 5.0, "Basic"),
            sub("S3", "A-1", None, "2024-09-01", "2024-12-01", None, 12000.0, 3.0, "Business"),
            sub("S4", None, "  GLOBEX ", "2024-02-01", "2024-09-30", None, 24000.0, None, "Team"),
            sub("S5", "G-2", None, "2024-11-01", None, None, 18000.0, None, "Team"),
            sub("S6", "INITECH", None, "2024-03-01", "2024-06-15", 500.0, 6000.0, 2.0, "Starter"),
            # names no account: never falls through to the name, stays unlinked
            sub("S7", "X-99", "Acme Corp", "2024-01-01", None, None, 99999.0, 1.0, "Ghost"),
        ],
    )


def churn_events() -> pd.DataFrame:
    def ev(aid, name, day, react):  # type: ignore[no-untyped-def]
        return {
            "account_id": aid,
            "account_name": name,
            "churn_date": _d(day),
            "is_reactivation": react,
        }

    return frame_of(
        CHURN_EVENTS,
        [
            ev(None, "Globex", "2024-09-30", False),
            ev("initech", None, "2024-06-15", False),
            ev("initech", None, "2024-08-20", True),
            ev("GONE-1", None, "2024-05-01", False),
        ],
    )


def usage() -> pd.DataFrame:
    def use(day, count, user, sub=None, aid=None):  # type: ignore[no-untyped-def]
        return {
            "subscription_id": sub,
            "account_id": aid,
            "user_email": user,
            "usage_date": _d(day),
            "count": count,
        }

    return frame_of(
        USAGE,
        [
            # Acme through its subscription S1
            use("2024-05-10", 4.0, "a@acme.com", sub="S1"),
            use("2024-05-31", 2.0, "b@acme.com", sub="S1"),
            use("2024-06-01", 3.0, "a@acme.com", sub="S1"),
            use("2024-06-30", None, "b@acme.com", sub="S1"),  # count missing = 1
            use("2024-06-30", 5.0, "A@Acme.com", sub="S1"),  # the same user as a@acme.com
            use("2024-08-31", 5.0, "c@acme.com", sub="S1"),
            use("2024-09-15", 10.0, "a@acme.com", sub="S1"),
            use("2024-12-01", 8.0, "a@acme.com", sub="S1"),
            # account ID beats the (Globex) subscription ID
            use("2024-12-15", 1.0, "x@acme.com", sub="S4", aid="A-1"),
            # Globex by account ID
            use("2024-09-20", 7.0, "carol@globex.io", aid="G-2"),
            # Initech through its contact's e-mail (a domain no account has)
            use("2024-06-20", 2.0, "Dave@Initech-Mail.com"),
            # Umbrella through the e-mail's domain
            use("2024-09-10", 1.0, "bob@umbrella.com"),
            use("2024-09-10", 1.0, "bob@umbrella.com"),
            # unlinked: free mail, a domain two accounts share, an unknown subscription
            use("2024-06-10", 1.0, "eve@gmail.com"),
            use("2024-06-10", 1.0, "zed@hooli.com"),
            use("2024-06-10", 1.0, None, sub="S-404"),
        ],
    )


def tickets() -> pd.DataFrame:
    def tk(tid, aid, opened, closed, esc, sat, status=None, user=None):  # type: ignore[no-untyped-def]
        return {
            "ticket_id": tid,
            "account_id": aid,
            "user_email": user,
            "opened_at": _d(opened),
            "closed_at": _d(closed),
            "escalated": esc,
            "satisfaction": sat,
            "status": status,
        }

    return frame_of(
        TICKETS,
        [
            tk("T1", "A-1", "2024-06-10", "2024-07-05", True, 4.0),
            tk("T2", "A-1", "2024-04-01", "2024-06-30", False, 5.0),
            tk("T3", "A-1", "2024-09-30", None, False, None, status="Open"),
            tk("T4", "A-1", "2024-08-15", None, None, 2.0, status="Solved"),
            tk("T5", "A-1", "2024-03-01", "2024-10-15", True, 1.0),
            tk("T6", None, "2024-12-20", None, None, None, user="dave@initech-mail.com"),
            tk("T7", "NOPE", "2024-06-01", None, True, None),
        ],
    )


def contacts() -> pd.DataFrame:
    def ct(mail, aid, name, role, last):  # type: ignore[no-untyped-def]
        return {
            "email": mail,
            "account_id": aid,
            "account_name": name,
            "role": role,
            "last_login": _d(last),
        }

    return frame_of(
        CONTACTS,
        [
            ct("a@acme.com", "A-1", None, "VP of Customer Success", "2024-12-25"),
            ct("b@acme.com", "A-1", None, "Engineer", "2024-12-30"),
            ct("c@acme.com", None, None, "Account Owner", "2024-11-15"),  # by domain
            ct("carol@globex.io", "G-2", None, "Chief Executive Officer", "2024-12-31"),
            ct("dave@initech-mail.com", None, "initech", "Directory Manager", "2024-12-10"),
            ct("eve@gmail.com", None, None, "CEO", "2024-12-01"),  # free mail: unlinked
            ct("zed@hooli.com", None, None, "Admin", "2024-12-01"),  # shared domain: unlinked
        ],
    )


def frames() -> RelatedFrames:
    return RelatedFrames(
        subscriptions=subscriptions(),
        usage=usage(),
        tickets=tickets(),
        contacts=contacts(),
        churn_events=churn_events(),
    )
