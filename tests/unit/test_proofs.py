"""volsite.model.proofs and what statements are made of: the date the records run to, certificate
numbers that stay put and name one document each, a service record summed to fit one page,
the issue date, and the volunteer fields a proof names (number, id_type, qualifications)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from conftest import write_files
from volsite.builds import issue_date
from volsite.kinds import volunteers
from volsite.kinds.awards import Award
from volsite.kinds.identities import private_identities
from volsite.model import proofs
from volsite.model.people import Service
from volsite.model.proofs import (
    ServiceRow,
    award_numbers,
    derived_award_number,
    number_problems,
    records_as_of,
    service_rows,
    statement_numbers,
)
from volsite.pipeline import load_site
from volsite.problems import Problems
from volsite.read.files import Raw

SITE = {
    "site.yaml": "title: 证明\nbase_url: https://example.org/v/\n",
    "content/volunteers/v.yaml": """
        - {id: zhang-wei, name: 张伟, id_number: "110105194912310021", number: "3202001500016"}
        - {id: li-na, name: 李娜, public: false, id_type: 港澳居民居住证, id_number: "810000199408230021"}
        - {id: wang-fang, name: 王芳}
    """,
    "content/volunteers/roster.csv": "编号,姓名,证件类型,证件号码\nzhao-lei,赵磊,护照,E12345678\n",
    "content/activities/a.yaml": """
        - {id: a1, title: 义诊, date: 2024-03-05, hours: 4, participants: [zhang-wei, li-na]}
        - {id: a2, title: 三天的急救培训营, date: 2025-06-01, end: 2025-06-03, hours: 6, participants: [wang-fang]}
    """,
    "content/ledger/l.csv": "date,volunteer,hours,note\n2025-05-30,zhang-wei,2,导诊\n",
    "content/awards/w.yaml": """
        - {title: 优秀志愿者, volunteer: zhang-wei, date: 2025-06-02}
        - {title: 志愿者标兵, volunteer: li-na, date: 2026-01-20, status: candidate, posting_until: 2026-02-01}
    """,
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("proofs"), SITE)
    return root, load_site(root)


# ------------------------------------------------------------------ 记录截至


def test_the_records_run_to_the_latest_date_among_them_the_end_of_an_activity_included(loaded):
    _, site = loaded
    # a2 ends on 2025-06-03, after the award (06-02) and the ledger row (05-30); the candidate
    # of 2026 is not a record yet.
    assert records_as_of(site.model) == dt.date(2025, 6, 3)


def test_a_site_without_records_runs_to_no_date(tmp_path):
    root = write_files(tmp_path, {"site.yaml": "title: 空\n", "content/volunteers/v.yaml": "- {id: a, name: 甲}\n"})
    assert records_as_of(load_site(root).model) is None


# ------------------------------------------------------------------ certificate numbers


def test_statement_numbers_come_from_the_id_alone_and_stay_put():
    numbers = statement_numbers(["zhang-wei", "li-na"])
    assert re.fullmatch(r"H-[0-9A-HJKMNP-TV-Z]{8}", numbers["zhang-wei"])  # no I, L, O or U
    assert statement_numbers(["zhang-wei", "li-na", "someone-new"])["zhang-wei"] == numbers["zhang-wei"]
    assert statement_numbers(["zhang-wei"]) == {"zhang-wei": numbers["zhang-wei"]}
    many = statement_numbers(f"v-{i}" for i in range(5000))
    assert len(set(many.values())) == 5000


def test_two_ids_whose_numbers_would_meet_both_get_longer_ones(monkeypatch):
    real = proofs._digest
    monkeypatch.setattr(proofs, "_digest", lambda text: b"\x00" * 5 + real(text)[5:] if "twin" in text else real(text))
    numbers = statement_numbers(["twin-a", "twin-b", "other"])
    assert len(numbers["twin-a"]) == len(numbers["twin-b"]) == len("H-") + 12
    assert numbers["twin-a"] != numbers["twin-b"]
    assert numbers["other"] == statement_numbers(["other"])["other"]  # the others keep theirs


def award(aid: str, year: int = 2025, number: str | None = None, line: int = 1) -> Award:
    return Award(
        aid, "优秀志愿者", "zhang-wei", None, None, year, None, None, None, "awarded", None, number, "w.yaml", line
    )


def test_an_award_keeps_the_number_its_certificate_was_printed_with():
    numbers = award_numbers({"a": award("a"), "b": award("b", number="NO-1")})
    assert numbers == {"a": derived_award_number("a", 2025), "b": "NO-1"}
    assert re.fullmatch(r"2025-[0-9A-F]{6}", numbers["a"])  # as certificates have always been numbered


def test_derived_award_numbers_that_would_meet_are_made_longer(monkeypatch):
    clash = {"a": award("a"), "b": award("b"), "c": award("c", number=derived_award_number("c", 2025))}
    monkeypatch.setattr(
        proofs, "derived_award_number", lambda aid, year, length=6: f"{year}-SAME" if length == 6 else f"{year}-{aid}"
    )
    numbers = award_numbers(clash)
    assert numbers["a"] == "2025-a" and numbers["b"] == "2025-b"
    assert len(set(numbers.values())) == 3


def test_two_certificates_given_one_number_are_a_problem():
    found = Problems()
    number_problems({"a": award("a", number="NO-1", line=3), "b": award("b", number="NO-1", line=9)}, found)
    assert [p.format() for p in found] == [
        "w.yaml:9: award 'b': the certificate number 'NO-1' is given to two awards (also to 'a' at w.yaml:3): give "
        "each certificate a number of its own, or leave 'number' out to have one made [V360]"
    ]


# ------------------------------------------------------------------ one page


def service(day: int, hours: int = 2, activity: str | None = None, note: str | None = None, year=2024) -> Service:
    return Service(
        "v", dt.date(year, 1, 1) + dt.timedelta(days=day), Decimal(hours), Decimal(1), activity, note, "l", day
    )


def test_a_few_services_are_each_a_row():
    rows, summed = service_rows([service(3, note="导诊"), service(1, activity="a1", note="带队")], {"a1": "义诊"}, 5)
    assert not summed
    assert [(r.first, r.content, r.note, r.services, r.hours) for r in rows] == [
        (dt.date(2024, 1, 2), "义诊", "带队", 1, Decimal(2)),
        (dt.date(2024, 1, 4), "导诊", "", 1, Decimal(2)),
    ]


def test_more_services_than_fit_are_summed_by_year_and_content_then_by_year():
    services = [service(d, note="导诊" if d % 2 else "陪诊") for d in range(10)]
    services += [service(d, note="导诊", year=2025) for d in range(3)]
    rows, summed = service_rows(services, {}, 4)
    assert summed
    assert [(r.first.year, r.content, r.services, r.hours) for r in rows] == [
        (2024, "陪诊", 5, Decimal(10)),  # from 1 January
        (2024, "导诊", 5, Decimal(10)),  # from the 2nd
        (2025, "导诊", 3, Decimal(6)),
    ]
    rows, _ = service_rows(services, {}, 2)
    assert rows == (
        ServiceRow(dt.date(2024, 1, 1), dt.date(2024, 1, 10), "", "", 10, Decimal(20)),
        ServiceRow(dt.date(2025, 1, 1), dt.date(2025, 1, 3), "", "", 3, Decimal(6)),
    )


# ------------------------------------------------------------------ the issue date


def test_a_statement_is_dated_today_in_the_sites_time_zone():
    # 2025-03-04 20:00 UTC is already the 5th in Shanghai
    epoch = str(int(dt.datetime(2025, 3, 4, 20, 0, tzinfo=dt.timezone.utc).timestamp()))
    assert issue_date("Asia/Shanghai", {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2025, 3, 5)
    now = dt.datetime(2025, 3, 4, 15, 59, tzinfo=dt.timezone.utc)
    assert issue_date("Asia/Shanghai", {}, now) == dt.date(2025, 3, 4)
    assert issue_date("Asia/Shanghai", {}, now + dt.timedelta(minutes=2)) == dt.date(2025, 3, 5)
    assert issue_date("Nowhere/Such", {}, now + dt.timedelta(minutes=2)) == dt.date(2025, 3, 5)  # UTC+8 then


# ------------------------------------------------------------------ the fields a proof names


def parsed(data: dict) -> tuple[volunteers.Volunteer | None, list[str]]:
    found = Problems()
    record = volunteers.parse(Raw("v.yaml", 1, {"id": "a", "name": "甲", **data}), found)
    return record, [p.format() for p in found]


def test_number_and_id_type_never_enter_the_record():
    record, problems = parsed({"number": "3202001500016", "id_type": "护照", "id_number": "E1"})
    assert problems == []
    assert "3202001500016" not in repr(record) and "护照" not in repr(record)
    assert {"number", "id_type"} <= set(volunteers.PRIVATE_FIELDS)
    assert volunteers.private_field("证件类型") == ("id_type", "证件类型")


def test_number_is_published_only_through_publish_fields():
    class Config:
        publish_fields = ("number",)

    found = Problems()
    record = volunteers.parse(Raw("v.yaml", 1, {"id": "a", "name": "甲", "number": "3202001500016"}), found, Config())
    assert record is not None and record.extra == (("number", "3202001500016"),)


def test_qualifications_as_a_list_of_mappings_of_names_or_a_rosters_cell():
    record, problems = parsed(
        {"qualifications": [{"name": "红十字救护员证", "date": "2023-05-01"}, "心肺复苏（CPR）导师证"]}
    )
    assert problems == [] and record is not None
    assert [(q.name, q.date) for q in record.qualifications] == [
        ("红十字救护员证", dt.date(2023, 5, 1)),
        ("心肺复苏（CPR）导师证", None),
    ]
    record, _ = parsed({"qualifications": "红十字救护员证（2023/5/1）、应急救援员 (2024.1.2)"})
    assert [(q.name, q.date) for q in record.qualifications] == [
        ("红十字救护员证", dt.date(2023, 5, 1)),
        ("应急救援员", dt.date(2024, 1, 2)),
    ]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ([{"nam": "救护员证"}], ["has the field 'nam', which volsite does not know (did you mean 'name'?)", "V291"]),
        ([{"date": "2023-05-01"}], ["has no name", "V292"]),
        ([{"name": "救护员证", "date": "2023-13-01"}], ["the date of the qualification '救护员证'", "V293"]),
        ([["救护员证"]], ["must be a list of qualifications", "V290"]),
    ],
)
def test_a_wrong_qualification_is_a_problem_at_its_line(value, said):
    _, problems = parsed({"qualifications": value})
    assert len(problems) >= 1 and all(part in problems[0] for part in said), problems


def test_the_private_reader_gives_each_volunteers_identity_and_nothing_else_does(loaded):
    root, site = loaded
    identities = private_identities(root)
    assert identities["zhang-wei"].id_type == "居民身份证"  # the default
    assert (identities["zhang-wei"].id_number, identities["zhang-wei"].number) == (
        "110105194912310021",
        "3202001500016",
    )
    assert (identities["li-na"].name, identities["li-na"].id_type) == ("李娜", "港澳居民居住证")  # never masked here
    assert (identities["zhao-lei"].id_type, identities["zhao-lei"].id_number) == ("护照", "E12345678")
    assert "110105194912310021" not in repr(site) and "3202001500016" not in repr(site)  # the build's model holds none
