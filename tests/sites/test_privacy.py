"""Privacy once more, everywhere: hidden people in every role a record can give them, and no
name, id or private value of theirs in any page, feed, sitemap, search index, JSON or alt text."""

from __future__ import annotations

import json

from conftest import image_bytes, output_texts

HIDDEN = {  # id: real name
    "sima-hui": "司马慧",
    "ouyang-xue": "欧阳雪",
    "kong-fanyu": "孔繁宇",
    "lin-yiran": "林一然",
    "feng-yu": "冯宇",
}
PRIVATE = [
    "13912345678",
    "11010519491231002X",
    "hidden.person@example.cn",
    "澜州市东湖区桂花巷18号",
    "wx_sima_hui",
    "紧急联系人母亲13700001111",
]

SITE = {
    "site.yaml": "title: 隐私\nbase_url: https://example.org/volunteer/\nprivacy: {require_consent: true}\n",
    "content/teams/t.yaml": """
        - {id: hq, name: 总队, lead: sima-hui}
        - {id: g1, name: 一组, parent: hq, lead: ouyang-xue}
    """,
    "content/volunteers/v.yaml": """
        - {id: zhang-wei, name: 张伟, teams: [hq], consent: true}
        - id: sima-hui
          name: 司马慧
          teams: [hq]
          public: false
          consent: true
          phone: "13912345678"
          id_number: "11010519491231002X"
          email: hidden.person@example.cn
          address: 澜州市东湖区桂花巷18号
          wechat: wx_sima_hui
          emergency_contact: 紧急联系人母亲13700001111
          photo: media/p.png
          photo_consent: true
          bio: 司马慧的简介
        - {id: ouyang-xue, name: 欧阳雪, teams: [g1], consent: false}
        - {id: lin-yiran, name: 林一然, teams: [g1], minor: true, consent: true}
        - {id: feng-yu, name: 冯宇, teams: [g1]}
    """,
    "content/volunteers/roster.csv": "编号,姓名,所属队伍,公开,手机\nkong-fanyu,孔繁宇,g1,否,13800009999\n",
    "content/activities/a.yaml": """
        id: 2024-03-05-clinic
        title: 义诊
        date: 2024-03-05
        team: g1
        hours: 4
        participants: [zhang-wei, sima-hui, ouyang-xue, lin-yiran, feng-yu, kong-fanyu]
        story: s1
    """,
    "content/ledger/l.csv": "date,volunteer,hours,note\n2024-01-05,sima-hui,3,值班\n2024-01-06,kong-fanyu,2,值班\n",
    "content/awards/w.yaml": """
        - {title: 优秀志愿者, volunteer: sima-hui, year: 2024, citation: 表彰}
        - {title: 先进集体, team: g1, year: 2024}
        - {title: 志愿者标兵, volunteer: ouyang-xue, date: 2026-11-20, status: candidate, posting_until: 2026-12-05}
    """,
    "content/stories/s1.md": "---\ntitle: 一次义诊\ndate: 2024-03-05\nvolunteers: [zhang-wei, sima-hui, lin-yiran]\n"
    "teams: [g1]\nactivity: 2024-03-05-clinic\n---\n正文只写张伟。\n",
    "content/media/p.png": image_bytes("png"),
}


def test_hidden_people_in_every_role_leave_no_trace(site):
    site(SITE, base=False)
    result = site.build()
    assert result.exit_code == 0, result.output
    texts = output_texts(result.out)
    assert any(name.startswith("pagefind/fragment/") for name in texts)
    leaks = []
    for name, text in texts.items():
        for vid, real in HIDDEN.items():
            for secret in (real, f"volunteers/{vid}/", f'"{vid}"', f"certificates/2024-you-xiu-zhi-yuan-zhe-{vid}"):
                if secret in text:
                    leaks.append(f"{name}: {secret}")
        leaks += [f"{name}: {value}" for value in PRIVATE if value in text]
        if "media/p.png" in text:
            leaks.append(f"{name}: the hidden person's photo")
    assert leaks == []
    # and they are still counted, and shown masked where they are listed
    stats = (result.out / "data/stats.json").read_text()
    assert '"volunteers": 6' in stats and '"hours": 29.0' in stats
    team = (result.out / "teams/hq/index.html").read_text()
    assert '<span class="masked">司马*</span>' in team  # the lead, masked and unlinked
    assert "欧阳*" in (result.out / "honors/candidates/index.html").read_text()
    assert not (result.out / "media/p.png").exists()  # the file itself is not published either


def test_a_photo_without_consent_is_not_copied_but_shared_files_are(site):
    site(
        {
            "content/volunteers/people.yaml": "- {id: zhang-wei, name: 张伟, teams: [hq], photo: media/a.png}\n"
            "- {id: li-na, name: 李娜, teams: [clinic-a], photo: media/b.png, photo_consent: true}\n"
            "- {id: wang-wu, name: 王五, teams: [hq], photo: media/c.png}\n",
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n![合影](media/c.png)\n",
            "content/media/a.png": image_bytes("png", 1),
            "content/media/b.png": image_bytes("png", 2),
            "content/media/c.png": image_bytes("png", 3),
            "content/media/other.pdf": b"%PDF",
        }
    )
    result = site.build()
    assert result.exit_code == 0, result.output
    out = result.out
    assert not (out / "media/a.png").exists()  # no photo_consent, used nowhere else
    assert (out / "media/b.png").is_file()  # consented
    assert (out / "media/c.png").is_file()  # no consent as a portrait, but a story shows the picture
    assert (out / "media/other.pdf").is_file()  # everything else in media/ is published as it is


# A roster as the national platform (志愿中国) exports it: twelve columns, most of which volsite
# does not know, and an old Excel workbook (.xls) as such exports are. Every value below but the
# ids, names and dates is private, and each is one no page would hold by chance.
PLATFORM_HEADER = [
    "志愿者编号",
    "姓名",
    "性别",
    "证件类型",
    "证件号码",
    "手机号码",
    "政治面貌",
    "民族",
    "学历",
    "所属组织",
    "注册日期",
    "服务时长",
]
PLATFORM_ROWS = [
    [
        "33010620190001",
        "钱多多",
        "女",
        "港澳居民来往内地通行证",
        "H60218957",
        "13655501234",
        "中共预备党员",
        "土家族",
        "硕士研究生在读",
        "澜州市东湖区桂花巷社区志愿服务站",
        "2019-05-04",
        "1234.5",
    ],
    [
        "33010620200002",
        "孙小满",
        "男",
        "居民身份证",
        "330106200203040516",
        "18655507788",
        "无党派人士",
        "仫佬族",
        "中等职业教育",
        "澜州市东湖区桂花巷社区青年突击队",
        "2020-07-01",
        "87.25",
    ],
]
PLATFORM_PRIVATE = [value for row in PLATFORM_ROWS for value in row[2:10] + row[11:] if len(value) >= 2]


def test_a_national_platform_export_loads_its_volunteers_and_publishes_none_of_its_other_columns(site):
    import io

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("志愿者信息")
    for column, name in enumerate(PLATFORM_HEADER):
        sheet.write(0, column, name)
    for number, row in enumerate(PLATFORM_ROWS, 1):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    out = io.BytesIO()
    book.save(out)
    site(
        {
            "site.yaml": "title: 隐私\nbase_url: https://example.org/volunteer/\nsearch: true\n",
            "content/volunteers/export.xls": out.getvalue(),
            "content/ledger/l.csv": "日期,志愿者编号,时长\n2024-01-05,33010620190001,3\n2024-01-06,33010620200002,2\n",
        }
    )
    result = site.build()
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    texts = output_texts(result.out)
    assert any(name.startswith("pagefind/fragment/") for name in texts)  # the search index, unzipped, is read too
    assert "钱多多" in texts["volunteers/33010620190001/index.html"]
    assert "孙小满" in texts["volunteers/33010620200002/index.html"]
    stats = json.loads(texts["data/stats.json"])
    assert stats["volunteers"]["33010620190001"]["hours"] == 3  # the ledger's, not the export's 服务时长
    leaks = [f"{name}: {value}" for name, text in texts.items() for value in PLATFORM_PRIVATE if value in text]
    assert leaks == []
