"""Load and validate newswatch.toml (and its included topic files) into typed objects.

Config flows one way: defaults in :mod:`.model` -> newswatch.toml ->
``NEWSWATCH_*`` environment -> command-line flags. ``${VAR}`` is read from the
environment, so secrets stay out of files, but only where a person writes it:
the values of [notify] (notification URLs, file paths) and [crawl] user_agent.
Sources, rules and aliases are never expanded (they may come from an OPML
file or a web page through ``newswatch sources import/add``, and a source URL
is sent to that site and stored in the database): ``${NAME}`` in a source URL
is an error.

Errors: :class:`ConfigError` carries every :class:`Problem` found, each naming
the file, line and key and saying what would be valid.

The package: :mod:`.model` (the types and errors), :mod:`.files` (TOML with
line numbers, ``${VAR}``), :mod:`.loader` (``load``, includes, checks across
files), :mod:`.settings` ([crawl], [notify]), :mod:`.source_tables`
([[sources]]), :mod:`.rule_tables` ([[rules]]), :mod:`.follow_table` ([[follows]]). Of newswatch it imports
only :mod:`newswatch.schedule` and :mod:`newswatch.formats.search` (which
loads no parser), so any part of newswatch may import it.
"""

from __future__ import annotations

from .loader import default_config_path, load
from .model import (
    DEFAULT_USER_AGENT,
    FOLLOW_REASONS,
    NAME_RE,
    RULE_MODES,
    SEARCH_PROVIDERS,
    SELECTOR_KEYS,
    SOURCE_KINDS,
    ClusterConfig,
    Config,
    ConfigError,
    CrawlConfig,
    DiscoveryConfig,
    FollowConfig,
    NotifyConfig,
    Problem,
    RuleConfig,
    Source,
    SpikesConfig,
    SpikeSettings,
    outlet_name,
    outlet_titles,
    parse_interval,
)
from .rule_tables import query_problem, rule_key_line
from .source_tables import selector_error

__all__ = [
    "outlet_name",
    "outlet_titles",
    "ClusterConfig",
    "DiscoveryConfig",
    "SpikesConfig",
    "SpikeSettings",
    "DEFAULT_USER_AGENT",
    "FOLLOW_REASONS",
    "FollowConfig",
    "NAME_RE",
    "RULE_MODES",
    "SEARCH_PROVIDERS",
    "SELECTOR_KEYS",
    "SOURCE_KINDS",
    "Config",
    "ConfigError",
    "CrawlConfig",
    "NotifyConfig",
    "Problem",
    "RuleConfig",
    "Source",
    "default_config_path",
    "load",
    "parse_interval",
    "query_problem",
    "rule_key_line",
    "selector_error",
]
