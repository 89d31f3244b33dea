"""The key reference of `cspm settings keys` and `cspm settings set -h`, built from the
declarations (`cspm.core.setting_keys`), so the list never drifts from what `set` accepts.

Built when asked for, not when the command line is parsed: the declarations import the health
and task modules, which every other command would otherwise pay for at start-up.
"""

from __future__ import annotations

import argparse
import json
import textwrap

KEYS_PLACEHOLDER = "\x00settings-keys\x00"
"""The `set` parser's epilog until help is printed (see `KeysHelpFormatter`)."""

EXAMPLES = """\
examples:
  cspm settings set lifecycle.renewal_days 120
  cspm settings set tasks.engagement.SMB.check_in 30
  cspm settings set tasks.capacity.max_accounts.tech-touch unlimited
  cspm settings set health.tier.SMB.interaction 0
  cspm settings set currency.code EUR
  cspm settings rates USD=0.92 GBP=1.17 --from 2026-01-01
"""

KEY_WIDTH = 34
WIDTH = 100


def _entry(key: str, first: str, rest: str) -> list[str]:
    indent = " " * (KEY_WIDTH + 2)
    head = f"  {key:<{KEY_WIDTH}}" if len(key) < KEY_WIDTH else f"  {key}\n{indent}"
    lines = textwrap.wrap(first, WIDTH - KEY_WIDTH - 2) or [""]
    text = [head + lines[0], *(indent + line for line in lines[1:])]
    text += textwrap.wrap(rest, WIDTH, initial_indent=indent, subsequent_indent=indent)
    return text


def key_listing() -> str:
    """Every key with what it takes, its default and its help; team keys, then tables, then
    personal keys."""
    from cspm.core.setting_keys import DECLARED, PATTERNS

    lines = ["keys (team settings, stored in the database):"]
    for d in DECLARED.values():
        if d.scope == "team":
            lines += _entry(d.key, d.describe(), d.spec.help)
    lines.append("keys over tables:")
    for p in PATTERNS:
        lines += _entry(p.key, p.allowed, p.help)
    lines.append("personal keys (your own settings file, not the team database):")
    for d in DECLARED.values():
        if d.scope == "personal":
            lines += _entry(d.key, d.describe(), d.spec.help)
    lines.append("tier bands: cspm settings tiers; exchange rates: cspm settings rates.")
    return "\n".join(lines) + "\n"


def key_records() -> list[dict[str, object]]:
    """The declared keys as JSON-safe records (for --format json)."""
    from cspm.core.declared import to_dict
    from cspm.core.setting_keys import DECLARED

    return [
        {
            "key": d.key,
            "scope": d.scope,
            "allowed": d.allowed(),
            "min": d.spec.min,
            "max": d.spec.max,
            "choices": list(d.choices),
            "default": to_dict(d.default),
            "label": d.spec.label,
            "help": d.spec.help,
        }
        for d in DECLARED.values()
    ]


class KeysHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Fills the key reference in when `cspm settings set -h` prints its help."""

    def add_text(self, text: str | None) -> None:
        if text == KEYS_PLACEHOLDER:
            text = key_listing() + "\n" + EXAMPLES
        super().add_text(text)


def show_keys(args: argparse.Namespace) -> int:
    from . import out

    if getattr(args, "format", "text") == "json":
        out(json.dumps(key_records(), indent=2, ensure_ascii=False))
    else:
        out(key_listing())
    return 0
