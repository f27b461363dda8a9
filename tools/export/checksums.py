"""The sha256 lines the export scripts print for the files they write (the format `sha256sum -c` reads)."""
import hashlib


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def print_sha256(paths):
    for path in paths:
        print(f"{sha256(path)}  {path}")
