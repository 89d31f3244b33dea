"""`cspm settings`: show, set one value, set tier bands, rename a tier."""

from __future__ import annotations

import argparse
import json

from cspm.core.errors import BadInputError

from . import CommandFactory, opened, out, sub_command


def register(command: CommandFactory) -> None:
    p = command("settings", "Show or change settings (tier bands, lifecycle windows, date order).")
    p.set_defaults(handler=show)
    sub = p.add_subparsers(dest="settings_action", metavar="ACTION")
    s = sub_command(sub, "set", "set date_order, tier_source or lifecycle.<window>")
    s.add_argument("key")
    s.add_argument("value")
    s.set_defaults(handler=set_value)
    s = sub_command(sub, "tiers", "replace the tier bands, e.g. Enterprise=100000 SMB=0")
    s.add_argument("bands", nargs="+", metavar="NAME=MIN_ARR")
    s.set_defaults(handler=tiers)
    s = sub_command(sub, "rename-tier", "rename a tier (segment rules and pins follow)")
    s.add_argument("old")
    s.add_argument("new")
    s.set_defaults(handler=rename)


def _print(settings: object) -> None:
    out(json.dumps(settings.to_dict(), indent=2))  # type: ignore[attr-defined]


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


def rename(args: argparse.Namespace) -> int:
    from cspm.service.settings import rename_tier

    with opened(args) as ctx:
        rename_tier(ctx, args.old, args.new)
    out(f"Renamed tier '{args.old}' to '{args.new}'.")
    return 0
