"""`cspm settings`: show, set one value, set tier bands, rename a tier.

`set` reaches everything the Settings screen edits, one dotted key at a time; `cspm settings
keys` and `cspm settings set --help` list the keys from their declarations (`settings_keys`).
"""

from __future__ import annotations

import argparse
import json

from cspm.core.errors import BadInputError

from . import CommandFactory, opened, out, parse_date, sub_command
from .settings_keys import KEYS_PLACEHOLDER, KeysHelpFormatter, show_keys

RATES_HELP = """\
A rate says what one unit of a currency is worth in the portfolio currency. An import
converts each account's amounts (its Currency / CurrencyIsoCode column) at the latest rate
dated on or before the import's as-of date. Without arguments: the rate table.

examples:
  cspm settings rates EUR=1.08 GBP=1.27 --from 2026-01-01
  cspm settings rates --remove EUR --from 2026-01-01
"""


def register(command: CommandFactory) -> None:
    p = command(
        "settings",
        "Show or change settings (tiers, lifecycle, dates, health score, engagement, capacity).",
    )
    p.set_defaults(handler=show)
    sub = p.add_subparsers(dest="settings_action", metavar="ACTION")
    s = sub_command(
        sub, "set", "set one setting: tiers, lifecycle, health.*, tasks.* (see keys below)"
    )
    s.formatter_class = KeysHelpFormatter
    s.epilog = KEYS_PLACEHOLDER
    s.add_argument("key", help="a dotted setting name, e.g. tasks.engagement.SMB.qbr")
    s.add_argument("value", help="the new value (checked against the key's type and range)")
    s.set_defaults(handler=set_value)
    s = sub_command(sub, "keys", "list every setting: what it takes, its default, what it does")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(handler=show_keys)
    s = sub_command(sub, "tiers", "replace the tier bands, e.g. Enterprise=100000 SMB=0")
    s.add_argument("bands", nargs="+", metavar="NAME=MIN_ARR")
    s.set_defaults(handler=tiers)
    s = sub_command(sub, "rates", "show or change exchange rates to the portfolio currency")
    s.formatter_class = argparse.RawDescriptionHelpFormatter
    s.epilog = RATES_HELP
    s.add_argument("rates", nargs="*", metavar="CODE=RATE")
    s.add_argument(
        "--from",
        dest="effective",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="the date the rates apply from (default: today)",
    )
    s.add_argument("--remove", metavar="CODE", help="remove this currency's rates")
    s.set_defaults(handler=rates)
    s = sub_command(sub, "rename-tier", "rename a tier (segment rules and pins follow)")
    s.add_argument("old")
    s.add_argument("new")
    s.set_defaults(handler=rename)


def _print(settings: object) -> None:
    from cspm.core.declared import to_dict

    out(json.dumps(to_dict(settings), indent=2, ensure_ascii=False))


def show(args: argparse.Namespace) -> int:
    from cspm.service.settings import get_settings, health_config
    from cspm.service.tasks import task_settings

    with opened(args) as ctx:
        doc = {
            **get_settings(ctx).to_dict(),
            "health": health_config(ctx).to_dict(),
            "tasks": task_settings(ctx).to_dict(),
        }
    out(json.dumps(doc, indent=2))
    return 0


def set_value(args: argparse.Namespace) -> int:
    from cspm.service.settings import set_value as service_set

    with opened(args) as ctx:
        _print(service_set(ctx, args.key, args.value))
    return 0


def tiers(args: argparse.Namespace) -> int:
    from cspm.service.settings import set_tier_bands

    bands = []
    for item in args.bands:
        name, sep, value = item.rpartition("=")
        try:
            bands.append((name, float(value.replace(",", "").replace("_", ""))))
        except ValueError:
            raise BadInputError(f"'{item}' is not NAME=MIN_ARR.") from None
        if not sep:
            raise BadInputError(f"'{item}' is not NAME=MIN_ARR.")
    with opened(args) as ctx:
        _print(set_tier_bands(ctx, bands))
    return 0


def rates(args: argparse.Namespace) -> int:
    from cspm.service.currency_settings import parse_rate
    from cspm.service.settings import get_settings, remove_rates, set_rates

    if args.remove and args.rates:
        raise BadInputError("Give rates to set or --remove CODE, not both.")
    parsed = [parse_rate(item) for item in args.rates]
    with opened(args) as ctx:
        if args.remove:
            settings = remove_rates(ctx, args.remove, args.effective)
        elif parsed:
            settings = set_rates(ctx, parsed, args.effective or ctx.today)
        else:
            settings = get_settings(ctx)
    cur = settings.currency
    lines = [f"Portfolio currency {cur.code} ({cur.symbol}); one unit of each is worth:"]
    lines += [f"  {r.currency}  {r.rate:g} {cur.code}  from {r.effective}" for r in cur.rates]
    if not cur.rates:
        lines.append("  (no rates: amounts in other currencies are kept unconverted)")
    out("\n".join(lines))
    return 0


def rename(args: argparse.Namespace) -> int:
    from cspm.service.settings import rename_tier

    with opened(args) as ctx:
        rename_tier(ctx, args.old, args.new)
    out(f"Renamed tier '{args.old}' to '{args.new}'.")
    return 0
