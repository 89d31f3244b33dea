"""Web and e-mail domains, for linking a related row to an account by its e-mail address.

A contact "jane@acme.com" belongs to the account whose website is "https://www.Acme.com/about"
when no ID or name says otherwise. Free-mail providers (gmail.com, outlook.com...) are shared by
millions of unrelated people, so their domains never link anything.
"""

from __future__ import annotations

import pandas as pd

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "rocketmail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "btinternet.com",
        "comcast.net",
        "verizon.net",
        "att.net",
    }
)
"""Free-mail domains; country variants of the big providers are caught by FREE_MAIL_NAMES."""

FREE_MAIL_NAMES: frozenset[str] = frozenset(
    {"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "aol", "gmx", "yandex"}
)
"""First labels of providers with a domain per country (yahoo.co.uk, hotmail.fr, live.de...)."""


def is_free_mail(domain: str) -> bool:
    """True for a free-mail provider's domain (never linked by domain)."""
    return domain in FREE_MAIL_DOMAINS or domain.split(".", 1)[0] in FREE_MAIL_NAMES


def _free_mask(domains: pd.Series) -> pd.Series:
    first = domains.str.split(".", n=1).str[0]
    return domains.isin(FREE_MAIL_DOMAINS) | first.isin(FREE_MAIL_NAMES)


def website_domains(websites: pd.Series) -> pd.Series:
    """The bare domain of each website ("https://www.Acme.com/about" -> "acme.com"); None when
    there is none or it is a free-mail provider's."""
    text = websites.astype(object).where(websites.notna(), "").astype(str).str.strip().str.lower()
    text = text.str.replace(r"^[a-z][a-z0-9+.-]*://", "", regex=True)  # scheme
    text = text.str.replace(r"^[^/@]*@", "", regex=True)  # user:pass@
    text = text.str.split(r"[/?#:\s]", n=1, regex=True).str[0]  # path, query, port
    text = text.str.replace(r"^www\d?\.", "", regex=True).str.strip(".")
    ok = text.str.contains(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$", regex=True) & ~_free_mask(text)
    return text.astype(object).where(ok, None)


def email_domains(emails: pd.Series) -> pd.Series:
    """The domain of each e-mail address ("Jane@Acme.COM" -> "acme.com"); None when the value is
    not an address or is a free-mail provider's."""
    text = emails.astype(object).where(emails.notna(), "").astype(str).str.strip().str.lower()
    has_at = text.str.contains("@", regex=False)
    domain = text.str.rsplit("@", n=1).str[-1].str.strip().str.strip(".")
    ok = (
        has_at
        & domain.str.contains(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$", regex=True)
        & ~_free_mask(domain)
    )
    return domain.astype(object).where(ok, None)
