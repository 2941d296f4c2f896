"""Writing the month's letters: their file names, batches for the pool's workers, the files and the index page.

Letters to customers are filed under ``letters/<工号>/`` with each manager's combined print
file, and ``letters/index.html`` over them all (SPEC §7); beside it ``短信发送清单.csv``, the
greetings' SMS ready for an SMS platform's bulk import (issue 14 item 12), and the seal image
when the rules give one. 奖状 are not customer letters: they go to ``奖状/`` at the month's
root, one page each and a combined print file (issue 14 item 13). Which letters:
kehu.render.letter_selection; their templates: kehu.render.letter_templates.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from kehu.holidays import festivals_in
from kehu.render.letter_selection import KINDS, Directory, Letter, certificate_letters, cn_date, select_letters
from kehu.render.letter_templates import (COMBINED_TEMPLATE, INDEX_TEMPLATE, LetterEnvironment, RenderedLetter,
                                          all_template_names, common_context, render_letter)
from kehu.render.safe import safe_filename, unique_names, write_csv

COMBINED_STEM = "合并打印"
COMBINED_FILE = f"{COMBINED_STEM}.html"
UNASSIGNED = "未分配"                  # the folder of letters whose customer has no manager
INDEX_FILE = "index.html"
SMS_FILE = "短信发送清单.csv"
SMS_HEADERS = ["手机号", "姓名", "客户", "类型", "发送日期", "短信内容"]
NO_MOBILE = "无有效手机号"
CERTIFICATES = "奖状"                 # the folder of the certificates, at the month's root
# the files beside the managers' folders (the seal: kehu.render.letter_templates.SEAL_STEM): no folder takes their names
ROOT_FILES = (INDEX_FILE, SMS_FILE, "公章.png", "公章.jpg")


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
        to = item.letter.sms_to or {}
        entry = {"kind": item.letter.kind, "label": KINDS[item.letter.kind][0], "title": item.letter.title,
                 "href": quote(f"{folder}/{stem}.html"), "sms": item.sms or "", "sms_href": "",
                 "phone": (to.get("phone") or NO_MOBILE) if item.sms is not None else "", "send": to.get("send", ""),
                 "sms_to": to}
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


def sms_rows(managers: list[dict]) -> tuple[list[list[str]], int]:
    """The lines of 短信发送清单.csv — every greeting SMS with a valid mobile, by send date — and
    how many were left out for want of one (validation names them: W-sms-no-mobile)."""
    wanted = [(letter["sms_to"], letter["sms"]) for m in managers for letter in m["letters"] if letter["sms"]]
    rows = [[to["phone"], to["name"], to["customer"], to["kind"], to["send"], sms] for to, sms in wanted if to["phone"]]
    return sorted(rows, key=lambda r: r[4]), sum(1 for to, _ in wanted if not to["phone"])


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
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / "letters"
        self.env = LetterEnvironment(templates_dir)
        self.env.check(all_template_names())            # a syntax error fails before any output
        self.common = common_context(result, department, self.env.css()) | {"asset_root": "../"}
        self.directory: Directory | None = None         # the month's staff and customers, once batches() read them

    def batches(self, count: int = 1) -> list[LetterBatch]:
        """The month's letters in ``count`` batches (or fewer) of whole managers, in filing order."""
        directory = self.directory = Directory(self.result)
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
        """index.html over the written batches, with the SMS list, the seal and the 奖状 beside
        them; every file written, index last."""
        managers = sorted((entry for entries, _files in done for entry in entries), key=lambda m: (m["room"], m["id"]))
        counts = _counts(letter["kind"] for manager in managers for letter in manager["letters"])
        rows, left_out = sms_rows(managers)
        index = self.env.render(INDEX_TEMPLATE, self.common | {
            "managers": managers, "festivals": _festival_list(self.result), "counts": counts,
            "sms": {"file": quote(SMS_FILE), "count": len(rows), "left_out": left_out}})
        files = [Path(f) for _entries, written in done for f in written]
        self.root.mkdir(parents=True, exist_ok=True)
        files.append(write_csv(self.root / SMS_FILE, SMS_HEADERS, rows))
        files += self._seal(self.root) + self.write_certificates()
        return files + [Path(p) for p in _write_files(str(self.root), {INDEX_FILE: index})]

    def write_certificates(self) -> list[Path]:
        """奖状/<工号>_<姓名>.html and 奖状/合并打印.html — apart from the customers' letters."""
        letters = certificate_letters(self.result, self.directory or Directory(self.result))
        if not letters:
            return []
        folder = self.out_dir / CERTIFICATES
        common = self.common | {"asset_root": ""}
        rendered = [render_letter(self.env, letter, common) for letter in letters]
        names = unique_names([(letter.stem, safe_filename(letter.stem)) for letter in letters], reserved=(COMBINED_STEM,))
        files = {f"{name}.html": item.html for name, item in zip(names, rendered)}
        files[COMBINED_FILE] = self.env.render(COMBINED_TEMPLATE, common | {
            "manager": {"id": CERTIFICATES, "name": CERTIFICATES}, "pages": [Markup(i.fragment) for i in rendered]})
        return self._seal(folder) + [Path(p) for p in _write_files(str(folder), files)]

    def _seal(self, folder: Path) -> list[Path]:
        """The rules' seal image copied into ``folder``, where the pages find it."""
        seal = self.common["department"].get("seal")
        source = self.result.rules["organisation"]["seal_image"]
        if not seal or not source.strip():
            return []
        folder.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copyfile(source, folder / seal))]


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
        path = f"{root}/{relative}"           # a str, not a Path: ~30,000 files a month
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
        written.append(path)
    return written
