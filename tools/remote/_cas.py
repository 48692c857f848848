"""A minimal REAPI ContentAddressableStorage client for the worker bot.

Small blobs go through BatchReadBlobs / BatchUpdateBlobs; blobs that do not
fit in one request go through ByteStream. Digests are SHA-256 (Bazel's
default digest function).
"""

import hashlib
import uuid

from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re_pb2
from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2_grpc as re_grpc
from buildgrid._protos.google.bytestream import bytestream_pb2, bytestream_pb2_grpc

__all__ = ["CasClient", "digest_of"]

# Stay well under gRPC's default 4 MiB message limit.
_BATCH_BYTES = 3 * 1024 * 1024
_BATCH_COUNT = 400
_CHUNK = 1024 * 1024


def digest_of(data):
    return re_pb2.Digest(hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))


def _batches(items, size_of):
    """Splits items into lists whose summed size_of stays under _BATCH_BYTES."""
    batch, total = [], 0
    for item in items:
        size = size_of(item)
        if batch and (total + size > _BATCH_BYTES or len(batch) >= _BATCH_COUNT):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size
    if batch:
        yield batch


class CasClient:
    def __init__(self, channel, instance, timeout=60):
        self._cas = re_grpc.ContentAddressableStorageStub(channel)
        self._bytestream = bytestream_pb2_grpc.ByteStreamStub(channel)
        self._instance = instance
        self._timeout = timeout

    def _resource(self, digest):
        prefix = f"{self._instance}/" if self._instance else ""
        return f"{prefix}blobs/{digest.hash}/{digest.size_bytes}"

    def fetch_blobs(self, digests):
        """Returns {hash: bytes} for the given digests; raises if any is missing."""
        unique = {d.hash: d for d in digests}
        # The empty blob is implicitly present: clients never upload it.
        out = {h: b"" for h, d in unique.items() if d.size_bytes == 0}
        small = [d for d in unique.values() if 0 < d.size_bytes <= _BATCH_BYTES]
        for d in unique.values():
            if d.size_bytes > _BATCH_BYTES:
                out[d.hash] = self._read_stream(d)
        for batch in _batches(small, lambda d: d.size_bytes):
            reply = self._cas.BatchReadBlobs(
                re_pb2.BatchReadBlobsRequest(instance_name=self._instance, digests=batch),
                timeout=self._timeout,
            )
            for response in reply.responses:
                if response.status.code != 0:
                    raise LookupError(
                        f"CAS blob {response.digest.hash}/{response.digest.size_bytes} "
                        f"unavailable: {response.status.message or response.status.code}"
                    )
                out[response.digest.hash] = response.data
        for d in unique.values():
            if d.hash not in out:
                raise LookupError(f"CAS did not return blob {d.hash}/{d.size_bytes}")
        return out

    def fetch_message(self, digest, message_class):
        message = message_class()
        message.ParseFromString(self.fetch_blobs([digest])[digest.hash])
        return message

    def _read_stream(self, digest):
        request = bytestream_pb2.ReadRequest(resource_name=self._resource(digest))
        return b"".join(r.data for r in self._bytestream.Read(request, timeout=self._timeout))

    def upload(self, blobs):
        """Uploads blobs given as {hash: (Digest, bytes-or-path)} unless already present."""
        if not blobs:
            return
        missing = self._cas.FindMissingBlobs(
            re_pb2.FindMissingBlobsRequest(
                instance_name=self._instance, blob_digests=[d for d, _ in blobs.values()]
            ),
            timeout=self._timeout,
        ).missing_blob_digests
        todo = [blobs[d.hash] for d in missing]
        for digest, source in todo:
            if digest.size_bytes > _BATCH_BYTES:
                self._write_stream(digest, _read(source))
        small = [item for item in todo if item[0].size_bytes <= _BATCH_BYTES]
        for batch in _batches(small, lambda item: item[0].size_bytes):
            reply = self._cas.BatchUpdateBlobs(
                re_pb2.BatchUpdateBlobsRequest(
                    instance_name=self._instance,
                    requests=[
                        re_pb2.BatchUpdateBlobsRequest.Request(digest=d, data=_read(src)) for d, src in batch
                    ],
                ),
                timeout=self._timeout,
            )
            for response in reply.responses:
                if response.status.code != 0:
                    raise IOError(f"CAS upload of {response.digest.hash} failed: {response.status.message}")

    def _write_stream(self, digest, data):
        prefix = f"{self._instance}/" if self._instance else ""
        name = f"{prefix}uploads/{uuid.uuid4()}/blobs/{digest.hash}/{digest.size_bytes}"

        def requests():
            offset = 0
            while True:
                chunk = data[offset : offset + _CHUNK]
                last = offset + len(chunk) >= len(data)
                yield bytestream_pb2.WriteRequest(
                    resource_name=name if offset == 0 else "",
                    write_offset=offset,
                    finish_write=last,
                    data=chunk,
                )
                offset += len(chunk)
                if last:
                    return

        self._bytestream.Write(requests(), timeout=self._timeout)


def _read(source):
    if isinstance(source, bytes):
        return source
    with open(source, "rb") as f:
        return f.read()
