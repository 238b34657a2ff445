"""Copy the front-end files the pages use from node_modules into the static vendor folder.

Run by ``make assets`` after ``npm ci``. Only the distribution files that templates load are
copied (plus the source maps they name, because the manifest static storage refuses a file
that points at a missing map). Pages never load anything from a CDN: the machines have no
internet at run time. Standard library only; safe to run any number of times.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "aftersales" / "web" / "assets" / "vendor"

# (source under node_modules, destination under vendor). A trailing "/" copies a folder.
FILES: list[tuple[str, str]] = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts/", "bootstrap-icons/fonts/"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("signature_pad/dist/signature_pad.umd.min.js", "signature_pad/signature_pad.umd.min.js"),
    # The API documentation page (/api/v1/docs), with the licence notices the bundle points to.
    ("swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"),
    ("swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt", "swagger-ui/swagger-ui-bundle.js.LICENSE.txt"),
    ("swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"),
    ("swagger-ui-dist/LICENSE", "swagger-ui/LICENSE"),
]

SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=([^\s*]+)")


def _copy(src: Path, dst: Path) -> bool:
    """Copy one file unless an identical copy is already there; return whether it changed."""
    if dst.exists() and filecmp.cmp(src, dst, shallow=False):
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return True


def _with_source_maps(src: Path, dst: Path) -> list[tuple[Path, Path]]:
    pairs = [(src, dst)]
    if src.suffix in {".js", ".css"}:
        for match in SOURCE_MAP.finditer(src.read_bytes()):
            name = match.group(1).decode()
            if "/" in name or name.startswith("data:"):
                continue
            pairs.append((src.parent / name, dst.parent / name))
    return pairs


def plan() -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    for source, destination in FILES:
        src = NODE_MODULES / source
        if source.endswith("/"):
            if not src.is_dir():
                raise FileNotFoundError(src)
            for child in sorted(p for p in src.iterdir() if p.is_file()):
                pairs.append((child, VENDOR / destination / child.name))
        else:
            pairs.extend(_with_source_maps(src, VENDOR / destination))
    return pairs


def main() -> int:
    if not NODE_MODULES.is_dir():
        print(
            f"error: {NODE_MODULES} is missing. Run `npm ci` (or `make assets`) first.",
            file=sys.stderr,
        )
        return 1
    try:
        pairs = plan()
        missing = [src for src, _ in pairs if not src.is_file()]
    except FileNotFoundError as exc:
        missing = [Path(str(exc))]
    if missing:
        names = "\n  ".join(str(p) for p in missing)
        print(
            f"error: expected files are missing from node_modules:\n  {names}\n"
            "Run `npm ci` so node_modules matches package-lock.json.",
            file=sys.stderr,
        )
        return 1
    changed = sum(_copy(src, dst) for src, dst in pairs)
    print(f"vendor assets: {len(pairs)} files in {VENDOR.relative_to(ROOT)} ({changed} updated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
