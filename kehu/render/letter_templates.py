"""The letters' templates: Jinja2's sandbox over the department's template files, and one letter rendered.

Templates are Jinja2 files the department edits (top-level ``templates/``,
installed as ``kehu/templates``); custom ones override the defaults by name. They run
in Jinja2's ``SandboxedEnvironment`` as it is, with autoescape and ``StrictUndefined``.
Every template error becomes ``LetterTemplateError`` naming the template file and line.
"""
from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from kehu.month import Month
from kehu.render.letter_selection import KINDS, Letter, as_day, cn_date, cn_month, is_blank, text
from kehu.render.template_files import LetterTemplateError, TemplateFolder, check_folder

SMS_LIMIT = 70                    # one SMS: 70 UCS-2 characters
DEFAULT_DEPARTMENT = {"name": "集团客户部", "company": "", "phone": "", "address": ""}
COMBINED_TEMPLATE = "combined.html"
INDEX_TEMPLATE = "index.html"
CSS_FILE = "letters.css"
TEMPLATE_SUFFIXES = (".html", ".txt")


def all_template_names() -> list[str]:
    """Every template a month's letters use, for compiling them all before any output."""
    names = [page for _l, page, _s in KINDS.values()] + [sms for _l, _p, sms in KINDS.values() if sms]
    return names + ["base.html", COMBINED_TEMPLATE, INDEX_TEMPLATE]


def sms_units(message: str) -> int:
    """Length as an SMS counts it (UCS-2 code units)."""
    return len(message.encode("utf-16-le")) // 2


def default_templates_dir() -> Path:
    """kehu/templates when installed; the checkout's top-level templates/ otherwise."""
    for candidate in (lambda: importlib.resources.files("kehu.templates"),
                      lambda: importlib.resources.files("kehu") / "templates"):
        try:
            installed = Path(str(candidate()))
        except (ModuleNotFoundError, TypeError):
            continue
        if (installed / "base.html").is_file():
            return installed
    return Path(__file__).resolve().parents[2] / "templates"


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".txt", ".css"))


def _finalize(value):
    if type(value) is str:                # every context value is a plain string already
        return value
    return "" if is_blank(value) else value


class LetterEnvironment:
    """The sandboxed Jinja2 environment; custom templates override the defaults by name (a file
    that is there but unusable is a ``LetterTemplateError``: kehu.render.template_files)."""

    def __init__(self, templates_dir: Path | None = None):
        if templates_dir:
            check_folder(templates_dir)
        dirs = [Path(templates_dir)] if templates_dir else []
        dirs.append(default_templates_dir())
        self.dirs = dirs
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader([TemplateFolder(str(d)) for d in dirs]),
            autoescape=_autoescape, undefined=StrictUndefined, finalize=_finalize,
            trim_blocks=True, lstrip_blocks=True,
            auto_reload=False)            # compiled once per run: no stat of the file per render
        self.templates: dict = {}

    def template(self, name: str):
        compiled = self.templates.get(name)
        if compiled is None:
            compiled = self.templates[name] = self.env.get_template(name)
        return compiled

    def check(self, names) -> None:
        """Compile every template up front so a syntax error fails before any output."""
        for name in names:
            self._guard(name, lambda n=name: self.template(n))

    def css(self) -> Markup:
        source = self._guard(CSS_FILE, lambda: self.env.loader.get_source(self.env, CSS_FILE)[0])
        return Markup(source.replace("</", "<\\/"))

    def render(self, name: str, context: dict, **extra) -> str:
        """``name`` rendered with ``context`` updated by ``extra`` (one copy of the context, made
        by Jinja2's own ``render``, rather than one here and one there)."""
        return self._guard(name, lambda: self.template(name).render(context, **extra))

    def _guard(self, name: str, action):
        try:
            return action()
        except LetterTemplateError:
            raise                       # a template file that cannot be read: named already
        except TemplateSyntaxError as exc:
            raise LetterTemplateError(exc.filename or exc.name or name, exc.lineno, exc.message or str(exc)) from exc
        except (TemplateError, Exception) as exc:
            where = _template_frame(exc)
            if where is None and not isinstance(exc, TemplateError):
                raise
            template, lineno = where or (self._path_of(name), None)
            raise LetterTemplateError(template, lineno, _describe(exc)) from exc

    def _path_of(self, name: str) -> str:
        for d in self.dirs:
            if (d / name).is_file():
                return str(d / name)
        return name


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TemplateNotFound):
        return f"找不到模板 {exc.name}"
    return str(exc) or type(exc).__name__


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """Innermost traceback frame that Jinja2 rewrote to a template file and line."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIXES):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


# ---------------------------------------------------------------- one letter

def _month_info(month: Month) -> dict:
    return {"label": month.label, "cn": cn_month(month), "year": month.year, "month": month.month}


def _department(department: dict | None) -> dict:
    merged = dict(DEFAULT_DEPARTMENT)
    for key, value in (department or {}).items():
        merged[str(key)] = text(value)
    merged["name"] = merged["name"] or DEFAULT_DEPARTMENT["name"]
    return merged


def common_context(result, department: dict | None, css: Markup) -> dict:
    as_of = as_day(result.as_of) or result.month.last_day
    return {"month": _month_info(result.month), "next_month": _month_info(result.month.next()),
            "department": _department(department), "letter_date": cn_date(as_of), "css": css}


def render_sms(env: LetterEnvironment, name: str, context: dict) -> str:
    """One SMS line ≤ 70 characters: the template again with short=true, then a hard cut."""
    message = _one_line(env.render(name, context, short=False))
    if sms_units(message) > SMS_LIMIT:
        message = _one_line(env.render(name, context, short=True))
    while sms_units(message) > SMS_LIMIT:
        message = message[:-2] + "…"
    return message


def _one_line(rendered: str) -> str:
    return "".join(line.strip() for line in rendered.splitlines())


@dataclass
class RenderedLetter:
    letter: Letter
    html: str
    fragment: str
    sms: str | None


def render_letter(env: LetterEnvironment, letter: Letter, common: dict) -> RenderedLetter:
    _label, page, sms = KINDS[letter.kind]
    context = common | letter.context | {"kind": letter.kind}
    html = env.render(page, context, fragment=False)
    fragment = env.render(page, context, fragment=True)
    message = render_sms(env, sms, context) if sms else None
    return RenderedLetter(letter, html, fragment, message)
