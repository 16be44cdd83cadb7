"""Tests run on a real PostgreSQL server.

Chosen in this order: CHORUS_TEST_SERVER=embedded (the pgserver PostgreSQL 16 that `make demo`
runs, in a throw-away data directory); CHORUS_TEST_DATABASE_URL; the server on 127.0.0.1:5432
if it answers; else the embedded pgserver. The session migrates one template database; each
test gets a fresh copy of it (CREATE DATABASE ... TEMPLATE) and it is dropped afterwards.

Every test that uses a database is marked `database`, so that `make test` runs them a second
time on the other server (`pytest -m database` with CHORUS_TEST_SERVER=embedded): users get
PostgreSQL 15 from their distribution and 16 from the demo, and the two plan queries differently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import conninfo, sql

from storage.database import Database
from storage.migrate import migrate

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/chorus-runtime-{os.getuid()}")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
Path(os.environ["XDG_RUNTIME_DIR"]).chmod(0o700)

LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def _embedded_admin_url() -> str:
    import tempfile

    from storage.embedded import embedded_url

    pgdata = Path(tempfile.mkdtemp(prefix="chorus-test-pg-")) / "pgdata"
    url = embedded_url(pgdata)
    return conninfo.make_conninfo(url, dbname="postgres")


def _admin_url() -> str:
    if os.environ.get("CHORUS_TEST_SERVER") == "embedded":
        return _embedded_admin_url()
    explicit = os.environ.get("CHORUS_TEST_DATABASE_URL")
    if explicit:
        return explicit
    if _answers(LOCAL_URL):
        return LOCAL_URL
    from storage.embedded import embedded_url

    return embedded_url()


def _with_db(url: str, name: str) -> str:
    return conninfo.make_conninfo(url, dbname=name)


def create_database(admin_url: str, name: str, template: str | None = None) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template))
        conn.execute(query)
    return _with_db(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


DATABASE_FIXTURES = frozenset({"admin_url", "database_url", "db", "seeded_db"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)


@pytest.fixture(scope="session")
def admin_url() -> Iterator[str]:
    url = _admin_url()
    yield url
    if os.environ.get("CHORUS_TEST_SERVER") == "embedded":
        from storage.embedded import stop_embedded

        stop_embedded()


@pytest.fixture(scope="session")
def database_url(admin_url: str) -> Iterator[str]:
    """A migrated template database for this test session."""
    name = f"chorus_tmpl_{uuid.uuid4().hex[:10]}"
    url = create_database(admin_url, name)
    db = Database(url)
    migrate(db)
    db.close()
    yield url
    drop_database(admin_url, name)


@pytest.fixture
def db(admin_url: str, database_url: str) -> Iterator[Database]:
    """A fresh, migrated database for one test."""
    template = conninfo.conninfo_to_dict(database_url)["dbname"]
    name = f"chorus_t_{uuid.uuid4().hex[:12]}"
    url = create_database(admin_url, name, template=str(template))
    database = Database(url, max_size=4)
    try:
        yield database
    finally:
        database.close()
        drop_database(admin_url, name)


@pytest.fixture
def seeded_db(db: Database) -> Database:
    """A fresh database with the seed catalogue loaded."""
    from monitor.seeding import sync_seeds

    sync_seeds(db)
    return db


@pytest.fixture(scope="session", autouse=True)
def _models_in_session_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The default classifier model (multilingual-e5-small, built on first use into the user
    data dir's models/) and exported ONNX files go to this session's temp dir: built at
    most once per session, never into the user's own folders."""
    base = tmp_path_factory.getbasetemp()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
        patch.setenv("CHORUS_CACHE_DIR", str(base / "cache"))
        yield


@pytest.fixture(scope="session")
def e5_model() -> Path:
    """The default model's folder, built once per session (about 25 s) where a tagger
    without --model finds it."""
    from classifiers import models

    return models.resolve(None)


@pytest.fixture(scope="module")
def onnx_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Exported ONNX models go to the session's temp dir, not the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHORUS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny randomly initialised BERT for fast classifier plumbing tests."""
    from tests.classifier_models import tiny_model_path

    return tiny_model_path(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def tiny_nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.classifier_models import tiny_model_path

    return tiny_model_path(tmp_path_factory.getbasetemp(), nli=True)
