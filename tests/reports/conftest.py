import pytest


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    """Reports are stored in a private folder of the test's own, never the developer's."""
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    return settings.PRIVATE_DOCUMENTS_ROOT
