"""Every finding code, defined once (STYLE.md: frictionless' error classes; issue 13 item 7).

A code declares its severity, a short Chinese title, the message template (``str.format``
fields: the finding's own ``file sheet row column letter value dataset employee_id``, the
dataset's Chinese name ``table``, and the named fields each code lists), the hint — what
the clerk does next — appended to the message, what happens to the row (``rows``, as
docs/FINDINGS.md says it) and the ``stage`` the clerk fixes it at: ``file`` and ``sheet``
problems first, then ``roster`` rows others depend on, then ``row`` problems, and last the
``consequence`` lines that only say what a cause above them left unused
(kehu.findings.causes_first). Findings are built with ``kehu.findings.make(code, …)``;
docs/FINDINGS.md is tested against this table (tests/test_docs.py).
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
STAGES = ("file", "sheet", "roster", "row", "consequence")


@dataclass(frozen=True)
class Code:
    code: str
    title: str                  # 标题: what kind of problem, in a few Chinese words
    template: str               # what was expected and found
    hint: str = ""              # what the clerk does next
    rows: str = "—"             # what happens to the row: rejected, used, ignored…
    stage: str = "row"          # one of STAGES

    @property
    def severity(self) -> str:
        return ERROR if self.code.startswith("E-") else WARNING


_CELL = "{table}第 {row} 行「{column}」应为{expected}，实际为{found}。"
_PLAN_FIX = "改正后重新运行 kehu plan。"
_FIX = "请改正后重新运行。"


def _cell(code: str, title: str) -> Code:
    """A cell that cannot be read as its column's type (kehu.load.values.EXPECTED says what it should be)."""
    return Code(code, title, _CELL, _FIX, "rejected")


_DEFINED = [
    # -- files and sheets ------------------------------------------------------------------------
    Code("W-file-empty", "空文件", "文件是空的（0 字节），其中没有任何数据。",
         "如果它本应有内容，请重新导出后再放入。", stage="file"),
    Code("E-file-encrypted", "文件已加密", "{problem}",
         "请在 Excel/WPS 中取消密码（文件 → 信息 → 保护工作簿）后另存为 .xlsx 再放入。", stage="file"),
    Code("E-file-format", "无法读取的文件", "{problem}",
         "请在 Excel/WPS 中打开后另存为 .xlsx（Excel 工作簿）再放入输入文件夹。", stage="file"),
    Code("E-file-locked", "文件被占用", "{problem}", "请关闭 Excel/WPS 中打开的该文件后重新运行。", stage="file"),
    Code("E-file-archive", "压缩包", "该文件是压缩包，kehu 不读取压缩包中的文件。",
         "请把需要的文件解压到输入文件夹，并把压缩包移出输入文件夹后重新运行。", stage="file"),
    Code("W-file-extension", "扩展名与内容不符", "该文件的扩展名是 {suffix}，内容却是{what}；已按{what}读取。",
         "请核对是否放错了文件，并把扩展名改正。", stage="file"),
    Code("W-file-ignored", "不是表格的文件", "该文件{what}，已忽略。",
         "如果它应是输入数据，请另存为 .xlsx 后再放入；否则可忽略。", stage="file"),
    Code("W-file-open", "文件正在打开", "{file} 正在 Excel/WPS 中打开（有临时锁文件 {lock}）。",
         "请先保存并关闭该文件，否则读到的可能不是最新内容。", stage="file"),
    Code("E-folder-empty", "没有可读取的文件", "输入文件夹中没有可读取的 .xlsx/.xls/.csv 文件{seen}。",
         "请把当月导出的员工名册、客户名册、出访登记、打卡记录等文件放入该文件夹后重新运行。", stage="file"),
    Code("E-file-zipbomb", "文件解压后异常巨大",
         "文件解压后异常巨大（{entry}：压缩比 {ratio:.0f}:1），疑似损坏或恶意文件，已拒绝读取。",
         "请重新导出该文件。", stage="file"),
    Code("E-file-xml", "文件结构不安全", "{problem}", "请重新导出该文件。", stage="file"),
    Code("E-sheet-too-large", "工作表范围异常巨大",
         "工作表「{sheet}」的{extent}异常巨大（{rows:,} 行 × {cols:,} 列），无法安全读取。",
         "请删除多余的空行、空列或远处的单元格后另存，或重新导出。", stage="file"),
    Code("E-file-too-large", "文件过大", "{what}过大（{size}），已拒绝读取。",
         "请核对是否放错了文件；如确是输入数据，请另存为 .xlsx 后再放入。", stage="file"),
    Code("E-file-encoding", "编码无法识别", "{problem}",
         "请用 Excel 另存为「CSV UTF-8（逗号分隔）」后再放入。", stage="file"),
    Code("E-sheet-ambiguous", "无法判断的工作表", "工作表的表头同时符合{names}，无法判断是哪类数据。",
         "请删除不属于该表的列，或把数据分成两张表。", "rejected", "sheet"),
    Code("W-sheet-unknown", "无法识别的工作表", "工作表无法识别为任何一类输入数据，已忽略。{nearest}",
         "如果它是输入数据，请核对表头。", "ignored", "sheet"),
    Code("E-column-missing", "缺少必需的列",
         "第 {row} 行的表头看起来是「{table}」，但缺少必需的列「{name}」{alternative}{closest}。",
         "请把表头改为「{name}」或加上该列，然后重新运行。", "rejected", "sheet"),
    Code("W-rows-unchecked", "编号未核对", "因「{roster}」未能完整读取（见上面的错误），{parts}中的{id_name}未逐行核对。",
         "改正{roster}后重新运行即可。", "used", "consequence"),
    Code("E-dataset-missing", "缺少数据表", "{why}没有找到「{name}」（表头应包含：{columns}）。",
         "请放入该文件后重新运行。", stage="sheet"),
    Code("W-dataset-missing", "没有可选的数据表", "输入文件夹中没有找到「{name}」（表头应包含：{columns}）。",
         "如本月确实没有，可忽略；如果忘了放入，请放入后重新运行。", stage="sheet"),
    Code("E-calendar-year", "日历缺少年份",
         "内置的国家法定节假日安排不含 {year} 年{days}，无法判断哪些天是工作日。",
         "请在输入文件夹中加入「日历」工作表（列：日期、类型 工作日/休息日、说明），"
         "逐日列出 {year} 年本月的每一天后重新运行；可用 kehu init 文件夹 --calendar {year} 生成该年的日历再核对。",
         stage="sheet"),
    Code("E-calendar-unreviewed", "日历待核对",
         "日历中 {month} 的 {days} 天（{lines}）核对状态仍是「{unreviewed}」：这些日期是按《全国年节及纪念日放假办法》"
         "推算的，还没有调休。",
         "请对照国务院办公厅关于 {year} 年部分节假日安排的通知逐日核对：调休上班的周末改为「工作日」，调休放假的工作日"
         "改为「休息日」，补休日期以通知为准；核对完后把这些行的「{column}」改为「{reviewed}」，再重新运行。",
         stage="sheet"),
    # -- cells -----------------------------------------------------------------------------------
    Code("E-required", "必填的单元格为空", "{table}第 {row} 行「{column}」不能为空{why}。", "请填写后重新运行。",
         "rejected"),
    _cell("E-id", "编号无法读取"),
    Code("E-enum", "不在可选值中", "{table}第 {row} 行「{column}」应为下列之一：{choices}，实际为{found}。", _FIX,
         "rejected"),
    _cell("E-money", "金额无法读取"),
    _cell("E-int", "整数无法读取"),
    _cell("E-number", "数字无法读取"),
    _cell("E-score", "成绩无法读取"),
    _cell("E-bool", "是/否无法读取"),
    _cell("E-date", "日期无法读取"),
    _cell("E-time", "时间无法读取"),
    _cell("E-datetime", "日期时间无法读取"),
    _cell("E-month", "月份无法读取"),
    _cell("E-text", "文本无法读取"),
    Code("E-cell-error", "Excel 错误值", "{table}第 {row} 行「{column}」是 Excel 错误值 {value}（公式出错）。",
         "请改为实际数值后重新运行。", "rejected"),
    Code("E-range", "数值超出合理范围",
         "{table}第 {row} 行「{column}」超出合理范围（绝对值应不超过 {limit:,}），实际为{found}。",
         "请核对是否多输了位数或导出出错，改正后重新运行。", "rejected"),
    Code("W-phone", "手机号不对", _CELL, "请核对号码（该行照常使用）。", "used"),
    # -- rows and datasets -----------------------------------------------------------------------
    Code("W-duplicate-row", "完全相同的行", "{table}第 {row} 行与第 {first} 行完全相同，只计一次。",
         "如果确是两条不同的记录，请在某一列（如备注）写明区别。", "duplicate"),
    Code("W-example-row", "示例行", "{table}第 {row} 行是 kehu init 写入的示例行（如 张伟、1001），不是真实数据。",
         "请删除该行或用真实数据覆盖它。", "used"),
    Code("E-duplicate-key", "重复的编号",
         "{table}中「{key_names}」为 {key} 的行重复：{here}与{there}是同一个键但内容不同。"
         "有此错误时 kehu run 不生成考核结果；加 --skip-invalid 则使用{there}，不用{here}。",
         "请删除或合并重复的行后重新运行。", "rejected"),
    Code("E-date-order", "日期先后颠倒", "{subject}的{end_name} {end} 早于{start_name} {start}。",
         "请核对这两个日期后重新运行。", "rejected"),
    Code("E-room-manager", "一个室有两名室经理或临时负责人",
         "「{room}」已有一名{role}，第 {row} 行的 {name}（{employee_id}）是第二名。每个室只能有一名{role}。",
         "请核对岗位后重新运行。", "rejected"),
    Code("E-unknown-employee", "工号不在员工名册中", "{table}第 {row} 行「{column}」{value} 不在员工名册中。",
         "请核对工号（注意前导零），或先把该人员加入员工名册。", "rejected"),
    Code("W-unknown-employee", "工号不在员工名册中", "{table}第 {row} 行「{column}」{value} 不在员工名册中{effect}。",
         "请核对工号（注意前导零），或先把该人员加入员工名册。", "ignored / used"),
    Code("E-unknown-customer", "客户编号不在客户名册中", "{table}第 {row} 行「{column}」{value} 不在客户名册中。",
         "请核对客户编号（注意前导零），或先把该客户加入客户名册。", "rejected"),
    Code("W-unknown-customer", "潜在客户", "{table}第 {row} 行「{column}」{value} 不在客户名册中（视为潜在客户，不计入拜访考核）。",
         "如果它是名册中的客户，请核对客户编号（注意前导零）。", "ignored"),
    Code("E-id-lost-zeros", "编号丢失了前导零",
         "{whose}有 {ids:,} 个{id_name}疑似丢失了前导零（如 {example}），{table}中涉及 {count:,} 行（{rows_shown}），"
         "这些行未使用。",
         "请把{where}中的{id_name}列设为文本格式后重新导出。", "rejected", "roster"),
    Code("E-id-form", "编号含空格或全角字符",
         "{whose}有 {ids:,} 个{id_name}含有空格或全角字符（如 {example}），{table}中涉及 {count:,} 行（{rows_shown}），"
         "这些行未使用。",
         "请在{where}中把这些{id_name}改为半角数字、去掉空格后重新运行。", "rejected", "roster"),
    Code("E-churn-date", "离网客户没有离网日期", "客户 {customer_id}（{customer_name}）状态为离网，但没有填写离网日期。",
         "请补填离网日期后重新运行。", "rejected"),
    Code("W-churn-date", "离网日期与状态不符", "客户 {customer_id}{problem}，本月按在网计算保有。",
         "请核对状态和离网日期。", "used"),
    Code("E-target-order", "目标值先后颠倒",
         "{employee_id} 的「{indicator}」应满足 基本目标 ≤ 目标值 ≤ 挑战目标，实际为 {base} / {target} / {challenge}。",
         "请核对这三个目标后重新运行。", "rejected"),
    Code("E-target-missing", "缺少指标行", "{subject}缺少「{indicator}」的指标行{why}。",
         "请在指标表中补上基本目标、目标值、挑战目标（加 --skip-invalid 时该指标记 0 分）。"),
    Code("W-target-unused", "没有用到的指标行",
         "{name}（{employee_id}，{role}）的「{indicator}」指标行没有被使用：{why}。",
         "如工号或指标名称填错了，请改正；否则可删除该行。", "ignored"),
    Code("W-acting-head", "室经理与临时负责人并存",
         "「{room}」本月既有{manager_role} {manager}（{manager_id}）又有{acting_role} {name}（{employee_id}）：两人都按本室"
         "合计考核{targets}。", "如{manager_role}本月长期休假，请按部门规定核对其绩效基数。", "used", "roster"),
    Code("W-row-outside-month", "其他月份的行", "{when} 不属于 {month}，本月不使用。",
         "如果放错了月份的文件，请换成 {month} 的文件；否则可忽略。", "ignored"),
    Code("W-sheet-other-month", "整张表是其他月份", "这张{table}的 {count:,} 行都在 {held}，没有一行属于 {month}。",
         "如果放错了文件，请换成 {month} 的{table}；如果本月确实没有，可忽略。", "ignored / used", "sheet"),
    Code("E-month-mismatch", "数据不是本月的", "{subject}的 {count:,} 行都在 {held}，没有一行属于 {month}{note}。",
         "请核对 --month 是否写对，或换成 {label} 的{table}。", "ignored", "sheet"),
    Code("E-punch-fix-time", "补卡没有时间", "补卡必须填写补卡的时间（如 2026-10-08 09:20），第 {row} 行只有日期 {date}。",
         "请补上时间后重新运行。", "rejected"),
    Code("W-punch-fix-end", "补卡的结束时间", "补卡只使用开始时间，结束时间 {value} 已忽略。", "", "used"),
    Code("W-visit-unsigned", "缺客户签名",
         "{date} 拜访客户 {customer_id} 解决了问题，但没有客户签名（涉及具体问题解决的客户要有客户签名）。",
         "请补签。", "used"),
    Code("W-visit-foreign", "拜访了别人的客户", "{date} {manager_id} 拜访的客户 {customer_id} 属于客户经理 {owner}；仍计入该客户的拜访。",
         "", "used"),
    Code("W-visit-unlogged", "外出走访没有出访登记",
         "工号 {employee_id} 在 {date} 登记了外出走访，但出访登记中没有该员工当天的出访记录。",
         "请补填出访登记（日期、客户编号、方式），或更正请假外出的类型/日期。", "used"),
    Code("W-handover", "离职经理的客户待交接",
         "{name}（{employee_id}）的离职日期是 {left}，客户名册中仍有 {count} 个客户在其名下（第 {row} 行起），"
         "已计入「{room}」的合计。",
         "请指定接替的客户经理并通知客户，名单见考核汇总的「客户交接清单」。", "used"),
    Code("W-rows-of-rejected", "被拒的名册行", "因{roster}{where}（{id_name} {value}）被拒，另有 {count:,} 行引用 {value} 的记录未使用（{parts}）。",
         "改正该行后这些记录会自动使用。", "ignored / used", "consequence"),
    Code("W-sms-no-mobile", "关键人没有手机号",
         "关键人 {person}（{customer}）{next_month}有问候短信，但没有填写「{column}」，该短信未列入短信发送清单。",
         "请在客户名册中填写 11 位手机号后重新运行；或由客户经理另行问候。", "used"),
    Code("W-letter-sender", "信函落款未填写",
         "规则文件 [organisation] 中的{fields}还是空白或“请填写”，本月寄给客户的信函（回访函、节日/生日问候）"
         "将缺少这些落款内容。",
         "请在规则文件中填写（kehu init 文件夹 --organisation 生成填写模板），运行时用 --rules 指定该文件。",
         stage="file"),
    Code("W-class-mismatch", "客户级别与年用量不符", "客户级别为 {value}，但年用量 {spend} 元{should}。",
         "请核对客户级别或年用量。", "used"),
    # -- attendance exports: DingTalk 钉钉, WeCom 企业微信 (issue 17; kehu/load/shapes) ---------------
    Code("E-export-truncated", "导出文件不完整",
         "最后一行（第 {row} 行）只有 {cells} 列，表头有 {columns} 列：文件可能没有下载完整。该行未使用。",
         "请重新导出或下载完整的文件后再运行。", "rejected", "file"),
    Code("E-export-period", "打卡时间表不知月份",
         "这是钉钉的「打卡时间」表，表中只有日（1、2、3…），但标题中没有「统计日期：…至…」，文件名中也没有日期范围"
         "（如 _20260901-20260930），无法确定是哪年哪月。",
         "请使用钉钉导出的原文件（不要改名、不要删除标题行），或改用「每日统计」或「原始记录」导出。", "rejected", "sheet"),
    Code("E-export-no-id", "导出没有工号",
         "这张{system}导出有 {count:,} 行没有工号，只有{word}（如 {examples}），员工名册中也没有填写「{account_column}」列"
         "可以对照（kehu 不按姓名认人）。",
         "请在{system}导出时带上工号，或在员工名册中加一列「{account_column}」并填写每个人的{word}，然后重新运行。",
         "rejected", "sheet"),
    Code("E-account-duplicate", "账号在员工名册中重复",
         "员工名册中工号 {holders} 的「{account_column}」都是 {value}，无法判断{system}导出中{who}的 {count:,} 行属于谁，"
         "这些行未使用。", "请改正员工名册后重新运行。", "rejected", "roster"),
    Code("W-export-unmatched", "账号不在员工名册中",
         "{word} {who}在员工名册的「{account_column}」列中找不到，其 {count:,} 行{table}未使用。",
         "如果此人是本部门员工，请在员工名册中填写其{word}后重新运行；否则无需处理。", "ignored"),
    Code("W-export-superseded", "被取代的打卡",
         "有 {count:,} 条打卡的打卡结果是以「打卡无效」开头的（第 {row} 行起）：钉钉已用后来的打卡更新了这些记录，"
         "它们是旧记录，未使用。", "无需处理。", "ignored"),
    Code("W-export-rows-unused", "导出中不用的行", "{what}共 {count:,} 行（第 {row} 行起），未使用。",
         "这是导出中的正常内容，无需处理；如有疑问请核对原表。", "ignored"),
    Code("W-not-approved", "未审批通过", "{what}第 {row} 行：{who}的{words}，状态为「{status}」。只有审批通过的{what}才计入，"
         "本行未使用。", "如已审批通过，请重新导出后再运行。", "ignored"),
    Code("W-export-unused", "不使用的钉钉月度汇总",
         "这是钉钉的「月度汇总」（{count:,} 人），是钉钉按它自己的规则算出的结果。kehu 按考勤制度从每日统计、原始记录或"
         "打卡时间重新计算，不使用这张表，已忽略。", "无需处理。", "ignored", "sheet"),
    Code("W-export-unknown", "不认识的考勤导出",
         "这张表看起来是钉钉或企业微信的考勤导出（表头有「{words}」），但不是 kehu 认识的格式，已忽略（{count:,} 行）。"
         "kehu 读取的是：{known}。", "如果本月的打卡在这张表里，请改用上述导出之一。", "ignored", "sheet"),
    Code("W-signin-customer", "拜访客户重名",
         "签到第 {row} 行的拜访客户「{value}」在客户名册中有 {count} 个同名客户（客户编号 {ids}），无法判断是哪一个，"
         "这次拜访未计入。", "请在客户名册中区分客户名称，或在钉钉的拜访客户中写客户编号。", "ignored"),
    # -- kehu plan: its own annual workbook (kehu.findings.worded: messages written per case) -------
    Code("E-plan-annual-missing", "缺少年度指标", "{problem}", _PLAN_FIX),
    Code("E-plan-weights", "月度权重不对", "{problem}", _PLAN_FIX, rows="rejected"),
    Code("E-plan-unit", "全年目标不是整单位", "{problem}", _PLAN_FIX, rows="rejected"),
    Code("E-plan-room", "没有这个室", "{problem}", _PLAN_FIX, rows="rejected"),
    Code("E-plan-no-managers", "室里没有客户经理", "{problem}", _PLAN_FIX, rows="rejected"),
    Code("E-plan-share", "分配比例不对", "{problem}", _PLAN_FIX, rows="rejected"),
    Code("E-plan-no-workdays", "当月没有工作日", "{problem}", _PLAN_FIX),
    Code("W-plan-no-room-manager", "室里没有室经理", "{problem}", _PLAN_FIX, rows="used"),
    Code("W-plan-indicator-missing", "缺少指标的年度行", "{problem}", _PLAN_FIX),
]

CODES: dict[str, Code] = {c.code: c for c in _DEFINED}
assert len(CODES) == len(_DEFINED), "a finding code is defined twice"
