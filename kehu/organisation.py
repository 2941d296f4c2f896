"""Who signs the letters: the organisation profile of the rules' ``[organisation]`` (issue 14 item 11).

Every letter to a customer — 回访函, 节日问候, 生日问候 — carries the sender: company,
department, address, service phone and the signature line, and the seal image when one is
given. The department fills the profile in its rules file (``kehu init 文件夹 --organisation``
writes a template with placeholders); while a field a customer needs is blank or still a
placeholder, a month with letters to customers warns W-letter-sender (kehu.validate.letters).
"""
from __future__ import annotations

from pathlib import Path

# the profile's keys and what the clerk calls them
FIELDS = {"company": "公司名称", "department": "部门名称", "address": "地址", "service_phone": "服务电话",
          "signature": "落款", "seal_image": "公章图片"}
# what a letter to a customer cannot go out without
NEEDED = ("company", "department", "address", "service_phone")
PLACEHOLDER_MARK = "请填写"            # every placeholder kehu writes says so: "（请填写公司全称）"
TEMPLATE_FILE = "单位信息.toml"
SEAL_SUFFIXES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
SEAL_MAX_BYTES = 1024 * 1024


def is_placeholder(value) -> bool:
    """Blank, or the placeholder text kehu's template writes."""
    return not isinstance(value, str) or not value.strip() or PLACEHOLDER_MARK in value


def unfilled(organisation: dict) -> list[str]:
    """The Chinese names of the fields a letter needs that are blank or placeholders, in order."""
    return [FIELDS[key] for key in NEEDED if is_placeholder(organisation.get(key))]


def signature_line(organisation: dict) -> str:
    """The 落款: the rules' signature, else company + department (what is filled of them)."""
    signature = organisation.get("signature", "")
    if not is_placeholder(signature):
        return signature
    return "".join(organisation.get(k, "") for k in ("company", "department") if not is_placeholder(organisation.get(k)))


def seal_kind(data: bytes) -> str | None:
    """"png" or "jpg" by the file's first bytes; None for anything else."""
    return next((kind for magic, kind in SEAL_SUFFIXES.items() if data.startswith(magic)), None)


def seal_problem(path_text: str) -> str | None:
    """Why the seal image at ``path_text`` cannot go on a letter, or None."""
    path = Path(path_text)
    try:
        if not path.is_file():
            return "不存在或不是文件"
        if path.stat().st_size > SEAL_MAX_BYTES:
            return "超过 1 MB"
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"无法读取（{exc.strerror or type(exc).__name__}）"
    return None if seal_kind(head) else "不是 PNG 或 JPG 图片"


def template_text() -> str:
    """The rules-file snippet ``kehu init --organisation`` writes: the profile with placeholders."""
    return f"""# 单位信息：客户信函（回访函、节日问候、生日问候）的落款。
# 用记事本打开，把每个“（请填写…）”改成实际内容（保留英文双引号），保存为 UTF-8。
# 运行时加上这个规则文件：kehu run 输入文件夹 --month 2026-11 --rules {TEMPLATE_FILE}
# 已有自己的规则文件的，把下面 [organisation] 一节复制到那个文件中即可。
# 还有“请填写”或空白时，有信函的月份会给出警告 W-letter-sender。

[organisation]
company = "（请填写公司全称，如 中国移动通信集团××有限公司××分公司）"
department = "集团客户部"
address = "（请填写单位地址）"
service_phone = "（请填写服务电话）"
# 落款：空着就用 公司全称 + 部门名称
signature = ""
# 公章图片（PNG 或 JPG，不超过 1 MB）：相对路径从本文件所在的文件夹算起；空着则不盖章
seal_image = ""
"""
