"""UI strings and dates in each supported language."""

from __future__ import annotations

import datetime as dt

STRINGS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "home": "首页", "stories": "志愿者故事", "latest_stories": "最新故事",
        "recent_activities": "近期活动", "newest_honours": "最新荣誉",
        "volunteers": "志愿者", "teams": "服务队伍", "activities": "活动", "hours": "服务时长",
        "hours_unit": "小时", "people_served": "服务人次", "awards": "荣誉",
        "stories_count": "故事", "stars": "星级志愿者", "read_more": "阅读全文",
        "minutes_read": "阅读约 {n} 分钟", "by": "作者", "tags": "标签", "about_people": "故事主人公",
        "related_teams": "相关队伍", "related_activity": "相关活动", "contents": "目录",
        "newer": "较新", "older": "较早", "page_n": "第 {n} 页", "not_found": "页面未找到",
        "not_found_text": "您要找的页面不存在，可能已被移动或删除。", "back_home": "返回首页",
        "skip": "跳到正文", "menu": "导航", "open_data": "开放数据", "feed": "订阅",
        "all_stories": "全部故事", "stars_unit": "星",
    },
    "en": {
        "home": "Home", "stories": "Stories", "latest_stories": "Latest stories",
        "recent_activities": "Recent activities", "newest_honours": "Newest honours",
        "volunteers": "Volunteers", "teams": "Teams", "activities": "Activities", "hours": "Service hours",
        "hours_unit": "hours", "people_served": "People served", "awards": "Honours",
        "stories_count": "Stories", "stars": "Star volunteers", "read_more": "Read more",
        "minutes_read": "{n} min read", "by": "By", "tags": "Tags", "about_people": "People in this story",
        "related_teams": "Teams", "related_activity": "Activity", "contents": "Contents",
        "newer": "Newer", "older": "Older", "page_n": "Page {n}", "not_found": "Page not found",
        "not_found_text": "The page you are looking for does not exist. It may have been moved or removed.",
        "back_home": "Back to the home page",
        "skip": "Skip to content", "menu": "Menu", "open_data": "Open data", "feed": "Feed",
        "all_stories": "All stories", "stars_unit": "★",
    },
}

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def strings(language: str) -> dict[str, str]:
    return STRINGS[language]


def format_date(date: dt.date | None, language: str) -> str:
    """2024年3月5日 / 5 March 2024."""
    if date is None:
        return ""
    if language == "en":
        return f"{date.day} {_MONTHS_EN[date.month - 1]} {date.year}"
    return f"{date.year}年{date.month}月{date.day}日"


def format_month(year: int, month: int, language: str) -> str:
    return f"{_MONTHS_EN[month - 1]} {year}" if language == "en" else f"{year}年{month}月"
