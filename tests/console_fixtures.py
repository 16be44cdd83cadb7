"""Fixtures every console test module shares: the corpus and a console client over it.

Load with `pytest_plugins = ["tests.console_fixtures"]`; a module that needs another client
(other settings, login required) defines its own fixture of another name, or overrides
`client` locally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage.database import Database
from tests.console_corpus import Corpus, build, client_for


@pytest.fixture
def corpus(seeded_db: Database) -> Corpus:
    return build(seeded_db)


@pytest.fixture
def client(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> TestClient:
    return client_for(seeded_db, tmp_path)
