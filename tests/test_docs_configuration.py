"""Every environment variable the settings read is documented for the people who deploy."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_variable_the_settings_read_is_in_the_operations_guide():
    settings = (ROOT / "operator_site" / "settings.py").read_text()
    read = set(re.findall(r'env_[a-z]+\(\s*"([A-Z0-9_]+)"', settings))
    guide = (ROOT / "docs" / "operations.md").read_text()
    table = guide[guide.index("## All environment variables") :]
    table = table[: table.index("\n## ", 1)]
    documented = set(re.findall(r"`([A-Z0-9_]+)`", table))
    assert len(read) > 30  # the pattern still finds the settings' helpers
    assert sorted(read - documented) == []
