"""`derive_state` (fields grouped by the imports that carry them) gives exactly what the
per-field implementation it replaced gave, on a generated history shaped like real ones:
accounts appearing mid-history, churns and re-activations, blanks, imports that carry only
some fields, two imports on one date, and custom fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cspm.core.state import derive_state

FIELDS = ["arr", "status", "churn_date", "owner", "is_reference", "mau"]


def old_derive_state(
    snapshots: pd.DataFrame,
    carried_by_import: Mapping[int, Sequence[str]],
    fields: Sequence[str],
) -> pd.DataFrame:
    """The implementation before the carrier-set grouping, kept as the reference."""
    if snapshots.empty:
        return pd.DataFrame(columns=[*fields, "custom"]).rename_axis("account_id")
    ordered = snapshots.sort_values(["as_of", "import_id"], kind="stable")
    accounts = pd.Index(ordered["account_id"].unique(), name="account_id")
    out = pd.DataFrame(index=accounts)
    import_ids = ordered["import_id"].to_numpy()
    for f in fields:
        carriers = [i for i, carried in carried_by_import.items() if f in carried]
        rows = ordered.loc[pd.Series(import_ids).isin(carriers).to_numpy()]
        last = rows.drop_duplicates("account_id", keep="last").set_index("account_id")[f]
        out[f] = last.reindex(accounts)
        if f in snapshots.columns and out[f].dtype != snapshots[f].dtype:
            out[f] = out[f].astype(snapshots[f].dtype)
    merged: dict[object, dict[str, object]] = {}
    custom = {
        i: [c[len("custom:") :] for c in carried if c.startswith("custom:")]
        for i, carried in carried_by_import.items()
    }
    for acc, imp, values in zip(
        ordered["account_id"], ordered["import_id"], ordered["custom"], strict=True
    ):
        names = custom.get(int(imp), [])
        if not names:
            continue
        target = merged.setdefault(acc, {})
        for name in names:
            target[name] = (values or {}).get(name)
    out["custom"] = pd.Series({k: (v or None) for k, v in merged.items()}, dtype=object).reindex(
        accounts
    )
    return out


def generated_history(seed: int) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    rng = np.random.default_rng(seed)
    n_accounts, dates = 300, pd.date_range("2026-01-31", periods=8, freq="ME")
    full = [*FIELDS, "custom:plan", "custom:region"]
    carried: dict[int, list[str]] = {}
    rows = []
    import_id = 0
    for d_index, as_of in enumerate(dates):
        kinds = [full, ["arr", "mau", "custom:plan"]] if d_index % 3 == 1 else [full]
        for carry in kinds:  # a usage-only file on the same date as a full one
            import_id += 1
            carried[import_id] = carry
            first = rng.integers(0, 8, n_accounts)  # accounts appear mid-history
            for acc in np.flatnonzero(first <= d_index):
                churned = rng.random() < 0.1  # churns come and go (re-activations)
                rows.append(
                    {
                        "account_id": int(acc) + 1,
                        "import_id": import_id,
                        "as_of": as_of,
                        "arr": np.nan if rng.random() < 0.1 else float(rng.integers(0, 9) * 1000),
                        "status": "Churned" if churned else "Active",
                        "churn_date": as_of if churned else pd.NaT,
                        "owner": None if rng.random() < 0.2 else f"csm{rng.integers(0, 4)}",
                        "is_reference": None if rng.random() < 0.3 else bool(rng.random() < 0.5),
                        "mau": float(rng.integers(0, 100)),
                        "custom": None if rng.random() < 0.2 else {"plan": str(rng.integers(3))},
                    }
                )
    frame = pd.DataFrame(rows)
    frame["is_reference"] = frame["is_reference"].astype("boolean")
    frame["churn_date"] = frame["churn_date"].astype("datetime64[ns]")
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True), carried


def test_grouped_derivation_equals_the_per_field_one_at_every_date() -> None:
    for seed in range(3):
        history, carried = generated_history(seed)
        for as_of in sorted(history["as_of"].unique()):
            upto = history[history["as_of"] <= as_of]
            new = derive_state(upto, carried, FIELDS)
            old = old_derive_state(upto, carried, FIELDS)
            pd.testing.assert_frame_equal(new, old)
        assert derive_state(history, carried, FIELDS)["custom"].notna().any()
