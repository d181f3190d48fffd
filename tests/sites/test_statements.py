"""Statements of service and certificates that whoever holds them can check (SPEC sections 4, 5
and 7), and the private 志愿服务记录证明 of `volsite statements` (SPEC section 8): what they say,
that the QR code leads back to the page, that nothing private reaches the site, and every
folder the private ones are refused."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import IN_SITE_LANGUAGE, output_texts, tree_digest
from qr_codes import qr_svgs, qr_text
from volsite.model.proofs import derived_award_number, statement_numbers

ROWS = 93  # of 20 hours each, and 20 at an activity: 1,880 hours
SITE = {
    "site.yaml": """
        title: 证明站
        organization: 澜州市红马甲志愿服务总队
        base_url: https://example.org/volunteer/
        statement_issuer:
          name: 澜州市人民医院志愿服务总队
          contact: 13900001111
          person: 王主任
    """,
    "content/teams/t.yaml": "- {id: hq, name: 总队}\n",
    "content/volunteers/v.yaml": """
        - id: zhang-wei
          name: 张伟
          teams: [hq]
          number: "3202001500016"
          id_number: "110105194912310021"
          qualifications: [{name: 红十字救护员证, date: 2019-06-12}]
        - id: li-na
          name: 李娜
          teams: [hq]
          public: false
          id_type: 港澳居民居住证
          id_number: "810000199408230021"
          number: "3202001500099"
        - {id: wang-fang, name: 王芳, teams: [hq]}
    """,
    "content/activities/a.yaml": """
        - {id: a1, title: 山区巡回义诊, date: 2024-03-05, hours: 20, participants: [zhang-wei, li-na]}
    """,
    "content/ledger/long.csv": "date,volunteer,hours,note\n"
    + "".join(f"{dt.date(2023, 1, 2) + dt.timedelta(days=3 * i)},zhang-wei,20,导诊\n" for i in range(ROWS))
    + "2026-02-01,li-na,2,陪诊\n",
    "content/awards/w.yaml": """
        - {id: zw-2025, title: 优秀志愿者, volunteer: zhang-wei, date: 2025-12-30, level: 市级}
    """,
}
AS_OF = "记录截至 2026年2月1日"  # li-na's row: the latest record of the site, not zhang-wei's own
PRIVATE = ["110105194912310021", "3202001500016", "810000199408230021", "3202001500099", "港澳居民居住证", "李娜"]
EPOCH = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc).timestamp()))}


@pytest.fixture
def built(site):
    site(SITE, base=False)
    result = site.build()
    assert result.exit_code == 0, result.output
    return result.out


# ------------------------------------------------------------------ the public pages


def test_a_statement_says_how_far_the_records_run_who_issued_it_and_its_number(built):
    page = (built / "volunteers/zhang-wei/hours/index.html").read_text()
    assert AS_OF in page
    assert f"证明编号：{statement_numbers(['zhang-wei'])['zhang-wei']}" in page
    assert "澜州市人民医院志愿服务总队" in page and "负责人：王主任" in page and "联系电话：13900001111" in page
    assert "不作为正式证明" not in page
    assert '<td class="num">1,880</td>' in page  # as every other page writes it
    assert "1880" not in page.replace("1,880", "")


def test_the_qr_code_of_a_statement_and_of_a_certificate_leads_to_the_page_itself(built):
    for path in ("volunteers/zhang-wei/hours/", "certificates/zw-2025/"):
        codes = qr_svgs((built / path / "index.html").read_text())
        assert len(codes) == 1, path
        assert qr_text(codes[0]) == f"https://example.org/volunteer/{path}"


def test_a_certificate_gives_its_number_the_date_of_the_records_and_whom_to_ask(built):
    page = (built / "certificates/zw-2025/index.html").read_text()
    assert f"证书编号：{derived_award_number('zw-2025', 2025)}" in page
    assert AS_OF in page and "核验单位：澜州市人民医院志愿服务总队" in page and "13900001111" in page


def test_the_issuers_contact_passes_the_privacy_scan_because_site_yaml_declares_it(site):
    site(SITE, base=False)
    assert site.run("check", str(site.root)).exit_code == 0
    site.write({"content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n热线 13900001111\n"})
    assert site.run("check", str(site.root)).exit_code == 0  # the same number, declared public
    site.write({"content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n热线 13900002222\n"})
    checked = site.run("check", str(site.root))
    assert checked.exit_code == 1 and "[V611]" in checked.output


def test_nothing_a_private_statement_needs_reaches_the_site(built):
    leaks = [f"{name}: {value}" for name, text in output_texts(built).items() for value in PRIVATE if value in text]
    assert leaks == []
    assert not (built / "volunteers/li-na").exists()


def test_the_profile_lists_qualifications_and_publishes_the_number_only_when_asked(site):
    site({**SITE, "site.yaml": textwrap.dedent(SITE["site.yaml"]) + "publish_fields: [number]\n"}, base=False)
    out = site.build().built
    profile = (out / "volunteers/zhang-wei/index.html").read_text()
    assert "红十字救护员证（2019年6月12日）" in profile
    assert "3202001500016" in profile  # published, as site.yaml asks
    assert "110105194912310021" not in profile and "3202001500099" not in output_texts(out).values()


def test_without_an_issuer_the_pages_say_they_are_no_official_proof(site):
    site({**SITE, "site.yaml": "title: 证明站\nbase_url: https://example.org/volunteer/\n"}, base=False)
    out = site.build().built
    statement = (out / "volunteers/zhang-wei/hours/index.html").read_text()
    assert "不作为正式证明" in statement and AS_OF in statement and "负责人" not in statement
    assert "不作为正式证书" in (out / "certificates/zw-2025/index.html").read_text()


def test_a_site_without_a_host_has_no_qr_code_to_give(site):
    site({**SITE, "site.yaml": "title: 证明站\nbase_url: /volunteer/\n"}, base=False)
    out = site.build().built
    assert qr_svgs((out / "volunteers/zhang-wei/hours/index.html").read_text()) == []


def test_two_certificates_given_one_number_stop_the_build(site):
    site(
        {
            **SITE,
            "content/awards/w.yaml": """
                - {id: a, title: 优秀志愿者, volunteer: zhang-wei, year: 2025, number: LZ-001}
                - {id: b, title: 志愿者标兵, volunteer: wang-fang, year: 2025, number: LZ-001}
            """,
        },
        base=False,
    )
    result = site.build()
    assert (
        result.exit_code == 1 and "content/awards/w.yaml:2: award 'b': the certificate number 'LZ-001'" in result.output
    )


# ------------------------------------------------------------------ volsite statements


def statements(site, *args, env=None):
    return site.run("statements", str(site.root), *args, env={**EPOCH, **(env or {})})


def test_statements_are_written_for_every_volunteer_with_service(site, tmp_path):
    site(SITE, base=False)
    out = tmp_path / "证明"
    result = statements(site, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 2 statement(s)" in result.output and "private data" in result.output  # wang-fang has no service
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [".gitignore", "index.html", "li-na.html", "li-na.pdf", "zhang-wei.html", "zhang-wei.pdf", "隐私提示.txt"]
    )
    assert (out / ".gitignore").read_text().splitlines()[-1] == "*"
    notice = (out / "隐私提示.txt").read_text(encoding="utf-8")
    assert "证件号码" in notice and "2026-03-02" in notice
    index = (out / "index.html").read_text()
    assert "张伟" in index and "李娜" in index and 'href="zhang-wei.pdf"' in index


def test_a_statement_names_the_volunteer_as_the_2015_form_does(site, tmp_path):
    site(SITE, base=False)
    out = tmp_path / "proofs"
    assert statements(site, "--out", str(out)).exit_code == 0
    page = (out / "zhang-wei.html").read_text()
    for part in (
        "志愿服务记录证明",
        f"证明编号：{statement_numbers(['zhang-wei'])['zhang-wei']}",
        "<td>张伟</td>",
        "<td>居民身份证</td>",  # the default
        "<td>110105194912310021</td>",
        "<td>3202001500016</td>",
        "截至 2026年2月1日，该志愿者记录在册的志愿服务共 94 次，累计志愿服务时长 1,880 小时。",
        "山区巡回义诊",
        "优秀志愿者（市级）",
        "培训情况",
        "出具单位（盖章）：澜州市人民医院志愿服务总队",
        "负责人：王主任",
        "经办人",
        "联系电话：13900001111",
        "出具日期：2026年3月2日",  # SOURCE_DATE_EPOCH, in Shanghai
        "盖章处",
    ):
        assert part in page, part
    assert "服务记录较多，按年度和服务内容合计" in page  # 94 services, summed to fit the page
    assert qr_text(qr_svgs(page)[0]) == "https://example.org/volunteer/volunteers/zhang-wei/hours/"
    hidden = (out / "li-na.html").read_text()
    assert "<td>李娜</td>" in hidden and "<td>港澳居民居住证</td>" in hidden and "810000199408230021" in hidden
    assert qr_svgs(hidden) == []  # no public page to lead to


LONG_AWARDS = "".join(
    f"- {{title: 长长的一项表彰名称第{i}号, volunteer: zhang-wei, year: {2010 + i}, level: 市级, "
    f"issuer: 澜州市精神文明建设指导委员会办公室}}\n"
    for i in range(9)
)


def activities(count: int, title: str) -> str:
    return "".join(
        f"- {{id: t{i}, title: {title}第{i}场, date: 2022-{1 + i % 12:02}-1{i % 10}, hours: 3, participants: [zhang-wei]}}\n"
        for i in range(count)
    )


@pytest.mark.parametrize(
    ("more", "rows"),
    [
        (activities(14, "义诊"), 16),  # 2023's 导诊, 2024's 义诊 and 14 short titles: a line each
        (activities(7, "很长很长的活动名称“减盐减油进社区”健康科普讲座暨慢性病防治"), 9),  # 7 of two lines
        (activities(3, "名称长到两行也放不下的活动" * 6), 5),  # cut short to two lines
        (activities(40, "义诊"), 3),  # more than fit: a row a year
    ],
)
def test_each_statement_is_one_a4_page(site, tmp_path, more, rows):
    """The longest a page holds, of each shape, and 10 honours (4 listed): one A4 page."""
    weasyprint = pytest.importorskip("weasyprint")
    site({**SITE, "content/awards/more.yaml": LONG_AWARDS, "content/activities/more.yaml": more}, base=False)
    out = tmp_path / "proofs"
    assert statements(site, "--out", str(out)).exit_code == 0
    assert (out / "zhang-wei.html").read_text().count('<td class="n">') == rows
    for name in ("zhang-wei", "li-na"):
        html = (out / f"{name}.html").read_text()
        assert len(weasyprint.HTML(string=html).render().pages) == 1, name
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF-")


def test_statements_of_one_year_and_of_the_volunteers_named(site, tmp_path):
    site(SITE, base=False)
    out = tmp_path / "proofs"
    result = statements(site, "--year", "2024", "--no-pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "left out" in result.output and "pip install" not in result.output
    assert sorted(p.name for p in out.glob("*.html")) == ["index.html", "li-na-2024.html", "zhang-wei-2024.html"]
    page = (out / "zhang-wei-2024.html").read_text()
    assert "2024 年，该志愿者记录在册的志愿服务共 1 次，累计志愿服务时长 20 小时（记录截至 2026年2月1日）。" in page
    assert f"{statement_numbers(['zhang-wei'])['zhang-wei']}-2024" in page
    named = tmp_path / "named"
    assert statements(site, "zhang-wei", "--no-pdf", "--out", str(named)).exit_code == 0
    assert sorted(p.name for p in named.glob("*.html")) == ["index.html", "zhang-wei.html"]


def test_an_unknown_volunteer_is_refused_with_a_suggestion(site, tmp_path):
    site(SITE, base=False)
    result = statements(site, "zhang-wie", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "there is no volunteer 'zhang-wie'" in result.output and "did you mean 'zhang-wei'?" in result.output
    assert "[V728]" in result.output and not (tmp_path / "x").exists()


def test_a_site_with_no_service_has_no_statement_to_write(site, tmp_path):
    site({"site.yaml": "title: 空\n", "content/volunteers/v.yaml": "- {id: a, name: 甲}\n"}, base=False)
    result = statements(site, "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "[V730]" in result.output


def test_statements_leave_output_and_the_cache_as_they_were(site, tmp_path):
    site(SITE, base=False)
    built = site.build().built
    before = tree_digest(site.root)
    assert statements(site, "--out", str(tmp_path / "proofs")).exit_code == 0
    assert tree_digest(site.root) == before  # output/, .volsite-cache/ and all
    assert (built / "index.html").is_file()


@pytest.mark.parametrize(
    ("folder", "code"),
    [
        ("output", "V722"),
        ("output/proofs", "V722"),
        ("content/proofs", "V722"),
        ("themes/mine", "V722"),
        (".volsite-cache/p", "V722"),
        (".", "V723"),
        ("..", "V723"),
        ("proofs", "V725"),  # inside a site that is not a git repository
        ("content/volunteers/v.yaml", "V721"),
    ],
)
def test_statements_are_refused_where_private_data_could_be_published_or_committed(site, tmp_path, folder, code):
    site(SITE, base=False)
    out = site.root / folder
    existed = out.exists()
    before = tree_digest(tmp_path)
    result = statements(site, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.output
    assert tree_digest(tmp_path) == before and out.exists() == existed


def test_statements_are_refused_inside_a_published_site_wherever_it_is(site, tmp_path):
    site(SITE, base=False)
    web_root = tmp_path / "www"
    assert site.build("-o", str(web_root)).exit_code == 0
    result = statements(site, "--out", str(web_root / "proofs"))
    assert result.exit_code == 2 and "[V724]" in result.output and not (web_root / "proofs").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_inside_a_git_repository_only_a_folder_git_ignores_is_taken(site, tmp_path):
    site({**SITE, ".gitignore": "output/\n.volsite-cache/\n/private/\n"}, base=False)
    subprocess.run(["git", "init", "-q", str(site.root)], check=True)
    refused = statements(site, "--out", str(site.root / "proofs"))
    assert refused.exit_code == 2 and "[V727]" in refused.output and "/proofs/" in refused.output
    assert not (site.root / "proofs").exists()
    taken = statements(site, "--out", str(site.root / "private"))
    assert taken.exit_code == 0, taken.output
    status = subprocess.run(
        ["git", "-C", str(site.root), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "private/" not in status.stdout  # nothing in it that git would commit
    # a repository whose git cannot be run (not installed, as on many Windows machines): refused
    blind = statements(site, "--out", str(site.root / "private"), env={"PATH": str(tmp_path / "no-such-folder")})
    assert blind.exit_code == 2 and "[V726]" in blind.output


def test_a_refusal_is_said_in_the_sites_language(site, tmp_path):
    site(SITE, base=False)
    result = statements(site, "--out", str(site.root / "content" / "x"), env=IN_SITE_LANGUAGE)
    assert result.exit_code == 2
    assert "在网站的 content/ 文件夹里" in result.output and "[V722]" in result.output


def test_the_site_may_be_left_out_when_run_in_it(site, tmp_path, monkeypatch):
    site(SITE, base=False)
    monkeypatch.chdir(site.root)
    result = site.run("statements", "zhang-wei", "--no-pdf", "--out", str(tmp_path / "p"), env=EPOCH)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p" / "zhang-wei.html").is_file()


def test_the_help_names_the_command(site):
    result = site.run("statements", "--help")
    assert result.exit_code == 0 and "--out DIR" in result.output and "[SITE] [VOLUNTEER_ID]..." in result.output


def test_statements_read_no_cache_and_keep_none(site, tmp_path):
    site(SITE, base=False)
    assert statements(site, "--no-pdf", "--out", str(tmp_path / "p")).exit_code == 0
    assert not (site.root / ".volsite-cache").exists() and not (site.root / "output").exists()
    assert sorted(Path(tmp_path).iterdir()) == [tmp_path / "p", site.root]


def test_problems_in_the_content_stop_the_statements_as_they_stop_a_build(site, tmp_path):
    site({**SITE, "content/ledger/bad.csv": "date,volunteer,hours\n2025-01-01,zhang-wei,abc\n"}, base=False)
    result = statements(site, "--out", str(tmp_path / "p"))
    assert result.exit_code == 1 and "[V210]" in result.output and "no statement was written" in result.output
    assert not (tmp_path / "p").exists()
