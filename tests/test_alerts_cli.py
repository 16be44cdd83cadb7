"""`chorus alerts add | list | remove | test` end to end, and the alerts job in the daemon's
schedule and `chorus status`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.daemon.jobs import default_jobs
from monitor.settings import load_config
from storage.database import Database
from tests.alert_support import WEBHOOK_SECRET, webhook_server
from tests.secrets_support import empty_secrets_file


def _run(db: Database, tmp_path: Path, *args: str) -> Result:
    env = {"CHORUS_DATABASE_URL": db.url, "COLUMNS": "200",
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_WEBHOOK_SECRET_DESK": WEBHOOK_SECRET,
           "CHORUS_ALERT_WEBHOOK_TIMEOUT_S": "2"}
    return CliRunner().invoke(cli, list(args), env=env)


def test_add_list_test_remove(db: Database, tmp_path: Path) -> None:
    with webhook_server() as receiver:
        added = _run(db, tmp_path, "alerts", "add", "hashd", "--kind", "search",
                     "--param", "query=الحشد", "--param", "platform=telegram",
                     "--channel", f"webhook:desk={receiver.url},format=slack",
                     "--quiet", "22:00-06:00", "--timezone", "Asia/Baghdad")
        assert added.exit_code == 0, added.output
        listed = _run(db, tmp_path, "alerts", "list", "--json")
        [rule] = json.loads(listed.output)
        assert rule["params"] == {"query": "الحشد", "platform": "telegram"}
        assert rule["channels"] == ["webhook:desk"] and rule["quiet_hours"] == "22:00-06:00"
        assert receiver.url not in listed.output  # channels listed by name only
        tested = _run(db, tmp_path, "alerts", "test", "hashd", "--json")
        assert tested.exit_code == 0 and json.loads(tested.output) == {"webhook:desk": "sent"}
        assert "test alert" in json.loads(receiver.hits[0].body)["text"]
    assert _run(db, tmp_path, "alerts", "remove", "hashd").exit_code == 0
    assert json.loads(_run(db, tmp_path, "alerts", "list", "--json").output) == []


def test_bad_rules_are_one_line_errors(db: Database, tmp_path: Path) -> None:
    bad = _run(db, tmp_path, "alerts", "add", "x", "--kind", "convergence",
               "--param", "k=many", "--channel", "webhook:desk=http://127.0.0.1/x")
    assert bad.exit_code == 2 and "k must be int" in bad.output and "Traceback" not in bad.output
    missing = _run(db, tmp_path, "alerts", "remove", "nope")
    assert missing.exit_code == 2 and "no alert rule named 'nope'" in missing.output


def test_the_daemon_runs_alerts_every_alerts_interval_s(tmp_path: Path) -> None:
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_ALERTS_INTERVAL_S": "30"})
    [spec] = [s for s in default_jobs(config) if s.id == "alerts"]
    assert spec.trigger.interval.total_seconds() == 30


def test_status_counts_alert_deliveries(db: Database, tmp_path: Path) -> None:
    shown = _run(db, tmp_path, "status", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["alerts"] == {"pending": 0, "sending": 0, "sent": 0,
                                                  "failed": 0, "superseded": 0}
    assert "alert deliveries: 0 sent, 0 failed, 0 pending" in _run(db, tmp_path,
                                                                   "status").output
