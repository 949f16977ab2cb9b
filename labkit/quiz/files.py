"""Files a learner keeps: offered as a download link (works on Binder, with nothing on the server side) and
read back from an upload widget or a path."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path


def write_json(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return path


def read_json(source) -> dict:
    """A JSON file's data, from a path or from the bytes an upload widget holds."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return json.loads(bytes(source).decode("utf-8"))
    return json.loads(Path(source).read_text(encoding="utf-8"))


def download_link(name: str, data: dict, label: str | None = None) -> str:
    """An HTML link that downloads ``data`` as the JSON file ``name`` from the page itself."""
    payload = base64.b64encode(json.dumps(data, indent=1, sort_keys=True).encode()).decode()
    text = html.escape(label or f"Download {name}")
    return (f"<a class='labkit-download' download='{html.escape(name)}' "
            f"href='data:application/json;base64,{payload}'>{text}</a>")


def uploads(upload) -> list[tuple[str, bytes]]:
    """The files in an ipywidgets FileUpload, as (name, content)."""
    return [(f["name"], bytes(f["content"])) for f in upload.value]
