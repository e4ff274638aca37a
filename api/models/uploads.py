"""Bundle uploads: multipart `files` parts or one `bundle` zip, read without trusting the archive."""

from __future__ import annotations

import io
import zipfile
import zlib

from flask import request

from engine.domain.errors import InvalidInputError
from engine.services.bundles import BUNDLE_SUFFIXES, MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES

# What a damaged, encrypted or hostile archive raises while it is listed or inflated.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
    OSError,
)
TOO_LARGE = (
    f"bundle archive too large: at most {MAX_BUNDLE_FILES} files and "
    f"{MAX_BUNDLE_BYTES // 2**20} MB unpacked"
)


def _bundle_name(raw_name: str) -> str:
    """A bundle-relative path, or InvalidInputError for names that climb out or are absolute."""
    name = raw_name.replace("\\", "/")
    if not name or name.startswith("/") or ".." in name.split("/") or "\x00" in name:
        raise InvalidInputError(f"bad file name {raw_name!r} in the bundle")
    return name


def _packing_debris(name: str) -> bool:
    # Archivers add __MACOSX/ resource forks and hidden files (.DS_Store): not the procedure's.
    return any(part.startswith(("__MACOSX", ".")) for part in name.split("/") if part)


def _common_prefix(names: list[str]) -> str:
    # A zip of the folder itself holds "birth_registration/procedure.json": strip that folder.
    if names and all("/" in n for n in names):
        first = names[0].split("/", 1)[0] + "/"
        if all(n.startswith(first) for n in names):
            return first
    return ""


def read_zip(raw: bytes) -> dict[str, bytes]:
    """The files of a zipped procedure folder, chosen as from a folder on disk, within limits."""
    if len(raw) > MAX_BUNDLE_BYTES:
        raise InvalidInputError(TOO_LARGE)
    files: dict[str, bytes] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [
            i for i in archive.infolist() if not i.is_dir() and not _packing_debris(i.filename)
        ]
        if len(infos) > MAX_BUNDLE_FILES or sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
            raise InvalidInputError(TOO_LARGE)
        prefix = _common_prefix([i.filename for i in infos])
        unpacked = 0
        for info in infos:
            name = _bundle_name(info.filename[len(prefix) :])
            # The same files as deploying the folder from disk (engine.services.bundles).
            if name.startswith("examples/") or not name.endswith(BUNDLE_SUFFIXES):
                continue
            # Read at most what is left of the budget: the sizes in the headers may lie.
            with archive.open(info) as member:
                content = member.read(MAX_BUNDLE_BYTES - unpacked + 1)
            unpacked += len(content)
            if unpacked > MAX_BUNDLE_BYTES:
                raise InvalidInputError(TOO_LARGE)
            files[name] = content
    except ZIP_ERRORS as exc:
        raise InvalidInputError(
            f"'bundle' must be a readable zip archive of the procedure folder ({exc})"
        ) from None
    return files


def uploaded_files() -> dict[str, bytes]:
    """Files from a multipart upload: `files` parts (filename = path in bundle) or one `bundle` zip."""
    files: dict[str, bytes] = {}
    if "bundle" in request.files:
        files.update(read_zip(request.files["bundle"].read(MAX_BUNDLE_BYTES + 1)))
    for part in request.files.getlist("files"):
        name = _bundle_name((part.filename or "").lstrip("/"))
        files[name] = part.read(MAX_BUNDLE_BYTES + 1)
    if not files:
        raise InvalidInputError("upload the bundle as multipart 'files' parts or one 'bundle' zip")
    return files
