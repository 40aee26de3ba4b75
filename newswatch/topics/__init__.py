"""Shipped topic packs: TOML files of [aliases], [[rules]] and [[sources]] (see central-america.toml)."""
