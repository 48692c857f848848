"""The file layer: bytes kept exactly, edits never overwritten, links kept, FIFOs refused."""

import os
import stat

import pytest

from keras_migrate.engine._files import (
    DecodeFailure, FileChanged, NotRegularFile, ReadOnlyFile, decode, read_bytes, read_snapshot, write_atomic,
    write_bytes_atomic,
)


def test_bom_is_dropped_on_read_and_restored_on_write(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"\xef\xbb\xbfx = 1\r\n")
    snapshot, text, encoding = read_snapshot(str(path))
    assert text == "x = 1\r\n" and encoding == "utf-8-sig"
    write_atomic(str(path), text.replace("1", "2"), encoding, expected=snapshot)
    assert path.read_bytes() == b"\xef\xbb\xbfx = 2\r\n"


def test_declared_encoding_is_used():
    assert decode("# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"))[1] == "iso-8859-1"


def test_undeclared_latin1_names_line_and_column():
    with pytest.raises(DecodeFailure) as info:
        decode(b"a = 1\nx = '\xe9'\n")
    assert (info.value.line, info.value.column) == (2, 6)


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile):
        read_bytes(str(fifo))


def test_symlink_is_written_through_and_kept(tmp_path):
    real = tmp_path / "real.py"
    real.write_text("x = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    snapshot = read_bytes(str(link))
    write_bytes_atomic(str(link), b"x = 2\n", expected=snapshot)
    assert link.is_symlink() and real.read_text() == "x = 2\n"


def test_edit_made_meanwhile_is_never_overwritten(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    snapshot = read_bytes(str(path))
    path.write_text("x = 1  # edited\n")
    with pytest.raises(FileChanged):
        write_bytes_atomic(str(path), b"x = 2\n", expected=snapshot)
    assert path.read_text() == "x = 1  # edited\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]  # no temp file left


def test_same_size_edit_within_the_clock_grain_is_caught(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    snapshot = read_bytes(str(path))
    path.write_text("x = 3\n")
    os.utime(path, ns=(snapshot.mtime_ns, snapshot.mtime_ns))  # same size, same mtime
    with pytest.raises(FileChanged):
        write_bytes_atomic(str(path), b"x = 2\n", expected=snapshot)


def test_read_only_file_is_refused(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    os.chmod(path, 0o444)
    with pytest.raises(ReadOnlyFile):
        write_bytes_atomic(str(path), b"x = 2\n", expected=read_bytes(str(path)))
    assert path.read_text() == "x = 1\n"


def test_permissions_are_kept(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    os.chmod(path, 0o750)
    write_bytes_atomic(str(path), b"x = 2\n", expected=read_bytes(str(path)))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
