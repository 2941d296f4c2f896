"""Reading the letter templates (SPEC §7): a folder the department edits, so every way a file
in it can be unusable is a ``LetterTemplateError`` naming the file — and the line, where
there is one — which the command line turns into exit 2, never a raw traceback (exit 3).

Templates are UTF-8 (a BOM, as Notepad writes it, is fine). A file in another encoding is
refused, not guessed at: GBK / GB18030 would decode most byte strings "successfully", so a
guess could put garbled text into letters that go to customers; the message says how to
re-save the file as UTF-8. A name the custom folder does not hold falls back to kehu's own
template of that name (``ChoiceLoader``); a name it holds as something other than a
readable file (a folder, a broken link, a device) is an error, not a silent fall-back.
"""
from __future__ import annotations

import codecs
import os
import posixpath
import stat

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.loaders import split_template_path

MAX_TEMPLATE_BYTES = 2_000_000          # a letter template is a few KB; an inlined logo stays far below
RESAVE_AS_UTF8 = "请用记事本打开该文件，点“另存为”，编码选“UTF-8”后保存，再重新运行。"


class LetterTemplateError(Exception):
    """A letter template that cannot be read, compiled or rendered; names file and line."""

    def __init__(self, template: str, lineno: int | None, message: str):
        self.template = template
        self.lineno = lineno
        self.detail = message
        where = f" 第 {lineno} 行" if lineno else ""
        super().__init__(f"信函模板 {template}{where}有误: {message}")

    def __reduce__(self):           # raised in a pool worker, re-raised here: pickled by its parts
        return type(self), (self.template, self.lineno, self.detail)


class TemplateFolder(FileSystemLoader):
    """One folder of templates. Where Jinja2's loader would fall back silently (a folder or a
    device by the template's name) or fail raw (``UnicodeDecodeError``, ``PermissionError``),
    this raises ``LetterTemplateError`` naming the file."""

    def get_source(self, environment, template: str):
        # posixpath, as Jinja2's own loader: no "drive:" segment can leave the folder
        path = posixpath.join(self.searchpath[0], *split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)               # not customised: the next folder's
        return template_text(path), os.path.normpath(path), None


def check_folder(folder) -> None:
    """A ``--templates`` folder that can be listed; else ``LetterTemplateError`` naming it."""
    try:
        os.listdir(folder)
    except FileNotFoundError:
        raise LetterTemplateError(str(folder), None, "找不到这个模板文件夹。请检查 --templates 后面的路径。") from None
    except NotADirectoryError:
        raise LetterTemplateError(str(folder), None, "这不是文件夹。--templates 后面应是放模板文件的文件夹。") from None
    except OSError as exc:
        raise LetterTemplateError(str(folder), None, f"无法打开这个模板文件夹（{_reason(exc)}）。请检查权限后重试。") from None


def template_text(path: str) -> str:
    """The text of the template file at ``path``: a regular file, at most 2 MB, in UTF-8."""
    try:
        info = os.stat(path)
        _check_kind(path, info)
        with open(path, "rb") as fh:
            data = fh.read(MAX_TEMPLATE_BYTES + 1)
    except FileNotFoundError:                              # there (lexists) but not reachable
        raise LetterTemplateError(path, None, "这是一个失效的快捷方式（链接指向的文件不存在）。"
                                              "请换成模板文件，或删除它以使用默认模板。") from None
    except OSError as exc:
        raise LetterTemplateError(path, None, f"无法读取（{_reason(exc)}）。请关闭正在使用它的程序、"
                                              "检查文件权限后重试。") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise LetterTemplateError(path, None, "文件超过 2 MB，不像是信函模板。请检查是否放错了文件。")
    return _decoded(path, data)


def _check_kind(path: str, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise LetterTemplateError(path, None, "这是一个文件夹，不是模板文件。请把它改名或移走，"
                                              "或换成模板文件。")
    if not stat.S_ISREG(info.st_mode):
        raise LetterTemplateError(path, None, "这不是普通文件（可能是设备或管道）。请换成模板文件。")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise LetterTemplateError(path, None, "文件超过 2 MB，不像是信函模板。请检查是否放错了文件。")


def _decoded(path: str, data: bytes) -> str:
    """UTF-8 (with or without BOM); UTF-16 and every other encoding refused with the line of
    the first byte that is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LetterTemplateError(path, 1, f"文件是 UTF-16 编码（记事本里叫“Unicode”），模板须为 UTF-8 编码。"
                                           f"{RESAVE_AS_UTF8}")
    if b"\x00" in data:                                    # UTF-16 without a BOM: a 0 byte in every other
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise LetterTemplateError(path, line, f"文件含有空字符，像是 UTF-16 编码，模板须为 UTF-8 编码。{RESAVE_AS_UTF8}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LetterTemplateError(path, line, f"文件不是 UTF-8 编码{_looks_like(data)}，"
                                              f"此行有无法识别的字符。{RESAVE_AS_UTF8}") from None


def _looks_like(data: bytes) -> str:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "（看起来是 GBK/GB18030 编码）"


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被其他程序占用"
    return exc.strerror or type(exc).__name__
