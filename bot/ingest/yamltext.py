"""A YAML loader that leaves dates as text.

PyYAML turns ``2021-13-40`` into a bare ``ValueError`` with no line; keeping dates as strings
lets the record schema parse them and report the file and line like any other problem.
"""

from __future__ import annotations

import yaml


class TextDatesLoader(yaml.SafeLoader):
    pass


TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", TextDatesLoader.construct_yaml_str)
