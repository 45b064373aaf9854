"""Without Debian's Chromium the browser tests are skipped with the reason, except in CI, where
they fail: CI must run them (.ci/run installs the package)."""

from pathlib import Path

import pytest

from tests.browser import conftest as browser


def test_without_chromium_browser_tests_skip_locally_and_fail_in_ci(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install"):
        browser.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.require_chromium()


def test_ci_installs_debians_chromium_and_never_downloads_a_browser():
    script = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "apt-get install -y -qq --no-install-recommends chromium" in script
    assert script.index("chromium") < script.index("make test")
    assert "playwright install" not in script
