"""Examples shown at the end of each command's help (`wkb report -h`): one to three lines a
command, a comment in Chinese, or in English with `--lang en`. Ids are placeholders.

Kept as data in one place (instead of an `epilog=` on each declaration) so that the language can
be chosen when help is asked for, and a test can check that every command has its examples.
"""

from __future__ import annotations

Example = tuple[str, str, str]  # (command line, Chinese comment, English comment)

EXAMPLES: dict[str, tuple[Example, ...]] = {
    "": (
        ("wkb report", "本月合规情况", "this month's compliance"),
        ("wkb visit add", "录入一次走访(逐项提问)", "record a visit (asks for what is missing)"),
        (
            "wkb report --lang en",
            "全局选项也可写在命令之后",
            "global options may follow the command",
        ),
    ),
    "init": (
        ("wkb init ~/wkb-records", "新建记录根目录并提交", "a fresh records root, committed"),
    ),
    "leaders": (("wkb leaders --as-of 2026-07-01", "某日的责任领导", "the leaders on a day"),),
    "validate": (
        ("wkb validate", "检查全部数据", "check everything"),
        ("wkb validate --fix", "清理崩溃留下的临时文件", "remove temp files left by a crash"),
    ),
    "check": (("wkb check", "同 wkb validate", "same as wkb validate"),),
    "report": (
        (
            "wkb report --month 2026-10 --leader 胡",
            "某月、某领导(可写前缀)",
            "a month, one leader (prefix)",
        ),
        ("wkb report --quarter 2026-Q3", "季度热力图", "a quarter's heat map"),
        (
            "wkb report --year 2026 --format csv > 2026.csv",
            "导出 Excel 可开的 CSV",
            "CSV for Excel",
        ),
    ),
    "due": (
        ("wkb due", "本月还差什么", "what is still due this month"),
        ("wkb due --leader 胡军 --as-of 2026-11-25", "某领导、某日", "one leader, as of a day"),
    ),
    "sync": (("wkb sync", "收取他人记录并推送自己的", "fetch others' records, push yours"),),
    "config": (("wkb config list", "全部配置项", "every key"),),
    "config get": (("wkb config get recorder", "当前记录人", "who records"),),
    "config set": (
        ("wkb config set recorder 张三", "设置记录人(个人)", "set the recorder (personal)"),
    ),
    "config list": (
        ("wkb config list", "配置项、当前值与来源", "keys, values and where they come from"),
    ),
    "measures": (("wkb measures", "17 条措施", "the 17 measures"),),
    "measures show": (("wkb measures show 14", "第十四条全文", "measure 14 in full"),),
    "districts": (
        ("wkb districts", "现行分工表", "the table in force"),
        ("wkb districts --as-of 2026-07-01", "某日的分工表", "the table on a day"),
    ),
    "districts assign": (
        (
            "wkb districts assign 江夏 --leader 徐涛 --from 2026-07-16",
            "自某日起调整",
            "a revision from a day",
        ),
    ),
    "districts withdraw": (
        (
            "wkb districts withdraw 江夏 --from 2026-12-01 --reason 取消",
            "撤回未生效的调整",
            "withdraw a future revision",
        ),
    ),
    "visit": (
        ("wkb visit add", "录入(逐项提问)", "record one (asks)"),
        ("wkb visit list --month 2026-11", "本月走访", "this month's visits"),
    ),
    "visit add": (
        ("wkb visit add", "逐项提问,Tab 补全区名与领导", "asks each field; Tab completes names"),
        (
            "wkb visit add --date 昨天 --district 东湖 --entity 某公司 --type enterprise",
            "一行录入",
            "all in one line",
        ),
    ),
    "visit list": (
        ("wkb visit list --month 2026-11 --leader 胡", "某月、某领导", "a month, one leader"),
        ("wkb visit list --district 东湖 --format csv > visits.csv", "导出", "export"),
    ),
    "visit show": (
        ("wkb visit show V20261103-7KQF2M", "编号见 visit list", "ids from visit list"),
    ),
    "visit void": (
        ("wkb visit void V20261103-7KQF2M --reason 重复录入", "作废(保留文件)", "void (file kept)"),
    ),
    "visit edit": (("wkb visit edit V20261103-7KQF2M", "用 $EDITOR 修改", "edit in $EDITOR"),),
    "rectify": (
        ("wkb rectify list", "未关闭的事项", "items not closed"),
        ("wkb rectify add --problem 用地审批慢 --district 东湖 --source 督查", "立项", "open one"),
    ),
    "rectify add": (
        (
            "wkb rectify add --problem 用地审批慢 --district 东湖 --source 督查",
            "立项",
            "open an item",
        ),
        (
            "wkb rectify add --visit V20261103-7KQF2M --problem 人才公寓不足",
            "取自走访",
            "from a visit",
        ),
    ),
    "rectify progress": (
        (
            "wkb rectify progress R20261103-ABCDEF --note 已协调规划局",
            "记录进展",
            "record progress",
        ),
    ),
    "rectify extend": (
        (
            "wkb rectify extend R20261103-ABCDEF --deadline +15d --reason 需市级审批",
            "延期 15 天",
            "15 more days",
        ),
    ),
    "rectify close": (
        ("wkb rectify close R20261103-ABCDEF --resolution 已办结", "关闭", "close"),
        (
            "wkb rectify close R20261103-ABCDEF --resolution 已办结 --satisfaction 满意",
            "关闭并记录回访",
            "close and record a return visit",
        ),
    ),
    "rectify followup": (
        (
            "wkb rectify followup R20261103-ABCDEF --satisfaction 不满意 --note 仍未解决",
            "回访:不满意,需跟进",
            "a return visit: unsatisfied, to follow up",
        ),
    ),
    "rectify reopen": (
        ("wkb rectify reopen R20261103-ABCDEF --reason 问题复发", "重新打开", "reopen"),
    ),
    "rectify list": (
        ("wkb rectify list --status overdue --leader 胡", "逾期事项", "overdue items"),
        ("wkb rectify list --status all --format csv > 整改.csv", "导出全部", "export all"),
    ),
    "rectify show": (
        ("wkb rectify show R20261103-ABCDEF", "事项及全部历史", "the item and its history"),
    ),
    "month": (("wkb month status", "各月封存情况", "which months are sealed"),),
    "month close": (("wkb month close 2026-10 --by 办公室王", "封存上月", "seal last month"),),
    "month reopen": (
        ("wkb month reopen 2026-10 --reason 补录核实 --approved-by 局长", "重开", "reopen"),
    ),
    "month status": (("wkb month status", "封存、版本、重开记录", "seals, versions, reopenings"),),
    "entity": (
        ("wkb entity list", "登记的创新主体", "the registered entities"),
        ("wkb entity show 楚天光电", "名称、别名或前缀均可", "name, alias or prefix"),
    ),
    "entity add": (
        (
            "wkb entity add 楚天光电科技有限公司 --district 东湖 --type enterprise",
            "登记一个主体",
            "register an entity",
        ),
    ),
    "entity list": (
        (
            "wkb entity list --tag 孵化载体 --format csv > 孵化载体.csv",
            "按标签导出",
            "export by tag",
        ),
    ),
    "entity show": (("wkb entity show 楚天光电", "名称、别名或前缀均可", "name, alias or prefix"),),
    "entity edit": (
        ("wkb entity edit 楚天光电 --name 楚天光电科技股份有限公司", "改名,原名留作别名", "rename"),
    ),
    "entity merge": (
        (
            "wkb entity merge 武汉光谷实验室 光谷实验室",
            "后者并入前者",
            "merge the second into the first",
        ),
    ),
    "entity link": (
        ("wkb entity link", "为旧走访建议编号(只列出)", "propose ids for old visits"),
        ("wkb entity link --apply", "写入并提交", "write them and commit"),
    ),
    "remind": (
        ("wkb remind --dry-run", "看将发送的提醒", "see the reminders that would be sent"),
        ("wkb remind --send", "发送到群机器人", "post them to the group robot"),
    ),
    "rules": (("wkb rules --on 2026-07-01", "某日适用的计数规则", "the counting rules on a day"),),
    "import": (
        ("wkb import 台账.xlsx --dry-run", "先看会写入什么", "see what would be written"),
        ("wkb import 台账.xlsx", "全部有效才写入", "written only if every row is valid"),
    ),
    "bulletin": (
        ("wkb bulletin --month 2026-10 --output 通报.docx", "月度通报", "the month's bulletin"),
        ("wkb bulletin --init-template", "写出可编辑的措辞模板", "write the editable wording"),
    ),
    "stats": (
        ("wkb stats --quarter 2026-Q4 --by leader", "按责任领导统计", "by leader"),
        ("wkb stats --year 2026 --by entity --format csv > 统计.csv", "导出", "export"),
    ),
    "hook": (("wkb hook install", "提交前运行 wkb validate", "run wkb validate before commits"),),
    "hook install": (("wkb hook install", "安装 pre-commit 钩子", "install the pre-commit hook"),),
}


def epilog(path: str, lang: str) -> str | None:
    """The help's closing lines for the command at `path` ("visit add"), or None if it has no
    examples. One example a line, lines apart by a blank line: Typer's help joins single line
    breaks (and newer Typer shows the blank line, older Typer drops it)."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    english = lang == "en"
    lines = ["Examples:" if english else "示例:"]
    lines += [f"{line}   # {en if english else zh}" for line, zh, en in examples]
    # Rich markup is on in help text: a `[` in an example would be read as a style.
    return "\n\n".join(lines).replace("[", r"\[")
