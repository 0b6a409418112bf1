"""A small .xlsx that unpacks into something huge is refused before it is parsed: nothing
is read into memory beyond a chunk, nothing is written."""

from __future__ import annotations

import io
import zipfile

import pytest

from anlao.core.imports import ImportRejected, TooLarge, check_archive, import_all_or_nothing
from anlao.core.models import AuditLog
from tests.test_core_imports import CountSpec, xlsx

pytestmark = pytest.mark.django_db


def crafted(size: int) -> io.BytesIO:
    """A workbook whose second name is ``size`` letters long (openpyxl itself cuts a cell at
    Excel's 32,767 characters, so the zip is rewritten by hand, as an attacker would)."""
    source = zipfile.ZipFile(xlsx(["姓名", "数量"], ["张三", 1], ["MARKER", 2]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for info in source.infolist():
            data = source.read(info).replace(b"MARKER", b"A" * size)
            book.writestr(info.filename, data)
    out.seek(0)
    return out


def test_one_huge_cell_is_refused_and_nothing_is_written(world):
    upload = crafted(300_000)
    assert len(upload.getvalue()) < 20_000  # a small upload …
    with pytest.raises(TooLarge, match="longer than Excel allows"):
        import_all_or_nothing(CountSpec(world.worker_a1), upload)
    assert not AuditLog.objects.filter(action="test.import").exists()


def test_a_file_that_unpacks_beyond_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_UNZIPPED_MB = 1
    upload = xlsx(["姓名", "数量"], *([f"人{i}", i + 1] for i in range(60_000)))
    with pytest.raises(TooLarge, match="1 MB"):
        import_all_or_nothing(CountSpec(world.worker_a1), upload)
    assert not AuditLog.objects.filter(action="test.import").exists()


def test_padding_in_a_member_openpyxl_ignores_counts_too(settings):
    settings.IMPORT_MAX_UNZIPPED_MB = 1
    upload = xlsx(["姓名", "数量"], ["张三", 1])
    out = io.BytesIO(upload.getvalue())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as book, \
            book.open("xl/media/pad.bin", "w") as pad:
        for _ in range(32):
            pad.write(b"\0" * 65_536)  # 2 MiB of zeros, a few KiB compressed
    with pytest.raises(TooLarge):
        check_archive(out)


def test_an_ordinary_file_passes_and_is_rewound(world):
    upload = xlsx(["姓名", "数量"], ["张三", 1], ["李四", 2])
    check_archive(upload)
    assert upload.tell() == 0
    report = import_all_or_nothing(CountSpec(world.worker_a1), upload)
    assert report.ok and len(report.written) == 2


def test_a_file_that_is_no_zip_is_still_not_a_workbook(world):
    with pytest.raises(ImportRejected, match="not an Excel"):
        import_all_or_nothing(CountSpec(world.worker_a1), io.BytesIO(b"name,count\n"))
