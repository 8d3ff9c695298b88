"""A ZIP written into a generator: each file is read by chunks and its compressed bytes are yielded
as they come, so that memory stays flat whatever the number and size of the files."""

import zipfile

CHUNK = 64 * 1024


class _Sink:
    """A write-only, non-seekable file object: zipfile then writes data descriptors (streaming mode)."""

    def __init__(self):
        self.parts = []
        self.offset = 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self):
        return self.offset

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(entries):
    """entries: iterable of (name in the archive, callable returning an open binary file)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, opener in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with opener() as source, archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if sink.offset and sink.parts:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()
