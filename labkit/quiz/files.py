"""Files a learner keeps: offered as a download link (works on Binder, with nothing on the server side) and
read back from an upload widget or a path.

Every file read back is checked whole before anything uses it, and a file that is not what it should be
raises ``FileProblem``, whose message names the file and says what is wrong, so that a widget can say so
and keep what it had. Names a learner types (their own, a member's) become file names through
``safe_name``, which cannot make a path and keeps distinct names distinct.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

NAME_LIMIT = 60  # characters of a learner's or member's name: a file name stays well under any system's limit


class FileProblem(ValueError):
    """A file that cannot be used as it is; the message names it and says why."""

    def __init__(self, name: str, why: str):
        self.name, self.why = name, why
        super().__init__(f"{name}: {why}")


def write_json(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return path


def source_name(source) -> str:
    """What a message calls a file: its name, or "the uploaded file" for bare bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "the uploaded file"
    return Path(source).name or str(source)


def read_json(source, name: str | None = None) -> dict:
    """A JSON object from a path or from the bytes an upload widget holds; ``FileProblem`` if it is none."""
    name = name or source_name(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    else:
        try:
            raw = Path(source).read_bytes()
        except FileNotFoundError:
            raise FileProblem(name, "no such file") from None
        except IsADirectoryError:
            raise FileProblem(name, "a folder, not a file") from None
        except OSError as error:
            raise FileProblem(name, f"cannot be read ({error.strerror or error})") from None
    if not raw.strip():
        raise FileProblem(name, "the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem(name, "not a text file (it holds binary data), so not one this lab saved") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(name, f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise FileProblem(name, "not JSON this lab saved (nested too deep)") from None
    if not isinstance(data, dict):
        raise FileProblem(name, f"holds a JSON {type(data).__name__}, not the object this lab saves")
    return data


def kind_of(data: dict) -> str:
    """What a lab file is, in words, from its own fields (for "this is X, not Y" messages)."""
    form = data.get("format")
    if isinstance(form, str) and form.startswith("labkit-round-answers/"):
        return "a member's answers to a study-group round"
    if isinstance(form, str) and form.startswith("labkit-round/"):
        return "a study-group round file"
    if "records" in data and "learner" in data:
        return "a learner's exam-prep progress"
    if "bank" in data and "answers" in data:
        return f"a chapter's check progress ({data['bank']!r})" if isinstance(data["bank"], str) else \
            "a chapter's check progress"
    return "not a file this lab saves"


def expect_kind(data: dict, name: str, kind: str, fields=()) -> None:
    """``FileProblem`` unless ``data`` is a ``kind`` file with every one of ``fields``."""
    found = kind_of(data)
    if found != "not a file this lab saves" and not found.startswith(kind):
        raise FileProblem(name, f"this is {found}, not {kind}")
    missing = [f for f in fields if f not in data]
    if missing:
        raise FileProblem(name, f"it lacks {', '.join(missing)}, which {kind} has: not a file of that kind, or "
                                "a damaged one")


def safe_name(text: str, what: str = "name") -> str:
    """A name as part of a file name: ASCII letters and digits kept, every other character (``_``, ``-``,
    ``.``, ``/`` too) written ``_`` and its UTF-8 bytes in hex, so that no name makes a path, two names never
    share a file, and ``-`` is free to join a name to another in a file name."""
    text = text.strip()
    if not text:
        raise ValueError(f"the {what} is empty")
    if len(text) > NAME_LIMIT:
        raise ValueError(f"the {what} is {len(text)} characters long; {NAME_LIMIT} at most")
    out = []
    for char in text:
        if char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.extend(f"_{byte:02x}" for byte in char.encode("utf-8"))
    return "".join(out)


def in_folder(path: str | Path, folder: str | Path = ".") -> Path:
    """``path`` if it lies inside ``folder`` (the working folder), else ``ValueError``: a path typed in a
    widget never reaches a file outside it."""
    base = Path(folder).resolve()
    target = (base / Path(path)).resolve()
    if target != base and base not in target.parents:
        raise ValueError(f"{path} is outside the working folder ({base}); give a file name inside it")
    return target


def download_link(name: str, data: dict, label: str | None = None) -> str:
    """An HTML link that downloads ``data`` as the JSON file ``name`` from the page itself."""
    payload = base64.b64encode(json.dumps(data, indent=1, sort_keys=True).encode()).decode()
    text = html.escape(label or f"Download {name}")
    return (f"<a class='labkit-download' download='{html.escape(name)}' "
            f"href='data:application/json;base64,{payload}'>{text}</a>")


def uploads(upload) -> list[tuple[str, bytes]]:
    """The files in an ipywidgets FileUpload, as (name, content)."""
    return [(f["name"], bytes(f["content"])) for f in upload.value]
