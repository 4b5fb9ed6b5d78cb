"""Every environment variable the settings read is documented in docs/settings.md, so an
operator finds each one there."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def test_every_setting_read_from_the_environment_is_documented():
    names = set(READ.findall((ROOT / "mistralnews" / "settings.py").read_text()))
    documented = (ROOT / "docs" / "settings.md").read_text()

    assert len(names) > 40, "the pattern still finds the settings"
    assert sorted(name for name in names if f"`{name}`" not in documented) == []
