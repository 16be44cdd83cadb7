"""The search page: normalised full text in Arabic, Persian and English, every filter, sorting,
paging, highlighting and CSV/JSON export."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage.console.search import SearchFilters, export_posts, search_posts
from storage.database import Database
from tests.console_corpus import Corpus, client_for, csrf_token
from tests.factories import post, write

pytest_plugins = ["tests.console_fixtures"]


def found(client: TestClient, query: str, status: int = 200,
          size: TestClient | None = None) -> list[int]:
    """The post ids a search lists, in page order (all of them: a large page is asked for
    when `size` is the client whose page size is small)."""
    if size is not None:
        app = size.app.state.console  # type: ignore[attr-defined]
        saved, app.page_size = app.page_size, 1000
        try:
            return found(size, query, status)
        finally:
            app.page_size = saved
    response = client.get("/search?" + query)
    assert response.status_code == status, response.text[:500]
    return [int(i) for i in re.findall(r'<li class="result" id="post-(\d+)"', response.text)]


@pytest.mark.parametrize("query", [
    "العلم الكاذب",             # as written
    "العَلَم الكاذِب",           # with diacritics
    "العلم الكـــاذب",           # with tatweel
])
def test_arabic_search_is_normalised_like_the_classifier(
        client: TestClient, corpus: Corpus, query: str) -> None:
    assert found(client, f"q={query}") == [corpus.arabic]


@pytest.mark.parametrize("query", [
    "اندیشکده‌های",   # with the ZWNJ half-space
    "اندیشکده های",   # with a plain space
    "امريكايي",       # Arabic yeh and kaf, no madda: folded like the post's آمریکایی
])
def test_persian_search_is_normalised(client: TestClient, corpus: Corpus, query: str) -> None:
    assert found(client, f"q={query}") == [corpus.persian]


def test_english_search_is_case_insensitive_and_supports_websearch_syntax(
        client: TestClient, corpus: Corpus) -> None:
    assert set(found(client, "q=FALSE+flag")) == {corpus.english, corpus.observer}
    assert found(client, 'q="false flag"+-militia') == [corpus.english]
    assert set(found(client, "q=residence+or+bashiqa")) == {
        corpus.english, corpus.weak, corpus.edited}


def test_matches_and_evidence_are_highlighted(client: TestClient, corpus: Corpus) -> None:
    page = client.get("/search?q=المقاومة").text
    item = page.split(f'id="post-{corpus.arabic}"')[1].split("</li>")[0]
    assert '<mark class="match">المقاومة</mark>' in item
    assert '<mark class="evidence">العلم الكاذب</mark>' in item
    assert 'dir="rtl" lang="ar"' in item


def test_each_filter_narrows_the_results(client: TestClient, corpus: Corpus) -> None:
    everything = set(found(client, ""))
    assert len(everything) == 8
    assert set(found(client, "narrative=false_flag")) == {
        corpus.arabic, corpus.english, corpus.observer}  # the 0.3 tag is under threshold
    assert found(client, "actor=Ali+Shamkhani") == [corpus.persian]
    assert set(found(client, "group=iraqi_militia")) == {corpus.english}
    assert set(found(client, "platform=twitter")) == {
        corpus.persian, corpus.english, corpus.observer}
    assert set(found(client, "source=sabreenS1")) == {corpus.xss, corpus.edited, corpus.weak}
    assert set(found(client, "source=@SABREENS1")) == {corpus.xss, corpus.edited, corpus.weak}
    assert found(client, "lang=fa") == [corpus.persian]
    assert set(found(client, "since=2021-11-05&until=2021-11-05")) == {corpus.arabic}
    assert corpus.arabic not in found(client, "since=2021-11-06")
    assert set(found(client, "until=2021-11-06")) == {corpus.arabic}
    assert found(client, "labelled=yes") == []
    assert set(found(client, "labelled=no")) == everything


def test_filters_combine_and_labels_count(client: TestClient, corpus: Corpus) -> None:
    assert found(client, "narrative=false_flag&platform=telegram") == [corpus.arabic]
    assert found(client, "q=flag&group=journalist") == [corpus.observer]
    token = csrf_token(client, f"/posts/{corpus.weak}")
    client.post(f"/posts/{corpus.weak}/labels",
                data={"csrf_token": token, "narrative": "false_flag", "verdict": "confirm"})
    assert corpus.weak in found(client, "narrative=false_flag")
    assert found(client, "labelled=yes") == [corpus.weak]
    assert corpus.weak not in found(client, "labelled=no")


def test_sorting(client: TestClient, corpus: Corpus) -> None:
    newest = found(client, "sort=newest")
    assert newest[0] == corpus.deleted  # 7 Nov 09:00
    assert newest[-1] == corpus.arabic  # 5 Nov
    assert found(client, "sort=oldest") == list(reversed(newest))
    ranked = found(client, "q=attack+residence&sort=relevance")
    assert ranked[0] in {corpus.english, corpus.weak}  # both words
    assert set(ranked) == {corpus.english, corpus.weak}


def _walk(client: TestClient, url: str) -> list[list[int]]:
    """Follow next-page links from `url`; the post ids of every page in order."""
    pages: list[list[int]] = []
    while url and len(pages) < 20:
        page = client.get(url).text
        pages.append([int(i) for i in re.findall(r'<li class="result" id="post-(\d+)"', page)])
        found_next = re.search(r'<a href="([^"]+)" rel="next"', page)
        url = html.unescape(found_next.group(1)) if found_next else ""
    return pages


def test_paging_continues_after_the_last_row(seeded_db: Database, corpus: Corpus,
                                             tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, console_page_size="3")
    newest = _walk(client, "/search")
    assert [len(p) for p in newest] == [3, 3, 2]
    assert [i for p in newest for i in p] == found(client, "sort=newest", size=client)
    oldest = _walk(client, "/search?sort=oldest")
    assert [i for p in oldest for i in p] == list(reversed([i for p in newest for i in p]))
    # Two posts at the same moment are neither skipped nor repeated across a page break.
    write(seeded_db, *(post("Tura313", f"9{n}", "2021-11-07T09:00Z", f"tie {n}", lang="en")
                       for n in range(4)))
    tied = _walk(client, "/search?q=tie")
    assert [len(p) for p in tied] == [3, 1] and len({i for p in tied for i in p}) == 4
    second = client.get("/search?lang=en").text
    assert "9 posts, showing 1–3" in second and "lang=en" in second
    follow = re.search(r'<a href="([^"]+)" rel="next"', second)
    assert follow and "shown=3" in follow.group(1)
    assert "showing 4–6" in client.get(html.unescape(follow.group(1))).text
    ranked = _walk(client, "/search?q=attack+OR+residence+OR+flag+OR+rockets&sort=relevance")
    assert sum(len(p) for p in ranked) == len({i for p in ranked for i in p}) == 4
    assert client.get("/search?after=garbage").status_code == 400
    assert client.get("/search?after=2021-11-07T09:00:00~12").status_code == 400  # no zone


def test_bad_filters_are_named_and_the_good_ones_kept(client: TestClient,
                                                      corpus: Corpus) -> None:
    response = client.get("/search?platform=myspace&since=last+week&lang=fa")
    assert response.status_code == 400
    assert "platform: &#39;myspace&#39; is not one of telegram, twitter" in response.text
    assert "since: cannot read" in response.text
    assert re.findall(r'id="post-(\d+)"', response.text) == [str(corpus.persian)]
    assert "narrative: " in client.get("/search?narrative=nope").text


def test_post_text_is_escaped_in_results(client: TestClient, corpus: Corpus) -> None:
    page = client.get("/search?q=breaking").text
    assert "<script>window.__xss" not in page
    assert "<img src=x" not in page
    assert ('<mark class="evidence">&lt;script&gt;</mark>window.__xss = 1; '
            "alert(&#34;x&#34;)&lt;/script&gt;") in page


def test_csv_export_follows_the_filters(seeded_db: Database, client: TestClient,
                                        corpus: Corpus) -> None:
    write(seeded_db, post("Tura313", "150", "2021-11-07T12:00Z",
                          '=HYPERLINK("http://evil.test","flag")', lang="en"))
    response = client.get("/search.csv?q=flag&sort=oldest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [int(r["id"]) for r in rows[:2]] == [corpus.english, corpus.observer]
    assert rows[0]["narratives"] == "false_flag" and rows[0]["handle"] == "Qais_alkhazali"
    assert rows[-1]["text"].startswith("'=HYPERLINK")  # a spreadsheet will not run it
    fa = _csv_rows(client.get("/search.csv?lang=fa"))
    assert [r["text"] for r in fa] == ["این حمله یک فتنه آمریکایی است و اندیشکده‌های "
                                       "آمریکایی پشت آن هستند"]


def _csv_rows(response: object) -> list[dict[str, str]]:
    body: bytes = response.content  # type: ignore[attr-defined]
    # A byte-order mark first, or Excel on Windows shows Arabic and Persian as mojibake.
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_opens_in_excel_as_utf8(client: TestClient, corpus: Corpus) -> None:
    response = client.get("/search.csv?lang=ar")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbfid,platform,")
    assert "تحذير: مؤامرة".encode() in body
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


def test_json_export_follows_the_filters(client: TestClient, corpus: Corpus) -> None:
    response = client.get("/search.json?narrative=false_flag&sort=oldest")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["truncated"] is False
    assert [p["id"] for p in body["posts"]] == [corpus.arabic, corpus.english, corpus.observer]
    assert body["posts"][0]["text"].startswith("تحذير")
    assert body["posts"][0]["posted_at"] == "2021-11-05T10:00:00Z"
    bad = client.get("/search.json?sort=sideways")
    assert bad.status_code == 400 and "sort" in bad.json()["errors"][0]


def test_export_is_capped(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, console_export_cap="2")
    body = client.get("/search.json").json()
    assert body["count"] == 2 and body["truncated"] is True
    csv_response = client.get("/search.csv")
    assert csv_response.headers["x-chorus-truncated"] == "true"
    assert len(_csv_rows(csv_response)) == 2


def test_a_search_run_again_and_again_is_never_a_prepared_statement(
        seeded_db: Database, corpus: Corpus) -> None:
    """psycopg prepares a statement on its fifth run, and PostgreSQL then may plan it once for
    every search (a generic plan that cannot see how common the words are: a phrase search
    by relevance took 3x as long at 5,500,000 posts). Searches are planned per run."""
    filters = SearchFilters(query='"false flag" OR residence', sort="relevance")
    with seeded_db.connection() as conn:
        for _ in range(12):
            search_posts(conn, filters)
            export_posts(conn, filters, 100)
        prepared = conn.execute("SELECT count(*) AS n FROM pg_prepared_statements "
                                "WHERE statement LIKE '%%websearch_to_tsquery%%'").fetchone()
    assert prepared is not None and prepared["n"] == 0
