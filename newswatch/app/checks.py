"""``newswatch check``: everything that can be validated without fetching anything."""

from __future__ import annotations

from ..config import ConfigError, Problem, query_problem, rule_key_line
from ..rules import RuleSyntaxError, check_query
from .delivery import channels_for
from .loading import ConfigLike, as_config


def check(config: ConfigLike = None, *, warnings: bool = False) -> list[Problem]:
    """Every problem of a configuration: its files, rules and notification settings.

    Nothing is fetched. Each problem names the file, line and key (and, for
    a rule's query, the column) and says what would be valid; an empty list
    means all is well. With ``warnings``, the list also holds the likely
    typos in rule queries (``Problem.warning`` is true; see "Warnings" in
    docs/rules.md). (A configuration that does not load returns the
    loader's problems.)
    """
    try:
        config = as_config(config)
    except ConfigError as exc:
        return list(exc.problems)
    problems: list[Problem] = []
    for rule in config.rules:  # names are unique: the loader checked
        result, found = check_query(rule.query, rule.name, config.aliases)
        if isinstance(result, RuleSyntaxError):
            problems.append(query_problem(rule, result.message, result.column))
        if warnings:
            problems += [query_problem(rule, w.message, w.column, warning=True) for w in found]

    try:
        channels = channels_for(config)
    except Exception as exc:  # an unreadable Apprise config file
        problems.append(Problem(config.notify.file or str(config.path), config.notify.apprise_config_line,
                                "notify", str(exc)))
        return problems
    for msg in channels.validate():
        problems.append(Problem(config.notify.file or str(config.path), config.notify.urls_line
                                or config.notify.apprise_config_line, "notify.urls", msg))
    tags = channels.tags()
    # A tag written under [notify] urls whose URLs Apprise refused is already reported
    # above, once; each rule naming it would only repeat that as "no URL carries it".
    refused = {t.lower() for t, urls in (config.notify.urls or {}).items() if urls} - tags
    for r in config.rules:
        for tag in r.notify:
            if tag.lower() not in tags and tag.lower() not in refused:  # Apprise lower-cases tags
                valid = ", ".join(sorted(tags)) or "none: add [notify] urls or apprise_config"
                problems.append(Problem(r.file, rule_key_line(r, "notify"), f"rules.{r.name}.notify",
                                        f"no Apprise URL carries the tag {tag!r}; tags defined: {valid}"))
    spikes = config.spikes
    for topic, settings in ([("", spikes.default), *spikes.topics.items()] if spikes else []):
        if topic and spikes and settings.notify == spikes.default.notify:
            continue  # inherited: reported once, for [spikes]
        for tag in settings.notify:
            if tag.lower() not in tags and tag.lower() not in refused:
                valid = ", ".join(sorted(tags)) or "none: add [notify] urls or apprise_config"
                where = f"spikes.topics.{topic}" if topic else "spikes"
                problems.append(Problem(str(config.path), spikes.line if spikes else None, f"{where}.notify",
                                        f"no Apprise URL carries the tag {tag!r}; tags defined: {valid}"))
    for f in config.follows:
        for tag in f.notify:
            if tag.lower() not in tags and tag.lower() not in refused:
                valid = ", ".join(sorted(tags)) or "none: add [notify] urls or apprise_config"
                problems.append(Problem(f.file, f.line, f"follows.{f.name}.notify",
                                        f"no Apprise URL carries the tag {tag!r}; tags defined: {valid}"))
    return problems

