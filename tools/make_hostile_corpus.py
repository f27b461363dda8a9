#!/usr/bin/python3
"""Writes the hostile-input corpus the gateway tests read (services/gateway/src/test/resources/hostile).

Small, deterministic files; run again only to change the corpus (needs Pillow: Debian python3-pil). Each file's expected
outcome is asserted by HostileInputTest.
"""
import io
import struct
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "services/gateway/src/test/resources/hostile"


def gradient(mode, size=(64, 48)):
    image = Image.new("RGB", size)
    image.putdata([(x * 4 % 256, y * 5 % 256, (x + y) * 3 % 256) for y in range(size[1]) for x in range(size[0])])
    return image.convert(mode) if mode != "RGB" else image


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def with_exif_orientation(jpeg, orientation):
    """Inserts an APP1 Exif segment holding only the orientation tag right after SOI."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff + ifd
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    jpeg = encoded(gradient("RGB"), "JPEG", quality=90)
    png = encoded(gradient("RGB"), "PNG")
    webp = encoded(gradient("RGB"), "WEBP", quality=90)
    files = {
        "valid.jpg": jpeg,
        "valid.webp": webp,
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "truncated.png": png[: len(png) // 2],
        "truncated.webp": webp[: len(webp) // 2],
        "corrupt.png": png[:40] + bytes(64) + png[104:],
        "empty.jpg": b"",
        "text-named.png": b"this is text, not a picture\n",
        "jpeg-named.png": jpeg,
        "cmyk.jpg": encoded(gradient("CMYK"), "JPEG", quality=90),
        "gray16.png": encoded(gradient("L").convert("I;16"), "PNG"),
        "gray.jpg": encoded(gradient("L"), "JPEG", quality=90),
        "alpha.png": encoded(gradient("RGBA"), "PNG"),
        "exif-rotated-90.jpg": with_exif_orientation(jpeg, 6),
    }
    for name, content in files.items():
        (OUT / name).write_bytes(content)
        print(f"{name}: {len(content)} bytes")


if __name__ == "__main__":
    main()
