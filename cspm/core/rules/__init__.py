"""The rule language for dynamic segments: parse, validate, evaluate (vectorised), explain.

A segment is a JSON rule (`{"all": [{"field": "health_score", "op": "<", "value": 50}, ...]}`)
validated against the field catalogue when saved or loaded, then evaluated over the whole
portfolio at once. See `language` for the grammar and `evaluate` for the semantics.
"""

from cspm.core.rules.builtin import BUILTIN_SEGMENTS, builtin_rules
from cspm.core.rules.catalog import (
    COMPUTED_FIELDS,
    DERIVED_FIELDS,
    add_derived,
    build_catalog,
)
from cspm.core.rules.engine import EvalContext, evaluate, evaluate_many
from cspm.core.rules.explanation import describe, explain
from cspm.core.rules.language import (
    fields_used,
    parse_rule,
    rename_tier,
    rule_to_json,
    rule_to_text,
)
from cspm.core.rules.nodes import (
    AllOf,
    AnyOf,
    Condition,
    ContactCount,
    HistoryCondition,
    Not,
    Rule,
)

__all__ = [
    "BUILTIN_SEGMENTS",
    "COMPUTED_FIELDS",
    "DERIVED_FIELDS",
    "AllOf",
    "AnyOf",
    "Condition",
    "ContactCount",
    "EvalContext",
    "HistoryCondition",
    "Not",
    "Rule",
    "add_derived",
    "build_catalog",
    "builtin_rules",
    "describe",
    "evaluate",
    "evaluate_many",
    "explain",
    "fields_used",
    "parse_rule",
    "rename_tier",
    "rule_to_json",
    "rule_to_text",
]

from cspm.core.rules.explain_all import explain_all

__all__ += ["explain_all"]
