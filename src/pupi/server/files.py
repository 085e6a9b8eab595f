"""Files in requests and views: what a request brings, what a session's view lists.

Files come with a request (``files``, for its ``upload`` steps) or from a run
(what the page downloaded). A remote ``upload`` step names a file sent with the
session, never a path: the worker's disk is not the client's.
"""

from __future__ import annotations

from urllib.parse import quote

from pupi.errors import InvalidSteps, PayloadTooLarge, StepError
from pupi.server.db.models import FileRow
from pupi.server.db.specs import FileSpec
from pupi.server.schemas import FileRecord, UploadedFile
from pupi.server.settings import ServerSettings
from pupi.steps import Step
from pupi.steps.models import SaveStateStep, ScreenshotStep, UploadStep

__all__ = ["check_remote_steps", "file_record", "uploads"]


def uploads(files: list[UploadedFile] | None, settings: ServerSettings) -> tuple[FileSpec, ...]:
    """The request's files, decoded, within the server's bound on their total."""
    specs = tuple(
        FileSpec(name=file.name, content_type=file.content_type, data=file.data())
        for file in files or []
    )
    total = sum(len(spec.data) for spec in specs)
    if total > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"the files add up to {total} bytes; this server takes at most "
            f"{settings.max_upload_bytes} per request (PUPI_MAX_UPLOAD_BYTES)"
        )
    return specs


def check_remote_steps(steps: list[Step], names: set[str]) -> None:
    """Refuse, before anything is stored, what a worker must not do for a client:
    read its own files (``upload`` names only ``names``, the files sent) or write
    them (``screenshot.path``, ``save_state``: the session's ``save_state`` keeps
    the state instead). Raises ``InvalidSteps`` naming each step and field."""
    problems: list[StepError] = []
    for index, step in enumerate(steps):
        if isinstance(step, UploadStep):
            problems.extend(
                StepError(
                    index,
                    step.action,
                    "files",
                    f"no file {name!r} was sent with this session; send it in the "
                    "request's files and name it here (a remote step cannot read paths)",
                )
                for name in step.files
                if name not in names
            )
        elif isinstance(step, SaveStateStep):
            problems.append(
                StepError(
                    index,
                    step.action,
                    None,
                    "a remote session saves its state with save_state: true on the "
                    "session (GET .../storage_state), not with a step",
                )
            )
        elif isinstance(step, ScreenshotStep) and step.path is not None:
            problems.append(
                StepError(
                    index,
                    step.action,
                    "path",
                    "a remote step cannot write the server's files; the session keeps "
                    "a screenshot after every step",
                )
            )
    if problems:
        raise InvalidSteps(problems)


def file_record(session_id: str, row: FileRow) -> FileRecord:
    """A file as the session's view lists it."""
    kept = row.note is None  # what was not kept says why
    return FileRecord(
        name=row.name,
        kind="download" if row.kind == "download" else "upload",
        run=row.run,
        size=row.size,
        content_type=row.content_type,
        url=f"/v1/sessions/{session_id}/files/{quote(row.name)}" if kept else None,
        note=row.note,
        created_at=row.created_at,
    )
