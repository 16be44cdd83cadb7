"""A small multilingual corpus for the console tests, on top of the seed catalogue.

Times are around the 7 November 2021 drone attack (T0 2021-11-06 23:30 UTC). Tags are
written the way the classifier writes them (one row per post and narrative, with evidence
and model version); one tag is below its narrative's threshold so that an analyst's
confirmation visibly changes the narrative's figures.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from monitor.console import create_app
from monitor.settings import load_config
from storage.database import Database
from storage.posts import mark_deleted
from tests.factories import post, write
from tests.secrets_support import empty_secrets_file

XSS_TEXT = ('<script>window.__xss = 1; alert("x")</script> breaking '
            '<img src=x onerror="window.__xss = 2; alert(2)"> "quoted" & more')
ARABIC_TEXT = ("تحذير: مؤامرة مخابراتية لاستهداف المنطقة الخضراء واتهام فصائل المقاومة "
               "بعملية العلم الكاذب")
PERSIAN_TEXT = "این حمله یک فتنه آمریکایی است و اندیشکده‌های آمریکایی پشت آن هستند"
ENGLISH_TEXT = "The drone attack on the residence is a false flag to frame the resistance"
EDIT_BEFORE = "Rockets hit the base near Bashiqa tonight"
EDIT_AFTER = "Rockets hit the Turkish occupation base near Bashiqa tonight"
MODEL = "minilm-test-1"


@dataclass(frozen=True)
class Corpus:
    arabic: int
    persian: int
    english: int
    xss: int
    edited: int
    deleted: int
    observer: int
    weak: int  # a false_flag tag under the threshold: not counted until confirmed


def _tag(db: Database, post_id: int, narrative: str, score: float, text: str,
         evidence: str) -> None:
    start = text.find(evidence)
    with db.connection() as conn:
        conn.execute(
            """INSERT INTO tags (post_id, narrative, score, method, model_version, evidence)
               VALUES (%(p)s, %(n)s, %(s)s, 'transformer', %(m)s, %(e)s::jsonb)""",
            {"p": post_id, "n": narrative, "s": score, "m": MODEL,
             "e": json.dumps({"text": evidence, "start": start, "end": start + len(evidence),
                              "kind": "cue"}, ensure_ascii=False)})


def _id(db: Database, handle: str, native_id: str) -> int:
    with db.connection() as conn:
        row = conn.execute(
            """SELECT p.id FROM posts p JOIN sources s ON s.id = p.source_id
               WHERE lower(s.handle) = lower(%(h)s) AND p.native_id = %(n)s""",
            {"h": handle, "n": native_id}).fetchone()
    assert row is not None
    return int(row["id"])


def build(db: Database) -> Corpus:
    """Posts by four actor sources and one observer, with tags; needs the seed catalogue."""
    write(db,
          post("Tura313", "101", "2021-11-05T10:00Z", ARABIC_TEXT, lang="ar",
               url="https://t.me/Tura313/101", raw={"id": 101, "message": ARABIC_TEXT}),
          post("alishamkhani_ir", "202", "2021-11-07T06:00Z", PERSIAN_TEXT, lang="fa",
               platform="twitter", url="https://x.com/alishamkhani_ir/status/202"),
          post("Qais_alkhazali", "303", "2021-11-07T03:00Z", ENGLISH_TEXT, lang="en",
               platform="twitter", url="https://x.com/Qais_alkhazali/status/303"),
          post("sabreenS1", "404", "2021-11-07T04:00Z", XSS_TEXT, lang="en",
               url="https://t.me/sabreenS1/404", raw={"html": XSS_TEXT}),
          post("sabreenS1", "405", "2021-11-07T08:00Z", EDIT_AFTER, lang="en",
               earlier_texts=[EDIT_BEFORE]),
          post("Tura313", "102", "2021-11-07T09:00Z", "منشور سيحذف لاحقا عن الفتنة", lang="ar"),
          post("omartvsd", "505", "2021-11-07T05:00Z",
               "Militia channels are calling the attack a false flag", lang="en",
               platform="twitter"),
          post("sabreenS1", "406", "2021-11-07T07:00Z",
               "Who benefits? The hidden hand that planned the attack on the residence",
               lang="en"))
    with db.connection() as conn:
        mark_deleted(conn, "telegram", "Tura313", ["102"])
    corpus = Corpus(
        arabic=_id(db, "Tura313", "101"), persian=_id(db, "alishamkhani_ir", "202"),
        english=_id(db, "Qais_alkhazali", "303"), xss=_id(db, "sabreenS1", "404"),
        edited=_id(db, "sabreenS1", "405"), deleted=_id(db, "Tura313", "102"),
        observer=_id(db, "omartvsd", "505"), weak=_id(db, "sabreenS1", "406"))
    _tag(db, corpus.arabic, "false_flag", 0.91, ARABIC_TEXT, "العلم الكاذب")
    _tag(db, corpus.english, "false_flag", 0.88, ENGLISH_TEXT, "false flag")
    _tag(db, corpus.persian, "sedition", 0.8, PERSIAN_TEXT, "فتنه")
    _tag(db, corpus.persian, "us_culpability", 0.7, PERSIAN_TEXT, "اندیشکده‌های آمریکایی")
    _tag(db, corpus.observer, "false_flag", 0.6, "Militia channels are calling the attack a "
         "false flag", "false flag")
    _tag(db, corpus.weak, "false_flag", 0.3,
         "Who benefits? The hidden hand that planned the attack on the residence", "hidden hand")
    _tag(db, corpus.xss, "sedition", 0.75, XSS_TEXT, "<script>")
    return corpus


def client_for(db: Database, tmp_path: Path, *, auth: bool = False, https: bool = False,
               **settings: str) -> TestClient:
    """An in-process HTTP client for a console on `db`; settings as CHORUS_<NAME> values."""
    env = {"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_CONSOLE_ANALYST": "tester",
           **{f"CHORUS_{k.upper()}": v for k, v in settings.items()}}
    app = create_app(load_config(env), db, auth_required=auth)
    base = "https://console.test" if https else "http://console.test"
    return TestClient(app, base_url=base, follow_redirects=False)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, url: str = "/") -> str:
    """The CSRF token a page hands out (its form fields carry it)."""
    found = _CSRF.search(client.get(url).text)
    assert found, f"no CSRF token on {url}"
    return html.unescape(found.group(1))
