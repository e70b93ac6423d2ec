"""toolkit.fetch with a fake transport: success, checksum, resume, atomicity, offline message."""
from __future__ import annotations

import hashlib
import io
import urllib.error

import pytest

from toolkit.errors import ChecksumError, FetchError
from toolkit.fetch import fetch

PAYLOAD = b"CASE_NUMBER,CASE_STATUS\n" * 5000


class FakeResponse(io.BytesIO):
    def __init__(self, data, status=200):
        super().__init__(data)
        self.status = status
        self.headers = {"Content-Length": str(len(data))}


def entry(sha=None):
    return {"id": "t", "url": "https://example.org/H-2B_FY2019.xlsx", "file_name": "H-2B_FY2019.xlsx", "sha256": sha}


def test_download_verifies_and_second_run_is_noop(tmp_path):
    calls = []

    def opener(req, timeout):
        calls.append(req)
        return FakeResponse(PAYLOAD)

    sha = hashlib.sha256(PAYLOAD).hexdigest()
    path = fetch(entry(sha), dest_dir=tmp_path, opener=opener, progress=False)
    assert path.read_bytes() == PAYLOAD and len(calls) == 1
    fetch(entry(sha), dest_dir=tmp_path, opener=opener, progress=False)
    assert len(calls) == 1  # present and verified: no second download


def test_checksum_mismatch_moves_file_aside(tmp_path):
    with pytest.raises(ChecksumError, match="does not match"):
        fetch(entry("0" * 64), dest_dir=tmp_path, opener=lambda r, timeout: FakeResponse(PAYLOAD), progress=False)
    assert not (tmp_path / "H-2B_FY2019.xlsx").exists()
    assert (tmp_path / "H-2B_FY2019.xlsx.part.bad").exists()


def test_interrupted_download_leaves_no_final_file_and_resumes(tmp_path):
    class Broken(FakeResponse):
        def read(self, n=-1):
            block = super().read(1000)
            if self.tell() > 30_000:
                raise ConnectionResetError("reset")
            return block

    with pytest.raises(ConnectionResetError):
        fetch(entry(), dest_dir=tmp_path, opener=lambda r, timeout: Broken(PAYLOAD), progress=False)
    assert not (tmp_path / "H-2B_FY2019.xlsx").exists()
    have = (tmp_path / "H-2B_FY2019.xlsx.part").stat().st_size
    seen = {}

    def resume(req, timeout):
        seen["range"] = req.get_header("Range")
        return FakeResponse(PAYLOAD[have:], status=206)

    path = fetch(entry(hashlib.sha256(PAYLOAD).hexdigest()), dest_dir=tmp_path, opener=resume, progress=False)
    assert seen["range"] == f"bytes={have}-" and path.read_bytes() == PAYLOAD


def test_offline_message_says_what_to_do(tmp_path):
    def offline(req, timeout):
        raise urllib.error.URLError("no network")

    with pytest.raises(FetchError) as err:
        fetch(entry(), dest_dir=tmp_path, opener=offline, progress=False)
    msg = str(err.value)
    assert "https://example.org/H-2B_FY2019.xlsx" in msg and str(tmp_path / "H-2B_FY2019.xlsx") in msg
    assert "by hand" in msg


def test_an_entry_without_direct_download_says_where_to_get_it(tmp_path):
    def never(req, timeout):  # pragma: no cover - must not be called
        raise AssertionError("no request for an entry without a direct download")

    e = {**entry(), "url": "https://github.com/TRLegalAid/trla-H2Data-backend", "direct_download": False}
    with pytest.raises(FetchError, match="not a direct download; get it from https://github.com/TRLegalAid"):
        fetch(e, dest_dir=tmp_path, opener=never, progress=False)
    (tmp_path / "H-2B_FY2019.xlsx").write_bytes(PAYLOAD)  # placed by hand: accepted
    assert fetch(e, dest_dir=tmp_path, opener=never, progress=False) == tmp_path / "H-2B_FY2019.xlsx"
