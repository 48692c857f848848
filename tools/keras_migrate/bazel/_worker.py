"""Bazel's persistent-worker protocol (proto flavour), for the migration action.

Bazel starts the action's executable once with `--persistent_worker` and then writes
length-delimited WorkRequest messages to its stdin; each is answered on stdout with a
length-delimited WorkResponse (src/main/protobuf/worker_protocol.proto):

    WorkRequest  { repeated string arguments = 1; repeated Input inputs = 2;
                   int32 request_id = 3; bool cancel = 4; int32 verbosity = 5;
                   string sandbox_dir = 6; }
    WorkResponse { int32 exit_code = 1; string output = 2; int32 request_id = 3; }

The proto flavour works with Bazel 4.2.3 and 7 without flags (JSON needs
--experimental_worker_allow_json_protocol on 4.x). The few fields are coded here by
hand: no generated module, no protobuf runtime version to match.

stdout is the protocol channel: whatever a request prints goes into its response's
`output` instead.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from typing import BinaryIO, Callable, List, Optional, Tuple

__all__ = ["serve", "encode_request", "decode_response", "read_delimited", "write_delimited"]

_VARINT, _LEN = 0, 2


def _read_varint(stream: BinaryIO) -> Optional[int]:
    shift = result = 0
    while True:
        byte = stream.read(1)
        if not byte:
            if shift:
                raise EOFError("truncated varint")
            return None
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return result
        shift += 7


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int32 negatives are 10-byte varints
    out = bytearray()
    while True:
        bits, value = value & 0x7F, value >> 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _fields(data: bytes):
    """(field number, wire type, value) of a message: ints for varints, bytes for
    length-delimited fields; other wire types are skipped."""
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _parse_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _parse_varint(data, pos)
        elif wire == _LEN:
            size, pos = _parse_varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = None, pos + 8
        elif wire == 5:
            value, pos = None, pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def _parse_varint(data: bytes, pos: int) -> Tuple[int, int]:
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def read_delimited(stream: BinaryIO) -> Optional[bytes]:
    size = _read_varint(stream)
    if size is None:
        return None
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("truncated message")
    return data


def write_delimited(stream: BinaryIO, message: bytes) -> None:
    stream.write(_varint(len(message)) + message)
    stream.flush()


def _string_field(number: int, text: str) -> bytes:
    raw = text.encode("utf-8")
    return _varint(number << 3 | _LEN) + _varint(len(raw)) + raw


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3 | _VARINT) + _varint(value) if value else b""


def decode_request(data: bytes) -> Tuple[List[str], int, bool]:
    arguments: List[str] = []
    request_id, cancel = 0, False
    for number, wire, value in _fields(data):
        if number == 1 and wire == _LEN:
            arguments.append(value.decode("utf-8"))
        elif number == 3 and wire == _VARINT:
            request_id = value
        elif number == 4 and wire == _VARINT:
            cancel = bool(value)
    return arguments, request_id, cancel


def encode_request(arguments: List[str], request_id: int = 0) -> bytes:
    """(for tests and benchmarks: what Bazel sends)"""
    return b"".join(_string_field(1, a) for a in arguments) + _int_field(3, request_id)


def encode_response(exit_code: int, output: str, request_id: int) -> bytes:
    return _int_field(1, exit_code) + (_string_field(2, output) if output else b"") + _int_field(3, request_id)


def decode_response(data: bytes) -> Tuple[int, str, int]:
    exit_code, output, request_id = 0, "", 0
    for number, wire, value in _fields(data):
        if number == 1 and wire == _VARINT:
            exit_code = value - (1 << 64) if value >= 1 << 63 else value
        elif number == 2 and wire == _LEN:
            output = value.decode("utf-8", "replace")
        elif number == 3 and wire == _VARINT:
            request_id = value
    return exit_code, output, request_id


def serve(run: Callable[[List[str]], int], stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Answers requests until Bazel closes stdin. A request that raises gets exit code
    1 and the traceback as its output; the worker goes on with the next."""
    while True:
        data = read_delimited(stdin)
        if data is None:
            return 0
        arguments, request_id, cancel = decode_request(data)
        if cancel:
            continue  # singleplex: a request is finished before the next is read
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            try:
                code = run(arguments)
            except SystemExit as exc:  # argparse errors
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception:  # noqa: BLE001 - reported to Bazel, the worker survives
                traceback.print_exc()
                code = 1
        write_delimited(stdout, encode_response(code, captured.getvalue(), request_id))
