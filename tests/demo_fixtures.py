"""The demo database, built once per test session and shared by every module that needs it.

Load with `pytest_plugins = ["tests.demo_fixtures"]`. Building it runs the whole demo
(replay, collection, tagging with the default model, convergence, digest) twice, the second
time to show that a rerun adds nothing, so it is built at most once per session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from psycopg import conninfo

from monitor.demo import StepReport, run_demo
from monitor.settings import load_config
from storage.convergence import report as convergence
from storage.database import Database
from tests.conftest import create_database, drop_database
from tests.demo_run import DemoRun
from tests.secrets_support import empty_secrets_file


@pytest.fixture(scope="session")
def demo(admin_url: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[DemoRun]:
    name = f"chorus_demo_{uuid.uuid4().hex[:10]}"
    template = str(conninfo.conninfo_to_dict(database_url)["dbname"])
    db = Database(create_database(admin_url, name, template=template))
    outbox = tmp_path_factory.mktemp("outbox")
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(outbox),
                          "CHORUS_OUTBOX_DIR": str(outbox),
                          "CHORUS_MEDIA_DIR": str(tmp_path_factory.mktemp("media")),
                          })
    steps: list[StepReport] = []
    result = run_demo(config, db, steps.append)
    second = run_demo(config, db, steps.append)
    with db.connection() as conn:
        event = convergence.event_report(conn, result.event_id or 0)
    report = {n["narrative"]: n for n in event["narratives"]}
    try:
        yield DemoRun(db, config, result, second, report, outbox)
    finally:
        db.close()
        drop_database(admin_url, name)
