"""The demo month's files as a clerk would hand them in (sample_inputs/): title rows, 出访登记 in two
room workbooks of different habits, numeric and text 工号, text dates of three kinds, a GBK CSV,
English alias headers, extra columns — see the list at the end of demo.py's docstring."""
from __future__ import annotations

from pathlib import Path

from .customers import customer_columns
from .write import Sheet, col_bool, col_excel_date, col_id_number, col_num, col_text, col_text_date, col_time


def demo_tasks(frames, out: Path):
    """The messy committed layout of sample_inputs/."""
    st, cu, vi, pu = frames["staff"], frames["customers"], frames["visits"], frames["punches"]
    name_of = dict(zip(st["employee_id"], st["name"]))
    cname = dict(zip(cu["customer_id"], cu["customer_name"]))
    room_of = dict(zip(st["employee_id"], st["room"]))
    tasks = []
    # 员工名册: 工号 as Excel numbers
    tasks.append(("xlsx", out / "员工名册.xlsx", [Sheet("员工名册", [
        ("工号", *col_id_number(st["employee_id"])), ("姓名", *col_text(st["name"])),
        ("岗位", *col_text(st["role"])), ("所属室", *col_text(st["room"])),
        ("绩效基数", *col_num(st["performance_base"], "money")),
        ("入职日期", *col_excel_date(st["hired_on"])), ("离职日期", *col_excel_date(st["left_on"])),
        ("邮箱", *col_text(st["email"])), ("电话", *col_text(st["phone"]))], widths={"邮箱": 32})]))
    # 客户名册: title row, ids with leading zeros as text, 离网日期 as 2026年10月12日 text
    tasks.append(("xlsx", out / "客户名册.xlsx", [Sheet("客户名册", [
        *customer_columns(cu, col_text_date(cu["churned_on"], "cn"))],
        title="集团客户名册(2026年10月)", widths={"客户名称": 34, "地址": 36})]))
    # 出访登记: one workbook per room; room 1 text dates 2026/10/8 + text times + numeric 工号,
    # room 2 real Excel dates/times, text 工号, √/× booleans
    for room, fname in (("重要一室", "出访登记_重要一室.xlsx"), ("重要二室", "出访登记_重要二室.xlsx")):
        v = vi[[room_of[m] == room for m in vi["manager_id"]]]
        one = room == "重要一室"
        bstyle = "是否" if one else "√×"
        tasks.append(("xlsx", out / fname, [Sheet("出访登记", [
            ("日期", *(col_text_date(v["date"], "slash") if one else col_excel_date(v["date"]))),
            ("客户经理工号", *(col_id_number(v["manager_id"]) if one else col_text(v["manager_id"]))),
            ("客户编号", *col_text(v["customer_id"])),
            ("客户名称", *col_text([cname[k] for k in v["customer_id"]])),
            ("方式", *col_text(v["method"])),
            ("开始时间", *col_time(v["start_time"], "hm" if one else "excel")),
            ("结束时间", *col_time(v["end_time"], "hm" if one else "excel")),
            ("服务项目", *col_text(v["service_item"])),
            ("解决问题", *col_bool(v["problem_solved"], bstyle)),
            ("客户签名", *col_bool(v["customer_signed"], bstyle)),
            ("需回访", *col_bool(v["callback_required"], bstyle))], widths={"客户名称": 34, "服务项目": 22})]))
    # 打卡记录: one workbook, a sheet per room; room 1 with a title row and 打卡时间 datetimes,
    # room 2 with separate 日期 (Excel date) + 时间 (text with seconds)
    p1 = pu[[room_of[e] == "重要一室" for e in pu["employee_id"]]]
    p2 = pu[[room_of[e] == "重要二室" for e in pu["employee_id"]]]
    secs2 = (p2["punched_at"] - p2["punched_at"].dt.normalize()).dt.total_seconds().to_numpy()
    tasks.append(("xlsx", out / "打卡记录.xlsx", [
        Sheet("重要一室", [("工号", *col_text(p1["employee_id"])),
                         ("姓名", *col_text([name_of[e] for e in p1["employee_id"]])),
                         ("打卡时间", *col_excel_date(p1["punched_at"], "datetime")),
                         ("打卡设备", *col_text(["一楼大厅考勤机"] * len(p1)))],
              title="集团客户部2026年10月打卡记录(重要一室)"),
        Sheet("重要二室", [("工号", *col_text(p2["employee_id"])),
                         ("姓名", *col_text([name_of[e] for e in p2["employee_id"]])),
                         ("日期", *col_excel_date(p2["punched_at"].dt.normalize())),
                         ("时间", *col_time(secs2, "hms"))])]))
    # 请假外出: GBK CSV, datetimes as text, one date-only row, 补卡 without 结束时间
    lv = frames["leave"]
    tasks.append(("csv", out / "请假外出.csv", (Sheet("请假外出", [
        ("工号", *col_text(lv["employee_id"])), ("姓名", *col_text([name_of[e] for e in lv["employee_id"]])),
        ("类型", *col_text(lv["kind"])), ("开始时间", *col_text(lv["starts_at"])),
        ("结束时间", *col_text(lv["ends_at"])), ("事由", *col_text(lv["reason"]))]), "gbk")))
    # 违纪记录: dates as 2026年10月9日 text
    vl = frames["violations"]
    tasks.append(("xlsx", out / "违纪记录.xlsx", [Sheet("违纪记录", [
        ("工号", *col_text(vl["employee_id"])), ("姓名", *col_text([name_of[e] for e in vl["employee_id"]])),
        ("日期", *col_text_date(vl["date"], "cn")), ("类型", *col_text(vl["kind"])),
        ("说明", *col_text(vl["note"]))], widths={"说明": 30})]))
    # 指标: English alias headers
    tg = frames["targets"]
    tasks.append(("xlsx", out / "指标.xlsx", [Sheet("2026年10月指标", [
        ("employee_id", *col_text(tg["employee_id"])), ("indicator", *col_text(tg["indicator"])),
        ("base", *col_num(tg["base"])), ("target", *col_num(tg["target"])),
        ("challenge", *col_num(tg["challenge"])), ("actual", *col_num(tg["actual"]))])]))
    # 学习测评: title row, mixed month formats
    te = frames["tests"]
    mon = [{"2026-08": "2026-08", "2026-09": "2026年9月", "2026-10": "2026-10"}[m] for m in te["month"]]
    tasks.append(("xlsx", out / "学习测评.xlsx", [Sheet("学习测评", [
        ("工号", *col_text(te["employee_id"])), ("姓名", *col_text([name_of[e] for e in te["employee_id"]])),
        ("月份", *col_text(mon)), ("成绩", *col_num(te["score"]))],
        title="集团客户部2026年8—10月业务学习测评成绩")]))
    # 回访记录: Excel dates for October, text 2026/11/2 for the November tail
    cb = frames["callbacks"]
    dates, _f = col_excel_date(cb["date"])
    dtext, _ = col_text_date(cb["date"], "slash")
    dates = [t if d.month == 11 else s for d, s, t in zip(cb["date"], dates, dtext)]
    tasks.append(("xlsx", out / "回访记录.xlsx", [Sheet("回访记录", [
        ("日期", dates, "date"), ("客户编号", *col_text(cb["customer_id"])),
        ("客户名称", *col_text([cname[k] for k in cb["customer_id"]])),
        ("回访人", *col_text(cb["agent_id"])), ("方式", *col_text(cb["method"])),
        ("结果", *col_text(cb["result"])), ("意见", *col_text(cb["comment"]))],
        widths={"客户名称": 34, "意见": 30})]))
    return tasks
