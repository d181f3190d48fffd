"""volsite new: complete front matter, pinyin names, never an overwrite, and a site that still builds."""

from __future__ import annotations

import datetime as dt

import yaml

from conftest import on_day
from volsite.pipeline import load_site

DAY = dt.date(2026, 3, 5)  # the day volsite new runs on (SOURCE_DATE_EPOCH): what it dates its records


def test_new_story_has_complete_front_matter_and_a_pinyin_name(site):
    root = site()
    result = site.run("new", "story", "山区义诊的一天", str(root), env=on_day(DAY))
    today = DAY.isoformat()
    assert result.exit_code == 0
    path = root / f"content/stories/{today}-shan-qu-yi-zhen-de-yi-tian.md"
    assert result.output.splitlines()[0] == str(path)
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "山区义诊的一天" and front["slug"] == "shan-qu-yi-zhen-de-yi-tian"
    assert str(front["date"]) == today and front["draft"] is True
    assert set(front) >= {"summary", "tags", "volunteers", "teams", "activity", "cover", "author"}
    assert "shan-qu-yi-zhen-de-yi-tian" in load_site(root, drafts=True).model.stories
    assert site.build().exit_code == 0


def test_new_refuses_to_overwrite(site):
    root = site()
    first = site.run("new", "story", "一样的标题", str(root))
    path = root / first.output.splitlines()[0].split(str(root) + "/")[-1]
    path.write_text(path.read_text(encoding="utf-8") + "\n我写的内容。\n", encoding="utf-8")
    second = site.run("new", "story", "一样的标题", str(root))
    assert second.exit_code == 2 and "never overwrites" in second.output
    assert "我写的内容" in path.read_text(encoding="utf-8")


def test_new_volunteer_gets_a_pinyin_id_and_namesakes_a_number(site):
    root = site()
    first = site.run("new", "volunteer", "李娜", str(root))
    assert first.output.splitlines()[0] == str(root / "content/volunteers/li-na-2.yaml")  # li-na is taken
    record = yaml.safe_load((root / "content/volunteers/li-na-2.yaml").read_text(encoding="utf-8"))
    assert record["id"] == "li-na-2" and record["name"] == "李娜" and record["public"] is True
    assert record["phone"] == ""  # there to be filled, and never published
    assert site.build().exit_code == 0


def test_new_activity_and_award(site):
    root = site()
    today = DAY
    activity = site.run("new", "activity", "社区 AED 培训", str(root), env=on_day(DAY))
    assert activity.output.splitlines()[0].endswith(f"content/activities/{today.isoformat()}-she-qu-aed-pei-xun.yaml")
    award = site.run("new", "award", "优秀志愿者", str(root), env=on_day(DAY))
    assert award.output.splitlines()[0].endswith(f"content/awards/{today.year}-you-xiu-zhi-yuan-zhe.yaml")
    assert "fill in the recipient" in award.output
    assert site.build().exit_code == 1  # until the recipient is given
    path = root / f"content/awards/{today.year}-you-xiu-zhi-yuan-zhe.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("volunteer:  ", "volunteer: li-na  ", 1), encoding="utf-8")
    assert site.build().exit_code == 0, site.build().builtput


def test_new_outside_a_site_is_a_usage_error(site, tmp_path):
    result = site.run("new", "story", "标题", str(tmp_path))
    assert result.exit_code == 2


def test_new_dates_its_record_in_the_site_s_time_zone(site):
    root = site()
    # 2026-03-04 20:00 UTC is 2026-03-05 04:00 in Shanghai (the site's time zone, by default)
    moment = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 3, 4, 20, tzinfo=dt.timezone.utc).timestamp()))}
    shanghai = site.run("new", "story", "上海的早晨", str(root), env=moment)
    assert shanghai.output.splitlines()[0].endswith("content/stories/2026-03-05-shang-hai-de-zao-chen.md")
    site.write({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\ntimezone: Europe/London\n"})
    london = site.run("new", "story", "伦敦的晚上", str(root), env=moment)
    assert london.output.splitlines()[0].endswith("content/stories/2026-03-04-lun-dun-de-wan-shang.md")


def test_new_notice_is_a_draft_with_pinned_and_until_to_fill_in(site):
    root = site()
    result = site.run("new", "notice", "春节期间驿站服务安排", str(root), env=on_day(DAY))
    assert result.exit_code == 0 and "the notice is a draft" in result.output
    path = root / f"content/notices/{DAY.isoformat()}-chun-jie-qi-jian-yi-zhan-fu-wu-an-pai.md"
    assert result.output.splitlines()[0] == str(path)
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "春节期间驿站服务安排" and front["pinned"] is False and front["draft"] is True
    assert f"# until: {DAY.isoformat()}" in text  # there to be filled in, as a comment until then
    assert site.build().exit_code == 0
    assert not (root / "output/notices/chun-jie-qi-jian-yi-zhan-fu-wu-an-pai").exists()  # a draft
    assert "chun-jie-qi-jian-yi-zhan-fu-wu-an-pai" in load_site(root, drafts=True).model.notices
    again = site.run("new", "notice", "春节期间驿站服务安排", str(root), env=on_day(DAY))
    assert again.exit_code == 2 and "never overwrites" in again.output
