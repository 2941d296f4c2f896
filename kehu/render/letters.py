"""Callback, greeting and certificate letters (SPEC §7) from editable templates.

Which letters a month gets (all read from ``MonthResult``):

- 回访函: one per customer with a service event this month whose callback is
  missing, or was attempted but never answered (未接通, event still open)
  — seed 000 回访规范 "必须保证在三天之内回访", "必须保证会员客户的100%的回访".
  Filed under the customer's manager; lists each such visit.
- 节日问候: one per key person (在网 customer with a 关键人) for each of 元旦 / 春节 /
  端午 / 中秋 falling in the next month — seed 000 集团客户关键人服务工作.
- 生日问候: key persons whose 关键人生日 falls in the next month (same clause).
- 奖状: managers whose learning result carries ``certificate`` — seed 004 学习制度
  "连续三次被评为最优客户经理的员工颁发奖状".

Templates are Jinja2 files the department edits (top-level ``templates/``,
installed as ``kehu/templates``); they run in the sandbox with autoescape and
``StrictUndefined``. Values reach them as plain strings ("" for a missing
value, never None or nan). Every template error becomes ``LetterTemplateError``
naming the template file and line.
"""
from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import markupsafe
from jinja2 import ChoiceLoader, StrictUndefined, Template, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from kehu.month import Month
from kehu.render.holidays import birthday_in, festivals_in
from kehu.render.frames import columns
from kehu.render.safe import safe_filename, unique_names
from kehu.render.template_files import LetterTemplateError, TemplateFolder, check_folder

SMS_LIMIT = 70                    # one SMS: 70 UCS-2 characters
ACTIVE_STATUS = "在网"
DEFAULT_DEPARTMENT = {"name": "集团客户部", "company": "", "phone": "", "address": ""}

# kind → (label, page template, SMS template or None)
KINDS = {
    "callback": ("回访函", "callback_letter.html", None),
    "festival": ("节日问候", "festival_greeting.html", "festival_sms.txt"),
    "birthday": ("生日问候", "birthday_greeting.html", "birthday_sms.txt"),
    "certificate": ("奖状", "certificate.html", None),
}
COMBINED_TEMPLATE = "combined.html"
INDEX_TEMPLATE = "index.html"
CSS_FILE = "letters.css"
TEMPLATE_SUFFIXES = (".html", ".txt")


@dataclass
class Letter:
    kind: str
    manager_id: str
    stem: str                     # the file name wanted, without extension (may hold any customer id)
    title: str                    # line in the index
    context: dict = field(default_factory=dict)
    file: str = ""                # the file name given, without extension: safe, unique in its folder


# ---------------------------------------------------------------- values

def _blank(value) -> bool:
    """None, NaN, NaT, pd.NA, Decimal NaN: the values that must print as ""."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:        # fast path: most values of a month
        return False
    if kind is float:
        return value != value
    if kind is pd.Timestamp:                               # NaT is not a Timestamp
        return False
    if value is None or isinstance(value, (str, bool, list, tuple, dict)):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value) -> str:
    """Any cell → display string; None / NaN / NaT → ""."""
    if type(value) is str:
        return value.strip()
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_day(value) -> date | None:
    if type(value) is pd.Timestamp:
        return value.date()
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def cn_date(value) -> str:
    day = as_day(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_month(month: Month) -> str:
    return f"{month.year}年{month.month}月"


def sms_units(message: str) -> int:
    """Length as an SMS counts it (UCS-2 code units)."""
    return len(message.encode("utf-16-le")) // 2


# ---------------------------------------------------------------- templates

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
    return "" if _blank(value) else value


_DICT_ATTRIBUTES = frozenset(dir(dict))


_escape_text = getattr(markupsafe, "_escape_inner", None)      # markupsafe's escape of a plain str
_new_str = str.__new__


def _escape(value) -> Markup:
    """``markupsafe.escape`` without its Python-level ``Markup.__new__`` for the common case
    (a plain str: every value of a letter context) — the same Markup, built directly."""
    if type(value) is str:
        return _new_str(Markup, _escape_text(value))
    return markupsafe.escape(value)


class _LetterTemplate(Template):
    """A compiled template whose output escaping is ``_escape``.

    Jinja2 compiles ``{{ x }}`` under autoescape to ``escape(finalize(x))``, with
    ``escape`` (markupsafe's) imported into the template's module namespace — ~1M calls
    a province month. When that name is present and markupsafe's inner escape is
    known, it is rebound there; otherwise the template keeps markupsafe's own."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        namespace = getattr(template.root_render_func, "__globals__", None)
        if _escape_text is not None and namespace is not None and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _escape
        return template


class _LetterSandbox(SandboxedEnvironment):
    """The sandbox with a fast ``a.b`` on plain dicts (every letter context is one).

    The sandbox's ``getattr`` tries ``getattr(a, "b")`` first and, for a key that is
    not a dict attribute, falls back to ``a["b"]`` after an AttributeError; this
    goes to ``a["b"]`` directly in that case — the same result without the exception.
    """

    template_class = _LetterTemplate

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class LetterEnvironment:
    """The sandboxed Jinja2 environment; custom templates override the defaults by name (a file
    that is there but unusable is a ``LetterTemplateError``: kehu.render.template_files)."""

    def __init__(self, templates_dir: Path | None = None):
        if templates_dir:
            check_folder(templates_dir)
        dirs = [Path(templates_dir)] if templates_dir else []
        dirs.append(default_templates_dir())
        self.dirs = dirs
        self.env = _LetterSandbox(
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


# ---------------------------------------------------------------- selection

def needs_callback_letter(status, failed_attempts) -> bool:
    """Callback missing, or tried but never answered (未接通) while the event is open."""
    failed = 0 if _blank(failed_attempts) else int(failed_attempts)
    return status == "missing" or (status == "pending" and failed > 0)


STAFF_FIELDS = ("name", "phone", "room", "role", "email")
CUSTOMER_FIELDS = ("customer_name", "customer_class", "key_person", "key_person_phone", "address", "member",
                   "manager_id", "status")
KEY_PERSON_FIELDS = ("customer_id", "customer_name", "manager_id", "key_person")
EVENT_FIELDS = ("manager_id", "customer_id", "customer_name", "visit_date", "service_item", "deadline",
                "status", "failed_attempts")


class Directory:
    """Staff and customers of the month, as plain strings for the templates.

    Read column-wise (one ``tolist`` per column, no row dicts for 100,000
    customers); a manager's / customer's strings are made once, on first use.
    The last row of a repeated id wins.
    """

    def __init__(self, result):
        self._staff_cols, self._staff_at = _by_id(result.staff, "employee_id", STAFF_FIELDS)
        self._cust_frame = result.customers
        self._cust_cols, self._cust_at = _by_id(result.customers, "customer_id", CUSTOMER_FIELDS)
        self._managers: dict[str, dict] = {}
        self._customers: dict[str, dict] = {}
        self._key_persons: list[dict] | None = None
        self._key_person_at: list[int] | None = None

    def manager(self, employee_id) -> dict:
        key = text(employee_id)
        known = self._managers.get(key)
        if known is None:
            i, cols = self._staff_at.get(key), self._staff_cols
            known = {"id": key, **{f: ("" if i is None else text(cols[f][i])) for f in STAFF_FIELDS}}
            self._managers[key] = known
        return dict(known)

    def customer(self, customer_id, fallback_name="") -> dict:
        key = text(customer_id)
        known = self._customers.get(key)
        if known is None:
            i, cols = self._cust_at.get(key), self._cust_cols
            if i is None:
                known = {"id": key, "name": "", "class": "", "key_person": "", "key_person_phone": "",
                         "address": "", "member": False}
            else:
                member = cols["member"][i]
                known = {"id": key, "name": text(cols["customer_name"][i]), "class": text(cols["customer_class"][i]),
                         "key_person": text(cols["key_person"][i]),
                         "key_person_phone": text(cols["key_person_phone"][i]), "address": text(cols["address"][i]),
                         "member": bool(member) if not _blank(member) else False}
            self._customers[key] = known
        found = dict(known)
        found["name"] = found["name"] or text(fallback_name)
        return found

    def manager_of(self, customer_id, fallback) -> str:
        i = self._cust_at.get(text(customer_id))
        return (text(self._cust_cols["manager_id"][i]) if i is not None else "") or text(fallback)

    def key_persons(self) -> list[dict]:
        """在网 customers with a 关键人, by customer id (their raw cells)."""
        if self._key_persons is None:
            self._key_persons = self._key_person_records(self._key_person_rows())
        return self._key_persons

    def key_persons_born_in(self, month_number: int) -> list[dict]:
        """The ``key_persons`` whose 关键人生日 falls in calendar month ``month_number`` (same
        order). A datetime column is filtered before any date is boxed (~7 % of 80,000)."""
        at = self._key_person_rows()
        born = self._cust_frame["key_person_birthday"] if "key_person_birthday" in self._cust_frame else None
        if self._key_persons is not None or born is None or born.dtype.kind != "M":
            return [row for row in self.key_persons() if _born_in(row.get("key_person_birthday"), month_number)]
        months = born.take(at).dt.month.to_numpy()
        return self._key_person_records([i for i, m in zip(at, months.tolist()) if m == month_number])

    def _key_person_rows(self) -> list[int]:
        if self._key_person_at is None:
            cols, at = self._cust_cols, []
            for customer_id in sorted(self._cust_at):
                i = self._cust_at[customer_id]
                if text(cols["key_person"][i]) and text(cols["status"][i]) == ACTIVE_STATUS:
                    at.append(i)
            self._key_person_at = at
        return self._key_person_at

    def _key_person_records(self, at: list[int]) -> list[dict]:
        cols = self._cust_cols
        # the birthday column (dates: slow to box) is read for these rows only
        born = columns(self._cust_frame, ("key_person_birthday",), at)["key_person_birthday"]
        return [{**{f: cols[f][i] for f in KEY_PERSON_FIELDS}, "key_person_birthday": b} for i, b in zip(at, born)]


def _born_in(value, month_number: int) -> bool:
    born = as_day(value)
    return born is not None and born.month == month_number


def _by_id(frame, id_column: str, names) -> tuple[dict[str, list], dict[str, int]]:
    cols = columns(frame, (id_column, *names))
    at = {text(value): i for i, value in enumerate(cols[id_column])}       # last row of an id wins
    return cols, at


def callback_letters(result, directory: Directory) -> list[Letter]:
    frame = result.callback_events
    flags = columns(frame, ("status", "failed_attempts"))
    picked = [i for i, (status, failed) in enumerate(zip(flags["status"], flags["failed_attempts"]))
              if needs_callback_letter(status, failed)]
    cols = columns(frame, EVENT_FIELDS, picked)          # the other cells of these events only
    by_customer: dict[str, list[dict]] = {}
    for j in range(len(picked)):
        event = {name: cols[name][j] for name in EVENT_FIELDS}
        by_customer.setdefault(text(event["customer_id"]), []).append(event)
    letters = []
    for customer_id in sorted(by_customer):
        rows = sorted(by_customer[customer_id], key=lambda e: (as_day(e.get("visit_date")) or date.min))
        manager_id = directory.manager_of(customer_id, rows[0].get("manager_id"))
        customer = directory.customer(customer_id, rows[0].get("customer_name"))
        visits = [_visit(e, directory) for e in rows]
        context = {"customer": customer, "manager": directory.manager(manager_id), "visits": visits,
                   "reference": f"HF-{result.month.label}-{customer_id}"}
        letters.append(Letter("callback", manager_id, f"回访函_{customer_id}",
                              f"回访函 {customer['name']}", context))
    return letters


def _visit(event: dict, directory: Directory) -> dict:
    manager = directory.manager(event.get("manager_id"))
    failed = 0 if _blank(event.get("failed_attempts")) else int(event.get("failed_attempts"))
    return {"date": cn_date(event.get("visit_date")), "service_item": text(event.get("service_item")),
            "manager_name": manager["name"], "manager_phone": manager["phone"],
            "deadline": cn_date(event.get("deadline")), "status": text(event.get("status")),
            "failed_attempts": failed}


def key_persons(result, directory: Directory) -> list[dict]:
    """在网 customers with a 关键人, by customer id."""
    return directory.key_persons()


def festival_letters(result, directory: Directory) -> list[Letter]:
    letters = []
    for festival in festivals_in(result.month.next()):
        info = {"name": festival.name, "date": cn_date(festival.day), "date_iso": festival.day.isoformat(),
                "year": festival.day.year}
        for row in key_persons(result, directory):
            customer_id = text(row["customer_id"])
            context = _greeting_context(row, directory) | {"festival": info}
            letters.append(Letter("festival", text(row.get("manager_id")),
                                  f"节日问候_{festival.name}_{customer_id}",
                                  f"{festival.name}问候 {text(row.get('key_person'))}\uff08{text(row.get('customer_name'))}\uff09",
                                  context))
    return letters


def birthday_letters(result, directory: Directory) -> list[Letter]:
    target = result.month.next()
    letters = []
    for row in directory.key_persons_born_in(target.month):      # birthday_in needs the month to match
        born = as_day(row.get("key_person_birthday"))
        day = birthday_in(target, born) if born else None
        if day is None:
            continue
        customer_id = text(row["customer_id"])
        info = {"date": f"{day.month}月{day.day}日", "date_iso": day.isoformat()}
        context = _greeting_context(row, directory) | {"birthday": info}
        letters.append(Letter("birthday", text(row.get("manager_id")), f"生日问候_{customer_id}",
                              f"生日问候 {text(row.get('key_person'))}\uff08{info['date']}\uff09", context))
    return letters


def _greeting_context(row: dict, directory: Directory) -> dict:
    customer = directory.customer(row["customer_id"])
    return {"customer": customer, "key_person": customer["key_person"],
            "manager": directory.manager(row.get("manager_id"))}


def certificate_letters(result, directory: Directory) -> list[Letter]:
    letters = []
    first = result.month.shift(-2)
    for employee in result.results.get("employees", []):
        learning = employee.get("learning") or {}
        if not learning.get("certificate"):
            continue
        employee_id = text(employee.get("employee_id"))
        person = directory.manager(employee_id)
        person["name"] = person["name"] or text(employee.get("name"))
        person["room"] = person["room"] or text(employee.get("room"))
        context = {"employee": person, "score": text(learning.get("score")),
                   "period": {"start": cn_month(first), "end": cn_month(result.month)}}
        letters.append(Letter("certificate", employee_id, "奖状", f"奖状 {person['name']}", context))
    return letters


def select_letters(result, directory: Directory | None = None) -> list[Letter]:
    """The month's letters in filing order: 回访函, 节日问候, 生日问候, 奖状."""
    directory = directory or Directory(result)
    return (callback_letters(result, directory) + festival_letters(result, directory)
            + birthday_letters(result, directory) + certificate_letters(result, directory))


# ---------------------------------------------------------------- rendering

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


COMBINED_STEM = "合并打印"
COMBINED_FILE = f"{COMBINED_STEM}.html"
UNASSIGNED = "未分配"                  # the folder of letters whose customer has no manager
INDEX_FILE = "index.html"
ROOT_FILES = (INDEX_FILE,)            # the files beside the managers' folders: no folder takes their names


def name_files(groups: dict[str, list[Letter]]) -> dict[str, str]:
    """Each manager's folder (``letters/<工号>/``) and each letter's ``file``, decided for the
    whole month at once, before the batches are cut (SPEC §7): a 工号 or 客户编号 made safe
    for every file system (``safe_filename``) and unique case-insensitively
    (``unique_names``) — ``10.05`` and ``10_05``, ``A/1`` and ``A:1``, ``A100`` and ``a100``
    never share a folder or a file, ``CON`` is no device. Returns {manager id: folder}."""
    ids = list(groups)
    folders = unique_names([(i, safe_filename(i, fallback=UNASSIGNED)) for i in ids], reserved=ROOT_FILES)
    for mine in groups.values():
        stems = unique_names([(letter.stem, safe_filename(letter.stem)) for letter in mine], reserved=(COMBINED_STEM,))
        for letter, stem in zip(mine, stems):
            letter.file = stem
    return dict(zip(ids, folders))


def _manager_files(env, common, manager: dict, items: list[RenderedLetter], files: dict) -> dict:
    """Add one manager's letters, SMS texts and combined print file to ``files`` (in the folder
    and under the names ``name_files`` gave them); the index entry."""
    folder = manager["folder"]
    entries = []
    for item in items:
        stem = item.letter.file
        files[f"{folder}/{stem}.html"] = item.html
        entry = {"kind": item.letter.kind, "label": KINDS[item.letter.kind][0], "title": item.letter.title,
                 "href": quote(f"{folder}/{stem}.html"), "sms": item.sms or "", "sms_href": ""}
        if item.sms is not None:
            files[f"{folder}/{stem}.txt"] = item.sms + "\n"
            entry["sms_href"] = quote(f"{folder}/{stem}.txt")
        entries.append(entry)
    pages = [Markup(item.fragment) for item in items]
    files[f"{folder}/{COMBINED_FILE}"] = env.render(COMBINED_TEMPLATE, common | {"manager": manager, "pages": pages})
    return manager | {"letters": entries, "combined": quote(f"{folder}/{COMBINED_FILE}")}


def _festival_list(result) -> list[dict]:
    return [{"name": f.name, "date": cn_date(f.day)} for f in festivals_in(result.month.next())]


def _counts(kinds) -> dict:
    """{kind: how many letters} over the kinds of the letters written."""
    counts = {kind: 0 for kind in KINDS}
    for kind in kinds:
        counts[kind] += 1
    return counts


def all_template_names() -> list[str]:
    names = [page for _l, page, _s in KINDS.values()] + [sms for _l, _p, sms in KINDS.values() if sms]
    return names + ["base.html", COMBINED_TEMPLATE, INDEX_TEMPLATE]


@dataclass
class LetterBatch:
    """Some managers' letters, rendered and written by one task (in a pool worker for a big month)."""
    run: tuple                                 # (pid, n): which MonthLetters; a worker keeps its environment
    templates_dir: Path | None
    common: dict
    groups: list                               # [(manager, [Letter, …] in filing order), …]
    root: str                                  # the letters/ folder


def write_letter_batch(batch: LetterBatch) -> tuple[list[dict], list[str]]:
    """Render every letter of the batch, then write them: (the managers' index entries, the files)."""
    env = _batch_environment(batch)
    files: dict[str, str] = {}
    entries = [_manager_files(env, batch.common, manager, [render_letter(env, letter, batch.common)
                                                           for letter in letters], files)
               for manager, letters in batch.groups]
    return entries, _write_files(batch.root, files)


_ENVIRONMENT: dict = {}                        # run → LetterEnvironment, in this process


def _batch_environment(batch: LetterBatch) -> "LetterEnvironment":
    """The templates compiled once per run and process, not once per batch."""
    env = _ENVIRONMENT.get(batch.run)
    if env is None:
        _ENVIRONMENT.clear()
        env = _ENVIRONMENT[batch.run] = LetterEnvironment(batch.templates_dir)
    return env


class MonthLetters:
    """The month's letters: checked templates, then batches of managers' letters (written
    wherever the caller runs them: here, or a pool's workers), then the index page."""

    _runs = 0

    def __init__(self, result, out_dir: Path, templates_dir: Path | None = None, department: dict | None = None):
        MonthLetters._runs += 1
        self.run, self.result, self.templates_dir = (os.getpid(), MonthLetters._runs), result, templates_dir
        self.root = Path(out_dir) / "letters"
        self.env = LetterEnvironment(templates_dir)
        self.env.check(all_template_names())            # a syntax error fails before any output
        self.common = common_context(result, department, self.env.css())

    def batches(self, count: int = 1) -> list[LetterBatch]:
        """The month's letters in ``count`` batches (or fewer) of whole managers, in filing order."""
        directory = Directory(self.result)
        letters = select_letters(self.result, directory)
        groups: dict[str, list[Letter]] = {}
        for letter in letters:
            groups.setdefault(letter.manager_id, []).append(letter)
        folders = name_files(groups)                     # for the whole month: never per batch
        managers = [(directory.manager(manager_id) | {"folder": folders[manager_id]}, mine)
                    for manager_id, mine in groups.items()]
        size = max(1, -(-len(managers) // max(1, count)))
        return [LetterBatch(self.run, self.templates_dir, self.common, managers[i:i + size], str(self.root))
                for i in range(0, len(managers), size)]

    def write_index(self, done: list[tuple[list[dict], list[str]]]) -> list[Path]:
        """index.html over the written batches; every file written, index last."""
        managers = sorted((entry for entries, _files in done for entry in entries), key=lambda m: (m["room"], m["id"]))
        counts = _counts(letter["kind"] for manager in managers for letter in manager["letters"])
        index = self.env.render(INDEX_TEMPLATE, self.common | {
            "managers": managers, "festivals": _festival_list(self.result), "counts": counts})
        files = [Path(f) for _entries, written in done for f in written]
        return files + [Path(p) for p in _write_files(str(self.root), {INDEX_FILE: index})]


def write_letters(result, out_dir: Path, templates_dir: Path | None = None,
                  department: dict | None = None) -> list[Path]:
    """Render the month's letters into ``out_dir/letters/`` and return the files written.

    Everything is rendered before the first file is written, so a template
    error (``LetterTemplateError``) leaves no partial letters behind.
    """
    letters = MonthLetters(result, out_dir, templates_dir, department)
    return letters.write_index([write_letter_batch(batch) for batch in letters.batches(1)])


def _write_files(root: str, files: dict[str, str]) -> list[str]:
    """Write ``files`` ({"<folder>/<file>" or "<file>": text}) under ``root``; their paths."""
    written, made = [], set()
    for relative, content in files.items():
        folder = relative.rpartition("/")[0]
        if folder not in made:                  # one mkdir per folder, not per file (~30,000 files)
            os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
            made.add(folder)
        _write_text(f"{root}/{relative}", content)
        written.append(f"{root}/{relative}")
    return written


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _write_text(path: str, content: str) -> None:
    """``Path(path).write_text(content, encoding="utf-8")`` — the same bytes (newlines as the
    platform writes them) in one os.write: no text/buffer layers and their extra system calls
    for each of ~30,000 small files."""
    data = (content if os.linesep == "\n" else content.replace("\n", os.linesep)).encode("utf-8")
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
