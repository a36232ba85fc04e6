"""Read ``records/*.yaml`` and validate every record, reporting problems by file and line."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from bot.ingest.problems import Problem
from bot.ingest.readable import Readable
from bot.ingest.yamltext import TextDatesLoader
from bot.languages import SUPPORTED
from bot.records import LOCALIZED_FIELDS, ProjectRecord, missing_languages

RECORD_SUFFIXES = (".yaml", ".yml")


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The 1-based line of a pydantic error location: its key's line, or the closest ancestor's."""
    line = node.start_mark.line
    for part in loc:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line
        elif isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line, pair[1]
        else:
            break
    return line + 1


def _untranslated(root: yaml.Node, index: int, item: object, rel: str) -> list[Problem]:
    """A warning per localized field that lacks some reply language: its readers get the text
    of another (``FALLBACK_ORDER``), and the record is ingested all the same."""
    if not isinstance(item, dict):
        return []
    found = []
    for field in LOCALIZED_FIELDS:
        value = item.get(field)
        missing = missing_languages(value)
        if value and missing and len(missing) < len(SUPPORTED):
            line = _line_of(root, (index, field))
            message = f"{field}: no {', '.join(missing)} text; its readers get another's"
            found.append(Problem(rel, line, message, warning=True))
    return found


def read_records(
    path: Readable, rel: str
) -> tuple[list[tuple[ProjectRecord, int]], list[Problem]]:
    """Validated records with their line numbers, and every problem found in the file."""
    try:
        loader = TextDatesLoader(path.read_text(encoding="utf-8-sig"))
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return [], [Problem(rel, mark.line + 1 if mark else None, f"invalid YAML: {problem}")]
    except UnicodeDecodeError:
        return [], [Problem(rel, None, "not UTF-8 text")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(rel, 1, "a records file must be a YAML list of records")]
    records: list[tuple[ProjectRecord, int]] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        line = _line_of(root, (index,))
        problems += _untranslated(root, index, item, rel)
        try:
            records.append((ProjectRecord.model_validate(item), line))
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                field = ".".join(str(p) for p in loc) or "record"
                message = error["msg"].removeprefix("Value error, ")
                problems.append(Problem(rel, _line_of(root, (index, *loc)), f"{field}: {message}"))
    return records, problems


def check_references(
    records: list[tuple[ProjectRecord, int, str]], article_files: set[str]
) -> list[Problem]:
    """Across all files: unique ids, existing programme/partner ids and source articles."""
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for record, line, rel in records:
        if record.id in kinds:
            problems.append(Problem(rel, line, f"id: duplicate record id {record.id!r}"))
        kinds[record.id] = record.kind
    for record, line, rel in records:
        if record.programme and kinds.get(record.programme) != "programme":
            problems.append(Problem(rel, line, f"programme: no programme {record.programme!r}"))
        for partner in record.partners:
            if kinds.get(partner) != "partner":
                problems.append(Problem(rel, line, f"partners: no partner {partner!r}"))
        for source in record.source:
            if source not in article_files:
                problems.append(Problem(rel, line, f"source: no article file {source!r}"))
    return problems
