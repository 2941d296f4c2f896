"""The input datasets of SPEC §1: sheet recognition, column names, types.

Every loaded dataset is a pandas DataFrame whose columns are the English
aliases below, typed per ``Column.type``, plus the provenance columns
``_file``, ``_sheet`` and ``_row`` (the Excel row number, 1-based) that let any
finding point at the clerk's cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kehu.schemes import indicator_names

# Column types (see kehu.load.values for the accepted forms of each):
#   id        string id; Excel number 1001 → "1001", text keeps leading zeros
#   text      free text (str or None)
#   enum      text from a fixed list (``choices``), or from the rules in force (``choices_rule``:
#             a table's keys, or INDICATOR_NAMES — the names of the KPI schemes' indicators)
#   money     Decimal ≥ 0
#   int       integer ≥ 0
#   number    Decimal (any sign)
#   score     float 0–100
#   date      pandas Timestamp at midnight
#   time      "HH:MM" string (seconds dropped)
#   datetime  pandas Timestamp, seconds dropped
#   bool      True / False
#   month     "YYYY-MM"
#   phone     11-digit mobile as text

ROLES = ("客户经理", "行业客户经理", "重要室经理", "临时负责人")
CUSTOMER_CLASSES = ("A1", "A2", "B1", "B2", "C", "D")
VISIT_METHODS = ("上门", "电话", "短信", "邮件", "其他")
LEAVE_KINDS = ("事假", "病假", "年假", "婚假", "产假", "丧假", "调休", "出差", "外出走访", "补卡")
CALLBACK_METHODS = ("电话", "短信", "邮件", "上门")
CALLBACK_RESULTS = ("满意", "一般", "不满意", "未接通")
ACTIVE, CHURNED = "在网", "离网"        # 客户名册 状态
STATUSES = (ACTIVE, CHURNED)
CALENDAR_KINDS = ("工作日", "休息日")
INDICATOR_NAMES = "kpi indicator names"    # choices_rule of 指标's 指标: kehu.schemes.indicator_names
# 核对状态 of a 日历 row: `kehu init --calendar YEAR` writes 待核对 (computed, 调休 not yet in);
# a month with 待核对 rows is refused (E-calendar-unreviewed). No column / blank: the clerk's own.
CALENDAR_UNREVIEWED, CALENDAR_REVIEWED = "待核对", "已核对"


@dataclass(frozen=True)
class Column:
    name: str                 # Chinese header
    alias: str                # English alias (also the DataFrame column)
    type: str
    required: bool = True     # must be present in the header to recognise the sheet
    mandatory: bool = True    # a blank cell is an error (E-required)
    choices: tuple = ()
    choices_rule: str = ""    # dotted rules key whose table keys are the choices, or INDICATOR_NAMES
    unique: bool = False
    limit: int | None = None  # money / number / int: the largest plausible magnitude (E-range beyond)


@dataclass(frozen=True)
class Dataset:
    key: str
    name: str
    columns: tuple
    # alternative header sets: the sheet must hold all of one of them
    alternatives: tuple = field(default=())
    # columns the loader derives from the typed ones (name → pandas dtype); present in every frame
    derived: tuple = field(default=())

    def column(self, alias: str) -> Column:
        return next(c for c in self.columns if c.alias == alias)

    @property
    def required_sets(self) -> list[set[str]]:
        base = {c.alias for c in self.columns if c.required}
        if not self.alternatives:
            return [base]
        return [base | set(alt) for alt in self.alternatives]


def column_choices(col: Column, rules: dict) -> list[str]:
    """The values an enum column accepts: its fixed ``choices``, or those the rules in force give."""
    if col.choices_rule == INDICATOR_NAMES:
        return indicator_names(rules)
    if col.choices_rule:
        table = rules
        for part in col.choices_rule.split("."):
            table = table[part]
        return list(table)
    return list(col.choices)


C = Column
STAFF = Dataset("staff", "员工名册", (
    C("工号", "employee_id", "id", unique=True),
    C("姓名", "name", "text"),
    C("岗位", "role", "enum", choices=ROLES),
    C("所属室", "room", "text"),
    C("绩效基数", "performance_base", "money", limit=1_000_000),                 # a month's base, ≤ 100 万
    C("入职日期", "hired_on", "date", required=False, mandatory=False),
    C("离职日期", "left_on", "date", required=False, mandatory=False),
    C("邮箱", "email", "text", required=False, mandatory=False),
    C("电话", "phone", "text", required=False, mandatory=False),
    # the person's account in the attendance system, for exports that carry no 工号 (kehu.load.shapes.resolve)
    C("钉钉UserId", "dingtalk_userid", "id", required=False, mandatory=False),
    C("企业微信账号", "wecom_userid", "id", required=False, mandatory=False),
))
CUSTOMERS = Dataset("customers", "客户名册", (
    C("客户编号", "customer_id", "id", unique=True),
    C("客户名称", "customer_name", "text"),
    C("客户级别", "customer_class", "enum", choices=CUSTOMER_CLASSES),
    C("客户经理工号", "manager_id", "id"),
    C("关键人", "key_person", "text", required=False, mandatory=False),
    C("关键人电话", "key_person_phone", "phone", required=False, mandatory=False),
    C("关键人生日", "key_person_birthday", "date", required=False, mandatory=False),
    C("地址", "address", "text", required=False, mandatory=False),
    C("协议客户", "member", "bool"),
    C("月初成员数", "members_start", "int", limit=10_000_000),                  # a group of ≤ 1,000 万 members
    C("月末成员数", "members_end", "int", limit=10_000_000),
    C("本月收入", "revenue", "money", limit=10_000_000_000),                    # a customer's month, ≤ 100 亿
    C("本月信息化收入", "info_revenue", "money", limit=10_000_000_000),
    C("年用量", "annual_spend", "money", required=False, mandatory=False, limit=100_000_000_000),
    C("状态", "status", "enum", choices=STATUSES),
    C("离网日期", "churned_on", "date", required=False, mandatory=False),
    # the month of the figures; blank → the month the sheet's title/name states (SPEC §10.2)
    C("月份", "month", "month", required=False, mandatory=False),
))
VISITS = Dataset("visits", "出访登记", (
    C("日期", "date", "date"),
    C("客户经理工号", "manager_id", "id"),
    C("客户编号", "customer_id", "id"),
    C("方式", "method", "enum", choices=VISIT_METHODS),
    C("开始时间", "start_time", "time", required=False, mandatory=False),
    C("结束时间", "end_time", "time", required=False, mandatory=False),
    C("服务项目", "service_item", "text", required=False, mandatory=False),
    C("解决问题", "problem_solved", "bool", required=False, mandatory=False),
    C("客户签名", "customer_signed", "bool", required=False, mandatory=False),
    C("需回访", "callback_required", "bool", required=False, mandatory=False),
))
PUNCHES = Dataset("punches", "打卡记录", (
    C("工号", "employee_id", "id"),
    C("打卡时间", "punched_at", "datetime", required=False, mandatory=False),   # or 日期 + 时间:
    C("日期", "date", "date", required=False, mandatory=False),                # blanks are checked
    C("时间", "time", "time", required=False, mandatory=False),                # after combining
), alternatives=(("punched_at",), ("date", "time")))
LEAVE = Dataset("leave", "请假外出", (
    C("工号", "employee_id", "id"),
    C("类型", "kind", "enum", choices=LEAVE_KINDS),
    C("开始时间", "starts_at", "datetime"),
    C("结束时间", "ends_at", "datetime", mandatory=False),  # blank allowed for 补卡 only
), derived=(("start_date_only", "bool"),))                  # 开始时间 given as a date only (SPEC §9.3)
VIOLATIONS = Dataset("violations", "违纪记录", (
    C("工号", "employee_id", "id"),
    C("日期", "date", "date"),
    C("类型", "kind", "enum", choices_rule="violations.kinds"),
    C("说明", "note", "text", required=False, mandatory=False),
))
TARGETS = Dataset("targets", "指标", (
    C("工号", "employee_id", "id"),
    C("指标", "indicator", "enum", choices_rule=INDICATOR_NAMES),   # the rules' schemes name them
    C("基本目标", "base", "number", limit=10**12),                              # a room's year, ≤ 1 万亿
    C("目标值", "target", "number", limit=10**12),
    C("挑战目标", "challenge", "number", limit=10**12),
    C("完成值", "actual", "number", required=False, mandatory=False, limit=10**12),
    C("月份", "month", "month", required=False, mandatory=False),   # as 客户名册's (SPEC §10.2)
))
TESTS = Dataset("tests", "学习测评", (
    C("工号", "employee_id", "id"),
    C("月份", "month", "month"),
    C("成绩", "score", "score", mandatory=False),  # blank = 缺考
))
CALLBACKS = Dataset("callbacks", "回访记录", (
    C("日期", "date", "date"),
    C("客户编号", "customer_id", "id"),
    C("回访人", "agent_id", "id", required=False, mandatory=False),
    C("方式", "method", "enum", choices=CALLBACK_METHODS),
    C("结果", "result", "enum", choices=CALLBACK_RESULTS),
    C("意见", "comment", "text", required=False, mandatory=False),
))
CALENDAR = Dataset("calendar", "日历", (
    C("日期", "date", "date", unique=True),
    C("类型", "kind", "enum", choices=CALENDAR_KINDS),
    C("说明", "note", "text", required=False, mandatory=False),
    C("核对状态", "review", "enum", required=False, mandatory=False,
      choices=(CALENDAR_UNREVIEWED, CALENDAR_REVIEWED)),
))
del C

DATASETS: tuple[Dataset, ...] = (STAFF, CUSTOMERS, VISITS, PUNCHES, LEAVE, VIOLATIONS, TARGETS, TESTS, CALLBACKS, CALENDAR)
BY_KEY = {d.key: d for d in DATASETS}
OPTIONAL_DATASETS = ("calendar",)
PROVENANCE = ("_file", "_sheet", "_row")
