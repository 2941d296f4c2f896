"""Letter template files that cannot be used (issue 12 item 12, SPEC §7): not UTF-8, a folder,
unreadable, a broken link, a device — exit 2 naming the file (and the line, where there is one),
never a raw UnicodeDecodeError (exit 3) nor a silent fall-back to the default template."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.render import template_files
from kehu.render.letter_templates import LetterEnvironment, default_templates_dir
from kehu.render.letters import write_letters
from kehu.render.template_files import LetterTemplateError
from letters_factory import demo_result

GREETING = "{% extends 'base.html' %}\n{% block letter %}\n<p>尊敬的{{ customer.name }}：您好！</p>\n{% endblock %}\n"


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory) -> Path:
    return write_month(tmp_path_factory.mktemp("month") / "in", tiny_month())


def run_with(month_dir: Path, templates: Path, out: Path, *more):
    return CliRunner().invoke(cli, ["run", str(month_dir), "--month", "2026-10", "--out", str(out),
                                    "--templates", str(templates), *more])


def custom(tmp_path: Path, name: str = "callback_letter.html", data: bytes | None = None) -> Path:
    folder = tmp_path / "我的模板"
    folder.mkdir(exist_ok=True)
    if data is not None:
        (folder / name).write_bytes(data)
    return folder


def refused(folder: Path, name: str = "callback_letter.html") -> LetterTemplateError:
    with pytest.raises(LetterTemplateError) as caught:
        LetterEnvironment(folder).check([name])
    return caught.value


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding, line, says", [("gbk", 3, "GBK"), ("gb18030", 3, "GBK"),
                                                   ("utf-16", 1, "UTF-16"), ("utf-16-le", 1, "UTF-16")])
def test_a_template_not_in_utf8_exits_2_naming_file_and_line(month_dir, tmp_path, encoding, line, says):
    templates = custom(tmp_path, data=GREETING.encode(encoding))
    result = run_with(month_dir, templates, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert str(templates / "callback_letter.html") in result.output
    assert f"第 {line} 行" in result.output and says in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output and "UnicodeDecodeError" not in result.output
    assert not (tmp_path / "out" / "2026-10").exists()


def test_the_line_is_that_of_the_first_byte_not_in_utf8(tmp_path):
    data = "第一行\n第二行\n".encode("utf-8") + "第三行".encode("gbk") + b"\n"
    error = refused(custom(tmp_path, data=data))
    assert (error.lineno, Path(error.template).name) == (3, "callback_letter.html")


def test_utf8_with_a_bom_is_utf8(tmp_path):
    folder = custom(tmp_path, data=GREETING.encode("utf-8-sig"))
    written = write_letters(demo_result(), tmp_path / "out", templates_dir=folder)
    callback = next(p for p in written if p.name.startswith("回访函"))
    page = callback.read_text(encoding="utf-8")
    assert "您好" in page and "\ufeff" not in page


# ---------------------------------------------------------------- files that are not template files

def test_a_folder_by_a_template_name_exits_2_and_is_not_skipped(month_dir, tmp_path):
    templates = custom(tmp_path)
    (templates / "callback_letter.html").mkdir()
    result = run_with(month_dir, templates, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "callback_letter.html" in result.output and "文件夹" in result.output


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="a symbolic link needs rights on Windows")
def test_a_broken_link_by_a_template_name_is_named(tmp_path):
    templates = custom(tmp_path)
    os.symlink(tmp_path / "不存在.html", templates / "callback_letter.html")
    assert "失效" in str(refused(templates))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on Windows")
def test_a_pipe_by_a_template_name_is_refused_without_reading_it(tmp_path):
    templates = custom(tmp_path)
    os.mkfifo(templates / "base.html")                      # reading it would wait for a writer
    error = refused(templates, "base.html")
    assert "普通文件" in str(error) and error.template.endswith("base.html")


def test_an_unreadable_template_is_named(tmp_path, monkeypatch):
    templates = custom(tmp_path, data=GREETING.encode("utf-8"))

    def locked(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)
    monkeypatch.setattr(template_files, "open", locked, raising=False)
    error = refused(templates)
    assert error.template.endswith("callback_letter.html") and "没有读取权限" in str(error)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_template_file_on_disk_is_named(tmp_path):
    templates = custom(tmp_path, data=GREETING.encode("utf-8"))
    (templates / "callback_letter.html").chmod(0)
    assert "没有读取权限" in str(refused(templates))


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    templates = custom(tmp_path)
    with open(templates / "letters.css", "wb") as fh:
        fh.truncate(template_files.MAX_TEMPLATE_BYTES + 1)
    with pytest.raises(LetterTemplateError, match="2 MB"):
        LetterEnvironment(templates).css()


def test_a_templates_folder_that_is_gone_or_a_file_is_named(tmp_path):
    with pytest.raises(LetterTemplateError, match="找不到这个模板文件夹"):
        LetterEnvironment(tmp_path / "没有")
    (tmp_path / "文件").write_text("x", encoding="utf-8")
    with pytest.raises(LetterTemplateError, match="不是文件夹"):
        LetterEnvironment(tmp_path / "文件")


def test_a_template_the_folder_does_not_hold_is_the_default_one(tmp_path):
    env = LetterEnvironment(custom(tmp_path))
    source, filename, _ = env.env.loader.get_source(env.env, "callback_letter.html")
    assert Path(filename) == default_templates_dir() / "callback_letter.html"


def test_the_error_is_one_line_and_survives_a_gbk_console(tmp_path):
    error = refused(custom(tmp_path, data=GREETING.encode("gbk")))
    assert "\n" not in str(error)
    str(error).encode("gbk")                                # the clerk's console can print it


# ---------------------------------------------------------------- raised in a pool worker

def test_a_template_error_raised_in_a_pool_worker_still_exits_2(month_dir, tmp_path, monkeypatch):
    """The template compiles (the main process checks it) and fails only when a worker renders it."""
    from kehu.render import outputs
    monkeypatch.setattr(outputs, "PARALLEL_MIN", 0)                 # the tiny month through the pool
    broken = "{% extends 'base.html' %}\n{% block letter %}\n{{ customer.no_such_field }}\n{% endblock %}\n"
    templates = custom(tmp_path, data=broken.encode("utf-8"))
    result = run_with(month_dir, templates, tmp_path / "out", "--jobs", "2")
    assert result.exit_code == 2, result.output
    assert "callback_letter.html" in result.output and "第 3 行" in result.output
    assert not (tmp_path / "out" / "2026-10").exists()
